//===- RankInference.cpp - ranks libonnx's shape inference leaves out -----===//
//
// libonnx 1.12 gives an output no shape at all when a size it needs is only
// known at run time: a Slice of a rotary table by the sequence length
// (`cos[:S]` with S from Shape/Gather), a Range, a ConstantOfShape of a
// computed shape, ... and then everything computed from it is unranked too.
// For most ops the output's rank follows from the inputs' ranks (and
// constant attributes or axes) even when its sizes do not. The rules here
// compute that rank and every dim that is statically known, leaving the rest
// dynamic (they never invent a size). Outputs whose rank depends on data
// (Reshape to a shape of unknown length, Squeeze without axes of a dynamic
// dim, ...) get nothing and stay unranked, which the builder rejects.
//
// The rules also run on outputs libonnx did type: a rank, or a static dim,
// that contradicts the rule is reported at the node.
//
//===----------------------------------------------------------------------===//
#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

using namespace mlir;
using namespace mlir::bitnet;
using namespace mlir::bitnet::importer;

namespace {
/// A dim whose size is not known statically.
constexpr int64_t kUnknownDim = -1;
/// Ranks above this are left to libonnx: a shape operand declared with
/// millions of entries is a malformed model, not a tensor to allocate dims for.
constexpr int64_t kMaxRank = 64;

/// What is known about a tensor value: its element type (0 when unknown)
/// and, when ranked, its dims (kUnknownDim where dynamic).
struct ValueShape {
  int32_t elementType = 0;
  std::optional<SmallVector<int64_t>> dims;
};

class RankInference {
public:
  RankInference(onnx::GraphProto &graph, const ShapeData &shapeData,
                const ModelContext &model)
      : graph(graph), shapeData(shapeData), model(model) {}

  /// Types every untyped output a rule covers; checks typed ones.
  FailureOr<bool> run();

private:
  ValueShape lookup(const std::string &name) const;
  std::optional<SmallVector<int64_t>> getConstantInts(const std::string &name)
      const;
  std::optional<int64_t> getIntAttr(const onnx::NodeProto &node,
                                    StringRef name) const;
  std::optional<SmallVector<int64_t>>
  getIntsAttr(const onnx::NodeProto &node, StringRef name) const;
  /// The output shapes the rule of `node`'s op gives, one per output; an
  /// output without `dims` has no rule (or a data-dependent rank).
  SmallVector<ValueShape> infer(const onnx::NodeProto &node) const;
  ValueShape inferFirst(const onnx::NodeProto &node) const;

  onnx::GraphProto &graph;
  const ShapeData &shapeData;
  const ModelContext &model;
  /// Value infos by name: inputs, outputs, value_info (mutable: the pass
  /// adds shapes).
  llvm::StringMap<onnx::ValueInfoProto *> infos;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  llvm::StringMap<const onnx::TensorProto *> constantNodes;
};
} // namespace

static ValueShape fromTypeProto(const onnx::TypeProto &type) {
  ValueShape shape;
  if (!type.has_tensor_type())
    return shape;
  shape.elementType = type.tensor_type().elem_type();
  if (!type.tensor_type().has_shape())
    return shape;
  shape.dims.emplace();
  for (const onnx::TensorShapeProto_Dimension &dim :
       type.tensor_type().shape().dim())
    shape.dims->push_back(dim.has_dim_value() && dim.dim_value() >= 0
                              ? dim.dim_value()
                              : kUnknownDim);
  return shape;
}

ValueShape RankInference::lookup(const std::string &name) const {
  if (const onnx::TensorProto *tensor = initializers.lookup(name)) {
    ValueShape shape{tensor->data_type(), SmallVector<int64_t>()};
    for (int64_t dim : tensor->dims())
      shape.dims->push_back(dim);
    return shape;
  }
  if (const onnx::ValueInfoProto *info = infos.lookup(name))
    return fromTypeProto(info->type());
  return {};
}

