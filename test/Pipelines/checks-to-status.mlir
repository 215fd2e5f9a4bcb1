// RUN: bitnet-opt %s -split-input-file --bitnet-checks-to-status | FileCheck %s

// A size check reached on every run moves to the start, before the
// allocation; a data check stays where it is. Each becomes a branch to
// `return <k>`; the function returns i32 0 otherwise and the module lists the
// messages.
// CHECK: module attributes {bitnet.errors = ["sizes differ", "bad value"]}
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>) -> i32
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[N:.*]] = memref.dim %[[X]], %[[C0]]
// CHECK-NEXT: %[[M:.*]] = memref.dim %[[Y]], %[[C0]]
// CHECK-NEXT: %[[EQ:.*]] = arith.cmpi eq, %[[N]], %[[M]]
// CHECK-NEXT: cf.cond_br %[[EQ]], ^[[OK:.*]], ^[[FAIL1:.*]]
// CHECK: ^[[FAIL1]]:
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT: return %[[ONE]] : i32
// CHECK: ^[[OK]]:
// CHECK: memref.alloc
// CHECK: %[[V:.*]] = memref.load
// CHECK: cf.cond_br %{{.*}}, ^[[OK2:.*]], ^[[FAIL2:.*]]
// CHECK: ^[[FAIL2]]:
// CHECK-NEXT: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK-NEXT: return %[[TWO]] : i32
// CHECK: ^[[OK2]]:
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[ZERO]] : i32
// CHECK-NOT: cf.assert
func.func @main_graph(%x: memref<?xf32>, %y: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %buffer = memref.alloc() : memref<4xf32>
  %n = memref.dim %x, %c0 : memref<?xf32>
  %m = memref.dim %y, %c0 : memref<?xf32>
  %same = arith.cmpi eq, %n, %m : index
  cf.assert %same, "sizes differ"
  %v = memref.load %x[%c0] : memref<?xf32>
  %positive = arith.cmpf oge, %v, %zero : f32
  cf.assert %positive, "bad value"
  memref.dealloc %buffer : memref<4xf32>
  return
}

// -----

// No checks: the function is left alone (no status, no error table).
// CHECK-NOT: bitnet.errors
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: memref<4xf32>) {
func.func @main_graph(%x: memref<4xf32>) {
  return
}

// -----

// Only the entry function's checks become a status.
// CHECK-LABEL: func.func @helper(
// CHECK: cf.assert
func.func @helper(%b: i1) {
  cf.assert %b, "kept"
  return
}
