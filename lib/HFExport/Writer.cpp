//===- Writer.cpp - the .onnx file, with or without external data ---------===//
//
// Inline, every initializer's bytes become its raw_data and the whole model
// must fit protobuf's 2 GiB. With external data, initializers of 1 KiB or
// more go to `<model>.data` (offsets aligned to 64 bytes, 4 KiB from 1 MiB
// on, so readers may map them) and the .onnx keeps only their location.
// Both files are written under temporary names in the output directory and
// renamed at the end: a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace bitnet::hf;

namespace {

constexpr uint64_t kExternalThreshold = 1024;

/// A file created under a temporary name next to `target` and removed
/// unless committed (renamed to `target`).
class TemporaryFile {
public:
  explicit TemporaryFile(const std::string &target) : target(target) {
    std::string pattern = target + ".tmp.XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd = mkstemp(name.data());
    if (fd < 0)
      fail(target + ": cannot create the output file: " + std::strerror(errno));
    path = name.data();
  }
  ~TemporaryFile() {
    if (fd >= 0)
      ::close(fd);
    if (!committed)
      ::unlink(path.c_str());
  }
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;

  void write(const void *data, uint64_t size) {
    const char *bytes = static_cast<const char *>(data);
    while (size > 0) {
      ssize_t written = ::write(fd, bytes, size > (1u << 30) ? (1u << 30) : size);
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        fail(target + ": write failed: " + std::strerror(errno));
      bytes += written;
      size -= static_cast<uint64_t>(written);
      offset += static_cast<uint64_t>(written);
    }
  }
  void padTo(uint64_t alignment) {
    static const char zeros[4096] = {};
    uint64_t padding = (alignment - offset % alignment) % alignment;
    write(zeros, padding);
  }
  uint64_t getOffset() const { return offset; }
  int getFd() const { return fd; }

  /// Closes (and syncs) the file; it is renamed by commit().
  void close() {
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      fd = -1;
      fail(target + ": cannot close the output file: " + std::strerror(errno));
    }
    fd = -1;
    if (::chmod(path.c_str(), 0644) != 0)
      fail(target + ": cannot set permissions: " + std::strerror(errno));
  }
  void commit() {
    if (::rename(path.c_str(), target.c_str()) != 0)
      fail(target + ": cannot rename " + path + ": " + std::strerror(errno));
    committed = true;
  }

private:
  std::string target, path;
  int fd = -1;
  uint64_t offset = 0;
  bool committed = false;
};

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void addExternal(onnx::TensorProto &tensor, const std::string &key,
                 const std::string &value) {
  onnx::StringStringEntryProto *entry = tensor.add_external_data();
  entry->set_key(key);
  entry->set_value(value);
}

} // namespace

void bitnet::hf::writeModel(onnx::ModelProto &model, GraphBuilder &builder,
                            const std::string &path, bool externalData,
                            ExportSummary &summary) {
  std::string dataPath = path + ".data";
  std::unique_ptr<TemporaryFile> data;
  if (externalData)
    data = std::make_unique<TemporaryFile>(dataPath);
  for (auto &[tensor, payload] : builder.getPayloads()) {
    if (!data || payload.size < kExternalThreshold) {
      tensor->set_raw_data(payload.data, payload.size);
      continue;
    }
    data->padTo(payload.size >= (1u << 20) ? 4096 : 64);
    uint64_t offset = data->getOffset();
    data->write(payload.data, payload.size);
    tensor->set_data_location(onnx::TensorProto::EXTERNAL);
    addExternal(*tensor, "location", baseName(dataPath));
    addExternal(*tensor, "offset", std::to_string(offset));
    addExternal(*tensor, "length", std::to_string(payload.size));
  }
  size_t bytes = model.ByteSizeLong();
  if (bytes > static_cast<size_t>(INT_MAX))
    fail(path + ": the model needs " + std::to_string(bytes) +
         " bytes, over protobuf's 2 GiB limit: pass --external-data");
  TemporaryFile file(path);
  if (!model.SerializeToFileDescriptor(file.getFd()))
    fail(path + ": cannot serialize the model");
  file.close();
  if (data) {
    summary.dataBytes = data->getOffset();
    data->close();
    data->commit();
  }
  try {
    file.commit();
  } catch (const ExportError &) {
    if (data)
      ::unlink(dataPath.c_str());
    throw;
  }
  summary.modelBytes = bytes;
}
