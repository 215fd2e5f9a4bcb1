//===- Elementwise.cpp - elementwise onnx ops to linalg.generic -----------===//
//
// One pattern lowers every elementwise op: a parallel linalg.generic that
// broadcasts the inputs numpy-style and computes each element with the op's
// scalar function from `kElementwiseOps`, a table of
//   op, scalar function on float inputs, on integer (and i1) inputs,
//   whether f16/bf16 are computed in f32.
// A null function means the op does not support that element family.
// Also here: the ops that only pass data through (Constant, NoValue,
// Identity, Dropout).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::onnx_to_linalg;
namespace onnx = mlir::onnx_ir;

namespace {

/// What a scalar function sees: the builder inside the generic, the op (for
/// attributes) and the result element type.
struct ScalarContext {
  OpBuilder &b;
  Location loc;
  Operation *op;
  Type resultType;
};
using ScalarFn = Value (*)(ScalarContext &, ValueRange);

//===----------------------------------------------------------------------===//
// Scalar functions
//===----------------------------------------------------------------------===//

template <typename MathOp> Value unary(ScalarContext &c, ValueRange args) {
  return MathOp::create(c.b, c.loc, args[0]);
}

/// Left fold of a binary op over all inputs (binary ops and Sum/Max/Min).
template <typename BinaryOp> Value fold(ScalarContext &c, ValueRange args) {
  Value acc = args[0];
  for (Value arg : args.drop_front())
    acc = BinaryOp::create(c.b, c.loc, acc, arg);
  return acc;
}

/// As `fold`, with the unsigned variant for uint* and i1 (true is 1, not -1).
template <typename SignedOp, typename UnsignedOp>
Value foldInt(ScalarContext &c, ValueRange args) {
  if (isUnsignedLike(args[0].getType()))
    return fold<UnsignedOp>(c, args);
  return fold<SignedOp>(c, args);
}

template <arith::CmpFPredicate predicate>
Value compareF(ScalarContext &c, ValueRange args) {
  return arith::CmpFOp::create(c.b, c.loc, predicate, args[0], args[1]);
}

/// uint* and bools (0 and 1) compare with the unsigned predicate.
arith::CmpIPredicate unsignedPredicate(arith::CmpIPredicate predicate) {
  switch (predicate) {
  case arith::CmpIPredicate::slt:
    return arith::CmpIPredicate::ult;
  case arith::CmpIPredicate::sle:
    return arith::CmpIPredicate::ule;
  case arith::CmpIPredicate::sgt:
    return arith::CmpIPredicate::ugt;
  case arith::CmpIPredicate::sge:
    return arith::CmpIPredicate::uge;
  default:
    return predicate;
  }
}

template <arith::CmpIPredicate predicate>
Value compareI(ScalarContext &c, ValueRange args) {
  arith::CmpIPredicate p =
      isUnsignedLike(args[0].getType()) ? unsignedPredicate(predicate)
                                        : predicate;
  return arith::CmpIOp::create(c.b, c.loc, p, args[0], args[1]);
}

Value constantLike(ScalarContext &c, Value like, double value) {
  return createScalar(c.b, c.loc, like.getType(), value);
}

Value negI(ScalarContext &c, ValueRange args) {
  return arith::SubIOp::create(c.b, c.loc, constantLike(c, args[0], 0),
                               args[0]);
}

Value notI(ScalarContext &c, ValueRange args) {
  return arith::XOrIOp::create(c.b, c.loc, args[0],
                               constantLike(c, args[0], 1));
}

Value reciprocal(ScalarContext &c, ValueRange args) {
  return arith::DivFOp::create(c.b, c.loc, constantLike(c, args[0], 1),
                               args[0]);
}

Value relu(ScalarContext &c, ValueRange args) {
  Value zero = constantLike(c, args[0], 0);
  if (isa<FloatType>(args[0].getType())) // NaN stays NaN
    return arith::MaximumFOp::create(c.b, c.loc, args[0], zero);
  if (isUnsignedLike(args[0].getType())) // never negative
    return args[0];
  return arith::MaxSIOp::create(c.b, c.loc, args[0], zero);
}

/// |x|; an unsigned value is its own magnitude.
Value absI(ScalarContext &c, ValueRange args) {
  if (isUnsignedLike(args[0].getType()))
    return args[0];
  return math::AbsIOp::create(c.b, c.loc, args[0]);
}

/// -1, 0 or 1; zero and NaN map to themselves.
Value sign(ScalarContext &c, ValueRange args) {
  Value x = args[0];
  Value zero = constantLike(c, x, 0);
  Value positive, negative;
  if (isa<FloatType>(x.getType())) {
    positive =
        arith::CmpFOp::create(c.b, c.loc, arith::CmpFPredicate::OGT, x, zero);
    negative =
        arith::CmpFOp::create(c.b, c.loc, arith::CmpFPredicate::OLT, x, zero);
  } else if (isUnsignedLike(x.getType())) {
    positive =
        arith::CmpIOp::create(c.b, c.loc, arith::CmpIPredicate::ne, x, zero);
    return arith::SelectOp::create(c.b, c.loc, positive, constantLike(c, x, 1),
                                   x);
  } else {
    positive =
        arith::CmpIOp::create(c.b, c.loc, arith::CmpIPredicate::sgt, x, zero);
    negative =
        arith::CmpIOp::create(c.b, c.loc, arith::CmpIPredicate::slt, x, zero);
  }
  Value orZero =
      arith::SelectOp::create(c.b, c.loc, negative, constantLike(c, x, -1), x);
  return arith::SelectOp::create(c.b, c.loc, positive, constantLike(c, x, 1),
                                 orZero);
}

/// 1 / (1 + exp(-x)).
Value sigmoid(ScalarContext &c, ValueRange args) {
  Value negated = arith::NegFOp::create(c.b, c.loc, args[0]);
  Value exp = math::ExpOp::create(c.b, c.loc, negated);
  Value one = constantLike(c, args[0], 1);
  Value denominator = arith::AddFOp::create(c.b, c.loc, one, exp);
  return arith::DivFOp::create(c.b, c.loc, one, denominator);
}

Value leakyRelu(ScalarContext &c, ValueRange args) {
  Value x = args[0];
  double alpha = cast<onnx::LeakyReluOp>(c.op).getAlpha().convertToDouble();
  Value scaled =
      arith::MulFOp::create(c.b, c.loc, x, constantLike(c, x, alpha));
  Value negative = arith::CmpFOp::create(c.b, c.loc, arith::CmpFPredicate::OLT,
                                         x, constantLike(c, x, 0));
  return arith::SelectOp::create(c.b, c.loc, negative, scaled, x);
}

/// none: x/2 * (1 + erf(x/sqrt(2)));
/// tanh: x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
Value gelu(ScalarContext &c, ValueRange args) {
  Value x = args[0];
  auto mul = [&](Value l, Value r) {
    return arith::MulFOp::create(c.b, c.loc, l, r).getResult();
  };
  Value inner;
  if (cast<onnx::GeluOp>(c.op).getApproximate() == "tanh") {
    Value cube = mul(mul(x, x), x);
    Value poly = arith::AddFOp::create(c.b, c.loc, x,
                                       mul(constantLike(c, x, 0.044715), cube));
    inner = math::TanhOp::create(
        c.b, c.loc, mul(constantLike(c, x, 0.7978845608028654), poly));
  } else {
    inner = math::ErfOp::create(c.b, c.loc,
                                mul(x, constantLike(c, x, 0.7071067811865476)));
  }
  Value onePlus =
      arith::AddFOp::create(c.b, c.loc, constantLike(c, x, 1), inner);
  return mul(mul(x, constantLike(c, x, 0.5)), onePlus);
}

/// Float base; an integer or other-width exponent is converted to it.
Value pow(ScalarContext &c, ValueRange args) {
  Value exponent = convertScalar(c.b, c.loc, args[1], args[0].getType());
  return math::PowFOp::create(c.b, c.loc, args[0], exponent);
}

/// Integer base: computed in f64 (exact while the result stays below 2^53)
/// and truncated to the result type, as ONNX Runtime does.
Value powInt(ScalarContext &c, ValueRange args) {
  Type f64 = c.b.getF64Type();
  Value base = convertScalar(c.b, c.loc, args[0], f64);
  Value exponent = convertScalar(c.b, c.loc, args[1], f64);
  return math::PowFOp::create(c.b, c.loc, base, exponent);
}

/// X << Y or X >> Y on unsigned X; a shift by the width or more gives 0
/// (arith's shifts would give poison).
Value bitShift(ScalarContext &c, ValueRange args) {
  Value x = args[0], amount = args[1];
  Value shifted =
      cast<onnx::BitShiftOp>(c.op).getDirection() == "LEFT"
          ? arith::ShLIOp::create(c.b, c.loc, x, amount).getResult()
          : arith::ShRUIOp::create(c.b, c.loc, x, amount).getResult();
  Value width = constantLike(c, x, x.getType().getIntOrFloatBitWidth());
  Value inRange = arith::CmpIOp::create(c.b, c.loc, arith::CmpIPredicate::ult,
                                        amount, width);
  return arith::SelectOp::create(c.b, c.loc, inRange, shifted,
                                 constantLike(c, x, 0));
}

Value mean(ScalarContext &c, ValueRange args) {
  Value sum = fold<arith::AddFOp>(c, args);
  return arith::DivFOp::create(c.b, c.loc, sum,
                               constantLike(c, sum, args.size()));
}

/// Clip(x, min?, max?): NaN stays NaN; the inputs after x are the bounds
/// the node gives.
Value clip(ScalarContext &c, ValueRange args) {
  auto clipOp = cast<onnx::ClipOp>(c.op);
  Value x = args[0];
  unsigned next = 1;
  bool isFloat = isa<FloatType>(x.getType());
  bool isUnsigned = isUnsignedLike(x.getType());
  auto bound = [&](Value limit, bool isMin) {
    if (!isFloat && isUnsigned)
      return isMin ? arith::MaxUIOp::create(c.b, c.loc, x, limit).getResult()
                   : arith::MinUIOp::create(c.b, c.loc, x, limit).getResult();
    if (!isFloat)
      return isMin ? arith::MaxSIOp::create(c.b, c.loc, x, limit).getResult()
                   : arith::MinSIOp::create(c.b, c.loc, x, limit).getResult();
    Value outside = arith::CmpFOp::create(c.b, c.loc,
                                          isMin ? arith::CmpFPredicate::OLT
                                                : arith::CmpFPredicate::OGT,
                                          x, limit);
    return arith::SelectOp::create(c.b, c.loc, outside, limit, x).getResult();
  };
  if (!isNone(clipOp.getMin()))
    x = bound(args[next++], /*isMin=*/true);
  if (!isNone(clipOp.getMax()))
    x = bound(args[next++], /*isMin=*/false);
  return x;
}

Value select(ScalarContext &c, ValueRange args) {
  return arith::SelectOp::create(c.b, c.loc, args[0], args[1], args[2]);
}

Value convert(ScalarContext &c, ValueRange args) {
  return convertScalar(c.b, c.loc, args[0], c.resultType);
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

struct ElementwiseEntry {
  StringLiteral opName;
  ScalarFn onFloat; // null: float inputs are not supported
  ScalarFn onInt;   // null: integer and bool inputs are not supported
  bool f32Compute;  // compute f16/bf16 in f32
  int numInputs;    // the leading operands that are data; -1: all of them
};

using CmpF = arith::CmpFPredicate;
using CmpI = arith::CmpIPredicate;

// clang-format off
const ElementwiseEntry kElementwiseOps[] = {
    // Unary.
    {onnx::AbsOp::getOperationName(), unary<math::AbsFOp>, absI, false, -1},
    {onnx::CeilOp::getOperationName(), unary<math::CeilOp>, nullptr, false, -1},
    {onnx::CosOp::getOperationName(), unary<math::CosOp>, nullptr, true, -1},
    {onnx::ErfOp::getOperationName(), unary<math::ErfOp>, nullptr, true, -1},
    {onnx::ExpOp::getOperationName(), unary<math::ExpOp>, nullptr, true, -1},
    {onnx::FloorOp::getOperationName(), unary<math::FloorOp>, nullptr, false, -1},
    {onnx::LogOp::getOperationName(), unary<math::LogOp>, nullptr, true, -1},
    {onnx::NegOp::getOperationName(), unary<arith::NegFOp>, negI, false, -1},
    {onnx::NotOp::getOperationName(), nullptr, notI, false, -1},
    {onnx::ReciprocalOp::getOperationName(), reciprocal, nullptr, false, -1},
    {onnx::ReluOp::getOperationName(), relu, relu, false, -1},
    {onnx::RoundOp::getOperationName(), unary<math::RoundEvenOp>, nullptr, false, -1},
    {onnx::SigmoidOp::getOperationName(), sigmoid, nullptr, true, -1},
    {onnx::SignOp::getOperationName(), sign, sign, false, -1},
    {onnx::SinOp::getOperationName(), unary<math::SinOp>, nullptr, true, -1},
    {onnx::SqrtOp::getOperationName(), unary<math::SqrtOp>, nullptr, true, -1},
    {onnx::TanhOp::getOperationName(), unary<math::TanhOp>, nullptr, true, -1},
    {onnx::LeakyReluOp::getOperationName(), leakyRelu, nullptr, false, -1},
    {onnx::GeluOp::getOperationName(), gelu, nullptr, true, -1},
    // Binary, numpy broadcasting.
    {onnx::AddOp::getOperationName(), fold<arith::AddFOp>, fold<arith::AddIOp>, false, -1},
    {onnx::SubOp::getOperationName(), fold<arith::SubFOp>, fold<arith::SubIOp>, false, -1},
    {onnx::MulOp::getOperationName(), fold<arith::MulFOp>, fold<arith::MulIOp>, false, -1},
    {onnx::DivOp::getOperationName(), fold<arith::DivFOp>, foldInt<arith::DivSIOp, arith::DivUIOp>, false, -1},
    {onnx::PowOp::getOperationName(), pow, powInt, true, -1},
    {onnx::AndOp::getOperationName(), nullptr, fold<arith::AndIOp>, false, -1},
    {onnx::OrOp::getOperationName(), nullptr, fold<arith::OrIOp>, false, -1},
    {onnx::XorOp::getOperationName(), nullptr, fold<arith::XOrIOp>, false, -1},
    {onnx::BitShiftOp::getOperationName(), nullptr, bitShift, false, -1},
    {onnx::EqualOp::getOperationName(), compareF<CmpF::OEQ>, compareI<CmpI::eq>, false, -1},
    {onnx::LessOp::getOperationName(), compareF<CmpF::OLT>, compareI<CmpI::slt>, false, -1},
    {onnx::LessOrEqualOp::getOperationName(), compareF<CmpF::OLE>, compareI<CmpI::sle>, false, -1},
    {onnx::GreaterOp::getOperationName(), compareF<CmpF::OGT>, compareI<CmpI::sgt>, false, -1},
    {onnx::GreaterOrEqualOp::getOperationName(), compareF<CmpF::OGE>, compareI<CmpI::sge>, false, -1},
    // Variadic.
    {onnx::MaxOp::getOperationName(), fold<arith::MaximumFOp>, foldInt<arith::MaxSIOp, arith::MaxUIOp>, false, -1},
    {onnx::MinOp::getOperationName(), fold<arith::MinimumFOp>, foldInt<arith::MinSIOp, arith::MinUIOp>, false, -1},
    {onnx::SumOp::getOperationName(), fold<arith::AddFOp>, fold<arith::AddIOp>, false, -1},
    {onnx::MeanOp::getOperationName(), mean, nullptr, true, -1},
    // Others.
    {onnx::ClipOp::getOperationName(), clip, clip, false, -1},
    {onnx::WhereOp::getOperationName(), select, select, false, -1},
    {onnx::CastOp::getOperationName(), convert, convert, false, -1},
    {onnx::CastLikeOp::getOperationName(), convert, convert, false, 1},
};
// clang-format on

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Any op of the table: one linalg.generic, the inputs broadcast together.
class ElementwiseLowering : public ConversionPattern {
public:
  ElementwiseLowering(MLIRContext *ctx, const ElementwiseEntry &entry)
      : ConversionPattern(entry.opName, /*benefit=*/1, ctx), entry(entry) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkLowerableTypes(op)))
      return failure();
    SmallVector<Value> inputs;
    for (Value operand : operands)
      if (!isNone(operand))
        inputs.push_back(operand);
    if (entry.numInputs >= 0)
      inputs.resize(entry.numInputs);
    Type dispatchType = getElementType(inputs.front());
    ScalarFn fn = isa<FloatType>(dispatchType) ? entry.onFloat : entry.onInt;
    if (!fn)
      return emitNodeError(op)
             << "element type " << dispatchType << " is not supported";
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (failed(checkBroadcastable(op, inputs, resultType.getShape())))
      return failure();
    bool promote =
        entry.f32Compute && getComputeType(dispatchType) != dispatchType;
    Value result = buildElementwise(
        rewriter, op->getLoc(), inputs, resultType,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> computeArgs(args);
          if (promote)
            for (Value &arg : computeArgs)
              arg = convertScalar(b, loc, arg, getComputeType(arg.getType()));
          ScalarContext context{b, loc, op, resultType.getElementType()};
          Value value = fn(context, computeArgs);
          return convertScalar(b, loc, value, resultType.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  ElementwiseEntry entry;
};

/// onnx.Constant -> arith.constant.
struct ConstantLowering : OpConversionPattern<onnx::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, op.getType(), cast<TypedAttr>(op.getValue()));
    return success();
  }
};

