#!/usr/bin/python3
"""NumPy reference of BitNet W1 before a non-linearity (``BitLinearW1Shift``).

Why: the end-to-end tests of the pre-non-linearity quantizer (docs/bitlinear.md)
need what the *compiler* computes -- integer codes ``q`` of the shifted
activations, exact integer sums, one rescale -- and how far that may be from the
exported float graph (onnxruntime, torch), which clips without rounding.

The graph (examples/models/bitnet_layers.py, the same flags as export.py):
``eta = min x`` (per tensor or per token), ``gamma = max(max|x| or max|x - eta|,
eps)``, ``v = ((x - eta) * 128) / gamma`` in float32 in this order, ``t = clip(v,
lo, hi)`` (or rounded after or before the clip), ``y = (Wb t) beta gamma / 128 +
eta beta rowsum(Wb) + b`` (``--eta-correction none``: without the eta term).

The compiler: ``q = clip(rint(v), rint(lo), rint(hi))`` from the same float32
``v``, so ``q = rint(t)``: equal to ``t`` when the graph rounds, else within half
a step. Outputs:

* ``--out``: ``(Wb q) LSB + eta beta rowsum + b`` in float64 (LSB = beta gamma /
  128), stored as float32;
* ``--atol-compiled-out``: the float error of a compiled model against it (same
  integers): ``10 u (|acc LSB| + |eta beta rowsum| + |b|) + u |y|``: at most six
  float32 roundings per term on either side plus the straight-through noise of
  the folded weight (an ulp of 1);
* ``--atol-graph-out``: the bound against the float graph: ``LSB sum_k |q_k -
  t_k|`` (what rounding changes; 0 when the graph rounds) plus the graph's own
  float error ``(K + 16) u (LSB sum_k q_k + |eta| beta K + |b|) + u |y|``.
"""

import argparse
import sys

import numpy as np

from reference import EPS, F32, U, W1_QB, binary_sign, int_matmul, load_weights


def quantize(x, gamma_from, lo, hi, rounding, per_token):
    """``(q, t, eta, gamma)``: the compiler's codes and the graph's clipped values."""
    x = np.asarray(x, F32)
    axis = -1 if per_token else None
    eta = x.min(axis=axis, keepdims=True).astype(F32)
    centred = (x - eta).astype(F32)
    source = x if gamma_from == "x" else centred
    gamma = np.maximum(np.abs(source).max(axis=axis, keepdims=True), EPS).astype(F32)
    v = ((centred * W1_QB).astype(F32) / gamma).astype(F32)
    lo, hi = F32(lo), F32(hi)
    q = np.clip(np.rint(v), np.rint(lo), np.rint(hi)).astype(np.int64)
    if rounding == "before-clip":
        t = np.clip(np.rint(v), lo, hi)
    else:
        t = np.clip(v, lo, hi)
        if rounding == "after-clip":
            t = np.rint(t)
    return q, t.astype(F32), eta, gamma


def bitlinear_w1_shift(x, weights, gamma_from="x", eta_correction="after", lo=None, hi=None,
                       rounding="none", per_token=False):
    """``(y, bound_vs_compiled, bound_vs_graph)`` of the layer (see the module docstring)."""
    lo = EPS if lo is None else lo
    hi = W1_QB - EPS if hi is None else hi
    q, t, eta, gamma = quantize(x, gamma_from, lo, hi, rounding, per_token)
    wb, beta = binary_sign(weights["weight"])
    lsb = float(beta) * gamma.astype(np.float64) / float(W1_QB)
    rowsum = wb.astype(np.int64).sum(axis=1)
    bias = weights.get("bias")
    b = np.zeros(wb.shape[0]) if bias is None else bias.astype(np.float64)
    a = int_matmul(q, wb) * lsb
    e = np.zeros_like(a)
    if eta_correction != "none":
        e = eta.astype(np.float64) * float(beta) * rowsum
    y = a + e + b
    compiled = 10 * U * (np.abs(a) + np.abs(e) + np.abs(b)) + U * np.abs(y)
    k = x.shape[-1]
    delta = np.abs(q - t.astype(np.float64)).sum(axis=-1, keepdims=True)
    flt = (k + 16) * U * (lsb * q.sum(axis=-1, keepdims=True)
                          + np.abs(eta.astype(np.float64)) * float(beta) * k + np.abs(b)) \
        + U * np.abs(y)
    graph = lsb * delta + flt
    return y.astype(F32), compiled.astype(F32), graph.astype(F32)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--onnx", help="read the weights from this model's initializers")
    src.add_argument("--npz", help="read them from export.py's sidecar .npz")
    p.add_argument("--input", required=True, help="x as .npy (float32)")
    p.add_argument("--out", required=True, help="y as .npy (float32)")
    p.add_argument("--atol-compiled-out", help="bound against a compiled model (.npy)")
    p.add_argument("--atol-graph-out", help="bound against the float graph (.npy)")
    p.add_argument("--gamma-from", choices=("x", "shifted"), default="x")
    p.add_argument("--eta-correction", choices=("after", "before", "none"), default="after")
    p.add_argument("--clip-lo", type=float, default=None, help="default eps (1e-5)")
    p.add_argument("--clip-hi", type=float, default=None, help="default 128 - eps")
    p.add_argument("--rounding", choices=("none", "after-clip", "before-clip"), default="none")
    p.add_argument("--per-token", action="store_true")
    args = p.parse_args(argv)
    try:
        weights = load_weights(args.onnx, args.npz)
        y, compiled, graph = bitlinear_w1_shift(
            np.load(args.input), weights, args.gamma_from, args.eta_correction, args.clip_lo,
            args.clip_hi, args.rounding, args.per_token)
    except (KeyError, ValueError, OverflowError) as e:
        print(f"prenonlin_reference.py: {e}", file=sys.stderr)
        return 1
    np.save(args.out, y)
    if args.atol_compiled_out:
        np.save(args.atol_compiled_out, compiled)
    if args.atol_graph_out:
        np.save(args.atol_graph_out, graph)
    return 0


if __name__ == "__main__":
    sys.exit(main())
