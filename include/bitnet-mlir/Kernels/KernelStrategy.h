//===- KernelStrategy.h - how a BitNet matmul becomes code ------*- C++ -*-===//
//
// A kernel strategy turns `bitnet.packed_matmul` (and, for the reference,
// `bitnet.ternary_matmul`) into code for some family of targets. Each lives
// in a directory of its own under lib/Kernels and is listed once in
// lib/Kernels/Strategies.def; nothing else names it. bitnet-select-kernels
// asks the strategies, in that order, which one takes a matmul on the
// module's #bitnet.target and stamps its #bitnet.kernel (name and the
// packed layout it streams); bitnet-pack-weights packs in that layout; and
// bitnet-lower-kernels lowers each matmul with its strategy's patterns, on
// tensors or on buffers as the strategy asks (docs/architecture.md).
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_KERNELS_KERNELSTRATEGY_H
#define BITNET_MLIR_KERNELS_KERNELSTRATEGY_H

#include "Bitnet/BitnetDialect.h"
#include "mlir/IR/PatternMatch.h"
#include <memory>

namespace mlir::bitnet {

/// When a strategy's matmuls are lowered: before bufferization (on tensors,
/// with storage tensors as weights) or after it (on memrefs).
enum class KernelPhase { Tensors, Buffers };

class KernelStrategy {
public:
  virtual ~KernelStrategy();
  /// The name in #bitnet.kernel and in `--kernel=`.
  virtual StringRef getName() const = 0;
  /// One line for --help and docs.
  virtual StringRef getSummary() const = 0;
  virtual KernelPhase getPhase() const = 0;
  /// The kernel for `matmul` (a ternary_matmul whose weights are about to
  /// be packed with `encoding`, or a packed_matmul) on `target`, or null
  /// when this strategy cannot run it there. `target` may be null (no
  /// target known: only target-neutral strategies apply).
  virtual KernelAttr select(Operation *matmul, PackedEncoding encoding,
                            TargetAttr target) const = 0;
  /// Patterns that lower the matmuls whose kernel names this strategy, in
  /// its phase.
  virtual void populateLoweringPatterns(RewritePatternSet &patterns,
                                        TargetAttr target) const = 0;

protected:
  /// The kernel attribute of `matmul` if it names this strategy.
  bool owns(Operation *matmul) const;
};

/// Every strategy, in the order bitnet-select-kernels tries them
/// (lib/Kernels/Strategies.def); the last one, `reference`, takes anything.
ArrayRef<const KernelStrategy *> getKernelStrategies();
/// The strategy called `name`, or null.
const KernelStrategy *lookupKernelStrategy(StringRef name);

/// Each strategy's factory, defined in its directory.
#define BITNET_KERNEL_STRATEGY(factory)                                        \
  std::unique_ptr<KernelStrategy> factory();
#include "bitnet-mlir/Kernels/Strategies.def"

} // namespace mlir::bitnet

#endif // BITNET_MLIR_KERNELS_KERNELSTRATEGY_H
