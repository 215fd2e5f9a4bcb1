//===- Safetensors.cpp - safetensors files and sharded checkpoints --------===//
//
// The format (huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON {name: {"dtype", "shape", "data_offsets":
// [begin, end]}, "__metadata__": {...}}, then the data, the offsets counted
// from its first byte. Every number is checked before it is used: a header
// or tensor that claims more bytes than the file has is an error naming the
// file and the tensor, never a read past the mapping.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace bitnet::hf;
using Json = nlohmann::json;

void bitnet::hf::fail(const std::string &message) { throw ExportError(message); }

namespace {
struct DTypeInfo {
  const char *name;
  DType dtype;
  size_t size;
};
const DTypeInfo kDTypes[] = {
    {"BF16", DType::BF16, 2}, {"F16", DType::F16, 2}, {"F32", DType::F32, 4},
    {"U8", DType::U8, 1},     {"I8", DType::I8, 1},
};
// The safetensors limit on the header (safetensors' MAX_HEADER_SIZE).
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
} // namespace

const char *bitnet::hf::getDTypeName(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.name;
  return "?";
}

size_t bitnet::hf::getDTypeSize(DType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info.size;
  return 0;
}

//===----------------------------------------------------------------------===//
// MappedFile
//===----------------------------------------------------------------------===//

std::unique_ptr<MappedFile> MappedFile::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fail(path + ": cannot open: " + std::strerror(errno));
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    fail(path + ": not a regular file");
  }
  std::unique_ptr<MappedFile> file(new MappedFile());
  file->filePath = path;
  file->length = static_cast<uint64_t>(info.st_size);
  if (file->length > 0) {
    void *mapped = mmap(nullptr, file->length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      int saved = errno;
      ::close(fd);
      fail(path + ": cannot map: " + std::strerror(saved));
    }
    file->bytes = static_cast<const uint8_t *>(mapped);
  }
  ::close(fd);
  return file;
}

MappedFile::~MappedFile() {
  if (bytes)
    munmap(const_cast<uint8_t *>(bytes), length);
}

//===----------------------------------------------------------------------===//
// TensorView
//===----------------------------------------------------------------------===//

int64_t TensorView::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

static std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string TensorView::describe() const {
  return "'" + name + "' (" + getDTypeName(dtype) + " " + formatShape(shape) +
         ") in " + file;
}

/// bf16 is the high half of a float32; f16 is widened exactly.
static float halfToFloat(uint16_t half) {
  uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000 | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else { // subnormal: normalize
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      ++shift;
    }
    bits = sign | ((113 - shift) << 23) | ((mantissa & 0x3ff) << 13);
  }
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

