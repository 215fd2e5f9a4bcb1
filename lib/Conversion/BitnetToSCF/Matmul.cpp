//===- Matmul.cpp - bitnet matmuls to add/subtract loops on tensors -------===//
//
// packed_matmul and ternary_matmul become, on the input flattened to [M, K]:
//
//   scf.for %m = 0 to M                 iter_args(%out = tensor.empty [M, N])
//     scf.for %n = 0 to N               iter_args(%o = %out)
//       %acc = <row dot product of input row %m and weight row %n>
//       tensor.insert %acc into %o[%m, %n]
//
// The row dot product adds or subtracts each sign-extended activation
// (arith.select between acc + x and acc - x); there is no multiplication by
// a weight. For packed weights it is an scf.for over the whole packed bytes
// of the row (the place a microkernel will take) followed by the unrolled
// tail byte when K is not a multiple of the weights per byte.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::detail;

namespace {

Value indexConstant(ImplicitLocOpBuilder &b, int64_t value) {
  return arith::ConstantIndexOp::create(b, value);
}

/// acc + x where isPlus, acc - x where isMinus, acc elsewhere. A null
/// `isMinus` means "wherever not isPlus" (binary weights).
Value addOrSubtract(ImplicitLocOpBuilder &b, Value acc, Value x, Value isPlus,
                    Value isMinus) {
  Value plus = arith::AddIOp::create(b, acc, x);
  Value minus = arith::SubIOp::create(b, acc, x);
  if (!isMinus)
    return arith::SelectOp::create(b, isPlus, plus, minus);
  Value skipOrMinus = arith::SelectOp::create(b, isMinus, minus, acc);
  return arith::SelectOp::create(b, isPlus, plus, skipOrMinus);
}

/// input[m, k] sign-extended to i32.
Value loadActivation(ImplicitLocOpBuilder &b, Value input, Value m, Value k) {
  Value x = tensor::ExtractOp::create(b, input, ValueRange{m, k});
  return arith::ExtSIOp::create(b, b.getI32Type(), x);
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

/// [M, N] -> `resultType` [..., N], the leading dims being those of `input`.
Value unflattenResult(ImplicitLocOpBuilder &b, Value acc, Value input,
                      RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  auto accType = cast<RankedTensorType>(acc.getType());
  if (rank == 1) {
    Value row = tensor::CollapseShapeOp::create(
        b, acc, ArrayRef<ReassociationIndices>{{0, 1}});
    return castIfNeeded(b, row, resultType);
  }
  if (rank == 2)
    return castIfNeeded(b, acc, resultType);
  SmallVector<OpFoldResult> shape = tensor::getMixedSizes(b, b.getLoc(), input);
  shape.back() = tensor::getMixedSize(b, b.getLoc(), acc, 1);
  ReassociationIndices leading =
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  Value expanded = tensor::ExpandShapeOp::create(
      b, tensorTypeOf(shape, accType.getElementType()), acc,
      ArrayRef<ReassociationIndices>{leading, {rank - 1}}, shape);
  return castIfNeeded(b, expanded, resultType);
}

using RowDotFn = function_ref<Value(ImplicitLocOpBuilder &b, Value m, Value n)>;

/// The M x N loop nest over a destination tensor; `rowDot` yields the i32
/// sum for one (m, n).
Value buildMatmulLoops(ImplicitLocOpBuilder &b, Value input, OpFoldResult rows,
                       RowDotFn rowDot) {
  OpFoldResult m = tensor::getMixedSize(b, b.getLoc(), input, 0);
  Value init = tensor::EmptyOp::create(b, ArrayRef<OpFoldResult>{m, rows},
                                       b.getI32Type());
  Value zero = indexConstant(b, 0), one = indexConstant(b, 1);
  Value mBound = getValueOrCreateConstantIndexOp(b, b.getLoc(), m);
  Value nBound = getValueOrCreateConstantIndexOp(b, b.getLoc(), rows);
  auto outer = scf::ForOp::create(
      b, zero, mBound, one, ValueRange{init},
      [&](OpBuilder &ob, Location loc, Value mIv, ValueRange outerArgs) {
        ImplicitLocOpBuilder obi(loc, ob);
        auto inner = scf::ForOp::create(
            obi, zero, nBound, one, ValueRange{outerArgs.front()},
            [&](OpBuilder &ib, Location loc, Value nIv, ValueRange innerArgs) {
              ImplicitLocOpBuilder ibi(loc, ib);
              Value sum = rowDot(ibi, mIv, nIv);
              Value updated = tensor::InsertOp::create(
                  ibi, sum, innerArgs.front(), ValueRange{mIv, nIv});
              scf::YieldOp::create(ibi, updated);
            });
        scf::YieldOp::create(obi, inner.getResult(0));
      });
  return outer.getResult(0);
}

//===----------------------------------------------------------------------===//
// Row dot products, one per weight form
//===----------------------------------------------------------------------===//

/// Packed weights: storage [N, rowBytes] i8, decoded with shifts and masks.
/// The constants are created once, before the loops.
struct PackedRowDot {
  PackedRowDot(ImplicitLocOpBuilder &b, PackedMatmulOp op, Value storage,
               Value input)
      : storage(storage), input(input), type(op.getWeights().getType()) {
    unsigned bits = type.getBitsPerWeight();
    perByte = type.getWeightsPerByte();
    fullBytes = type.getCols() / perByte;
    tail = type.getCols() % perByte;
    auto i8Constant = [&](int64_t value) -> Value {
      return arith::ConstantIntOp::create(b, b.getI8Type(), value);
    };
    zero = arith::ConstantIntOp::create(b, b.getI32Type(), 0);
    mask = i8Constant(bits == 0 ? 0 : (1 << bits) - 1);
    code0 = i8Constant(0);
    code2 = i8Constant(2);
    int64_t pow3 = 1;
    three = i8Constant(3);
    for (int64_t slot = 0; slot < perByte; ++slot) {
      shifts.push_back(slot == 0 ? Value() : i8Constant(slot * bits));
      powersOf3.push_back(i8Constant(pow3));
      pow3 *= 3;
      slotOffsets.push_back(indexConstant(b, slot));
    }
    lower = indexConstant(b, 0);
    upper = indexConstant(b, fullBytes * perByte);
    step = indexConstant(b, perByte);
    log2PerByte = indexConstant(b, llvm::Log2_64(perByte));
    if (tail > 0) {
      tailByte = indexConstant(b, fullBytes);
      for (int64_t slot = 0; slot < tail; ++slot)
        tailColumns.push_back(indexConstant(b, fullBytes * perByte + slot));
    }
  }

  OpFoldResult getRows(ImplicitLocOpBuilder &b) const {
    return b.getIndexAttr(type.getRows());
  }

  /// Adds weight `slot` of `byte` (whose column is `k`) times input[m, k].
  Value accumulate(ImplicitLocOpBuilder &b, Value acc, Value byte, int64_t slot,
                   Value m, Value k) const {
    Value x = loadActivation(b, input, m, k);
    Value code = byte;
    if (type.getEncoding() == PackedEncoding::TernaryBase3) {
      // Base-3 digit `slot` of the unsigned byte: (byte / 3^slot) % 3.
      if (slot != 0)
        code = arith::DivUIOp::create(b, code, powersOf3[slot]);
      code = arith::RemUIOp::create(b, code, three);
    } else {
      if (slot != 0)
        code = arith::ShRUIOp::create(b, code, shifts[slot]);
      code = arith::AndIOp::create(b, code, mask);
    }
    switch (type.getEncoding()) {
    case PackedEncoding::Binary1: { // 1 -> +1, 0 -> -1
      Value isPlus =
          arith::CmpIOp::create(b, arith::CmpIPredicate::ne, code, code0);
      return addOrSubtract(b, acc, x, isPlus, Value());
    }
    case PackedEncoding::Ternary2: // 0b10 -> +1, 0b01 -> 0, 0b00 -> -1
    case PackedEncoding::TernaryBase3: { // digit 2 -> +1, 1 -> 0, 0 -> -1
      Value isPlus =
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, code, code2);
      Value isMinus =
          arith::CmpIOp::create(b, arith::CmpIPredicate::eq, code, code0);
      return addOrSubtract(b, acc, x, isPlus, isMinus);
    }
    }
    llvm_unreachable("unknown packed encoding");
  }

  Value emit(ImplicitLocOpBuilder &b, Value m, Value n) const {
    Value acc = zero;
    if (fullBytes > 0) {
      // for k0 = 0 to fullBytes * perByte step perByte: byte k0 / perByte.
      auto loop = scf::ForOp::create(
          b, lower, upper, step, ValueRange{acc},
          [&](OpBuilder &lb, Location loc, Value k0, ValueRange args) {
            ImplicitLocOpBuilder lbi(loc, lb);
            Value byteIndex = arith::ShRUIOp::create(lbi, k0, log2PerByte);
            Value byte = tensor::ExtractOp::create(lbi, storage,
                                                   ValueRange{n, byteIndex});
            Value sum = args.front();
            for (int64_t slot = 0; slot < perByte; ++slot) {
              Value k = slot == 0
                            ? k0
                            : arith::AddIOp::create(lbi, k0, slotOffsets[slot]);
              sum = accumulate(lbi, sum, byte, slot, m, k);
            }
            scf::YieldOp::create(lbi, sum);
          });
      acc = loop.getResult(0);
    }
    if (tail > 0) {
      Value byte =
          tensor::ExtractOp::create(b, storage, ValueRange{n, tailByte});
      for (int64_t slot = 0; slot < tail; ++slot)
        acc = accumulate(b, acc, byte, slot, m, tailColumns[slot]);
    }
    return acc;
  }

  Value storage, input;
  PackedType type;
  int64_t perByte, fullBytes, tail;
  Value zero, mask, three, code0, code2, lower, upper, step, log2PerByte, tailByte;
  SmallVector<Value> shifts, powersOf3, slotOffsets, tailColumns;
};

/// Unpacked weights: i8 [N, K] in {-1, 0, +1}; > 0 adds, < 0 subtracts.
struct UnpackedRowDot {
  UnpackedRowDot(ImplicitLocOpBuilder &b, TernaryMatmulOp op, Value weights,
                 Value input)
      : weights(weights), input(input) {
    cols = getValueOrCreateConstantIndexOp(
        b, b.getLoc(), tensor::getMixedSize(b, b.getLoc(), input, 1));
    zero8 = arith::ConstantIntOp::create(b, b.getI8Type(), 0);
    zero = arith::ConstantIntOp::create(b, b.getI32Type(), 0);
    lower = indexConstant(b, 0);
    step = indexConstant(b, 1);
  }