/// An unused onnx.NoValue is erased (used ones go with their users).
struct NoValueLowering : OpConversionPattern<onnx::NoValueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::NoValueOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->use_empty())
      return rewriter.notifyMatchFailure(op, "still used");
    rewriter.eraseOp(op);
    return success();
  }
};

struct IdentityLowering : OnnxPattern<onnx::IdentityOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::IdentityOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, castToType(rewriter, op.getLoc(), adaptor.getX(), op.getType()));
    return success();
  }
};

/// Dropout: the identity with a mask of all true when training_mode is
/// absent or a constant false. Otherwise (a runtime or true training_mode)
/// each element is kept when a pseudo-random u in [0, 1) is >= ratio and
/// scaled by 1 / (1 - ratio); u hashes the element's linear index with the
/// `seed` attribute (splitmix64), so a compiled model is deterministic.
/// A false training_mode at run time, or ratio 0, gives the identity.
struct DropoutLowering : OnnxPattern<onnx::DropoutOp> {
  using OnnxPattern::OnnxPattern;
  LogicalResult lower(onnx::DropoutOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    bool inference = isNone(op.getTrainingMode());
    if (!inference)
      if (std::optional<double> training =
              getConstantScalar(op.getTrainingMode()))
        inference = *training == 0;
    Value data = adaptor.getData();
    auto maskType = dyn_cast<RankedTensorType>(op.getMask().getType());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, data);
    if (inference) {
      SmallVector<Value> results = {
          castToType(rewriter, loc, data, op.getOutput().getType())};
      if (maskType) {
        Value allTrue = createScalar(rewriter, loc, rewriter.getI1Type(), 1);
        results.push_back(castToType(
            rewriter, loc, createFilled(rewriter, loc, sizes, allTrue),
            maskType));
      } else {
        results.push_back(nullptr); // `none`: unused
      }
      rewriter.replaceOp(op, results);
      return success();
    }
    Type type = getElementType(data);
    if (!isa<FloatType>(type))
      return nodeFailure(op, "training mode needs a float input");
    if (!isNone(adaptor.getRatio()) &&
        getTensorType(adaptor.getRatio()).getNumElements() != 1)
      return nodeFailure(op, "ratio must hold a single element");
    if (getTensorType(adaptor.getTrainingMode()).getNumElements() != 1)
      return nodeFailure(op, "training_mode must hold a single element");
    Type computeType = getComputeType(type); // f64 stays f64
    Value ratio =
        isNone(adaptor.getRatio())
            ? createScalar(rewriter, loc, computeType, 0.5)
            : convertScalar(rewriter, loc,
                            extractScalar(rewriter, loc, adaptor.getRatio()),
                            computeType);
    Value training = convertScalar(
        rewriter, loc, extractScalar(rewriter, loc, adaptor.getTrainingMode()),
        rewriter.getI1Type());
    Value one = createScalar(rewriter, loc, computeType, 1);
    Value scale = arith::DivFOp::create(
        rewriter, loc, one, arith::SubFOp::create(rewriter, loc, one, ratio));
    uint64_t seed = static_cast<uint64_t>(op.getSeed().value_or(0));
    int64_t rank = getTensorType(data).getRank();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineMap> identity = {
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    auto keepAt = [&](OpBuilder &b, Location l, ValueRange ivs) {
      IndexMath m{b, l};
      Value linear = m.c(0);
      for (int64_t d = 0; d < rank; ++d)
        linear = m.add(m.mul(linear, m.dim(data, d)), ivs[d]);
      Type i64 = b.getI64Type();
      auto constant = [&](uint64_t v) {
        return arith::ConstantOp::create(
            b, l, b.getIntegerAttr(i64, APInt(64, v)));
      };
      auto xorShift = [&](Value z, uint64_t shift) {
        return arith::XOrIOp::create(
            b, l, z, arith::ShRUIOp::create(b, l, z, constant(shift)));
      };
      Value z = arith::AddIOp::create(
          b, l, arith::IndexCastOp::create(b, l, i64, linear),
          constant(seed * 0x9E3779B97F4A7C15ull + 0x9E3779B97F4A7C15ull));
      z = arith::MulIOp::create(b, l, xorShift(z, 30),
                                constant(0xBF58476D1CE4E5B9ull));
      z = arith::MulIOp::create(b, l, xorShift(z, 27),
                                constant(0x94D049BB133111EBull));
      z = xorShift(z, 31);
      // The top 24 bits as u in [0, 1): exact in computeType and f64.
      Value top = arith::ShRUIOp::create(b, l, z, constant(40));
      Value u = arith::MulFOp::create(
          b, l, arith::UIToFPOp::create(b, l, computeType, top),
          createScalar(b, l, computeType, 1.0 / 16777216.0));
      Value keep =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, u, ratio);
      Value notTraining = arith::XOrIOp::create(
          b, l, training, createScalar(b, l, b.getI1Type(), 1));
      return arith::OrIOp::create(b, l, keep, notTraining).getResult();
    };
    Value output = buildIndexed(
        rewriter, loc, cast<RankedTensorType>(op.getOutput().getType()), sizes,
        data, identity,
        [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange args) {
          Value keep = keepAt(b, l, ivs);
          Value x = convertScalar(b, l, args[0], computeType);
          Value scaled = arith::SelectOp::create(
              b, l, training, arith::MulFOp::create(b, l, x, scale), x);
          Value zero = createScalar(b, l, computeType, 0);
          return convertScalar(
              b, l, arith::SelectOp::create(b, l, keep, scaled, zero), type);
        });
    SmallVector<Value> results = {output};
    if (maskType)
      results.push_back(buildIndexed(
          rewriter, loc, maskType, sizes, {}, {},
          [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange) {
            return keepAt(b, l, ivs);
          }));
    else
      results.push_back(nullptr);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void onnx_to_linalg::populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  for (const ElementwiseEntry &entry : kElementwiseOps)
    patterns.add<ElementwiseLowering>(ctx, entry);
  patterns.add<ConstantLowering, NoValueLowering, IdentityLowering,
               DropoutLowering>(ctx);
}
