#!/usr/bin/python3
"""NumPy reference of a layer whose weights are a blocked DequantizeLinear.

Why: ``custom_domains.py bitlinear --spelled-out --weight-form dql-blocked``
writes a MatMul whose weight is int8 ternary codes [K, N] with one scale per
block of ``block_size`` along K (DequantizeLinear-21). The compiler packs the
codes and applies the block scales to per-block partial sums
(docs/bitlinear.md); this computes the same from the model's initializers,
independently of the compiler:

* ``--mode per_token``: b1.58 activations (``reference.act_quant_absmax``, the
  graph's float32 order), exact integer partial sums per block ``acc_g``, and
  ``y = sum_g acc_g ws[g] / s + b`` in float64;
* ``--mode none``: float activations, ``y = x @ W`` in float64.

``--atol-out`` bounds |y32 - y| for a float32 implementation of the same
integers (the compiled grouped rescale: 2 roundings per block term, G - 1 for
summing G of them, 1 for the bias, ``(G + 3) u (sum_g |a_g| + |b|)``; weight-only:
any order of the K-term dot product and the G block products,
``(K + G + 2) u sum_k |x_k w_k| + u |b|``) and for the float graph onnxruntime
runs (the same integers when quantized; its float error: dequantize, weight
product, K-term dot, bias, ``(K + 4) u sum_k |x^_k| |w_k| + u |b|``), plus ``u |y|``.
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

from reference import F32, U, act_quant_absmax


def read_blocked_layer(path):
    """``(codes [K, N] int64, scales [K, N] float32 per element, block, blocks, bias)``."""
    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    (dq,) = [n for n in model.graph.node if n.op_type == "DequantizeLinear"]
    attrs = {a.name: helper.get_attribute_value(a) for a in dq.attribute}
    if attrs.get("axis", 1) != 0 or attrs.get("block_size", 0) <= 0:
        raise ValueError("expected a DequantizeLinear blocked along axis 0 (K of MatMul's B)")
    block = attrs["block_size"]
    codes = inits[dq.input[0]].astype(np.int64)
    zp = inits[dq.input[2]].astype(np.int64) if len(dq.input) > 2 and dq.input[2] else 0
    scale = inits[dq.input[1]].astype(F32)
    k = codes.shape[0]
    levels = codes - (np.repeat(zp, block, axis=0)[:k] if np.ndim(zp) else zp)
    return levels, scale, block, inits.get("B")


def blocked_layer(x, levels, scale, block, bias, mode):
    """``(y, bound)`` as the module docstring says."""
    x = np.asarray(x, F32)
    k, n = levels.shape
    groups = scale.shape[0]
    if k % block:
        raise ValueError("K must be a multiple of block_size for per-block sums")
    w = (levels.astype(F32) * np.repeat(scale, block, axis=0)[:k]).astype(F32)  # [K, N]
    b = np.zeros(n) if bias is None else bias.astype(np.float64)
    if mode == "none":
        y = x.astype(np.float64) @ w.astype(np.float64)
        mag = np.abs(x).astype(np.float64) @ np.abs(w).astype(np.float64)
        bound = (k + groups + 2) * U * mag + U * np.abs(b)
        return (y + b).astype(F32), (bound + U * np.abs(y + b)).astype(F32)
    xi, s, _ = act_quant_absmax(x, mode)
    xg = xi.reshape(xi.shape[:-1] + (groups, block))
    lg = levels.reshape(groups, block, n)
    acc = np.einsum("...gk,gkn->...ng", xg, lg)                  # exact, [..., N, G]
    a = acc * scale.T.astype(np.float64) / s.astype(np.float64)[..., None]
    y = a.sum(axis=-1)
    bound = (groups + 3) * U * (np.abs(a).sum(axis=-1) + np.abs(b))
    xq = np.abs(xi).astype(np.float64) / s
    graph = (k + 4) * U * (xq @ np.abs(w).astype(np.float64)) + U * np.abs(b)
    return (y + b).astype(F32), (bound + graph + U * np.abs(y + b)).astype(F32)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--onnx", required=True)
    p.add_argument("--input", required=True, help="x as .npy (float32)")
    p.add_argument("--out", required=True, help="y as .npy (float32)")
    p.add_argument("--atol-out", help="the per-element bound as .npy")
    p.add_argument("--mode", choices=("per_token", "none"), default="per_token")
    args = p.parse_args(argv)
    try:
        levels, scale, block, bias = read_blocked_layer(args.onnx)
        y, bound = blocked_layer(np.load(args.input), levels, scale, block, bias, args.mode)
    except (KeyError, ValueError) as e:
        print(f"blocked_reference.py: {e}", file=sys.stderr)
        return 1
    np.save(args.out, y)
    if args.atol_out:
        np.save(args.atol_out, bound)
    return 0


if __name__ == "__main__":
    sys.exit(main())
