//===- ModelLoader.cpp - model files and external data --------------------===//
//
// A model is a binary ModelProto, or ONNX text syntax when the file ends in
// `.onnxtext`. Tensors may live in other files (`external_data`), which are
// memory-mapped once each and sliced by `offset` and `length`.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "onnx/defs/parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <climits>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

/// libonnx messages span lines; a diagnostic is one.
static std::string joinLines(StringRef text) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  std::string joined;
  for (StringRef line : lines) {
    if (!joined.empty())
      joined += "; ";
    joined += line.trim().str();
  }
  return joined;
}

static LogicalResult parseModelText(StringRef text, onnx::ModelProto &proto,
                                    const ModelContext &model) {
  // The parser reads up to the first NUL.
  if (text.contains('\0'))
    return model.emitError() << "the ONNX text contains a NUL byte";
  try {
    onnx::OnnxParser parser(text.data());
    onnx::Common::Status status = parser.Parse(proto);
    if (!status.IsOK())
      return model.emitError() << "cannot parse the ONNX text: "
                               << joinLines(status.ErrorMessage());
    if (!parser.EndOfInput())
      return model.emitError()
             << "cannot parse the ONNX text: unexpected text after the graph";
  } catch (const std::exception &error) {
    return model.emitError()
           << "cannot parse the ONNX text: " << joinLines(error.what());
  } catch (...) {
    return model.emitError() << "cannot parse the ONNX text";
  }
  return success();
}

FailureOr<std::unique_ptr<onnx::ModelProto>>
importer::loadModelFile(const ModelContext &model) {
  bool isText = llvm::sys::path::extension(model.getPath()) == ".onnxtext";
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(model.getPath(), /*IsText=*/false,
                                  /*RequiresNullTerminator=*/isText);
  if (!buffer) {
    model.emitError() << "cannot read the model: "
                      << buffer.getError().message();
    return failure();
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty()) {
    model.emitError() << "the model file is empty";
    return failure();
  }

  auto proto = std::make_unique<onnx::ModelProto>();
  if (isText) {
    if (failed(parseModelText(bytes, *proto, model)))
      return failure();
    return proto;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    model.emitError() << "the model file has " << bytes.size()
                      << " bytes; protobuf reads at most 2 GiB, so larger "
                         "models must keep their weights as external data";
    return failure();
  }
  if (!proto->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    model.emitError() << "not a valid ONNX model: the protobuf does not parse "
                         "(truncated or corrupted file?)";
    return failure();
  }
  return proto;
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

/// An `offset` or `length` entry.
static LogicalResult parseByteCount(StringRef key, StringRef value,
                                    uint64_t &count, ErrorEmitter emitError) {
  if (value.getAsInteger(10, count))
    return emitError() << "external data " << key << " '" << value
                       << "' is not a non-negative integer";
  return success();
}

FailureOr<ExternalBytes>
ExternalDataFiles::read(const onnx::TensorProto &tensor,
                        ErrorEmitter emitError) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset") {
      if (failed(parseByteCount("offset", entry.value(), offset, emitError)))
        return failure();
    } else if (entry.key() == "length") {
      uint64_t count;
      if (failed(parseByteCount("length", entry.value(), count, emitError)))
        return failure();
      length = count;
    }
    // `checksum` and unknown keys carry nothing the importer needs.
  }
  if (location.empty()) {
    emitError() << "stored as external data without a location";
    return failure();
  }
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         "..")) {
    emitError() << "external data location '" << location
                << "' must be a path inside the model's directory";
    return failure();
  }

  SmallString<256> path(model.getDirectory());
  llvm::sys::path::append(path, location);
  auto it = files.find(path);
  if (it == files.end()) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!buffer) {
      emitError() << "cannot read external data file '" << path
                  << "': " << buffer.getError().message();
      return failure();
    }
    it = files.try_emplace(path, std::move(*buffer)).first;
  }

  const llvm::MemoryBuffer &file = *it->second;
  uint64_t size = file.getBufferSize();
  if (offset > size) {
    emitError() << "external data offset " << offset
                << " is beyond the end of '" << path << "' (" << size
                << " bytes)";
    return failure();
  }
  if (length && *length > size - offset) {
    emitError() << "external data bytes [" << offset << ", " << offset + *length
                << ") are out of range of '" << path << "' (" << size
                << " bytes)";
    return failure();
  }
  return ExternalBytes{ArrayRef<char>(file.getBufferStart() + offset,
                                      length ? *length : size - offset),
                       it->second};
}

/// Shape operands (Reshape's shape, Slice's starts, ...) are small integer
/// tensors; anything larger stays in its file.
static constexpr size_t kMaxShapeInitializerBytes = 64 * 1024;

LogicalResult importer::loadShapeInitializers(onnx::GraphProto &graph,
                                              ExternalDataFiles &externalData,
                                              const ModelContext &model) {
  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL ||
        (tensor.data_type() != onnx::TensorProto::INT64 &&
         tensor.data_type() != onnx::TensorProto::INT32))
      continue;
    FailureOr<ExternalBytes> external = externalData.read(tensor, [&] {
      return model.emitError() << "initializer '" << tensor.name() << "': ";
    });
    if (failed(external))
      return failure();
    if (external->bytes.size() > kMaxShapeInitializerBytes)
      continue;
    tensor.set_raw_data(external->bytes.data(), external->bytes.size());
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
  }
  return success();
}
