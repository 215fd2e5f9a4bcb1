#!/usr/bin/python3
"""Inputs for make_model.py's model: DIR/x_B_S.npy (standard normal) and
DIR/mask_B_S.npy (0, with -1e4 on the last position when S > 1), for each
B_S given, e.g. ``make_inputs.py DIR 1_1 2_3``."""

import os
import sys

import numpy as np


def main():
    out = sys.argv[1]
    for spec in sys.argv[2:]:
        b, s = (int(v) for v in spec.split("_"))
        rng = np.random.default_rng(b * 100 + s)
        np.save(os.path.join(out, f"x_{spec}.npy"),
                rng.standard_normal((b, s, 16)).astype(np.float32))
        mask = np.zeros((b, s), np.float32)
        if s > 1:
            mask[:, -1] = -1e4
        np.save(os.path.join(out, f"mask_{spec}.npy"), mask)


if __name__ == "__main__":
    main()
