//===- Suite.cpp - ONNX backend node tests and what is in scope -----------===//
#include "Suite.h"

#include "onnx/onnx_pb.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <climits>

using namespace llvm;
namespace fs = llvm::sys::fs;

namespace bitnet::conformance {

static Expected<std::unique_ptr<MemoryBuffer>> readFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(buffer.getError(), "cannot read '%s': %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  return std::move(*buffer);
}

/// The text of a line without its `#` comment.
static StringRef stripComment(StringRef line) {
  return line.take_until([](char c) { return c == '#'; });
}

Expected<StringSet<>> readOpList(StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  StringSet<> ops;
  SmallVector<StringRef> lines, words;
  (*buffer)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    words.clear();
    SplitString(stripComment(line), words);
    for (StringRef op : words)
      ops.insert(op);
  }
  if (ops.empty())
    return createStringError(inconvertibleErrorCode(),
                             "op list '%s' names no op", path.str().c_str());
  return ops;
}

Expected<StringMap<ExpectedFailure>> readExpectedFailures(StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  StringMap<ExpectedFailure> failures;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [index, rawLine] : enumerate(lines)) {
    unsigned lineNumber = index + 1;
    StringRef line = stripComment(rawLine).trim();
    if (line.empty())
      continue;
    auto [name, reason] = line.split(' ');
    // A tab also separates the name from the reason.
    if (name.contains('\t'))
      std::tie(name, reason) = line.split('\t');
    reason = reason.trim();
    if (reason.empty())
      return createStringError(inconvertibleErrorCode(),
                               "%s:%u: '%s' has no reason (expected "
                               "'test_name  reason')",
                               path.str().c_str(), lineNumber,
                               name.str().c_str());
    auto [it, inserted] =
        failures.try_emplace(name, ExpectedFailure{reason.str(), lineNumber});
    if (!inserted)
      return createStringError(inconvertibleErrorCode(),
                               "%s:%u: '%s' is already listed on line %u",
                               path.str().c_str(), lineNumber,
                               name.str().c_str(), it->second.line);
  }
  return failures;
}

/// Fills the op lists of `test` from its model.onnx, or its loadError.
static void classifyOps(NodeTest &test, const StringSet<> &opList) {
  SmallString<256> modelPath(test.dir);
  sys::path::append(modelPath, "model.onnx");
  auto buffer = readFile(modelPath);
  if (!buffer) {
    test.loadError = toString(buffer.takeError());
    return;
  }
  StringRef bytes = (*buffer)->getBuffer();
  onnx::ModelProto model;
  if (bytes.size() > INT_MAX ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    test.loadError = ("'" + modelPath + "' is not a valid ONNX model "
                      "(protobuf parse failed)").str();
    return;
  }
  StringSet<> seen;
  for (const onnx::NodeProto &node : model.graph().node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    std::string op = defaultDomain ? node.op_type()
                                   : node.domain() + ":" + node.op_type();
    if (!seen.insert(op).second)
      continue;
    test.ops.push_back(op);
    if (!defaultDomain || !opList.contains(op))
      test.opsOutOfScope.push_back(op);
  }
}

Expected<std::vector<NodeTest>> scanSuite(StringRef suiteDir,
                                          const StringSet<> &opList) {
  std::vector<NodeTest> tests;
  std::error_code ec;
  for (fs::directory_iterator it(suiteDir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (it->type() != fs::file_type::directory_file &&
        !fs::is_directory(it->path()))
      continue;
    NodeTest test;
    test.name = sys::path::filename(it->path()).str();
    test.dir = it->path();
    tests.push_back(std::move(test));
  }
  if (ec)
    return createStringError(ec, "cannot list test directory '%s': %s",
                             suiteDir.str().c_str(), ec.message().c_str());
  if (tests.empty())
    return createStringError(inconvertibleErrorCode(),
                             "'%s' holds no test directories",
                             suiteDir.str().c_str());
  llvm::sort(tests, [](const NodeTest &a, const NodeTest &b) {
    return a.name < b.name;
  });
  for (NodeTest &test : tests)
    classifyOps(test, opList);
  return tests;
}

} // namespace bitnet::conformance
