#!/usr/bin/python3
"""A float32 MLP whose weights live in one external-data file.

Writes DIR/model.onnx, DIR/weights.bin (every initializer, 64-byte aligned
offsets as onnx's own writer does; --inline keeps them in raw_data instead),
DIR/x.npy and the numpy reference DIR/y.npy. Layers: y = relu(x @ W_i + b_i), the last without relu. The
weights are scaled by 1/sqrt(H) so activations stay O(1) at any width.

Used by the large-model tests (tens of MB) and, with larger --hidden and
--layers, to measure multi-GB compiles by hand (see docs/compile.md).
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--inline", action="store_true",
                   help="keep the weights in raw_data inside model.onnx instead")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    h = args.hidden

    x = rng.standard_normal((args.batch, h), dtype=np.float32)
    nodes, inits = [], []
    y = x.astype(np.float64)
    offset = 0
    prev = "x"
    with open(os.path.join(args.dir, "weights.bin"), "wb") as f:
        def external(name, array):
            nonlocal offset
            pad = (-offset) % 64
            f.write(b"\0" * pad)
            offset += pad
            data = np.ascontiguousarray(array, dtype="<f4").tobytes()
            if args.inline:
                inits.append(TensorProto(name=name, data_type=TensorProto.FLOAT,
                                         dims=array.shape, raw_data=data))
                return
            f.write(data)
            t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=array.shape,
                            data_location=TensorProto.EXTERNAL)
            for key, value in (("location", "weights.bin"), ("offset", str(offset)),
                               ("length", str(len(data)))):
                entry = t.external_data.add()
                entry.key, entry.value = key, value
            offset += len(data)
            inits.append(t)

        for i in range(args.layers):
            # Written in row chunks: a multi-GB weight never sits in memory twice.
            w = np.empty((h, h), dtype=np.float32)
            for r in range(0, h, 1024):
                w[r:r + 1024] = rng.standard_normal((min(1024, h - r), h),
                                                    dtype=np.float32) / np.sqrt(h)
            b = rng.standard_normal(h, dtype=np.float32) * 0.1
            external(f"w{i}", w)
            external(f"b{i}", b)
            y = y.astype(np.float32) @ w + b
            del w
            mm, out = f"mm{i}", ("y" if i == args.layers - 1 else f"h{i}")
            nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [mm], name=mm))
            if i == args.layers - 1:
                nodes.append(helper.make_node("Add", [mm, f"b{i}"], [out], name=f"add{i}"))
            else:
                nodes.append(helper.make_node("Add", [mm, f"b{i}"], [f"a{i}"], name=f"add{i}"))
                nodes.append(helper.make_node("Relu", [f"a{i}"], [out], name=f"relu{i}"))
                y = np.maximum(y, 0)
            prev = out

    graph = helper.make_graph(
        nodes, "float_mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, (args.batch, h))],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(os.path.join(args.dir, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    np.save(os.path.join(args.dir, "x.npy"), x)
    np.save(os.path.join(args.dir, "y.npy"), y.astype(np.float32))
    if args.inline:
        os.remove(os.path.join(args.dir, "weights.bin"))


if __name__ == "__main__":
    main()
