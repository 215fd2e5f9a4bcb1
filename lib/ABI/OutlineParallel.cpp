//===- OutlineParallel.cpp - bitnet.parallel bodies into task functions ---===//
//
// After the lowering to LLVM, each bitnet.parallel becomes
//
//   args = {captured values...}            (a struct on the stack)
//   if (env == NULL) for (t = 0; t < n; ++t) task(&args, t);
//   else env->parallel_for(env->pool, n, task, &args);
//
// with task an internal function `void (ptr args, i64 t)` holding the body:
// the C type bitnet_task_fn of runtime/include/bitnet/model.h.
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "Bitnet/BitnetDialect.h"
#include "bitnet-mlir/ABI/RuntimeABI.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETOUTLINEPARALLELPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// The task function: loads the captured values from its `args` struct and
/// runs the body, each bitnet.parallel_yield returning.
LLVM::LLVMFuncOp createTaskFunction(ParallelOp op, ArrayRef<Value> captured,
                                    LLVM::LLVMStructType argsType,
                                    StringRef name) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  auto ptrTy = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  auto funcType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                              {ptrTy, i64});
  auto module = op->getParentOfType<ModuleOp>();
  OpBuilder b(module.getBody(), module.getBody()->end());
  auto func = LLVM::LLVMFuncOp::create(b, loc, name, funcType,
                                       LLVM::Linkage::Internal);
  Block *entry = func.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  IRMapping mapping;
  if (!captured.empty()) {
    Value args =
        LLVM::LoadOp::create(b, loc, argsType, entry->getArgument(0));
    for (auto [i, value] : llvm::enumerate(captured))
      mapping.map(value, LLVM::ExtractValueOp::create(
                             b, loc, args, ArrayRef<int64_t>{int64_t(i)}));
  }
  op.getBody().cloneInto(&func.getBody(), mapping);
  Block *body = mapping.lookup(&op.getBody().front());
  LLVM::BrOp::create(b, loc, ValueRange{entry->getArgument(1)}, body);
  func.walk([&](ParallelYieldOp yield) {
    OpBuilder rb(yield);
    LLVM::ReturnOp::create(rb, yield.getLoc(), ValueRange());
    yield.erase();
  });
  return func;
}

/// Replaces `op` by the struct of captured values and the calls.
void replaceWithCalls(ParallelOp op, ArrayRef<Value> captured,
                      LLVM::LLVMStructType argsType, LLVM::LLVMFuncOp task) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  auto ptrTy = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  auto parent = op->getParentOfType<LLVM::LLVMFuncOp>();
  OpBuilder b(op);

  // The args struct: an alloca in the entry block (one per op, never in a
  // loop), filled here.
  Value args;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&parent.getBody().front());
    Value one = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(1));
    args = LLVM::AllocaOp::create(b, loc, ptrTy, argsType, one);
  }
  if (!captured.empty()) {
    Value value = LLVM::PoisonOp::create(b, loc, argsType);
    for (auto [i, capture] : llvm::enumerate(captured))
      value = LLVM::InsertValueOp::create(b, loc, value, capture,
                                          ArrayRef<int64_t>{int64_t(i)});
    LLVM::StoreOp::create(b, loc, value, args);
  }
  Value taskAddress = LLVM::AddressOfOp::create(b, loc, task);

  // Split around the op: serial loop or pool call, then continue.
  Block *before = op->getBlock();
  Block *after = before->splitBlock(op);
  Region *region = before->getParent();
  Block *serialHeader = new Block(), *serialBody = new Block(),
        *pooled = new Block();
  region->getBlocks().insert(after->getIterator(), serialHeader);
  region->getBlocks().insert(after->getIterator(), serialBody);
  region->getBlocks().insert(after->getIterator(), pooled);
  serialHeader->addArgument(i64, loc);

  b.setInsertionPointToEnd(before);
  Value null = LLVM::ZeroOp::create(b, loc, ptrTy);
  Value isNull =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, op.getEnv(), null);
  Value zero = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(0));
  LLVM::CondBrOp::create(b, loc, isNull, serialHeader, ValueRange{zero},
                         pooled, ValueRange{});

  b.setInsertionPointToEnd(serialHeader);
  Value t = serialHeader->getArgument(0);
  Value more = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::slt, t,
                                    op.getNumTasks());
  LLVM::CondBrOp::create(b, loc, more, serialBody, after);
  b.setInsertionPointToEnd(serialBody);
  LLVM::CallOp::create(b, loc, task, ValueRange{args, t});
  Value step = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(1));
  Value next = LLVM::AddOp::create(b, loc, t, step);
  LLVM::BrOp::create(b, loc, ValueRange{next}, serialHeader);

  b.setInsertionPointToEnd(pooled);
  auto envType = abi::getLLVMDialectStruct(context, abi::kExecEnv);
  auto field = [&](unsigned index) {
    Value address = LLVM::GEPOp::create(
        b, loc, ptrTy, envType, op.getEnv(),
        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(index)});
    return LLVM::LoadOp::create(b, loc, ptrTy, address).getResult();
  };
  Value pool = field(abi::kEnvPool);
  Value parallelFor = field(abi::kEnvParallelFor);
  auto forType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                             {ptrTy, i64, ptrTy, ptrTy});
  LLVM::CallOp::create(b, loc, forType,
                       ValueRange{parallelFor, pool, op.getNumTasks(),
                                  taskAddress, args});
  LLVM::BrOp::create(b, loc, ValueRange{}, after);
  op.erase();
}

struct BitnetOutlineParallelPass
    : bitnet::impl::BitnetOutlineParallelPassBase<BitnetOutlineParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<ParallelOp> ops;
    getOperation().walk([&](ParallelOp op) { ops.push_back(op); });
    unsigned counter = 0;
    for (ParallelOp op : ops) {
      auto parent = op->getParentOfType<LLVM::LLVMFuncOp>();
      if (!parent) {
        op.emitOpError("must be inside an llvm.func (run after the lowering "
                       "to LLVM)");
        return signalPassFailure();
      }
      llvm::SetVector<Value> capturedSet;
      getUsedValuesDefinedAbove(op.getBody(), capturedSet);
      SmallVector<Value> captured = capturedSet.takeVector();
      SmallVector<Type> types;
      for (Value value : captured)
        types.push_back(value.getType());
      auto argsType = LLVM::LLVMStructType::getLiteral(
          &getContext(), types.empty() ? SmallVector<Type>{IntegerType::get(
                                             &getContext(), 8)}
                                       : types);
      std::string name;
      do {
        name = (parent.getName() + "_task" + Twine(counter++)).str();
      } while (SymbolTable::lookupSymbolIn(getOperation(), name));
      LLVM::LLVMFuncOp task = createTaskFunction(op, captured, argsType, name);
      replaceWithCalls(op, captured, argsType, task);
    }
  }
};

} // namespace
