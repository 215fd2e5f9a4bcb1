//===- Matmul.cpp - the reference kernel: add/subtract loops on tensors ---===//
//
// The kernel every other one is checked against, for every encoding, layout
// and input type. packed_matmul (on its storage tensor, after
// bitnet-materialize-packed-storage) and ternary_matmul become, on the
// input flattened to [M, K]:
//
//   scf.for %m = 0 to M                 iter_args(%out = tensor.empty [M, N])
//     scf.for %n = 0 to N               iter_args(%o = %out)
//       %acc = <row dot product of input row %m and weight row %n>
//       tensor.insert %acc into %o[%m, %n]
//
// With k_group the result is [M, N, K / k_group] and a third loop walks the
// group starts %k = 0 to K step k_group (group index %k / k_group); the row
// dot product then covers [%k, %k + k_group).
//
// The row dot product adds or subtracts each activation (arith.select between
// acc + x and acc - x; integers sign-extended to i32, floats extended to f32
// and added with addf/subf); there is no multiplication by a weight. For
// packed weights in a row layout it is an scf.for over the whole packed
// bytes of the row followed by the unrolled tail byte when K is not a
// multiple of the weights per byte; `tiled` weights are walked weight by
// weight from their fixed slot. A group that does not start on a
// byte boundary (k_group not a multiple of the weights per byte) is walked
// weight by weight, with the byte and slot computed from k.
//
//===----------------------------------------------------------------------===//

#include "ReferenceKernel.h"

#include "bitnet-mlir/Support/TensorUtils.h"

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::bitnet;

namespace {

Value indexConstant(ImplicitLocOpBuilder &b, int64_t value) {
  return arith::ConstantIndexOp::create(b, value);
}

/// `value` / `divisor` and `value` % `divisor` on index, with shifts and
/// masks for powers of two.
Value divideIndex(ImplicitLocOpBuilder &b, Value value, int64_t divisor) {
  if (divisor == 1)
    return value;
  if (llvm::isPowerOf2_64(divisor))
    return arith::ShRUIOp::create(b, value,
                                  indexConstant(b, llvm::Log2_64(divisor)));
  return arith::DivUIOp::create(b, value, indexConstant(b, divisor));
}
Value remainderIndex(ImplicitLocOpBuilder &b, Value value, int64_t divisor) {
  if (llvm::isPowerOf2_64(divisor))
    return arith::AndIOp::create(b, value, indexConstant(b, divisor - 1));
  return arith::RemUIOp::create(b, value, indexConstant(b, divisor));
}

/// The element type the sums are accumulated in: i32 for integer input,
/// f32 for float input.
Type accumulatorType(Type inputElement) {
  MLIRContext *context = inputElement.getContext();
  if (isa<FloatType>(inputElement))
    return Float32Type::get(context);
  return IntegerType::get(context, 32);
}

/// acc + x where isPlus, acc - x where isMinus, acc elsewhere. A null
/// `isMinus` means "wherever not isPlus" (binary weights).
Value addOrSubtract(ImplicitLocOpBuilder &b, Value acc, Value x, Value isPlus,
                    Value isMinus) {
  Value plus, minus;
  if (isa<FloatType>(acc.getType())) {
    plus = arith::AddFOp::create(b, acc, x);
    minus = arith::SubFOp::create(b, acc, x);
  } else {
    plus = arith::AddIOp::create(b, acc, x);
    minus = arith::SubIOp::create(b, acc, x);
  }
  if (!isMinus)
    return arith::SelectOp::create(b, isPlus, plus, minus);
  Value skipOrMinus = arith::SelectOp::create(b, isMinus, minus, acc);
  return arith::SelectOp::create(b, isPlus, plus, skipOrMinus);
}

/// input[m, k] widened to the accumulator type (sign-extended integers,
/// extended floats).
Value loadActivation(ImplicitLocOpBuilder &b, Value input, Value m, Value k) {
  Value x = tensor::ExtractOp::create(b, input, ValueRange{m, k});
  Type accType = accumulatorType(x.getType());
  if (x.getType() == accType)
    return x;
  if (isa<FloatType>(accType))
    return arith::ExtFOp::create(b, accType, x);
  return arith::ExtSIOp::create(b, accType, x);
}

/// [..., K] -> [M, K] (M = product of the leading dims; 1 for rank 1).
Value flattenInput(ImplicitLocOpBuilder &b, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return input;
  if (rank == 1) {
    OpFoldResult k = tensor::getMixedSize(b, b.getLoc(), input, 0);
    SmallVector<OpFoldResult> shape = {b.getIndexAttr(1), k};
    return tensor::ExpandShapeOp::create(
        b, tensorTypeOf(shape, type.getElementType()), input,
        ArrayRef<ReassociationIndices>{{0, 1}}, shape);
  }
  ReassociationIndices leading =
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  return tensor::CollapseShapeOp::create(
      b, input, ArrayRef<ReassociationIndices>{leading, {rank - 1}});
}

/// The destination [..., N (, G)] of a destination-style matmul as [M, N (, G)]
/// (`trailing` dims after the flattened M); null for other matmuls.
Value flattenInit(ImplicitLocOpBuilder &b, Operation *op, Value init,
                  int64_t trailing) {
  if (!init)
    return Value();
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank(), leading = rank - trailing;
  if (leading == 1)
    return init;
  if (leading == 0) {
    SmallVector<OpFoldResult> shape = {b.getIndexAttr(1)};
    SmallVector<ReassociationIndices> groups = {{0, 1}};
    for (int64_t dim = 0; dim < trailing; ++dim) {
      shape.push_back(tensor::getMixedSize(b, b.getLoc(), init, dim));
      if (dim > 0)
        groups.push_back({dim + 1});
    }
    return tensor::ExpandShapeOp::create(
        b, tensorTypeOf(shape, type.getElementType()), init, groups, shape);
  }
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, leading))};
  for (int64_t dim = leading; dim < rank; ++dim)
    groups.push_back({dim});
  return tensor::CollapseShapeOp::create(b, init, groups);
}

