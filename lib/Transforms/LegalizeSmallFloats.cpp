//===- LegalizeSmallFloats.cpp - f16/bf16 without compiler-rt helpers -----===//
//
// LLVM lowers half and bfloat arithmetic and conversions on CPUs without the
// instructions to calls of __extendhfsf2, __truncsfhf2, __truncsfbf2 and
// __truncdfhf2, which Debian 12's libgcc does not all have: a library that
// references them does not load there. This pass leaves LLVM nothing to
// call:
//  1. arithmetic and math on f16/bf16 (scalars and vectors) is done in f32,
//     each result rounded back (MLIR's emulate-unsupported-floats for arith,
//     the same rule for math here), which rounds exactly as native half
//     arithmetic does for + - * / sqrt;
//  2. conversions from f64 to f16/bf16 go through f32 rounded to odd, and
//     from f16/bf16 to f64 through f32 (exact), so only f32 <-> f16/bf16
//     conversions remain;
//  3. those are expanded into integer operations (round to nearest even,
//     subnormals, infinities, NaN) where the target has no instruction for
//     them: f16 without F16C on x86-64, bf16 without AVX512-BF16 (AArch64
//     without +bf16); every other architecture gets both expansions.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETLEGALIZESMALLFLOATSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

bool isSmallFloat(Type type) {
  return isa<Float16Type, BFloat16Type>(getElementTypeOrSelf(type));
}

/// `type` (a scalar or vector type) with element type `element`.
Type withElement(Type type, Type element) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(element);
  return element;
}

/// A constant of `type`'s shape (scalar or splat vector).
Value constantLike(ImplicitLocOpBuilder &b, Type type, Attribute scalar) {
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, DenseElementsAttr::get(vector, scalar));
  return arith::ConstantOp::create(b, cast<TypedAttr>(scalar));
}
Value intLike(ImplicitLocOpBuilder &b, Type type, unsigned bits,
              uint64_t value) {
  Type element = b.getIntegerType(bits);
  return constantLike(b, withElement(type, element),
                      b.getIntegerAttr(element, value));
}

/// Math ops on f16/bf16: extend operands to f32, compute, truncate results.
struct MathInF32 : RewritePattern {
  MathInF32(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<math::MathDialect>(op->getDialect()) || op->getNumRegions() ||
        (llvm::none_of(op->getOperandTypes(), isSmallFloat) &&
         llvm::none_of(op->getResultTypes(), isSmallFloat)))
      return failure();
    Type f32 = rewriter.getF32Type();
    SmallVector<Value> operands;
    for (Value operand : op->getOperands())
      operands.push_back(
          isSmallFloat(operand.getType())
              ? Value(arith::ExtFOp::create(
                    rewriter, op->getLoc(),
                    withElement(operand.getType(), f32), operand))
              : operand);
    SmallVector<Type> resultTypes;
    for (Type type : op->getResultTypes())
      resultTypes.push_back(isSmallFloat(type) ? withElement(type, f32) : type);
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs());
    Operation *wide = rewriter.create(state);
    SmallVector<Value> results;
    for (auto [result, type] :
         llvm::zip_equal(wide->getResults(), op->getResultTypes()))
      results.push_back(isSmallFloat(type)
                            ? Value(arith::TruncFOp::create(
                                  rewriter, op->getLoc(), type, result))
                            : result);
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// extf f16/bf16 -> f64 through f32 (both steps exact).
struct ExtendThroughF32 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    Type result = getElementTypeOrSelf(op.getType());
    if (!isSmallFloat(op.getIn().getType()) || result.isF32())
      return failure();
    Value f32 = arith::ExtFOp::create(
        rewriter, op.getLoc(),
        withElement(op.getType(), rewriter.getF32Type()), op.getIn());
    rewriter.replaceOpWithNewOp<arith::ExtFOp>(op, op.getType(), f32);
    return success();
  }
};

