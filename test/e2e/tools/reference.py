#!/usr/bin/python3
"""NumPy reference of the BitNet example models, independent of torch.

Why: the end-to-end tests need an oracle that computes what the *compiler*
computes -- ternary/binary weights and int8 activations multiplied as exact
integers, then one rescale -- rather than what the exported float graph
computes. It reads only the weights (ONNX initializers or the export's .npz)
and re-derives every quantization step from the formulas in
/work/shared/bitnet-semantics.md and docs/models.md.

Float details are mirrored on purpose: scales are computed with the same
float32 operations, in the same order, as the exported graph (for instance
``s = float32(float32(1 / amax) * 127)``, because torch exports ``127 / a``
as Reciprocal then Mul), so that every ``round`` sees the same float32 value
as ONNX Runtime does. Sums of products are exact (int64, checked to fit
int32) and the rescale is done in float64; each layer's output is stored as
float32, as in the graph.

One function per layer (``bitlinear158``, ``bitlinear_w1``) and per step
(``ternary_absmean``, ``act_quant_per_token``, ...) so later tests can reuse
them. ``error_bound`` gives per-element tolerances (see docs/models.md).

CLI::

    reference.py --model mlp --onnx examples/bitnet_mlp.onnx \\
        --input examples/bitnet_mlp.input.npy --out y.npy [--w1-act clip|round] \\
        [--atol-out atol.npy [--atol-vs graph|int8]] [--lsb-out lsb.npy]
"""

import argparse
import math
import sys

import numpy as np

F32 = np.float32
#: Unit roundoff of float32 (2^-24): one correctly rounded op errs by <= U * |result|.
U = float(np.finfo(np.float32).eps) / 2
EPS = F32(1e-5)
B158_QMAX = F32(127.0)
W1_QB = F32(128.0)
#: Largest slope of GELU (erf form), reached at x = sqrt(2): 1 + sqrt(2)*phi(sqrt(2)) ~ 1.129.
GELU_LIPSCHITZ = 1.13

# ----------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------


def load_weights(onnx_path=None, npz_path=None):
    """Float weights by state-dict name (``fc1.weight``...), from ONNX initializers or the .npz."""
    if onnx_path:
        import onnx
        from onnx import numpy_helper
        model = onnx.load(onnx_path)
        return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    if npz_path:
        with np.load(npz_path) as z:
            return {k: z[k] for k in z.files if k not in ("x", "y_torch")}
    raise ValueError("load_weights: give onnx_path or npz_path")


# ----------------------------------------------------------------------------
# Weight quantization (compile time in the compiler)
# ----------------------------------------------------------------------------


def ternary_absmean(w):
    """b1.58 weights: ``(wi, s)`` with ``wi = clip(round(w * s), -1, 1)`` int8 and ``W~ = wi / s``.

    ``s = float32(1 / max(mean|w|, 1e-5))`` (Reciprocal, then Mul by 1 in the graph).
    The mean is taken in float64 and rounded once; ORT's float32 ReduceMean may
    differ by an ulp, which changes a weight only if ``w * s`` lies within an ulp
    of a rounding boundary (never seen on the examples).
    """
    w = np.asarray(w, F32)
    m = max(F32(np.abs(w.astype(np.float64)).mean()), EPS)
    s = F32(F32(1.0) / m) * F32(1.0)
    wi = np.clip(np.rint(w * s), -1, 1).astype(np.int8)
    return wi, F32(s)


def binary_sign(w):
    """W1 weights: ``(wb, beta)``, ``wb = Sign(w - mean(w))`` in int8 with Sign(0) = -1, ``beta = mean|w|``."""
    w = np.asarray(w, F32)
    alpha = F32(w.astype(np.float64).mean())
    wb = np.where((w - alpha) > 0, 1, -1).astype(np.int8)
    beta = F32(np.abs(w.astype(np.float64)).mean())
    return wb, beta


# ----------------------------------------------------------------------------
# Activation quantization (run time)
# ----------------------------------------------------------------------------


def act_quant_per_token(x):
    """b1.58 activations: ``(xi, s)``, int8 ``xi = clip(round(x * s), -128, 127)``, ``s = 127 / max|x|`` per token.

    Mirrors the graph: ``s = float32(float32(1 / max(amax, 1e-5)) * 127)``; ``x * s`` in
    float32; ``round`` is half-to-even in ONNX, torch and ``np.rint`` alike.
    """
    x = np.asarray(x, F32)
    amax = np.maximum(np.abs(x).max(axis=-1, keepdims=True), EPS)
    s = ((F32(1.0) / amax).astype(F32) * B158_QMAX).astype(F32)
    xi = np.clip(np.rint(x * s), -128, 127).astype(np.int8)
    return xi, s


