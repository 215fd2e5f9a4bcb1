//===- Common.h - shared helpers of the onnx to linalg lowering -*- C++ -*-===//
//
// What every family of patterns needs: the base pattern that rejects types
// the lowering does not handle (with an error naming the ONNX node), reading
// constant operands, numpy broadcasting into linalg.generic, reshapes
// between ranks, and scalar conversions between element types.
//
// Conventions of the lowering:
// - Every op is lowered on tensors; the result always has the op's declared
//   type (a tensor.cast bridges a more static computed type).
// - A dynamic dimension is assumed not to broadcast: numpy broadcasting is
//   decided from static sizes, and only a static 1 broadcasts.
// - f16/bf16 are computed in f32 where precision matters (transcendental
//   functions, reductions, normalizations, matmul accumulation).
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
#define BITNET_LIB_CONVERSION_ONNXTOLINALG_COMMON_H

#include "Onnx/OnnxDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet::onnx_to_linalg {

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Starts an error at `op` that names the ONNX node and operator:
/// `node 'mm_3' (MatMul): ...`. The node name comes from the op's NameLoc.
InFlightDiagnostic emitNodeError(Operation *op);

/// Emits `node '...' (Op): <message>` and returns failure.
LogicalResult nodeFailure(Operation *op, const Twine &message);

/// A run-time check: `cf.assert condition` with the message "node '<name>':
/// <what>" (the node from `loc`). The entry function reports a failed check
/// as an error status (bitnet-checks-to-status).
void emitRuntimeCheck(OpBuilder &b, Location loc, Value condition,
                      const Twine &what);

/// Whether `op`'s operand and result types are ones the lowering handles:
/// ranked tensors (or `none`) of f16/bf16/f32/f64/i1/i8/i16/i32/i64 and
/// ui8/ui16/ui32/ui64.
/// Emits the error at the op otherwise.
LogicalResult checkLowerableTypes(Operation *op);

/// Base of every onnx pattern: checks the types, then calls `lower`.
template <typename OpTy> class OnnxPattern : public OpConversionPattern<OpTy> {
public:
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const final {
    if (failed(checkLowerableTypes(op)))
      return failure();
    return lower(op, adaptor, rewriter);
  }

  virtual LogicalResult lower(OpTy op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const = 0;
};

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// Whether `value` is a left-out optional input (`none`).
inline bool isNone(Value value) { return isa<NoneType>(value.getType()); }

/// The elements of an integer constant operand (onnx.Constant or
/// arith.constant), or nullopt when the value is not a constant.
std::optional<SmallVector<int64_t>> getConstantInts(Value value);

/// The single element of a constant float or integer operand as a double.
std::optional<double> getConstantScalar(Value value);

/// `axis` in [0, rank) after adding `rank` to a negative axis, or failure
/// with an error at `op` when it is out of range.
FailureOr<int64_t> normalizeAxis(Operation *op, int64_t axis, int64_t rank,
                                 StringRef what = "axis");

/// The elements of a 1-D (or scalar) integer tensor as index values: folded
/// constants where the operand is constant, tensor.extract otherwise.
SmallVector<Value> extractIndexElements(OpBuilder &b, Location loc,
                                        Value tensor, Value original,
                                        int64_t count);

/// Index arithmetic that folds: constant operands give constants, so that
/// constant shapes and slices give static types.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value l, Value r) {
    return b.createOrFold<arith::AddIOp>(loc, l, r);
  }
  Value sub(Value l, Value r) {
    return b.createOrFold<arith::SubIOp>(loc, l, r);
  }
  Value mul(Value l, Value r) {
    return b.createOrFold<arith::MulIOp>(loc, l, r);
  }
  Value max(Value l, Value r) {
    return b.createOrFold<arith::MaxSIOp>(loc, l, r);
  }
  Value min(Value l, Value r) {
    return b.createOrFold<arith::MinSIOp>(loc, l, r);
  }
  Value ceilDiv(Value l, Value r) {
    return b.createOrFold<arith::CeilDivSIOp>(loc, l, r);
  }
  Value div(Value l, Value r) {
    return b.createOrFold<arith::DivSIOp>(loc, l, r);
  }
  Value cmp(arith::CmpIPredicate p, Value l, Value r) {
    return b.createOrFold<arith::CmpIOp>(loc, p, l, r);
  }
  Value eq(Value l, Value r) { return cmp(arith::CmpIPredicate::eq, l, r); }
  Value select(Value cond, Value t, Value f) {
    return b.createOrFold<arith::SelectOp>(loc, cond, t, f);
  }
  /// ONNX index wrapping: a negative index counts from `size`.
  Value wrap(Value index, Value size) {
    return select(cmp(arith::CmpIPredicate::slt, index, c(0)), add(index, size),
                  index);
  }
  Value dim(Value tensor, int64_t d) {
    return b.createOrFold<tensor::DimOp>(loc, tensor, d);
  }
};

//===----------------------------------------------------------------------===//
// Types and scalars
//===----------------------------------------------------------------------===//

inline RankedTensorType getTensorType(Value value) {
  return cast<RankedTensorType>(value.getType());
}
inline Type getElementType(Value value) {
  return getTensorType(value).getElementType();
}

/// Whether integer `type` compares and extends as unsigned: ONNX uint* and
/// bool (true is 1, not -1). Unsigned types exist only during this
/// lowering; its end makes every integer type signless.
bool isUnsignedLike(Type type);

/// f32 for f16/bf16 (the type their arithmetic is computed in), else `type`.
Type getComputeType(Type type);

/// An arith.constant scalar of `type` (float or integer) holding `value`.
Value createScalar(OpBuilder &b, Location loc, Type type, double value);

