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

#include "mlir/Dialect/Tensor/IR/Tensor.h"
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
enum class EncodingChoice { Auto, Binary1, Ternary2, TernaryBase3 };

std::optional<EncodingChoice> parseEncodingChoice(StringRef name) {
  return llvm::StringSwitch<std::optional<EncodingChoice>>(name)
      .Case("auto", EncodingChoice::Auto)
      .Case("binary1", EncodingChoice::Binary1)
      .Case("ternary2", EncodingChoice::Ternary2)
      .Case("ternary_base3", EncodingChoice::TernaryBase3)
      .Default(std::nullopt);
}

/// The `layout` and `block-rows` options.
struct LayoutChoice {
  PackedLayout layout = PackedLayout::RowMajor;
  int64_t blockRows = 1;
};

FailureOr<LayoutChoice> parseLayoutChoice(StringRef name, int64_t blockRows) {
  if (name == "row_major" || name == "auto")
    return LayoutChoice{PackedLayout::RowMajor, 1};
  if (name == "row_interleaved" && blockRows >= 2 && blockRows <= 256)
    return LayoutChoice{PackedLayout::RowInterleaved, blockRows};
  if (name == "tiled" && blockRows >= 1)
    return LayoutChoice{PackedLayout::Tiled, blockRows};
  return failure();
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
  case EncodingChoice::TernaryBase3:
    return PackedEncoding::TernaryBase3;
  case EncodingChoice::Auto:
    break;
  }
  return llvm::is_contained(weights, 0) ? PackedEncoding::Ternary2
                                        : PackedEncoding::Binary1;
}

/// The code of weight w in {-1, 0, 1}: 1 bit (w > 0) for binary1, else
/// w + 1 (2 bits, or one base-3 digit).
uint8_t codeOf(int8_t w, PackedEncoding encoding) {
  return encoding == PackedEncoding::Binary1 ? uint8_t(w > 0) : uint8_t(w + 1);
}

/// Packs one row of `cols` weights (values checked by checkWeights) into
/// `rowBytes` bytes at `out`: weight k in byte k / P, slot k % P; unused
/// slots of the last byte stay zero.
void packRow(const int8_t *row, int64_t cols, PackedType type, uint8_t *out) {
  PackedEncoding encoding = type.getEncoding();
  if (encoding == PackedEncoding::TernaryBase3) {
    for (int64_t k0 = 0; k0 < cols; k0 += 5) {
      // Horner from the highest slot: sum_i code_i * 3^i.
      unsigned byte = 0;
      for (int64_t k = std::min<int64_t>(k0 + 5, cols) - 1; k >= k0; --k)
        byte = byte * 3 + codeOf(row[k], encoding);
      out[k0 / 5] = static_cast<uint8_t>(byte);
    }
    return;
  }
  unsigned bits = type.getBitsPerWeight();
  for (int64_t k = 0; k < cols; ++k) {
    int64_t bit = k * bits;
    out[bit >> 3] |= uint8_t(codeOf(row[k], encoding) << (bit & 7));
  }
}

/// `tiled`: each weight goes to its slot of the byte that holds P rows at
/// one k (PackedType::getWeightLocation).
std::vector<char> packTiled(ArrayRef<int8_t> weights, PackedType type) {
  int64_t rows = type.getRows(), cols = type.getCols();
  SmallVector<int64_t, 2> shape = type.getStorageShape();
  std::vector<uint8_t> packed(shape[0] * shape[1], 0);
  PackedEncoding encoding = type.getEncoding();
  unsigned bits = type.getBitsPerWeight();
  static constexpr uint8_t kPowersOf3[] = {1, 3, 9, 27, 81};
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t k = 0; k < cols; ++k) {
      PackedType::WeightLocation at = type.getWeightLocation(n, k);
      uint8_t code = codeOf(weights[n * cols + k], encoding);
      uint8_t &byte = packed[at.row * shape[1] + at.column];
      byte += encoding == PackedEncoding::TernaryBase3
                  ? uint8_t(code * kPowersOf3[at.slot])
                  : uint8_t(code << (at.slot * bits));
    }
  return std::vector<char>(packed.begin(), packed.end());
}

