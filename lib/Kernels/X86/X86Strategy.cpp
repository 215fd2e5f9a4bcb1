//===- X86Strategy.cpp - the x86-64 kernel strategy -----------------------===//
//
// Takes the int8 BitNet matmuls of x86-64 targets that can use AVX2 (in the
// baseline or by dispatch) and lowers each, on buffers, to
//
//   tasks = min(tiles, env->num_threads)
//   scf.forall (%task) in (%tasks) {            // bitnet-forall-to-parallel
//     tiles [task * T / tasks, (task + 1) * T / tasks)
//     if cpu has AVX-512 VNNI: call @bitnet_x86_avx512_<...>
//     else if AVX2:            call @bitnet_x86_avx2_<...>
//     else:                    call @bitnet_x86_scalar_<...>
//   }
//
// keeping only the variants the target allows and the baseline does not
// make redundant (a --mcpu=znver4 build calls the AVX-512 one directly; a
// --mcpu=generic build carries all three). Contiguous tile ranges per task:
// each thread streams one contiguous part of the weights, and the split
// never changes a result (each output is one task's).
//
//===----------------------------------------------------------------------===//
#include "X86Kernels.h"

#include "bitnet-mlir/ABI/ExecEnv.h"
#include "bitnet-mlir/Kernels/KernelStrategy.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::x86;

static constexpr StringLiteral kName = "x86";

/// The variants to emit, best first; the last one runs on every CPU the
/// target's baseline describes.
static SmallVector<Isa> getVariants(TargetAttr target,
                                    PackedEncoding encoding) {
  uint64_t baseline = static_cast<uint64_t>(target.getBaseline());
  uint64_t usable = baseline | static_cast<uint64_t>(target.getDispatch());
  SmallVector<Isa> variants;
  for (Isa isa : {Isa::Avx512, Isa::Avx2, Isa::Scalar}) {
    uint64_t required = getRequiredFeatures(isa, encoding);
    if ((usable & required) != required)
      continue;
    variants.push_back(isa);
    if ((baseline & required) == required)
      break; // every machine has it: nothing slower is ever called
  }
  return variants;
}

namespace {

/// A memref `value` of rank >= 1 as [M, last dim] (rank 1: M = 1).
Value collapseToRows(ImplicitLocOpBuilder &b, Value value) {
  auto type = cast<MemRefType>(value.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return value;
  if (rank == 1) {
    int64_t n = type.getDimSize(0);
    SmallVector<OpFoldResult> shape = {b.getIndexAttr(1),
                                       b.getIndexAttr(n)};
    return memref::ExpandShapeOp::create(
        b, SmallVector<int64_t>{1, n}, value,
        ArrayRef<ReassociationIndices>{{0, 1}}, shape);
  }
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}};
  return memref::CollapseShapeOp::create(b, value, groups);
}

/// Whether collapseToRows applies without a copy.
bool isCollapsible(MemRefType type) {
  if (type.getRank() <= 2)
    return true;
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1)),
      {type.getRank() - 1}};
  return memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups);
}

struct X86MatmulLowering : OpRewritePattern<PackedMatmulOp> {
  X86MatmulLowering(MLIRContext *context, TargetAttr target)
      : OpRewritePattern(context), target(target) {}

