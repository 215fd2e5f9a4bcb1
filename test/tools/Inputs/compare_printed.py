"""Compare the values bitnet_example printed with a .npy array.

usage: compare_printed.py PRINTED.txt EXPECTED.npy

PRINTED.txt: a header line, one line of space-separated values per row, and
"checksum: S". The values are printed with 6 significant digits, hence the
tolerance. Exit 0 when they match, 1 otherwise.
"""
import sys

import numpy as np


def main():
    lines = open(sys.argv[1]).read().splitlines()
    expected = np.load(sys.argv[2])
    rows = [[float(v) for v in line.split()] for line in lines[1:-1]]
    printed = np.array(rows, dtype=np.float64)
    checksum = float(lines[-1].split(":")[1])
    if printed.shape != expected.shape:
        print(f"shape {printed.shape} != {expected.shape}")
        return 1
    if not np.allclose(printed, expected, rtol=1e-5, atol=1e-7):
        worst = np.abs(printed - expected).max()
        print(f"values differ, max abs error {worst}")
        return 1
    if abs(checksum - expected.astype(np.float64).sum()) > 1e-5:
        print(f"checksum {checksum} != {expected.sum()}")
        return 1
    print(f"match: {expected.size} values, checksum {checksum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
