//===- PackWeights.cpp - pack constant ternary weights into bits ----------===//
//
// bitnet-pack-weights: `bitnet.ternary_matmul` on a constant i8 weight matrix
// becomes `bitnet.packed_constant` + `bitnet.packed_matmul`. The bit formats
// are those of !bitnet.packed (docs/packed-formats.md). Packing reads the
// constant's raw bytes once and writes the packed bytes into one buffer: no
// per-element APInt.
//
//===----------------------------------------------------------------------===//

#include "bitnet-mlir/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETPACKWEIGHTSPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

namespace {

/// The `encoding` option.
enum class EncodingChoice { Auto, Binary1, Ternary2 };

std::optional<EncodingChoice> parseEncodingChoice(StringRef name) {
  return llvm::StringSwitch<std::optional<EncodingChoice>>(name)
      .Case("auto", EncodingChoice::Auto)
      .Case("binary1", EncodingChoice::Binary1)
      .Case("ternary2", EncodingChoice::Ternary2)
      .Default(std::nullopt);
}

/// The weight matrix of a ternary_matmul as row-major int8 values, when it is
/// a constant. `storage` backs the result when the attribute cannot hand out
/// its bytes directly (splats, non-dense attributes).
std::optional<ArrayRef<int8_t>>
getConstantWeights(TernaryMatmulOp op, SmallVectorImpl<int8_t> &storage) {
  ElementsAttr attr;
  if (!matchPattern(op.getWeights(), m_Constant(&attr)) ||
      !attr.getElementType().isInteger(8))
    return std::nullopt;
  int64_t count = attr.getNumElements();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    ArrayRef<char> raw = dense.getRawData();
    if (!dense.isSplat())
      return ArrayRef<int8_t>(reinterpret_cast<const int8_t *>(raw.data()),
                              raw.size());
    storage.assign(count, static_cast<int8_t>(raw.front()));
    return ArrayRef<int8_t>(storage);
  }
  if (auto resource = dyn_cast<DenseI8ResourceElementsAttr>(attr))
    if (std::optional<ArrayRef<int8_t>> data = resource.tryGetAsArrayRef())
      return data;
  // Any other ElementsAttr: one pass over its values.
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return std::nullopt;
  storage.reserve(count);
  for (const APInt &value : *values)
    storage.push_back(static_cast<int8_t>(value.getSExtValue()));
  return ArrayRef<int8_t>(storage);
}

/// Why `weights` cannot be packed with `encoding`, or success.
LogicalResult checkWeights(ArrayRef<int8_t> weights, PackedEncoding encoding,
                           std::string &why) {
  for (int8_t w : weights) {
    if (w < -1 || w > 1) {
      why = "weight " + std::to_string(w) + " is not in {-1, 0, 1}";
      return failure();
    }
    if (w == 0 && encoding == PackedEncoding::Binary1) {
      why = "encoding binary1 cannot represent the weight 0";
      return failure();
    }
  }
  return success();
}

/// The encoding `choice` selects for `weights`.
PackedEncoding selectEncoding(ArrayRef<int8_t> weights, EncodingChoice choice) {
  switch (choice) {
  case EncodingChoice::Binary1:
    return PackedEncoding::Binary1;
  case EncodingChoice::Ternary2:
    return PackedEncoding::Ternary2;
  case EncodingChoice::Auto:
    break;
  }
  return llvm::is_contained(weights, 0) ? PackedEncoding::Ternary2
                                        : PackedEncoding::Binary1;
}

