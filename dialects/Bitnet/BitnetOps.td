//===- BitnetOps.td - bitnet ops ---------------------------*- tablegen -*-===//
#ifndef BITNET_BITNET_OPS
#define BITNET_BITNET_OPS

include "Bitnet/BitnetTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Bitnet_PackedConstantOp : Bitnet_Op<"packed_constant",
                                        [ConstantLike, Pure]> {
  let summary = "packed weight bits, laid out as the result type says";
  let description = [{
    `data` is the storage of the result type: an i8 tensor of shape
    [rows, rowBytes]. The verifier checks the shape, that every ternary code
    is valid and that padding bits are zero.

    ```mlir
    %w = bitnet.packed_constant dense<...> : tensor<32x16xi8>
        -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
    ```
  }];
  let arguments = (ins SignlessIntElementsAttr<8>:$data);
  let results = (outs Bitnet_PackedType:$weights);
  let assemblyFormat = [{
    $data attr-dict `->` type($weights)
  }];
  let hasVerifier = 1;
  // ConstantLike ops must fold to their value: the greedy rewrite driver
  // uniques constants by (folded value, type), and m_Constant reads the fold.
  let hasFolder = 1;
}

def Bitnet_QuantizeActivationsOp : Bitnet_Op<"quantize_activations", [Pure]> {
  let summary = "absmax quantization of float activations to int8";
  let description = [{
    With m = max(|x|) over the elements that share a scale (the last
    dimension for `per_token`, everything for `per_tensor`):

      scale = qmax / max(m, eps)          (or, with `reciprocal`,
      scale = (1 / max(m, eps)) * qmax     as PyTorch exports `qmax / m`)
      q     = clamp(round_half_even(x * scale), clip_min, clip_max)

    so x ~ q / scale. `scale` has the shape of `x` with the reduced
    dimensions set to 1. The arithmetic is in f32 and in this order, so that
    a graph spelling the same formula gets the same integers.

    ```mlir
    %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
        eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
        : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x1xf32>
    ```
  }];
  let arguments = (ins TensorOf<[F32]>:$input,
                   Bitnet_GranularityAttr:$granularity,
                   F32Attr:$qmax, F32Attr:$eps,
                   Bitnet_I64Attr:$clip_min, Bitnet_I64Attr:$clip_max,
                   UnitAttr:$reciprocal);
  let results = (outs TensorOf<[I8]>:$quantized, TensorOf<[F32]>:$scale);
  let assemblyFormat = [{
    $input $granularity attr-dict `:` type($input) `->` type($quantized) `,`
    type($scale)
  }];
  let hasVerifier = 1;
}

def Bitnet_TernaryMatmulOp : Bitnet_Op<"ternary_matmul", [Pure]> {
  let summary = "int8 activations x unpacked {-1, 0, +1} weights, int32 sums";
  let description = [{
    `weights` is [N, K] with entries in {-1, 0, +1} (i8); `input` is
    [..., K]; the result is [..., N] with
    acc[..., n] = sum_k input[..., k] * weights[n, k], computed exactly in
    int32. This is the form recognition produces; bitnet-pack-weights turns
    it into `bitnet.packed_matmul`.
  }];
  let arguments = (ins TensorOf<[I8]>:$input, TensorOf<[I8]>:$weights);
  let results = (outs TensorOf<[I32]>:$acc);
  let assemblyFormat = [{
    $input `,` $weights attr-dict `:` type($input) `,` type($weights)
    `->` type($acc)
  }];
  let hasVerifier = 1;
}

def Bitnet_PackedMatmulOp : Bitnet_Op<"packed_matmul", [Pure]> {
  let summary = "int8 x packed binary/ternary weights, int32 sums (add-only)";
  let description = [{
    acc[..., n] = sum_k w(n, k) * input[..., k] where w(n, k) in {-1, 0, +1}
    is decoded from the packed bits: each term adds or subtracts an int8
    activation (or skips it); no multiplication by weights.

    ```mlir
    %acc = bitnet.packed_matmul %q, %w : tensor<4x64xi8>,
        !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>
        -> tensor<4x32xi32>
    ```
  }];
  let arguments = (ins TensorOf<[I8]>:$input, Bitnet_PackedType:$weights);
  let results = (outs TensorOf<[I32]>:$acc);
  let assemblyFormat = [{
    $input `,` $weights attr-dict `:` type($input) `,` type($weights)
    `->` type($acc)
  }];
  let hasVerifier = 1;
}

def Bitnet_RescaleOp : Bitnet_Op<"rescale", [Pure]> {
  let summary = "int32 sums back to float: acc * weight_scale / act_scale + bias";
  let description = [{
    y[..., n] = float(acc[..., n]) * weight_scale[n or 0] / act_scale[...] +
    bias[n]. `act_scale` is the `scale` of `bitnet.quantize_activations`
    (its last dimension is 1; any dimension may be 1 and broadcasts);
    `weight_scale` has 1 or N elements.

    ```mlir
    %y = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>,
        tensor<1xf32>, tensor<32xf32> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins TensorOf<[I32]>:$acc, TensorOf<[F32]>:$act_scale,
                   TensorOf<[F32]>:$weight_scale,
                   Optional<TensorOf<[F32]>>:$bias);
  let results = (outs TensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $acc `,` $act_scale `,` $weight_scale (`bias` $bias^)? attr-dict `:`
    type($acc) `,` type($act_scale) `,` type($weight_scale)
    (`,` type($bias)^)? `->` type($output)
  }];
  let hasVerifier = 1;
}

#endif // BITNET_BITNET_OPS
