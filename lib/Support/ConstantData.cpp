//===- ConstantData.cpp - large constants without copies ------------------===//
#include "bitnet-mlir/Support/ConstantData.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemAlloc.h"
#include <atomic>
#include <cstring>

using namespace mlir;
using namespace mlir::bitnet;

static std::atomic<int64_t> resourceThresholdBytes{kResourceThresholdBytes};

void bitnet::setResourceThresholdBytes(int64_t bytes) {
  resourceThresholdBytes = std::max<int64_t>(bytes, 0);
}

int64_t bitnet::getResourceThresholdBytes() {
  return resourceThresholdBytes.load();
}

bool bitnet::useResourceFor(ShapedType type) {
  // Scalars stay dense whatever the threshold (they are at most 8 bytes):
  // MemRefToLLVM unpacks a rank-0 global's value as an Attribute, which a
  // dense_resource cannot give.
  if (!type.hasStaticShape() || type.getRank() == 0 ||
      !type.getElementType().isIntOrFloat())
    return false;
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  if (bits % 8 != 0)
    return false;
  return type.getNumElements() * (bits / 8) >= getResourceThresholdBytes();
}

std::optional<ArrayRef<char>> bitnet::getConstantBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
      type.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  int64_t expected =
      type.getNumElements() * (type.getElementType().getIntOrFloatBitWidth() / 8);
  ArrayRef<char> bytes;
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
    if (dense.isSplat())
      return std::nullopt;
    bytes = dense.getRawData();
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    const AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    bytes = blob->getData();
  } else {
    return std::nullopt;
  }
  if (static_cast<int64_t>(bytes.size()) != expected)
    return std::nullopt;
  return bytes;
}

LogicalResult bitnet::forEachFloatValue(ElementsAttr attr,
                                        llvm::function_ref<bool(double)> fn) {
  auto type = cast<ShapedType>(attr.getType());
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  if (!floatType || !type.hasStaticShape())
    return failure();
  if (std::optional<ArrayRef<char>> bytes = getConstantBytes(attr)) {
    const char *data = bytes->data();
    int64_t count = type.getNumElements();
    if (floatType.isF32()) {
      for (int64_t i = 0; i < count; ++i) {
        float value;
        std::memcpy(&value, data + i * 4, 4);
        if (!fn(value))
          break;
      }
    } else if (floatType.isF64()) {
      for (int64_t i = 0; i < count; ++i) {
        double value;
        std::memcpy(&value, data + i * 8, 8);
        if (!fn(value))
          break;
      }
    } else if (floatType.getWidth() == 16) {
      for (int64_t i = 0; i < count; ++i) {
        uint16_t bits;
        std::memcpy(&bits, data + i * 2, 2);
        if (!fn(APFloat(floatType.getFloatSemantics(), APInt(16, bits))
                    .convertToDouble()))
          break;
      }
    } else {
      return failure();
    }
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  for (APFloat value : dense.getValues<APFloat>())
    if (!fn(value.convertToDouble()))
      break;
  return success();
}

LogicalResult bitnet::forEachIntValue(ElementsAttr attr,
                                      llvm::function_ref<bool(int64_t)> fn) {
  auto type = cast<ShapedType>(attr.getType());
  auto intType = dyn_cast<IntegerType>(type.getElementType());
  if (!intType || intType.getWidth() > 64 || !type.hasStaticShape())
    return failure();
  bool isUnsigned = intType.isUnsigned();
  unsigned width = intType.getWidth();
  if (std::optional<ArrayRef<char>> bytes = getConstantBytes(attr)) {
    unsigned size = width / 8;
    const char *data = bytes->data();
    int64_t count = type.getNumElements();
    for (int64_t i = 0; i < count; ++i) {
      uint64_t raw = 0;
      // Host order is little-endian on every supported host.
      std::memcpy(&raw, data + i * size, size);
      APInt value(width, raw);
      if (!fn(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                         : value.getSExtValue()))
        break;
    }
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  for (APInt value : dense.getValues<APInt>())
    if (!fn(isUnsigned ? static_cast<int64_t>(value.getZExtValue())
                       : value.getSExtValue()))
      break;
  return success();
}

std::optional<SmallVector<int64_t>> bitnet::getIntValues(ElementsAttr attr) {
  SmallVector<int64_t> values;
  if (failed(forEachIntValue(attr, [&](int64_t v) {
        values.push_back(v);
        return true;
      })))
    return std::nullopt;
  return values;
}

std::optional<SmallVector<double>> bitnet::getFloatValues(ElementsAttr attr) {
  SmallVector<double> values;
  if (failed(forEachFloatValue(attr, [&](double v) {
        values.push_back(v);
        return true;
      })))
    return std::nullopt;
  return values;
}

DenseElementsAttr bitnet::toDenseElementsAttr(ElementsAttr attr) {
  if (!attr)
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense;
  std::optional<ArrayRef<char>> bytes = getConstantBytes(attr);
  if (!bytes)
    return {};
  return DenseElementsAttr::getFromRawBuffer(cast<ShapedType>(attr.getType()),
                                             *bytes);
}

ElementsAttr bitnet::getConstantElements(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return {};
  return attr;
}

DenseElementsAttr bitnet::getDenseConstant(Value value) {
  return toDenseElementsAttr(getConstantElements(value));
}

//===----------------------------------------------------------------------===//
// ConstantBuffer
//===----------------------------------------------------------------------===//

ConstantBuffer::ConstantBuffer(size_t size, size_t alignment)
    : data(static_cast<char *>(
          llvm::allocate_buffer(std::max<size_t>(size, 1), alignment))),
      size(size), alignment(alignment) {}

ConstantBuffer::ConstantBuffer(ConstantBuffer &&other) noexcept
    : data(std::exchange(other.data, nullptr)),
      size(std::exchange(other.size, 0)), alignment(other.alignment) {}

ConstantBuffer &ConstantBuffer::operator=(ConstantBuffer &&other) noexcept {
  if (this != &other) {
    this->~ConstantBuffer();
    new (this) ConstantBuffer(std::move(other));
  }
  return *this;
}

ConstantBuffer::~ConstantBuffer() {
  if (data)
    llvm::deallocate_buffer(data, std::max<size_t>(size, 1), alignment);
}

AsmResourceBlob ConstantBuffer::takeAsBlob() {
  char *owned = std::exchange(data, nullptr);
  size_t ownedSize = std::exchange(size, 0);
  return AsmResourceBlob(
      ArrayRef<char>(owned, ownedSize), alignment,
      [](void *ptr, size_t bytes, size_t align) {
        llvm::deallocate_buffer(ptr, std::max<size_t>(bytes, 1), align);
      },
      /*dataIsMutable=*/true);
}

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

/// `hint` as a bare MLIR identifier (`fc1.weight` stays, `onnx::MatMul_7`
/// becomes `onnx__MatMul_7`), so that printed IR parses again.
static std::string getResourceKey(StringRef hint) {
  std::string key;
  for (char c : hint)
    key += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  if (key.empty() || !(llvm::isAlpha(key.front()) || key.front() == '_'))
    key.insert(0, "t_");
  return key;
}

ElementsAttr bitnet::createResourceAttr(ShapedType type, StringRef nameHint,
                                        AsmResourceBlob blob) {
  return DenseResourceElementsAttr::get(type, getResourceKey(nameHint),
                                        std::move(blob));
}

ElementsAttr bitnet::createConstantAttr(ShapedType type, ConstantBuffer bytes,
                                        StringRef nameHint) {
  if (useResourceFor(type))
    return createResourceAttr(type, nameHint, bytes.takeAsBlob());
  return DenseElementsAttr::getFromRawBuffer(type, bytes.getData());
}

//===----------------------------------------------------------------------===//
// Release
//===----------------------------------------------------------------------===//

llvm::DenseSet<void *> bitnet::collectReferencedBlobs(Operation *root) {
  llvm::DenseSet<void *> referenced;
  root->walk([&](Operation *op) {
    // Inherent attributes live in properties; the dictionary has them too.
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      referenced.insert(attr.getRawHandle().getResource());
    });
  });
  return referenced;
}

