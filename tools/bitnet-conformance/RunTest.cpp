//===- RunTest.cpp - compile, run and check one node test -----------------===//
#include "RunTest.h"

#include "bitnet-mlir/Driver/Compiler.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
#include <map>
#include <memory>

using namespace llvm;
namespace fs = llvm::sys::fs;

namespace bitnet::conformance {

namespace {
/// A runtime tensor that frees its buffer.
struct OwnedTensor : bitnet_tensor {
  OwnedTensor() : bitnet_tensor() {}
  OwnedTensor(const OwnedTensor &) = delete;
  OwnedTensor &operator=(const OwnedTensor &) = delete;
  ~OwnedTensor() { bitnet_tensor_free(this); }
};

struct LibraryCloser {
  void operator()(bitnet_library *library) const {
    bitnet_library_close(library);
  }
};

/// The input_N.pb and output_N.pb files of one data set, by N.
struct DataSet {
  std::string name;
  std::map<unsigned, std::string> inputs, outputs;
};
} // namespace

static std::string quoted(StringRef text) { return ("'" + text + "'").str(); }

/// Reads the data set directory; fails on a gap in the numbering (input_2.pb
/// without input_1.pb).
static bool readDataSet(StringRef dir, DataSet &set, std::string &message) {
  set.name = sys::path::filename(dir).str();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef file = sys::path::filename(it->path());
    unsigned index;
    for (auto [prefix, files] :
         {std::pair{StringRef("input_"), &set.inputs},
          std::pair{StringRef("output_"), &set.outputs}}) {
      StringRef rest = file;
      if (rest.consume_front(prefix) && rest.consume_back(".pb") &&
          !rest.getAsInteger(10, index))
        (*files)[index] = it->path();
    }
  }
  if (ec) {
    message = "cannot list " + quoted(dir) + ": " + ec.message();
    return false;
  }
  for (auto [kind, files] : {std::pair{"input", &set.inputs},
                             std::pair{"output", &set.outputs}}) {
    unsigned expected = 0;
    for (const auto &entry : *files) {
      if (entry.first != expected) {
        message =
            formatv("malformed test: {0}: {1}_{2}.pb without {1}_{3}.pb",
                    set.name, kind, entry.first, expected)
                .str();
        return false;
      }
      ++expected;
    }
  }
  return true;
}

static std::vector<std::string> findDataSets(StringRef testDir,
                                             std::string &message) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (fs::directory_iterator it(testDir, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_") &&
        fs::is_directory(it->path()))
      dirs.push_back(it->path());
  if (ec)
    message = "cannot list " + quoted(testDir) + ": " + ec.message();
  else if (dirs.empty())
    message = "malformed test: no test_data_set_* directory in " +
              quoted(testDir);
  llvm::sort(dirs);
  return dirs;
}

/// "'x', 'y'".
static std::string listNames(const bitnet_tensor_info *infos, int32_t count) {
  std::string text;
  for (int32_t i = 0; i < count; ++i)
    text += (i ? ", " : "") + quoted(infos[i].name);
  return text;
}

/// Whether `tensor` has the dtype and rank of `info` and its static
/// dimensions.
static bool fits(const bitnet_tensor &tensor, const bitnet_tensor_info &info) {
  if (tensor.dtype != info.dtype || tensor.rank != info.rank)
    return false;
  for (int32_t d = 0; d < info.rank; ++d)
    if (info.shape[d] >= 0 && info.shape[d] != tensor.shape[d])
      return false;
  return true;
}

/// Checks the file counts of `set` against the model's signature.
static bool checkCounts(const DataSet &set, const bitnet_model_info &model,
                        std::string &message) {
  auto check = [&](const char *kind, size_t files, int32_t count,
                   const bitnet_tensor_info *infos) {
    if (files == static_cast<size_t>(count))
      return true;
    message = formatv("malformed test: {0} has {1} {2}_N.pb file(s), the "
                      "model has {3} {2}(s) ({4})",
                      set.name, files, kind, count, listNames(infos, count))
                  .str();
    return false;
  };
  return check("input", set.inputs.size(), model.num_inputs, model.inputs) &&
         check("output", set.outputs.size(), model.num_outputs, model.outputs);
}

