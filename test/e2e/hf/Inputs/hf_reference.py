#!/usr/bin/python3
"""Reference forward of a Hugging Face BitNet checkpoint, from transformers' code.

Why: the exporter's graph must compute what transformers computes for the
same checkpoint; this module re-derives it from the checkpoint files alone
(config.json, safetensors) following BitNetForCausalLM
(models/bitnet/modeling_bitnet.py) and the BitLinear classes of
integrations/bitnet.py, op by op in the same order (docs/hf-checkpoints.md
gives the lines). It shares no code with the exporter.

Where it deviates from transformers, on purpose:
* float32 throughout. transformers runs the 2B-4T checkpoint in bfloat16
  (torch_dtype), rounding every activation to 8 significant bits; float32
  is what the exported graph and the compiler compute (bf16 only as stored
  weights), so the reference is the same model at float32 precision.
  Rounding *decisions* of the int8 activation quantizer and of the
  weight quantizer are made exactly as transformers' code makes them, on
  float32 inputs (ActQuant and WeightQuant compute in float32 anyway).
* The weights an online (`-bf16`) checkpoint quantizes each forward are
  rounded to bfloat16 after quantization, as WeightQuant's `.to(dtype)`
  does, so the effective magnitude is bf16(1 / s).
* The causal mask is boolean (masked scores get float32's lowest value, as
  create_causal_mask's min-dtype mask does); fully padded query rows give
  finite but meaningless values, as in transformers.

It also records how close every activation rounding came to a tie (the
distance of x*s from the nearest k + 1/2, in quantization steps) per batch
row and position, so a comparison can tell which logits two correct float32
implementations may legitimately disagree on (hf_check.py).
"""

import json
import os

import numpy as np
import torch

from hf_checkpoint import Bf16, read_safetensors

#: Readings of the checkpoint other than transformers' (each one a value of
#: Reference's ``misreading``), kept to show that the tests tell them apart:
#: the scale divides where it multiplies (and the reverse for BitLinear);
#: byte (i, k) holds rows 4i..4i+3 instead of i, P+i, 2P+i, 3P+i; query
#: head h reads KV head h % kv_heads instead of h // (heads / kv_heads);
#: rotary rotates interleaved pairs (x0, x1), (x2, x3), ... instead of halves.
MISREADINGS = ("scale-inverted", "rows-interleaved", "kv-heads-modulo", "rotary-pairs")

PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
#: The quantizer input each projection reads (q, k, v share one, gate and up one).
SITES = {"q_proj": "qkv", "k_proj": "qkv", "v_proj": "qkv", "o_proj": "o",
         "gate_proj": "mlp", "up_proj": "mlp", "down_proj": "down"}


def load_tensors(ckpt):
    """{name: (dtype, shape, bytes)} of model.safetensors or of every shard
    of model.safetensors.index.json."""
    single = os.path.join(ckpt, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(ckpt, "model.safetensors.index.json")) as f:
        weight_map = json.load(f)["weight_map"]
    tensors = {}
    for shard in sorted(set(weight_map.values())):
        tensors.update(read_safetensors(os.path.join(ckpt, shard)))
    return tensors


def to_torch(entry):
    dtype, shape, raw = entry
    if dtype == "BF16":
        values = Bf16(np.frombuffer(raw, "<u2").reshape(shape)).to_float()
    elif dtype == "F32":
        values = np.frombuffer(raw, "<f4").reshape(shape)
    elif dtype == "U8":
        values = np.frombuffer(raw, np.uint8).reshape(shape)
    else:
        raise ValueError(f"unexpected dtype {dtype}")
    return torch.from_numpy(np.array(values))


def unpack_weights(packed, interleaved=False):
    """integrations/bitnet.py unpack_weights: plane i (bits 2i+1:2i) of the
    packed rows becomes rows [i*P, (i+1)*P) of the unpacked weight, minus 1.
    ``interleaved``: the misreading with plane i as rows 4p + i."""
    rows = packed.shape[0]
    unpacked = torch.zeros((4 * rows, packed.shape[1]), dtype=torch.uint8)
    for i in range(4):
        plane = (packed & (3 << (2 * i))) >> (2 * i)
        if interleaved:
            unpacked[i::4] = plane
        else:
            unpacked[i * rows:(i + 1) * rows] = plane
    return unpacked.to(torch.float32) - 1


