//===- TargetDescription.cpp - #bitnet.target from a target machine -------===//
#include "bitnet-mlir/Target/TargetDescription.h"

#include "bitnet/model.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::bitnet;

// CpuFeatures (BitnetAttrs.td) are the runtime's BITNET_CPU_* bits.
#define BITNET_CHECK_BIT(name, macro)                                          \
  static_assert(static_cast<uint64_t>(CpuFeatures::name) == (macro),         \
                "CpuFeatures::" #name " is not " #macro)
BITNET_CHECK_BIT(Sse42, BITNET_CPU_X86_SSE42);
BITNET_CHECK_BIT(Avx2, BITNET_CPU_X86_AVX2);
BITNET_CHECK_BIT(Avx512, BITNET_CPU_X86_AVX512);
BITNET_CHECK_BIT(Avx512Vnni, BITNET_CPU_X86_AVX512VNNI);
BITNET_CHECK_BIT(Avx512Vbmi, BITNET_CPU_X86_AVX512VBMI);
BITNET_CHECK_BIT(Avx512Bf16, BITNET_CPU_X86_AVX512BF16);
BITNET_CHECK_BIT(AvxVnni, BITNET_CPU_X86_AVXVNNI);
BITNET_CHECK_BIT(F16c, BITNET_CPU_X86_F16C);
BITNET_CHECK_BIT(Neon, BITNET_CPU_ARM_NEON);
BITNET_CHECK_BIT(Dotprod, BITNET_CPU_ARM_DOTPROD);
BITNET_CHECK_BIT(I8mm, BITNET_CPU_ARM_I8MM);
BITNET_CHECK_BIT(Fp16, BITNET_CPU_ARM_FP16);
BITNET_CHECK_BIT(Bf16, BITNET_CPU_ARM_BF16);

namespace {
/// A CPU feature bit and the LLVM features that make it (all of them).
struct FeatureRule {
  CpuFeatures bit;
  const char *llvmFeatures;
};

// The bits mean what the runtime's probe (runtime/src/cpu.c) means by them.
constexpr FeatureRule kX86Rules[] = {
    {CpuFeatures::Sse42, "+sse4.2"},
    {CpuFeatures::Avx2, "+avx2,+fma,+bmi2,+f16c"},
    {CpuFeatures::Avx512, "+avx512f,+avx512bw,+avx512dq,+avx512vl,+avx512cd"},
    {CpuFeatures::Avx512Vnni, "+avx512vnni"},
    {CpuFeatures::Avx512Vbmi, "+avx512vbmi,+avx512vbmi2"},
    {CpuFeatures::Avx512Bf16, "+avx512bf16"},
    {CpuFeatures::AvxVnni, "+avxvnni"},
    {CpuFeatures::F16c, "+f16c"},
};
constexpr FeatureRule kAArch64Rules[] = {
    {CpuFeatures::Neon, "+neon"},
    {CpuFeatures::Dotprod, "+dotprod"},
    {CpuFeatures::I8mm, "+i8mm"},
    {CpuFeatures::Fp16, "+fullfp16"},
    {CpuFeatures::Bf16, "+bf16"},
};

CpuFeatures getBaseline(const llvm::MCSubtargetInfo &subtarget,
                        ArrayRef<FeatureRule> rules) {
  CpuFeatures features = CpuFeatures::None;
  for (const FeatureRule &rule : rules)
    if (subtarget.checkFeatures(rule.llvmFeatures))
      features = features | rule.bit;
  // AVX-512 sub-features count only with the foundation.
  if (!bitEnumContainsAll(features, CpuFeatures::Avx512))
    features = features & ~(CpuFeatures::Avx512Vnni | CpuFeatures::Avx512Vbmi |
                            CpuFeatures::Avx512Bf16);
  return features;
}
} // namespace

TargetAttr bitnet::getTargetAttr(MLIRContext *context,
                                 const llvm::TargetMachine &machine) {
  const llvm::Triple &triple = machine.getTargetTriple();
  const llvm::MCSubtargetInfo &subtarget = *machine.getMCSubtargetInfo();
  TargetArch arch = TargetArch::Other;
  CpuFeatures baseline = CpuFeatures::None, dispatch = CpuFeatures::None;
  int64_t vectorBits = 128;
  switch (triple.getArch()) {
  case llvm::Triple::x86_64: {
    arch = TargetArch::X86_64;
    baseline = getBaseline(subtarget, kX86Rules);
    // Kernels for newer x86 CPUs may be carried and chosen at run time.
    CpuFeatures dispatchable = CpuFeatures::Avx2 | CpuFeatures::Avx512 |
                               CpuFeatures::Avx512Vnni |
                               CpuFeatures::Avx512Vbmi;
    dispatch = dispatchable & ~baseline;
    vectorBits = bitEnumContainsAll(baseline, CpuFeatures::Avx512) ? 512
                 : bitEnumContainsAll(baseline, CpuFeatures::Avx2) ? 256
                                                                   : 128;
    break;
  }
  case llvm::Triple::aarch64:
    arch = TargetArch::AArch64;
    baseline = getBaseline(subtarget, kAArch64Rules);
    dispatch = (CpuFeatures::Dotprod | CpuFeatures::I8mm) & ~baseline;
    break;
  case llvm::Triple::nvptx64:
    arch = TargetArch::Nvptx64;
    vectorBits = 0;
    break;
  default:
    break;
  }
  return TargetAttr::get(context, arch, triple.str(),
                         machine.getTargetCPU(),
                         machine.getTargetFeatureString(), baseline, dispatch,
                         vectorBits);
}
