//===- Passes.h - same-dialect passes ---------------------------*- C++ -*-===//
#ifndef BITNET_MLIR_TRANSFORMS_PASSES_H
#define BITNET_MLIR_TRANSFORMS_PASSES_H

#include "Bitnet/BitnetDialect.h"
#include "bitnet-mlir/Transforms/PassOptions.h"
#include "Onnx/OnnxDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace bitnet {

#define GEN_PASS_DECL
#include "bitnet-mlir/Transforms/Passes.h.inc"

/// Constant evaluation and noise removal on onnx ops (onnx-fold-constants).
void populateOnnxFoldConstantsPatterns(RewritePatternSet &patterns,
                                       int64_t maxElements);

/// ternary_matmul on constant weights -> packed_constant + packed_matmul.
/// `encoding` is "auto", "binary1", "ternary2" or "ternary_base3"; `layout`
/// "row_major" or "row_interleaved" (with `blockRows` rows per tile).
void populateBitnetPackWeightsPatterns(RewritePatternSet &patterns,
                                       StringRef encoding,
                                       StringRef layout = "row_major",
                                       int64_t blockRows = 1);

#define GEN_PASS_REGISTRATION
#include "bitnet-mlir/Transforms/Passes.h.inc"

} // namespace bitnet
} // namespace mlir

#endif // BITNET_MLIR_TRANSFORMS_PASSES_H