/// The lowest (or highest) value of `type`: -inf/+inf for floats, the signed
/// minimum/maximum for integers (false/true for i1).
Value createExtremum(OpBuilder &b, Location loc, Type type, bool highest);

/// Converts a scalar between element types as ONNX Cast does: float to int
/// truncates toward zero, to bool is `x != 0`, bool to number is 0/1.
Value convertScalar(OpBuilder &b, Location loc, Value value, Type to);

/// Index <-> integer/float scalar conversions.
Value indexToScalar(OpBuilder &b, Location loc, Value index, Type to);
Value scalarToIndex(OpBuilder &b, Location loc, Value value);

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

/// tensor.cast to `type` if `value` has another (compatible) type.
Value castToType(OpBuilder &b, Location loc, Value value, Type type);

/// A tensor.empty of `type`'s element type; static dims of `type` win over
/// `sizes`, which give the dynamic ones.
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes);
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);

/// A tensor of `sizes` filled with `value`.
Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value value);

/// Product of `sizes` as an index value.
Value productOfSizes(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes);

/// Reassociation that groups each dimension for which `isUnit` is false with
/// the unit dimensions around it (collapse: drop them; expand: insert them).
SmallVector<ReassociationIndices>
getUnitDimReassociation(ArrayRef<bool> isUnit);

/// tensor.expand_shape of `value` to `type`; where a group would expand into
/// more than one dynamic dim, tensor.reshape with the `sizes` instead
/// (memref.expand_shape of that form crashes expand-strided-metadata in
/// LLVM 22).
Value expandShape(OpBuilder &b, Location loc, RankedTensorType type,
                  Value value, ArrayRef<ReassociationIndices> groups,
                  ArrayRef<OpFoldResult> sizes);

/// Drops the dims of `value` marked in `isUnit` (they must have size 1).
Value dropUnitDims(OpBuilder &b, Location loc, Value value,
                   ArrayRef<bool> isUnit);

/// Inserts size-1 dims so that dim i of the result is a unit dim when
/// `isUnit[i]`; the others take the dims of `value` in order.
Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     ArrayRef<bool> isUnit);

/// Reshapes `value` (same number of elements) to `type` with dims `sizes`:
/// one collapse or expand where a reassociation exists, else through 1-D.
Value reshapeTo(OpBuilder &b, Location loc, Value value, RankedTensorType type,
                ArrayRef<OpFoldResult> sizes);

//===----------------------------------------------------------------------===//
// linalg.generic builders
//===----------------------------------------------------------------------===//

using BodyBuilder =
    function_ref<Value(OpBuilder &b, Location loc, ValueRange args)>;

SmallVector<utils::IteratorType> getParallelIterators(int64_t rank);

/// The numpy-broadcast indexing map of an operand of type `type` inside an
/// iteration space of `outRank` dims with static sizes `outShape`: dims are
/// right-aligned, a static size-1 dim against another size reads index 0.
AffineMap getBroadcastMap(MLIRContext *ctx, RankedTensorType type,
                          ArrayRef<int64_t> outShape);

/// Checks that every static dim of `inputs` is 1 or matches `outShape`
/// (right-aligned, no higher rank); emits the error at `op` otherwise.
LogicalResult checkBroadcastable(Operation *op, ValueRange inputs,
                                 ArrayRef<int64_t> outShape);

/// Numpy-broadcast sizes of `inputs` where `resultType` is dynamic.
SmallVector<OpFoldResult> getBroadcastSizes(OpBuilder &b, Location loc,
                                            ValueRange inputs,
                                            RankedTensorType resultType);

/// A parallel linalg.generic over `sizes` that broadcasts `inputs` and yields
/// `body(elements)` into a tensor of `resultType`'s element type; the result
/// is cast to `resultType`.
Value buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                       RankedTensorType resultType,
                       ArrayRef<OpFoldResult> sizes, BodyBuilder body);

/// As above with the sizes numpy-broadcast from the inputs.
Value buildElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                       RankedTensorType resultType, BodyBuilder body);

/// A linalg.generic over the iteration space of `inputs[0]` (rank r) that
/// reduces the dims marked in `reduced` into a tensor of the kept dims,
/// initialized with `init`; the other inputs broadcast numpy-style against
/// `inputs[0]`. `combine(acc, elements)` gives the new accumulator.
Value buildReduction(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<bool> reduced,
    Value init,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> combine);

/// A parallel linalg.generic over `sizes` (a tensor of `resultType`) whose
/// body yields `body(b, loc, iteration indices, input elements)`.
Value buildIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ArrayRef<OpFoldResult> sizes, ValueRange inputs,
    ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> body);

/// The single element of a one-element tensor (tensor.extract).
Value extractScalar(OpBuilder &b, Location loc, Value tensor);

/// The map of a tensor holding the dims of an r-D iteration space that are
/// not marked in `reduced`.
AffineMap getKeptDimsMap(MLIRContext *ctx, ArrayRef<bool> reduced);

//===----------------------------------------------------------------------===//
// Pattern families (one file each); the helpers above live in Common.cpp
// (diagnostics, operands, scalars) and Builders.cpp (shapes, generics).
//===----------------------------------------------------------------------===//

void populateElementwisePatterns(RewritePatternSet &patterns);
void populateReductionPatterns(RewritePatternSet &patterns);
void populateMatMulPatterns(RewritePatternSet &patterns);
void populateNormalizationPatterns(RewritePatternSet &patterns);
void populateShapePatterns(RewritePatternSet &patterns);
void populateIndexingPatterns(RewritePatternSet &patterns);
void populateGeneratorPatterns(RewritePatternSet &patterns);
void populateQuantizationPatterns(RewritePatternSet &patterns);

} // namespace mlir::bitnet::onnx_to_linalg

#endif // BITNET_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