/// Packs the rows x cols matrix `weights` into the storage bytes of `type`
/// (its layout places byte j of row n; padding rows and slots are zero).
std::vector<char> packWeights(ArrayRef<int8_t> weights, PackedType type) {
  int64_t rows = type.getRows(), cols = type.getCols();
  if (type.getLayout() == PackedLayout::Tiled)
    return packTiled(weights, type);
  int64_t rowBytes = type.getRowBytes();
  SmallVector<int64_t, 2> shape = type.getStorageShape();
  std::vector<char> packed(shape[0] * shape[1], 0);
  std::vector<uint8_t> row(rowBytes);
  for (int64_t n = 0; n < rows; ++n) {
    std::fill(row.begin(), row.end(), 0);
    packRow(weights.data() + n * cols, cols, type, row.data());
    for (int64_t j = 0; j < rowBytes; ++j) {
      auto [r, c] = type.getStorageIndex(n, j);
      packed[r * shape[1] + c] = static_cast<char>(row[j]);
    }
  }
  return packed;
}

/// tensor.empty of the accumulator type, its dynamic sizes (the input's
/// leading dimensions) read from `input`.
Value createAccumulatorInit(OpBuilder &b, Location loc, Value input,
                            RankedTensorType accType) {
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < accType.getRank(); ++dim)
    if (accType.isDynamicDim(dim))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, dim));
  return tensor::EmptyOp::create(b, loc, accType, dynamicSizes);
}

struct PackConstantWeights : OpRewritePattern<TernaryMatmulOp> {
  PackConstantWeights(MLIRContext *context, EncodingChoice choice,
                      LayoutChoice layout)
      : OpRewritePattern(context), choice(choice), layout(layout) {}

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

    // The layout the chosen kernel streams, else the pass option's.
    LayoutChoice chosen = layout;
    KernelAttr kernel = op.getKernelAttr();
    if (kernel && kernel.getLayout() != KernelLayout::Any)
      chosen = {static_cast<PackedLayout>(kernel.getLayout()),
                kernel.getBlockRows(encoding)};
    // The matmul's k groups are the groups that share a weight scale.
    auto packedType = PackedType::getChecked(
        [&] { return op.emitOpError(); }, getContext(), encoding,
        chosen.layout, weightsType.getDimSize(0), weightsType.getDimSize(1),
        /*groupSize=*/op.getKGroup(), chosen.blockRows);
    if (!packedType)
      return failure();
    std::vector<char> packed = packWeights(*weights, packedType);
    auto storageType = RankedTensorType::get(packedType.getStorageShape(),
                                             rewriter.getI8Type());
    auto data = DenseElementsAttr::getFromRawBuffer(storageType, packed);
    Value packedWeights =
        PackedConstantOp::create(rewriter, op.getWeights().getLoc(), packedType,
                                 cast<DenseIntElementsAttr>(data));
    Value init = createAccumulatorInit(rewriter, op.getLoc(), op.getInput(),
                                       cast<RankedTensorType>(op.getType()));
    auto matmul = rewriter.replaceOpWithNewOp<PackedMatmulOp>(
        op, op.getInput(), packedWeights, init, op.getKGroup());
    matmul.setKernelAttr(kernel);
    return success();
  }

  EncodingChoice choice;
  LayoutChoice layout;
};

struct BitnetPackWeightsPass
    : bitnet::impl::BitnetPackWeightsPassBase<BitnetPackWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<EncodingChoice> choice = parseEncodingChoice(encoding);
    if (!choice) {
      getOperation().emitError("bitnet-pack-weights: unknown encoding '")
          << encoding
          << "' (expected auto, binary1, ternary2 or ternary_base3)";
      return signalPassFailure();
    }
    FailureOr<LayoutChoice> layoutChoice = parseLayoutChoice(layout, blockRows);
    if (failed(layoutChoice)) {
      getOperation().emitError("bitnet-pack-weights: invalid layout '")
          << layout << "' with block-rows=" << static_cast<int64_t>(blockRows)
          << " (expected row_major, row_interleaved with block-rows in "
             "[2, 256], or tiled)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<PackConstantWeights>(&getContext(), *choice, *layoutChoice);
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
                                               StringRef encoding,
                                               StringRef layout,
                                               int64_t blockRows) {
  // An unknown name packs as `auto` / `row_major`; the pass reports it as an
  // error.
  patterns.add<PackConstantWeights>(
      patterns.getContext(),
      parseEncodingChoice(encoding).value_or(EncodingChoice::Auto),
      succeeded(parseLayoutChoice(layout, blockRows))
          ? *parseLayoutChoice(layout, blockRows)
          : LayoutChoice());
}
