"""PyTorch reference modules for BitNet layers, written for bitnet-mlir.

Why this file exists: the compiler has to recognise BitLinear layers in the
form *training code* writes them and ``torch.onnx.export`` spells them -- with
latent float weights, the quantization arithmetic and the straight-through
estimator (STE) still in the graph (docs/models.md, shared semantics doc §4).
These modules are the source of the example ONNX models and of the
``y_torch`` outputs the end-to-end tests compare against.

Two spellings are provided:

* :class:`BitLinear158` -- BitNet b1.58 (ternary weights, absmean scale;
  per-token absmax int8 activations with rounding), as most open training
  code writes it.
* :class:`BitLinearW1` -- BitNet W1 (binary weights ``Sign(W - alpha)`` with
  scale ``beta``; LayerNorm then per-*tensor* absmax activation quantization
  with ``Qb = 128`` and the paper's clip *without rounding*).

Everything is plain float32 arithmetic so that it exports to standard ONNX
ops; nothing here depends on custom ops.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Activation range of BitNet b1.58 implementations: per-token absmax maps to
#: [-127, 127] (the shared semantics doc's Qb, written 127 "in most
#: implementations").
B158_ACT_QMAX = 127.0
#: BitNet W1 paper: Qb = 2^(b-1) with b = 8.
W1_QB = 128.0
#: Floor for every absmax/absmean denominator, and the W1 clip margin epsilon.
EPS = 1e-5


def ste(latent, quantized):
    """Straight-through estimator: the value of ``quantized``, the gradient of ``latent``.

    ``detach`` disappears in an ONNX export, so this exports as ``Sub`` then
    ``Add`` -- and in float32 ``latent + (quantized - latent)`` may differ from
    ``quantized`` by one ulp. The compiler folds the pattern to ``quantized``
    (exact in real arithmetic).
    """
    return latent + (quantized - latent).detach()


class RMSNorm(nn.Module):
    """RMSNorm with a learnable gain; used as the optional SubLN of b1.58.

    Written out by hand (torch 1.13 has no ``nn.RMSNorm``) so that the export
    is a recognisable Pow/ReduceMean/Add/Sqrt/Div/Mul chain.
    """

    def __init__(self, dim, eps=EPS):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class BitLinear158(nn.Linear):
    """BitNet b1.58 linear layer as training code writes it.

    * weights: ``s = 1 / mean|W|``; ``Wq = clamp(round(W * s), -1, 1) / s``
      (ternary times one per-tensor scale);
    * activations, per token (last dim): ``s = 127 / max|x|``;
      ``xq = clamp(round(x * s), -128, 127) / s`` (int8 times a per-token scale);
    * STE on both, ``F.linear(xq, Wq, bias)``.

    ``subln=True`` puts an RMSNorm on the input first (the SubLN that b1.58
    models place before the FFN down-projection and attention output); it
    is off by default so that the foundation layer is just the BitLinear.
    """

    def __init__(self, in_features, out_features, bias=True, subln=False, use_ste=True,
                 act_group_size=0):
        super().__init__(in_features, out_features, bias=bias)
        self.norm = RMSNorm(in_features) if subln else None
        self.use_ste = use_ste
        #: > 0: one activation scale per group of this many features (group quantization).
        self.act_group_size = act_group_size

    @staticmethod
    def quantize_weight(w):
        """Ternary absmean quantization, returned dequantized (``{-1,0,1} / s``)."""
        s = 1.0 / w.abs().mean().clamp(min=EPS)
        return (w * s).round().clamp(-1, 1) / s

    @staticmethod
    def quantize_activation(x):
        """Per-token absmax int8 quantization, returned dequantized."""
        s = B158_ACT_QMAX / x.abs().max(dim=-1, keepdim=True).values.clamp(min=EPS)
        return (x * s).round().clamp(-128, 127) / s

    def forward(self, x):
        if self.norm is not None:
            x = self.norm(x)
        w = self.weight
        wq = self.quantize_weight(w)
        if self.act_group_size:
            # Per group: view the last axis as [K/G, G], quantize per "token" of G.
            grouped = x.reshape(*x.shape[:-1], -1, self.act_group_size)
            xq = self.quantize_activation(grouped).reshape(x.shape)
        else:
            xq = self.quantize_activation(x)
        if self.use_ste:
            wq = ste(w, wq)
            xq = ste(x, xq)
        return F.linear(xq, wq, self.bias)


class BitLinearW1(nn.Linear):
    """BitNet (W1A8) linear layer following the paper's formulas.

    * ``LN(x)``: ``F.layer_norm`` without affine parameters, eps 1e-5;
    * activations, per *tensor*: ``gamma = max|LN(x)|``;
      ``x~ = clamp(LN(x) * Qb / gamma, -Qb + eps, Qb - eps)`` with Qb = 128 and
      *no rounding* (the paper writes Clip, not RoundClip);
    * weights: ``alpha = mean(W)``; ``Wb = Sign(W - alpha)`` with Sign(0) = -1
      (``where(W - alpha > 0, 1, -1)``); ``beta = mean|W|``;
    * output ``F.linear(x~, Wb) * beta * gamma / Qb`` (+ bias).

    ``gamma`` is floored at EPS (as b1.58 does) so that a constant input does
    not divide by zero; the paper leaves that case open.
    """

    def __init__(self, in_features, out_features, bias=True, use_ste=True, qb=W1_QB, eps=EPS):
        super().__init__(in_features, out_features, bias=bias)
        self.use_ste = use_ste
        self.qb = qb
        self.eps = eps

    def binarize_weight(self, w):
        """``(Sign(W - alpha), beta)``; Sign sends 0 to -1, hence ``> 0``."""
        centred = w - w.mean()
        # Tensor constants, not Python floats: torch 1.13 exports
        # ``where(c, 1.0, -1.0)`` with float64 constants, and the float64
        # Where output then meets a float32 MatMul (an invalid graph).
        pos = torch.tensor(1.0, dtype=w.dtype)
        neg = torch.tensor(-1.0, dtype=w.dtype)
        wb = torch.where(centred > 0, pos, neg)
        if self.use_ste:
            wb = ste(centred, wb)
        return wb, w.abs().mean()

    def quantize_activation(self, x):
        """Per-tensor absmax scaling and clip, no rounding; returns ``(x~, gamma)``."""
        gamma = x.abs().max().clamp(min=self.eps)
        scaled = x * self.qb / gamma
        xq = scaled.clamp(-self.qb + self.eps, self.qb - self.eps)
        if self.use_ste:
            xq = ste(scaled, xq)
        return xq, gamma

    def forward(self, x):
        # No affine parameters; passed explicitly as ones/zeros because torch
        # 1.13 exports ``weight=None`` as an empty Scale input of
        # LayerNormalization-17, where Scale is required (checker error).
        n = self.in_features
        x = F.layer_norm(x, (n,), torch.ones(n, dtype=x.dtype), torch.zeros(n, dtype=x.dtype),
                         eps=self.eps)
        xq, gamma = self.quantize_activation(x)
        wb, beta = self.binarize_weight(self.weight)
        y = F.linear(xq, wb) * beta * gamma / self.qb
        if self.bias is not None:
            y = y + self.bias
        return y


class BitLinearW1Shift(BitLinearW1):
    """BitNet W1 layer for activations before a non-linearity (the paper's shifted form).

    * ``eta = min(x)`` per tensor (or per token with ``per_token``);
      ``gamma = max|x|`` (``gamma_from="x"``) or ``max|x - eta|`` (``"shifted"``),
      floored at EPS;
      ``x~ = clamp((x - eta) * Qb / gamma, clip_lo, clip_hi)``: non-negative, not
      rounded by default (the paper), or ``rounding="after_clip"`` / ``"before_clip"``;
      the clip bounds default to the paper's ``[eps, Qb - eps]``;
    * weights as :class:`BitLinearW1`;
    * the shift, ``eta_correction``:
      ``"after"`` ``y = F.linear(x~, Wb) * beta * gamma / Qb + eta * beta * rowsum(Wb)``,
      ``"before"`` ``y = F.linear(x~ * gamma / Qb + eta, Wb) * beta`` (the same in real
      arithmetic), ``"none"`` ``y = F.linear(x~, Wb) * beta * gamma / Qb`` (not undone);
      then + bias.

    No LayerNorm: this layer models the quantizer, the input is whatever feeds it.
    """

    def __init__(self, in_features, out_features, bias=True, use_ste=True, gamma_from="x",
                 eta_correction="after", clip_lo=None, clip_hi=None, rounding="none",
                 per_token=False):
        super().__init__(in_features, out_features, bias=bias, use_ste=use_ste)
        self.gamma_from = gamma_from
        self.eta_correction = eta_correction
        self.clip_lo = self.eps if clip_lo is None else clip_lo
        self.clip_hi = self.qb - self.eps if clip_hi is None else clip_hi
        self.rounding = rounding
        self.per_token = per_token

    def reduce(self, v, fn):
        """``fn`` ("min" or "max") over the tensor, or over the last axis keeping it."""
        if self.per_token:
            return getattr(v, fn)(dim=-1, keepdim=True).values
        return getattr(v, fn)()

    def forward(self, x):
        eta = self.reduce(x, "min")
        centred = x - eta
        gamma = self.reduce((x if self.gamma_from == "x" else centred).abs(), "max")
        gamma = gamma.clamp(min=self.eps)
        scaled = centred * self.qb / gamma
        if self.rounding == "before_clip":
            xq = scaled.round().clamp(self.clip_lo, self.clip_hi)
        else:
            xq = scaled.clamp(self.clip_lo, self.clip_hi)
            if self.rounding == "after_clip":
                xq = xq.round()
        if self.use_ste:
            xq = ste(scaled, xq)
        wb, beta = self.binarize_weight(self.weight)
        if self.eta_correction == "before":
            y = F.linear(xq * gamma / self.qb + eta, wb) * beta
        else:
            y = F.linear(xq, wb) * beta * gamma / self.qb
            if self.eta_correction == "after":
                y = y + eta * beta * wb.sum(dim=1)
        if self.bias is not None:
            y = y + self.bias
        return y


class BitMLP(nn.Module):
    """The bundled example: three BitLinear layers mixing both spellings.

    ``64 -> 128`` (b1.58, bias) -> ReLU -> ``128`` (W1, bias) -> GELU (erf)
    -> ``32`` (b1.58, no bias). Every combination the importer and the
    BitLinear raising must handle appears once: both weight kinds, with and
    without bias, per-token and per-tensor activation scales, and both
    non-linearities.
    """

    def __init__(self, in_features=64, hidden=128, out_features=32, use_ste=True):
        super().__init__()
        self.fc1 = BitLinear158(in_features, hidden, bias=True, use_ste=use_ste)
        self.fc2 = BitLinearW1(hidden, hidden, bias=True, use_ste=use_ste)
        self.fc3 = BitLinear158(hidden, out_features, bias=False, use_ste=use_ste)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        h = F.gelu(self.fc2(h))
        return self.fc3(h)
