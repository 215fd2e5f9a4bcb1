//===- BitnetToSCF.cpp - bitnet ops to loops and linalg on tensors --------===//
//
// convert-bitnet-to-scf: the quantization and rescale ops (Elementwise.cpp)
// become linalg ops on tensors, in destination-passing style so that
// one-shot bufferization works in place. The matmuls are the kernel
// strategies' (lib/Kernels); packed weights are storage tensors already
// (bitnet-materialize-packed-storage).
//
//===----------------------------------------------------------------------===//

#include "bitnet-mlir/Conversion/Passes.h"

#include "Patterns.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_CONVERTBITNETTOSCFPASS
#include "bitnet-mlir/Conversion/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

struct ConvertBitnetToSCFPass
    : bitnet::impl::ConvertBitnetToSCFPassBase<ConvertBitnetToSCFPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Identity for every type; populateBitnetToSCFPatterns adds the
    // !bitnet.packed conversion, which takes precedence.
    TypeConverter typeConverter;
    typeConverter.addConversion([](Type type) { return type; });
    RewritePatternSet patterns(context);
    populateBitnetToSCFPatterns(patterns, typeConverter);

    ConversionTarget target(*context);
    // The matmuls are the kernels' (bitnet-lower-kernels); packed values
    // are storage by now (bitnet-materialize-packed-storage).
    target.addIllegalOp<QuantizeActivationsOp, RescaleOp, WeightRescaleOp>();
    target.addLegalOp<PackedMatmulOp, TernaryMatmulOp, ParallelOp,
                      ParallelYieldOp>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void bitnet::populateBitnetToSCFPatterns(RewritePatternSet &patterns,
                                         TypeConverter &typeConverter) {
  detail::populateElementwiseToLinalgPatterns(patterns, typeConverter);
}