class QuantizerTrace:
    """What the activation quantizers of one forward did: the smallest
    distance of x*s to a rounding tie (k + 1/2), in quantization steps, per
    (batch row, position); with ``keep``, every quantizer input x*s by site
    (one site per distinct input: "0.qkv" is layer 0's q/k/v input, then
    "0.o", "0.mlp", "0.down"); and ``flips``, integers to move by +-1, each
    (site, row, position, channel, delta), as another implementation that
    rounded a near tie the other way would have them."""

    def __init__(self, batch, seq, flips=(), keep=False):
        self.margin = np.full((batch, seq), np.inf)
        self.flips = list(flips)
        self.scaled = {} if keep else None

    def quantize(self, site, scaled):
        if self.scaled is not None and site not in self.scaled:
            self.scaled[site] = scaled.double()
        frac = scaled - torch.floor(scaled)
        distance = (frac - 0.5).abs().amin(dim=-1).double().numpy()
        self.margin = np.minimum(self.margin, distance)
        q = scaled.round().clamp(-128, 127)
        for flip_site, b, s, channel, delta in self.flips:
            if flip_site == site:
                q = q.clone()
                q[b, s, channel] = (q[b, s, channel] + delta).clamp(-128, 127)
        return q


class BitLinear:
    """One projection as transformers' layer for the checkpoint's linear_class
    and quantization_mode computes it."""

    def __init__(self, tensors, prefix, site, linear_class, online, dtype, misreading):
        weight = to_torch(tensors[prefix + ".weight"])
        self.site, self.linear_class, self.online = site, linear_class, online
        self.inverted = misreading == "scale-inverted"
        if online:
            # WeightQuant.forward: absmean scale, round, clip, divide back,
            # then the cast back to the master weights' dtype (bf16).
            w = weight.float()
            scale = 1.0 / w.abs().mean().clamp_(min=1e-5)
            w = (w * scale).round().clamp(-1, 1) / scale
            self.weight = torch.from_numpy(Bf16.from_float(w.numpy()).to_float()).to(dtype)
            self.scale = None
        else:
            self.weight = unpack_weights(weight, misreading == "rows-interleaved").to(dtype)
            self.scale = to_torch(tensors[prefix + ".weight_scale"]).to(dtype)

    def __call__(self, x, trace):
        if self.linear_class == "bitlinear":
            # BitLinear.activation_quant, F.linear on the integer values,
            # post_quant_process: y / (weight_scale * input_scale).
            scale = 127 / x.abs().max(dim=-1, keepdim=True).values.clamp(min=1e-5)
            q = trace.quantize(self.site, x * scale)
            y = torch.nn.functional.linear(q, self.weight)
            if self.inverted:
                return y * self.scale / scale
            return y / (self.scale * scale)
        # AutoBitLinear: ActQuant (round, clamp, divide back), F.linear,
        # then * weight_scale offline.
        scale = 127 / x.abs().max(dim=-1, keepdim=True).values.clamp_(min=1e-5)
        xq = trace.quantize(self.site, x * scale) / scale
        y = torch.nn.functional.linear(xq, self.weight)
        if self.online:
            return y
        return y / self.scale if self.inverted else y * self.scale


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotate_pairs(x, cos, sin):
    """The misreading: pairs (x[2i], x[2i+1]) rotated by angle i."""
    half = x.shape[-1] // 2
    c, s = cos[..., :half], sin[..., :half]
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * c - odd * s
    out[..., 1::2] = even * s + odd * c
    return out