def act_quant_w1(x, mode="clip"):
    """W1 activations, per tensor: ``(q, gamma, t)``.

    ``t = clip(x * 128 / gamma, -128 + eps, 128 - eps)`` in float32, ``gamma = max|x|``
    (floored at 1e-5). ``mode="clip"`` returns ``q = t`` (the paper and the exported
    graph: no rounding); ``mode="round"`` returns int8 ``q = clip(round(t), -128, 127)``,
    the integer form the compiler uses. The only value moved by more than half a
    step is ``t > 127.5`` (at most the absmax element), which goes to 127.
    """
    x = np.asarray(x, F32)
    gamma = max(F32(np.abs(x).max()), EPS)
    t = (x * W1_QB).astype(F32) / gamma
    t = np.clip(t.astype(F32), F32(-128.0 + 1e-5), F32(128.0 - 1e-5)).astype(F32)
    if mode == "clip":
        return t, F32(gamma), t
    if mode == "round":
        return np.clip(np.rint(t), -128, 127).astype(np.int8), F32(gamma), t
    raise ValueError(f"act_quant_w1: mode must be clip or round, got {mode!r}")


# ----------------------------------------------------------------------------
# Accumulation and float ops
# ----------------------------------------------------------------------------


def int_matmul(xi, wi):
    """Exact ``xi @ wi.T`` for integer operands: int64 products and sums, checked to fit int32."""
    acc = np.matmul(xi.astype(np.int64), wi.astype(np.int64).T)
    if acc.size and np.abs(acc).max() > np.iinfo(np.int32).max:
        raise OverflowError("int_matmul: accumulator exceeds int32")
    return acc


def addsub_matmul(xf, wi):
    """``xf @ wi.T`` for float activations and {-1, +1} weights (W1 ``clip`` mode), in float64."""
    return np.matmul(xf.astype(np.float64), wi.astype(np.float64).T)


def layer_norm(x, eps=1e-5):
    """LayerNorm over the last axis, no affine (biased variance), float64 then float32."""
    x = np.asarray(x, np.float64)
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mu) / np.sqrt(var + F32(eps))).astype(F32)


def rms_norm(x, gain, eps=1e-5):
    """RMSNorm (b1.58 SubLN): ``x / sqrt(mean(x^2) + eps) * gain``."""
    x = np.asarray(x, np.float64)
    r = np.sqrt((x * x).mean(axis=-1, keepdims=True) + F32(eps))
    return (x / r * gain.astype(np.float64)).astype(F32)


def relu(x):
    return np.maximum(x, F32(0)).astype(F32)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x):
    """Exact (erf) GELU, ``F.gelu``'s default: ``0.5 x (1 + erf(x / sqrt 2))``."""
    x = np.asarray(x, np.float64)
    return (0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))).astype(F32)


# ----------------------------------------------------------------------------
# Layers
# ----------------------------------------------------------------------------


def bitlinear158(x, weights, prefix="", info=None):
    """BitNet b1.58 layer: ``y = (xi @ wi.T) / (s_x * s_w) + bias``, exact integer sums.

    Reads ``{prefix}weight``, optional ``{prefix}bias`` and ``{prefix}norm.weight``
    (SubLN). ``info`` (a dict) receives the intermediates ``error_bound`` needs.
    """
    gain = weights.get(prefix + "norm.weight")
    if gain is not None:
        x = rms_norm(x, gain)
    wi, sw = ternary_absmean(weights[prefix + "weight"])
    xi, sx = act_quant_per_token(x)
    acc = int_matmul(xi, wi)
    y = acc / (sx.astype(np.float64) * np.float64(sw))
    bias = weights.get(prefix + "bias")
    if bias is not None:
        y = y + bias.astype(np.float64)
    if info is not None:
        info.update(kind="bitlinear158", xn=x, wi=wi, sw=sw, xi=xi, sx=sx, gain=gain)
    return y.astype(F32)


