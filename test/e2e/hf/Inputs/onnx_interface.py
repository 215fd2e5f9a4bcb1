#!/usr/bin/python3
"""Print what a decoder's consumers rely on, one fact per line, for FileCheck.

Why: the runtime session finds its inputs and outputs by name, the compiler
makes the KV cache in place by recognising present = Concat(past, new), and
the file must keep the weights packed and the tied head shared; export.test
checks each of these on the exported file.

    onnx_interface.py MODEL.onnx
"""

import collections
import sys

import onnx
from onnx import TensorProto


def dims(value):
    return "[" + ", ".join(d.dim_param or str(d.dim_value)
                           for d in value.type.tensor_type.shape.dim) + "]"


def main(path):
    model = onnx.load(path, load_external_data=False)
    graph = model.graph
    print(f"ir_version {model.ir_version}, opset {model.opset_import[0].version}")
    for kind, values in (("input", graph.input), ("output", graph.output)):
        for value in values:
            dtype = TensorProto.DataType.Name(value.type.tensor_type.elem_type)
            print(f"{kind} {value.name} {dtype} {dims(value)}")
    ops = collections.Counter(node.op_type for node in graph.node)
    print("ops " + " ".join(f"{op}:{n}" for op, n in sorted(ops.items())))
    producers = {out: node for node in graph.node for out in node.output}
    for name in ("present.0.key", "present.0.value", "logits"):
        node = producers[name]
        attrs = " ".join(f"{a.name}={onnx.helper.get_attribute_value(a)}" for a in node.attribute)
        print(f"{name} = {node.op_type}({', '.join(node.input)}) {attrs}".rstrip())
    readers = collections.Counter(i for node in graph.node for i in node.input)
    for init in graph.initializer:
        if init.name in ("model.embed_tokens.weight", "lm_head.weight",
                         "model.layers.0.self_attn.q_proj.weight",
                         "model.layers.0.mlp.down_proj.weight", "model.norm.weight"):
            where = "external" if init.data_location == TensorProto.EXTERNAL else "inline"
            print(f"initializer {init.name} {TensorProto.DataType.Name(init.data_type)} "
                  f"{list(init.dims)} {where}, read by {readers[init.name]} nodes")
    floats = [i.name for i in graph.initializer
              if i.data_type == TensorProto.FLOAT and len(i.dims) == 2]
    print(f"2-D float initializers: {len(floats)}")
    for entry in model.metadata_props:
        print(f"metadata {entry.key} = {entry.value}")


if __name__ == "__main__":
    main(sys.argv[1])
