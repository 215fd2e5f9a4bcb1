//===- ForallToParallel.cpp - scf.forall on buffers -> bitnet.parallel ----===//
#include "bitnet-mlir/ABI/Passes.h"

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETFORALLTOPARALLELPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// Whether `forall` can become tasks: one dimension, no shared outputs.
bool isTaskLoop(scf::ForallOp forall) {
  return forall.getRank() == 1 && forall.getOutputs().empty();
}

void convert(scf::ForallOp forall, Value env) {
  OpBuilder b(forall);
  Location loc = forall.getLoc();
  Value lower = getValueOrCreateConstantIndexOp(
      b, loc, forall.getMixedLowerBound().front());
  Value upper = getValueOrCreateConstantIndexOp(
      b, loc, forall.getMixedUpperBound().front());
  Value step =
      getValueOrCreateConstantIndexOp(b, loc, forall.getMixedStep().front());
  // Tasks: ceil((upper - lower) / step), never negative.
  Value span = arith::SubIOp::create(b, loc, upper, lower);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  span = arith::MaxSIOp::create(b, loc, span, zero);
  Value count = arith::CeilDivUIOp::create(b, loc, span, step);
  Value tasks = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  auto parallel = ParallelOp::create(b, loc, env, tasks);
  Block *body = b.createBlock(&parallel.getBody(), {}, {b.getI64Type()}, {loc});
  b.setInsertionPointToStart(body);
  Value task = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                          body->getArgument(0));
  Value iv = arith::AddIOp::create(
      b, loc, lower, arith::MulIOp::create(b, loc, task, step));
  IRMapping mapping;
  mapping.map(forall.getInductionVar(0), iv);
  for (Operation &op : forall.getBody()->without_terminator())
    b.clone(op, mapping);
  ParallelYieldOp::create(b, loc);
  forall.erase();
}

struct BitnetForallToParallelPass
    : bitnet::impl::BitnetForallToParallelPassBase<BitnetForallToParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](FunctionOpInterface func) {
      Value env = getExecEnvArgument(func);
      if (!env)
        return;
      SmallVector<scf::ForallOp> loops;
      func->walk([&](scf::ForallOp forall) {
        if (!forall->getParentOfType<scf::ForallOp>() && isTaskLoop(forall))
          loops.push_back(forall);
      });
      for (scf::ForallOp forall : loops)
        convert(forall, env);
    });
  }
};

} // namespace
