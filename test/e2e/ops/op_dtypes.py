"""Op x dtype conformance beyond the ONNX backend suite.

For each element type (f32, f16, bf16, i64, i32, i8, u8, bool) one opset-20
model holds one node per listed op that ONNX allows for that type (so few
compiles cover many ops); a last model holds the opset 18-21 forms (Reduce*
axes as an input incl. noop_with_empty_axes, Split num_outputs, Gelu none and
tanh). Each model is compiled with bitnet-compile, run with bitnet-run on
random inputs, and every output is compared with a numpy reference
(ONNX semantics: integer Div truncates, Round is half to even, ...).

Tolerances: integers and bools exact. Floats: the reference is computed in
float64 from the same (already rounded) inputs, then rounded to the output
type; f32 allows rtol 1e-5/atol 1e-6 (libm-level error of the polynomial
math functions), f16 rtol 2e-3 (2 ulps of 2^-11 after f32 compute),
bf16 rtol 1.6e-2 (2 ulps of 2^-8).

Where onnxruntime has kernels for every node of a model (it lacks many
integer ones, and bfloat16 inputs cannot be fed from .npy), the same
outputs are also compared with onnxruntime (optimizations disabled) at
twice the tolerance (it may compute f16 in f16); otherwise the line says
why the model is checked against numpy only.

Usage: op_dtypes.py WORKDIR BITNET_RUN ORT_RUN...  (bitnet-compile from PATH)
"""
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WORK, BITNET_RUN, ORT_RUN = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(WORK, exist_ok=True)
rng = np.random.default_rng(7)

ONNX_TYPE = {"f32": TensorProto.FLOAT, "f16": TensorProto.FLOAT16,
             "bf16": TensorProto.BFLOAT16, "i64": TensorProto.INT64,
             "i32": TensorProto.INT32, "i8": TensorProto.INT8,
             "u8": TensorProto.UINT8, "bool": TensorProto.BOOL}
NP_TYPE = {"f32": np.float32, "f16": np.float16, "bf16": np.float32,
           "i64": np.int64, "i32": np.int32, "i8": np.int8, "u8": np.uint8,
           "bool": np.bool_}
RTOL = {"f32": (1e-5, 1e-6), "f16": (2e-3, 1e-3), "bf16": (1.6e-2, 1e-2)}
FLOATS, INTS = ("f32", "f16", "bf16"), ("i64", "i32", "i8", "u8")


