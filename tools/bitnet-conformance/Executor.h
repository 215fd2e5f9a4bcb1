//===- Executor.h - run jobs in forked children with a timeout --*- C++ -*-===//
//
// Each job runs in its own child process (its own process group), so that a
// crash, an abort or a hang in one job only fails that job. At most `jobs`
// children run at once; a child past the timeout is killed with its process
// group (the linker it may have started included).
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_CONFORMANCE_EXECUTOR_H
#define BITNET_CONFORMANCE_EXECUTOR_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace bitnet::conformance {

struct JobOutcome {
  bool passed = false;
  /// The job's own message, or what happened to the child (signal, timeout,
  /// exit without a result) followed by the end of its output.
  std::string message;
  double seconds = 0;
};

struct ExecutorOptions {
  unsigned jobs = 1;
  unsigned timeoutSeconds = 60;
  /// Address-space limit of each child in MiB (0: none), so that a runaway
  /// allocation fails that test instead of exhausting the machine.
  unsigned memoryLimitMiB = 0;
  /// Where the children's result and output files go.
  std::string workDir;
};

/// Runs `job(index, message)` for index in [0, count) in forked children and
/// returns the outcomes in index order. `job` runs in the child with stdout
/// and stderr redirected to a log file; it returns whether the job passed and
/// sets `message` (the failure's diagnostic). Returns early, with the jobs not
/// run marked as failed, when SIGINT or SIGTERM arrives.
std::vector<JobOutcome>
runJobsIsolated(size_t count, const ExecutorOptions &options,
                llvm::function_ref<bool(size_t index, std::string &message)> job);

} // namespace bitnet::conformance

#endif // BITNET_CONFORMANCE_EXECUTOR_H