def bitlinear_w1(x, weights, prefix="", mode="clip", info=None):
    """BitNet W1 layer: ``y = (Wb @ q) * beta * gamma / 128 + bias`` after a LayerNorm.

    ``mode`` as in :func:`act_quant_w1`: ``clip`` follows the exported graph (no
    rounding, float64 add/sub sums), ``round`` the integer kernel (exact int sums).
    """
    h = layer_norm(x)
    q, gamma, t = act_quant_w1(h, mode)
    wb, beta = binary_sign(weights[prefix + "weight"])
    acc = int_matmul(q, wb) if mode == "round" else addsub_matmul(q, wb)
    scale = np.float64(beta) * np.float64(gamma) / np.float64(W1_QB)
    y = acc * scale
    bias = weights.get(prefix + "bias")
    if bias is not None:
        y = y + bias.astype(np.float64)
    if info is not None:
        # What rounding changed: y(round) - y(clip), exactly (zero in clip mode).
        rounding = addsub_matmul(q.astype(np.float64) - t, wb) * scale
        info.update(kind="bitlinear_w1", h=h, wb=wb, beta=beta, gamma=gamma, t=t, q=q,
                    mode=mode, rounding=rounding)
    return y.astype(F32)


# ----------------------------------------------------------------------------
# Models: a list of steps per KIND (the names export.py uses)
# ----------------------------------------------------------------------------

MODELS = {
    "bitlinear158": [("bitlinear158", "")],
    "bitlinear_w1": [("bitlinear_w1", "")],
    "mlp": [("bitlinear158", "fc1."), ("relu", None), ("bitlinear_w1", "fc2."),
            ("gelu", None), ("bitlinear158", "fc3.")],
}


def run_model(kind, weights, x, w1_mode="clip", trace=None):
    """Evaluate model KIND on ``x``; ``trace`` (a list) gets ``(step, info)`` per step."""
    if kind not in MODELS:
        raise ValueError(f"unknown model {kind!r}; known: {', '.join(MODELS)}")
    h = np.asarray(x, F32)
    for step, prefix in MODELS[kind]:
        info = {"kind": step, "prefix": prefix, "x": h}
        if step == "bitlinear158":
            h = bitlinear158(h, weights, prefix, info)
        elif step == "bitlinear_w1":
            h = bitlinear_w1(h, weights, prefix, w1_mode, info)
        elif step == "relu":
            h = relu(h)
        elif step == "gelu":
            h = gelu(h)
        info["y"] = h
        if trace is not None:
            trace.append((step, info))
    return h


# ----------------------------------------------------------------------------
# Error bounds: how far the exported float32 graph (ORT, torch) may be from this
# ----------------------------------------------------------------------------


def _sum_err(n):
    """Relative error allowed for a float32 reduction of ``n`` terms done by the graph.

    A pairwise/blocked sum errs by about ``log2(n) u`` of the sum of |terms|; we
    allow ``2 log2(n) + 4`` to cover blocked (SIMD lane) orders. This is the one
    non-rigorous assumption here: ORT's reductions are not proven pairwise.
    """
    return (2.0 * math.log2(max(n, 2)) + 4.0) * U


def _b158_bound(info, d):
    """Bound on the b1.58 output difference; ``d`` bounds the input difference (None: exact)."""
    wi, sw, xi, sx, xn = info["wi"], float(info["sw"]), info["xi"], info["sx"], info["xn"]
    k, nw = wi.shape[1], wi.size
    sx = sx.astype(np.float64)
    absw = np.abs(wi).astype(np.float64) / sw                  # |w^_jk|
    a = (np.abs(xi) / sx) @ absw.T                             # sum_k |x^_k| |w^_jk|
    y = np.abs(info["y"]).astype(np.float64)
    # Dot product in any order: (K - 1) u; dequantize + STE Sub/Add on x and on w,
    # and the product: 8 u per term; ReduceMean of |W| (the weight scale): _sum_err.
    bound = ((k + 7) * U + _sum_err(nw)) * a + U * y
    if info["gain"] is not None:  # SubLN: the graph's RMSNorm is a few ulp off ours
        extra = (_sum_err(k) + 6 * U) * np.abs(xn).astype(np.float64)
        d = extra if d is None else _rms_norm_d(info, d) + extra
    if d is None:
        return bound  # same float32 input: the graph rounds the same integers
    # Input off by <= d: x * s_x moves by <= tau; a quantized activation can change
    # only within tau of a .5 boundary, then by at most floor(tau + 1); its value
    # q / s_x also moves because the per-token scale moves (amax by <= max d).
    x = np.abs(xn).astype(np.float64)
    amax = x.max(axis=-1, keepdims=True)
    dmax = d.max(axis=-1, keepdims=True)
    slack = np.maximum(amax - dmax, 1e-30)
    t = xn.astype(np.float64) * sx
    tau = sx * d + np.abs(t) * dmax / slack + 4 * U * np.abs(t)
    dist = 0.5 - np.abs(t - np.rint(t))                        # distance to the boundary
    dq = np.where(dist <= tau, np.floor(tau + 1.0), 0.0)
    e = dq * (amax + dmax) / float(B158_QMAX) + np.abs(xi) * dmax / float(B158_QMAX)
    return bound + e @ absw.T


