#!/usr/bin/python3
"""Check that two logits arrays pick the same token wherever the reference's choice is clear.

Why: next-token agreement is what a language model's user sees, and it is a
check independent of the element-wise tolerance. Where the reference's top
two logits are closer than ``--min-gap`` (twice the element-wise tolerance),
implementations that differ within tolerance may legitimately rank them the
other way, so only positions with a larger gap must agree.

    argmax_check.py A.npy B.npy --min-gap G      (B is the reference; last axis = vocabulary)

Exit status: 0 if every clear position agrees, 1 otherwise, 2 on a usage error.
"""

import argparse
import sys

import numpy as np


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a", help="logits under test (.npy)")
    p.add_argument("b", help="reference logits (.npy)")
    p.add_argument("--min-gap", type=float, required=True,
                   help="positions whose reference top-2 gap is at most this are not checked")
    args = p.parse_args(argv)
    try:
        a, b = np.load(args.a), np.load(args.b)
    except (OSError, ValueError) as e:
        print(f"argmax_check.py: {e}", file=sys.stderr)
        return 2
    if a.shape != b.shape or a.ndim < 1 or a.shape[-1] < 2:
        print(f"argmax_check.py: shapes {a.shape} and {b.shape} must be equal, last axis >= 2",
              file=sys.stderr)
        return 2
    top2 = np.sort(b, axis=-1)[..., -2:]
    gap = top2[..., 1] - top2[..., 0]
    agree = a.argmax(-1) == b.argmax(-1)
    clear = gap > args.min_gap
    bad = clear & ~agree
    print(f"argmax {args.a} vs {args.b}: {int(agree.sum())} of {agree.size} positions agree; "
          f"{int(clear.sum())} have a top-2 gap > {args.min_gap:g}, {int(bad.sum())} of those disagree")
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        print(f"MISMATCH at {idx}: A picks {int(a[idx].argmax())}, B picks {int(b[idx].argmax())} "
              f"(gap {float(gap[idx]):.4g})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
