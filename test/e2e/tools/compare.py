#!/usr/bin/python3
"""Compare two .npy arrays: ``|A - B| <= atol + rtol * |B|`` element-wise, B being the reference.

Why a tool of its own: every end-to-end test ends in this check, and a failure
must say at once what differs (shape, dtype, worst element, how many) rather
than print a traceback. ``--atol-file`` takes a per-element tolerance array
(reference.py --atol-out) for the BitNet models whose bound depends on the data.

Exit status: 0 when equal within tolerance, 1 on a mismatch (shape or values),
2 on a usage error (unreadable file, bad arguments).
"""

import argparse
import sys

import numpy as np


def compare(a, b, rtol=0.0, atol=0.0, exact=False, equal_nan=False):
    """Return ``(ok, lines)``: whether A matches B, and a report to print."""
    lines = [f"shape A {a.shape} {a.dtype}, B {b.shape} {b.dtype}"]
    if a.shape != b.shape:
        return False, lines + [f"MISMATCH: shapes differ: {a.shape} vs {b.shape}"]
    if a.size == 0:
        return True, lines + ["empty arrays: equal"]
    if exact:
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            lines.append("note: --exact on a float array: values must be == (no tolerance)")
        same = a == b
        if equal_nan and a.dtype.kind in "fc" and b.dtype.kind in "fc":
            same |= np.isnan(a) & np.isnan(b)
        bad = ~same
        if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
            diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
            lines.append(f"max abs error {np.nanmax(diff):.6g}")
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            lines.append(f"MISMATCH: {int(bad.sum())} of {a.size} elements differ; "
                         f"first at {idx}: A={a[idx]!r} B={b[idx]!r}")
            return False, lines
        return True, lines + ["exactly equal"]

    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    diff = np.abs(a64 - b64)
    nonzero = b64 != 0  # relative error is reported where B != 0 only
    rel = np.where(nonzero, diff / np.where(nonzero, np.abs(b64), 1.0), 0.0)
    both_nan = np.isnan(a64) & np.isnan(b64)
    tol = atol + rtol * np.abs(b64)
    bad = ~(diff <= tol)  # NaN differences are bad...
    if equal_nan:
        bad &= ~both_nan  # ...unless both are NaN and --equal-nan
    finite = np.isfinite(diff)
    max_abs = diff[finite].max() if finite.any() else float("nan")
    max_rel = rel[finite].max() if finite.any() else float("nan")
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(finite, diff, -1)), diff.shape))
    lines.append(f"max abs error {max_abs:.6g} at {worst} (A={a64[worst]:.9g} B={b64[worst]:.9g}); "
                 f"max rel error {max_rel:.6g} (where B != 0); max |B| {np.nanmax(np.abs(b64)):.6g}")
    if np.ndim(atol):
        lines.append(f"atol per element: min {np.min(atol):.6g} max {np.max(atol):.6g}; "
                     f"max |A-B|/atol {np.max(diff / np.maximum(atol, 1e-300)):.3g}")
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        tol_at = np.broadcast_to(tol, diff.shape)[idx]
        lines.append(f"MISMATCH: {int(bad.sum())} of {a.size} elements exceed atol + rtol*|B|; "
                     f"first at {idx}: A={a64[idx]:.9g} B={b64[idx]:.9g} |A-B|={diff[idx]:.6g} "
                     f"> {tol_at:.6g}")
        return False, lines
    return True, lines + ["within tolerance"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a", help="array under test (.npy)")
    p.add_argument("b", help="reference array (.npy)")
    p.add_argument("--rtol", type=float, default=1e-5)
    p.add_argument("--atol", type=float, default=1e-6)
    p.add_argument("--atol-file", help="per-element atol (.npy, broadcastable to B); replaces --atol")
    p.add_argument("--atol-scale", type=float, default=1.0,
                   help="multiply the --atol-file values (e.g. 4 with an LSB file: a 4-LSB budget)")
    p.add_argument("--exact", action="store_true", help="require equal values (integer outputs)")
    p.add_argument("--equal-nan", action="store_true", help="NaN in both at the same place is equal")
    args = p.parse_args(argv)
    try:
        a, b = np.load(args.a), np.load(args.b)
        atol = args.atol
        if args.atol_file:
            atol = np.load(args.atol_file).astype(np.float64) * args.atol_scale
            np.broadcast_shapes(atol.shape, b.shape)
    except (OSError, ValueError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    ok, lines = compare(a, b, args.rtol, atol, args.exact, args.equal_nan)
    print(f"compare {args.a} vs {args.b}")
    print("\n".join("  " + line for line in lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
