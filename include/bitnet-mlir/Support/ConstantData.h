//===- ConstantData.h - large constants without copies ----------*- C++ -*-===//
//
// Weights are most of a model. Large constants live in `dense_resource`
// blobs (DenseResourceElementsAttr) rather than DenseElementsAttr: a blob
// can point into a memory-mapped external-data file or take over a buffer
// without copying, and, unlike a uniqued DenseElementsAttr, it can be freed
// once no op refers to it any more. Code that reads constants goes through
// getConstantBytes so that both kinds work.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_SUPPORT_CONSTANTDATA_H
#define BITNET_MLIR_SUPPORT_CONSTANTDATA_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <optional>

namespace mlir::bitnet {

/// Constants of at least this many bytes are created as dense_resource
/// blobs; smaller ones stay DenseElementsAttr (printable, uniqued, what
/// shape-like operands and tests expect).
inline constexpr int64_t kResourceThresholdBytes = 64 * 1024;

/// The threshold useResourceFor applies in this process (default
/// kResourceThresholdBytes). Tests lower it (bitnet-compile's hidden
/// --resource-threshold) so that small models take the dense_resource path
/// everywhere constants are read; process-wide because the importer and the
/// constant folder both create constants.
void setResourceThresholdBytes(int64_t bytes);
int64_t getResourceThresholdBytes();

/// Whether a constant of `type` is created as a dense_resource blob: static
/// shape of rank >= 1, at least getResourceThresholdBytes(), a byte-sized element type (i1
/// is bit-packed in DenseElementsAttr and one byte per element in resources,
/// so bools stay dense).
bool useResourceFor(ShapedType type);

/// The row-major host-order bytes of a non-splat constant: a dense attribute
/// (not i1) or a dense_resource with its blob present. Nothing for splats,
/// i1, released blobs and other attribute kinds.
std::optional<ArrayRef<char>> getConstantBytes(ElementsAttr attr);

/// Calls `fn` with each value of a floating-point constant (dense, splat or
/// dense_resource) in row-major order, without materializing them, until
/// `fn` returns false; fails (calling nothing) for other element types and
/// attribute kinds.
LogicalResult forEachFloatValue(ElementsAttr attr,
                                llvm::function_ref<bool(double)> fn);

/// Calls `fn` with each value of an integer constant (dense, splat, i1 or
/// dense_resource) in row-major order, sign-extended (zero-extended for
/// unsigned element types), until `fn` returns false; fails (calling
/// nothing) for other element types, widths over 64 bits and attribute kinds.
LogicalResult forEachIntValue(ElementsAttr attr,
                              llvm::function_ref<bool(int64_t)> fn);

/// The values of a readable integer / float constant, or nothing.
std::optional<SmallVector<int64_t>> getIntValues(ElementsAttr attr);
std::optional<SmallVector<double>> getFloatValues(ElementsAttr attr);

/// `attr` as a DenseElementsAttr: itself when dense, else a copy of a
/// dense_resource's bytes; null when unreadable. Copies, so only for small
/// constants (shapes, axes, scalars, tables the folder evaluates).
DenseElementsAttr toDenseElementsAttr(ElementsAttr attr);

/// The constant `value` is defined by (any ElementsAttr, so dense_resource
/// too), or null.
ElementsAttr getConstantElements(Value value);

/// getConstantElements as a DenseElementsAttr (toDenseElementsAttr: small
/// constants only), or null.
DenseElementsAttr getDenseConstant(Value value);

/// A buffer that a resource blob can take over (aligned to the element
/// type, freed by the blob).
class ConstantBuffer {
public:
  ConstantBuffer() = default;
  /// Uninitialized storage for `size` bytes aligned to `alignment`.
  ConstantBuffer(size_t size, size_t alignment);
  ConstantBuffer(ConstantBuffer &&other) noexcept;
  ConstantBuffer &operator=(ConstantBuffer &&other) noexcept;
  ~ConstantBuffer();

  MutableArrayRef<char> getData() { return {data, size}; }
  /// Gives up the buffer as a blob that frees it.
  AsmResourceBlob takeAsBlob();

private:
  char *data = nullptr;
  size_t size = 0;
  size_t alignment = 1;
};

/// A constant of `type` holding `bytes` (row-major, host order, exactly the
/// size of `type`'s data): a dense_resource blob named after `nameHint` when
/// useResourceFor(type), else a DenseElementsAttr copy.
ElementsAttr createConstantAttr(ShapedType type, ConstantBuffer bytes,
                                StringRef nameHint);

/// A dense_resource constant of `type` over `blob` (which must match `type`
/// in size and be aligned for its elements).
ElementsAttr createResourceAttr(ShapedType type, StringRef nameHint,
                                AsmResourceBlob blob);

/// The resource blob entries referred to by the attributes of the ops under
/// `root` (nested attributes included).
llvm::DenseSet<void *> collectReferencedBlobs(Operation *root);

/// Frees the blob of each handle in `candidates` that no op under `root`
/// refers to and removes it from `candidates` (the referenced ones stay, to
/// be tried again later); returns the bytes freed. Attributes of freed blobs
/// must not be used again.
uint64_t releaseUnreferencedBlobs(
    Operation *root, SmallVectorImpl<DenseResourceElementsHandle> &candidates);

/// Frees every builtin resource blob of `context` that no op under `root`
/// refers to. Only for a driver that owns the context: any attribute not
/// attached to `root` loses its data. Returns the bytes freed.
uint64_t releaseAllUnreferencedBlobs(MLIRContext *context, Operation *root);

/// Bytes of blobs freed by the two functions above in this process.
uint64_t getReleasedBlobBytes();

} // namespace mlir::bitnet

#endif // BITNET_MLIR_SUPPORT_CONSTANTDATA_H