def _rms_norm_d(info, d):
    """Propagate an input bound through RMSNorm: (g_k d_k + |xn_k| max d) / (rms - max d)."""
    x = info["x"].astype(np.float64)
    rms = np.sqrt((x * x).mean(axis=-1, keepdims=True) + float(EPS))
    dmax = d.max(axis=-1, keepdims=True)
    xn = np.abs(info["xn"]).astype(np.float64)
    g = np.abs(info["gain"]).astype(np.float64)
    return (d * g + xn * dmax) / np.maximum(rms - dmax, 1e-30)


def _w1_bound(info, d, other_rounds):
    """Bound on the W1 output difference for input bound ``d`` (None: exact).

    ``other_rounds=False``: the other side is the exported graph (no rounding);
    ``True``: it rounds to int8 as ``mode="round"`` does (a compiled model).
    """
    h, t, q, wb = (info["h"].astype(np.float64), info["t"].astype(np.float64),
                   info["q"].astype(np.float64), info["wb"])
    k, nw = wb.shape[1], wb.size
    beta, gamma = float(info["beta"]), float(info["gamma"])
    scale = beta * gamma / float(W1_QB)
    y = np.abs(info["y"]).astype(np.float64)
    # LayerNorm in float32 (other side) vs float64 here, per element of h.
    e_h = (_sum_err(k) + 8 * U) * (np.abs(h) + 1.0)
    if d is not None:  # LN(x) moves by (d_k + max d + 2 |h_k| max d) / (sigma - 2 max d)
        x = info["x"].astype(np.float64)
        sigma = np.sqrt(x.var(axis=-1, keepdims=True) + float(EPS))
        dmax = d.max(axis=-1, keepdims=True)
        e_h = e_h + (d + dmax + 2 * np.abs(h) * dmax) / np.maximum(sigma - 2 * dmax, 1e-30)
    # Float error: the dot product, the x*128/gamma, STE and rescale roundings, and
    # the ReduceMeans for beta and alpha.
    a = np.abs(t).sum(axis=-1, keepdims=True) * scale
    bound = ((k + 9) * U + _sum_err(nw)) * a + U * y
    if info["mode"] == "round" and other_rounds:
        # Both round: t moves by e_t (h moves, gamma = max|h| moves by <= max e_h);
        # an integer changes only within e_t of a .5 boundary, by <= floor(e_t + 1);
        # the rescale beta * gamma / 128 moves with gamma.
        dg = e_h.max()
        g_lo = max(gamma - dg, 1e-30)
        e_t = float(W1_QB) * e_h / g_lo + np.abs(t) * dg / g_lo + 4 * U * np.abs(t)
        dist = 0.5 - np.abs(t - np.rint(t))
        dq = np.where(dist <= e_t, np.floor(e_t + 1.0), 0.0).sum(axis=-1, keepdims=True)
        acc = np.abs(q).sum(axis=-1, keepdims=True)
        bound = bound + scale * dq + beta * dg / float(W1_QB) * (acc + dq)
    else:
        # y = beta * sum_k wb_jk * (t_k gamma / 128), t_k gamma / 128 = h_k unless clipped:
        # a change of h moves y by <= beta * sum_k e_h_k (|wb| = 1) ...
        bound = bound + beta * e_h.sum(axis=-1, keepdims=True)
        # ... and rounding here but not there moves it by exactly |y(round) - y(clip)|.
        bound = bound + np.abs(info["rounding"])
    return np.broadcast_to(bound, y.shape).copy()


