//===- BitnetOps.td - bitnet ops ---------------------------*- tablegen -*-===//
#ifndef BITNET_BITNET_OPS
#define BITNET_BITNET_OPS

include "Bitnet/BitnetTypes.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"

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
  let summary = "absmax quantization of float activations to int8 or int16";
  let description = [{
    The elements sharing a scale are: all of them (`per_tensor`), the last
    dimension (`per_token`), or `group_size` consecutive elements of the
    last dimension (`per_group`, K % group_size == 0). With
    m = max(|x|) over those elements:

      scale = qmax / max(m, eps)          (or, with `reciprocal`,
      scale = (1 / max(m, eps)) * qmax     as PyTorch exports `qmax / m`)
      q     = clamp(round_half_even(x * scale), clip_min, clip_max)

    so x ~ q / scale. `scale` has the shape of `x` with the reduced
    dimensions set to 1; for `per_group` its last dimension is
    K / group_size. The arithmetic is in f32 and in this order, so that
    a graph spelling the same formula gets the same integers.

    With `shift` (BitNet's pre-non-linearity variant) the op also returns
    `eta` (the shape of `scale`) = min(x) over the same elements, and
    q = clamp(round_half_even((x - eta) * scale), clip_min, clip_max) with
    the scale still from max(|x|), so x ~ q / scale + eta; the values are
    non-negative and the clip range is typically [0, 127], [0, 128] or
    [0, 255]. With `shifted_absmax` (needs `shift`) m = max(|x - eta|),
    the absmax of the shifted values, instead (BitNet's pre-non-linearity
    quantizer read with gamma taken after the shift); it is computed as
    max(x) - eta, which is the same f32 value (rounding is monotone and
    x - eta >= 0).

    With `divide` the product is formed first and divided once,
    q = clamp(round_half_even(((x - eta) * qmax) / max(m, eps)), ...), as a
    graph spelling `(x - eta) * Q / gamma` computes it (not with
    `reciprocal`); `scale` is still qmax / max(m, eps).

    `quantized` is i8 when [clip_min, clip_max] lies in [-128, 127], else
    i16 (which must then hold it): a range such as [0, 255] or [0, 128]
    stays exact. The matmuls accept both.

    ```mlir
    %q, %s = bitnet.quantize_activations %x per_token {qmax = 127.0 : f32,
        eps = 1.0e-5 : f32, clip_min = -128 : i64, clip_max = 127 : i64}
        : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4x1xf32>
    %q2, %s2, %eta = bitnet.quantize_activations %x per_group {
        group_size = 32 : i64, shift, qmax = 128.0 : f32, eps = 1.0e-5 : f32,
        clip_min = 0 : i64, clip_max = 255 : i64}
        : tensor<4x64xf32> -> tensor<4x64xi16>, tensor<4x2xf32>, tensor<4x2xf32>
    ```
  }];
  let arguments = (ins TensorOf<[F32]>:$input,
                   Bitnet_GranularityAttr:$granularity,
                   F32Attr:$qmax, F32Attr:$eps,
                   Bitnet_I64Attr:$clip_min, Bitnet_I64Attr:$clip_max,
                   UnitAttr:$reciprocal,
                   OptionalAttr<Bitnet_I64Attr>:$group_size,
                   UnitAttr:$shift, UnitAttr:$shifted_absmax,
                   UnitAttr:$divide);
  let results = (outs TensorOf<[I8, I16]>:$quantized, TensorOf<[F32]>:$scale,
                 Optional<TensorOf<[F32]>>:$eta);
  let assemblyFormat = [{
    $input $granularity attr-dict `:` type($input) `->` type($quantized) `,`
    type($scale) (`,` type($eta)^)?
  }];
  let builders = [
    // The form without `eta` (no shift), without groups.
    OpBuilder<(ins "Type":$quantized, "Type":$scale, "Value":$input,
                   "GranularityAttr":$granularity, "FloatAttr":$qmax,
                   "FloatAttr":$eps, "IntegerAttr":$clip_min,
                   "IntegerAttr":$clip_max, "UnitAttr":$reciprocal), [{
      build($_builder, $_state, quantized, scale, /*eta=*/Type(), input,
            granularity, qmax, eps, clip_min, clip_max, reciprocal,
            /*group_size=*/IntegerAttr(), /*shift=*/UnitAttr());
    }]>
  ];
  let hasVerifier = 1;
}

