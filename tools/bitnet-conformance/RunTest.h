//===- RunTest.h - compile, run and check one node test ---------*- C++ -*-===//
#ifndef BITNET_CONFORMANCE_RUNTEST_H
#define BITNET_CONFORMANCE_RUNTEST_H

#include "Compare.h"
#include "Suite.h"
#include "mlir/IR/MLIRContext.h"
#include <string>

namespace bitnet::conformance {

/// Compiles the test's model.onnx through the driver library (the
/// bitnet-compile pipeline) to `<workDir>/<test>.so`, loads it with the
/// runtime, and runs every test_data_set_* directory, comparing each
/// output_N.pb. Returns whether all matched; otherwise `message` says what
/// failed: the compiler's diagnostics, a malformed test directory, a runtime
/// error or the first mismatch.
bool runNodeTest(mlir::MLIRContext &context, const NodeTest &test,
                 llvm::StringRef workDir, const Tolerance &tolerance,
                 std::string &message);

} // namespace bitnet::conformance

#endif // BITNET_CONFORMANCE_RUNTEST_H