def error_bound(trace, other_rounds=False):
    """Per-element bound on ``|y_graph - y_reference|`` for the final output of ``trace``.

    "graph" is the exported float32 ONNX graph as ONNX Runtime (optimizations off)
    or torch evaluates it. The bound is propagated layer by layer as ``d``, a bound
    on each layer's input difference (docs/models.md derives each term):

    * b1.58: float error only while ``d = 0`` (the graph rounds the same float32
      values to the same integers); with ``d > 0`` each activation within ``tau`` of
      a rounding boundary may move by ``floor(tau + 1)`` steps of ``amax / 127``.
    * W1: float error plus ``beta * sum_k |d LN(x)_k|``; in ``round`` mode plus the exact
      effect of rounding, ``beta gamma / 128 |sum_k wb_jk (round(t_k) - t_k)|``, itself at
      most ``beta gamma / 128 (K/2 + 1/2)``.
    * ReLU passes ``d``; GELU multiplies it by 1.13 and adds its own float error.

    ``other_rounds=True`` bounds the difference to an implementation that also
    rounds W1 activations to int8 (the compiler) instead of the exported graph:
    then W1 is treated like b1.58 (only values near a rounding boundary may move).

    The bound is tight for one layer (measured differences are 2-4 % of it) but
    pessimistic across layers: it must assume every activation near a rounding
    boundary flips. For multi-layer models the tests use a budget of output LSBs
    instead (:func:`output_lsb`, docs/models.md).
    """
    d = None  # bound on |input_graph - input_ref| per element; None: exactly equal
    for step, info in trace:
        if step == "relu":
            continue
        if step == "gelu":
            x, y = np.abs(info["x"]).astype(np.float64), np.abs(info["y"]).astype(np.float64)
            own = 8 * U * (x + y)
            d = own if d is None else GELU_LIPSCHITZ * d + own
        elif step == "bitlinear158":
            d = _b158_bound(info, d)
        elif step == "bitlinear_w1":
            d = _w1_bound(info, d, other_rounds)
    return np.zeros_like(trace[-1][1]["y"]) if d is None else d.astype(F32)


def output_lsb(trace):
    """Per-element value of one accumulator step of the last BitLinear layer.

    b1.58: ``amax_t / (127 s_w)`` (one int8 step of token t times one ternary weight);
    W1: ``beta gamma / 128``. A single activation whose rounding flips moves an
    output by at most this much, so a tolerance of a few LSBs absorbs rare flips
    and still catches a wrong integer, weight or scale.
    """
    for step, info in reversed(trace):
        y = info["y"]
        if step == "bitlinear158":
            lsb = 1.0 / (info["sx"].astype(np.float64) * float(info["sw"]))
            return np.broadcast_to(lsb, y.shape).astype(F32)
        if step == "bitlinear_w1":
            lsb = float(info["beta"]) * float(info["gamma"]) / float(W1_QB)
            return np.full(y.shape, lsb, F32)
    raise ValueError("output_lsb: the model has no BitLinear layer")


def margins(trace, weights):
    """Distance of every rounding decision to its tie, per BitLinear layer.

    Returns ``[(layer, act_margin, weight_margin)]``: ``act_margin`` is
    ``min(0.5 - |t - round(t)|)`` over the activations in quantization units (b1.58
    ``x * s_x``; W1 ``t``, which matters only when W1 rounds); ``weight_margin`` the same
    for ``w * s_w`` (b1.58) or ``min |w - alpha| / beta`` (W1). Another correct
    implementation computes these values with float errors of about 1e-5 units at
    most, so inputs whose margins are well above that give every implementation the
    same integers (why the bundled example input was chosen by its margins).
    """
    out = []
    for step, info in trace:
        if not step.startswith("bitlinear"):
            continue
        prefix = info["prefix"]
        w = np.asarray(weights[prefix + "weight"], np.float64)
        if step == "bitlinear158":
            t = info["xn"].astype(np.float64) * info["sx"].astype(np.float64)
            v = w * float(info["sw"])
            wm = float((0.5 - np.abs(v - np.rint(v)))[np.abs(v) < 1.5].min(initial=0.5))
        else:
            t = info["t"].astype(np.float64)
            wm = float(np.abs(w - w.mean()).min() / float(info["beta"]))
        am = float((0.5 - np.abs(t - np.rint(t))).min())
        out.append((prefix.rstrip(".") or step, am, wm))
    return out


# ----------------------------------------------------------------------------
# Custom-domain linear nodes: bitnet.BitLinear and com.microsoft.MatMulNBits
# ----------------------------------------------------------------------------


