//===- BitnetAttrs.td - bitnet attributes ------------------*- tablegen -*-===//
#ifndef BITNET_BITNET_ATTRS
#define BITNET_BITNET_ATTRS

include "Bitnet/BitnetDialect.td"

//===----------------------------------------------------------------------===//
// CPU features and targets
//===----------------------------------------------------------------------===//

// The bits are those of BITNET_CPU_* in runtime/include/bitnet/model.h
// (lib/ABI/RuntimeABI.cpp checks that they agree).
def Bitnet_CpuNone : I64BitEnumAttrCaseNone<"None", "none">;
def Bitnet_CpuSse42 : I64BitEnumAttrCaseBit<"Sse42", 0, "sse42">;
def Bitnet_CpuAvx2 : I64BitEnumAttrCaseBit<"Avx2", 1, "avx2">;
def Bitnet_CpuAvx512 : I64BitEnumAttrCaseBit<"Avx512", 2, "avx512">;
def Bitnet_CpuAvx512Vnni : I64BitEnumAttrCaseBit<"Avx512Vnni", 3, "avx512vnni">;
def Bitnet_CpuAvx512Vbmi : I64BitEnumAttrCaseBit<"Avx512Vbmi", 4, "avx512vbmi">;
def Bitnet_CpuAvx512Bf16 : I64BitEnumAttrCaseBit<"Avx512Bf16", 5, "avx512bf16">;
def Bitnet_CpuAvxVnni : I64BitEnumAttrCaseBit<"AvxVnni", 6, "avxvnni">;
def Bitnet_CpuF16c : I64BitEnumAttrCaseBit<"F16c", 7, "f16c">;
def Bitnet_CpuNeon : I64BitEnumAttrCaseBit<"Neon", 16, "neon">;
def Bitnet_CpuDotprod : I64BitEnumAttrCaseBit<"Dotprod", 17, "dotprod">;
def Bitnet_CpuI8mm : I64BitEnumAttrCaseBit<"I8mm", 18, "i8mm">;
def Bitnet_CpuFp16 : I64BitEnumAttrCaseBit<"Fp16", 19, "fp16">;
def Bitnet_CpuBf16 : I64BitEnumAttrCaseBit<"Bf16", 20, "bf16">;
def Bitnet_CpuFeatures : I64BitEnumAttr<"CpuFeatures",
    "CPU features that code may use (BITNET_CPU_* bits)",
    [Bitnet_CpuNone, Bitnet_CpuSse42, Bitnet_CpuAvx2, Bitnet_CpuAvx512,
     Bitnet_CpuAvx512Vnni, Bitnet_CpuAvx512Vbmi, Bitnet_CpuAvx512Bf16,
     Bitnet_CpuAvxVnni, Bitnet_CpuF16c, Bitnet_CpuNeon, Bitnet_CpuDotprod,
     Bitnet_CpuI8mm, Bitnet_CpuFp16, Bitnet_CpuBf16]> {
  let cppNamespace = "::mlir::bitnet";
  let separator = "|";
  let genSpecializedAttr = 0;
}

def Bitnet_ArchX86_64 : I32EnumAttrCase<"X86_64", 0, "x86_64">;
def Bitnet_ArchAArch64 : I32EnumAttrCase<"AArch64", 1, "aarch64">;
def Bitnet_ArchNvptx64 : I32EnumAttrCase<"Nvptx64", 2, "nvptx64">;
def Bitnet_ArchOther : I32EnumAttrCase<"Other", 3, "other">;
def Bitnet_TargetArch : I32EnumAttr<"TargetArch",
    "the processor family code is generated for",
    [Bitnet_ArchX86_64, Bitnet_ArchAArch64, Bitnet_ArchNvptx64,
     Bitnet_ArchOther]> {
  let cppNamespace = "::mlir::bitnet";
  let genSpecializedAttr = 0;
}

def Bitnet_TargetAttr : AttrDef<Bitnet_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "what the code is compiled for, in one place";
  let description = [{
    Built once from `--target`/`--mcpu` (lib/Target/TargetDescription.cpp)
    and attached to the module as `bitnet.target`; passes read it instead
    of asking the driver or LLVM. `baseline` are the features every machine
    running the code has (the `--mcpu` CPU's; the runtime refuses a CPU
    without them); `dispatch` are further features kernels may be
    specialised for and chosen by at run time (a `--mcpu=generic` x86-64
    library carries AVX2 and AVX-512 kernels). `vector_bits` is the widest
    vector of the baseline. `features` is the LLVM feature string of the
    baseline, for code generation.

    ```mlir
    module attributes {bitnet.target = #bitnet.target<arch = x86_64,
        triple = "x86_64-unknown-linux-gnu", cpu = "x86-64-v3", features = "",
        baseline = sse42|avx2|f16c, dispatch = avx512|avx512vnni|avx512vbmi,
        vector_bits = 256>} {}
    ```
  }];
  let parameters = (ins
    EnumParameter<Bitnet_TargetArch>:$arch,
    StringRefParameter<"LLVM target triple">:$triple,
    StringRefParameter<"LLVM CPU name">:$cpu,
    StringRefParameter<"LLVM feature string of the baseline">:$features,
    EnumParameter<Bitnet_CpuFeatures>:$baseline,
    EnumParameter<Bitnet_CpuFeatures>:$dispatch,
    "int64_t":$vector_bits
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    /// Name of the module attribute that holds the target.
    static constexpr llvm::StringLiteral getAttrName() {
      return "bitnet.target";
    }
    /// The target of the module enclosing `op`, or null.
    static TargetAttr lookup(Operation *op);
    /// Whether every machine running the code has `features`.
    bool hasBaseline(CpuFeatures features) const {
      return bitEnumContainsAll(getBaseline(), features);
    }
    /// Whether code for `features` may be emitted (baseline or dispatched).
    bool canUse(CpuFeatures features) const {
      return bitEnumContainsAll(getBaseline() | getDispatch(), features);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Bitnet_KernelAttr : AttrDef<Bitnet_Dialect, "Kernel"> {
  let mnemonic = "kernel";
  let summary = "the kernel strategy chosen for a matmul, and its layout";
  let description = [{
    Set on `bitnet.ternary_matmul` / `bitnet.packed_matmul` by
    `bitnet-select-kernels` (attribute `kernel`): `name` is a registered
    kernel strategy (lib/Kernels/Strategies.def: `reference`, `x86`, ...),
    `layout` and `lanes` the packed layout that strategy streams, which
    `bitnet-pack-weights` produces and the matmul's verifier checks against
    its weights: for `tiled`, the lanes of a tile (block_rows = lanes x the
    weights per byte of the encoding packing picks); for
    `row_interleaved`, the rows of a tile. `any` (the reference kernel)
    accepts every layout.

    ```mlir
    #bitnet.kernel<name = "x86", layout = tiled, lanes = 16>
    #bitnet.kernel<name = "reference", layout = any>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"kernel strategy name">:$name,
    EnumParameter<Bitnet_KernelLayout>:$layout,
    DefaultValuedParameter<"int64_t", "1">:$lanes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The block_rows of weights packed with `encoding` for this kernel.
    int64_t getBlockRows(PackedEncoding encoding) const;
  }];
}

#endif // BITNET_BITNET_ATTRS