def to_bf16(x):
    """float32 -> the nearest bfloat16 (RNE), as float32 values."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def round_to(dtype, x):
    if dtype == "bf16":
        return to_bf16(np.asarray(x, np.float32))
    return np.asarray(x).astype(NP_TYPE[dtype])


def random(dtype, shape, low, high):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in FLOATS:
        return round_to(dtype, rng.uniform(low, high, shape))
    return rng.integers(max(low, 0) if dtype == "u8" else low, high,
                        shape).astype(NP_TYPE[dtype])


def erf(x):
    return np.vectorize(math.erf)(x)


class Model:
    """One graph: inputs with values, nodes with a numpy reference each."""

    def __init__(self, name, dtype, opset=20):
        self.name, self.dtype, self.opset = name, dtype, opset
        self.inputs, self.values, self.nodes, self.outputs = [], {}, [], []
        self.references = {}

    def input(self, name, dtype, value):
        self.inputs.append(helper.make_tensor_value_info(
            name, ONNX_TYPE[dtype], list(value.shape)))
        self.values[name] = (dtype, value)

    def const(self, name, array, dtype=None):
        """A Constant node; placed before the other nodes by reorder()."""
        array = np.asarray(array)
        if dtype == "bf16":
            tensor = helper.make_tensor(name, TensorProto.BFLOAT16,
                                        array.shape, array.ravel().tolist())
        else:
            tensor = numpy_helper.from_array(array, name)
        self.nodes.append(helper.make_node("Constant", [], [name],
                                           value=tensor))

    def node(self, op, inputs, reference, out_dtype=None, outputs=1, **attrs):
        names = [f"{op}_{len(self.nodes)}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, names,
                                           name=f"n{len(self.nodes)}", **attrs))
        refs = reference if outputs > 1 else [reference]
        for name, ref in zip(names, refs):
            dtype = out_dtype or self.dtype
            ref = np.asarray(ref)
            self.outputs.append(helper.make_tensor_value_info(
                name, ONNX_TYPE[dtype], list(ref.shape)))
            self.references[name] = (dtype, round_to(dtype, ref), op)

    def run(self):
        graph = helper.make_graph(self.nodes, self.name, self.inputs,
                                  self.outputs)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", self.opset)],
            ir_version=9)
        path = os.path.join(WORK, self.name + ".onnx")
        onnx.save(model, path)
        lib = os.path.join(WORK, self.name + ".so")
        subprocess.run(["bitnet-compile", path, "-o", lib], check=True)
        inputs = []
        for name, (dtype, value) in self.values.items():
            file = os.path.join(WORK, f"{self.name}.{name}.npy")
            if dtype == "bf16":  # numpy has no bfloat16: its bit patterns
                value = (np.asarray(value, np.float32).view(np.uint32) >>
                         16).astype(np.uint16)
            np.save(file, value)
            inputs += ["--input", f"{name}={file}"]
        subprocess.run([BITNET_RUN, lib, "--output-dir",
                        os.path.join(WORK, self.name)] + inputs, check=True,
                       stdout=subprocess.DEVNULL)
        ort_dir = os.path.join(WORK, self.name + ".ort")
        ort = None
        if self.dtype == "bf16":
            ort = "no bfloat16 inputs from .npy"
        else:
            ort_args = ORT_RUN + [path, "--output-dir", ort_dir] + inputs
            result = subprocess.run(ort_args, capture_output=True, text=True)
            if result.returncode:
                ort = (result.stderr.strip().splitlines() or ["?"])[-1][:160]
        failures = 0
        for name, (dtype, expected, op) in self.references.items():
            got = np.load(os.path.join(WORK, self.name, name + ".npy"))
            oracles = [("numpy", expected, 1)]
            if ort is None:
                oracles.append(("onnxruntime",
                                np.load(os.path.join(ort_dir, name + ".npy")),
                                2))
            for oracle, want, scale in oracles:
                if got.shape != want.shape:
                    ok = False
                elif dtype in FLOATS:
                    rtol, atol = RTOL[dtype]
                    ok = np.allclose(got.astype(np.float64),
                                     want.astype(np.float64), rtol=rtol * scale,
                                     atol=atol * scale, equal_nan=True)
                else:
                    ok = np.array_equal(got, want)
                if not ok:
                    failures += 1
                    print(f"FAIL {self.name} {op} ({dtype}) vs {oracle}: "
                          f"expected\n{want}\ngot\n{got}")
        print(f"{self.name}: {len(self.references)} outputs, {failures} "
              f"mismatches; onnxruntime: " + (ort or "compared"))
        return failures


def f64(x):
    return np.asarray(x, np.float64)


def elementwise_model(dtype):
    m = Model(f"ops_{dtype}", dtype)
    shape, bshape = (2, 3, 4), (3, 4)
    a = random(dtype, shape, -4, 5)
    b = random(dtype, bshape, -4, 5)
    m.input("a", dtype, a)
    m.input("b", dtype, b)
    numeric, isfloat = dtype != "bool", dtype in FLOATS
    signed = dtype not in ("u8", "bool")
    if numeric:
        # Nonzero divisors (and small exponents for integer Pow).
        d = random(dtype, bshape, 1, 5)
        if signed:
            d = (d * np.where(rng.random(bshape) < 0.5, -1, 1)).astype(d.dtype)
        if dtype == "bf16":
            d = to_bf16(d)
        m.input("d", dtype, d)
        m.node("Add", ["a", "b"], f64(a) + f64(b))
        m.node("Sub", ["a", "b"], f64(a) - f64(b))
        m.node("Mul", ["a", "b"], f64(a) * f64(b))
        m.node("Div", ["a", "d"],
               f64(a) / f64(d) if isfloat else np.trunc(f64(a) / f64(d)))
        m.node("Max", ["a", "b"], np.maximum(a, b))
        m.node("Min", ["a", "b"], np.minimum(a, b))
        m.node("Abs", ["a"], np.abs(f64(a)))
        m.node("Sign", ["a"], np.sign(f64(a)))
        m.node("Clip", ["a", "lo", "hi"], np.clip(a, 1, 3))
        m.const("lo", np.array(1, NP_TYPE[dtype]), dtype)
        m.const("hi", np.array(3, NP_TYPE[dtype]), dtype)
        if dtype != "u8":
            m.node("Neg", ["a"], -f64(a))
        if dtype in ("f32", "f16", "bf16", "i64", "i32", "i8"):
            m.node("Relu", ["a"], np.maximum(f64(a), 0))
        for op, fn in [("Less", np.less), ("Greater", np.greater),
                       ("LessOrEqual", np.less_equal),
                       ("GreaterOrEqual", np.greater_equal)]:
            m.node(op, ["a", "b"], fn(a, b), out_dtype="bool")
        for op, fn, init in [("ReduceSum", np.sum, 0),
                             ("ReduceMax", np.max, None),
                             ("ReduceMin", np.min, None),
                             ("ReduceProd", np.prod, None),
                             ("ReduceMean", np.mean, None)]:
            if op == "ReduceMean" and not isfloat:
                continue
            if dtype in ("i8", "u8") and op not in ("ReduceMax", "ReduceMin"):
                continue  # ONNX allows only Max/Min on 8-bit integers
            source = "d" if op == "ReduceProd" else "a"
            value = {"a": a, "d": d}[source]
            m.node(op, [source, "axes1"],
                   fn(f64(value), axis=-2, keepdims=True)
                   if isfloat or op != "ReduceProd"
                   else np.prod(value.astype(np.int64), axis=-2,
                                keepdims=True), keepdims=1)
        m.const("axes1", np.array([-2], np.int64))
        m.node("ArgMax", ["a"], np.argmax(a, axis=2), out_dtype="i64",
               axis=2, keepdims=0)
        if dtype in ("f32", "f16", "bf16", "i64", "i32"):
            w = random(dtype, (4, 5), -3, 4)
            m.input("w", dtype, w)
            m.node("MatMul", ["a", "w"], f64(a) @ f64(w))
            m.node("CumSum", ["a", "axis"], np.cumsum(f64(a), axis=2))
            if dtype in ("f32", "i64", "i32"):  # Range: no 16-bit floats
                m.node("Range", ["r0", "r1", "r2"], np.arange(1, 9, 3))
                m.const("r0", np.array(1, NP_TYPE[dtype]))
                m.const("r1", np.array(9, NP_TYPE[dtype]))
                m.const("r2", np.array(3, NP_TYPE[dtype]))
            m.const("axis", np.array(2, np.int64))
        if dtype in ("i64", "i32"):
            base = random(dtype, shape, -3, 4)
            e = random(dtype, bshape, 0, 3)
            m.input("pb", dtype, base)
            m.input("pe", dtype, e)
            m.node("Pow", ["pb", "pe"],
                   np.power(base.astype(np.int64), e.astype(np.int64)))
    if isfloat:
        p = round_to(dtype, rng.uniform(0.25, 4, shape))
        m.input("p", dtype, p)
        m.node("Pow", ["p", "b"], np.power(f64(p), f64(b)))
        for op, fn in [("Sqrt", np.sqrt), ("Log", np.log),
                       ("Reciprocal", lambda x: 1 / x)]:
            m.node(op, ["p"], fn(f64(p)))
        for op, fn in [("Exp", np.exp), ("Tanh", np.tanh), ("Erf", erf),
                       ("Sigmoid", lambda x: 1 / (1 + np.exp(-x))),
                       ("Floor", np.floor), ("Ceil", np.ceil),
                       ("Round", np.round)]:
            if op == "Round" and dtype == "bf16":  # bfloat16 from opset 22
                continue
            m.node(op, ["a"], fn(f64(a)))
        if dtype != "bf16":  # Sin/Cos allow no bfloat16
            m.node("Sin", ["a"], np.sin(f64(a)))
            m.node("Cos", ["a"], np.cos(f64(a)))
        m.node("LeakyRelu", ["a"], np.where(f64(a) < 0, 0.1 * f64(a), f64(a)),
               alpha=0.1)
        ex = np.exp(f64(a) - f64(a).max(axis=-1, keepdims=True))
        soft = ex / ex.sum(axis=-1, keepdims=True)
        m.node("Softmax", ["a"], soft, axis=-1)
        m.node("LogSoftmax", ["a"], np.log(soft), axis=-1)
        m.node("Dropout", ["a"], a)  # inference: the identity
        if dtype in ("f32", "f16", "bf16"):
            w = random(dtype, (3, 5), -2, 2)
            m.input("gw", dtype, w)
            m.node("Gemm", ["b", "gw"], 0.5 * f64(b).T @ f64(w), alpha=0.5,
                   transA=1)
            scale = random(dtype, (4,), 0.5, 1.5)
            m.input("ls", dtype, scale)
            mean = f64(a).mean(axis=-1, keepdims=True)
            var = ((f64(a) - mean) ** 2).mean(axis=-1, keepdims=True)
            m.node("LayerNormalization", ["a", "ls"],
                   (f64(a) - mean) / np.sqrt(var + 1e-5) * f64(scale))
        m.node("Gelu", ["a"], 0.5 * f64(a) * (1 + erf(f64(a) / math.sqrt(2))))
        m.node("Gelu", ["a"],
               0.5 * f64(a) * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                           (f64(a) + 0.044715 * f64(a)**3))),
               approximate="tanh")
    m.node("Equal", ["a", "b"], np.equal(a, b), out_dtype="bool")
    if dtype == "bool":
        m.node("Not", ["a"], np.logical_not(a))
        m.node("And", ["a", "b"], np.logical_and(a, b))
        m.node("Or", ["a", "b"], np.logical_or(a, b))
    # Data movement: every type.
    cond = rng.random(shape) < 0.5
    m.input("c", "bool", cond)
    m.node("Where", ["c", "a", "b"], np.where(cond, a, b))
    m.node("Identity", ["a"], a)
    m.node("Transpose", ["a"], a.transpose(2, 0, 1), perm=[2, 0, 1])
    m.node("Flatten", ["a"], a.reshape(2, 12), axis=1)
    m.node("Concat", ["a", "a"], np.concatenate([a, a], axis=1), axis=1)
    m.node("Tile", ["a", "reps"], np.tile(a, (1, 2, 1)))
    m.node("Expand", ["b", "eshape"], np.broadcast_to(b, (2, 3, 4)))
    m.node("Trilu", ["b"], np.triu(b), upper=1)
    m.node("Gather", ["a", "gidx"], np.take(a, [2, 0, -1], axis=2), axis=2)
    gidx2 = rng.integers(0, 3, shape)
    m.input("gi", "i64", gidx2)
    m.node("GatherElements", ["a", "gi"], np.take_along_axis(a, gidx2, axis=1),
           axis=1)
    m.node("Slice", ["a", "s0", "s1", "s2", "s3"], a[:, ::-1, 1:4:2])
    m.node("Reshape", ["a", "rshape"], a.reshape(4, 6))
    m.node("Unsqueeze", ["b", "uaxes"], b.reshape(3, 1, 4))
    m.node("Squeeze", [m.nodes[-1].output[0], "uaxes"], b)
    m.node("CastLike", ["b", "a"], b)
    fill = True if dtype == "bool" else 7
    m.node("ConstantOfShape", ["eshape"], np.full((2, 1, 1), fill),
           value=helper.make_tensor("fill", ONNX_TYPE[dtype], [1], [fill]))
    m.node("Shape", ["a"], np.array(shape, np.int64), out_dtype="i64")
    m.node("Size", ["a"], np.array(24, np.int64), out_dtype="i64")
    for i, t in enumerate(("f32", "i32", "bool", "u8", "f16")):
        ref = a.astype(np.float64) if dtype in FLOATS else a
        if t == "bool":
            ref = np.asarray(a) != 0
        elif t in INTS and dtype in FLOATS:
            ref = np.trunc(f64(a))
        m.node("Cast", ["a"], ref, out_dtype=t, to=ONNX_TYPE[t])
    for name, value in [("reps", [1, 2, 1]), ("eshape", [2, 1, 1]),
                        ("gidx", [2, 0, -1]), ("s0", [-1, 1]), ("s1", [-100, 4]),
                        ("s2", [1, 2]), ("s3", [-1, 2]),
                        ("rshape", [4, -1]), ("uaxes", [1])]:
        m.const(name, np.array(value, np.int64))
    return m


def opset_forms_model():
    """Opset 18-21 forms (float32), opset 21."""
    m = Model("opset21_forms", "f32", opset=21)
    x = random("f32", (2, 3, 5), -2, 2)
    m.input("x", "f32", x)
    m.const("ax", np.array([0, 2], np.int64))
    m.const("none", np.array([], np.int64))
    m.node("ReduceSum", ["x", "ax"], x.astype(np.float64).sum(axis=(0, 2)),
           keepdims=0)
    m.node("ReduceMax", ["x", "none"], x.max(keepdims=True))
    m.node("ReduceMean", ["x", "none"], x, noop_with_empty_axes=1)
    m.node("ReduceMin", ["x"], x.min(keepdims=True))
    m.node("Split", ["x"], np.array_split(x, [2, 4], axis=2) and
           [x[:, :, 0:2], x[:, :, 2:4], x[:, :, 4:5]], outputs=3, axis=2,
           num_outputs=3)
    m.node("Gelu", ["x"], 0.5 * f64(x) * (1 + erf(f64(x) / math.sqrt(2))))
    scale = random("f32", (5,), 0.5, 1.5)
    m.input("scale", "f32", scale)
    mean = f64(x).mean(axis=-1, keepdims=True)
    var = ((f64(x) - mean) ** 2).mean(axis=-1, keepdims=True)
    m.node("LayerNormalization", ["x", "scale"],
           (f64(x) - mean) / np.sqrt(var + 1e-5) * scale, axis=-1)
    return m


def reorder(m):
    """Constants first: they are appended next to the nodes that use them."""
    m.nodes = [n for n in m.nodes if n.op_type == "Constant"] + \
        [n for n in m.nodes if n.op_type != "Constant"]
    return m


failures = 0
for dtype in ("f32", "f16", "bf16", "i64", "i32", "i8", "u8", "bool"):
    failures += reorder(elementwise_model(dtype)).run()
failures += reorder(opset_forms_model()).run()
print("failures:", failures)
sys.exit(1 if failures else 0)