def Bitnet_TernaryMatmulOp : Bitnet_Op<"ternary_matmul", [Pure]> {
  let summary = "activations x unpacked {-1, 0, +1} weights, add-only sums";
  let description = [{
    `weights` is [N, K] with entries in {-1, 0, +1} (i8); `input` is
    [..., K]; the result is [..., N] with
    acc[..., n] = sum_k input[..., k] * weights[n, k].

    Integer input (i8, or i16 for unsigned/wide clip ranges): the sum is
    exact in int32 (the verifier bounds K so it cannot overflow: K < 2^24
    for i8, K <= 2^16 - 1 for i16). Float input (f32, f16; weight-only
    ternary): the result is f32, each term an f32 add or subtract in
    ascending k, so it differs from a float matmul by reassociation only.

    `k_group` > 0 (dividing K) keeps the partial sums of each group of
    k_group consecutive k apart: the result is [..., N, K / k_group] with
    acc[..., n, g] = sum over k in [g * k_group, (g + 1) * k_group), so that
    per-group activation scales and per-block weight scales apply exactly
    (`bitnet.rescale` sums over the groups). 0 means the whole K.

    This is the form recognition produces; bitnet-select-kernels sets
    `kernel`, and bitnet-pack-weights turns it into `bitnet.packed_matmul`
    with the weights in that kernel's layout.
  }];
  let arguments = (ins TensorOf<[I8, I16, F32, F16]>:$input,
                   TensorOf<[I8]>:$weights,
                   DefaultValuedAttr<Bitnet_I64Attr, "0">:$k_group,
                   OptionalAttr<Bitnet_KernelAttr>:$kernel);
  let results = (outs TensorOf<[I32, F32]>:$acc);
  let builders = [
    // Before kernel selection.
    OpBuilder<(ins "Type":$acc, "Value":$input, "Value":$weights,
                   "int64_t":$kGroup), [{
      build($_builder, $_state, acc, input, weights, kGroup,
            /*kernel=*/nullptr);
    }]>
  ];
  let assemblyFormat = [{
    $input `,` $weights attr-dict `:` type($input) `,` type($weights)
    `->` type($acc)
  }];
  let hasVerifier = 1;
}

def Bitnet_PackedMatmulOp : Bitnet_Op<"packed_matmul", [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DeclareOpInterfaceMethods<TilingInterface, [
        "getLoopIteratorTypes", "getIterationDomain",
        "getTiledImplementation", "getResultTilePosition"]>]> {
  let summary = "activations x packed binary/ternary weights, add-only sums";
  let description = [{
    acc[..., n] = sum_k w(n, k) * input[..., k] where w(n, k) in {-1, 0, +1}
    is decoded from the packed bits: each term adds or subtracts an
    activation (or skips it); no multiplication by weights. Input types,
    result types and `k_group` are those of `bitnet.ternary_matmul`.

    Destination style: `init` is the accumulator to write (its contents are
    not read), the result on tensors; on buffers (after bufferization) the
    op writes `init` and has no result. `weights` is a `!bitnet.packed`
    value, or, once kernels are materialized for bufferization, its storage
    bytes (an i8 tensor or memref of the storage shape) with the format in
    `format`. `kernel` is the strategy chosen by `bitnet-select-kernels`;
    its layout must be the weights'.

    The tiling interface tiles the parallel dimensions (the input's leading
    dimensions, N, and the k groups): a tile of N takes the weight rows with
    `bitnet.packed_slice`, so its offset must be a whole number of the
    layout's tiles.

    ```mlir
    %e = tensor.empty() : tensor<4x32xi32>
    %acc = bitnet.packed_matmul %q, %w outs(%e) : tensor<4x64xi8>,
        !bitnet.packed<encoding = ternary2, layout = row_major, rows = 32, cols = 64, group_size = 0>,
        tensor<4x32xi32> -> tensor<4x32xi32>
    ```
  }];
  let arguments = (ins AnyTypeOf<[TensorOf<[I8, I16, F32, F16]>,
                                  MemRefOf<[I8, I16, F32, F16]>]>:$input,
                   AnyTypeOf<[Bitnet_PackedType, TensorOf<[I8]>,
                              MemRefOf<[I8]>]>:$weights,
                   AnyTypeOf<[TensorOf<[I32, F32]>, MemRefOf<[I32, F32]>]>:$init,
                   DefaultValuedAttr<Bitnet_I64Attr, "0">:$k_group,
                   OptionalAttr<Bitnet_KernelAttr>:$kernel,
                   OptionalAttr<TypeAttrOf<Bitnet_PackedType>>:$format);
  let results = (outs Variadic<TensorOf<[I32, F32]>>:$acc);
  let assemblyFormat = [{
    $input `,` $weights `outs` `(` $init `)` attr-dict `:` type($input) `,`
    type($weights) `,` type($init) (`->` type($acc)^)?
  }];
  let builders = [
    // On tensors: the result has the type of `init`.
    OpBuilder<(ins "Value":$input, "Value":$weights, "Value":$init,
                   "int64_t":$kGroup), [{
      build($_builder, $_state, TypeRange{init.getType()}, input, weights,
            init, kGroup, /*kernel=*/nullptr, /*format=*/nullptr);
    }]>
  ];
  let extraClassDeclaration = [{
    MutableOperandRange getDpsInitsMutable() { return getInitMutable(); }
    /// The packing format: the type of `weights`, or `format` for storage.
    PackedType getPackedType();
  }];
  let hasVerifier = 1;
}

