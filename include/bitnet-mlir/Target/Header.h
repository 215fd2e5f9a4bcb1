//===- Header.h - the C header of a compiled model ---------------*- C++
//-*-===//
#ifndef BITNET_MLIR_TARGET_HEADER_H
#define BITNET_MLIR_TARGET_HEADER_H

#include "bitnet-mlir/Target/ModelSignature.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::bitnet {

/// Writes a C11/C++ header for the model `modelName` (a C identifier):
/// includes <bitnet/runtime.h>, declares bitnet_<name>_model and
/// bitnet_<name>_invoke, documents each input and output, defines
/// BITNET_<NAME>_NUM_INPUTS/_NUM_OUTPUTS and an index macro per tensor
/// (BITNET_<NAME>_INPUT_<X>), and a `static inline bitnet_<name>_run(const
/// bitnet_tensor *<in>..., bitnet_tensor *<out>...)` that calls
/// bitnet_model_run. Parameter names are the ONNX names made C identifiers
/// (distinct, no keywords). `source` names the model file in a comment.
void emitModelHeader(const ModelSignature &signature, llvm::StringRef modelName,
                     llvm::StringRef source, llvm::raw_ostream &os);

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TARGET_HEADER_H
