"""Writes a bitnet-stage module with the matmul shapes of one BitNet paper
model (Wang et al. 2023, Table "energy consumption"), for one 512-token
sequence: per layer Q, K, V, O (h x h), FFN up (h -> 4h) and down (4h -> h)
as BitLinear layers, and attention's Q x K^T and softmax x V as float
MatMuls. Weights are function arguments of !bitnet.packed type: the report
reads shapes from types, so nothing is materialised.

Usage: paper_model.py 6.7B|13B|30B
"""
import sys

SIZES = {"6.7B": (4096, 32, 32), "13B": (5120, 40, 40), "30B": (7168, 48, 56)}
SEQUENCE = 512

hidden, layers, heads = SIZES[sys.argv[1]]
d = hidden // heads
L = SEQUENCE
packed = ("!bitnet.packed<encoding = ternary2, layout = row_major, "
          "rows = {}, cols = {}, group_size = 0>")
square, up, down = (packed.format(hidden, hidden),
                    packed.format(4 * hidden, hidden),
                    packed.format(hidden, 4 * hidden))
x, x4 = f"tensor<{L}x{hidden}xf32>", f"tensor<{L}x{4 * hidden}xf32>"
q, kt, probs = (f"tensor<{heads}x{L}x{d}xf32>", f"tensor<{heads}x{d}x{L}xf32>",
                f"tensor<{heads}x{L}x{L}xf32>")

out = [f"func.func @main_graph(%x: {x}, %x4: {x4}, %q: {q}, %kt: {kt}, "
       f"%probs: {probs}, %w_square: {square}, %w_up: {up}, %w_down: {down}) {{",
       "  %s = arith.constant dense<1.0> : tensor<1xf32>"]


def bitlinear(name, value, width, weights, weights_type, rows):
    i8, i32, f32 = (f"tensor<{L}x{width}xi8>", f"tensor<{L}x{rows}xi32>",
                    f"tensor<{L}x{rows}xf32>")
    out.append(f"  %{name}_q, %{name}_s = bitnet.quantize_activations %{value} "
               f"per_token {{qmax = 127.0 : f32, eps = 1.0e-5 : f32, "
               f"clip_min = -128 : i64, clip_max = 127 : i64}} : "
               f"tensor<{L}x{width}xf32> -> {i8}, tensor<{L}x1xf32>")
    out.append(f"  %{name}_init = tensor.empty() : {i32}")
    out.append(f"  %{name}_acc = bitnet.packed_matmul %{name}_q, %{weights} "
               f"outs(%{name}_init) : {i8}, {weights_type}, {i32} -> {i32} "
               f"loc(\"{name}\")")
    out.append(f"  %{name} = bitnet.rescale %{name}_acc, %{name}_s, %s : "
               f"{i32}, tensor<{L}x1xf32>, tensor<1xf32> -> {f32}")


for layer in range(layers):
    for proj in "qkvo":
        bitlinear(f"l{layer}_{proj}", "x", hidden, "w_square", square, hidden)
    out.append(f"  %l{layer}_scores = onnx.MatMul(%q, %kt) : ({q}, {kt}) -> "
               f"{probs} loc(\"l{layer}_scores\")")
    out.append(f"  %l{layer}_context = onnx.MatMul(%probs, %q) : ({probs}, {q}) "
               f"-> {q} loc(\"l{layer}_context\")")
    bitlinear(f"l{layer}_up", "x", hidden, "w_up", up, 4 * hidden)
    bitlinear(f"l{layer}_down", "x4", 4 * hidden, "w_down", down, hidden)
out.append("  return")
out.append("}")
print("\n".join(out))