  LogicalResult matchAndRewrite(PackedMatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto kernel = op.getKernelAttr();
    if (!kernel || kernel.getName() != kName || !op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not an x86 matmul on buffers");
    if (!target)
      return rewriter.notifyMatchFailure(op, "the module has no target");
    auto inputType = cast<MemRefType>(op.getInput().getType());
    auto initType = cast<MemRefType>(op.getInit().getType());
    if (!isCollapsible(inputType) || !isCollapsible(initType))
      return rewriter.notifyMatchFailure(op, "operands cannot be viewed as "
                                             "rows");
    PackedType format = op.getPackedType();
    SmallVector<Isa> variants = getVariants(target, format.getEncoding());
    if (variants.empty())
      return rewriter.notifyMatchFailure(op, "no variant for this target");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Value q = collapseToRows(b, op.getInput());
    Value out = collapseToRows(b, op.getInit());
    auto [qType, outType] = getKernelOperandTypes(
        cast<MemRefType>(q.getType()), cast<MemRefType>(out.getType()));
    auto module = op->getParentOfType<ModuleOp>();
    SmallVector<func::FuncOp> kernels;
    for (Isa isa : variants)
      kernels.push_back(
          getOrCreateKernel(module, format, isa, qType, outType));
    auto castTo = [&](Value value, Type type) {
      return value.getType() == type
                 ? value
                 : memref::CastOp::create(b, type, value).getResult();
    };
    q = castTo(q, qType);
    out = castTo(out, outType);
    Value w = castTo(op.getWeights(),
                     kernels.front().getFunctionType().getInput(1));

    Value env = getExecEnvOrNull(b, op);
    int64_t tiles = (format.getRows() + format.getBlockRows() - 1) /
                    format.getBlockRows();
    Value tileCount = arith::ConstantIndexOp::create(b, tiles);
    Value tasks = arith::MinUIOp::create(
        b, loadNumThreads(b, b.getLoc(), env), tileCount);
    uint64_t baseline = static_cast<uint64_t>(target.getBaseline());
    // Feature tests once, outside the loop.
    SmallVector<Value> has;
    for (Isa isa : ArrayRef(variants).drop_back())
      has.push_back(hasCpuFeatures(
          b, b.getLoc(), env, getRequiredFeatures(isa, format.getEncoding()),
          baseline));

    auto forall = scf::ForallOp::create(
        b, ArrayRef<OpFoldResult>{tasks}, ValueRange{}, std::nullopt,
        [&](OpBuilder &fb, Location loc, ValueRange ivs) {
          ImplicitLocOpBuilder lb(loc, fb);
          Value task = ivs.front();
          auto boundary = [&](Value t) {
            return arith::DivUIOp::create(
                lb, arith::MulIOp::create(lb, t, tileCount), tasks);
          };
          Value begin = boundary(task);
          Value end = boundary(arith::AddIOp::create(
              lb, task, arith::ConstantIndexOp::create(lb, 1)));
          emitDispatch(lb, kernels, has, {q, w, out, begin, end});
          scf::InParallelOp::create(lb);
        });
    (void)forall;
    rewriter.eraseOp(op);
    return success();
  }

  /// if has[0]: call kernels[0] else if has[1]: ... else call the last.
  static void emitDispatch(ImplicitLocOpBuilder &b,
                           ArrayRef<func::FuncOp> kernels, ArrayRef<Value> has,
                           ValueRange args) {
    if (kernels.size() == 1) {
      func::CallOp::create(b, kernels.front(), args);
      return;
    }
    auto ifOp = scf::IfOp::create(b, has.front(), /*withElse=*/true);
    {
      ImplicitLocOpBuilder tb(b.getLoc(), ifOp.thenBlock(),
                              ifOp.thenBlock()->begin());
      func::CallOp::create(tb, kernels.front(), args);
    }
    ImplicitLocOpBuilder eb(b.getLoc(), ifOp.elseBlock(),
                            ifOp.elseBlock()->begin());
    emitDispatch(eb, kernels.drop_front(), has.drop_front(), args);
  }

  TargetAttr target;
};

struct X86Strategy : KernelStrategy {
  StringRef getName() const override { return kName; }
  StringRef getSummary() const override {
    return "x86-64: AVX-512 VNNI and AVX2 dot products on tiled codes, "
           "chosen at run time";
  }
  KernelPhase getPhase() const override { return KernelPhase::Buffers; }

  KernelAttr select(Operation *matmul, PackedEncoding encoding,
                    TargetAttr target) const override {
    if (!target || target.getArch() != TargetArch::X86_64 ||
        !target.canUse(CpuFeatures::Avx2))
      return KernelAttr();
    auto input = cast<ShapedType>(matmul->getOperand(0).getType());
    int64_t k = input.getShape().back();
    auto kGroup = matmul->getAttrOfType<IntegerAttr>("k_group");
    // int8 activations, whole-row sums, a static K whose scaled planes
    // (c 4^3 a <= 2^14 per term) cannot overflow int32.
    if (!input.getElementType().isInteger(8) || ShapedType::isDynamic(k) ||
        k > (int64_t(1) << 17) - 1 || (kGroup && kGroup.getInt() != 0))
      return KernelAttr();
    if (auto packed = dyn_cast<PackedMatmulOp>(matmul)) {
      PackedType type = packed.getPackedType();
      if (type.getLayout() != PackedLayout::Tiled ||
          type.getTileLanes() != kTileLanes)
        return KernelAttr();
    }
    (void)encoding; // every encoding has a variant for every x86 ISA
    return KernelAttr::get(matmul->getContext(), kName, KernelLayout::Tiled,
                           kTileLanes);
  }

  void populateLoweringPatterns(RewritePatternSet &patterns,
                                TargetAttr target) const override {
    patterns.add<X86MatmulLowering>(patterns.getContext(), target);
  }
};

} // namespace

std::unique_ptr<KernelStrategy> bitnet::createX86KernelStrategy() {
  return std::make_unique<X86Strategy>();
}
