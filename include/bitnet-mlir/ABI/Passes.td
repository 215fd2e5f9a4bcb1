//===- Passes.td - passes that shape the entry ABI --------*- tablegen -*-===//
//
// Module passes that give the entry function the ABI of docs/abi.md around
// upstream bufferization and func-to-llvm: the execution environment
// argument, out-parameters and descriptors for results, the C interface,
// and checks that become a status.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_ABI_PASSES
#define BITNET_ABI_PASSES

include "mlir/Pass/PassBase.td"

def BitnetAddExecEnvPass : Pass<"bitnet-add-exec-env", "ModuleOp"> {
  let summary = "Give the entry function the runtime's execution environment";
  let description = [{
    Prepends an `!llvm.ptr` argument marked `bitnet.exec_env` to the
    function `entry`: the `const bitnet_exec_env *` that `invoke` receives
    (docs/abi.md). Lowerings that call back into the runtime (parallel
    loops on its thread pool, CPU-feature dispatch of kernels, collectives,
    GPU launches) read it from there. Runs first in the lowering, while the
    arguments are still the graph's inputs; calls of the entry function
    inside the module (test harnesses) pass a null pointer, which runs
    parallel loops serially and kernels on the baseline path. A module
    without that function, or whose entry has the argument already, is left
    unchanged.

    Before:
    ```mlir
    func.func @main_graph(%x: tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    func.func @main_graph(%env: !llvm.ptr {bitnet.exec_env}, %x: tensor<4xf32>)
        -> tensor<4xf32>
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main_graph\"",
           "name of the function the runtime calls">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

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

def BitnetForallToParallelPass
    : Pass<"bitnet-forall-to-parallel", "ModuleOp"> {
  let summary = "Run scf.forall loops over buffers on the runtime's pool";
  let description = [{
    In every function with an execution-environment argument
    (`bitnet.exec_env`), each outermost one-dimensional `scf.forall` without
    shared outputs (after bufferization) becomes a `bitnet.parallel` over
    its iteration count, whose body computes the induction variable from the
    i64 task index. Nested foralls stay inside it (as scf.forall, for
    scf-forall-to-for). Loops in functions without an environment are left
    alone.

    Before:
    ```mlir
    scf.forall (%i) in (%n) {
      func.call @kernel(%i) : (index) -> ()
    }
    ```
    After:
    ```mlir
    %n64 = arith.index_cast %n : index to i64
    bitnet.parallel %env, %n64 : !llvm.ptr, i64 {
    ^bb0(%t: i64):
      %i = arith.index_cast %t : i64 to index
      func.call @kernel(%i) : (index) -> ()
      bitnet.parallel_yield
    }
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bitnet::BitnetDialect"];
}

def BitnetOutlineParallelPass
    : Pass<"bitnet-outline-parallel", "ModuleOp"> {
  let summary = "Move the bodies of bitnet.parallel into task functions";
  let description = [{
    Runs once everything is in the LLVM dialect. The body of each
    `bitnet.parallel` becomes an internal `llvm.func` with the C signature
    of `bitnet_task_fn` (`void (void *args, int64_t task)`); the values it
    used from above are stored in a struct on the caller's stack, passed as
    `args`. The op becomes a call of `env->parallel_for(env->pool,
    num_tasks, task, args)`, or, when `env` is null, a loop calling the
    task function in order.

    Before:
    ```mlir
    bitnet.parallel %env, %n : !llvm.ptr, i64 {
    ^bb0(%t: i64):
      llvm.call @work(%x, %t) : (f32, i64) -> ()
      bitnet.parallel_yield
    }
    ```
    After:
    ```mlir
    llvm.func internal @main_graph_task0(%args: !llvm.ptr, %t: i64) {
      %s = llvm.load %args : !llvm.ptr -> !llvm.struct<(f32)>
      %x = llvm.extractvalue %s[0] : !llvm.struct<(f32)>
      llvm.call @work(%x, %t) : (f32, i64) -> ()
      llvm.return
    }
    // ... store %x into a stack struct %args, then
    llvm.call %parallel_for(%pool, %n, %task_address, %args) : !llvm.ptr, ...
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def BitnetStripTargetPass : Pass<"bitnet-strip-target", "ModuleOp"> {
  let summary = "Drop the module's bitnet.target at the end of the lowering";
  let description = [{
    The last pass of the lowering to LLVM: the LLVM-dialect module goes to
    LLVM's translation and to tools that do not know the bitnet dialect
    (mlir-translate, mlir-runner), and the target has been read by every
    pass that needed it. `bitnet.signature` (a builtin dictionary) stays.
  }];
}

#endif // BITNET_ABI_PASSES
