#!/usr/bin/python3
"""Re-derive bitnet-generate's sampled ids from the logits it saved.

Why: the sampler's documented algorithm (docs/generate.md, "The sampler")
is the contract; this is a second implementation of it, written from the
document, that must pick exactly the ids the tool printed, given the logits
it saw (--logits-out) and its options. Same IEEE double arithmetic in the
same order, and the C library's exp (math.exp), so the comparison is exact.

    sampler_ref.py LOGITS.npy IDS.txt --temperature T [--top-k K] [--top-p P] [--seed S]

LOGITS.npy: [steps, vocab] (one prompt) or [batch, steps, vocab]; IDS.txt:
the tool's output, one comma-separated line per prompt.
"""

import argparse
import math
import sys

import numpy as np

MASK = (1 << 64) - 1
STREAM_STRIDE = 0x632BE59BD9B4E019


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return x, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256:
    def __init__(self, seed, stream):
        x = (seed + stream * STREAM_STRIDE) & MASK
        self.s = []
        for _ in range(4):
            x, value = splitmix64(x)
            self.s.append(value)

    def uniform(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return (result >> 11) * 2.0 ** -53


def sample(logits, temperature, top_k, top_p, rng):
    vocab = len(logits)
    if 0 < top_k < vocab or top_p < 1:
        # Best first: the larger logit, then the lower id (a stable sort).
        order = np.argsort(-logits, kind="stable")
        if 0 < top_k < vocab:
            order = order[:top_k]
    else:
        order = np.arange(vocab)
    z = [float(logits[i]) / temperature for i in order]
    max_z = max(z)
    weights = [math.exp(v - max_z) for v in z]
    total = 0.0
    for w in weights:
        total += w
    n = len(order)
    if top_p < 1:
        mass, kept, i = 0.0, 0.0, 0
        while i < n:
            mass += weights[i] / total
            kept += weights[i]
            i += 1
            if mass >= top_p:
                break
        n, total = i, kept
    target = rng.uniform() * total
    running = 0.0
    for i in range(n):
        running += weights[i]
        if running > target:
            return int(order[i])
    return int(order[n - 1])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("logits")
    p.add_argument("ids")
    p.add_argument("--temperature", type=float, required=True)
    p.add_argument("--top-k", type=int, default=0)
    p.add_argument("--top-p", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    logits = np.load(args.logits)
    if logits.ndim == 2:
        logits = logits[None]
    with open(args.ids) as f:
        printed = [[int(t) for t in line.split(",") if t.strip()] for line in f]
    total = same = 0
    for b, ids in enumerate(printed):
        rng = Xoshiro256(args.seed, b)
        for t, token in enumerate(ids):
            total += 1
            same += sample(logits[b, t], args.temperature, args.top_k, args.top_p, rng) == token
    print(f"reproduced {same} of {total} sampled ids")
    return 0 if same == total else 1


if __name__ == "__main__":
    sys.exit(main())