def Bitnet_PackedSliceOp : Bitnet_Op<"packed_slice", [Pure]> {
  let summary = "a block of consecutive rows of packed weights";
  let description = [{
    Rows [offset, offset + rows of the result) of `weights`, in the same
    encoding and layout. For `row_interleaved` and `tiled` the offset is a
    multiple of `block_rows`, so the slice is whole tiles of the storage
    (a contiguous range of storage rows). This is how tiling the N
    dimension of `bitnet.packed_matmul` takes its weights.

    ```mlir
    %w2 = bitnet.packed_slice %w [64] : !bitnet.packed<encoding = ternary2, layout = tiled, rows = 256, cols = 64, group_size = 0, block_rows = 64>
        -> !bitnet.packed<encoding = ternary2, layout = tiled, rows = 128, cols = 64, group_size = 0, block_rows = 64>
    ```
  }];
  let arguments = (ins Bitnet_PackedType:$weights, Bitnet_I64Attr:$offset);
  let results = (outs Bitnet_PackedType:$result);
  let assemblyFormat = [{
    $weights ` ` `[` $offset `]` attr-dict `:` type($weights) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Bitnet_RescaleOp : Bitnet_Op<"rescale", [Pure, AttrSizedOperandSegments]> {
  let summary = "int32 sums back to float: acc * weight_scale / act_scale + bias";
  let description = [{
    Ungrouped (`acc` and the output are [..., N]; `act_scale` has their
    rank, its last dimension 1):

      y[..., n] = float(acc[..., n]) * ws[n] / as[...] (+ eta[...] * ws[n] *
                  float(rowsum[n])) (+ bias[n])

    Grouped (`acc` is [..., N, Gk] from a matmul with `k_group`, the output
    [..., N]; `act_scale` is shaped like acc without the N dimension, e.g.
    the [..., Gk] scale of a `per_group` quantizer):

      y[..., n] = sum_g (float(acc[..., n, g]) * ws[n, g] / as[..., g]
                         (+ eta[..., g] * ws[n, g] * float(rowsum[n, g])))
                  (+ bias[n])

    summed in ascending g. `act_scale` is the `scale` of
    `bitnet.quantize_activations` (any dimension may be 1 and broadcasts);
    `weight_scale` ws is [1] or [N], or, grouped, also [N, Gk] (per-block
    scales); `bias` is [1] or [N]. The optional `shift` operands undo the
    pre-non-linearity shift: `eta` is the quantizer's `eta` (shaped like
    `act_scale`), `rowsum` the sums of the ternary weights per row ([N])
    or per row and group ([N, Gk]), i32 or f32, computed at compile time.

    ```mlir
    %y = bitnet.rescale %acc, %s, %ws bias %b : tensor<4x32xi32>, tensor<4x1xf32>,
        tensor<1xf32>, tensor<32xf32> -> tensor<4x32xf32>
    %z = bitnet.rescale %acc2, %s2, %ws2 shift %eta, %rowsum
        : tensor<4x32x2xi32>, tensor<4x2xf32>, tensor<32x2xf32>
          shift(tensor<4x2xf32>, tensor<32x2xi32>) -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins TensorOf<[I32]>:$acc, TensorOf<[F32]>:$act_scale,
                   TensorOf<[F32]>:$weight_scale,
                   Optional<TensorOf<[F32]>>:$eta,
                   Optional<TensorOf<[I32, F32]>>:$rowsum,
                   Optional<TensorOf<[F32]>>:$bias);
  let results = (outs TensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $acc `,` $act_scale `,` $weight_scale
    (`shift` $eta^ `,` $rowsum)? (`bias` $bias^)? attr-dict `:`
    type($acc) `,` type($act_scale) `,` type($weight_scale)
    (`shift` `(` type($eta)^ `,` type($rowsum) `)`)? (`,` type($bias)^)? `->`
    type($output)
  }];
  let builders = [
    // The form without shift.
    OpBuilder<(ins "Type":$output, "Value":$acc, "Value":$act_scale,
                   "Value":$weight_scale, "Value":$bias), [{
      build($_builder, $_state, output, acc, act_scale, weight_scale,
            /*eta=*/Value(), /*rowsum=*/Value(), bias);
    }]>
  ];
  let extraClassDeclaration = [{
    /// Whether acc carries a trailing group dimension.
    /// Whether acc carries a trailing group dimension that the op sums
    /// over: the output has one dimension less than acc.
    bool isGrouped() {
      return cast<ShapedType>(getOutput().getType()).getRank() + 1 ==
             cast<ShapedType>(getAcc().getType()).getRank();
    }
  }];
  let hasVerifier = 1;
}

def Bitnet_WeightRescaleOp : Bitnet_Op<"weight_rescale", [Pure]> {
  let summary = "float sums of a weight-only ternary matmul times the weight scale";
  let description = [{
    The rescale of a layer whose activations stay float (weight-only
    ternary): `acc` is the f32 result of a matmul on float input.
    Ungrouped (`acc` and the output [..., N]; `weight_scale` [1] or [N]):

      y[..., n] = acc[..., n] * ws[n] (+ bias[n])

    Grouped (`acc` [..., N, Gk] from `k_group`, the output [..., N];
    `weight_scale` [1], [N] or [N, Gk], e.g. MatMulNBits block scales):

      y[..., n] = sum_g acc[..., n, g] * ws[n, g] (+ bias[n])

    summed in ascending g; `bias` is [1] or [N].

    ```mlir
    %y = bitnet.weight_rescale %acc, %ws bias %b : tensor<4x32xf32>,
        tensor<32xf32>, tensor<32xf32> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins TensorOf<[F32]>:$acc, TensorOf<[F32]>:$weight_scale,
                   Optional<TensorOf<[F32]>>:$bias);
  let results = (outs TensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $acc `,` $weight_scale (`bias` $bias^)? attr-dict `:`
    type($acc) `,` type($weight_scale) (`,` type($bias)^)? `->`
    type($output)
  }];
  let extraClassDeclaration = [{
    /// Whether acc carries a trailing group dimension.
    /// Whether acc carries a trailing group dimension that the op sums
    /// over: the output has one dimension less than acc.
    bool isGrouped() {
      return cast<ShapedType>(getOutput().getType()).getRank() + 1 ==
             cast<ShapedType>(getAcc().getType()).getRank();
    }
  }];
  let hasVerifier = 1;
}

def Bitnet_LLVMPointer : Type<
    CPred<"::llvm::isa<::mlir::LLVM::LLVMPointerType>($_self)">,
    "LLVM pointer">;

def Bitnet_ParallelOp : Bitnet_Op<"parallel", [RecursiveMemoryEffects]> {
  let summary = "a loop whose iterations run as tasks of the runtime's pool";
  let description = [{
    Runs the body for task = 0 .. `num_tasks` - 1 through the execution
    environment `env` (`bitnet_exec_env.parallel_for`, docs/abi.md): the
    tasks are independent and may run on any thread in any order, so the
    body must write disjoint memory. A null `env` runs them in order on the
    calling thread. The body uses values from above directly; after the
    lowering to LLVM, bitnet-outline-parallel moves it into a function of
    its own and the captured values into an argument struct.

    `bitnet-forall-to-parallel` makes it from an `scf.forall` over buffers;
    the task index is i64 so that the op needs no type conversion on the
    way to LLVM. The body may hold several blocks (the lowering of scf to
    cf happens inside it); each path ends in `bitnet.parallel_yield`.

    ```mlir
    bitnet.parallel %env, %n : !llvm.ptr, i64 {
    ^bb0(%task: i64):
      ...
      bitnet.parallel_yield
    }
    ```
  }];
  let arguments = (ins Bitnet_LLVMPointer:$env, I64:$num_tasks);
  let regions = (region AnyRegion:$body);
  let assemblyFormat = [{
    $env `,` $num_tasks attr-dict `:` type($env) `,` type($num_tasks)
    $body
  }];
  let hasVerifier = 1;
}

def Bitnet_ParallelYieldOp : Bitnet_Op<"parallel_yield", [
    Pure, Terminator, HasParent<"ParallelOp">]> {
  let summary = "ends a task of bitnet.parallel";
  let assemblyFormat = "attr-dict";
}

#endif // BITNET_BITNET_OPS
