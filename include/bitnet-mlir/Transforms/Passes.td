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
