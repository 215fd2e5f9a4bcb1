"""A small BitNet b1.58 language model in PyTorch, written for bitnet-mlir.

Why this file exists: the compiler must take a *whole* BitNet b1.58
transformer as ``torch.onnx.export`` writes it -- BitLinear layers in their
training form (latent float weights, absmean ternary quantization, per-token
absmax int8 activations, straight-through estimator) surrounded by the float
parts of the model (embedding, RMSNorm, rotary position embeddings, causal
softmax attention, the FFN non-linearity, residuals and the output head) --
and run it with the same logits as ONNX Runtime. This is that model.

Architecture (shared semantics doc §2; the layout of BitNet b1.58 models)::

    input_ids[B, S] -> Embedding -> N x DecoderLayer -> RMSNorm -> head (float) -> logits[B, S, V]

    DecoderLayer(h):
      a = RMSNorm(h)
      q, k, v = BitLinear(a) x 3                (no SubLN: they share the pre-attention norm)
      q, k = rotary(q), rotary(k)               (rotate-half form, positions 0..S-1)
      o = softmax(q k^T / sqrt(d_head) + causal_mask) v
      h = h + BitLinear_o(SubLN(o))
      f = RMSNorm(h)
      squared ReLU: u = relu(BitLinear_up(f))^2
      SwiGLU:       u = silu(BitLinear_gate(f)) * BitLinear_up(f)
      h = h + BitLinear_down(SubLN(u))

Every BitLinear is :class:`bitnet_layers.BitLinear158` without bias; the
SubLN is that module's ``subln`` RMSNorm. The head is a plain float
``nn.Linear`` (b1.58 models keep embeddings and head in high precision).

The rotary tables are precomputed for ``max_positions``, so one export serves
every sequence length up to ``max_positions`` when the sequence axis is
dynamic. Two ways to index them (``BitNetLMConfig.positions``):

* ``gather`` (default): positions ``cumsum(ones_like(input_ids)) - 1``; the
  tables are Gathered by position and the causal mask compares positions.
  Every tensor's shape follows the input's, so ONNX shape inference types the
  whole dynamic graph.
* ``slice``: the tables and a precomputed ``-inf`` mask are Sliced to the
  input length (``table[:S]``). In a dynamic export the Slice bounds are
  runtime values, and ONNX (1.12) shape inference leaves the Slice output, and
  everything after it, untyped.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from bitnet_layers import BitLinear158, RMSNorm

FFN_KINDS = ("relu2", "swiglu")
POSITION_KINDS = ("gather", "slice")


@dataclass
class BitNetLMConfig:
    """Model sizes; the defaults are the bundled example (``examples/bitnet_lm*.onnx``)."""

    vocab_size: int = 256
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    #: ``relu2`` (squared ReLU, as BitNet b1.58 2B4T) or ``swiglu`` (LLaMA-style gate).
    ffn_kind: str = "relu2"
    #: FFN width; None picks 4 * d_model for relu2 and about 8/3 * d_model for swiglu
    #: (the same parameter count as a 4x two-matrix FFN, rounded to a multiple of 4).
    ffn_dim: int = None
    max_positions: int = 64
    rope_theta: float = 10000.0
    #: How the rotary tables and the causal mask are indexed (see the module doc):
    #: ``gather`` -- positions 0..S-1 from a cumulative sum over the input, tables
    #: Gathered by position, mask from comparing positions; ``slice`` -- tables and
    #: a precomputed mask Sliced to the input length.
    positions: str = "gather"

    def __post_init__(self):
        if self.ffn_kind not in FFN_KINDS:
            raise ValueError(f"ffn_kind must be one of {FFN_KINDS}, got {self.ffn_kind!r}")
        if self.positions not in POSITION_KINDS:
            raise ValueError(f"positions must be one of {POSITION_KINDS}, got {self.positions!r}")
        if self.d_model % self.n_heads or (self.d_model // self.n_heads) % 2:
            raise ValueError("d_model / n_heads must be an even integer (rotary pairs)")
        if self.ffn_dim is None:
            self.ffn_dim = 4 * self.d_model if self.ffn_kind == "relu2" else \
                4 * round(8 * self.d_model / 3 / 4)

    @property
    def head_dim(self):
        return self.d_model // self.n_heads


def rotary_tables(max_positions, head_dim, theta):
    """``cos, sin`` of shape ``[max_positions, head_dim]`` for the rotate-half form.

    Computed in float64 and rounded once to float32 so that the tables (graph
    constants) do not depend on float32 evaluation order.
    """
    inv_freq = 1.0 / theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = torch.outer(torch.arange(max_positions, dtype=torch.float64), inv_freq)
    angles = torch.cat([angles, angles], dim=-1)
    return angles.cos().float(), angles.sin().float()


def rotate_half(x, half):
    """``[x1, x2] -> [-x2, x1]`` along the last axis, ``x1`` the first ``half`` entries.

    ``half`` is a Python int (the model's head_dim / 2), not ``x.shape[-1] // 2``:
    a traced shape would export as Shape/Gather/Div and a Slice with runtime
    bounds, whose output ONNX shape inference cannot type.
    """
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention with rotary positions and SubLN before the output projection."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg.d_model
        self.n_heads = cfg.n_heads
        self.head_dim = cfg.head_dim
        self.positions = cfg.positions
        self.q_proj = BitLinear158(d, d, bias=False)
        self.k_proj = BitLinear158(d, d, bias=False)
        self.v_proj = BitLinear158(d, d, bias=False)
        self.o_proj = BitLinear158(d, d, bias=False, subln=True)
        cos, sin = rotary_tables(cfg.max_positions, cfg.head_dim, cfg.rope_theta)
        self.register_buffer("rope_cos", cos, persistent=False)
        self.register_buffer("rope_sin", sin, persistent=False)
        if self.positions == "slice":
            # Additive mask: 0 on and below the diagonal, -inf above. Every row
            # keeps its diagonal, so no softmax row is all -inf.
            mask = torch.full((cfg.max_positions, cfg.max_positions), float("-inf")).triu(1)
            self.register_buffer("causal_mask", mask, persistent=False)

    def split_heads(self, x, batch, seq):
        return x.reshape(batch, seq, self.n_heads, self.head_dim).transpose(1, 2)

    def forward(self, h, positions):
        batch, seq, d = h.shape
        q = self.split_heads(self.q_proj(h), batch, seq)
        k = self.split_heads(self.k_proj(h), batch, seq)
        v = self.split_heads(self.v_proj(h), batch, seq)
        if self.positions == "gather":
            cos = self.rope_cos[positions].unsqueeze(1)  # [B, 1, S, head_dim]
            sin = self.rope_sin[positions].unsqueeze(1)
        else:
            cos, sin = self.rope_cos[:seq], self.rope_sin[:seq]  # [S, head_dim]
        half = self.head_dim // 2
        q = q * cos + rotate_half(q, half) * sin
        k = k * cos + rotate_half(k, half) * sin
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if self.positions == "gather":
            # Key position after query position: masked. The diagonal never is,
            # so no softmax row is all -inf.
            future = positions.unsqueeze(-2) > positions.unsqueeze(-1)  # [B, S, S]
            scores = scores.masked_fill(future.unsqueeze(1), float("-inf"))
        else:
            scores = scores + self.causal_mask[:seq, :seq]
        o = torch.matmul(F.softmax(scores, dim=-1), v)
        o = o.transpose(1, 2).reshape(batch, seq, d)
        return self.o_proj(o)


class FeedForward(nn.Module):
    """Squared-ReLU or SwiGLU FFN; the down projection has the SubLN."""

    def __init__(self, cfg):
        super().__init__()
        self.kind = cfg.ffn_kind
        self.up_proj = BitLinear158(cfg.d_model, cfg.ffn_dim, bias=False)
        if self.kind == "swiglu":
            self.gate_proj = BitLinear158(cfg.d_model, cfg.ffn_dim, bias=False)
        self.down_proj = BitLinear158(cfg.ffn_dim, cfg.d_model, bias=False, subln=True)

    def forward(self, x):
        if self.kind == "swiglu":
            u = F.silu(self.gate_proj(x)) * self.up_proj(x)
        else:
            u = F.relu(self.up_proj(x)).square()
        return self.down_proj(u)


class DecoderLayer(nn.Module):
    """Pre-norm block: ``h + attn(norm(h))``, then ``h + ffn(norm(h))``."""

    def __init__(self, cfg):
        super().__init__()
        self.attn_norm = RMSNorm(cfg.d_model)
        self.attn = CausalSelfAttention(cfg)
        self.ffn_norm = RMSNorm(cfg.d_model)
        self.ffn = FeedForward(cfg)

    def forward(self, h, positions):
        h = h + self.attn(self.attn_norm(h), positions)
        return h + self.ffn(self.ffn_norm(h))


class BitNetLM(nn.Module):
    """``input_ids[B, S]`` (int64) -> ``logits[B, S, vocab]`` (float32)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.n_layers))
        self.norm = RMSNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    def forward(self, input_ids):
        h = self.embed(input_ids)
        # Positions 0..S-1 per row, as a cumulative sum (the way models with a
        # padding mask derive them), so their shape follows the input's.
        positions = torch.ones_like(input_ids).cumsum(-1) - 1
        for layer in self.layers:
            h = layer(h, positions)
        return self.head(self.norm(h))


