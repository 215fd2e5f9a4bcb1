//===- Report.h - per-test outcomes, the per-op table, JSON -----*- C++ -*-===//
#ifndef BITNET_CONFORMANCE_REPORT_H
#define BITNET_CONFORMANCE_REPORT_H

#include "Suite.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace bitnet::conformance {

enum class Status {
  Passed,
  Failed,
  /// Failed and listed in the expected failures.
  ExpectedFailure,
  /// Passed although listed in the expected failures: fails the run.
  UnexpectedPass,
  /// Uses an op outside the op list; not run.
  Skipped,
};

struct TestReport {
  const NodeTest *test;
  Status status;
  /// The failure's diagnostic; for an expected failure or pass, the reason
  /// it is listed; for a skipped test, the ops outside scope.
  std::string message;
  std::string expectedFailureReason;
  double seconds = 0;
};

struct Summary {
  unsigned passed = 0, failed = 0, expectedFailures = 0, unexpectedPasses = 0,
           skipped = 0;
  /// Whether the run succeeds: nothing failed or passed unexpectedly.
  bool ok() const { return failed == 0 && unexpectedPasses == 0; }
};

Summary summarize(const std::vector<TestReport> &reports);

/// One row per op of the op list: the in-scope tests using it and how they
/// ended; ops no test uses only when `withUnusedOps` (an unfiltered run shows
/// the ops the suite does not test at all).
void printOpTable(const std::vector<TestReport> &reports,
                  const llvm::StringSet<> &opList, bool withUnusedOps,
                  llvm::raw_ostream &os);

/// Failed and unexpectedly passed tests, each with the first line of its
/// message, or all of it (and expected failures too) when `verbose`.
void printProblems(const std::vector<TestReport> &reports, bool verbose,
                   llvm::raw_ostream &os);

/// The counts, then the closing line `N passed, N failed, N skipped`
/// (failed: unexpected failures and passes; skipped: tests outside scope and
/// expected failures).
void printSummary(const Summary &summary, size_t suiteSize, unsigned jobs,
                  double seconds, llvm::raw_ostream &os);

/// Everything above as JSON (docs/conformance.md has the format).
void writeJson(const std::vector<TestReport> &reports, const Summary &summary,
               llvm::StringRef suiteDir, const llvm::StringSet<> &opList,
               unsigned jobs, double seconds, llvm::raw_ostream &os);

} // namespace bitnet::conformance

#endif // BITNET_CONFORMANCE_REPORT_H
