//===- ChecksToStatus.cpp - failed checks return a status -----------------===//
//
// The lowering guards what the graph cannot guarantee statically (sizes that
// must agree at run time, indices that must be in range) with cf.assert,
// which would abort the process. For the entry function, each one becomes an
// early `return k` instead: the function returns an i32 status, 0 on
// success, and the module lists the messages (docs/abi.md).
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "bitnet-mlir/ABI/RuntimeABI.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETCHECKSTOSTATUSPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;

namespace {

/// Collects into `slice` (operands first) the ops that compute `value` from
/// the arguments of `entry`; false if one of them cannot move to the start
/// of the function (memory effects, possible undefined behaviour, regions,
/// or a value of another block).
bool collectHoistableSlice(Value value, Block &entry,
                           llvm::SetVector<Operation *> &slice) {
  if (auto arg = dyn_cast<BlockArgument>(value))
    return arg.getOwner() == &entry;
  Operation *op = value.getDefiningOp();
  if (slice.contains(op))
    return true;
  if (op->getNumRegions() != 0 || !isPure(op))
    return false;
  for (Value operand : op->getOperands())
    if (!collectHoistableSlice(operand, entry, slice))
      return false;
  slice.insert(op);
  return true;
}

struct BitnetChecksToStatusPass
    : bitnet::impl::BitnetChecksToStatusPassBase<BitnetChecksToStatusPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal())
      return;
    SmallVector<cf::AssertOp> checks;
    func.walk([&](cf::AssertOp op) { checks.push_back(op); });
    if (checks.empty())
      return;
    if (func.getNumResults() != 0) {
      func.emitError() << "the entry function must return nothing before "
                          "its checks become a status";
      return signalPassFailure();
    }
    for (cf::AssertOp check : checks)
      if (check->getParentOp() != func) {
        check.emitError() << "checks become a status only outside nested "
                             "regions (run after convert-scf-to-cf)";
        return signalPassFailure();
      }

    hoistSizeChecks(func, checks);

    // Statuses: the index of each distinct message, from 1.
    OpBuilder b(&getContext());
    llvm::MapVector<StringRef, int32_t> codes;
    Type i32 = b.getI32Type();
    func.setType(FunctionType::get(&getContext(),
                                   func.getFunctionType().getInputs(), {i32}));
    func.walk([&](func::ReturnOp op) {
      b.setInsertionPoint(op);
      Value ok = arith::ConstantIntOp::create(b, op.getLoc(), i32, 0);
      op->setOperands(ok);
    });
    for (cf::AssertOp check : checks) {
      int32_t code =
          codes.insert({check.getMsg(), static_cast<int32_t>(codes.size()) + 1})
              .first->second;
      Block *before = check->getBlock();
      Block *after = before->splitBlock(std::next(check->getIterator()));
      Block *failed = b.createBlock(after);
      Value status = arith::ConstantIntOp::create(b, check.getLoc(), i32, code);
      func::ReturnOp::create(b, check.getLoc(), status);
      b.setInsertionPoint(check);
      cf::CondBranchOp::create(b, check.getLoc(), check.getArg(), after,
                               failed);
      check.erase();
    }
    SmallVector<Attribute> messages;
    for (auto [message, code] : codes)
      messages.push_back(b.getStringAttr(message));
    module->setAttr(bitnet::kErrorsAttrName, b.getArrayAttr(messages));
  }

  /// Moves the checks that every successful run reaches and that depend only
  /// on argument sizes and constants to the start of the function, in their
  /// order: a bad size then fails before anything is allocated (nothing to
  /// free on the early return) or computed.
  void hoistSizeChecks(func::FuncOp func, SmallVectorImpl<cf::AssertOp> &checks) {
    Block &entryBlock = func.front();
    PostDominanceInfo postDominance(func);
    OpBuilder b(&entryBlock, entryBlock.begin());
    for (cf::AssertOp &check : checks) {
      llvm::SetVector<Operation *> slice;
      if (!postDominance.postDominates(check->getBlock(), &entryBlock) ||
          !collectHoistableSlice(check.getArg(), entryBlock, slice))
        continue;
      IRMapping mapping;
      for (Operation *op : slice)
        b.clone(*op, mapping);
      auto hoisted = cf::AssertOp::create(
          b, check.getLoc(), mapping.lookupOrDefault(check.getArg()),
          check.getMsg());
      // The original's slice is left to the canonicalizer.
      check.erase();
      check = hoisted;
    }
  }
};

} // namespace
