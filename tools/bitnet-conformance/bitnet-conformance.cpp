//===- bitnet-conformance.cpp - the ONNX backend node tests, compiled -----===//
//
// Runs the ONNX backend node tests (Debian's libonnx-testdata) whose ops are
// all in the conformance op list through the compiler and the runtime, and
// prints a per-op table and `N passed, N failed, N skipped`. Each test runs
// in a forked child (see Executor.h); the MLIR context with every dialect
// loaded is made once, before forking. docs/conformance.md is the manual.
//
//===----------------------------------------------------------------------===//
#include "Executor.h"
#include "Report.h"
#include "RunTest.h"
#include "Suite.h"

#include "bitnet-mlir/Registration/Registration.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

using namespace llvm;
using namespace bitnet::conformance;

static cl::OptionCategory category("bitnet-conformance options");

static cl::opt<std::string>
    suiteDir(cl::Positional, cl::init("/usr/share/libonnx-testdata/data/node"),
             cl::desc("[node-test directory]"), cl::cat(category));
static cl::opt<std::string>
    opListPath("ops", cl::init(BITNET_CONFORMANCE_DIR "/ops.txt"),
               cl::value_desc("file"), cl::cat(category),
               cl::desc("ops in scope: a test runs when all its nodes are "
                        "among them"));
static cl::opt<std::string> expectedFailuresPath(
    "expected-failures", cl::init(BITNET_CONFORMANCE_DIR "/expected-failures.txt"),
    cl::value_desc("file"), cl::cat(category),
    cl::desc("`test_name  reason` lines: tests that must fail (empty: none)"));
static cl::opt<std::string>
    filter("filter", cl::value_desc("regex"), cl::cat(category),
           cl::desc("only the tests whose name matches (a search, not a "
                    "full match)"));
static cl::opt<unsigned>
    jobs("j", cl::desc("tests run in parallel (default: the number of CPUs)"),
         cl::init(0), cl::value_desc("N"), cl::Prefix, cl::cat(category));
static cl::opt<unsigned> timeoutSeconds(
    "timeout", cl::init(60), cl::value_desc("seconds"), cl::cat(category),
    cl::desc("a test running longer fails (compile and all data sets)"));
static cl::opt<unsigned> memoryLimit(
    "memory-limit", cl::init(4096), cl::value_desc("MiB"), cl::cat(category),
    cl::desc("address-space limit of each test's process (0: none)"));
static cl::opt<std::string>
    jsonPath("json", cl::value_desc("file"), cl::cat(category),
             cl::desc("also write every result as JSON"));
static cl::opt<bool>
    verbose("verbose", cl::cat(category),
            cl::desc("print each failure's full diagnostic, expected "
                     "failures included"));
static cl::opt<std::string> workDirOption(
    "work-dir", cl::value_desc("dir"), cl::cat(category),
    cl::desc("keep the compiled models and per-test logs here (default: a "
             "temporary directory, removed at the end)"));

// Test hooks for the runner's own lit test (test/conformance): make the child
// of a matching test crash or hang, as a compiler bug would.
static cl::opt<std::string> crashIn(
    "debug-crash-in", cl::Hidden, cl::value_desc("regex"),
    cl::desc("the child of each matching test raises SIGSEGV (tests the "
             "runner)"));
static cl::opt<std::string> hangIn(
    "debug-hang-in", cl::Hidden, cl::value_desc("regex"),
    cl::desc("the child of each matching test never ends (tests the "
             "runner)"));

static int fail(const Twine &message) {
  WithColor::error(errs(), "bitnet-conformance") << message << "\n";
  return 1;
}

/// The outcome of each test, run or skipped, from the children's results.
static std::vector<TestReport>
makeReports(const std::vector<const NodeTest *> &selected,
            const std::vector<JobOutcome> &outcomes,
            const std::vector<size_t> &jobOf,
            const StringMap<ExpectedFailure> &expectedFailures) {
  std::vector<TestReport> reports;
  for (auto [i, test] : llvm::enumerate(selected)) {
    TestReport report{test, Status::Skipped, "", "", 0};
    if (!test->inScope()) {
      report.message = "ops outside scope: " + join(test->opsOutOfScope, ", ");
      reports.push_back(std::move(report));
      continue;
    }
    const JobOutcome &outcome = outcomes[jobOf[i]];
    report.message = outcome.message;
    report.seconds = outcome.seconds;
    auto expected = expectedFailures.find(test->name);
    bool listed = expected != expectedFailures.end();
    if (listed)
      report.expectedFailureReason = expected->second.reason;
    report.status = outcome.passed ? (listed ? Status::UnexpectedPass
                                             : Status::Passed)
                                   : (listed ? Status::ExpectedFailure
                                             : Status::Failed);
    reports.push_back(std::move(report));
  }
  return reports;
}

