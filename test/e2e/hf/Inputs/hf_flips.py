#!/usr/bin/python3
"""How far two correct float32 implementations of a BitNet checkpoint may differ.

Why: an int8 activation is round(x * s); when x * s lies within float noise
of a tie k + 1/2, two correct float32 implementations (onnxruntime on the
exported graph, the compiled model, the reference) may round it to
neighbouring integers, and that one flip moves every later value. The
tolerances of hf_check.py come from the two numbers this measures on the
test checkpoints (docs/hf-checkpoints.md, "Tolerances"):

* noise: |x*s| of every quantizer input, float32 reference against float64
  (the size of the disagreement float32 implementations can have before
  rounding), in quantization steps, up to the first rounding that differs;
* flip cost: max |delta logits| over the real tokens when one int8 value at
  a random quantizer input, position and channel moves by +-1 (cascades
  included).

    hf_flips.py CKPT [--trials 200] [--seed 0]
"""

import argparse
import sys

import numpy as np
import torch

from hf_reference import Reference, prefill_inputs


def prompts(rng, vocab):
    return [list(rng.integers(3, vocab, 16)), list(rng.integers(3, vocab, 11))]


def noise(ckpt, rng):
    """Max |x*s| difference, in steps, over the quantizer inputs (in execution
    order) up to the first one where a rounding differs: past a flip, the
    differences are the flip's effect, not noise."""
    f32, f64 = Reference(ckpt), Reference(ckpt, torch.float64)
    ids, mask, pos = prefill_inputs(prompts(rng, f32.config["vocab_size"]))
    _, _, a = f32.forward(ids, mask, pos, keep=True)
    _, _, b = f64.forward(ids, mask, pos, keep=True)
    real = torch.from_numpy(mask.astype(bool))
    worst, first_flip = 0.0, None
    for site in a.scaled:
        x, y = a.scaled[site], b.scaled[site]
        worst = max(worst, float((x - y).abs()[real].max()))
        if (x.round() != y.round())[real].any():
            first_flip = site
            break
    return worst, first_flip


def flip_costs(ckpt, rng, trials):
    model = Reference(ckpt)
    layers = model.config["num_hidden_layers"]
    ids, mask, pos = prefill_inputs(prompts(rng, model.config["vocab_size"]))
    base, _, _ = model.forward(ids, mask, pos)
    real = mask.astype(bool)
    width = {"qkv": model.config["hidden_size"], "o": model.config["hidden_size"],
             "mlp": model.config["hidden_size"], "down": model.config["intermediate_size"]}
    costs = []
    for _ in range(trials):
        kind = rng.choice(list(width))
        site = f"{rng.integers(layers)}.{kind}"
        b = int(rng.integers(2))
        s = int(rng.choice(np.flatnonzero(real[b])))
        flip = (site, b, s, int(rng.integers(width[kind])), int(rng.choice([-1, 1])))
        logits, _, _ = model.forward(ids, mask, pos, flips=[flip])
        costs.append(float(np.abs(logits - base)[real].max()))
    return np.array(costs)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ckpt")
    p.add_argument("--trials", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    worst, first_flip = noise(args.ckpt, rng)
    print(f"noise: max |x*s float32 - float64| {worst:.3g} steps"
          + (f" (up to {first_flip}, where a rounding differs)" if first_flip else ""))
    costs = flip_costs(args.ckpt, rng, args.trials)
    q = np.percentile(costs, [50, 90, 99])
    print(f"flip cost over {args.trials} flips: median {q[0]:.3g}, p90 {q[1]:.3g}, "
          f"p99 {q[2]:.3g}, max {costs.max():.3g} (max |logit| "
          f"{np.abs(Reference(args.ckpt).forward(*prefill_inputs([[5, 6]]))[0]).max():.3g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
