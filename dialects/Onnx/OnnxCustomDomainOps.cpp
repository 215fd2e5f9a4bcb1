//===- OnnxCustomDomainOps.cpp - verifiers of bitnet / com.microsoft ops ---===//
//
// The ops of the custom domains carry their whole contract in attributes and
// operand shapes; the importer's schemas check ONNX files, these verifiers
// check the same things for IR written or transformed by hand.
//
//===----------------------------------------------------------------------===//
#include "Onnx/OnnxDialect.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::onnx_ir;

/// The static extent of dimension `dim` of `value`, if known.
static std::optional<int64_t> getStaticDim(Value value, int64_t dim) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || dim >= type.getRank() || type.isDynamicDim(dim))
    return std::nullopt;
  return type.getDimSize(dim);
}

LogicalResult BitnetBitLinearOp::verify() {
  if (getWeightBits() != 1 && getWeightBits() != 2)
    return emitOpError("weight_bits must be 1 (binary) or 2 (ternary), got ")
           << getWeightBits();
  StringRef mode = getActivationMode();
  if (mode != "none" && mode != "per_tensor" && mode != "per_token" &&
      mode != "per_group")
    return emitOpError("activation_mode must be none, per_tensor, per_token "
                       "or per_group, got '")
           << mode << "'";
  if (getActivationBits() < 2 || getActivationBits() > 8)
    return emitOpError("activation_bits must be in [2, 8], got ")
           << getActivationBits();
  if (getGroupSize() < 0 || (mode == "per_group") != (getGroupSize() > 0))
    return emitOpError("group_size must be > 0 exactly when activation_mode "
                       "is per_group, got ")
           << getGroupSize();
  float epsilon = getEpsilon().convertToFloat();
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    return emitOpError("epsilon must be finite and >= 0, got ") << epsilon;
  if (getActivationShift() != 0 && getActivationShift() != 1)
    return emitOpError("activation_shift must be 0 or 1, got ")
           << getActivationShift();
  if (getActivationShift() == 1 && mode == "none")
    return emitOpError("activation_shift 1 needs quantized activations "
                       "(activation_mode is none)");
  auto weightType = dyn_cast<RankedTensorType>(getW().getType());
  if (weightType && (weightType.getRank() != 2 ||
                     !weightType.getElementType().isSignlessInteger(8)))
    return emitOpError("W must be an int8 [N, K] tensor, got ") << weightType;
  auto inputType = dyn_cast<RankedTensorType>(getX().getType());
  if (inputType && inputType.getRank() < 1)
    return emitOpError("X must have rank >= 1");
  if (inputType && weightType) {
    std::optional<int64_t> k = getStaticDim(getX(), inputType.getRank() - 1);
    std::optional<int64_t> wk = getStaticDim(getW(), 1);
    if (k && wk && *k != *wk)
      return emitOpError("X has K = ") << *k << " but W is [N, " << *wk << "]";
    if (k && getGroupSize() > 0 && *k % getGroupSize() != 0)
      return emitOpError("group_size ")
             << getGroupSize() << " does not divide K = " << *k;
  }
  return success();
}

LogicalResult MicrosoftMatMulNBitsOp::verify() {
  int64_t k = getK(), n = getN(), bits = getBits(), block = getBlockSize();
  if (k <= 0 || n <= 0)
    return emitOpError("K and N must be positive, got K = ")
           << k << ", N = " << n;
  if (bits < 2 || bits > 8)
    return emitOpError("bits must be in [2, 8], got ") << bits;
  if (block < 16 || (block & (block - 1)) != 0)
    return emitOpError("block_size must be a power of 2 and >= 16, got ")
           << block;
  if (!isa<NoneType>(getGIdx().getType()))
    return emitOpError("g_idx (act-order) is not supported");
  int64_t blocks = (k + block - 1) / block;
  auto codesType = dyn_cast<RankedTensorType>(getB().getType());
  if (codesType && codesType.hasStaticShape() &&
      (codesType.getShape() !=
           ArrayRef<int64_t>{n, blocks, block * bits / 8} ||
       !codesType.getElementType().isUnsignedInteger(8)))
    return emitOpError("B must be uint8 [N, ceil(K / block_size), "
                       "block_size * bits / 8] = [")
           << n << ", " << blocks << ", " << block * bits / 8 << "], got "
           << codesType;
  return success();
}