/// The integers of a small int64/int32 tensor, if its data is in the proto.
static std::optional<SmallVector<int64_t>>
readInts(const onnx::TensorProto &tensor) {
  constexpr int64_t kMaxCount = 1024;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || dim > kMaxCount)
      return std::nullopt;
    count *= dim;
    if (count > kMaxCount)
      return std::nullopt;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  SmallVector<int64_t> values;
  if (tensor.data_type() == onnx::TensorProto::INT64) {
    if (tensor.has_raw_data()) {
      const std::string &raw = tensor.raw_data();
      if (raw.size() != static_cast<size_t>(count) * 8)
        return std::nullopt;
      for (int64_t i = 0; i < count; ++i) {
        int64_t value;
        std::memcpy(&value, raw.data() + i * 8, 8);
        values.push_back(value);
      }
    } else {
      values.append(tensor.int64_data().begin(), tensor.int64_data().end());
    }
  } else if (tensor.data_type() == onnx::TensorProto::INT32) {
    if (tensor.has_raw_data()) {
      const std::string &raw = tensor.raw_data();
      if (raw.size() != static_cast<size_t>(count) * 4)
        return std::nullopt;
      for (int64_t i = 0; i < count; ++i) {
        int32_t value;
        std::memcpy(&value, raw.data() + i * 4, 4);
        values.push_back(value);
      }
    } else {
      values.append(tensor.int32_data().begin(), tensor.int32_data().end());
    }
  } else {
    return std::nullopt;
  }
  if (static_cast<int64_t>(values.size()) != count)
    return std::nullopt;
  return values;
}

std::optional<SmallVector<int64_t>>
RankInference::getConstantInts(const std::string &name) const {
  if (const onnx::TensorProto *tensor = initializers.lookup(name))
    return readInts(*tensor);
  if (const onnx::TensorProto *tensor = constantNodes.lookup(name))
    return readInts(*tensor);
  // Values libonnx's data propagation computed (Unsqueeze of a constant,
  // Concat of constants, ...) when every entry is a number.
  auto it = shapeData.find(name);
  if (it == shapeData.end())
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const onnx::TensorShapeProto_Dimension &dim : it->second.dim()) {
    if (!dim.has_dim_value())
      return std::nullopt;
    values.push_back(dim.dim_value());
  }
  return values;
}

std::optional<int64_t> RankInference::getIntAttr(const onnx::NodeProto &node,
                                                 StringRef name) const {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (attribute.name() == name &&
        attribute.type() == onnx::AttributeProto::INT)
      return attribute.i();
  return std::nullopt;
}

std::optional<SmallVector<int64_t>>
RankInference::getIntsAttr(const onnx::NodeProto &node, StringRef name) const {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (attribute.name() == name &&
        attribute.type() == onnx::AttributeProto::INTS)
      return SmallVector<int64_t>(attribute.ints().begin(),
                                  attribute.ints().end());
  return std::nullopt;
}

/// Normalizes `axes` into [0, rank) and sorts them; nothing when one is out
/// of range or repeated (the checker or the lowering reports those).
static std::optional<SmallVector<int64_t>>
normalizeAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> normalized;
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    normalized.push_back(axis < 0 ? axis + rank : axis);
  }
  llvm::sort(normalized);
  if (std::adjacent_find(normalized.begin(), normalized.end()) !=
      normalized.end())
    return std::nullopt;
  return normalized;
}

/// Multidirectional broadcasting of ranked dims: a known dim other than 1
/// wins; all 1 gives 1; otherwise unknown.
static std::optional<SmallVector<int64_t>>
broadcastDims(ArrayRef<ValueShape> operands) {
  size_t rank = 0;
  for (const ValueShape &operand : operands) {
    if (!operand.dims)
      return std::nullopt;
    rank = std::max(rank, operand.dims->size());
  }
  SmallVector<int64_t> dims(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    bool anyUnknown = false;
    int64_t known = 1;
    for (const ValueShape &operand : operands) {
      size_t offset = rank - operand.dims->size();
      if (i < offset)
        continue;
      int64_t dim = (*operand.dims)[i - offset];
      if (dim == kUnknownDim)
        anyUnknown = true;
      else if (dim != 1)
        known = dim;
    }
    dims[i] = known != 1 ? known : (anyUnknown ? kUnknownDim : 1);
  }
  return dims;
}

static bool isOneOf(StringRef op, std::initializer_list<StringRef> names) {
  return llvm::is_contained(names, op);
}