/// Entries of the expected failures that name no test of the suite, or a
/// test outside scope: the list must only hold tests that run and fail.
static bool checkStaleEntries(const StringMap<ExpectedFailure> &expected,
                              const std::vector<NodeTest> &tests) {
  StringMap<const NodeTest *> byName;
  for (const NodeTest &test : tests)
    byName[test.name] = &test;
  // In file order, not the map's.
  std::vector<const StringMapEntry<ExpectedFailure> *> entries;
  for (const auto &entry : expected)
    entries.push_back(&entry);
  llvm::sort(entries, [](const auto *a, const auto *b) {
    return a->getValue().line < b->getValue().line;
  });
  bool ok = true;
  for (const auto *entry : entries) {
    auto it = byName.find(entry->getKey());
    std::string where = (expectedFailuresPath + ":" +
                         Twine(entry->getValue().line) + ": '" +
                         entry->getKey() + "' ")
                            .str();
    if (it == byName.end()) {
      fail(where + "is not a test of " + suiteDir);
      ok = false;
    } else if (!it->second->inScope()) {
      fail(where + "is outside scope (ops " +
           join(it->second->opsOutOfScope, ", ") +
           "): remove it from the list");
      ok = false;
    }
  }
  return ok;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Runs the ONNX backend node tests of the listed ops through "
      "bitnet-compile's pipeline and the runtime\n");
  auto start = std::chrono::steady_clock::now();
  // The CPUs this process may run on (its affinity mask), not the machine's.
  unsigned jobCount =
      jobs ? jobs.getValue()
           : std::max(1u, llvm::hardware_concurrency().compute_thread_count());

  auto opList = readOpList(opListPath);
  if (!opList)
    return fail(toString(opList.takeError()));
  StringMap<ExpectedFailure> expectedFailures;
  if (!expectedFailuresPath.empty()) {
    auto list = readExpectedFailures(expectedFailuresPath);
    if (!list)
      return fail(toString(list.takeError()));
    expectedFailures = std::move(*list);
  }
  Regex nameFilter(filter);
  std::string regexError;
  if (!filter.empty() && !nameFilter.isValid(regexError))
    return fail("invalid --filter '" + filter + "': " + regexError);
  auto tests = scanSuite(suiteDir, *opList);
  if (!tests)
    return fail(toString(tests.takeError()));
  bool listOk = checkStaleEntries(expectedFailures, *tests);

  std::vector<const NodeTest *> selected, toRun;
  std::vector<size_t> jobOf;
  for (const NodeTest &test : *tests) {
    if (!filter.empty() && !nameFilter.match(test.name))
      continue;
    jobOf.push_back(toRun.size());
    selected.push_back(&test);
    if (test.inScope())
      toRun.push_back(&test);
  }

  // The work directory holds the models, the children's logs and, through
  // TMPDIR, the linker's temporary files: all gone when it is removed.
  SmallString<256> workDir(workDirOption);
  std::error_code ec;
  if (workDir.empty())
    ec = sys::fs::createUniqueDirectory("bitnet-conformance", workDir);
  else
    ec = sys::fs::create_directories(workDir);
  if (!ec)
    ec = sys::fs::make_absolute(workDir);
  if (ec)
    return fail("cannot create the work directory '" + workDir +
                "': " + ec.message());
  setenv("TMPDIR", workDir.c_str(), 1);

  // Made once: every child starts from this context, dialects loaded.
  // Single-threaded, so that no thread pool exists when forking.
  mlir::DialectRegistry registry;
  mlir::bitnet::registerAllDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  Tolerance tolerance;
  ExecutorOptions executorOptions{jobCount, timeoutSeconds, memoryLimit,
                                  workDir.str().str()};
  std::vector<JobOutcome> outcomes = runJobsIsolated(
      toRun.size(), executorOptions,
      [&](size_t index, std::string &message) {
        StringRef name = toRun[index]->name;
        if (!crashIn.empty() && Regex(crashIn).match(name))
          raise(SIGSEGV);
        while (!hangIn.empty() && Regex(hangIn).match(name))
          pause();
        return runNodeTest(context, *toRun[index], workDir, tolerance, message);
      });
  if (workDirOption.empty())
    sys::fs::remove_directories(workDir);

  std::vector<TestReport> reports =
      makeReports(selected, outcomes, jobOf, expectedFailures);
  Summary summary = summarize(reports);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (!jsonPath.empty()) {
    auto file = std::make_unique<ToolOutputFile>(jsonPath, ec,
                                                 sys::fs::OF_Text);
    if (ec)
      return fail("cannot write '" + jsonPath + "': " + ec.message());
    writeJson(reports, summary, suiteDir, *opList, jobCount, seconds,
              file->os());
    file->keep();
  }
  printProblems(reports, verbose, outs());
  printOpTable(reports, *opList, filter.empty(), outs());
  printSummary(summary, tests->size(), jobCount, seconds, outs());
  return summary.ok() && listOk ? 0 : 1;
}