def act_quant_absmax(x, mode, bits=8, group_size=0, eps=1e-5, shift=False):
    """``bitnet.BitLinear`` activations (docs/bitnet-onnx-domain.md): ``(xi, s, eta)``.

    ``s = float32(qmax / max(amax, eps))`` with ``qmax = 2^(bits-1) - 1`` and ``amax``
    per tensor, per token or per group of ``group_size`` along the last axis;
    ``xi = clip(round(float32(x * s)), -2^(bits-1), qmax)``. ``s`` has x's shape with
    the reduced axes 1 (per group: last axis K / group_size). With ``shift``
    (``activation_shift`` 1): ``eta`` = min x over the same elements (shaped like ``s``)
    and ``xi = clip(round(float32(float32(x - eta) * s)), 0, 2^bits - 1)``; else eta = 0.
    """
    x = np.asarray(x, F32)
    qmax = F32((1 << (bits - 1)) - 1)
    if mode == "per_tensor":
        amax = np.full((1,) * x.ndim, np.abs(x).max(), F32)
        amin = np.full((1,) * x.ndim, x.min(), F32)
        expand = lambda v: v
    elif mode == "per_token":
        amax = np.abs(x).max(axis=-1, keepdims=True)
        amin = x.min(axis=-1, keepdims=True)
        expand = lambda v: v
    elif mode == "per_group":
        amax = np.abs(x).reshape(x.shape[:-1] + (-1, group_size)).max(axis=-1)
        amin = x.reshape(x.shape[:-1] + (-1, group_size)).min(axis=-1)
        expand = lambda v: np.repeat(v, group_size, axis=-1)
    else:
        raise ValueError(f"act_quant_absmax: mode {mode!r}")
    s = (qmax / np.maximum(amax, F32(eps))).astype(F32)
    s_full = (qmax / np.maximum(expand(amax), F32(eps))).astype(F32)
    if shift:
        shifted = (x - expand(amin)).astype(F32)
        xi = np.clip(np.rint((shifted * s_full).astype(F32)), 0, (1 << bits) - 1).astype(np.int64)
        return xi, s, amin.astype(F32)
    xi = np.clip(np.rint((x * s_full).astype(F32)), -(1 << (bits - 1)), qmax).astype(np.int64)
    return xi, s, np.zeros_like(s)


def bitlinear_node(x, codes, weight_scale, bias, mode, bits=8, group_size=0, eps=1e-5,
                   shift=False):
    """``bitnet.BitLinear``: ``(y, bound)``; exact integer sums, float64 rescale.

    ``bound`` bounds |y_float32 - y| for the spelled-out float graph (same integers,
    float dequantize and dot product) and for an implementation that rescales in float32
    (or, mode none, sums float activations in any order): per group g of the
    reduction, ``a_g = acc_g * ws / s_g`` takes 2 roundings, summing G of them G - 1
    more, the bias add 1, so ``(G + 3) u (sum_g |a_g| + |b|)``; weight-only:
    ``(K + 2) u sum_k |x_k w_k| ws + u |b|`` (reassociation of the dot product).
    With ``shift``, each group also adds ``e_g = eta_g * ws * rowsum_g`` (2 roundings, 1 add):
    ``(2 G + 4) u (sum_g |a_g| + sum_g |e_g| + |b|)``.
    """
    x = np.asarray(x, F32)
    w = np.asarray(codes, np.int64)
    ws = np.asarray(weight_scale, np.float64).reshape(-1)
    b = np.zeros(w.shape[0]) if bias is None else np.asarray(bias, np.float64)
    if mode == "none":
        y = (x.astype(np.float64) @ w.T) * ws
        mag = (np.abs(x).astype(np.float64) @ np.abs(w).T) * ws
        bound = (w.shape[1] + 2) * U * mag + U * np.abs(b)
        return (y + b).astype(F32), (bound + U * np.abs(y + b)).astype(F32)
    xi, s, eta = act_quant_absmax(x, mode, bits, group_size, eps, shift)
    if mode == "per_group":
        g = x.shape[-1] // group_size
        xg = xi.reshape(xi.shape[:-1] + (g, group_size))
        wg = w.reshape(w.shape[0], g, group_size)
        acc = np.einsum("...gk,ngk->...ng", xg, wg)          # exact, [..., N, G]
        a = acc * ws.reshape(-1, 1) / s.astype(np.float64)[..., None, :]
        e = eta.astype(np.float64)[..., None, :] * ws.reshape(-1, 1) * wg.sum(axis=-1)
        y = (a + e).sum(axis=-1)
        groups = g
    else:
        acc = xi @ w.T
        a = acc * ws / s.astype(np.float64)
        e = eta.astype(np.float64) * ws * w.sum(axis=1)
        y = a + e
        groups = 1
    if np.abs(acc).max(initial=0) >= 2 ** 31:
        raise OverflowError("bitlinear_node: an int32 accumulator overflows")
    absa = np.abs(a).sum(axis=-1) if mode == "per_group" else np.abs(a)
    abse = np.abs(e).sum(axis=-1) if mode == "per_group" else np.abs(e)
    if shift:
        bound = (2 * groups + 4) * U * (absa + abse + np.abs(b))
    else:
        bound = (groups + 3) * U * (absa + np.abs(b))
    # The spelled-out float graph (custom_domains.py --spelled-out) rounds the same
    # integers; its float error: dequantize, weight product, K-term dot, bias.
    xq = np.abs(xi).astype(np.float64) / (np.repeat(s, group_size, axis=-1) if mode == "per_group" else s)
    graph = 0 if shift else (w.shape[1] + 4) * U * (xq @ np.abs(w).T) * ws + U * np.abs(b)
    return (y + b).astype(F32), (bound + graph + U * np.abs(y + b)).astype(F32)


