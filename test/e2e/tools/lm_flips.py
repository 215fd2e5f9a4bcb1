#!/usr/bin/python3
"""How much one int8 rounding flip moves the BitNet LM's logits, and how often flips happen.

Why: two correct float32 implementations of the LM (the compiler, ONNX Runtime,
PyTorch) compute the inputs of every activation quantizer with different
rounding errors. Where ``x * s`` lies within that error of a tie (k + 1/2),
one rounds up and the other down: the int8 activation differs by one, and
every later layer sees it. That is the only way the implementations can
legitimately differ by more than float noise, so the test tolerance is
"float noise + a few flips"; this script measures both parts (docs/models.md,
"The LM"):

* ``flip``: in PyTorch, change one int8 activation by +-1 at a random quantizer
  input, token and channel, rerun, and record ``max |delta logits|`` (the
  change includes whatever later roundings it cascades into). Quantizers that
  share an input (q/k/v; gate/up) flip together, as they do in the exported
  graph, which computes that quantization once.
* ``rate``: run the float32 model and the same model in float64 on random
  sequences; a sequence whose logits differ by more than ``--noise`` had at
  least one flip. float32 vs float64 errs about as much as float32 vs float32.

Needs torch (examples/models). Example::

    lm_flips.py --ffn relu2 --seq 64 --flips 400 --sequences 200
"""

import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "examples", "models"))
from bitnet_layers import B158_ACT_QMAX, EPS  # noqa: E402
from bitnet_lm import BitNetLMConfig, bit_linears, build_lm  # noqa: E402


def quantizer_groups(model):
    """Lists of BitLinear modules that quantize the same tensor (one rounding site each)."""
    groups = []
    for layer in model.layers:
        attn, ffn = layer.attn, layer.ffn
        groups.append([attn.q_proj, attn.k_proj, attn.v_proj])
        groups.append([attn.o_proj])
        groups.append([ffn.up_proj] + ([ffn.gate_proj] if hasattr(ffn, "gate_proj") else []))
        groups.append([ffn.down_proj])
    return groups


class Flip:
    """Replaces quantize_activation of a group's modules: int8 value at (token, channel) moves by delta."""

    def __init__(self, modules, token, channel, delta):
        self.modules, self.token, self.channel, self.delta = modules, token, channel, delta

    def quantize(self, x):
        s = B158_ACT_QMAX / x.abs().max(dim=-1, keepdim=True).values.clamp(min=EPS)
        q = (x * s).round().clamp(-128, 127)
        q[0, self.token, self.channel] = (q[0, self.token, self.channel] + self.delta).clamp(-128, 127)
        return q / s

    def __enter__(self):
        for m in self.modules:
            m.quantize_activation = self.quantize
        return self

    def __exit__(self, *exc):
        for m in self.modules:
            del m.quantize_activation  # back to the class's staticmethod


@torch.no_grad()
def flip_study(model, seq, flips, rng):
    """``max |delta logits|`` of `flips` random single flips on one random sequence each."""
    vocab = model.cfg.vocab_size
    groups = quantizer_groups(model)
    effects = []
    for _ in range(flips):
        ids = torch.from_numpy(rng.integers(0, vocab, (1, seq)))
        clean = model(ids)
        group = groups[rng.integers(len(groups))]
        width = group[0].in_features
        token, channel = int(rng.integers(seq)), int(rng.integers(width))
        with Flip(group, token, channel, int(rng.choice([-1, 1]))):
            flipped = model(ids)
        effects.append(float((flipped - clean).abs().max()))
    return np.array(effects)


@torch.no_grad()
def rate_study(model, seq, sequences, noise, rng):
    """Fraction of random sequences where float32 and float64 logits differ by more than `noise`."""
    model64 = build_lm(model.cfg, seed=0)
    model64.load_state_dict(model.state_dict())
    model64 = model64.double()
    diffs = []
    for _ in range(sequences):
        ids = torch.from_numpy(rng.integers(0, model.cfg.vocab_size, (1, seq)))
        diffs.append(float((model(ids).double() - model64(ids)).abs().max()))
    diffs = np.array(diffs)
    return diffs, float((diffs > noise).mean())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ffn", choices=("relu2", "swiglu"), default="relu2")
    p.add_argument("--seed", type=int, default=0, help="weight seed (the export's --seed)")
    p.add_argument("--seq", type=int, nargs="+", default=[16, 64])
    p.add_argument("--flips", type=int, default=300, help="single flips per sequence length")
    p.add_argument("--sequences", type=int, default=100, help="sequences per length for the rate")
    p.add_argument("--noise", type=float, default=1e-4, help="float-noise threshold of the rate study")
    p.add_argument("--study-seed", type=int, default=12345)
    args = p.parse_args(argv)

    model = build_lm(BitNetLMConfig(ffn_kind=args.ffn), args.seed)
    print(f"model: ffn {args.ffn}, {len(bit_linears(model))} BitLinears, "
          f"{len(quantizer_groups(model))} activation quantizers")
    rng = np.random.default_rng(args.study_seed)
    for seq in args.seq:
        effects = flip_study(model, seq, args.flips, rng)
        q = np.quantile(effects, [0.5, 0.9, 0.99])
        print(f"S={seq:3d} one flip, max|dlogits| over {args.flips}: median {q[0]:.3g} p90 {q[1]:.3g} "
              f"p99 {q[2]:.3g} max {effects.max():.3g}")
        diffs, rate = rate_study(model, seq, args.sequences, args.noise, rng)
        flipped = diffs[diffs > args.noise]
        print(f"S={seq:3d} f32 vs f64 over {args.sequences} sequences: {rate:.1%} with a flip "
              f"(> {args.noise:g}); max|dlogits| without {diffs[diffs <= args.noise].max(initial=0):.3g}, "
              f"with {flipped.max(initial=0):.3g}")


if __name__ == "__main__":
    main()
