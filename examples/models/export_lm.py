#!/usr/bin/python3
"""Export the BitNet b1.58 LM (bitnet_lm.py) to ONNX, static or with dynamic batch/sequence.

Why: the end-to-end tests compile a whole BitNet transformer as a training run
would export it. As in export.py the weight quantization stays in the graph
(``do_constant_folding=False``). The graph has one input ``input_ids``
(int64 ``[B, S]``) and one output ``logits`` (float32 ``[B, S, vocab]``);
``--dynamic`` makes both B and S symbolic (``batch``, ``seq``), otherwise the
export shape (``--batch``, ``--seq``) is baked in.

A sidecar ``FILE.npz`` holds the float weights by state-dict name, the export
input ``input_ids`` and the PyTorch output ``logits_torch``. ``--tokens DIR``
writes seeded inputs ``DIR/ids_BxS.npy`` and their PyTorch logits
``DIR/torch_BxS.npy`` for each ``--shapes BxS`` (tests at other shapes, one
torch start-up for all).

Examples::

    /usr/bin/python3 examples/models/export_lm.py --out examples/bitnet_lm.onnx
    /usr/bin/python3 examples/models/export_lm.py --dynamic --out examples/bitnet_lm_dynamic.onnx
    /usr/bin/python3 examples/models/export_lm.py --tokens DIR --shapes 1x5 3x37
"""

import argparse
import os
import sys
import warnings

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bitnet_lm import FFN_KINDS, POSITION_KINDS, BitNetLMConfig, build_lm  # noqa: E402


def make_tokens(shape, vocab, seed):
    """Seeded uniform token ids, int64."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, shape, generator=gen, dtype=torch.int64)


def parse_shape(text):
    try:
        b, s = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected BxS (e.g. 3x37), got {text!r}")
    if b < 1 or s < 1:
        raise argparse.ArgumentTypeError(f"batch and sequence must be >= 1, got {text!r}")
    return b, s


def export(model, ids, args):
    """``torch.onnx.export`` with the names input_ids/logits; checks the result."""
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    dynamic_axes = None
    if args.dynamic:
        dynamic_axes = {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    torch.onnx.export(
        model, (ids,), args.out,
        input_names=["input_ids"], output_names=["logits"],
        opset_version=args.opset,
        do_constant_folding=args.constant_folding,
        dynamic_axes=dynamic_axes,
        export_params=True,
    )
    proto = onnx.load(args.out)
    onnx.checker.check_model(proto)
    return proto


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="output FILE.onnx; FILE.npz is written beside it")
    p.add_argument("--ffn", choices=FFN_KINDS, default="relu2")
    p.add_argument("--positions", choices=POSITION_KINDS, default="gather",
                   help="rotary table / causal mask indexing (bitnet_lm.py)")
    p.add_argument("--ffn-dim", type=int, default=None, help="default: 256 (relu2), 172 (swiglu)")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--max-positions", type=int, default=64)
    p.add_argument("--batch", type=int, default=1, help="export batch")
    p.add_argument("--seq", type=int, default=16, help="export sequence length")
    p.add_argument("--dynamic", action="store_true", help="symbolic batch and seq axes")
    p.add_argument("--seed", type=int, default=0, help="weight seed")
    p.add_argument("--input-seed", type=int, default=None, help="export input seed (default --seed + 1)")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--constant-folding", action="store_true",
                   help="let torch fold weight-only subgraphs (off: keep the training form)")
    p.add_argument("--save-input", help="also write the export input_ids to this .npy")
    p.add_argument("--tokens", metavar="DIR",
                   help="write DIR/ids_BxS.npy (seeded input_ids) and DIR/torch_BxS.npy "
                        "(PyTorch logits) for each of --shapes")
    p.add_argument("--shapes", type=parse_shape, nargs="+", default=[], metavar="BxS")
    p.add_argument("--tokens-seed", type=int, default=None,
                   help="seed of every --tokens input (default: 1000 * B + S)")
    args = p.parse_args(argv)
    if not args.out and not args.tokens:
        p.error("nothing to do: give --out and/or --tokens")
    if bool(args.tokens) != bool(args.shapes):
        p.error("--tokens DIR and --shapes BxS ... go together")

    cfg = BitNetLMConfig(vocab_size=args.vocab, d_model=args.d_model, n_heads=args.heads,
                         n_layers=args.layers, ffn_kind=args.ffn, ffn_dim=args.ffn_dim,
                         max_positions=args.max_positions, positions=args.positions)
    for b, s in [(args.batch, args.seq)] + args.shapes:
        if s > cfg.max_positions:
            p.error(f"sequence length {s} exceeds --max-positions {cfg.max_positions}")
    model = build_lm(cfg, args.seed)

    if args.tokens:
        os.makedirs(args.tokens, exist_ok=True)
        for b, s in args.shapes:
            seed = args.tokens_seed if args.tokens_seed is not None else 1000 * b + s
            ids = make_tokens((b, s), cfg.vocab_size, seed)
            np.save(os.path.join(args.tokens, f"ids_{b}x{s}.npy"), ids.numpy())
            with torch.no_grad():
                np.save(os.path.join(args.tokens, f"torch_{b}x{s}.npy"), model(ids).numpy())
    if not args.out:
        return

    ids = make_tokens((args.batch, args.seq), cfg.vocab_size,
                      args.seed + 1 if args.input_seed is None else args.input_seed)
    with torch.no_grad():
        logits = model(ids)
    export(model, ids, args)
    npz = os.path.splitext(args.out)[0] + ".npz"
    arrays = {name: t.detach().numpy() for name, t in model.state_dict().items()}
    arrays["input_ids"] = ids.numpy()
    arrays["logits_torch"] = logits.numpy()
    np.savez(npz, **arrays)
    if args.save_input:
        np.save(args.save_input, ids.numpy())
    size = os.path.getsize(args.out)
    print(f"wrote {args.out} ({size} bytes), {npz}; input_ids {tuple(ids.shape)} -> "
          f"logits {tuple(logits.shape)}")


if __name__ == "__main__":
    main()