/// [M, N (, G)] -> `resultType` [..., N (, G)], the leading dims being those
/// of `input`; `trailing` is 1 or 2 (the dims after the flattened M).
Value unflattenResult(ImplicitLocOpBuilder &b, Value acc, Value input,
                      RankedTensorType resultType, int64_t trailing) {
  int64_t inputRank = cast<RankedTensorType>(input.getType()).getRank();
  auto accType = cast<RankedTensorType>(acc.getType());
  if (inputRank == 1) {
    // [1, N (, G)] -> [N (, G)].
    SmallVector<ReassociationIndices> groups = {{0, 1}};
    if (trailing == 2)
      groups.push_back({2});
    Value row = tensor::CollapseShapeOp::create(b, acc, groups);
    return castIfNeeded(b, row, resultType);
  }
  if (inputRank == 2)
    return castIfNeeded(b, acc, resultType);
  SmallVector<OpFoldResult> shape = tensor::getMixedSizes(b, b.getLoc(), input);
  shape.pop_back();
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, inputRank - 1))};
  for (int64_t dim = 1; dim <= trailing; ++dim) {
    shape.push_back(tensor::getMixedSize(b, b.getLoc(), acc, dim));
    groups.push_back({inputRank - 2 + dim});
  }
  Value expanded = tensor::ExpandShapeOp::create(
      b, tensorTypeOf(shape, accType.getElementType()), acc, groups, shape);
  return castIfNeeded(b, expanded, resultType);
}

/// The sum for one (m, n) over the k range [kStart, kStart + length); a null
/// kStart is 0 and the range then is the whole row.
using RowDotFn = function_ref<Value(ImplicitLocOpBuilder &b, Value m, Value n,
                                    Value kStart)>;