/// Ops whose outputs have the shape of their first input.
static bool keepsShape(StringRef op) {
  return isOneOf(op,
                 {"Identity", "Cast", "CastLike", "Neg", "Abs", "Relu",
                  "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Reciprocal",
                  "Erf", "Sin", "Cos", "Floor", "Ceil", "Round", "Sign",
                  "Not", "Softmax", "LogSoftmax", "Gelu", "CumSum", "Trilu",
                  "Clip", "Dropout", "HardSigmoid", "LeakyRelu", "Elu",
                  "Softplus", "IsNaN", "IsInf", "LayerNormalization"});
}

/// Ops that broadcast all their inputs against each other.
static bool broadcasts(StringRef op) {
  return isOneOf(op, {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal",
                      "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                      "And", "Or", "Xor", "BitShift", "Where", "Max", "Min",
                      "Sum", "Mean", "PRelu"});
}

static bool isReduction(StringRef op) {
  return op.starts_with("Reduce") || op == "ArgMax" || op == "ArgMin";
}

/// The element type of output 0 where it is not the first input's.
static int32_t inferElementType(const onnx::NodeProto &node,
                                ArrayRef<ValueShape> inputs,
                                std::optional<int64_t> to) {
  StringRef op = node.op_type();
  if (isOneOf(op, {"Equal", "Less", "Greater", "LessOrEqual",
                   "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN",
                   "IsInf"}))
    return onnx::TensorProto::BOOL;
  if (isOneOf(op, {"Shape", "Size", "ArgMax", "ArgMin"}))
    return onnx::TensorProto::INT64;
  if (op == "Cast")
    return to ? static_cast<int32_t>(*to) : 0;
  if (op == "CastLike" || op == "Where")
    return inputs.size() > 1 ? inputs[1].elementType : 0;
  if (op == "ConstantOfShape") {
    for (const onnx::AttributeProto &attribute : node.attribute())
      if (attribute.name() == "value" && attribute.has_t())
        return attribute.t().data_type();
    return onnx::TensorProto::FLOAT;
  }
  return inputs.empty() ? 0 : inputs[0].elementType;
}

