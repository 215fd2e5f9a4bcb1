#!/usr/bin/python3
"""Export a small model with dynamic batch and sequence dimensions.

``x`` is float32 [batch, seq, 16] and ``mask`` float32 [batch, seq] (the two
share both dim_params). The graph runs examples/models' BitMLP on every
token, adds a positional table of 8 rows gathered by position
(``arange(seq)``: an index out of range for seq > 8), then two-head
attention over the sequence (Reshape [b, s, 2, 8], Transpose, MatMul,
Softmax with the mask) and a Reshape through [b * s, 16] back to
[b, s, 16]: the expand of two dynamic dimensions from one.

    make_model.py OUT.onnx
"""

import os
import sys
import warnings

import torch
import torch.nn as nn

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
sys.path.insert(0, os.path.join(root, "examples", "models"))
from bitnet_layers import BitMLP  # noqa: E402

D, HEADS, TABLE_ROWS = 16, 2, 8


class DynamicModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = BitMLP(D, 32, D)
        self.gathered_table = nn.Parameter(0.1 * torch.randn(TABLE_ROWS, D))

    def forward(self, x, mask):
        b, s = x.shape[0], x.shape[1]
        h = self.mlp(x) + self.gathered_table[torch.arange(s)]
        q = h.reshape(b, s, HEADS, D // HEADS).transpose(1, 2)  # [b, 2, s, 8]
        scores = q @ q.transpose(-1, -2) / (D // HEADS) ** 0.5
        scores = scores + mask[:, None, None, :]
        attended = torch.softmax(scores, dim=-1) @ q  # [b, 2, s, 8]
        y = attended.transpose(1, 2).reshape(b * s, D)
        return y.reshape(b, s, D), scores.sum(dim=1)


def main():
    torch.manual_seed(0)
    warnings.filterwarnings("ignore")
    model = DynamicModel().eval()
    x = torch.randn(2, 3, D)
    mask = torch.zeros(2, 3)
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        model, (x, mask), sys.argv[1],
        input_names=["x", "mask"], output_names=["y", "scores"],
        opset_version=17, do_constant_folding=False,
        dynamic_axes={"x": axes, "mask": axes, "y": axes,
                      "scores": {0: "batch", 1: "seq", 2: "seq"}})


if __name__ == "__main__":
    main()