static std::atomic<uint64_t> releasedBytes{0};

uint64_t bitnet::getReleasedBlobBytes() { return releasedBytes.load(); }

/// Frees the blob of `entry`, returning its size.
static uint64_t releaseBlob(DialectResourceBlobManager::BlobEntry &entry) {
  AsmResourceBlob *blob = entry.getBlob();
  if (!blob || blob->getData().empty())
    return 0;
  uint64_t size = blob->getData().size();
  entry.setBlob(AsmResourceBlob());
  releasedBytes += size;
  return size;
}

uint64_t bitnet::releaseUnreferencedBlobs(
    Operation *root, SmallVectorImpl<DenseResourceElementsHandle> &candidates) {
  if (candidates.empty())
    return 0;
  llvm::DenseSet<void *> referenced = collectReferencedBlobs(root);
  uint64_t freed = 0;
  llvm::erase_if(candidates, [&](DenseResourceElementsHandle handle) {
    if (referenced.contains(handle.getResource()))
      return false;
    freed += releaseBlob(*handle.getResource());
    return true;
  });
  return freed;
}

uint64_t bitnet::releaseAllUnreferencedBlobs(MLIRContext *context,
                                             Operation *root) {
  llvm::DenseSet<void *> referenced = collectReferencedBlobs(root);
  DialectResourceBlobManager &manager =
      DenseResourceElementsHandle::getManagerInterface(context)
          .getBlobManager();
  SmallVector<std::string> keys;
  manager.getBlobMap(
      [&](const llvm::StringMap<DialectResourceBlobManager::BlobEntry> &map) {
        for (const auto &entry : map)
          if (!referenced.contains(
                  const_cast<DialectResourceBlobManager::BlobEntry *>(
                      &entry.getValue())))
            keys.push_back(entry.getKey().str());
      });
  uint64_t freed = 0;
  for (const std::string &key : keys)
    if (DialectResourceBlobManager::BlobEntry *entry = manager.lookup(key))
      freed += releaseBlob(*entry);
  return freed;
}
