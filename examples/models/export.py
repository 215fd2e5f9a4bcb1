#!/usr/bin/python3
"""Export the BitNet reference modules to ONNX, plus a sidecar ``.npz``.

Why: the compiler's importer and BitLinear raising are tested on graphs as a
training run would export them, so the export keeps the weight quantization
arithmetic in the graph (``do_constant_folding=False``; see docs/models.md for
what torch 1.13 folds otherwise). The sidecar ``FILE.npz`` holds the float
weights (state-dict names, the same names the ONNX initializers carry), the
input ``x`` the export used and the PyTorch output ``y_torch`` so that tests
can run without torch.

Example::

    /usr/bin/python3 examples/models/export.py --model mlp --out examples/bitnet_mlp.onnx \\
        --save-input examples/bitnet_mlp.input.npy
"""

import argparse
import os
import sys
import warnings

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bitnet_layers import BitLinear158, BitLinearW1, BitLinearW1Shift, BitMLP  # noqa: E402

MODELS = ("mlp", "bitlinear158", "bitlinear_w1", "bitlinear_w1_shift")


def build_model(args):
    """Construct the module with deterministic weights (``torch.manual_seed``)."""
    torch.manual_seed(args.seed)
    use_ste = not args.no_ste
    if args.model == "mlp":
        return BitMLP(args.in_features, args.hidden, args.out_features, use_ste=use_ste)
    if args.model == "bitlinear158":
        return BitLinear158(args.in_features, args.out_features, bias=args.bias,
                            subln=args.subln, use_ste=use_ste,
                            act_group_size=args.act_group_size)
    if args.model == "bitlinear_w1":
        if args.subln:
            raise SystemExit("export.py: --subln applies to bitlinear158 only")
        return BitLinearW1(args.in_features, args.out_features, bias=args.bias, use_ste=use_ste)
    if args.model == "bitlinear_w1_shift":
        return BitLinearW1Shift(args.in_features, args.out_features, bias=args.bias,
                                use_ste=use_ste, gamma_from=args.gamma_from,
                                eta_correction=args.eta_correction, clip_lo=args.clip_lo,
                                clip_hi=args.clip_hi, rounding=args.rounding.replace("-", "_"),
                                per_token=args.per_token)
    raise SystemExit(f"export.py: unknown model {args.model!r}")


def make_input(args):
    """The export input: ``--input`` if given, else seeded standard normal."""
    shape = (args.batch, args.seq, args.in_features) if args.seq else (args.batch, args.in_features)
    if args.input:
        x = np.load(args.input).astype(np.float32)
        if x.shape != shape:
            raise SystemExit(f"export.py: --input has shape {x.shape}, expected {shape}")
        return torch.from_numpy(x)
    seed = args.seed + 1 if args.input_seed is None else args.input_seed
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


def export(model, x, args):
    """Run ``torch.onnx.export`` with the project's conventions (names x/y, static shapes)."""
    # Known, harmless torch 1.13 export chatter: scalar torch.tensor constants
    # (the W1 Sign values) and prim::Constant shape inference.
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
    dynamic_axes = {"x": {0: "batch"}, "y": {0: "batch"}} if args.dynamic_batch else None
    torch.onnx.export(
        model, (x,), args.out,
        input_names=["x"], output_names=["y"],
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
    p.add_argument("--model", required=True, choices=MODELS)
    p.add_argument("--out", required=True, help="output FILE.onnx; FILE.npz is written beside it")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--seq", type=int, default=0,
                   help="if > 0, input is [batch, seq, in] instead of [batch, in]")
    p.add_argument("--in-features", type=int, default=64)
    p.add_argument("--out-features", type=int, default=32)
    p.add_argument("--hidden", type=int, default=128, help="mlp only")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--input-seed", type=int, default=None,
                   help="seed of the random input (default: --seed + 1)")
    p.add_argument("--bias", action=argparse.BooleanOptionalAction, default=True,
                   help="single layers only (the mlp has a fixed bias pattern)")
    p.add_argument("--subln", action="store_true", help="bitlinear158: RMSNorm before quantization")
    p.add_argument("--no-ste", action="store_true", help="drop the straight-through estimator adds")
    p.add_argument("--act-group-size", type=int, default=0,
                   help="bitlinear158: one activation scale per group of G features (0: per token)")
    shift = p.add_argument_group("bitlinear_w1_shift (the pre-non-linearity quantizer)")
    shift.add_argument("--gamma-from", choices=("x", "shifted"), default="x",
                       help="gamma = max|x| or max|x - eta|")
    shift.add_argument("--eta-correction", choices=("after", "before", "none"), default="after",
                       help="undo the shift after the MatMul (+ eta beta rowsum), before it "
                            "(x~ gamma / Qb + eta), or not")
    shift.add_argument("--clip-lo", type=float, default=None, help="default eps (1e-5)")
    shift.add_argument("--clip-hi", type=float, default=None, help="default Qb - eps")
    shift.add_argument("--rounding", choices=("none", "after-clip", "before-clip"),
                       default="none", help="the paper does not round")
    shift.add_argument("--per-token", action="store_true", help="eta and gamma per token")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--dynamic-batch", action="store_true", help="make dim 0 of x and y symbolic")
    p.add_argument("--constant-folding", action="store_true",
                   help="let torch fold weight-only subgraphs (off: keep the training form)")
    p.add_argument("--input", help="use this .npy as the input instead of a seeded random one")
    p.add_argument("--save-input", help="also write the input to this .npy")
    args = p.parse_args(argv)

    model = build_model(args).eval()
    x = make_input(args)
    with torch.no_grad():
        y = model(x)
    export(model, x, args)

    npz = os.path.splitext(args.out)[0] + ".npz"
    arrays = {name: t.detach().numpy() for name, t in model.state_dict().items()}
    arrays["x"] = x.numpy()
    arrays["y_torch"] = y.numpy()
    np.savez(npz, **arrays)
    if args.save_input:
        np.save(args.save_input, x.numpy())
    size = os.path.getsize(args.out)
    print(f"wrote {args.out} ({size} bytes), {npz}; x {tuple(x.shape)} -> y {tuple(y.shape)}")


if __name__ == "__main__":
    main()