ValueShape RankInference::inferFirst(const onnx::NodeProto &node) const {
  StringRef op = node.op_type();
  SmallVector<ValueShape> inputs;
  for (const std::string &input : node.input())
    inputs.push_back(input.empty() ? ValueShape() : lookup(input));
  auto input = [&](int index) -> const ValueShape & {
    static const ValueShape kNone;
    return index < static_cast<int>(inputs.size()) ? inputs[index] : kNone;
  };
  auto hasInput = [&](int index) {
    return index < node.input_size() && !node.input(index).empty();
  };
  ValueShape result;
  result.elementType = inferElementType(node, inputs, getIntAttr(node, "to"));
  const std::optional<SmallVector<int64_t>> &data = input(0).dims;
  int64_t rank = data ? static_cast<int64_t>(data->size()) : 0;

  if (keepsShape(op)) {
    result.dims = data;
  } else if (broadcasts(op)) {
    result.dims = broadcastDims(inputs);
  } else if (op == "Shape") {
    if (data) {
      int64_t start = getIntAttr(node, "start").value_or(0);
      int64_t end = getIntAttr(node, "end").value_or(rank);
      start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
      end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
      result.dims = SmallVector<int64_t>{std::max(end - start, int64_t(0))};
    }
  } else if (op == "Size") {
    result.dims = SmallVector<int64_t>();
  } else if (op == "Range") {
    result.dims = SmallVector<int64_t>{kUnknownDim};
  } else if (op == "Slice") {
    if (data) {
      result.dims = SmallVector<int64_t>(rank, kUnknownDim);
      // Axes the node does not slice keep their size.
      std::optional<SmallVector<int64_t>> axes;
      if (!hasInput(3)) {
        if (input(1).dims && input(1).dims->size() == 1 &&
            (*input(1).dims)[0] != kUnknownDim) {
          axes.emplace();
          for (int64_t i = 0; i < (*input(1).dims)[0]; ++i)
            axes->push_back(i);
        }
      } else if (std::optional<SmallVector<int64_t>> values =
                     getConstantInts(node.input(3))) {
        axes = normalizeAxes(*values, rank);
      }
      if (axes)
        for (int64_t i = 0; i < rank; ++i)
          if (!llvm::is_contained(*axes, i))
            (*result.dims)[i] = (*data)[i];
    }
  } else if (op == "Tile") {
    if (data) {
      result.dims = SmallVector<int64_t>(rank, kUnknownDim);
      std::optional<SmallVector<int64_t>> repeats =
          hasInput(1) ? getConstantInts(node.input(1)) : std::nullopt;
      if (repeats && static_cast<int64_t>(repeats->size()) == rank)
        for (int64_t i = 0; i < rank; ++i)
          if ((*data)[i] != kUnknownDim && (*repeats)[i] >= 0 &&
              ((*repeats)[i] == 0 ||
               (*data)[i] <= std::numeric_limits<int64_t>::max() /
                                 (*repeats)[i]))
            (*result.dims)[i] = (*data)[i] * (*repeats)[i];
    }
  } else if (op == "ConstantOfShape" || op == "Expand" || op == "Reshape") {
    // The shape operand's length is the rank (Expand: broadcast with data).
    int shapeIndex = op == "ConstantOfShape" ? 0 : 1;
    const ValueShape &shapeOperand = input(shapeIndex);
    if (shapeOperand.dims && shapeOperand.dims->size() == 1 &&
        (*shapeOperand.dims)[0] != kUnknownDim &&
        (*shapeOperand.dims)[0] <= kMaxRank &&
        (op == "ConstantOfShape" || data)) {
      int64_t length = (*shapeOperand.dims)[0];
      SmallVector<int64_t> dims(length, kUnknownDim);
      std::optional<SmallVector<int64_t>> values =
          hasInput(shapeIndex) ? getConstantInts(node.input(shapeIndex))
                               : std::nullopt;
      if (values && static_cast<int64_t>(values->size()) == length) {
        bool allowZero = getIntAttr(node, "allowzero").value_or(0) != 0;
        for (int64_t i = 0; i < length; ++i) {
          int64_t value = (*values)[i];
          if (op == "Reshape" && value == 0 && !allowZero)
            dims[i] = i < rank ? (*data)[i] : kUnknownDim;
          else if (value > 0 || (value == 0 && op != "Expand"))
            dims[i] = value;
        }
      }
      if (op == "Expand") {
        // Each dim broadcasts the data's against the shape entry's.
        result.dims = broadcastDims({input(0), ValueShape{0, dims}});
      } else {
        result.dims = dims;
      }
    }
  } else if (op == "Gather") {
    const std::optional<SmallVector<int64_t>> &indices = input(1).dims;
    int64_t axis = getIntAttr(node, "axis").value_or(0);
    if (data && indices && axis >= -rank && axis < rank) {
      if (axis < 0)
        axis += rank;
      SmallVector<int64_t> dims(data->begin(), data->begin() + axis);
      dims.append(indices->begin(), indices->end());
      dims.append(data->begin() + axis + 1, data->end());
      result.dims = dims;
    }
  } else if (op == "Unsqueeze" || op == "Squeeze") {
    std::optional<SmallVector<int64_t>> axes = getIntsAttr(node, "axes");
    if (!axes && hasInput(1))
      axes = getConstantInts(node.input(1));
    if (data && op == "Unsqueeze" && axes) {
      int64_t outRank = rank + static_cast<int64_t>(axes->size());
      if (std::optional<SmallVector<int64_t>> normalized =
              normalizeAxes(*axes, outRank)) {
        SmallVector<int64_t> dims;
        auto next = data->begin();
        for (int64_t i = 0; i < outRank; ++i)
          dims.push_back(llvm::is_contained(*normalized, i) ? 1 : *next++);
        result.dims = dims;
      }
    } else if (data && op == "Squeeze") {
      std::optional<SmallVector<int64_t>> normalized;
      if (axes) {
        normalized = normalizeAxes(*axes, rank);
      } else if (!hasInput(1) && !llvm::is_contained(*data, kUnknownDim)) {
        // Without axes, the size-1 dims: known only when every dim is.
        normalized.emplace();
        for (int64_t i = 0; i < rank; ++i)
          if ((*data)[i] == 1)
            normalized->push_back(i);
      }
      if (normalized) {
        SmallVector<int64_t> dims;
        for (int64_t i = 0; i < rank; ++i)
          if (!llvm::is_contained(*normalized, i))
            dims.push_back((*data)[i]);
        result.dims = dims;
      }
    }
  } else if (op == "Concat") {
    int64_t axis = getIntAttr(node, "axis").value_or(0);
    bool ranked = data && axis >= -rank && axis < rank;
    for (const ValueShape &operand : inputs)
      ranked &= operand.dims && operand.dims->size() == data->size();
    if (ranked) {
      if (axis < 0)
        axis += rank;
      SmallVector<int64_t> dims(rank, kUnknownDim);
      int64_t total = 0;
      for (const ValueShape &operand : inputs) {
        for (int64_t i = 0; i < rank; ++i)
          if (i != axis && (*operand.dims)[i] != kUnknownDim)
            dims[i] = (*operand.dims)[i];
        int64_t dim = (*operand.dims)[axis];
        total = total == kUnknownDim || dim == kUnknownDim ||
                        dim > std::numeric_limits<int64_t>::max() - total
                    ? kUnknownDim
                    : total + dim;
      }
      dims[axis] = total;
      result.dims = dims;
    }
  } else if (op == "Transpose") {
    if (data) {
      SmallVector<int64_t> perm;
      if (std::optional<SmallVector<int64_t>> attr = getIntsAttr(node, "perm"))
        perm = *attr;
      else
        for (int64_t i = rank - 1; i >= 0; --i)
          perm.push_back(i);
      std::optional<SmallVector<int64_t>> sorted = normalizeAxes(perm, rank);
      if (sorted && static_cast<int64_t>(perm.size()) == rank) {
        SmallVector<int64_t> dims;
        for (int64_t axis : perm)
          dims.push_back((*data)[axis < 0 ? axis + rank : axis]);
        result.dims = dims;
      }
    }
  } else if (op == "MatMul") {
    const std::optional<SmallVector<int64_t>> &rhs = input(1).dims;
    if (data && rhs && !data->empty() && !rhs->empty()) {
      SmallVector<int64_t> lhsDims = *data, rhsDims = *rhs;
      bool lhsVector = lhsDims.size() == 1, rhsVector = rhsDims.size() == 1;
      if (lhsVector)
        lhsDims.insert(lhsDims.begin(), 1);
      if (rhsVector)
        rhsDims.push_back(1);
      ValueShape lhsBatch{0, SmallVector<int64_t>(lhsDims.begin(),
                                                  lhsDims.end() - 2)};
      ValueShape rhsBatch{0, SmallVector<int64_t>(rhsDims.begin(),
                                                  rhsDims.end() - 2)};
      SmallVector<int64_t> dims = *broadcastDims({lhsBatch, rhsBatch});
      if (!lhsVector)
        dims.push_back(lhsDims[lhsDims.size() - 2]);
      if (!rhsVector)
        dims.push_back(rhsDims.back());
      result.dims = dims;
    }
  } else if (isReduction(op)) {
    bool keepDims = getIntAttr(node, "keepdims").value_or(1) != 0;
    std::optional<SmallVector<int64_t>> axes;
    bool allAxes = false;
    if (op == "ArgMax" || op == "ArgMin") {
      axes = SmallVector<int64_t>{getIntAttr(node, "axis").value_or(0)};
    } else if ((axes = getIntsAttr(node, "axes"))) {
    } else if (hasInput(1)) {
      axes = getConstantInts(node.input(1));
      allAxes = axes && axes->empty() &&
                getIntAttr(node, "noop_with_empty_axes").value_or(0) == 0;
    } else {
      allAxes = getIntAttr(node, "noop_with_empty_axes").value_or(0) == 0;
      if (!allAxes)
        axes = SmallVector<int64_t>();
    }
    if (data && allAxes) {
      axes.emplace();
      for (int64_t i = 0; i < rank; ++i)
        axes->push_back(i);
    }
    std::optional<SmallVector<int64_t>> normalized =
        data && axes ? normalizeAxes(*axes, rank) : std::nullopt;
    if (normalized) {
      SmallVector<int64_t> dims;
      for (int64_t i = 0; i < rank; ++i) {
        if (!llvm::is_contained(*normalized, i))
          dims.push_back((*data)[i]);
        else if (keepDims)
          dims.push_back(1);
      }
      result.dims = dims;
    } else if (data && keepDims) {
      // Axes computed at run time: each dim is either kept or 1.
      result.dims = SmallVector<int64_t>(rank, kUnknownDim);
    }
  }
  return result;
}