/// The loop nest over a destination tensor [M, N] or, when kGroup > 0,
/// [M, N, K / kGroup]; `rowDot` yields the sum for one (m, n, group).
Value buildMatmulLoops(ImplicitLocOpBuilder &b, Value input, Value init,
                       OpFoldResult rows, Type accElement, int64_t kGroup,
                       int64_t k, RowDotFn rowDot) {
  OpFoldResult m = tensor::getMixedSize(b, b.getLoc(), input, 0);
  SmallVector<OpFoldResult> sizes = {m, rows};
  if (kGroup > 0)
    sizes.push_back(b.getIndexAttr(k / kGroup));
  if (!init)
    init = tensor::EmptyOp::create(b, sizes, accElement);
  Value zero = indexConstant(b, 0), one = indexConstant(b, 1);
  Value mBound = getValueOrCreateConstantIndexOp(b, b.getLoc(), m);
  Value nBound = getValueOrCreateConstantIndexOp(b, b.getLoc(), rows);
  Value kBound = kGroup > 0 ? indexConstant(b, k) : Value();
  Value kStep = kGroup > 0 ? indexConstant(b, kGroup) : Value();
  auto outer = scf::ForOp::create(
      b, zero, mBound, one, ValueRange{init},
      [&](OpBuilder &ob, Location loc, Value mIv, ValueRange outerArgs) {
        ImplicitLocOpBuilder obi(loc, ob);
        auto inner = scf::ForOp::create(
            obi, zero, nBound, one, ValueRange{outerArgs.front()},
            [&](OpBuilder &ib, Location loc, Value nIv, ValueRange innerArgs) {
              ImplicitLocOpBuilder ibi(loc, ib);
              if (kGroup == 0) {
                Value sum = rowDot(ibi, mIv, nIv, Value());
                Value updated = tensor::InsertOp::create(
                    ibi, sum, innerArgs.front(), ValueRange{mIv, nIv});
                scf::YieldOp::create(ibi, updated);
                return;
              }
              // for kStart = 0 to K step k_group: group kStart / k_group.
              auto groups = scf::ForOp::create(
                  ibi, zero, kBound, kStep, ValueRange{innerArgs.front()},
                  [&](OpBuilder &gb, Location loc, Value kStart,
                      ValueRange groupArgs) {
                    ImplicitLocOpBuilder gbi(loc, gb);
                    Value group = divideIndex(gbi, kStart, kGroup);
                    Value sum = rowDot(gbi, mIv, nIv, kStart);
                    Value updated =
                        tensor::InsertOp::create(gbi, sum, groupArgs.front(),
                                                 ValueRange{mIv, nIv, group});
                    scf::YieldOp::create(gbi, updated);
                  });
              scf::YieldOp::create(ibi, groups.getResult(0));
            });
        scf::YieldOp::create(obi, inner.getResult(0));
      });
  return outer.getResult(0);
}

//===----------------------------------------------------------------------===//
// Row dot products, one per weight form
//===----------------------------------------------------------------------===//

/// Packed weights: the storage tensor of the type's layout, decoded with
/// shifts and masks (bit encodings) or base-3 digits (ternary_base3). The
/// constants are created once, before the loops.
struct PackedRowDot {
  PackedRowDot(ImplicitLocOpBuilder &b, PackedMatmulOp op, Value storage,
               Value input)
      : storage(storage), input(input), type(op.getPackedType()) {
    bits = type.getBitsPerWeight();
    perByte = type.getWeightsPerByte();
    int64_t kGroup = op.getKGroup();
    span = kGroup > 0 ? kGroup : type.getCols();
    tiled = type.getLayout() == PackedLayout::Tiled;
    byteAligned = !tiled && (span % perByte == 0 || kGroup == 0);
    fullBytes = span / perByte;
    tail = kGroup > 0 ? 0 : span % perByte;
    auto i8Constant = [&](int64_t value) -> Value {
      return arith::ConstantIntOp::create(b, b.getI8Type(), value);
    };
    auto accType =
        accumulatorType(cast<ShapedType>(input.getType()).getElementType());
    zero = arith::ConstantOp::create(b, b.getZeroAttr(accType));
    base3 = type.getEncoding() == PackedEncoding::TernaryBase3;
    mask = base3 ? i8Constant(3) : i8Constant((1 << bits) - 1);
    code0 = i8Constant(0);
    code2 = i8Constant(2);
    int64_t power = 1;
    for (int64_t slot = 0; slot < perByte; ++slot) {
      // The shift of slot s (bit encodings) or its base-3 place value.
      slotShifts.push_back(slot == 0 ? Value()
                                     : i8Constant(base3 ? power : slot * bits));
      power *= 3;
      slotOffsets.push_back(indexConstant(b, slot));
    }
    if ((!byteAligned || tiled) && base3) {
      // Place values by dynamic slot, for the weight-by-weight walk.
      auto tableType = RankedTensorType::get({5}, b.getI8Type());
      placeValues = arith::ConstantOp::create(
          b,
          DenseElementsAttr::get(tableType, ArrayRef<int8_t>{1, 3, 9, 27, 81}));
    }
    step = indexConstant(b, perByte);
    if (tiled) {
      kBlocks = indexConstant(b, (type.getCols() + 3) / 4);
      lanes = type.getTileLanes();
    }
    unit = indexConstant(b, 1);
    spanValue = indexConstant(b, byteAligned ? fullBytes * perByte : span);
    if (type.getLayout() == PackedLayout::RowInterleaved)
      rowBytes = indexConstant(b, type.getRowBytes());
    if (tail > 0 && !tiled) {
      tailByte = indexConstant(b, fullBytes);
      for (int64_t slot = 0; slot < tail; ++slot)
        tailColumns.push_back(indexConstant(b, fullBytes * perByte + slot));
    }
  }

