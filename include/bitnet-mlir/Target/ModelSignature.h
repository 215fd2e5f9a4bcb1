//===- ModelSignature.h - inputs and outputs of a compiled model -*- C++
//-*-===//
//
// What bitnet_model_info (docs/abi.md) says about a model: the ONNX names,
// data types and shapes of its inputs and outputs. Captured from the
// tensor-level `main_graph` before lowering erases names and element types.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_TARGET_MODELSIGNATURE_H
#define BITNET_MLIR_TARGET_MODELSIGNATURE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace mlir::bitnet {

/// One bitnet_tensor_info.
struct TensorSignature {
  std::string name;
  /// ONNX TensorProto.DataType code (bitnet_dtype).
  int32_t dtype = 0;
  /// -1 marks a dynamic dimension.
  std::vector<int64_t> shape;
  /// Empty, or one entry per dimension: the ONNX dim_param of a dynamic
  /// dimension, "" for an unnamed or static one.
  std::vector<std::string> dimNames;
};

struct ModelSignature {
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
};

/// Module attribute that carries the signature through the LLVM stage, so
/// that `--emit=llvm` output can be compiled on by bitnet-compile.
inline constexpr llvm::StringLiteral kSignatureAttrName = "bitnet.signature";

/// Reads names (`onnx.name` argument/result attributes; `input<i>` and
/// `output<i>` where absent), dimension names (`onnx.dim_params`), data
/// types and shapes from the arguments and
/// results of `func`. Emits an error at `func` and fails for a type the
/// runtime cannot describe (unranked, no ONNX code, rank above 8).
FailureOr<ModelSignature> getModelSignature(func::FuncOp func);

/// The signature as a dictionary attribute and back (kSignatureAttrName).
DictionaryAttr getSignatureAttr(MLIRContext *context,
                                const ModelSignature &signature);
FailureOr<ModelSignature> parseSignatureAttr(Operation *op, Attribute attr);

/// `name` with every character outside [A-Za-z0-9_] replaced by '_'
/// ("model" when empty). The result may start with a digit.
std::string sanitizeIdentifier(llvm::StringRef name);

/// numpy-style dtype name of an ONNX code ("float32"), "unknown" otherwise;
/// the spelling of bitnet_dtype_name in the runtime.
llvm::StringRef getDtypeName(int32_t dtype);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TARGET_MODELSIGNATURE_H