SmallVector<ValueShape>
RankInference::infer(const onnx::NodeProto &node) const {
  SmallVector<ValueShape> outputs;
  ValueShape first = inferFirst(node);
  StringRef op = node.op_type();
  if (op == "Split" && node.input_size() > 0) {
    ValueShape data = lookup(node.input(0));
    int64_t rank = data.dims ? static_cast<int64_t>(data.dims->size()) : 0;
    int64_t axis = getIntAttr(node, "axis").value_or(0);
    if (data.dims && axis >= -rank && axis < rank) {
      if (axis < 0)
        axis += rank;
      std::optional<SmallVector<int64_t>> sizes = getIntsAttr(node, "split");
      if (!sizes && node.input_size() > 1 && !node.input(1).empty())
        sizes = getConstantInts(node.input(1));
      for (int i = 0; i < node.output_size(); ++i) {
        ValueShape part = data;
        (*part.dims)[axis] =
            sizes && static_cast<int>(sizes->size()) == node.output_size() &&
                    (*sizes)[i] >= 0
                ? (*sizes)[i]
                : kUnknownDim;
        outputs.push_back(part);
      }
      return outputs;
    }
  }
  outputs.push_back(first);
  // Dropout's mask has the data's shape.
  if (op == "Dropout" && node.output_size() > 1)
    outputs.push_back({onnx::TensorProto::BOOL, first.dims});
  return outputs;
}