/// truncf f64 -> f16/bf16 as f64 -> f32 rounded to odd, then f32 -> small:
/// with 24 bits against 11 (8), rounding to odd first keeps the second
/// rounding correct (no double-rounding error).
struct TruncateThroughF32 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type source = getElementTypeOrSelf(op.getIn().getType());
    if (!isSmallFloat(op.getType()) || source.isF32())
      return failure();
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type type = op.getIn().getType();
    Type f32Type = withElement(type, b.getF32Type());
    Type i32Type = withElement(type, b.getI32Type());
    Value x = op.getIn();
    if (!source.isF64())
      x = arith::ExtFOp::create(b, withElement(type, b.getF64Type()), x);
    Value nearest = arith::TruncFOp::create(b, f32Type, x);
    Value back = arith::ExtFOp::create(b, x.getType(), nearest);
    Value inexact =
        arith::CmpFOp::create(b, arith::CmpFPredicate::ONE, back, x);
    Value away = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT,
                                       math::AbsFOp::create(b, back),
                                       math::AbsFOp::create(b, x));
    Value bits = arith::BitcastOp::create(b, i32Type, nearest);
    Value towardZero =
        arith::SubIOp::create(b, bits, intLike(b, type, 32, 1));
    bits = arith::SelectOp::create(b, away, towardZero, bits);
    Value odd = arith::OrIOp::create(b, bits, intLike(b, type, 32, 1));
    bits = arith::SelectOp::create(b, inexact, odd, bits);
    Value f32 = arith::BitcastOp::create(b, f32Type, bits);
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), f32);
    return success();
  }
};

/// extf f16 -> f32 in integers.
struct ExpandHalfExtend : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getIn().getType()).isF16() ||
        !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type type = op.getType();
    Type i16Type = withElement(type, b.getI16Type());
    Type i32Type = withElement(type, b.getI32Type());
    auto c = [&](uint64_t v) { return intLike(b, type, 32, v); };
    Value h = arith::ExtUIOp::create(
        b, i32Type, arith::BitcastOp::create(b, i16Type, op.getIn()));
    Value sign = arith::ShLIOp::create(
        b, arith::AndIOp::create(b, h, c(0x8000)), c(16));
    Value magnitude = arith::AndIOp::create(b, h, c(0x7fff));
    Value exponent = arith::AndIOp::create(b, magnitude, c(0x7c00));
    Value shifted = arith::ShLIOp::create(b, magnitude, c(13));
    Value normal = arith::AddIOp::create(b, shifted, c(0x38000000));
    Value special = arith::OrIOp::create(b, shifted, c(0x7f800000));
    // Subnormals (and zero): magnitude * 2^-24, exact in f32.
    Value scaled = arith::MulFOp::create(
        b, arith::SIToFPOp::create(b, type, magnitude),
        constantLike(b, type, b.getF32FloatAttr(0x1p-24f)));
    Value subnormal = arith::BitcastOp::create(b, i32Type, scaled);
    Value isZeroExponent =
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, exponent, c(0));
    Value isSpecial = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                            exponent, c(0x7c00));
    Value bits = arith::SelectOp::create(
        b, isZeroExponent, subnormal,
        arith::SelectOp::create(b, isSpecial, special, normal));
    bits = arith::OrIOp::create(b, bits, sign);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, type, bits);
    return success();
  }
};

