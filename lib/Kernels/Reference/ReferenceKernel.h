//===- ReferenceKernel.h - the reference kernel strategy --------*- C++ -*-===//
#ifndef BITNET_LIB_KERNELS_REFERENCE_REFERENCEKERNEL_H
#define BITNET_LIB_KERNELS_REFERENCE_REFERENCEKERNEL_H

#include "bitnet-mlir/Kernels/KernelStrategy.h"

namespace mlir::bitnet {

/// Whether the reference lowers `matmul`: it names `reference` or no kernel.
bool isReferenceMatmul(Operation *matmul);

/// packed_matmul (on storage) and ternary_matmul -> scf loops on tensors.
void populateReferenceMatmulPatterns(RewritePatternSet &patterns);

} // namespace mlir::bitnet

#endif // BITNET_LIB_KERNELS_REFERENCE_REFERENCEKERNEL_H
