//===- Passes.td - same-dialect passes ---------------------*- tablegen -*-===//
#ifndef BITNET_TRANSFORMS_PASSES
#define BITNET_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def OnnxFoldConstantsPass : Pass<"onnx-fold-constants", "func::FuncOp"> {
  let summary = "Fold exporter noise and weight arithmetic on constants";
  let description = [{
    Evaluates every `onnx` op whose inputs are all constants (Cast, Shape,
    Gather, Unsqueeze, Concat, Reshape, Transpose, elementwise arithmetic,
    reductions, ...) and replaces it by an `onnx.Constant`; removes Identity,
    inference-mode Dropout and no-op Casts; folds Shape of static shapes.
    This turns a training graph's weight quantization (latent weights, STE,
    ReduceMean/Abs/Round/Clip) into the quantized weight constant.

    Before:
    ```mlir
    %w = onnx.Constant {value = dense<[[0.5, -2.0]]> : tensor<1x2xf32>} : tensor<1x2xf32>
    %a = "onnx.Abs"(%w) : (tensor<1x2xf32>) -> tensor<1x2xf32>
    ```
    After:
    ```mlir
    %a = onnx.Constant {value = dense<[[0.5, 2.0]]> : tensor<1x2xf32>} : tensor<1x2xf32>
    ```
    Float arithmetic is evaluated in double and rounded to the element type
    after every op, which gives the correctly rounded float32 result for
    + - * / and sqrt.

    Not folded: an f32 `DequantizeLinear` with `block_size` along K of the
    weight of the MatMul or Gemm it feeds. `convert-onnx-to-bitnet` packs it
    with its per-block scales (or folds it where the layer stays float).
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1 << 26",
           "largest result (in elements) that is folded">
  ];
  let dependentDialects = ["::mlir::onnx_ir::OnnxDialect"];
}

def BitnetPackWeightsPass : Pass<"bitnet-pack-weights", "func::FuncOp"> {
  let summary = "Pack ternary weight constants into 1- or 2-bit words";
  let description = [{
    Replaces `bitnet.ternary_matmul` on a constant i8 weight matrix by a
    `bitnet.packed_constant` and a `bitnet.packed_matmul`. With the default
    encoding `auto`, weights that are all -1/+1 are packed with one bit,
    others with two; `ternary_base3` packs 5 weights per byte. A matmul
    whose `kernel` (bitnet-select-kernels) names a layout is packed in that
    layout; others in `layout`: `row_major`, `row_interleaved` or `tiled`
    with `block-rows` rows per tile (docs/packed-formats.md).

    Before:
    ```mlir
    %w = arith.constant dense<[[1, -1, 0, 1]]> : tensor<1x4xi8>
    %acc = bitnet.ternary_matmul %q, %w : tensor<2x4xi8>, tensor<1x4xi8> -> tensor<2x1xi32>
    ```
    After:
    ```mlir
    %w = bitnet.packed_constant dense<[[0x92]]> : tensor<1x1xi8>
        -> !bitnet.packed<encoding = ternary2, layout = row_major, rows = 1, cols = 4, group_size = 0>
    %acc = bitnet.packed_matmul %q, %w : ... -> tensor<2x1xi32>
    ```
  }];
  let options = [
    Option<"encoding", "encoding", "std::string", "\"auto\"",
           "auto, binary1, ternary2 or ternary_base3">,
    Option<"layout", "layout", "std::string", "\"row_major\"",
           "row_major, row_interleaved or tiled (matmuls without a kernel)">,
    Option<"blockRows", "block-rows", "int64_t", "16",
           "rows per tile of row_interleaved (2 to 256)">
  ];
  let dependentDialects = ["::mlir::bitnet::BitnetDialect",
                           "::mlir::tensor::TensorDialect"];
}