/// Reads the .pb file for a model input or output of type `info`.
static bool readTensor(StringRef path, const bitnet_tensor_info &info,
                       OwnedTensor &tensor, std::string &message) {
  if (bitnet_pb_read(path.str().c_str(), &tensor, nullptr) != BITNET_OK) {
    message = std::string("malformed test: ") + bitnet_status_message();
    return false;
  }
  // ONNX 1.12 wrote bfloat16 test data as UINT16 tensors of the same bits
  // (numpy has no bfloat16); its runner hands those bits over unchanged.
  if (info.dtype == BITNET_DTYPE_BFLOAT16 &&
      tensor.dtype == BITNET_DTYPE_UINT16)
    tensor.dtype = BITNET_DTYPE_BFLOAT16;
  return true;
}

/// Runs one data set; false with `message` on the first problem.
static bool runDataSet(const DataSet &set, const bitnet_model_info &model,
                       const Tolerance &tolerance, std::string &message) {
  if (!checkCounts(set, model, message))
    return false;
  std::vector<OwnedTensor> inputs(model.num_inputs),
      expected(model.num_outputs), outputs(model.num_outputs);
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const bitnet_tensor_info &info = model.inputs[i];
    if (!readTensor(set.inputs.at(i), info, inputs[i], message))
      return false;
    if (!fits(inputs[i], info)) {
      message = formatv("malformed test: {0}: input_{1}.pb is {2}, model input "
                        "{1} '{3}' is {4}",
                        set.name, i, describeType(inputs[i]), info.name,
                        describeType(info.dtype, info.rank, info.shape))
                    .str();
      return false;
    }
  }
  for (int32_t i = 0; i < model.num_outputs; ++i) {
    const bitnet_tensor_info &info = model.outputs[i];
    if (!readTensor(set.outputs.at(i), info, expected[i], message))
      return false;
    if (!fits(expected[i], info)) {
      message = formatv("{0}: output {1} '{2}': the model produces {3}, "
                        "output_{1}.pb holds {4}",
                        set.name, i, info.name,
                        describeType(info.dtype, info.rank, info.shape),
                        describeType(expected[i]))
                    .str();
      return false;
    }
    // Dynamic dimensions take the expected size: the ABI has the caller
    // allocate outputs.
    if (bitnet_tensor_alloc(&outputs[i], info.dtype, info.rank,
                            expected[i].shape) != BITNET_OK) {
      message = bitnet_status_message();
      return false;
    }
  }
  if (bitnet_model_run(&model, inputs.data(), model.num_inputs, outputs.data(),
                       model.num_outputs) != BITNET_OK) {
    message = set.name + ": run failed: " + bitnet_status_message();
    return false;
  }
  for (int32_t i = 0; i < model.num_outputs; ++i) {
    std::string difference = compareTensors(outputs[i], expected[i], tolerance);
    if (difference.empty())
      continue;
    if (!message.empty())
      message += '\n';
    message += formatv("{0}: output {1} '{2}': {3}", set.name, i,
                       model.outputs[i].name, difference)
                   .str();
  }
  return message.empty();
}

/// Compiles model.onnx to `libraryPath`; false with the diagnostics.
static bool compile(mlir::MLIRContext &context, StringRef modelPath,
                    StringRef libraryPath, std::string &message) {
  std::string diagnostics;
  raw_string_ostream os(diagnostics);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);
  mlir::bitnet::CompileOptions options;
  options.inputPath = modelPath.str();
  options.outputPath = libraryPath.str();
  options.modelName = "conformance";
  if (succeeded(mlir::bitnet::compileModel(context, options)))
    return true;
  message = "compilation failed: " + StringRef(diagnostics).rtrim().str();
  return false;
}

bool runNodeTest(mlir::MLIRContext &context, const NodeTest &test,
                 StringRef workDir, const Tolerance &tolerance,
                 std::string &message) {
  if (!test.loadError.empty()) {
    message = "malformed test: " + test.loadError;
    return false;
  }
  std::vector<std::string> dataSets = findDataSets(test.dir, message);
  if (!message.empty())
    return false;
  SmallString<256> modelPath(test.dir), libraryPath(workDir);
  sys::path::append(modelPath, "model.onnx");
  sys::path::append(libraryPath, test.name + ".so");
  if (!compile(context, modelPath, libraryPath, message))
    return false;
  bitnet_library *opened = nullptr;
  if (bitnet_library_open(libraryPath.c_str(), &opened) != BITNET_OK) {
    message = std::string("cannot load the compiled model: ") +
              bitnet_status_message();
    return false;
  }
  std::unique_ptr<bitnet_library, LibraryCloser> library(opened);
  const bitnet_model_info &model = *bitnet_library_model(library.get());
  for (const std::string &dir : dataSets) {
    DataSet set;
    if (!readDataSet(dir, set, message) ||
        !runDataSet(set, model, tolerance, message))
      return false;
  }
  return true;
}

} // namespace bitnet::conformance
