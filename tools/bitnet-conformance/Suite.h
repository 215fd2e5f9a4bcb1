//===- Suite.h - ONNX backend node tests and what is in scope ---*- C++ -*-===//
//
// A node-test directory holds one directory per test: model.onnx and
// test_data_set_*/{input_N.pb,output_N.pb}. A test is in scope when every node
// of its graph is an op of the conformance op list; expected failures come
// from a `test_name  reason` file. docs/conformance.md describes both files.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_CONFORMANCE_SUITE_H
#define BITNET_CONFORMANCE_SUITE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace bitnet::conformance {

struct NodeTest {
  std::string name;
  /// The test's directory (holding model.onnx).
  std::string dir;
  /// Distinct op types of the graph in order of first use; ops of another
  /// domain are spelled `domain:op`.
  std::vector<std::string> ops;
  /// The ops not in the op list (the test is skipped when any).
  std::vector<std::string> opsOutOfScope;
  /// Why the model could not be read (missing or unparsable model.onnx);
  /// such a test is in scope and fails with this message.
  std::string loadError;

  bool inScope() const { return opsOutOfScope.empty(); }
};

/// Reads the op list: op names separated by white space, `#` comments.
llvm::Expected<llvm::StringSet<>> readOpList(llvm::StringRef path);

struct ExpectedFailure {
  std::string reason;
  unsigned line = 0;
};

/// Reads `test_name  reason` lines (`#` comments, blank lines allowed). A
/// line without a reason or a name listed twice is an error.
llvm::Expected<llvm::StringMap<ExpectedFailure>>
readExpectedFailures(llvm::StringRef path);

/// Every test directory under `suiteDir`, sorted by name, with its ops
/// classified against `ops`.
llvm::Expected<std::vector<NodeTest>>
scanSuite(llvm::StringRef suiteDir, const llvm::StringSet<> &ops);

} // namespace bitnet::conformance

#endif // BITNET_CONFORMANCE_SUITE_H