std::vector<float> TensorView::toFloat() const {
  size_t count = static_cast<size_t>(getNumElements());
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) {
    if (dtype == DType::F32) {
      std::memcpy(&values[i], data + 4 * i, 4);
      continue;
    }
    uint16_t half = static_cast<uint16_t>(data[2 * i] | (data[2 * i + 1] << 8));
    if (dtype == DType::F16) {
      values[i] = halfToFloat(half);
    } else {
      uint32_t bits = static_cast<uint32_t>(half) << 16;
      std::memcpy(&values[i], &bits, 4);
    }
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace bitnet::hf {
struct TensorStoreLoader {
  TensorStore &store;

  /// Maps `path` and adds its tensors (only `wanted` ones if given, checking
  /// that each of those is there).
  void addFile(const std::string &path, const std::set<std::string> *wanted) {
    std::unique_ptr<MappedFile> file = MappedFile::open(path);
    const uint8_t *bytes = file->data();
    uint64_t size = file->size();
    if (size < 8)
      fail(path + ": truncated safetensors file: " + std::to_string(size) +
           " bytes, less than the 8-byte header length");
    uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i)
      headerBytes = (headerBytes << 8) | bytes[i];
    if (headerBytes > kMaxHeaderBytes || headerBytes > size - 8)
      fail(path + ": safetensors header length " + std::to_string(headerBytes) +
           " exceeds the file (" + std::to_string(size) + " bytes)" +
           (headerBytes > kMaxHeaderBytes ? " and the 100 MB limit" : ""));
    Json header = Json::parse(bytes + 8, bytes + 8 + headerBytes, nullptr,
                              /*allow_exceptions=*/false);
    if (header.is_discarded() || !header.is_object())
      fail(path + ": the safetensors header is not a JSON object");
    const uint8_t *body = bytes + 8 + headerBytes;
    uint64_t bodySize = size - 8 - headerBytes;
    std::set<std::string> found;
    for (auto &[name, entry] : header.items()) {
      if (name == "__metadata__")
        continue;
      if (wanted && !wanted->count(name))
        fail(path + ": tensor '" + name +
             "' is not in model.safetensors.index.json's weight_map");
      TensorView view = parseEntry(path, name, entry, body, bodySize);
      if (store.tensors.count(name))
        fail(path + ": tensor '" + name + "' is also in " +
             store.tensors[name].file);
      store.tensors.emplace(name, std::move(view));
      found.insert(name);
    }
    if (wanted)
      for (const std::string &name : *wanted)
        if (!found.count(name))
          fail(path + ": tensor '" + name +
               "' is missing (model.safetensors.index.json maps it here)");
    store.files.push_back(std::move(file));
  }

  TensorView parseEntry(const std::string &path, const std::string &name,
                        const Json &entry, const uint8_t *body,
                        uint64_t bodySize) {
    std::string where = path + ": tensor '" + name + "': ";
    if (!entry.is_object() || !entry.contains("dtype") ||
        !entry.contains("shape") || !entry.contains("data_offsets"))
      fail(where + "expected {\"dtype\", \"shape\", \"data_offsets\"}");
    const Json &dtypeName = entry["dtype"];
    const DTypeInfo *info = nullptr;
    for (const DTypeInfo &candidate : kDTypes)
      if (dtypeName.is_string() && dtypeName == candidate.name)
        info = &candidate;
    if (!info)
      fail(where + "dtype " + dtypeName.dump() +
           " is not one the exporter reads (BF16, F16, F32, U8, I8)");
    TensorView view;
    view.name = name;
    view.file = path;
    view.dtype = info->dtype;
    uint64_t count = 1;
    if (!entry["shape"].is_array())
      fail(where + "shape is not an array");
    for (const Json &dim : entry["shape"]) {
      if (!dim.is_number_unsigned() || dim.get<uint64_t>() > (1ull << 40))
        fail(where + "shape " + entry["shape"].dump() +
             " has a dimension that is not a size");
      uint64_t value = dim.get<uint64_t>();
      view.shape.push_back(static_cast<int64_t>(value));
      if (value && count > (1ull << 50) / value)
        fail(where + "shape " + entry["shape"].dump() + " is too large");
      count *= value;
    }
    const Json &offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 ||
        !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      fail(where + "data_offsets is not [begin, end]");
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (end < begin)
      fail(where + "data_offsets " + offsets.dump() + " end before they begin");
    if (end - begin != count * info->size)
      fail(where + "data_offsets " + offsets.dump() + " hold " +
           std::to_string(end - begin) + " bytes, the dtype and shape need " +
           std::to_string(count * info->size));
    if (end > bodySize)
      fail(path + ": truncated safetensors file: tensor '" + name +
           "' ends at byte " + std::to_string(end) +
           " of the data, which has " + std::to_string(bodySize) + " bytes");
    view.data = body + begin;
    view.size = end - begin;
    return view;
  }
};
} // namespace bitnet::hf

static bool exists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::unique_ptr<TensorStore> TensorStore::open(const std::string &dir) {
  auto store = std::make_unique<TensorStore>();
  TensorStoreLoader loader{*store};
  std::string single = dir + "/model.safetensors";
  std::string index = dir + "/model.safetensors.index.json";
  if (exists(single)) {
    store->source = single;
    loader.addFile(single, nullptr);
    return store;
  }
  if (!exists(index))
    fail(dir + ": no model.safetensors or model.safetensors.index.json");
  store->source = index;
  std::ifstream in(index);
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("weight_map") ||
      !json["weight_map"].is_object())
    fail(index + ": expected a JSON object with a \"weight_map\" object");
  std::map<std::string, std::set<std::string>> byFile;
  for (auto &[name, file] : json["weight_map"].items()) {
    std::string shard = file.is_string() ? file.get<std::string>() : "";
    if (shard.empty() || shard.find('/') != std::string::npos || shard[0] == '.')
      fail(index + ": weight_map['" + name + "'] is " + file.dump() +
           ", expected a file name in the checkpoint directory");
    byFile[shard].insert(name);
  }
  for (const auto &[shard, names] : byFile) {
    std::string path = dir + "/" + shard;
    if (!exists(path))
      fail(index + ": shard '" + shard + "' (holding '" + *names.begin() +
           "') is missing");
    loader.addFile(path, &names);
  }
  return store;
}

const TensorView *TensorStore::find(const std::string &name) {
  auto it = tensors.find(name);
  if (it == tensors.end())
    return nullptr;
  used.insert(name);
  return &it->second;
}

const TensorView &TensorStore::get(const std::string &name) {
  if (const TensorView *view = find(name))
    return *view;
  fail(source + ": tensor '" + name + "' is missing");
}

std::vector<std::string> TensorStore::getUnused() const {
  std::vector<std::string> unused;
  for (const auto &entry : tensors)
    if (!used.count(entry.first))
      unused.push_back(entry.first);
  return unused;
}
