//===- BitnetDialect.td - the bitnet dialect ---------------*- tablegen -*-===//
#ifndef BITNET_BITNET_DIALECT
#define BITNET_BITNET_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Bitnet_Dialect : Dialect {
  let name = "bitnet";
  let cppNamespace = "::mlir::bitnet";
  let summary = "BitNet quantized linear layers with add-only matmuls";
  let description = [{
    A BitLinear layer after raising: activations quantized to int8 with a
    runtime scale, a matrix product of those int8 values with weights in
    {-1, +1} or {-1, 0, +1} accumulated in int32 (adds and subtracts only),
    and a float rescale. Weights are packed at compile time into
    `!bitnet.packed` values whose type records the packing format.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
}

// A signed 64-bit integer attribute (upstream I64Attr returns uint64_t).
def Bitnet_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                  "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

class Bitnet_Op<string mnemonic, list<Trait> traits = []>
    : Op<Bitnet_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Bitnet_Binary1 : I32EnumAttrCase<"Binary1", 0, "binary1">;
def Bitnet_Ternary2 : I32EnumAttrCase<"Ternary2", 1, "ternary2">;
def Bitnet_TernaryBase3 : I32EnumAttrCase<"TernaryBase3", 2, "ternary_base3">;
def Bitnet_PackedEncoding : I32EnumAttr<"PackedEncoding",
    "how one weight is coded in bits",
    [Bitnet_Binary1, Bitnet_Ternary2, Bitnet_TernaryBase3]> {
  let cppNamespace = "::mlir::bitnet";
  let genSpecializedAttr = 0;
}

def Bitnet_RowMajor : I32EnumAttrCase<"RowMajor", 0, "row_major">;
def Bitnet_RowInterleaved : I32EnumAttrCase<"RowInterleaved", 1,
                                            "row_interleaved">;
def Bitnet_Tiled : I32EnumAttrCase<"Tiled", 2, "tiled">;
def Bitnet_PackedLayout : I32EnumAttr<"PackedLayout",
    "where packed weights lie in memory", [Bitnet_RowMajor,
                                           Bitnet_RowInterleaved,
                                           Bitnet_Tiled]> {
  let cppNamespace = "::mlir::bitnet";
  let genSpecializedAttr = 0;
}

// A kernel's requirement on the packed layout: one of PackedLayout's, or any.
def Bitnet_KernelAny : I32EnumAttrCase<"Any", 3, "any">;
def Bitnet_KernelLayout : I32EnumAttr<"KernelLayout",
    "the packed layout a kernel streams", [Bitnet_RowMajor,
                                           Bitnet_RowInterleaved,
                                           Bitnet_Tiled, Bitnet_KernelAny]> {
  let cppNamespace = "::mlir::bitnet";
  let genSpecializedAttr = 0;
}

def Bitnet_PerTensor : I32EnumAttrCase<"PerTensor", 0, "per_tensor">;
def Bitnet_PerToken : I32EnumAttrCase<"PerToken", 1, "per_token">;
def Bitnet_PerGroup : I32EnumAttrCase<"PerGroup", 2, "per_group">;
def Bitnet_Granularity : I32EnumAttr<"Granularity",
    "which elements share one activation scale", [Bitnet_PerTensor,
                                                   Bitnet_PerToken,
                                                   Bitnet_PerGroup]> {
  let cppNamespace = "::mlir::bitnet";
  let genSpecializedAttr = 0;
}
def Bitnet_GranularityAttr : EnumAttr<Bitnet_Dialect, Bitnet_Granularity,
                                      "granularity">;

#endif // BITNET_BITNET_DIALECT
