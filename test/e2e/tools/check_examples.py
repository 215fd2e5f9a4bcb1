#!/usr/bin/python3
"""Cross-check the example models: PyTorch vs ONNX Runtime vs the NumPy reference.

Why: before the compiler is compared with anything, the three oracles must agree
with each other within the tolerances docs/models.md derives; this script is
that agreement, run end to end (export -> ort_run.js -> reference.py ->
compare.py), and prints the measured differences.

    check_examples.py [--modules build/node/node_modules] [--keep DIR]

Needs torch (export), numpy/onnx and node with onnxruntime-node (--modules or
NODE_PATH). Exit status 1 if any comparison fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
PY = sys.executable
EXPORT = os.path.join(ROOT, "examples", "models", "export.py")
BUNDLED = os.path.join(ROOT, "examples", "bitnet_mlp.onnx")
BUNDLED_INPUT = os.path.join(ROOT, "examples", "bitnet_mlp.input.npy")

# (name, export.py flags or None for the bundled model, KIND)
CASES = [
    ("bitlinear158_bias", ["--model", "bitlinear158", "--bias"], "bitlinear158"),
    ("bitlinear158_nobias", ["--model", "bitlinear158", "--no-bias"], "bitlinear158"),
    ("bitlinear158_subln", ["--model", "bitlinear158", "--subln"], "bitlinear158"),
    ("bitlinear_w1_bias", ["--model", "bitlinear_w1", "--bias"], "bitlinear_w1"),
    ("bitlinear_w1_nobias", ["--model", "bitlinear_w1", "--no-bias"], "bitlinear_w1"),
    ("bitnet_mlp", None, "mlp"),
]


def sh(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}")
        raise SystemExit(1)
    return r.stdout


def compare(a, b, atol_file, scale, label):
    """compare.py with a per-element atol file; returns (ok, max |A-B|, max |A-B|/atol)."""
    r = subprocess.run([PY, os.path.join(HERE, "compare.py"), a, b, "--rtol", "0",
                        "--atol-file", atol_file, "--atol-scale", str(scale)],
                       capture_output=True, text=True)
    ya, yb = np.load(a).astype(np.float64), np.load(b).astype(np.float64)
    tol = np.load(atol_file).astype(np.float64) * scale
    diff = np.abs(ya - yb)
    ok = r.returncode == 0
    print(f"  {label:<34} max|d| {diff.max():9.3g}  max|d|/atol {np.max(diff / tol):8.3g}"
          f"  {'ok' if ok else 'FAIL'}")
    if not ok:
        print(r.stdout)
    return ok


def check_case(name, flags, kind, work, modules):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    if flags is None:
        model, x = BUNDLED, BUNDLED_INPUT
        # The bundled model's PyTorch output for the bundled input.
        sh([PY, EXPORT, "--model", "mlp", "--out", os.path.join(d, "m.onnx"),
            "--input", BUNDLED_INPUT])
        y_torch = np.load(os.path.join(d, "m.npz"))["y_torch"]
        with open(BUNDLED, "rb") as f1, open(os.path.join(d, "m.onnx"), "rb") as f2:
            if f1.read() != f2.read():
                print("  note: re-exported model differs from examples/bitnet_mlp.onnx")
    else:
        model = os.path.join(d, "m.onnx")
        sh([PY, EXPORT, "--out", model] + flags)
        z = np.load(os.path.join(d, "m.npz"))
        x = os.path.join(d, "x.npy")
        np.save(x, z["x"])
        y_torch = z["y_torch"]
    np.save(os.path.join(d, "y_torch.npy"), y_torch)
    node = ["node", os.path.join(HERE, "ort_run.js"), model, "--input", f"x={x}",
            "--output-dir", os.path.join(d, "ort")]
    if modules:
        node += ["--modules", modules]
    sh(node)
    ref = [PY, os.path.join(HERE, "reference.py"), "--model", kind, "--onnx", model, "--input", x]
    p = lambda f: os.path.join(d, f)  # noqa: E731
    sh(ref + ["--out", p("ref_clip.npy"), "--atol-out", p("bound_clip.npy"), "--lsb-out", p("lsb.npy")])
    sh(ref + ["--w1-act", "round", "--out", p("ref_round.npy"), "--atol-out", p("bound_round.npy")])
    ort, torch_y = p("ort/y.npy"), p("y_torch.npy")
    print(f"{name} ({kind}), |y| max {np.abs(np.load(ort)).max():.3g}, "
          f"LSB {np.load(p('lsb.npy')).min():.3g}..{np.load(p('lsb.npy')).max():.3g}")
    ok = True
    if kind == "mlp":
        # Several roundings in a row: the per-element bound is guaranteed but loose,
        # so the float-only comparisons use one output LSB; that is safe for the
        # bundled input, whose rounding margins are >= 2.9e-3 (reference.py --margins).
        ok &= compare(ort, torch_y, p("lsb.npy"), 1, "ORT vs torch (1 LSB)")
        ok &= compare(ort, p("ref_clip.npy"), p("lsb.npy"), 1, "ORT vs ref clip (1 LSB)")
        ok &= compare(ort, p("ref_round.npy"), p("bound_round.npy"), 1, "ORT vs ref round (bound)")
    else:
        ok &= compare(ort, torch_y, p("bound_clip.npy"), 2, "ORT vs torch (2x bound)")
        ok &= compare(ort, p("ref_clip.npy"), p("bound_clip.npy"), 1, "ORT vs ref clip (bound)")
        ok &= compare(ort, p("ref_round.npy"), p("bound_round.npy"), 1, "ORT vs ref round (bound)")
    return ok


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", help="node_modules directory holding onnxruntime-node")
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args(argv)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work = args.keep
        ok = all([check_case(*c, work, args.modules) for c in CASES])
    else:
        with tempfile.TemporaryDirectory() as work:
            ok = all([check_case(*c, work, args.modules) for c in CASES])
    print("all comparisons within tolerance" if ok else "SOME COMPARISONS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
