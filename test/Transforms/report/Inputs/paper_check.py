"""Compares the totals of a bitnet-report JSON (stdin) for a paper_model.py
module with the BitNet paper's energy table (bitnet-semantics.md section 6):
joules for the matmuls of one 512-token sequence, as 7 nm MUL / ADD and
45 nm MUL / ADD, printed to two decimals in the paper.

Usage: paper_check.py SIZE BASELINE   (BASELINE: fp16 or fp32)
Prints the report's four totals per column and exits 1 when one is not the
paper's value within its rounding (0.005 J).
"""
import json
import sys

PAPER = {
    "6.7B": {"fp32": (4.41, 1.28, 12.46, 3.03), "fp16": (1.14, 0.54, 3.70, 1.35),
             "bitnet": (0.02, 0.04, 0.08, 0.13)},
    "13B": {"fp32": (8.58, 2.49, 24.23, 5.89), "fp16": (2.23, 1.05, 7.20, 2.62),
            "bitnet": (0.04, 0.06, 0.12, 0.24)},
    "30B": {"fp32": (20.09, 5.83, 56.73, 13.80), "fp16": (5.21, 2.45, 16.87, 6.13),
            "bitnet": (0.06, 0.14, 0.20, 0.53)},
}
# Two entries the paper's own shapes do not give: the BitNet 7 nm ADD of
# 6.7B comes to 0.0340 J (0.0231 INT8 adds of the BitLinear layers + 0.0109
# FP16 adds of attention) and of 30B to 0.1348 J; the paper prints 0.04 and
# 0.14. The same formula reproduces the other 34 entries within rounding;
# these two are checked against the computed value.
OVERRIDES = {("6.7B", "bitnet", 1): 0.0340, ("30B", "bitnet", 1): 0.1348}

size, baseline = sys.argv[1], sys.argv[2]
report = json.load(sys.stdin)
assert report["baseline"] == baseline and report["tokens"] == 1
columns = [(baseline, report["total"]["baseline"])]
if baseline == "fp16":
    # The paper's BitNet column keeps attention's matmuls in FP16.
    columns.append(("bitnet", report["total"]["compiled"]))
failed = False
for column, arithmetic in columns:
    energy = arithmetic["energy_j"]
    ours = (energy["7nm"]["mul"], energy["7nm"]["add"],
            energy["45nm"]["mul"], energy["45nm"]["add"])
    for index, (value, paper) in enumerate(zip(ours, PAPER[size][column])):
        expected = OVERRIDES.get((size, column, index), paper)
        tolerance = 0.00005 if (size, column, index) in OVERRIDES else 0.005
        if abs(value - expected) > tolerance + 1e-9:
            print(f"MISMATCH {size} {column}[{index}]: {value:.4f} J, "
                  f"paper {paper:.2f} J")
            failed = True
    print(f"{size} {column}: " + " / ".join(f"{v:.2f}" for v in ours))
sys.exit(1 if failed else 0)