static std::string formatDims(ArrayRef<int64_t> dims) {
  std::string text = "[";
  for (auto [index, dim] : llvm::enumerate(dims)) {
    if (index)
      text += ", ";
    text += dim == kUnknownDim ? "?" : std::to_string(dim);
  }
  return text + "]";
}

FailureOr<bool> RankInference::run() {
  for (auto *list : {graph.mutable_input(), graph.mutable_output(),
                     graph.mutable_value_info()})
    for (onnx::ValueInfoProto &info : *list)
      infos.try_emplace(info.name(), &info);
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.try_emplace(tensor.name(), &tensor);
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "Constant" && node.domain().empty() &&
        node.output_size() == 1)
      for (const onnx::AttributeProto &attribute : node.attribute())
        if (attribute.name() == "value" && attribute.has_t())
          constantNodes.try_emplace(node.output(0), &attribute.t());

  bool added = false;
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty())
      continue;
    SmallVector<ValueShape> inferred = infer(node);
    for (auto [index, rule] : llvm::enumerate(inferred)) {
      if (static_cast<int>(index) >= node.output_size() ||
          node.output(index).empty() || !rule.dims)
        continue;
      // Nothing here computes a negative size, but a malformed constant
      // (a negative repeat) must not become one.
      for (int64_t &dim : *rule.dims)
        dim = std::max(dim, kUnknownDim);
      if (static_cast<int64_t>(rule.dims->size()) > kMaxRank)
        continue;
      const std::string &name = node.output(index);
      onnx::ValueInfoProto *info = infos.lookup(name);
      ValueShape known = info ? fromTypeProto(info->type()) : ValueShape();
      if (known.dims) {
        bool agree = known.dims->size() == rule.dims->size();
        for (size_t i = 0; agree && i < known.dims->size(); ++i)
          agree = (*known.dims)[i] == kUnknownDim ||
                  (*rule.dims)[i] == kUnknownDim ||
                  (*known.dims)[i] == (*rule.dims)[i];
        if (!agree)
          return model.emitError(node)
                 << "output '" << name << "' has shape "
                 << formatDims(*known.dims)
                 << " from shape inference or the model, but the op's rule "
                    "gives "
                 << formatDims(*rule.dims);
        continue;
      }
      int32_t elementType = known.elementType ? known.elementType
                                              : rule.elementType;
      if (!elementType)
        continue;
      if (!info) {
        info = graph.add_value_info();
        info->set_name(name);
        infos[name] = info;
      }
      onnx::TypeProto_Tensor *tensor =
          info->mutable_type()->mutable_tensor_type();
      tensor->set_elem_type(elementType);
      onnx::TensorShapeProto *shape = tensor->mutable_shape();
      shape->clear_dim();
      for (int64_t dim : *rule.dims) {
        onnx::TensorShapeProto_Dimension *entry = shape->add_dim();
        if (dim != kUnknownDim)
          entry->set_dim_value(dim);
      }
      added = true;
    }
  }
  return added;
}

FailureOr<bool> importer::addInferredRanks(onnx::GraphProto &graph,
                                           const ShapeData &shapeData,
                                           const ModelContext &model) {
  return RankInference(graph, shapeData, model).run();
}
