//===- CompileReport.h - --time-passes, --stats, --progress -----*- C++ -*-===//
//
// What bitnet-compile reports about a compilation on stderr, apart from
// diagnostics: the time tree (--time-passes, MLIR's timing manager), a
// progress line for long steps (--progress, or a terminal), and the
// statistics (--stats): constants and their bytes at each stage, bytes
// freed, peak resident memory, total time. docs/compile.md shows the format.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_DRIVER_COMPILEREPORT_H
#define BITNET_LIB_DRIVER_COMPILEREPORT_H

#include "mlir/IR/Operation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Mutex.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <string>
#include <vector>

namespace mlir::bitnet {

/// MLIR's timing manager, which also shows which step is running as one
/// line on stderr, rewritten in place (`\r`), when `progress` is on. Phases
/// and passes are the timers: what --time-passes reports is what the
/// progress line shows. With timing off (no --time-passes), timers still
/// run for the progress line but nothing is printed at the end.
class ProgressTimingManager : public DefaultTimingManager {
public:
  ProgressTimingManager(bool progress, llvm::raw_ostream &os);
  ~ProgressTimingManager() override;

  /// Erases the progress line (before diagnostics or reports are printed).
  void clearProgress();

protected:
  void startTimer(void *handle) override;
  void *nestTimer(void *handle, const void *id,
                  function_ref<std::string()> nameBuilder) override;
  void hideTimer(void *handle) override;

private:
  bool progress;
  llvm::raw_ostream &os;
  std::chrono::steady_clock::time_point start;
  llvm::sys::SmartMutex<true> mutex;
  /// The path of names from the root ("Raise / OnnxFoldConstantsPass").
  llvm::DenseMap<void *, std::string> paths;
  llvm::DenseMap<void *, void *> parents;
  bool lineShown = false;
};

/// One row of the --stats report: constants of a stage.
struct ConstantCount {
  uint64_t count = 0;
  uint64_t bytes = 0;
  /// Of which in dense_resource blobs (mapped files, taken-over buffers).
  uint64_t resourceBytes = 0;
  /// Peak resident set size of the process when the stage was reached.
  uint64_t peakResidentBytes = 0;
};

/// Counts the constant data under `root`: ElementsAttr values of
/// constant-like ops and initial values of memref/LLVM globals.
ConstantCount countConstants(Operation *root);

/// After each pass: the ops and constants of what it ran on, and the peak
/// RSS so far (MLIR's own pass statistics are compiled out of release LLVM
/// builds, so these are what --stats shows per pass).
struct PassRecord {
  std::string name;
  /// `func.func @main_graph` or `builtin.module`.
  std::string target;
  uint64_t ops = 0;
  ConstantCount constants;
};

/// The --stats report, filled in as compilation goes.
struct CompileStatistics {
  std::vector<std::pair<std::string, ConstantCount>> stages;
  std::vector<PassRecord> passes;
  llvm::sys::SmartMutex<true> mutex;

  /// Records `pass` having run on `op`, in the order runs end (thread-safe:
  /// nested pipelines run functions in parallel).
  void addPass(llvm::StringRef pass, Operation *op);

  void addStage(llvm::StringRef name, Operation *root) {
    stages.emplace_back(name.str(), countConstants(root));
  }
  /// Prints the report, with the peak resident set size from getrusage and
  /// `totalSeconds`.
  void print(llvm::raw_ostream &os, double totalSeconds) const;
};

/// Adds an instrumentation to `pm` that records every pass in `stats`.
void addPassRecording(mlir::PassManager &pm, CompileStatistics &stats);

/// Peak resident set size of the process in bytes (getrusage), 0 if unknown.
uint64_t getPeakResidentBytes();

/// Adds an instrumentation to `pm` that records every pass in `stats`.
void addPassRecording(mlir::PassManager &pm, CompileStatistics &stats);

} // namespace mlir::bitnet

#endif // BITNET_LIB_DRIVER_COMPILEREPORT_H