  OpFoldResult getRows(ImplicitLocOpBuilder &b) const {
    return tensor::getMixedSize(b, b.getLoc(), weights, 0);
  }

  Value emit(ImplicitLocOpBuilder &b, Value m, Value n) const {
    auto loop = scf::ForOp::create(
        b, lower, cols, step, ValueRange{zero},
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

  Value weights, input, cols, zero8, zero, lower, step;
};

template <typename OpTy> struct RowDotFor;
template <> struct RowDotFor<PackedMatmulOp> { using type = PackedRowDot; };
template <> struct RowDotFor<TernaryMatmulOp> { using type = UnpackedRowDot; };

/// Both matmuls: flatten, loop nest with the op's row dot product, reshape.
template <typename OpTy> struct MatmulLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto weightsType =
        dyn_cast<RankedTensorType>(adaptor.getWeights().getType());
    if (!inputType || !resultType || !weightsType)
      return rewriter.notifyMatchFailure(op, "expected ranked tensors");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value input = flattenInput(b, adaptor.getInput());
    typename RowDotFor<OpTy>::type rowDot(b, op, adaptor.getWeights(), input);
    Value acc =
        buildMatmulLoops(b, input, rowDot.getRows(b),
                         [&](ImplicitLocOpBuilder &ib, Value m, Value n) {
                           return rowDot.emit(ib, m, n);
                         });
    rewriter.replaceOp(op,
                       unflattenResult(b, acc, adaptor.getInput(), resultType));
    return success();
  }
};

} // namespace

void bitnet::detail::populateMatmulToSCFPatterns(
    RewritePatternSet &patterns, const TypeConverter &typeConverter) {
  patterns.add<MatmulLowering<PackedMatmulOp>, MatmulLowering<TernaryMatmulOp>>(
      typeConverter, patterns.getContext());
}
