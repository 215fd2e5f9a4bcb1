//===- Patterns.h - convert-bitnet-to-scf internals -------------*- C++ -*-===//
//
// Shared between the files of convert-bitnet-to-scf; not a public header.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H
#define BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet::detail {

/// The tensor type of shape `sizes`: static where a size is a constant.
RankedTensorType tensorTypeOf(ArrayRef<OpFoldResult> sizes, Type elementType);

/// `value`, tensor.cast to `type` when its type differs.
Value castIfNeeded(ImplicitLocOpBuilder &b, Value value, Type type);

/// packed_matmul and ternary_matmul -> scf.for loops on tensors (Matmul.cpp).
void populateMatmulToSCFPatterns(RewritePatternSet &patterns,
                                 const TypeConverter &typeConverter);

/// quantize_activations and rescale -> linalg.generic (Elementwise.cpp).
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns,
                                         const TypeConverter &typeConverter);

} // namespace mlir::bitnet::detail

#endif // BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H