  OpFoldResult getRows(ImplicitLocOpBuilder &b) const {
    return b.getIndexAttr(type.getRows());
  }

  /// Where weight row `n` lies: the storage row of its byte 0 and the
  /// storage column (row_major: n and 0; row_interleaved: the tile's first
  /// storage row and the lane n % block_rows).
  std::pair<Value, Value> locateRow(ImplicitLocOpBuilder &b, Value n) const {
    if (type.getLayout() == PackedLayout::RowMajor)
      return {n, Value()};
    int64_t blockRows = type.getBlockRows();
    Value tile = divideIndex(b, n, blockRows);
    Value firstRow = arith::MulIOp::create(b, tile, rowBytes);
    return {firstRow, remainderIndex(b, n, blockRows)};
  }

  /// Byte `byteIndex` of the row located at `row`.
  Value loadByte(ImplicitLocOpBuilder &b, std::pair<Value, Value> row,
                 Value byteIndex) const {
    if (!row.second)
      return tensor::ExtractOp::create(b, storage,
                                       ValueRange{row.first, byteIndex});
    Value storageRow = arith::AddIOp::create(b, row.first, byteIndex);
    return tensor::ExtractOp::create(b, storage,
                                     ValueRange{storageRow, row.second});
  }

  /// The code (0, 1 or 2; binary 0 or 1) of the weight whose slot is
  /// `shift` in `byte`: `shift` is the slot's shift (bit encodings) or place
  /// value (base 3), null for slot 0.
  Value decode(ImplicitLocOpBuilder &b, Value byte, Value shift) const {
    Value code = byte;
    if (base3) {
      // (byte / 3^slot) % 3 on the unsigned byte (<= 242).
      if (shift)
        code = arith::DivUIOp::create(b, code, shift);
      return arith::RemUIOp::create(b, code, mask);
    }
    if (shift)
      code = arith::ShRUIOp::create(b, code, shift);
    return arith::AndIOp::create(b, code, mask);
  }

