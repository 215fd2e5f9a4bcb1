"""Runs an imported graph through mlir-runner and compares with a reference.

  graph_runner.py wrap GRAPH.mlir INPUT.npy > RUN.mlir
      Appends a @main that calls @main_graph on INPUT (as a constant) and
      prints its single f32 result with printMemrefF32.
  graph_runner.py compare PRINTED.txt REFERENCE.npy --atol A
      Parses the printed memref and prints "match" or the worst difference.
"""
import argparse
import re
import sys

import numpy as np


def type_of(shape):
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f32>"


def wrap(args):
    # Large constants are dense_resource blobs, printed in a section after
    # the module: the new functions go before it.
    graph, marker, resources = open(args.graph).read().partition("\n{-#")
    graph = graph.rstrip()
    if not graph.endswith("}"):
        sys.exit("expected a module")
    x = np.load(args.input).astype(np.float32)
    signature = re.search(r"func\.func @main_graph\(%arg0: (tensor<[^>]*>)[^)]*\)"
                          r" -> \((tensor<[^>]*>)", graph)
    if not signature:
        sys.exit("expected @main_graph with one input and one output")
    in_type, out_type = signature.groups()
    if in_type != type_of(x.shape):
        sys.exit(f"input {type_of(x.shape)} does not match {in_type}")
    values = ", ".join(repr(float(v)) for v in x.ravel())
    dims = ", ".join(str(d) for d in x.shape)
    flat = type_of((x.size,))
    print(graph[:-1] + f"""
  func.func private @printMemrefF32(tensor<*xf32>)
  func.func @show(%t: {out_type}) {{
    %u = tensor.cast %t : {out_type} to tensor<*xf32>
    call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
    return
  }}
  func.func @main() {{
    %flat = arith.constant dense<[{values}]> : {flat}
    %shape = arith.constant dense<[{dims}]> : tensor<{x.ndim}xindex>
    %x = tensor.reshape %flat(%shape) : ({flat}, tensor<{x.ndim}xindex>) -> {in_type}
    %y = call @main_graph(%x) : ({in_type}) -> {out_type}
    call @show(%y) : ({out_type}) -> ()
    return
  }}
}}""" + marker + resources)


def compare(args):
    text = open(args.printed).read()
    data = text[text.index("data =") + len("data ="):]
    got = np.array([float(v) for v in
                    re.findall(r"-?(?:inf|nan|[0-9.]+(?:e[-+]?[0-9]+)?)", data)])
    ref = np.load(args.reference).astype(np.float64).ravel()
    if got.size != ref.size:
        sys.exit(f"got {got.size} values, expected {ref.size}")
    worst = np.max(np.abs(got - ref))
    print("match" if worst <= args.atol else f"max abs diff {worst} > {args.atol}")


parser = argparse.ArgumentParser()
sub = parser.add_subparsers(dest="command", required=True)
p = sub.add_parser("wrap")
p.add_argument("graph")
p.add_argument("input")
p.set_defaults(run=wrap)
p = sub.add_parser("compare")
p.add_argument("printed")
p.add_argument("reference")
p.add_argument("--atol", type=float, required=True)
p.set_defaults(run=compare)
args = parser.parse_args()
args.run(args)