/// Packs the rows x cols matrix `weights` (values checked by checkWeights)
/// into the storage bytes of `type`: row n at byte n * rowBytes, weight k at
/// bit (k * bits) % 8 of byte (k * bits) / 8, padding zero.
std::vector<char> packWeights(ArrayRef<int8_t> weights, PackedType type) {
  int64_t rows = type.getRows(), cols = type.getCols();
  int64_t rowBytes = type.getRowBytes();
  std::vector<char> packed(rows * rowBytes, 0);
  bool binary = type.getEncoding() == PackedEncoding::Binary1;
  for (int64_t n = 0; n < rows; ++n) {
    const int8_t *row = weights.data() + n * cols;
    auto *out = reinterpret_cast<uint8_t *>(packed.data() + n * rowBytes);
    if (binary) {
      for (int64_t k = 0; k < cols; ++k)
        out[k >> 3] |= uint8_t(row[k] > 0) << (k & 7);
    } else {
      for (int64_t k = 0; k < cols; ++k)
        out[k >> 2] |= uint8_t(row[k] + 1) << (2 * (k & 3));
    }
  }
  return packed;
}

struct PackConstantWeights : OpRewritePattern<TernaryMatmulOp> {
  PackConstantWeights(MLIRContext *context, EncodingChoice choice)
      : OpRewritePattern(context), choice(choice) {}

  LogicalResult matchAndRewrite(TernaryMatmulOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<int8_t> storage;
    std::optional<ArrayRef<int8_t>> weights = getConstantWeights(op, storage);
    if (!weights)
      return rewriter.notifyMatchFailure(op, "weights are not an i8 constant");
    auto weightsType = cast<ShapedType>(op.getWeights().getType());
    if (!weightsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "weights have a dynamic shape");
    PackedEncoding encoding = selectEncoding(*weights, choice);
    std::string why;
    if (failed(checkWeights(*weights, encoding, why)))
      return rewriter.notifyMatchFailure(op, why);

    auto packedType = PackedType::get(
        getContext(), encoding, PackedLayout::RowMajor,
        weightsType.getDimSize(0), weightsType.getDimSize(1), /*groupSize=*/0);
    std::vector<char> packed = packWeights(*weights, packedType);
    auto storageType = RankedTensorType::get(packedType.getStorageShape(),
                                             rewriter.getI8Type());
    auto data = DenseElementsAttr::getFromRawBuffer(storageType, packed);
    Value packedWeights =
        PackedConstantOp::create(rewriter, op.getWeights().getLoc(), packedType,
                                 cast<DenseIntElementsAttr>(data));
    rewriter.replaceOpWithNewOp<PackedMatmulOp>(op, op.getType(), op.getInput(),
                                                packedWeights);
    return success();
  }

  EncodingChoice choice;
};

struct BitnetPackWeightsPass
    : bitnet::impl::BitnetPackWeightsPassBase<BitnetPackWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<EncodingChoice> choice = parseEncodingChoice(encoding);
    if (!choice) {
      getOperation().emitError("bitnet-pack-weights: unknown encoding '")
          << encoding << "' (expected auto, binary1 or ternary2)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PackConstantWeights>(&getContext(), *choice);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Diagnose what is left, once per op: non-constant weights stay unpacked
    // (a remark); constant weights the encoding cannot hold are an error.
    bool failedToPack = false;
    getOperation().walk([&](TernaryMatmulOp op) {
      SmallVector<int8_t> storage;
      std::optional<ArrayRef<int8_t>> weights = getConstantWeights(op, storage);
      if (!weights) {
        op.emitRemark("weights are not a constant: left unpacked");
        return;
      }
      std::string why;
      if (failed(
              checkWeights(*weights, selectEncoding(*weights, *choice), why))) {
        op.emitOpError("cannot pack weights: ") << why;
        failedToPack = true;
        return;
      }
      op.emitRemark("weights have a dynamic shape: left unpacked");
    });
    if (failedToPack)
      signalPassFailure();
  }
};

} // namespace

void bitnet::populateBitnetPackWeightsPatterns(RewritePatternSet &patterns,
                                               StringRef encoding) {
  // An unknown name packs as `auto`; the pass reports it as an error.
  patterns.add<PackConstantWeights>(
      patterns.getContext(),
      parseEncodingChoice(encoding).value_or(EncodingChoice::Auto));
}
