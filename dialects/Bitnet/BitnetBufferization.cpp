//===- BitnetBufferization.cpp - packed_matmul on buffers -----------------===//
//
// One-shot bufferization of bitnet.packed_matmul in destination style: the
// input and the weight storage are read, `init` is written in place (its
// contents are not read), and the op on buffers has no result. Only the
// storage form bufferizes (bitnet-materialize-packed-storage runs first).
//
//===----------------------------------------------------------------------===//
#include "Bitnet/BitnetDialect.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bufferization;

namespace {
struct PackedMatmulBufferization
    : DstBufferizableOpInterfaceExternalModel<PackedMatmulBufferization,
                                              PackedMatmulOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &state) const {
    // The accumulator is overwritten, never read.
    return !cast<PackedMatmulOp>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto matmul = cast<PackedMatmulOp>(op);
    if (isa<PackedType>(matmul.getWeights().getType()))
      return op->emitOpError("bufferizes only with storage weights (run "
                             "bitnet-materialize-packed-storage first)");
    SmallVector<Value> buffers;
    for (Value operand : op->getOperands()) {
      FailureOr<Value> buffer = getBuffer(rewriter, operand, options, state);
      if (failed(buffer))
        return failure();
      buffers.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    PackedMatmulOp::create(rewriter, op->getLoc(), TypeRange{}, buffers[0],
                           buffers[1], buffers[2], matmul.getKGroup(),
                           matmul.getKernelAttr(), matmul.getFormatAttr());
    replaceOpWithBufferizedValues(rewriter, op, buffers[2]);
    return success();
  }
};
} // namespace

void bitnet::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, BitnetDialect *) {
    PackedMatmulOp::attachInterface<PackedMatmulBufferization>(*context);
  });
}