class Reference:
    """BitNetForCausalLM of a checkpoint directory; ``dtype`` float64 only
    for noise studies (hf_flips.py)."""

    def __init__(self, ckpt, dtype=torch.float32, misreading=None):
        assert misreading in (None,) + MISREADINGS
        self.dtype, self.misreading = dtype, misreading
        with open(os.path.join(ckpt, "config.json")) as f:
            self.config = c = json.load(f)
        tensors = load_tensors(ckpt)
        quant = c.get("quantization_config", {})
        linear_class = quant.get("linear_class", "bitlinear")
        online = quant.get("quantization_mode", "offline") == "online"
        self.heads, self.kv_heads = c["num_attention_heads"], c["num_key_value_heads"]
        self.head_dim = c.get("head_dim", c["hidden_size"] // self.heads)
        self.eps = c["rms_norm_eps"]
        self.embed = to_torch(tensors["model.embed_tokens.weight"]).to(dtype)
        head = "model.embed_tokens.weight" if c["tie_word_embeddings"] else "lm_head.weight"
        self.head = to_torch(tensors[head]).to(dtype)
        self.norm = to_torch(tensors["model.norm.weight"]).to(dtype)
        self.layers = []
        for i in range(c["num_hidden_layers"]):
            p = f"model.layers.{i}."
            layer = {name: to_torch(tensors[p + key]).to(dtype) for name, key in (
                ("input_norm", "input_layernorm.weight"),
                ("post_norm", "post_attention_layernorm.weight"),
                ("attn_sub_norm", "self_attn.attn_sub_norm.weight"),
                ("ffn_sub_norm", "mlp.ffn_sub_norm.weight"))}
            for proj in PROJECTIONS:
                module = "self_attn." if proj[0] in "qkvo" else "mlp."
                site = f"{i}." + SITES[proj]
                layer[proj] = BitLinear(tensors, p + module + proj, site, linear_class,
                                        online, dtype, misreading)
            self.layers.append(layer)
        # _compute_default_rope_parameters: float32 exponents, base ** them.
        d = self.head_dim
        exponents = torch.arange(0, d, 2, dtype=torch.int64).float() / d
        self.inv_freq = (1.0 / (c["rope_theta"] ** exponents)).to(dtype)

    def rotary(self, position_ids):
        freqs = position_ids[:, :, None].to(self.dtype) * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None], emb.sin()[:, None]

    def forward(self, input_ids, attention_mask, position_ids, past=None, flips=(),
                keep=False):
        """logits [B, S, V], present [(k, v)] [B, KV, T, D], QuantizerTrace;
        ``flips`` move integer activations (QuantizerTrace)."""
        ids = torch.as_tensor(input_ids, dtype=torch.int64)
        mask = torch.as_tensor(attention_mask, dtype=torch.int64)
        pos = torch.as_tensor(position_ids, dtype=torch.int64)
        batch, seq = ids.shape
        total = mask.shape[1]
        past_len = total - seq
        trace = QuantizerTrace(batch, seq, flips, keep)
        h = self.embed[ids]
        cos, sin = self.rotary(pos)
        query_slot = torch.arange(past_len, total)[:, None]
        allowed = (torch.arange(total)[None, :] <= query_slot)[None, None] & \
            mask.bool()[:, None, None, :]
        bias = torch.zeros(allowed.shape, dtype=self.dtype).masked_fill(
            ~allowed, torch.finfo(self.dtype).min)
        rep = self.heads // self.kv_heads
        present = []
        for i, layer in enumerate(self.layers):
            x = rms_norm(h, layer["input_norm"], self.eps)
            q = layer["q_proj"](x, trace).view(batch, seq, -1, self.head_dim).transpose(1, 2)
            k = layer["k_proj"](x, trace).view(batch, seq, -1, self.head_dim).transpose(1, 2)
            v = layer["v_proj"](x, trace).view(batch, seq, -1, self.head_dim).transpose(1, 2)
            if self.misreading == "rotary-pairs":
                q, k = rotate_pairs(q, cos, sin), rotate_pairs(k, cos, sin)
            else:
                q = q * cos + rotate_half(q) * sin
                k = k * cos + rotate_half(k) * sin
            if past is not None:
                k = torch.cat((torch.as_tensor(past[i][0]), k), dim=2)
                v = torch.cat((torch.as_tensor(past[i][1]), v), dim=2)
            present.append((k, v))
            # repeat_kv: query head h reads KV head h // rep.
            keys = k[:, :, None].expand(-1, -1, rep, -1, -1).reshape(batch, self.heads, total, -1)
            values = v[:, :, None].expand(-1, -1, rep, -1, -1).reshape(batch, self.heads, total, -1)
            if self.misreading == "kv-heads-modulo":
                keys = k[:, torch.arange(self.heads) % self.kv_heads]
                values = v[:, torch.arange(self.heads) % self.kv_heads]
            scores = torch.matmul(q, keys.transpose(2, 3)) * self.head_dim ** -0.5 + bias
            probs = torch.softmax(scores, dim=-1, dtype=self.dtype)
            attn = torch.matmul(probs, values).transpose(1, 2).reshape(batch, seq, -1)
            attn = rms_norm(attn, layer["attn_sub_norm"], self.eps)
            h = h + layer["o_proj"](attn, trace)
            x = rms_norm(h, layer["post_norm"], self.eps)
            gate = torch.relu(layer["gate_proj"](x, trace)).square()
            inner = rms_norm(gate * layer["up_proj"](x, trace), layer["ffn_sub_norm"], self.eps)
            h = h + layer["down_proj"](inner, trace)
        logits = torch.nn.functional.linear(rms_norm(h, self.norm, self.eps), self.head)
        return logits.numpy(), [(k.numpy(), v.numpy()) for k, v in present], trace


def prefill_inputs(prompts, pad_id=0):
    """Left-padded input_ids, attention_mask, position_ids of a list of prompts
    (position = number of real tokens before, as transformers' generate derives
    it from the mask; 1 on padding)."""
    length = max(len(p) for p in prompts)
    ids = np.full((len(prompts), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(prompts), length), dtype=np.int64)
    for b, prompt in enumerate(prompts):
        ids[b, length - len(prompt):] = prompt
        mask[b, length - len(prompt):] = 1
    positions = np.cumsum(mask, axis=1) - 1
    positions[mask == 0] = 1
    return ids, mask, positions
