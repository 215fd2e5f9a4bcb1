//===- Passes.h - dialect conversions ---------------------------*- C++ -*-===//
#ifndef BITNET_MLIR_CONVERSION_PASSES_H
#define BITNET_MLIR_CONVERSION_PASSES_H

#include "Bitnet/BitnetDialect.h"
#include "Onnx/OnnxDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;

namespace bitnet {

#define GEN_PASS_DECL
#include "bitnet-mlir/Conversion/Passes.h.inc"

/// BitLinear raising patterns (convert-onnx-to-bitnet).
void populateOnnxToBitnetPatterns(RewritePatternSet &patterns, bool strict);

/// onnx -> linalg/tensor/arith/math patterns (convert-onnx-to-linalg).
void populateOnnxToLinalgPatterns(RewritePatternSet &patterns);

/// bitnet -> scf/linalg/arith patterns (convert-bitnet-to-scf); the type
/// converter maps !bitnet.packed to its i8 storage tensor.
void populateBitnetToSCFPatterns(RewritePatternSet &patterns,
                                 TypeConverter &typeConverter);

#define GEN_PASS_REGISTRATION
#include "bitnet-mlir/Conversion/Passes.h.inc"

} // namespace bitnet
} // namespace mlir

#endif // BITNET_MLIR_CONVERSION_PASSES_H
