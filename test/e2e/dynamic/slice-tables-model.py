#!/usr/bin/python3
"""Export a model that cuts constant tables to the sequence length.

``x`` is float32 [batch, seq, 8]. The model applies rotary embeddings with
cos/sin tables of 6 rows cut to ``cos[:seq]`` / ``sin[:seq]`` (rotate-half
form), adds ``pos_emb[:seq]``, and runs single-head attention with a causal
mask cut from a 6x6 table as ``mask[:seq, :seq]``. With dynamic axes the
Slice bounds are computed from Shape/Gather at run time, which libonnx's shape
inference leaves unranked. A sequence longer than 6 makes the cut tables
shorter than the sequence: the Add of ``pos_emb`` must then fail at run time.

    slice-tables-model.py OUT.onnx
"""

import sys
import warnings

import torch
import torch.nn as nn

D, ROWS = 8, 6


class SliceTables(nn.Module):
    def __init__(self):
        super().__init__()
        position = torch.arange(ROWS, dtype=torch.float32)[:, None]
        freq = 1.0 / (100.0 ** (torch.arange(0, D, 2, dtype=torch.float32) / D))
        angles = torch.cat([position * freq, position * freq], dim=-1)
        self.register_buffer("cos_table", angles.cos())
        self.register_buffer("sin_table", angles.sin())
        self.register_buffer("pos_emb", 0.1 * torch.randn(ROWS, D))
        self.register_buffer("causal", torch.tril(torch.ones(ROWS, ROWS)))
        self.proj = nn.Linear(D, D)

    def forward(self, x):
        s = x.shape[1]
        cos, sin = self.cos_table[:s], self.sin_table[:s]
        half = D // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        h = x * cos + rotated * sin + self.pos_emb[:s]
        q = self.proj(h)
        scores = q @ h.transpose(-1, -2) / D ** 0.5
        mask = self.causal[:s, :s]
        scores = scores.masked_fill(mask == 0, float("-inf"))
        return torch.softmax(scores, dim=-1) @ h


def main():
    torch.manual_seed(0)
    warnings.filterwarnings("ignore")
    model = SliceTables().eval()
    x = torch.randn(2, 4, D)
    torch.onnx.export(
        model, (x,), sys.argv[1], input_names=["x"], output_names=["y"],
        opset_version=17, do_constant_folding=False,
        dynamic_axes={"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}})


if __name__ == "__main__":
    main()
