"""Reference semantics of the bitnet ops in numpy, test generators, checker.

Used by the execution tests (run-*.mlir) of test/Conversion/BitnetToSCF and
test/Pipelines:

  bitnet_ref.py gen <case> OUT.mlir OUT.expected
      writes a module whose @main prints memrefs, and the values numpy
      expects them to hold, one line per printed memref;
  bitnet_ref.py check OUT.expected RUNNER_OUTPUT
      compares what mlir-runner printed with the expectation: integers
      exactly, floats to the 6 significant digits printMemrefF32 prints.

The reference is independent of the compiler: weights are packed here by the
rules of docs/packed-formats.md, products are plain numpy integer matmuls of
the unpacked weights, and quantization/rescale follow the op definitions with
numpy float32 arithmetic in the documented order.
"""

import re
import sys

import numpy as np

F32 = np.float32

# ---------------------------------------------------------------------------
# Reference semantics
# ---------------------------------------------------------------------------


def pack(weights, encoding):
    """Packs an [N, K] matrix in {-1, 0, 1} row-major, LSB first, zero padded."""
    bits = {"binary1": 1, "ternary2": 2}[encoding]
    rows, cols = weights.shape
    row_bytes = (cols * bits + 7) // 8
    packed = np.zeros((rows, row_bytes), dtype=np.uint8)
    for n in range(rows):
        for k in range(cols):
            w = int(weights[n, k])
            if encoding == "binary1":
                assert w in (-1, 1)
                code = 1 if w == 1 else 0
            else:
                code = w + 1
            bit = k * bits
            packed[n, bit // 8] |= code << (bit % 8)
    return packed.astype(np.int8)


def quantize(x, per_token, qmax, eps, clip_min, clip_max, reciprocal=False):
    """bitnet.quantize_activations: returns (q int8, scale f32 keepdims)."""
    x = x.astype(F32)
    axis = -1 if per_token else None
    absmax = np.max(np.abs(x), axis=axis, keepdims=True).astype(F32)
    if not per_token:
        absmax = absmax.reshape((1,) * x.ndim)
    floor = np.maximum(absmax, F32(eps))
    if reciprocal:
        scale = (F32(1.0) / floor) * F32(qmax)
    else:
        scale = F32(qmax) / floor
    scale = scale.astype(F32)
    product = (x * scale).astype(F32)
    rounded = np.round(product)  # half to even
    q = np.clip(rounded, F32(clip_min), F32(clip_max)).astype(np.int8)
    return q, scale


def matmul(q, weights):
    """acc[..., n] = sum_k q[..., k] * w[n, k], exactly."""
    return (q.astype(np.int64) @ weights.astype(np.int64).T).astype(np.int32)


def rescale(acc, act_scale, weight_scale, bias=None):
    """float(acc) * weight_scale / act_scale (+ bias), in this order, f32."""
    y = (acc.astype(F32) * weight_scale.reshape(-1).astype(F32)).astype(F32)
    y = (y / act_scale.astype(F32)).astype(F32)
    if bias is not None:
        y = (y + bias.reshape(-1).astype(F32)).astype(F32)
    return y


# ---------------------------------------------------------------------------
# MLIR text
# ---------------------------------------------------------------------------


def tensor_type(shape, element):
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [element])


def dense(array):
    """A dense<...> literal; floats printed exactly (repr of the f32 value)."""

    def item(v):
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        return str(int(v))

    def nested(a):
        if a.ndim == 0:
            return item(a[()])
        return "[" + ", ".join(nested(s) for s in a) + "]"

    return "dense<%s>" % nested(np.asarray(array))


def packed_type(encoding, rows, cols):
    return ("!bitnet.packed<encoding = %s, layout = row_major, rows = %d, "
            "cols = %d, group_size = 0>" % (encoding, rows, cols))


