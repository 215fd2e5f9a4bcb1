//===- TensorUtils.h - small builders on tensors ----------------*- C++ -*-===//
#ifndef BITNET_MLIR_SUPPORT_TENSORUTILS_H
#define BITNET_MLIR_SUPPORT_TENSORUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::bitnet {

/// The tensor type of shape `sizes`: static where a size is a constant.
RankedTensorType tensorTypeOf(ArrayRef<OpFoldResult> sizes, Type elementType);

/// `value`, tensor.cast to `type` when its type differs.
Value castIfNeeded(ImplicitLocOpBuilder &b, Value value, Type type);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_SUPPORT_TENSORUTILS_H
