//===- ResultsToDescriptors.cpp - dynamic results through descriptors -----===//
//
// After buffer deallocation, the memrefs the entry function still returns
// (the dynamically shaped results, each a buffer of its own that the
// function owns) are stored, as memref descriptors, through the argument
// pointers bitnet-entry-results-to-out-params added for them. The caller then
// owns each buffer (docs/abi.md).
//
//===----------------------------------------------------------------------===//
#include "bitnet-mlir/ABI/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETRESULTSTODESCRIPTORSPASS
#include "bitnet-mlir/ABI/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using mlir::bitnet::kResultDescriptorAttr;

namespace {

/// The LLVM struct finalize-memref-to-llvm makes of `type`'s descriptor:
/// {allocated, aligned, offset, sizes[r], strides[r]}.
LLVM::LLVMStructType getDescriptorType(MemRefType type) {
  MLIRContext *ctx = type.getContext();
  Type ptrTy = LLVM::LLVMPointerType::get(ctx);
  Type i64Ty = IntegerType::get(ctx, 64);
  SmallVector<Type> fields = {ptrTy, ptrTy, i64Ty};
  if (type.getRank() > 0) {
    Type arrayTy = LLVM::LLVMArrayType::get(i64Ty, type.getRank());
    fields.append({arrayTy, arrayTy});
  }
  return LLVM::LLVMStructType::getLiteral(ctx, fields);
}

struct BitnetResultsToDescriptorsPass
    : bitnet::impl::BitnetResultsToDescriptorsPassBase<
          BitnetResultsToDescriptorsPass> {
  using Base::Base;

  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal() || func.getNumResults() == 0)
      return;
    SmallVector<BlockArgument> pointers;
    for (BlockArgument arg : func.getArguments())
      if (func.getArgAttr(arg.getArgNumber(), kResultDescriptorAttr))
        pointers.push_back(arg);
    if (pointers.size() != func.getNumResults() ||
        !llvm::all_of(func.getResultTypes(), llvm::IsaPred<MemRefType>) ||
        !llvm::all_of(pointers, [](BlockArgument arg) {
          return isa<LLVM::LLVMPointerType>(arg.getType());
        })) {
      func.emitError() << "expected one '" << kResultDescriptorAttr
                       << "' pointer argument per memref result (run "
                          "bitnet-entry-results-to-out-params first)";
      return signalPassFailure();
    }
    func.walk([&](func::ReturnOp op) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      for (auto [value, pointer] : llvm::zip_equal(op.getOperands(), pointers)) {
        Value descriptor =
            UnrealizedConversionCastOp::create(
                b, loc, getDescriptorType(cast<MemRefType>(value.getType())),
                value)
                .getResult(0);
        LLVM::StoreOp::create(b, loc, descriptor, pointer);
      }
      func::ReturnOp::create(b, loc);
      op.erase();
    });
    func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(), {}));
    for (BlockArgument pointer : pointers)
      func.removeArgAttr(pointer.getArgNumber(), kResultDescriptorAttr);
  }
};

} // namespace
