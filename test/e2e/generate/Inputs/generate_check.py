#!/usr/bin/python3
"""Check bitnet-generate on a compiled tiny decoder against the reference.

Why: bitnet-generate decodes through the runtime's decoder (its KV cache,
left padding, positions, batching, threads); what it generates and the
logits it saves must be what transformers' code computes for the
checkpoint. One driver runs the scenarios and prints one line each for
FileCheck.

    generate_check.py --ckpt DIR --lib M.so --generate PATH --work DIR [--steps 8]

Scenarios (prompts of 9 and 5 random ids, greedy, --steps new tokens):
  greedy       each prompt alone: the ids equal the reference's greedy ids,
               or first differ where the reference's top-2 gap is a near tie;
               each id is the argmax of the logits saved for its step
  logits       --prompt-logits-out and --logits-out judged against one
               reference forward over the prompt and the generated ids
               (teacher forcing on our ids), with hf_check.py's criterion
  recompute    the whole prefix in one prefill vs the cached decode
  batch        both prompts in one batch (the short one left-padded): the
               same ids and logits as alone
  threads      --threads 1, 2, 3: bit-identical logits files

The criterion is test/e2e/hf/Inputs/hf_check.py's (docs/hf-checkpoints.md,
"Tolerances"): float32 noise (1e-4), or a difference explained by at most 3
int8 roundings the reference saw at near ties, never more than 0.65.
"""

import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "hf", "Inputs"))
from hf_check import ATOL_FLIPS, Judge  # noqa: E402
from hf_reference import Reference, prefill_inputs  # noqa: E402


class Generator:
    """Runs bitnet-generate with --prompt-ids and reads what it wrote."""

    def __init__(self, args):
        self.args, self.runs = args, 0

    def __call__(self, prompts, steps, threads=1, extra=()):
        self.runs += 1
        tag = os.path.join(self.args.work, f"run{self.runs}")
        cmd = [self.args.generate, self.args.lib, "--max-new-tokens", str(steps),
               "--threads", str(threads), "--prompt-logits-out", tag + "-prompt.npy",
               "--logits-out", tag + "-steps.npy", *extra]
        for p in prompts:
            cmd += ["--prompt-ids", ",".join(str(int(t)) for t in p)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
        ids = [[int(t) for t in line.split(",") if t] for line in r.stdout.splitlines()]
        return ids, np.load(tag + "-prompt.npy"), np.load(tag + "-steps.npy"), tag


def reference_greedy(reference, prompt, steps):
    """The reference's own greedy ids (its KV cache) and its logits per step."""
    ids, mask, positions = prefill_inputs([prompt])
    logits, past, _ = reference.forward(ids, mask, positions)
    out, step_logits = [], []
    for t in range(steps):
        step_logits.append(logits[0, -1])
        token = int(logits[0, -1].argmax())
        out.append(token)
        mask = np.concatenate([mask, np.ones((1, 1), np.int64)], axis=1)
        logits, past, _ = reference.forward(np.array([[token]]), mask,
                                            np.array([[len(prompt) + t]]), past)
    return out, step_logits


def check_greedy(name, reference, prompt, ids, prompt_logits, step_logits):
    ok = all(ids[t] == int(step_logits[t].argmax()) for t in range(len(ids)))
    ok &= np.array_equal(step_logits[0], prompt_logits[-1])
    print(f"{name}: each id is the argmax of its saved logits: {'ok' if ok else 'FAIL'}")
    ref_ids, ref_logits = reference_greedy(reference, prompt, len(ids))
    if ref_ids == ids:
        print(f"{name}: greedy ids equal the reference's ({len(ids)} tokens)")
        return ok
    t = next(i for i in range(len(ids)) if ids[i] != ref_ids[i])
    top2 = np.sort(ref_logits[t])[-2:]
    gap = float(top2[1] - top2[0])
    tie = gap <= 2 * ATOL_FLIPS
    print(f"{name}: greedy ids first differ from the reference's at step {t}, where its"
          f" top-2 gap is {gap:.2g}: {'a near tie, ok' if tie else 'FAIL'}")
    return ok and tie


def judge_logits(name, reference, prompt, ids, prompt_logits, step_logits):
    """One reference forward over prompt + ids[:-1] (teacher forcing on our
    ids); our logits for those positions: the prompt's, then each step's."""
    full = list(prompt) + ids[:-1]
    seq_ids, mask, positions = prefill_inputs([full])
    actual = np.concatenate([prompt_logits, step_logits[1:]])[None]
    judge = Judge(reference, seq_ids, mask, positions)
    where = judge.real.copy()
    where[:, len(prompt):] = False
    ok = judge.judge(f"{name}: --prompt-logits-out", actual, where)
    ok &= judge.judge(f"{name}: --logits-out, {len(ids) - 1} decode steps", actual,
                      judge.real & ~where)
    return ok, judge, actual, full


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ckpt", required=True)
    p.add_argument("--lib", required=True)
    p.add_argument("--generate", required=True, help="bitnet-generate")
    p.add_argument("--work", required=True)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    reference = Reference(args.ckpt)
    vocab = reference.config["vocab_size"]
    rng = np.random.default_rng(args.seed)
    prompts = [list(rng.integers(3, vocab, 9)), list(rng.integers(3, vocab, 5))]
    generate = Generator(args)
    ok, alone = True, []
    for name, prompt in zip(("prompt A", "prompt B"), prompts):
        (ids,), prompt_logits, step_logits, _ = generate([prompt], args.steps)
        alone.append((ids, prompt_logits, step_logits))
        ok &= check_greedy(name, reference, prompt, ids, prompt_logits, step_logits)
        judged, judge, cached, full = judge_logits(name, reference, prompt, ids,
                                                   prompt_logits, step_logits)
        ok &= judged
        if name == "prompt A":
            # The whole prefix in one prefill: the cached decode's logits.
            _, whole, _, _ = generate([full], 1)
            ok &= judge.judge(f"{name}: recompute the whole prefix", whole[None])
            direct = float(np.abs(whole - cached[0]).max())
            print(f"{name}: cache vs recompute: max|d| {direct:.2g}"
                  f"{'' if direct <= ATOL_FLIPS else ' FAIL'}")
            ok &= direct <= ATOL_FLIPS

    batch_ids, batch_prompt, batch_steps, tag = generate(prompts, args.steps)
    same_ids = batch_ids == [a[0] for a in alone]
    diff = 0.0
    for b, (ids, prompt_logits, step_logits) in enumerate(alone):
        diff = max(diff, float(np.abs(batch_prompt[b, :len(prompts[b])] - prompt_logits).max()),
                   float(np.abs(batch_steps[b, :len(ids)] - step_logits).max()))
    verdict = "ok" if same_ids and diff <= ATOL_FLIPS else "FAIL"
    print(f"batch of 9 and 5 tokens vs each alone: ids {'equal' if same_ids else 'DIFFER'},"
          f" max|d| {diff:.2g}{' (bit-identical)' if diff == 0 else ''}: {verdict}")
    ok &= verdict == "ok"

    files = [tag]
    for threads in (2, 3):
        files.append(generate(prompts, args.steps, threads=threads)[3])
    same = all(open(f + kind, "rb").read() == open(files[0] + kind, "rb").read()
               for f in files[1:] for kind in ("-prompt.npy", "-steps.npy"))
    print(f"threads 1, 2, 3: {'bit-identical logits' if same else 'logits DIFFER'}")
    ok &= same
    print("all within tolerance" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
