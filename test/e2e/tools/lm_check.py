#!/usr/bin/python3
"""Run a compiled LM and onnxruntime at several input shapes and compare the logits.

Why: a model exported with dynamic batch/sequence is compiled once and must
match onnxruntime (the same .onnx file) and PyTorch at every length; one
driver keeps the lit test short and prints one line per shape with the
measured differences (docs/models.md, "The LM").

    lm_check.py --lib lm.so --onnx lm.onnx --tokens DIR --shapes 1x1 3x37 \\
        --bitnet-run PATH --ort-run "node ort_run.js --modules DIR" --atol 0.32 [--work DIR]

DIR holds ids_BxS.npy and torch_BxS.npy (export_lm.py --tokens DIR --shapes ...).
For each shape: |compiler - ORT| and |compiler - PyTorch| <= atol element-wise,
and the next token agrees wherever the reference's top-2 gap exceeds 2 * atol.
Exit status 1 if any shape fails (all shapes are still run and reported).
"""

import argparse
import os
import shlex
import subprocess
import sys

import numpy as np


def parse_shape(text):
    b, s = (int(v) for v in text.lower().split("x"))
    return b, s


def run(cmd):
    """Run `cmd`; return its combined output, raising with it on failure."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def check(a, ref, atol, min_gap):
    """``(ok, max|a - ref|, #next-token disagreements where the gap is clear)``."""
    if a.shape != ref.shape:
        return False, float("inf"), -1
    diff = float(np.abs(a.astype(np.float64) - ref).max()) if a.size else 0.0
    top2 = np.sort(ref, axis=-1)[..., -2:]
    clear = (top2[..., 1] - top2[..., 0]) > min_gap
    bad = int((clear & (a.argmax(-1) != ref.argmax(-1))).sum())
    return diff <= atol and bad == 0, diff, bad


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lib", required=True, help="compiled model (.so)")
    p.add_argument("--onnx", required=True, help="the .onnx file it was compiled from")
    p.add_argument("--tokens", required=True, help="directory of ids_BxS.npy / torch_BxS.npy")
    p.add_argument("--shapes", type=parse_shape, nargs="+", required=True, metavar="BxS")
    p.add_argument("--bitnet-run", required=True, help="path of bitnet-run")
    p.add_argument("--ort-run", required=True, help="ort_run.js command line (split like a shell)")
    p.add_argument("--atol", type=float, required=True)
    p.add_argument("--work", default=None, help="output directory (default: next to --lib)")
    args = p.parse_args(argv)
    work = args.work or os.path.splitext(args.lib)[0] + ".check"
    failed = False
    for b, s in args.shapes:
        tag = f"{b}x{s}"
        ids = os.path.join(args.tokens, f"ids_{tag}.npy")
        out, ort = os.path.join(work, tag, "compiled"), os.path.join(work, tag, "ort")
        try:
            run([args.bitnet_run, args.lib, "--input", f"input_ids={ids}", "--output-dir", out])
            run(shlex.split(args.ort_run) + [args.onnx, "--input", f"input_ids={ids}",
                                             "--output-dir", ort])
        except RuntimeError as e:
            print(f"[{tag}] FAILED to run: {e}")
            failed = True
            continue
        logits = np.load(os.path.join(out, "logits.npy"))
        line = [f"[{tag}] logits {logits.shape}"]
        for name, ref in (("ORT", np.load(os.path.join(ort, "logits.npy"))),
                          ("PyTorch", np.load(os.path.join(args.tokens, f"torch_{tag}.npy")))):
            ok, diff, bad = check(logits, ref, args.atol, 2 * args.atol)
            line.append(f"vs {name}: max|d| {diff:.3g}, next-token mismatches {bad}"
                        + ("" if ok else " FAIL"))
            failed |= not ok
        print("; ".join(line))
    print(f"atol {args.atol:g}: " + ("FAILED" if failed else "all shapes within tolerance"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