  /// acc + w * input[m, k] for the weight in `byte` at `shift` (decode).
  Value accumulate(ImplicitLocOpBuilder &b, Value acc, Value byte, Value shift,
                   Value m, Value k) const {
    Value x = loadActivation(b, input, m, k);
    Value code = decode(b, byte, shift);
    if (type.getEncoding() == PackedEncoding::Binary1) { // 1 -> +1, 0 -> -1
      Value isPlus =
          arith::CmpIOp::create(b, arith::CmpIPredicate::ne, code, code0);
      return addOrSubtract(b, acc, x, isPlus, Value());
    }
    // ternary2 and ternary_base3: 2 -> +1, 1 -> 0, 0 -> -1.
    Value isPlus =
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, code, code2);
    Value isMinus =
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, code, code0);
    return addOrSubtract(b, acc, x, isPlus, isMinus);
  }

  /// `tiled`: weight by weight, row n's slot fixed, the byte at storage
  /// [tile * kBlocks + k / 4, 4 * lane + k % 4].
  Value emitTiled(ImplicitLocOpBuilder &b, Value m, Value n, Value lower,
                  Value upper) const {
    Value inTile = remainderIndex(b, n, type.getBlockRows());
    Value base = arith::MulIOp::create(
        b, divideIndex(b, n, type.getBlockRows()), kBlocks);
    Value laneBytes = arith::MulIOp::create(
        b, remainderIndex(b, inTile, lanes), indexConstant(b, 4));
    Value slot = divideIndex(b, inTile, lanes);
    Value shift;
    if (base3) {
      shift = tensor::ExtractOp::create(b, placeValues, slot);
    } else {
      shift = arith::IndexCastOp::create(b, b.getI8Type(), slot);
      for (unsigned i = 1; i < bits; ++i) // slot * bits, bits in {1, 2}
        shift = arith::AddIOp::create(b, shift, shift);
    }
    auto loop = scf::ForOp::create(
        b, lower, upper, unit, ValueRange{zero},
        [&](OpBuilder &lb, Location loc, Value k, ValueRange args) {
          ImplicitLocOpBuilder lbi(loc, lb);
          Value storageRow =
              arith::AddIOp::create(lbi, base, divideIndex(lbi, k, 4));
          Value storageColumn =
              arith::AddIOp::create(lbi, laneBytes, remainderIndex(lbi, k, 4));
          Value byte = tensor::ExtractOp::create(
              lbi, storage, ValueRange{storageRow, storageColumn});
          scf::YieldOp::create(
              lbi, accumulate(lbi, args.front(), byte, shift, m, k));
        });
    return loop.getResult(0);
  }

  Value emit(ImplicitLocOpBuilder &b, Value m, Value n, Value kStart) const {
    Value lower = kStart ? kStart : indexConstant(b, 0);
    Value upper =
        kStart ? Value(arith::AddIOp::create(b, kStart, spanValue)) : spanValue;
    if (tiled)
      return emitTiled(b, m, n, lower, upper);
    std::pair<Value, Value> row = locateRow(b, n);
    Value acc = zero;
    if (!byteAligned) {
      // Weight by weight: byte k / P, slot k % P.
      auto loop = scf::ForOp::create(
          b, lower, upper, unit, ValueRange{acc},
          [&](OpBuilder &lb, Location loc, Value k, ValueRange args) {
            ImplicitLocOpBuilder lbi(loc, lb);
            Value byte = loadByte(lbi, row, divideIndex(lbi, k, perByte));
            Value slot = remainderIndex(lbi, k, perByte);
            Value shift;
            if (base3) {
              shift = tensor::ExtractOp::create(lbi, placeValues, slot);
            } else {
              // slot * bits with bits in {1, 2}: a shift, not a multiply.
              shift = arith::IndexCastOp::create(lbi, lbi.getI8Type(), slot);
              if (bits == 2)
                shift = arith::AddIOp::create(lbi, shift, shift);
            }
            scf::YieldOp::create(
                lbi, accumulate(lbi, args.front(), byte, shift, m, k));
          });
      return loop.getResult(0);
    }
    if (fullBytes > 0) {
      // for k0 = kStart to kStart + fullBytes * P step P: byte k0 / P.
      auto loop = scf::ForOp::create(
          b, lower, upper, step, ValueRange{acc},
          [&](OpBuilder &lb, Location loc, Value k0, ValueRange args) {
            ImplicitLocOpBuilder lbi(loc, lb);
            Value byte = loadByte(lbi, row, divideIndex(lbi, k0, perByte));
            Value sum = args.front();
            for (int64_t slot = 0; slot < perByte; ++slot) {
              Value k = slot == 0
                            ? k0
                            : arith::AddIOp::create(lbi, k0, slotOffsets[slot]);
              sum = accumulate(lbi, sum, byte, slotShifts[slot], m, k);
            }
            scf::YieldOp::create(lbi, sum);
          });
      acc = loop.getResult(0);
    }
    if (tail > 0) {
      Value byte = loadByte(b, row, tailByte);
      for (int64_t slot = 0; slot < tail; ++slot)
        acc = accumulate(b, acc, byte, slotShifts[slot], m, tailColumns[slot]);
    }
    return acc;
  }

  Value storage, input;
  PackedType type;
  unsigned bits;
  int64_t perByte, span, fullBytes, tail, lanes = 1;
  bool byteAligned, base3, tiled;
  Value zero, mask, code0, code2, step, unit, spanValue, rowBytes, tailByte,
      placeValues, kBlocks;
  SmallVector<Value> slotShifts, slotOffsets, tailColumns;
};

