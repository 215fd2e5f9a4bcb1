// RUN: bitnet-opt %s -split-input-file --bitnet-emit-c-interface | FileCheck %s
// RUN: bitnet-opt %s -split-input-file --bitnet-emit-c-interface=entry=other | FileCheck %s --check-prefix=OTHER

// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @other
// CHECK-NOT: llvm.emit_c_interface
// OTHER-LABEL: func.func @main_graph
// OTHER-NOT: llvm.emit_c_interface
// OTHER-LABEL: func.func @other
// OTHER-SAME: attributes {llvm.emit_c_interface}
func.func @main_graph(%x: memref<4xf32>) {
  return
}
func.func @other() {
  return
}

// -----

// No entry function: nothing changes.
// CHECK-LABEL: func.func @not_the_entry
// CHECK-NOT: llvm.emit_c_interface
func.func @not_the_entry() {
  return
}