class Printer:
    """Collects @main's body and the expected print-outs."""

    def __init__(self):
        self.lines = []
        self.expected = []
        self.counter = 0

    def fresh(self, stem):
        self.counter += 1
        return "%%%s%d" % (stem, self.counter)

    def constant(self, array, element):
        name = self.fresh("c")
        self.lines.append("%s = arith.constant %s : %s" % (
            name, dense(array), tensor_type(array.shape, element)))
        return name

    def emit(self, line):
        self.lines.append(line)

    def packed_matmul(self, acc, x, w, attrs, xtype, ptype, rtype):
        """acc = bitnet.packed_matmul x, w outs(tensor.empty) (static)."""
        init = self.fresh("init")
        self.lines.append("%s = tensor.empty() : %s" % (init, rtype))
        self.lines.append("%s = bitnet.packed_matmul %s, %s outs(%s)%s : "
                          "%s, %s, %s -> %s" % (acc, x, w, init, attrs, xtype,
                                                ptype, rtype, rtype))

    def print_tensor(self, value, shape, element, expected):
        """Prints `value` (a tensor) with printMemref{I32,F32}."""
        kind = {"i32": "I32", "f32": "F32"}[element]
        ttype = tensor_type(shape, element)
        mtype = "memref<%s>" % "x".join([str(d) for d in shape] + [element])
        buf, unranked = self.fresh("m"), self.fresh("u")
        self.lines.append("%s = bufferization.to_buffer %s : %s to %s" % (
            buf, value, ttype, mtype))
        self.lines.append("%s = memref.cast %s : %s to memref<*x%s>" % (
            unranked, buf, mtype, element))
        self.lines.append("call @printMemref%s(%s) : (memref<*x%s>) -> ()" % (
            kind, unranked, element))
        self.expected.append((element, np.asarray(expected).reshape(-1)))

    def module(self, extra_functions=""):
        body = "\n".join("  " + line for line in self.lines)
        return ("func.func private @printMemrefI32(memref<*xi32>)\n"
                "func.func private @printMemrefF32(memref<*xf32>)\n"
                "%s\n"
                "func.func @main() {\n%s\n  return\n}\n" % (extra_functions,
                                                          body))


def write_expected(path, expected):
    with open(path, "w") as out:
        for element, values in expected:
            if element == "i32":
                text = " ".join(str(int(v)) for v in values)
            else:
                text = " ".join(repr(float(v)) for v in values)
            out.write("%s %s\n" % (element, text))


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------


def ternary_weights(rng, rows, cols):
    return rng.integers(-1, 2, size=(rows, cols)).astype(np.int8)


def binary_weights(rng, rows, cols):
    return (rng.integers(0, 2, size=(rows, cols)) * 2 - 1).astype(np.int8)


def activations(rng, shape):
    q = rng.integers(-128, 128, size=shape).astype(np.int8)
    q.reshape(-1)[0] = -128  # the most negative int8 is always present
    return q