/// Unpacked weights: i8 [N, K] in {-1, 0, +1}; > 0 adds, < 0 subtracts.
struct UnpackedRowDot {
  UnpackedRowDot(ImplicitLocOpBuilder &b, TernaryMatmulOp op, Value weights,
                 Value input)
      : weights(weights), input(input) {
    int64_t kGroup = op.getKGroup();
    span = kGroup > 0 ? indexConstant(b, kGroup)
                      : getValueOrCreateConstantIndexOp(
                            b, b.getLoc(),
                            tensor::getMixedSize(b, b.getLoc(), input, 1));
    zero8 = arith::ConstantIntOp::create(b, b.getI8Type(), 0);
    auto accType =
        accumulatorType(cast<ShapedType>(input.getType()).getElementType());
    zero = arith::ConstantOp::create(b, b.getZeroAttr(accType));
    step = indexConstant(b, 1);
  }

  OpFoldResult getRows(ImplicitLocOpBuilder &b) const {
    return tensor::getMixedSize(b, b.getLoc(), weights, 0);
  }

  Value emit(ImplicitLocOpBuilder &b, Value m, Value n, Value kStart) const {
    Value lower = kStart ? kStart : indexConstant(b, 0);
    Value upper = kStart ? Value(arith::AddIOp::create(b, kStart, span)) : span;
    auto loop = scf::ForOp::create(
        b, lower, upper, step, ValueRange{zero},
        [&](OpBuilder &lb, Location loc, Value k, ValueRange args) {
          ImplicitLocOpBuilder lbi(loc, lb);
          Value w = tensor::ExtractOp::create(lbi, weights, ValueRange{n, k});
          Value isPlus =
              arith::CmpIOp::create(lbi, arith::CmpIPredicate::sgt, w, zero8);
          Value isMinus =
              arith::CmpIOp::create(lbi, arith::CmpIPredicate::slt, w, zero8);
          Value x = loadActivation(lbi, input, m, k);
          scf::YieldOp::create(
              lbi, addOrSubtract(lbi, args.front(), x, isPlus, isMinus));
        });
    return loop.getResult(0);
  }

  Value weights, input, span, zero8, zero, step;
};

template <typename OpTy> struct RowDotFor;
template <> struct RowDotFor<PackedMatmulOp> { using type = PackedRowDot; };
template <> struct RowDotFor<TernaryMatmulOp> { using type = UnpackedRowDot; };

/// Both matmuls: flatten, loop nest with the op's row dot product, reshape.
template <typename OpTy> struct MatmulLowering : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult
  matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    if (!isReferenceMatmul(op))
      return rewriter.notifyMatchFailure(op, "another kernel's matmul");
    OpTy adaptor = op;
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    auto weightsType =
        dyn_cast<RankedTensorType>(adaptor.getWeights().getType());
    if (!inputType || !resultType || !weightsType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");
    int64_t kGroup = op.getKGroup();
    // The verifier guarantees a static K when k_group > 0.
    int64_t k = inputType.getShape().back();
    if (ShapedType::isDynamic(k))
      k = weightsType.getShape().back();

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value input = flattenInput(b, adaptor.getInput());
    typename RowDotFor<OpTy>::type rowDot(b, op, adaptor.getWeights(), input);
    Value init;
    if constexpr (std::is_same_v<OpTy, PackedMatmulOp>)
      init = flattenInit(b, op, adaptor.getInit(), kGroup > 0 ? 2 : 1);
    Value acc = buildMatmulLoops(
        b, input, init, rowDot.getRows(b), resultType.getElementType(), kGroup,
        k,
        [&](ImplicitLocOpBuilder &ib, Value m, Value n, Value kStart) {
          return rowDot.emit(ib, m, n, kStart);
        });
    rewriter.replaceOp(op, unflattenResult(b, acc, adaptor.getInput(),
                                           resultType, kGroup > 0 ? 2 : 1));
    return success();
  }
};

} // namespace

void bitnet::populateReferenceMatmulPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering<PackedMatmulOp>, MatmulLowering<TernaryMatmulOp>>(
      patterns.getContext());
}
