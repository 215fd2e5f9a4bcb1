//===- ExecEnv.cpp - reading bitnet_exec_env from generated code ----------===//
#include "bitnet-mlir/ABI/ExecEnv.h"

#include "bitnet-mlir/ABI/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::bitnet;

Value bitnet::getExecEnvOrNull(OpBuilder &b, Operation *op) {
  if (auto func = op->getParentOfType<FunctionOpInterface>())
    if (Value env = getExecEnvArgument(func))
      return env;
  return LLVM::ZeroOp::create(b, op->getLoc(),
                              LLVM::LLVMPointerType::get(b.getContext()));
}

Value bitnet::loadExecEnvField(OpBuilder &b, Location loc, Value env,
                               abi::ExecEnvField field, Type type,
                               Value fallback) {
  MLIRContext *context = b.getContext();
  auto ptrTy = LLVM::LLVMPointerType::get(context);
  Value null = LLVM::ZeroOp::create(b, loc, ptrTy);
  Value present =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, env, null);
  auto ifOp = scf::IfOp::create(
      b, loc, present,
      [&](OpBuilder &tb, Location l) {
        auto envType = abi::getLLVMDialectStruct(context, abi::kExecEnv);
        Value address = LLVM::GEPOp::create(
            tb, l, ptrTy, envType, env,
            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(field)});
        Value value = LLVM::LoadOp::create(tb, l, type, address);
        scf::YieldOp::create(tb, l, value);
      },
      [&](OpBuilder &eb, Location l) { scf::YieldOp::create(eb, l, fallback); });
  return ifOp.getResult(0);
}

Value bitnet::loadNumThreads(OpBuilder &b, Location loc, Value env) {
  Type i32 = b.getI32Type();
  Value one = arith::ConstantIntOp::create(b, loc, i32, 1);
  Value threads =
      loadExecEnvField(b, loc, env, abi::kEnvNumThreads, i32, one);
  // A broken environment (0 or negative) still gets one task.
  threads = arith::MaxSIOp::create(b, loc, threads, one);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), threads);
}

Value bitnet::hasCpuFeatures(OpBuilder &b, Location loc, Value env,
                             uint64_t required, uint64_t baseline) {
  Type i64 = b.getI64Type();
  Value fallback =
      arith::ConstantIntOp::create(b, loc, i64, static_cast<int64_t>(baseline));
  Value features =
      loadExecEnvField(b, loc, env, abi::kEnvCpuFeatures, i64, fallback);
  Value mask =
      arith::ConstantIntOp::create(b, loc, i64, static_cast<int64_t>(required));
  Value masked = arith::AndIOp::create(b, loc, features, mask);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, masked, mask);
}