def gen_matmul(mlir_path, expected_path):
    """packed_matmul (both encodings, K = 64 and the tail case K = 37, ranks
    1 to 3, a dynamic M) and the unpacked ternary_matmul."""
    rng = np.random.default_rng(2026)
    p = Printer()
    cases = [
        ("ternary2", (2, 3, 64), 5),
        ("ternary2", (4, 37), 6),
        ("binary1", (3, 64), 4),
        ("binary1", (37,), 7),
        ("ternary2", (1, 1, 3), 2),   # K < weights per byte: tail only
        ("binary1", (2, 9), 3),       # one whole byte and a 1-weight tail
    ]
    for encoding, shape, rows in cases:
        cols = shape[-1]
        make = ternary_weights if encoding == "ternary2" else binary_weights
        w = make(rng, rows, cols)
        q = activations(rng, shape)
        x = p.constant(q, "i8")
        wp = p.fresh("w")
        storage = pack(w, encoding)
        ptype = packed_type(encoding, rows, cols)
        p.emit("%s = bitnet.packed_constant %s : %s -> %s" % (
            wp, dense(storage), tensor_type(storage.shape, "i8"), ptype))
        acc = p.fresh("acc")
        out_shape = shape[:-1] + (rows,)
        p.packed_matmul(acc, x, wp, "", tensor_type(shape, "i8"), ptype,
                        tensor_type(out_shape, "i32"))
        p.print_tensor(acc, out_shape, "i32", matmul(q, w))

    # Extremes: every activation -128 against all -1 (binary1: all bits 0)
    # and all +1 (ternary2: 0xAA) weights: +-128 * 64 = +-8192.
    q = np.full((1, 64), -128, dtype=np.int8)
    for encoding, value in (("binary1", -1), ("ternary2", 1)):
        w = np.full((2, 64), value, dtype=np.int8)
        x = p.constant(q, "i8")
        wp = p.fresh("w")
        storage = pack(w, encoding)
        ptype = packed_type(encoding, 2, 64)
        p.emit("%s = bitnet.packed_constant %s : %s -> %s" % (
            wp, dense(storage), tensor_type(storage.shape, "i8"), ptype))
        acc = p.fresh("acc")
        p.packed_matmul(acc, x, wp, "", tensor_type((1, 64), "i8"), ptype,
                        tensor_type((1, 2), "i32"))
        p.print_tensor(acc, (1, 2), "i32", matmul(q, w))

    # Unpacked ternary_matmul on constant weights.
    w = ternary_weights(rng, 3, 37)
    q = activations(rng, (2, 37))
    x, wc = p.constant(q, "i8"), p.constant(w, "i8")
    acc = p.fresh("acc")
    p.emit("%s = bitnet.ternary_matmul %s, %s : %s, %s -> %s" % (
        acc, x, wc, tensor_type((2, 37), "i8"), tensor_type((3, 37), "i8"),
        tensor_type((2, 3), "i32")))
    p.print_tensor(acc, (2, 3), "i32", matmul(q, w))

    # Dynamic M behind a function boundary (sizes read at run time).
    w = ternary_weights(rng, 6, 37)
    q = activations(rng, (5, 37))
    storage = pack(w, "ternary2")
    ptype = packed_type("ternary2", 6, 37)
    dynamic = (
        "func.func @dynamic_m(%%x: tensor<?x37xi8>) -> tensor<5x6xi32> {\n"
        "  %%w = bitnet.packed_constant %s : %s -> %s\n"
        "  %%c0 = arith.constant 0 : index\n"
        "  %%m = tensor.dim %%x, %%c0 : tensor<?x37xi8>\n"
        "  %%init = tensor.empty(%%m) : tensor<?x6xi32>\n"
        "  %%acc = bitnet.packed_matmul %%x, %%w outs(%%init) : tensor<?x37xi8>,"
        " %s, tensor<?x6xi32> -> tensor<?x6xi32>\n"
        "  %%r = tensor.cast %%acc : tensor<?x6xi32> to tensor<5x6xi32>\n"
        "  return %%r : tensor<5x6xi32>\n"
        "}\n") % (dense(storage), tensor_type(storage.shape, "i8"), ptype,
                  ptype)
    x = p.constant(q, "i8")
    xd, acc = p.fresh("xd"), p.fresh("acc")
    p.emit("%s = tensor.cast %s : tensor<5x37xi8> to tensor<?x37xi8>" % (xd, x))
    p.emit("%s = call @dynamic_m(%s) : (tensor<?x37xi8>) -> "
           "tensor<5x6xi32>" % (acc, xd))
    p.print_tensor(acc, (5, 6), "i32", matmul(q, w))

    with open(mlir_path, "w") as out:
        out.write(p.module(dynamic))
    write_expected(expected_path, p.expected)