def bit_linears(model):
    """``(name, BitLinear158)`` for every BitLinear of ``model``, in module order."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, BitLinear158)]


@torch.no_grad()
def init_trained_looking(model, seed):
    """Deterministic weights with the spread of a trained model rather than of an init.

    Why: with a fresh init every row of a weight matrix has the same scale,
    RMSNorm gains are exactly 1 and the embedding is tiny, so many code paths
    (per-row differences, gains, large activations feeding absmax) would be
    tested only at trivial values. Here every BitLinear row has its own
    log-normal scale and a few heavy outliers (which set ``mean|W|`` apart from
    the typical weight and make the ternary pattern depend on the threshold),
    RMSNorm gains vary around 1, the embedding has unit-scale rows, and the
    head is scaled so that logits span a few units.
    """
    gen = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    d = model.cfg.d_model
    model.embed.weight.copy_(randn(*model.embed.weight.shape))
    for _, lin in bit_linears(model):
        out_f, in_f = lin.weight.shape
        row_scale = torch.exp(0.3 * randn(out_f, 1))
        w = randn(out_f, in_f) / math.sqrt(in_f) * row_scale
        outliers = torch.rand(out_f, in_f, generator=gen) < 0.01
        w = torch.where(outliers, w * 4.0, w)
        lin.weight.copy_(w)
        if lin.norm is not None:
            lin.norm.weight.copy_(1.0 + 0.2 * randn(in_f))
    for m in model.modules():
        if isinstance(m, RMSNorm) and not any(m is lin.norm for _, lin in bit_linears(model)):
            m.weight.copy_(1.0 + 0.2 * randn(m.weight.shape[0]))
    model.head.weight.copy_(randn(*model.head.weight.shape) * (2.0 / math.sqrt(d)))
    return model


def build_lm(cfg=None, seed=0):
    """The model of ``cfg`` (default: the bundled sizes) with seeded trained-looking weights, in eval mode."""
    torch.manual_seed(seed)
    model = BitNetLM(cfg or BitNetLMConfig())
    return init_trained_looking(model, seed).eval()
