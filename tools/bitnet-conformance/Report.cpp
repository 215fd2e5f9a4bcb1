//===- Report.cpp - per-test outcomes, the per-op table, JSON -------------===//
#include "Report.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace llvm;

namespace bitnet::conformance {

namespace {
struct OpCounts {
  unsigned tests = 0, passed = 0, failed = 0, expectedFailures = 0;
};
} // namespace

static StringRef getStatusName(Status status) {
  switch (status) {
  case Status::Passed:
    return "pass";
  case Status::Failed:
    return "fail";
  case Status::ExpectedFailure:
    return "expected-fail";
  case Status::UnexpectedPass:
    return "unexpected-pass";
  case Status::Skipped:
    return "skip";
  }
  llvm_unreachable("unknown status");
}

Summary summarize(const std::vector<TestReport> &reports) {
  Summary summary;
  for (const TestReport &report : reports) {
    switch (report.status) {
    case Status::Passed: ++summary.passed; break;
    case Status::Failed: ++summary.failed; break;
    case Status::ExpectedFailure: ++summary.expectedFailures; break;
    case Status::UnexpectedPass: ++summary.unexpectedPasses; break;
    case Status::Skipped: ++summary.skipped; break;
    }
  }
  return summary;
}

/// Counts per op, for the ops of the list and of every in-scope test.
static std::vector<std::pair<std::string, OpCounts>>
countByOp(const std::vector<TestReport> &reports, const StringSet<> &opList) {
  StringMap<OpCounts> counts;
  for (const auto &op : opList)
    counts.try_emplace(op.getKey());
  for (const TestReport &report : reports) {
    if (report.status == Status::Skipped)
      continue;
    for (const std::string &op : report.test->ops) {
      OpCounts &c = counts[op];
      ++c.tests;
      switch (report.status) {
      case Status::Passed:
      case Status::UnexpectedPass: ++c.passed; break;
      case Status::Failed: ++c.failed; break;
      case Status::ExpectedFailure: ++c.expectedFailures; break;
      case Status::Skipped: break;
      }
    }
  }
  std::vector<std::pair<std::string, OpCounts>> rows;
  for (const auto &entry : counts)
    rows.emplace_back(entry.getKey().str(), entry.getValue());
  llvm::sort(rows, [](const auto &a, const auto &b) { return a.first < b.first; });
  return rows;
}

void printOpTable(const std::vector<TestReport> &reports,
                  const StringSet<> &opList, bool withUnusedOps,
                  raw_ostream &os) {
  auto row = [&os](StringRef op, unsigned tests, unsigned passed,
                   unsigned failed, unsigned expected) {
    os << left_justify(op, 20) << format_decimal(tests, 6)
       << format_decimal(passed, 8) << format_decimal(failed, 8)
       << format_decimal(expected, 8) << "\n";
  };
  os << left_justify("op", 20) << right_justify("tests", 6)
     << right_justify("passed", 8) << right_justify("failed", 8)
     << right_justify("xfail", 8) << "\n";
  for (const auto &[op, c] : countByOp(reports, opList))
    if (c.tests || withUnusedOps)
      row(op, c.tests, c.passed, c.failed, c.expectedFailures);
  Summary s = summarize(reports);
  row("(all in scope)", s.passed + s.failed + s.expectedFailures +
                            s.unexpectedPasses,
      s.passed + s.unexpectedPasses, s.failed, s.expectedFailures);
}

void printProblems(const std::vector<TestReport> &reports, bool verbose,
                   raw_ostream &os) {
  for (const TestReport &report : reports) {
    StringRef label;
    switch (report.status) {
    case Status::Failed: label = "FAIL"; break;
    case Status::UnexpectedPass: label = "UNEXPECTED PASS"; break;
    case Status::ExpectedFailure:
      if (!verbose)
        continue;
      label = "EXPECTED FAIL";
      break;
    default: continue;
    }
    os << label << ": " << report.test->name;
    StringRef message = report.message;
    if (report.status == Status::UnexpectedPass)
      message = report.expectedFailureReason;
    if (!verbose)
      message = message.take_until([](char c) { return c == '\n'; });
    if (report.status == Status::UnexpectedPass)
      os << ": listed in the expected failures (" << message
         << "); remove it from the list";
    else if (!verbose && !message.empty())
      os << ": " << message;
    else if (!message.empty())
      for (StringRef line : split(message, '\n'))
        os << "\n  " << line;
    os << "\n";
  }
}

void printSummary(const Summary &s, size_t suiteSize, unsigned jobs,
                  double seconds, raw_ostream &os) {
  unsigned inScope =
      s.passed + s.failed + s.expectedFailures + s.unexpectedPasses;
  os << formatv("{0} of {1} tests in scope: {2} passed, {3} failed as "
                "expected, {4} failed, {5} passed unexpectedly; {6} skipped "
                "(ops outside scope); {7:f1} s with -j{8}\n",
                inScope, suiteSize, s.passed, s.expectedFailures, s.failed,
                s.unexpectedPasses, s.skipped, seconds, jobs);
  os << formatv("{0} passed, {1} failed, {2} skipped\n", s.passed,
                s.failed + s.unexpectedPasses, s.skipped + s.expectedFailures);
}

void writeJson(const std::vector<TestReport> &reports, const Summary &s,
               StringRef suiteDir, const StringSet<> &opList, unsigned jobs,
               double seconds, raw_ostream &os) {
  json::Array tests, ops;
  for (const TestReport &report : reports) {
    json::Object test{{"name", report.test->name},
                      {"status", getStatusName(report.status)},
                      {"ops", json::Array(report.test->ops)},
                      {"seconds", report.seconds}};
    if (!report.message.empty())
      test["message"] = report.message;
    if (!report.expectedFailureReason.empty())
      test["expected_failure_reason"] = report.expectedFailureReason;
    tests.push_back(std::move(test));
  }
  for (const auto &[op, c] : countByOp(reports, opList))
    ops.push_back(json::Object{{"op", op},
                               {"tests", c.tests},
                               {"passed", c.passed},
                               {"failed", c.failed},
                               {"expected_failures", c.expectedFailures}});
  json::Object root{
      {"suite", suiteDir},
      {"jobs", jobs},
      {"seconds", seconds},
      {"summary", json::Object{{"passed", s.passed},
                               {"failed", s.failed},
                               {"expected_failures", s.expectedFailures},
                               {"unexpected_passes", s.unexpectedPasses},
                               {"skipped", s.skipped}}},
      {"ops", std::move(ops)},
      {"tests", std::move(tests)}};
  os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
}

} // namespace bitnet::conformance
