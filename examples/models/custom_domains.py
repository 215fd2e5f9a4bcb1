#!/usr/bin/python3
"""ONNX models of the custom-domain linear ops, written for bitnet-mlir's tests.

Why this file exists: ``bitnet.BitLinear`` (docs/bitnet-onnx-domain.md) and
onnxruntime's ``com.microsoft.MatMulNBits`` are not produced by
``torch.onnx.export``; exporters write them directly. This script writes
small single-layer models of each, deterministic for a seed, plus (for
BitLinear) the equivalent graph in standard ONNX ops that onnxruntime can run:

  bitlinear  --mode per_token|per_tensor|per_group|none [--weight-bits 1|2]
             [--act-bits B] [--group-size G] [--no-bias] [--row-scales]
             [--shift]           (activation_shift = 1: eta = min x, unsigned codes)
             [--spelled-out]     (standard ops: Abs/ReduceMax/Max/Div/Mul/
                                  Round/Clip/Div/MatMul; per_token/per_tensor/none)
             [--weight-form float|cast-mul|dql|dql-uint8|dql-blocked]
                                 (spelled-out weights: {-s,0,+s} floats, int8
                                  codes Cast then Mul by scale, int8 codes
                                  through DequantizeLinear (scalar scale, or per
                                  column with axis 1 for --row-scales), uint8
                                  codes {127,128,129} with zero point 128
                                  through DequantizeLinear, or int8 codes
                                  through DequantizeLinear-21 with one scale
                                  per block of --block-size along K (opset 21;
                                  onnx 1.12's checker does not know it))
             [--near-miss floor|clip|code2]   (spelled-out: Floor for Round,
                                  clip to 2^b, or one weight code 2: not a
                                  BitLinear, stays float)
  nbits      --bits 2 [--block-size 16] [--not-ternary] [--equal-scales]
             [--zero-points none|packed|float] [--bias]

Common: --in-features K --out-features N --batch M --seed S --out F.onnx
[--save-input x.npy]. Needs only numpy and onnx (/usr/bin/python3).
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = np.float32


def bitlinear_weights(rng, n, k, weight_bits, row_scales):
    """Codes [N, K] in {-1, 0, 1} (or {-1, 1}) and a [1] or [N] scale."""
    if weight_bits == 1:
        codes = rng.choice(np.array([-1, 1], np.int8), size=(n, k))
    else:
        codes = rng.choice(np.array([-1, 0, 1], np.int8), size=(n, k), p=[0.3, 0.4, 0.3])
    scale = rng.uniform(0.02, 0.2, size=(n if row_scales else 1,)).astype(F32)
    return codes.astype(np.int8), scale


def make_bitlinear(args, rng):
    k, n = args.in_features, args.out_features
    codes, scale = bitlinear_weights(rng, n, k, args.weight_bits, args.row_scales)
    bias = rng.uniform(-0.5, 0.5, size=(n,)).astype(F32) if args.bias else None
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [args.batch, k])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [args.batch, n])
    inits = [numpy_helper.from_array(codes, "W"), numpy_helper.from_array(scale, "weight_scale")]
    if bias is not None:
        inits.append(numpy_helper.from_array(bias, "B"))
    if args.spelled_out:
        if args.shift:
            raise SystemExit("--spelled-out does not support --shift")
        return spelled_out(args, codes, scale, bias, inits[2:], x, y)
    attrs = dict(weight_bits=args.weight_bits, activation_mode=args.mode,
                 activation_bits=args.act_bits, epsilon=args.eps)
    if args.mode == "per_group":
        attrs["group_size"] = args.group_size
    if args.shift:
        attrs["activation_shift"] = 1
    node = helper.make_node("BitLinear", ["x", "W", "weight_scale"] + (["B"] if bias is not None else []),
                            ["y"], name="fc", domain="bitnet", **attrs)
    graph = helper.make_graph([node], "bitlinear", [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("bitnet", 1)])


def spelled_out(args, codes, scale, bias, bias_inits, x, y):
    """The same layer in standard ONNX ops (what ORT can run):

    per_token/per_tensor: s = Q / max(ReduceMax(|x|), eps); xq = Clip(Round(x s), lo, hi) / s
    none: xq = x.  Then y = xq @ (codes * scale)^T (+ B).
    """
    levels = 1 << (args.act_bits - 1)
    opset = 21 if args.weight_form == "dql-blocked" else 17
    consts = {
        "eps": np.array(args.eps, F32), "qmax": np.array(levels - 1, F32),
        "lo": np.array(-levels, F32), "hi": np.array(levels - 1, F32),
        "hi_wide": np.array(2 * levels, F32),
    }
    nodes = []
    if args.weight_form == "float":
        # Already-quantized float weights {-s, 0, +s} (per row with --row-scales).
        consts["wt"] = (codes.astype(F32) * scale.reshape(-1, 1)).T.copy()
    elif args.weight_form == "dql-blocked":
        # int8 codes [K, N], one scale per block of block_size along K and
        # output column: x_scale [ceil(K / block_size), N], axis 0.
        codes_kn = codes.T.astype(np.int8).copy()
        if args.near_miss == "code2":
            codes_kn[0, 0] = 2
        blocks = -(-codes_kn.shape[0] // args.block_size)
        consts["codes"] = codes_kn
        consts["scale"] = np.random.default_rng(args.seed + 7).uniform(
            0.02, 0.2, size=(blocks, codes_kn.shape[1])).astype(F32)
        nodes.append(helper.make_node("DequantizeLinear", ["codes", "scale"], ["wt"],
                                      axis=0, block_size=args.block_size))
    elif args.weight_form in ("dql", "dql-uint8"):
        # Integer codes [K, N] through DequantizeLinear: a scalar scale, or
        # one per output column (axis 1 of B) with --row-scales.
        codes_kn = codes.T.astype(np.int16)
        if args.near_miss == "code2":
            codes_kn[0, 0] = 2
        per_column = scale.size > 1
        zp_shape = scale.shape if per_column else ()
        if args.weight_form == "dql":
            consts["codes"] = codes_kn.astype(np.int8)
            consts["zp"] = np.zeros(zp_shape, np.int8)
        else:
            consts["codes"] = (codes_kn + 128).astype(np.uint8)
            consts["zp"] = np.full(zp_shape, 128, np.uint8)
        consts["scale"] = scale if per_column else scale.reshape(())
        nodes.append(helper.make_node("DequantizeLinear", ["codes", "scale", "zp"], ["wt"],
                                      **({"axis": 1} if per_column else {})))
    else:
        # int8 codes [K, N] and a float scale: Cast then Mul.
        consts["codes"] = codes.T.copy()
        consts["scale"] = scale
        nodes += [helper.make_node("Cast", ["codes"], ["codes_f"], to=TensorProto.FLOAT),
                  helper.make_node("Mul", ["codes_f", "scale"], ["wt"])]
    inits = [numpy_helper.from_array(v, k) for k, v in consts.items()] + bias_inits
    act = "x"
    if args.mode in ("per_token", "per_tensor"):
        per_token = args.mode == "per_token"
        # ReduceMax takes its axes as an input from opset 18 on.
        axes_input = per_token and opset >= 18
        if axes_input:
            inits.append(numpy_helper.from_array(np.array([-1], np.int64), "axes"))
        nodes += [
            helper.make_node("Abs", ["x"], ["ax"]),
            helper.make_node("ReduceMax", ["ax"] + (["axes"] if axes_input else []), ["m"],
                             keepdims=1 if per_token else 0,
                             **({"axes": [-1]} if per_token and not axes_input else {})),
            helper.make_node("Max", ["m", "eps"], ["g"]),
            helper.make_node("Div", ["qmax", "g"], ["s"]),
            helper.make_node("Mul", ["x", "s"], ["xs"]),
            helper.make_node("Floor" if args.near_miss == "floor" else "Round", ["xs"], ["r"]),
            helper.make_node("Clip", ["r", "lo", "hi" if args.near_miss != "clip" else "hi_wide"], ["c"]),
            helper.make_node("Div", ["c", "s"], ["xq"]),
        ]
        act = "xq"
    elif args.mode != "none":
        raise SystemExit("--spelled-out supports per_token, per_tensor and none")
    if bias is not None:
        nodes += [helper.make_node("MatMul", [act, "wt"], ["mm"]),
                  helper.make_node("Add", ["mm", "B"], ["y"])]
    else:
        nodes.append(helper.make_node("MatMul", [act, "wt"], ["y"]))
    graph = helper.make_graph(nodes, "bitlinear_spelled_out", [x], [y], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    if opset >= 21:
        model.ir_version = 10
    return model


def pack_low_first(values, bits, row_bytes):
    """Packs the rows of ``values`` (unsigned, < 2^bits) low bits first into ``row_bytes`` each."""
    rows = values.reshape(values.shape[0], -1)
    out = np.zeros((rows.shape[0], row_bytes), np.uint8)
    for r in range(rows.shape[0]):
        for i, v in enumerate(rows[r]):
            bit = i * bits
            for b in range(bits):
                if (int(v) >> b) & 1:
                    out[r, (bit + b) // 8] |= np.uint8(1 << ((bit + b) % 8))
    return out


def make_nbits(args, rng):
    k, n, bits, block = args.in_features, args.out_features, args.bits, args.block_size
    blocks = (k + block - 1) // block
    zero = 1 << (bits - 1)
    zp = np.full((n, blocks), zero, np.int64)
    if args.zero_points != "none":
        zp = rng.integers(1, (1 << bits) - 1, size=(n, blocks))
    levels = rng.choice(np.array([-1, 0, 1]), size=(n, k), p=[0.3, 0.4, 0.3])
    codes = levels + np.repeat(zp, block, axis=1)[:, :k]
    if args.not_ternary:  # one code two levels from its zero point per row
        col = int(rng.integers(0, k))
        z = zp[:, col // block]
        codes[:, col] = np.where(z >= 2, z - 2, z + 2)
    if codes.min() < 0 or codes.max() >= (1 << bits):
        raise SystemExit("nbits: levels do not fit the code range with these zero points")
    padded = np.zeros((n, blocks * block), np.int64)
    padded[:, :k] = codes
    blob = block * bits // 8
    packed = pack_low_first(padded.reshape(n * blocks, block), bits, blob).reshape(n, blocks, blob)
    if args.equal_scales:
        scales = np.repeat(rng.uniform(0.05, 0.3, size=(n, 1)), blocks, axis=1).astype(F32)
    else:
        scales = rng.uniform(0.05, 0.3, size=(n, blocks)).astype(F32)
    inputs = ["x", "B", "scales"]
    inits = [numpy_helper.from_array(packed, "B"), numpy_helper.from_array(scales.reshape(-1), "scales")]
    if args.zero_points == "packed":
        zp_bytes = pack_low_first(zp, bits, (blocks * bits + 7) // 8).reshape(-1)
        inits.append(numpy_helper.from_array(zp_bytes, "zero_points"))
        inputs.append("zero_points")
    elif args.zero_points == "float":
        inits.append(numpy_helper.from_array(zp.astype(F32).reshape(-1), "zero_points"))
        inputs.append("zero_points")
    if args.bias:
        while len(inputs) < 5:
            inputs.append("")
        inits.append(numpy_helper.from_array(rng.uniform(-0.5, 0.5, size=(n,)).astype(F32), "bias"))
        inputs.append("bias")
    node = helper.make_node("MatMulNBits", inputs, ["y"], name="q", domain="com.microsoft",
                            K=k, N=n, bits=bits, block_size=block)
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [args.batch, k])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [args.batch, n])
    graph = helper.make_graph([node], "nbits", [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("com.microsoft", 1)])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("kind", choices=("bitlinear", "nbits"))
    p.add_argument("--in-features", type=int, default=64)
    p.add_argument("--out-features", type=int, default=32)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--input-seed", type=int, default=1)
    p.add_argument("--out", required=True)
    p.add_argument("--save-input")
    p.add_argument("--mode", default="per_token", choices=("none", "per_tensor", "per_token", "per_group"))
    p.add_argument("--weight-bits", type=int, default=2, choices=(1, 2))
    p.add_argument("--act-bits", type=int, default=8)
    p.add_argument("--group-size", type=int, default=16)
    p.add_argument("--eps", type=float, default=1e-5)
    p.add_argument("--bias", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--row-scales", action="store_true")
    p.add_argument("--shift", action="store_true", help="bitlinear: activation_shift = 1")
    p.add_argument("--spelled-out", action="store_true")
    p.add_argument("--near-miss", choices=("floor", "clip", "code2"),
                   help="--spelled-out: Floor instead of Round, a clip range past int8, or a weight"
                        " code 2 (dql forms) (stays float)")
    p.add_argument("--weight-form", default="float",
                   choices=("float", "cast-mul", "dql", "dql-uint8", "dql-blocked"),
                   help="--spelled-out weights: float {-s, 0, +s} initializer, int8 codes Cast then Mul,"
                        " int8 / uint8 codes through DequantizeLinear, or int8 codes with block"
                        " scales (--block-size) through DequantizeLinear-21")
    p.add_argument("--bits", type=int, default=2)
    p.add_argument("--block-size", type=int, default=16)
    p.add_argument("--not-ternary", action="store_true")
    p.add_argument("--equal-scales", action="store_true")
    p.add_argument("--zero-points", default="none", choices=("none", "packed", "float"))
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    model = make_bitlinear(args, rng) if args.kind == "bitlinear" else make_nbits(args, rng)
    if args.spelled_out and args.weight_form != "dql-blocked":
        onnx.checker.check_model(model)
    onnx.save(model, args.out)
    if args.save_input:
        x = np.random.default_rng(args.input_seed).standard_normal((args.batch, args.in_features))
        np.save(args.save_input, x.astype(F32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
