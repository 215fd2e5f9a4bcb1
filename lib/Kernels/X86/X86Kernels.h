//===- X86Kernels.h - the x86 kernel strategy's internals -------*- C++ -*-===//
#ifndef BITNET_LIB_KERNELS_X86_X86KERNELS_H
#define BITNET_LIB_KERNELS_X86_X86KERNELS_H

#include "Bitnet/BitnetDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::bitnet::x86 {

/// The instruction sets one kernel function is written for. A library
/// carries the variants its target can use and picks one at run time from
/// bitnet_exec_env.cpu_features.
enum class Isa {
  Avx512, // AVX-512 F/BW/VL + VNNI (+ VBMI for ternary_base3): vpdpbusd
  Avx2,   // AVX2: vpmaddubsw + vpmaddwd
  Scalar, // any x86-64: one weight at a time
};

/// Lanes (32-bit outputs) of one tile: 16, the zmm width; the AVX2
/// variant walks a tile in two halves of 8.
inline constexpr int64_t kTileLanes = 16;

/// BITNET_CPU_* bits the variant needs, and its LLVM target features.
uint64_t getRequiredFeatures(Isa isa, PackedEncoding encoding);
StringRef getTargetFeatures(Isa isa, PackedEncoding encoding);
StringRef getIsaName(Isa isa);

/// The types a kernel takes for rows of activations [M, K] and outputs
/// [M, N] viewed as `q` and `out`: those types when both are static with
/// identity layouts (static models stay static), else
/// memref<?xKxi8, strided<[?, 1], offset: ?>> and its i32 twin.
std::pair<MemRefType, MemRefType> getKernelOperandTypes(MemRefType q,
                                                        MemRefType out);

/// The kernel function of `format` (tiled, kTileLanes lanes) for `isa` on
/// those operand types, created in `module` on first use:
///
///   func.func private @name(%q: qType, %w: memref<storage shape x i8>,
///                           %out: outType, %tile_begin: index,
///                           %tile_end: index)
///
/// out[m, n] = sum_k w(n, k) q[m, k] for the rows n of tiles
/// [tile_begin, tile_end) and every m.
func::FuncOp getOrCreateKernel(ModuleOp module, PackedType format, Isa isa,
                               MemRefType qType, MemRefType outType);

} // namespace mlir::bitnet::x86

#endif // BITNET_LIB_KERNELS_X86_X86KERNELS_H