/// truncf f32 -> f16 in integers, rounding to nearest even.
struct ExpandHalfTruncate : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF16() ||
        !getElementTypeOrSelf(op.getIn().getType()).isF32())
      return failure();
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type type = op.getIn().getType();
    Type i32Type = withElement(type, b.getI32Type());
    Type i16Type = withElement(type, b.getI16Type());
    auto c = [&](uint64_t v) { return intLike(b, type, 32, v); };
    auto cmp = [&](arith::CmpIPredicate predicate, Value x, uint64_t v) {
      return arith::CmpIOp::create(b, predicate, x, c(v)).getResult();
    };
    Value bits = arith::BitcastOp::create(b, i32Type, op.getIn());
    Value sign = arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, bits, c(16)), c(0x8000));
    Value magnitude = arith::AndIOp::create(b, bits, c(0x7fffffff));
    // NaN: quiet, keeping the top of the payload.
    Value nan = arith::OrIOp::create(
        b, c(0x7e00),
        arith::AndIOp::create(b, arith::ShRUIOp::create(b, magnitude, c(13)),
                              c(0x3ff)));
    // Normal: rebias the exponent, round the 13 dropped bits to even.
    Value rebiased = arith::SubIOp::create(b, magnitude, c(0x38000000));
    Value lsb = arith::AndIOp::create(
        b, arith::ShRUIOp::create(b, rebiased, c(13)), c(1));
    Value normal = arith::ShRUIOp::create(
        b,
        arith::AddIOp::create(b, arith::AddIOp::create(b, rebiased, c(0xfff)),
                              lsb),
        c(13));
    // Subnormal: adding 0.5f aligns the bits; the float add rounds to even.
    Value half = arith::AddFOp::create(
        b, arith::BitcastOp::create(b, type, magnitude),
        constantLike(b, type, b.getF32FloatAttr(0.5f)));
    Value subnormal = arith::SubIOp::create(
        b, arith::BitcastOp::create(b, i32Type, half), c(0x3f000000));
    Value h = arith::SelectOp::create(
        b, cmp(arith::CmpIPredicate::ugt, magnitude, 0x7f800000), nan,
        arith::SelectOp::create(
            b, cmp(arith::CmpIPredicate::uge, magnitude, 0x477ff000),
            c(0x7c00),
            arith::SelectOp::create(
                b, cmp(arith::CmpIPredicate::uge, magnitude, 0x38800000),
                normal, subnormal)));
    h = arith::OrIOp::create(b, h, sign);
    Value h16 = arith::TruncIOp::create(b, i16Type, h);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), h16);
    return success();
  }
};

/// Whether the target of `root`'s module converts f16 and bf16 to and from
/// f32 in hardware on every CPU its code runs on (its baseline).
std::pair<bool, bool> getNativeConversions(Operation *root) {
  TargetAttr target = TargetAttr::lookup(root);
  if (!target)
    return {false, false};
  switch (target.getArch()) {
  case TargetArch::X86_64:
    return {target.hasBaseline(CpuFeatures::F16c),
            target.hasBaseline(CpuFeatures::Avx512Bf16)};
  case TargetArch::AArch64:
    return {true, target.hasBaseline(CpuFeatures::Bf16)};
  case TargetArch::Nvptx64:
  case TargetArch::Other:
    break;
  }
  return {false, false};
}

struct BitnetLegalizeSmallFloatsPass
    : bitnet::impl::BitnetLegalizeSmallFloatsPassBase<
          BitnetLegalizeSmallFloatsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Operation *root = getOperation();

    // 1. Arithmetic in f32.
    TypeConverter converter;
    Type f32 = Float32Type::get(context);
    arith::populateEmulateUnsupportedFloatsConversions(
        converter, {Float16Type::get(context), BFloat16Type::get(context)},
        f32);
    RewritePatternSet emulate(context);
    arith::populateEmulateUnsupportedFloatsPatterns(emulate, converter);
    ConversionTarget target(*context);
    arith::populateEmulateUnsupportedFloatsLegality(target, converter);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(root, target, std::move(emulate))))
      return signalPassFailure();

    // 2 and 3. Only f32 <-> small conversions, then those in integers.
    RewritePatternSet patterns(context);
    patterns.add<MathInF32, ExtendThroughF32, TruncateThroughF32>(context);
    auto [nativeF16, nativeBF16] = getNativeConversions(root);
    if (expandF16 == ExpansionChoice::Always ||
        (expandF16 == ExpansionChoice::Auto && !nativeF16))
      patterns.add<ExpandHalfExtend, ExpandHalfTruncate>(context);
    if (expandBF16 == ExpansionChoice::Always ||
        (expandBF16 == ExpansionChoice::Auto && !nativeBF16))
      arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
