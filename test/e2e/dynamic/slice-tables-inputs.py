#!/usr/bin/python3
"""Inputs for slice-tables-model.py's model: DIR/x_B_S.npy (standard normal,
float32 [B, S, 8]) for each B_S given, e.g. ``slice-tables-inputs.py DIR 1_1``."""

import os
import sys

import numpy as np


def main():
    out = sys.argv[1]
    for spec in sys.argv[2:]:
        b, s = (int(v) for v in spec.split("_"))
        rng = np.random.default_rng(b * 100 + s)
        np.save(os.path.join(out, f"x_{spec}.npy"),
                rng.standard_normal((b, s, 8)).astype(np.float32))


if __name__ == "__main__":
    main()
