//===- Passes.td - kernel selection and lowering -----------*- tablegen -*-===//
#ifndef BITNET_KERNELS_PASSES
#define BITNET_KERNELS_PASSES

include "mlir/Pass/PassBase.td"

def BitnetSelectKernelsPass : Pass<"bitnet-select-kernels", "func::FuncOp"> {
  let summary = "Choose the kernel strategy of every BitNet matmul";
  let description = [{
    Stamps `kernel = #bitnet.kernel<...>` on each `bitnet.ternary_matmul`
    and `bitnet.packed_matmul` that has none: the first strategy of
    lib/Kernels/Strategies.def that accepts the matmul on the module's
    `bitnet.target` (docs/architecture.md), `reference` when none does or
    no target is set. `kernel=NAME` asks for one strategy everywhere it can
    run (others still get `reference`): each kept strategy stays
    selectable, and so testable, by this flag (`bitnet-compile --kernel`).
    A `layout` other than `auto` admits only strategies that stream it (or
    accept any, as the reference does).
    The encoding the strategy is told is the one bitnet-pack-weights will
    pick with the same `encoding` option.

    ```mlir
    %acc = bitnet.ternary_matmul %q, %w : ...
    // becomes, on an x86-64 target with AVX2:
    %acc = bitnet.ternary_matmul %q, %w {kernel = #bitnet.kernel<name = "x86", layout = tiled, lanes = 16>} : ...
    ```
  }];
  let options = [
    Option<"kernel", "kernel", "std::string", "\"auto\"",
           "auto, or the name of a kernel strategy to use where it can run">,
    Option<"encoding", "encoding", "std::string", "\"auto\"",
           "the encoding bitnet-pack-weights will use (auto, binary1, "
           "ternary2, ternary_base3)">,
    Option<"layout", "layout", "std::string", "\"auto\"",
           "auto, or the only packed layout kernels may stream (row_major, "
           "row_interleaved, tiled): others fall back to the reference">
  ];
  let dependentDialects = ["::mlir::bitnet::BitnetDialect"];
}

def BitnetLowerKernelsPass : Pass<"bitnet-lower-kernels", "func::FuncOp"> {
  let summary = "Lower BitNet matmuls with their kernel strategies";
  let description = [{
    Applies the lowering patterns of every kernel strategy whose phase is
    `phase`: `tensors` (before bufferization; the weights are storage
    tensors, see bitnet-materialize-packed-storage) or `buffers` (after
    it). A matmul without a kernel is lowered by `reference` in the tensor
    phase. A matmul left over in its strategy's phase is an error.
  }];
  let options = [
    Option<"phase", "phase", "std::string", "\"tensors\"",
           "tensors or buffers">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // BITNET_KERNELS_PASSES
