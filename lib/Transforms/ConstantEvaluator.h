//===- ConstantEvaluator.h - evaluate onnx ops on constants -----*- C++ -*-===//
//
// A small interpreter for onnx ops whose operands are all constants. It works
// on doubles (exact for every int32 and for int64 below 2^53, and for float32
// arithmetic when each result is rounded back, as done here) so that one
// implementation serves every element type.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_TRANSFORMS_CONSTANTEVALUATOR_H
#define BITNET_LIB_TRANSFORMS_CONSTANTEVALUATOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"
#include <vector>

namespace mlir::bitnet {

/// A constant operand or result: shape, element type and values.
struct HostTensor {
  SmallVector<int64_t> shape;
  Type elementType;
  std::vector<double> values;

  int64_t getNumElements() const;
  /// Reads a dense or dense_resource constant; fails for element types it
  /// cannot hold and for other attribute kinds.
  static FailureOr<HostTensor> fromAttr(ElementsAttr attr);
  /// The constant as an attribute of `type` (which must have this shape): a
  /// dense_resource blob named `nameHint` when large (useResourceFor), so
  /// that it can be freed once folded further.
  ElementsAttr toAttr(RankedTensorType type, StringRef nameHint) const;
};

/// Evaluates `op` on `operands` (null entries stand for `none` operands).
/// Fails if the op is not one the evaluator knows, the case is outside what
/// it supports, or the result would have more than `maxElements` elements
/// (checked before anything is allocated); never aborts on unusual input.
FailureOr<HostTensor> evaluateOnnxOp(Operation *op,
                                     ArrayRef<const HostTensor *> operands,
                                     int64_t maxElements);

} // namespace mlir::bitnet

#endif // BITNET_LIB_TRANSFORMS_CONSTANTEVALUATOR_H
