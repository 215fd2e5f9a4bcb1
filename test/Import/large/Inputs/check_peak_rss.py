#!/usr/bin/python3
"""Check bitnet-compile --stats output for a bounded peak resident memory.

Reads the report from stdin. The weights' bytes W are the constants after
import; the base is the peak RSS when import finished (the process with its
libraries and the module; zero-copy import touches none of the weights). The
check: peak - base <= FACTOR * W + MARGIN_MIB. Prints the figures either way;
exits 1 when the bound is broken or the report is incomplete.
"""
import argparse
import re
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--factor", type=float, required=True)
    p.add_argument("--margin-mib", type=float, required=True)
    args = p.parse_args()
    text = sys.stdin.read()
    imported = re.search(r"constants after import: +\d+ constants, (\d+) B.*peak RSS so far (\d+) B", text)
    peak = re.search(r"peak resident memory: +(\d+) B", text)
    if not imported or not peak:
        print("check_peak_rss: no --stats report in the input", file=sys.stderr)
        return 1
    weights, base, peak = int(imported.group(1)), int(imported.group(2)), int(peak.group(1))
    bound = args.factor * weights + args.margin_mib * 2**20
    mib = 2.0**20
    print(f"weights {weights / mib:.1f} MiB, base {base / mib:.1f} MiB, peak {peak / mib:.1f} MiB, "
          f"growth {(peak - base) / mib:.1f} MiB, bound {bound / mib:.1f} MiB")
    if peak - base > bound:
        print("check_peak_rss: FAIL: peak resident memory above the bound", file=sys.stderr)
        return 1
    print("check_peak_rss: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
