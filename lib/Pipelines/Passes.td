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

def BitnetEntryResultsToOutParamsPass
    : Pass<"bitnet-entry-results-to-out-params", "ModuleOp"> {
  let summary = "Pass the entry function's results through its arguments";
  let description = [{
    Runs after bufferization and bitnet-unique-result-buffers, before buffer
    deallocation. Every result of the function `entry` gets an argument,
    appended in result order (docs/abi.md):

    - a static shape: a caller-allocated `memref` out-parameter. A result
      allocated by `memref.alloc` in the function is replaced by it; any
      other is copied into it. The result goes away.
    - a dynamic shape: an `!llvm.ptr` marked `bitnet.result_descriptor`, and
      the result stays, made a buffer of its own (an argument, a global or a
      view is copied into a new allocation), so that deallocation leaves it
      to the caller. bitnet-results-to-descriptors finishes the job.

    Calls of the entry function inside the module (test harnesses) pass
    fresh buffers for static results; a dynamic result cannot be called for.

    Before:
    ```mlir
    func.func @main_graph(%x: memref<?xf32>) -> (memref<2xf32>, memref<?xf32>) {
      %a = memref.alloc() : memref<2xf32>
      ...
      return %a, %x : memref<2xf32>, memref<?xf32>
    }
    ```
    After:
    ```mlir
    func.func @main_graph(%x: memref<?xf32>, %a: memref<2xf32>,
                          %p: !llvm.ptr {bitnet.result_descriptor})
        -> memref<?xf32> {
      ...
      %b = memref.alloc(%n) : memref<?xf32>
      memref.copy %x, %b : memref<?xf32> to memref<?xf32>
      return %b : memref<?xf32>
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main_graph\"",
           "name of the function the runtime calls">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect"];
}

def BitnetResultsToDescriptorsPass
    : Pass<"bitnet-results-to-descriptors", "ModuleOp"> {
  let summary = "Hand the entry function's dynamic results over through "
                "descriptor pointers";
  let description = [{
    Runs after buffer deallocation (and the lowering of its clones), when
    the memrefs the function `entry` still returns are the dynamically
    shaped results bitnet-entry-results-to-out-params kept, each a buffer
    the function owns. Each is stored as a memref descriptor through the
    next `!llvm.ptr` argument marked `bitnet.result_descriptor`; the
    function then returns nothing and the caller owns the buffers
    (`allocated` comes from `malloc`).

    Before:
    ```mlir
    func.func @main_graph(%n: index, %p: !llvm.ptr {bitnet.result_descriptor})
        -> memref<?xf32> {
      %b = memref.alloc(%n) : memref<?xf32>
      return %b : memref<?xf32>
    }
    ```
    After:
    ```mlir
    func.func @main_graph(%n: index, %p: !llvm.ptr) {
      %b = memref.alloc(%n) : memref<?xf32>
      %d = builtin.unrealized_conversion_cast %b
          : memref<?xf32> to !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
      llvm.store %d, %p : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, !llvm.ptr
      return
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main_graph\"",
           "name of the function the runtime calls">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def BitnetChecksToStatusPass
    : Pass<"bitnet-checks-to-status", "ModuleOp"> {
  let summary = "Turn the entry function's cf.assert checks into a status";
  let description = [{
    The lowering guards what the graph cannot guarantee statically (sizes
    that must agree at run time, indices that must stay in range) with
    `cf.assert`, which would abort the process. In the function `entry`
    (after convert-scf-to-cf: no nested regions), each check becomes a
    branch to an early `return k`, where k (from 1) numbers the distinct
    messages; the function returns `i32` 0 otherwise. The module attribute
    `bitnet.errors` lists the messages (bitnet_model_info.errors).

    Checks that every successful run reaches and that depend only on the
    arguments' sizes and constants (pure ops) move to the start of the
    function first, in order, so that a bad size is reported before
    anything is allocated or computed. A check that stays in place (an
    index read from data) returns without freeing the buffers allocated
    before it. A function without checks is left unchanged.

    Before:
    ```mlir
    func.func @main_graph(%x: memref<?xf32>, %y: memref<?xf32>) {
      %n = memref.dim %x, %c0 : memref<?xf32>
      %m = memref.dim %y, %c0 : memref<?xf32>
      %ok = arith.cmpi eq, %n, %m : index
      cf.assert %ok, "sizes differ"
      return
    }
    ```
    After:
    ```mlir
    func.func @main_graph(%x: memref<?xf32>, %y: memref<?xf32>) -> i32 {
      ...
      cf.cond_br %ok, ^bb1, ^bb2
    ^bb1:
      %c0_i32 = arith.constant 0 : i32
      return %c0_i32 : i32
    ^bb2:
      %c1_i32 = arith.constant 1 : i32
      return %c1_i32 : i32
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main_graph\"",
           "name of the function the runtime calls">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect"];
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
