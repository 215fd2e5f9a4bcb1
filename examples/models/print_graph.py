#!/usr/bin/python3
"""Print an ONNX graph one node per line: op_type, name, inputs, outputs, attributes.

Why: the BitLinear raising matches exported subgraphs node by node, and a
stable, diff-able text form of what ``torch.onnx.export`` produced is the
easiest way to review it (docs/models.md quotes this output). Output tensor
shapes come from ONNX shape inference and are appended as ``name:[dims]``.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference


def _dims(type_proto):
    """``[4,64]`` or ``?`` for an unknown shape; symbolic dims by name."""
    t = type_proto.tensor_type
    if not t.HasField("shape"):
        return "?"
    dims = [str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?")
            for d in t.shape.dim]
    elem = onnx.TensorProto.DataType.Name(t.elem_type).lower()
    return f"{elem}[{','.join(dims)}]"


def _attr(a):
    """Compact attribute text; small tensors (Constant values) are shown inline."""
    v = onnx.helper.get_attribute_value(a)
    if isinstance(v, onnx.TensorProto):
        arr = numpy_helper.to_array(v)
        if arr.size <= 8:
            vals = np.array2string(arr.reshape(-1), separator=",", precision=9)
            return f"{a.name}={arr.dtype}{list(arr.shape)}{vals}"
        return f"{a.name}=<{arr.dtype}{list(arr.shape)}>"
    if isinstance(v, bytes):
        return f"{a.name}={v.decode(errors='replace')!r}"
    if isinstance(v, list):
        return f"{a.name}={[x.decode() if isinstance(x, bytes) else x for x in v]}"
    return f"{a.name}={v}"


def print_graph(path):
    model = onnx.load(path)
    try:
        model = shape_inference.infer_shapes(model)
    except Exception as e:  # shapes are a convenience, the node list is the point
        print(f"# shape inference failed: {e}")
    g = model.graph
    shapes = {vi.name: _dims(vi.type) for vi in list(g.value_info) + list(g.input) + list(g.output)}
    opsets = ", ".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
    print(f"# {os.path.basename(path)}: ir_version {model.ir_version}, opset {opsets}, producer "
          f"{model.producer_name} {model.producer_version}")
    init_names = {i.name for i in g.initializer}
    for i in g.input:
        if i.name not in init_names:
            print(f"input {i.name} {_dims(i.type)}")
    for i in g.initializer:
        elem = onnx.TensorProto.DataType.Name(i.data_type).lower()
        print(f"initializer {i.name} {elem}{list(i.dims)}")
    for n in g.node:
        outs = ", ".join(f"{o}:{shapes.get(o, '?')}" for o in n.output)
        attrs = " ".join(_attr(a) for a in n.attribute)
        print(f"{n.op_type} {n.name} ({', '.join(n.input)}) -> ({outs})" + (f" {attrs}" if attrs else ""))
    for o in g.output:
        print(f"output {o.name} {_dims(o.type)}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("onnx_file")
    args = p.parse_args(argv)
    try:
        print_graph(args.onnx_file)
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