def bitlinear158_grouped(x, weights, group_size, prefix=""):
    """b1.58 with one activation scale per group of ``group_size`` features: ``(y, bound)``.

    As ``BitLinear158(act_group_size=G)`` exports it: the last axis viewed as [K/G, G],
    each group quantized like a token (``act_quant_per_token``), exact integer sums per
    group, ``y = sum_g acc_g / (s_xg s_w) + bias``. ``bound`` covers the exported float
    graph (the single-layer b1.58 terms of docs/models.md, same integers) plus a float32
    grouped rescale: ``(G + 3) u (sum_g |a_g| + |b|)``.
    """
    x = np.asarray(x, F32)
    wi, sw = ternary_absmean(weights[prefix + "weight"])
    k = x.shape[-1]
    xg = x.reshape(x.shape[:-1] + (k // group_size, group_size))
    xi, sx = act_quant_per_token(xg)                              # [..., G, gs], [..., G, 1]
    wg = wi.reshape(wi.shape[0], k // group_size, group_size).astype(np.int64)
    acc = np.einsum("...gk,ngk->...ng", xi.astype(np.int64), wg)
    a = acc / (sx[..., 0].astype(np.float64)[..., None, :] * np.float64(sw))
    y = a.sum(axis=-1)
    bias = weights.get(prefix + "bias")
    b = np.zeros(wi.shape[0]) if bias is None else bias.astype(np.float64)
    groups = k // group_size
    xhat = (np.abs(xi) / sx.astype(np.float64)).reshape(x.shape)
    mag = xhat @ (np.abs(wi).astype(np.float64) / float(sw)).T
    graph = ((k + 7) * U + _sum_err(wi.size)) * mag + U * np.abs(y + b)
    bound = (groups + 3) * U * (np.abs(a).sum(axis=-1) + np.abs(b)) + graph
    return (y + b).astype(F32), bound.astype(F32)


def _unpack_low_first(data, bits, count, offset_bits=0):
    """``count`` unsigned ``bits``-wide fields of ``data`` (uint8), low bits first."""
    data = np.asarray(data, np.uint8).reshape(-1)
    idx = offset_bits + np.arange(count)[:, None] * bits + np.arange(bits)[None, :]
    bit = (data[idx // 8] >> (idx % 8)) & 1
    return (bit.astype(np.int64) << np.arange(bits)).sum(axis=1)


def matmul_nbits(x, packed, scales, zero_points, bias, k, n, bits, block):
    """``com.microsoft.MatMulNBits`` as onnxruntime defines it: ``(y, w)``.

    ``w[n, k] = (code - zero_point) * scale`` (float32), y = x @ w^T (+ bias) in float64.
    """
    blocks = (k + block - 1) // block
    blob = block * bits // 8
    packed = np.asarray(packed, np.uint8).reshape(n, blocks, blob)
    codes = np.stack([np.concatenate([_unpack_low_first(packed[r, b], bits, block) for b in range(blocks)])[:k]
                      for r in range(n)])
    if zero_points is None:
        zp = np.full((n, blocks), float(1 << (bits - 1)))
    elif np.asarray(zero_points).dtype == np.uint8:
        row_bytes = (blocks * bits + 7) // 8
        zb = np.asarray(zero_points, np.uint8).reshape(n, row_bytes)
        zp = np.stack([_unpack_low_first(zb[r], bits, blocks) for r in range(n)]).astype(np.float64)
    else:
        zp = np.asarray(zero_points, np.float64).reshape(n, blocks)
    sc = np.asarray(scales, F32).reshape(n, blocks)
    zp_full = np.repeat(zp, block, axis=1)[:, :k]
    sc_full = np.repeat(sc, block, axis=1)[:, :k]
    w = ((codes - zp_full).astype(F32) * sc_full).astype(F32)
    y = np.asarray(x, np.float64) @ w.T.astype(np.float64)
    if bias is not None:
        y = y + np.asarray(bias, np.float64)
    return y.astype(F32), w


def run_custom_node(onnx_path, x):
    """Evaluates the single custom-domain node of ``onnx_path``: ``(y, bound)``.

    MatMulNBits bound: a float32 dot product of K terms in any order and with the
    weights factored per block, ``(K + 4) u sum_k |x_k w_k| + u |b|``.
    """
    import onnx
    from onnx import helper as h, numpy_helper
    model = onnx.load(onnx_path)
    (node,) = model.graph.node
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    attrs = {a.name: h.get_attribute_value(a) for a in node.attribute}
    get = lambda i: inits[node.input[i]] if len(node.input) > i and node.input[i] else None
    if (node.domain, node.op_type) == ("bitnet", "BitLinear"):
        mode = attrs.get("activation_mode", b"per_token")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        return bitlinear_node(x, get(1), get(2), get(3), mode, attrs.get("activation_bits", 8),
                              attrs.get("group_size", 0), attrs.get("epsilon", 1e-5),
                              attrs.get("activation_shift", 0) == 1)
    if (node.domain, node.op_type) == ("com.microsoft", "MatMulNBits"):
        y, w = matmul_nbits(x, get(1), get(2), get(3), get(5), attrs["K"], attrs["N"],
                            attrs.get("bits", 4), attrs["block_size"])
        b = np.zeros(attrs["N"]) if get(5) is None else np.abs(get(5)).astype(np.float64)
        mag = np.abs(np.asarray(x, np.float64)) @ np.abs(w.T.astype(np.float64))
        bound = (attrs["K"] + 4) * U * mag + U * b + U * np.abs(y)
        return y, bound.astype(F32)
    raise ValueError(f"run_custom_node: {node.domain}.{node.op_type} is not a custom-domain linear node")


# ----------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, choices=sorted(MODELS) + ["node"],
                   help="node: the single bitnet.BitLinear or com.microsoft.MatMulNBits node of --onnx")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--onnx", help="read weights from this model's initializers")
    src.add_argument("--npz", help="read weights from export.py's sidecar .npz")
    p.add_argument("--input", required=True, help="x as .npy (float32)")
    p.add_argument("--out", required=True, help="y as .npy (float32)")
    p.add_argument("--w1-act", choices=("clip", "round"), default="clip",
                   help="W1 activations: clip = paper/exported graph (default), round = int8 kernel")
    p.add_argument("--atol-out", help="write the per-element |graph - reference| bound as .npy")
    p.add_argument("--atol-vs", choices=("graph", "int8"), default="graph",
                   help="what --atol-out bounds the distance to: the exported float graph "
                        "(ORT, torch) or an implementation that rounds W1 activations to int8")
    p.add_argument("--margins", action="store_true",
                   help="print each layer's distance to a rounding tie (see margins())")
    p.add_argument("--lsb-out", help="write the per-element output LSB (see output_lsb) as .npy; "
                                     "use with compare.py --atol-file F --atol-scale N")
    p.add_argument("--act-group-size", type=int, default=0,
                   help="bitlinear158 with one activation scale per group of G features")
    args = p.parse_args(argv)

    if args.act_group_size:
        if args.model != "bitlinear158":
            print("reference.py: --act-group-size applies to --model bitlinear158", file=sys.stderr)
            return 2
        weights = load_weights(args.onnx, args.npz)
        y, bound = bitlinear158_grouped(np.load(args.input), weights, args.act_group_size)
        np.save(args.out, y)
        if args.atol_out:
            np.save(args.atol_out, bound)
        return 0
    if args.model == "node":
        if not args.onnx:
            print("reference.py: --model node needs --onnx", file=sys.stderr)
            return 2
        try:
            y, bound = run_custom_node(args.onnx, np.load(args.input))
        except (ValueError, OverflowError, KeyError) as e:
            print(f"reference.py: {e}", file=sys.stderr)
            return 1
        np.save(args.out, y)
        if args.atol_out:
            np.save(args.atol_out, bound)
        return 0
    weights = load_weights(args.onnx, args.npz)
    x = np.load(args.input)
    trace = []
    try:
        y = run_model(args.model, weights, x, args.w1_act, trace)
    except KeyError as e:
        print(f"reference.py: no weight {e} for --model {args.model} "
              f"(have: {', '.join(sorted(weights))})", file=sys.stderr)
        return 1
    except (ValueError, OverflowError) as e:
        print(f"reference.py: {e}", file=sys.stderr)
        return 1
    np.save(args.out, y)
    if args.atol_out:
        np.save(args.atol_out, error_bound(trace, other_rounds=args.atol_vs == "int8"))
    if args.lsb_out:
        np.save(args.lsb_out, output_lsb(trace))
    if args.margins:
        for layer, am, wm in margins(trace, weights):
            print(f"{layer}: activation margin {am:.3g}, weight margin {wm:.3g} (quantization units)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