def BitnetMaterializePackedStoragePass
    : Pass<"bitnet-materialize-packed-storage", "func::FuncOp"> {
  let summary = "Turn !bitnet.packed values into their i8 storage tensors";
  let description = [{
    The start of the lowering: `bitnet.packed_constant` becomes an
    `arith.constant` of its storage bytes (in the layout its type records;
    the verifier checked codes and padding), `bitnet.packed_slice` a
    `tensor.extract_slice` of the storage rows of its tiles, and
    `bitnet.packed_matmul` takes the storage tensor with the format in its
    `format` attribute. Afterwards no value has a `!bitnet.packed` type, so
    kernels, bufferization and the rest of the pipeline see plain tensors.

    Before:
    ```mlir
    %w = bitnet.packed_constant dense<...> : tensor<1x1xi8> -> !bitnet.packed<...>
    %acc = bitnet.packed_matmul %q, %w outs(%e) : tensor<2x4xi8>, !bitnet.packed<...>, tensor<2x1xi32> -> tensor<2x1xi32>
    ```
    After:
    ```mlir
    %w = arith.constant dense<...> : tensor<1x1xi8>
    %acc = bitnet.packed_matmul %q, %w outs(%e) {format = !bitnet.packed<...>}
        : tensor<2x4xi8>, tensor<1x1xi8>, tensor<2x1xi32> -> tensor<2x1xi32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def BitnetLegalizeSmallFloatsPass : Pass<"bitnet-legalize-small-floats"> {
  let summary = "Leave no f16/bf16 work for compiler-rt helpers";
  let description = [{
    LLVM turns half and bfloat arithmetic and conversions on CPUs without
    the instructions into calls of `__extendhfsf2`, `__truncsfhf2`,
    `__truncsfbf2` or `__truncdfhf2`, which not every libgcc has (Debian
    12's lacks `__truncsfbf2`): a library referencing them does not load.
    This pass computes f16/bf16 arithmetic and math in f32 (rounding each
    result back, as native half arithmetic rounds), routes f64 conversions
    through f32 (rounded to odd, so that the second rounding stays
    correct), and expands the remaining f32 <-> f16/bf16 conversions into
    integer operations (round to nearest even; subnormals, infinities and
    NaN kept) where the target lacks them. `auto` reads the module's
    `bitnet.target`: f16 conversions are native with F16C on x86-64 and
    always on AArch64; bf16 with AVX512-BF16, or +bf16 on AArch64.

    Before:
    ```mlir
    %y = arith.addf %a, %b : f16
    ```
    After (expand-f16=always):
    ```mlir
    %a32 = ... integer ops on the bits of %a ... : f32
    %b32 = ...
    %s = arith.addf %a32, %b32 : f32
    %y = ... integer rounding of %s ... : f16
    ```
  }];
  let options = [
    Option<"expandF16", "expand-f16", "::mlir::bitnet::ExpansionChoice",
           "::mlir::bitnet::ExpansionChoice::Auto",
           "expand f16 <-> f32 conversions",
           [{::llvm::cl::values(
             clEnumValN(::mlir::bitnet::ExpansionChoice::Auto, "auto",
                        "when the module's target lacks them"),
             clEnumValN(::mlir::bitnet::ExpansionChoice::Always, "always",
                        "always"),
             clEnumValN(::mlir::bitnet::ExpansionChoice::Never, "never",
                        "never"))}]>,
    Option<"expandBF16", "expand-bf16", "::mlir::bitnet::ExpansionChoice",
           "::mlir::bitnet::ExpansionChoice::Auto",
           "expand bf16 <-> f32 conversions",
           [{::llvm::cl::values(
             clEnumValN(::mlir::bitnet::ExpansionChoice::Auto, "auto",
                        "when the module's target lacks them"),
             clEnumValN(::mlir::bitnet::ExpansionChoice::Always, "always",
                        "always"),
             clEnumValN(::mlir::bitnet::ExpansionChoice::Never, "never",
                        "never"))}]>
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def BitnetReportPass : Pass<"bitnet-report", "ModuleOp"> {
  let summary = "Print parameters, bytes, arithmetic counts and energy per layer";
  let description = [{
    An analysis of a bitnet-stage module (after BitLinear recognition and
    weight packing); the IR is not changed. Every matmul-like op is a layer:
    `bitnet.packed_matmul` / `bitnet.ternary_matmul` (a BitLinear, with its
    `bitnet.rescale`) and `onnx.MatMul` / `onnx.Gemm` left on the float path.
    For each it prints the shape (m x n x p), parameters, bytes as FP16 and
    as compiled, and the arithmetic of an FP16 (or FP32) baseline against the
    compiled graph with the BitNet paper's per-operation energies at 45 nm
    and 7 nm; docs/compile.md ("--report") describes the numbers and the
    JSON schema. Dynamic dimensions count as `tokens`.

    ```
    bitnet-opt --bitnet-report='format=json tokens=512' model.mlir -o /dev/null
    ```
  }];
  let options = [
    Option<"format", "format", "std::string", "\"text\"", "text or json">,
    Option<"tokens", "tokens", "int64_t", "1",
           "the size of every dynamic dimension (1: per token)">,
    Option<"baseline", "baseline", "std::string", "\"fp16\"",
           "precision of the float baseline: fp16 or fp32">
  ];
}

def BitnetExpandDynamicGroupsPass
    : Pass<"bitnet-expand-dynamic-groups", "func::FuncOp"> {
  let summary = "Build expand_shape views with several dynamic dimensions "
                "per group from strided metadata";
  let description = [{
    Upstream expand-strided-metadata crashes on a `memref.expand_shape`
    that splits one dimension into several dynamic ones (`[b*s] -> [b, s]`,
    everywhere in a transformer with dynamic batch and sequence). This pass
    rewrites exactly those: the strides of a group follow from the source
    dimension's stride and the output sizes (innermost: the source stride;
    outward: times the next size), and a `memref.reinterpret_cast` of the
    source's base buffer, cast back to the original type, is the view.
    Other expand_shapes are left to expand-strided-metadata.

    Before:
    ```mlir
    %v = memref.expand_shape %m [[0, 1]] output_shape [%b, %s]
        : memref<?xf32> into memref<?x?xf32>
    ```
    After:
    ```mlir
    %base, %offset, %size, %stride = memref.extract_strided_metadata %m ...
    %outer = arith.muli %stride, %s : index
    %r = memref.reinterpret_cast %base to offset: [%offset],
        sizes: [%b, %s], strides: [%outer, %stride] ...
    %v = memref.cast %r : ... to memref<?x?xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def BitnetLowerStridedCopiesPass
    : Pass<"bitnet-lower-strided-copies", "func::FuncOp"> {
  let summary = "Turn memref.copy of non-contiguous buffers into linalg.copy";
  let description = [{
    finalize-memref-to-llvm lowers a `memref.copy` between contiguous
    buffers to `llvm.intr.memcpy`, and any other to a call to `memrefCopy`,
    a function of MLIR's C runner utilities that compiled models must not
    depend on. This pass rewrites the latter kind (a strided view: a slice,
    a transpose) to `linalg.copy`, which becomes loops.

    Before:
    ```mlir
    memref.copy %view, %out : memref<2xf32, strided<[2]>> to memref<2xf32>
    ```
    After:
    ```mlir
    linalg.copy ins(%view : memref<2xf32, strided<[2]>>) outs(%out : memref<2xf32>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // BITNET_TRANSFORMS_PASSES
