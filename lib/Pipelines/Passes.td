//===- Passes.td - passes of the lowering pipeline ---------*- tablegen -*-===//
//
// Small module passes that only bitnet-lower-to-llvm needs: they shape the
// entry function's ABI (docs/abi.md) around upstream bufferization and
// func-to-llvm.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_PIPELINES_PASSES
#define BITNET_PIPELINES_PASSES

include "mlir/Pass/PassBase.td"

def BitnetUniqueResultBuffersPass
    : Pass<"bitnet-unique-result-buffers", "ModuleOp"> {
  let summary = "Give every memref a function returns a buffer of its own";
  let description = [{
    Runs after one-shot bufferization and before
    buffer-results-to-out-params: when a `func.return` returns the same
    memref more than once (an ONNX graph whose two outputs are one tensor),
    every repetition is replaced by a fresh `memref.alloc` and a
    `memref.copy`, so that each out-parameter is written. Results that are
    function arguments, globals or views are left alone:
    buffer-results-to-out-params copies those into the out-parameter.

    Before:
    ```mlir
    return %a, %a : memref<4xf32>, memref<4xf32>
    ```
    After:
    ```mlir
    %b = memref.alloc() : memref<4xf32>
    memref.copy %a, %b : memref<4xf32> to memref<4xf32>
    return %a, %b : memref<4xf32>, memref<4xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def BitnetEmitCInterfacePass : Pass<"bitnet-emit-c-interface", "ModuleOp"> {
  let summary = "Request the C interface for the entry function";
  let description = [{
    Sets `llvm.emit_c_interface` on the `func.func` named `entry`, so that
    func-to-llvm emits `_mlir_ciface_<entry>`, taking a pointer to a memref
    descriptor per argument (docs/abi.md). A module without that function is
    left unchanged.
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main_graph\"",
           "name of the function the runtime calls">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
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

#endif // BITNET_PIPELINES_PASSES