def gen_bitlinear(mlir_path, expected_path):
    """Two BitLinear layers in @main_graph, called from @main: per_token
    quantization, ternary weights (K = 37), per-row weight scale and bias;
    per_tensor `reciprocal` quantization, +-1 weights (K = 64), one weight
    scale, no bias. Outputs: y1, acc1, y2, scale2."""
    rng = np.random.default_rng(58)
    x1 = rng.standard_normal((2, 3, 37)).astype(F32)
    x2 = (rng.standard_normal((4, 64)) * 3).astype(F32)
    w1, w2 = ternary_weights(rng, 6, 37), binary_weights(rng, 5, 64)
    ws1 = rng.uniform(0.01, 0.1, size=(6,)).astype(F32)
    b1 = rng.standard_normal((6,)).astype(F32)
    ws2 = np.array([0.03125], dtype=F32)

    q1, s1 = quantize(x1, True, 127.0, 1e-5, -128, 127)
    acc1 = matmul(q1, w1)
    y1 = rescale(acc1, s1, ws1, b1)
    q2, s2 = quantize(x2, False, 127.0, 1e-5, -127, 127, reciprocal=True)
    acc2 = matmul(q2, w2)
    y2 = rescale(acc2, s2, ws2)

    graph = """
func.func @main_graph(%%x1: tensor<2x3x37xf32>, %%x2: tensor<4x64xf32>)
    -> (tensor<2x3x6xf32>, tensor<2x3x6xi32>, tensor<4x5xf32>, tensor<1x1xf32>) {
  %%w1 = arith.constant %s : tensor<6x37xi8>
  %%ws1 = arith.constant %s : tensor<6xf32>
  %%b1 = arith.constant %s : tensor<6xf32>
  %%q1, %%s1 = bitnet.quantize_activations %%x1 per_token {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
      : tensor<2x3x37xf32> -> tensor<2x3x37xi8>, tensor<2x3x1xf32>
  %%acc1 = bitnet.ternary_matmul %%q1, %%w1 : tensor<2x3x37xi8>, tensor<6x37xi8> -> tensor<2x3x6xi32>
  %%y1 = bitnet.rescale %%acc1, %%s1, %%ws1 bias %%b1 : tensor<2x3x6xi32>,
      tensor<2x3x1xf32>, tensor<6xf32>, tensor<6xf32> -> tensor<2x3x6xf32>
  %%w2 = arith.constant %s : tensor<5x64xi8>
  %%ws2 = arith.constant %s : tensor<1xf32>
  %%q2, %%s2 = bitnet.quantize_activations %%x2 per_tensor {qmax = 127.0 : f32,
      eps = 1.0e-5 : f32, clip_min = -127 : i64, clip_max = 127 : i64, reciprocal}
      : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<1x1xf32>
  %%acc2 = bitnet.ternary_matmul %%q2, %%w2 : tensor<4x64xi8>, tensor<5x64xi8> -> tensor<4x5xi32>
  %%y2 = bitnet.rescale %%acc2, %%s2, %%ws2 : tensor<4x5xi32>, tensor<1x1xf32>,
      tensor<1xf32> -> tensor<4x5xf32>
  return %%y1, %%acc1, %%y2, %%s2 : tensor<2x3x6xf32>, tensor<2x3x6xi32>, tensor<4x5xf32>, tensor<1x1xf32>
}
""" % (dense(w1), dense(ws1), dense(b1), dense(w2), dense(ws2))

    p = Printer()
    a, b = p.constant(x1, "f32"), p.constant(x2, "f32")
    p.emit("%%r:4 = call @main_graph(%s, %s) : (tensor<2x3x37xf32>, "
           "tensor<4x64xf32>) -> (tensor<2x3x6xf32>, tensor<2x3x6xi32>, "
           "tensor<4x5xf32>, tensor<1x1xf32>)" % (a, b))
    p.print_tensor("%r#0", (2, 3, 6), "f32", y1)
    p.print_tensor("%r#1", (2, 3, 6), "i32", acc1)
    p.print_tensor("%r#2", (4, 5), "f32", y2)
    p.print_tensor("%r#3", (1, 1), "f32", s2)
    with open(mlir_path, "w") as out:
        out.write(p.module(graph))
    write_expected(expected_path, p.expected)


GENERATORS = {"matmul": gen_matmul, "bitlinear": gen_bitlinear}

# ---------------------------------------------------------------------------
# Checking mlir-runner output
# ---------------------------------------------------------------------------


def parse_runner_output(text):
    """The data of every printMemref block, as lists of number strings."""
    blocks = re.split(r"Unranked Memref base@ = \S+ rank = \d+ offset = \d+ "
                      r"sizes = \[[^\]]*\] strides = \[[^\]]*\] data =", text)
    return [re.findall(r"[-+]?(?:nan|inf|[0-9.]+(?:e[-+]?[0-9]+)?)", b)
            for b in blocks[1:]]


def check(expected_path, output_path):
    with open(expected_path) as f:
        expected = [line.split() for line in f if line.strip()]
    with open(output_path) as f:
        actual = parse_runner_output(f.read())
    if len(actual) != len(expected):
        print("expected %d printed memrefs, got %d" % (len(expected),
                                                        len(actual)))
        return 1
    failures = 0
    for index, (want, got) in enumerate(zip(expected, actual)):
        element, values = want[0], want[1:]
        if len(values) != len(got):
            print("memref %d: expected %d values, got %d" % (
                index, len(values), len(got)))
            failures += 1
            continue
        for position, (w, g) in enumerate(zip(values, got)):
            if element == "i32":
                ok = int(w) == int(g)
            else:
                # printMemrefF32 prints 6 significant digits.
                ok = ("%g" % F32(float(w))) == ("%g" % float(g))
            if not ok:
                print("memref %d, element %d: expected %s, got %s" % (
                    index, position, w, g))
                failures += 1
    if failures == 0:
        print("bitnet_ref: %d memrefs match" % len(expected))
    return 1 if failures else 0


def main(argv):
    if len(argv) == 5 and argv[1] == "gen":
        GENERATORS[argv[2]](argv[3], argv[4])
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
