//===- Patterns.h - convert-bitnet-to-scf internals -------------*- C++ -*-===//
//
// Shared between the files of convert-bitnet-to-scf; not a public header.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H
#define BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H

#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "bitnet-mlir/Support/TensorUtils.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet::detail {

using bitnet::castIfNeeded;
using bitnet::tensorTypeOf;

/// quantize_activations and rescale -> linalg.generic (Elementwise.cpp).
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns,
                                         const TypeConverter &typeConverter);

} // namespace mlir::bitnet::detail

#endif // BITNET_LIB_CONVERSION_BITNETTOSCF_PATTERNS_H
