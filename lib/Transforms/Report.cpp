//===- Report.cpp - parameters, bytes and arithmetic energy per layer -----===//
//
// bitnet-report and the analysis behind `bitnet-compile --report`. The
// counts follow the energy model of the BitNet paper (Wang et al. 2023; see
// /docs/compile.md): an FP matmul of m x n by n x p costs m(n-1)p adds and
// mnp multiplies; a BitLinear the same number of INT8 adds and only the
// mp + mn multiplies of its rescale and activation quantization.
//
//===----------------------------------------------------------------------===//

#include "bitnet-mlir/Transforms/Report.h"
#include "bitnet-mlir/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

namespace mlir::bitnet {
#define GEN_PASS_DEF_BITNETREPORTPASS
#include "bitnet-mlir/Transforms/Passes.h.inc"
} // namespace mlir::bitnet

using namespace mlir;
using namespace mlir::bitnet;

static constexpr PrecisionClass kAllClasses[] = {
    PrecisionClass::FP32, PrecisionClass::FP16, PrecisionClass::INT8};

OperationEnergy bitnet::getOperationEnergy(PrecisionClass precision) {
  switch (precision) {
  case PrecisionClass::FP32:
    return {0.9, 0.38, 3.7, 1.31};
  case PrecisionClass::FP16:
    return {0.4, 0.16, 1.1, 0.34};
  case PrecisionClass::INT8:
    return {0.03, 0.007, 0.2, 0.07};
  }
  llvm_unreachable("unknown precision class");
}

StringRef bitnet::getPrecisionName(PrecisionClass precision) {
  switch (precision) {
  case PrecisionClass::FP32:
    return "fp32";
  case PrecisionClass::FP16:
    return "fp16";
  case PrecisionClass::INT8:
    return "int8";
  }
  llvm_unreachable("unknown precision class");
}

FailureOr<PrecisionClass> bitnet::parseBaselinePrecision(StringRef name) {
  if (name == "fp16")
    return PrecisionClass::FP16;
  if (name == "fp32")
    return PrecisionClass::FP32;
  return failure();
}

double ArithmeticCount::addJoules(bool at7nm) const {
  double picojoules = 0;
  for (PrecisionClass c : kAllClasses) {
    OperationEnergy e = getOperationEnergy(c);
    picojoules += adds[int(c)] * (at7nm ? e.add7nm : e.add45nm);
  }
  return picojoules * 1e-12;
}

double ArithmeticCount::mulJoules(bool at7nm) const {
  double picojoules = 0;
  for (PrecisionClass c : kAllClasses) {
    OperationEnergy e = getOperationEnergy(c);
    picojoules += muls[int(c)] * (at7nm ? e.mul7nm : e.mul45nm);
  }
  return picojoules * 1e-12;
}

ArithmeticCount &ArithmeticCount::operator+=(const ArithmeticCount &other) {
  for (int i = 0; i < 3; ++i) {
    adds[i] += other.adds[i];
    muls[i] += other.muls[i];
  }
  return *this;
}

ArithmeticCount bitnet::countFloatMatmul(double m, double n, double p,
                                         PrecisionClass precision) {
  ArithmeticCount count;
  count.adds[int(precision)] = m * std::max(n - 1, 0.0) * p;
  count.muls[int(precision)] = m * n * p;
  return count;
}

ArithmeticCount bitnet::countBitLinear(double m, double n, double p,
                                       PrecisionClass mulClass) {
  ArithmeticCount count;
  count.adds[int(PrecisionClass::INT8)] = m * std::max(n - 1, 0.0) * p;
  count.muls[int(mulClass)] = m * p + m * n;
  return count;
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

namespace {
class ModelAnalyzer {
public:
  ModelAnalyzer(const ReportOptions &options, const FloatPathReasons *reasons)
      : options(options), reasons(reasons) {
    report.tokens = options.tokens;
    report.baseline = options.baseline;
  }

  ModelReport analyze(ModuleOp module) {
    module.walk([&](Operation *op) {
      if (auto matmul = dyn_cast<PackedMatmulOp>(op))
        return addBitLinear(op, matmul.getInput(), matmul.getWeights());
      if (auto matmul = dyn_cast<TernaryMatmulOp>(op))
        return addBitLinear(op, matmul.getInput(), matmul.getWeights());
      if (auto matmul = dyn_cast<onnx_ir::MatMulOp>(op))
        return addFloatMatmul(matmul);
      if (auto gemm = dyn_cast<onnx_ir::GemmOp>(op))
        return addGemm(gemm);
      if (!isBookkeeping(op))
        ++notCounted[op->getName().getStringRef()];
    });
    for (auto &[name, count] : notCounted)
      report.notCounted.emplace_back(name.str(), count);
    return std::move(report);
  }

private:
  /// Ops without arithmetic of their own, or counted with a layer.
  static bool isBookkeeping(Operation *op) {
    // tensor.empty and tensor.dim: the destinations of packed_matmul.
    return isa<ModuleOp, func::FuncOp, func::ReturnOp, PackedConstantOp,
               PackedSliceOp, QuantizeActivationsOp, RescaleOp,
               onnx_ir::NoValueOp, tensor::EmptyOp,
               tensor::DimOp>(op) ||
           op->hasTrait<OpTrait::ConstantLike>();
  }

  /// A dimension, with dynamic ones counted as `tokens`.
  double getDim(int64_t dim) {
    if (!ShapedType::isDynamic(dim))
      return double(dim);
    report.hasDynamicDims = true;
    return double(options.tokens);
  }

  double getProduct(ArrayRef<int64_t> dims) {
    double product = 1;
    for (int64_t dim : dims)
      product *= getDim(dim);
    return product;
  }

  std::string getLayerName(Operation *op) {
    if (std::optional<StringRef> name = onnx_ir::getNodeName(op->getLoc()))
      return name->str();
    return (op->getName().getStringRef() + "#" + Twine(report.layers.size()))
        .str();
  }

  static int64_t getStorageBytes(Value value) {
    auto type = dyn_cast<ShapedType>(value.getType());
    if (!type || !type.hasStaticShape())
      return 0;
    return type.getNumElements() *
           llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  }

  static int64_t getNumElements(Value value) {
    auto type = dyn_cast<ShapedType>(value.getType());
    return type && type.hasStaticShape() ? type.getNumElements() : 0;
  }

  static bool isConstant(Value value) {
    Operation *def = value.getDefiningOp();
    return def && def->hasTrait<OpTrait::ConstantLike>();
  }

  void addBitLinear(Operation *op, Value input, Value weights) {
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!inputType || !resultType || inputType.getRank() == 0)
      return;
    LayerReport layer;
    layer.name = getLayerName(op);
    layer.op = op->getName().getStringRef().str();
    layer.bitLinear = true;
    layer.m = getProduct(inputType.getShape().drop_back());
    layer.n = getDim(inputType.getShape().back());
    layer.p = getDim(resultType.getShape().back());
    if (auto packed = dyn_cast<PackedType>(weights.getType())) {
      layer.encoding = stringifyPackedEncoding(packed.getEncoding()).str();
      layer.parameters = packed.getRows() * packed.getCols();
      layer.bytesCompiled = 1;
      for (int64_t extent : packed.getStorageShape())
        layer.bytesCompiled *= extent;
    } else {
      layer.encoding = "int8";
      layer.parameters = getNumElements(weights);
      layer.bytesCompiled = getStorageBytes(weights);
    }
    // Scales, bias (and whatever else a rescale keeps per output) are the
    // constants of the rescale that consumes the sums; the bias is also a
    // parameter of the source model.
    for (Operation *user : op->getUsers()) {
      auto rescale = dyn_cast<RescaleOp>(user);
      if (!rescale)
        continue;
      for (Value operand : rescale->getOperands())
        if (operand != rescale.getAcc() && operand != rescale.getActScale() &&
            isConstant(operand))
          layer.bytesCompiled += getStorageBytes(operand);
      if (Value bias = rescale.getBias())
        layer.parameters += getNumElements(bias);
    }
    layer.bytesFP16 = 2 * layer.parameters;
    layer.baseline =
        countFloatMatmul(layer.m, layer.n, layer.p, options.baseline);
    layer.compiled =
        countBitLinear(layer.m, layer.n, layer.p, options.baseline);
    report.layers.push_back(std::move(layer));
  }

  void addFloatLayer(Operation *op, double m, double n, double p,
                     ArrayRef<Value> parameterValues) {
    LayerReport layer;
    layer.name = getLayerName(op);
    layer.op = op->getName().getStringRef().str();
    layer.m = m;
    layer.n = n;
    layer.p = p;
    for (Value value : parameterValues) {
      if (!isConstant(value))
        continue;
      layer.parameters += getNumElements(value);
      layer.bytesCompiled += getStorageBytes(value);
    }
    layer.bytesFP16 = 2 * layer.parameters;
    if (reasons) {
      auto it = reasons->find(op->getLoc());
      if (it != reasons->end())
        layer.reason = it->second;
    }
    if (layer.reason.empty() && !isConstant(op->getOperand(1)))
      layer.reason = "B is computed at run time, not a constant weight";
    // The compiled graph computes float matmuls as the baseline does.
    layer.baseline = countFloatMatmul(m, n, p, options.baseline);
    layer.compiled = layer.baseline;
    report.layers.push_back(std::move(layer));
  }

  void addFloatMatmul(onnx_ir::MatMulOp op) {
    auto a = dyn_cast<RankedTensorType>(op.getA().getType());
    auto b = dyn_cast<RankedTensorType>(op.getB().getType());
    auto result = dyn_cast<RankedTensorType>(op.getType());
    if (!a || !b || !result || a.getRank() == 0 || b.getRank() == 0) {
      ++notCounted[StringRef("onnx.MatMul (unranked)")];
      return;
    }
    // [..., M, K] x [..., K, N] -> [..., M, N]; a 1-D B has no N dimension.
    ArrayRef<int64_t> rows = result.getShape();
    double p = 1;
    if (b.getRank() >= 2) {
      p = getDim(rows.back());
      rows = rows.drop_back();
    }
    addFloatLayer(op, getProduct(rows), getDim(a.getShape().back()), p,
                  {op.getB()});
  }

  void addGemm(onnx_ir::GemmOp op) {
    auto a = dyn_cast<RankedTensorType>(op.getA().getType());
    auto result = dyn_cast<RankedTensorType>(op.getType());
    if (!a || !result || a.getRank() != 2 || result.getRank() != 2) {
      ++notCounted[StringRef("onnx.Gemm (not 2-D)")];
      return;
    }
    int64_t k = op.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
    SmallVector<Value, 2> parameterValues = {op.getB()};
    if (!isa<NoneType>(op.getC().getType()))
      parameterValues.push_back(op.getC());
    addFloatLayer(op, getDim(result.getDimSize(0)), getDim(k),
                  getDim(result.getDimSize(1)), parameterValues);
  }

  const ReportOptions &options;
  const FloatPathReasons *reasons;
  ModelReport report;
  /// Op names (or descriptions) that are not layers, with their counts.
  llvm::MapVector<StringRef, int64_t> notCounted;
};
} // namespace

ModelReport bitnet::analyzeModel(ModuleOp module, const ReportOptions &options,
                                 const FloatPathReasons *reasons) {
  return ModelAnalyzer(options, reasons).analyze(module);
}

//===----------------------------------------------------------------------===//
// Output
//===----------------------------------------------------------------------===//

namespace {
struct Totals {
  int64_t parameters = 0, bytesFP16 = 0, bytesCompiled = 0;
  ArithmeticCount baseline, compiled;
};
} // namespace

static Totals getTotals(const ModelReport &report) {
  Totals totals;
  for (const LayerReport &layer : report.layers) {
    totals.parameters += layer.parameters;
    totals.bytesFP16 += layer.bytesFP16;
    totals.bytesCompiled += layer.bytesCompiled;
    totals.baseline += layer.baseline;
    totals.compiled += layer.compiled;
  }
  return totals;
}

static double getRatio(int64_t fp16, int64_t compiled) {
  return compiled ? double(fp16) / double(compiled) : 0.0;
}

/// "12.3 nJ": three significant digits with an SI prefix.
static std::string formatJoules(double joules) {
  static const std::pair<double, const char *> units[] = {
      {1, "J"}, {1e-3, "mJ"}, {1e-6, "uJ"}, {1e-9, "nJ"}, {1e-12, "pJ"}};
  for (auto [scale, unit] : units)
    if (joules >= scale || scale == 1e-12)
      return llvm::formatv("{0:G} {1}", llvm::format("%.3g", joules / scale),
                           unit);
  llvm_unreachable("the last unit always matches");
}

static std::string formatCount(double count) {
  return llvm::formatv("{0}", llvm::format("%.0f", count)).str();
}

/// "32256 int8 + 64 fp16" (classes with a non-zero count; "0" if none).
static std::string formatByClass(const double (&counts)[3]) {
  SmallVector<std::string, 3> parts;
  for (PrecisionClass c : kAllClasses)
    if (counts[int(c)] != 0)
      parts.push_back(formatCount(counts[int(c)]) + " " +
                      getPrecisionName(c).str());
  return parts.empty() ? "0" : llvm::join(parts, " + ");
}

static std::string describeTokens(const ModelReport &report) {
  if (!report.hasDynamicDims)
    return "all shapes static: counts are for one run of the model as compiled";
  if (report.tokens == 1)
    return "dynamic dimensions counted as 1: counts are per token "
           "(--report-tokens=N scales)";
  return ("dynamic dimensions counted as " + Twine(report.tokens) +
          " (--report-tokens)")
      .str();
}

namespace {
/// Left-aligned text columns, as wide as their widest cell.
class Table {
public:
  void addRow(std::vector<std::string> row) { rows.push_back(std::move(row)); }
  void print(llvm::raw_ostream &os) const {
    std::vector<size_t> widths;
    for (const auto &row : rows)
      for (auto [i, cell] : llvm::enumerate(row)) {
        if (widths.size() <= i)
          widths.push_back(0);
        widths[i] = std::max(widths[i], cell.size());
      }
    for (const auto &row : rows) {
      os << " ";
      for (auto [i, cell] : llvm::enumerate(row))
        os << (i ? "  " : " ")
           << (i + 1 == row.size() ? cell
                                   : (cell + std::string(widths[i] -
                                                             cell.size(),
                                                         ' ')));
      os << "\n";
    }
  }

private:
  std::vector<std::vector<std::string>> rows;
};
} // namespace

void bitnet::printReportText(const ModelReport &report,
                             llvm::raw_ostream &os) {
  std::string baseline = StringRef(getPrecisionName(report.baseline)).upper();
  int64_t bitLinears = llvm::count_if(
      report.layers, [](const LayerReport &l) { return l.bitLinear; });
  os << "BitNet report: " << report.layers.size() << " matmul layers ("
     << bitLinears << " BitLinear, " << report.layers.size() - bitLinears
     << " float); " << describeTokens(report) << "\n\n";

  os << "Parameters (weights + bias) and bytes: FP16 at 2 bytes per "
        "parameter against the compiled storage (packed weights, f32 scales "
        "and bias; float layers: their constants)\n";
  Table sizes;
  sizes.addRow({"layer", "kind", "m x n x p", "parameters", "FP16 bytes",
                "compiled bytes", "ratio"});
  auto sizeRow = [](StringRef name, StringRef kind, StringRef shape,
                    int64_t parameters, int64_t fp16, int64_t compiled) {
    return std::vector<std::string>{
        name.str(),
        kind.str(),
        shape.str(),
        std::to_string(parameters),
        std::to_string(fp16),
        std::to_string(compiled),
        compiled ? llvm::formatv("{0:F2}", getRatio(fp16, compiled)).str()
                 : "-"};
  };
  for (const LayerReport &layer : report.layers)
    sizes.addRow(sizeRow(
        layer.name, layer.bitLinear ? layer.encoding : "float " + layer.op,
        formatCount(layer.m) + " x " + formatCount(layer.n) + " x " +
            formatCount(layer.p),
        layer.parameters, layer.bytesFP16, layer.bytesCompiled));
  Totals totals = getTotals(report);
  sizes.addRow(sizeRow("total", "", "", totals.parameters, totals.bytesFP16,
                       totals.bytesCompiled));
  sizes.print(os);

  os << "\nArithmetic: " << baseline
     << " baseline against the compiled graph; energy with the BitNet "
        "paper's per-operation energies (45 nm, 7 nm)\n";
  Table arithmetic;
  arithmetic.addRow({"layer", "", "adds", "muls", "energy 45 nm",
                     "energy 7 nm"});
  auto arithmeticRows = [&](StringRef name, const ArithmeticCount &base,
                            const ArithmeticCount &compiled) {
    for (auto [label, count] :
         {std::pair(baseline, &base), std::pair(std::string("compiled"),
                                                &compiled)})
      arithmetic.addRow(
          {label == baseline ? name.str() : "", label,
           formatByClass(count->adds), formatByClass(count->muls),
           formatJoules(count->addJoules(false) + count->mulJoules(false)),
           formatJoules(count->addJoules(true) + count->mulJoules(true))});
  };
  for (const LayerReport &layer : report.layers)
    arithmeticRows(layer.name, layer.baseline, layer.compiled);
  arithmeticRows("total", totals.baseline, totals.compiled);
  arithmetic.print(os);

  os << "\nTotal energy, MUL / ADD:\n";
  Table energy;
  energy.addRow({"", "7 nm MUL", "7 nm ADD", "45 nm MUL", "45 nm ADD"});
  for (auto [label, count] :
       {std::pair(baseline, &totals.baseline),
        std::pair(std::string("compiled"), &totals.compiled)})
    energy.addRow({label, formatJoules(count->mulJoules(true)),
                   formatJoules(count->addJoules(true)),
                   formatJoules(count->mulJoules(false)),
                   formatJoules(count->addJoules(false))});
  energy.print(os);
  double base45 = totals.baseline.addJoules(false) +
                  totals.baseline.mulJoules(false);
  double base7 =
      totals.baseline.addJoules(true) + totals.baseline.mulJoules(true);
  double compiled45 = totals.compiled.addJoules(false) +
                      totals.compiled.mulJoules(false);
  double compiled7 =
      totals.compiled.addJoules(true) + totals.compiled.mulJoules(true);
  if (compiled45 > 0 && compiled7 > 0)
    os << "  saving: " << llvm::format("%.1fx", base45 / compiled45)
       << " at 45 nm, " << llvm::format("%.1fx", base7 / compiled7)
       << " at 7 nm\n";

  bool anyFloat = false;
  for (const LayerReport &layer : report.layers) {
    if (layer.bitLinear)
      continue;
    if (!anyFloat)
      os << "\nFloat path (counted at the baseline precision; the compiled "
            "code computes in f32):\n";
    anyFloat = true;
    os << "  " << layer.name << " (" << layer.op
       << "): " << (layer.reason.empty() ? "not raised" : layer.reason)
       << "\n";
  }
  if (!report.notCounted.empty()) {
    os << "\nNot counted (norms, activations, elementwise, shape ops):";
    for (auto [index, entry] : llvm::enumerate(report.notCounted))
      os << (index ? ", " : " ") << entry.first << " x" << entry.second;
    os << "\n";
  }
}

static void writeArithmetic(llvm::json::OStream &json, StringRef key,
                            const ArithmeticCount &count) {
  json.attributeObject(key, [&] {
    for (const auto &entry :
         {std::pair("adds", &count.adds), std::pair("muls", &count.muls)})
      json.attributeObject(entry.first, [&] {
        for (PrecisionClass c : kAllClasses)
          if ((*entry.second)[int(c)] != 0)
            json.attribute(getPrecisionName(c), (*entry.second)[int(c)]);
      });
    json.attributeObject("energy_j", [&] {
      for (bool at7nm : {false, true})
        json.attributeObject(at7nm ? "7nm" : "45nm", [&] {
          json.attribute("add", count.addJoules(at7nm));
          json.attribute("mul", count.mulJoules(at7nm));
          json.attribute("total",
                         count.addJoules(at7nm) + count.mulJoules(at7nm));
        });
    });
  });
}

static void writeSizes(llvm::json::OStream &json, int64_t parameters,
                       int64_t fp16, int64_t compiled) {
  json.attribute("parameters", parameters);
  json.attribute("bytes_fp16", fp16);
  json.attribute("bytes_compiled", compiled);
  if (compiled)
    json.attribute("ratio", getRatio(fp16, compiled));
  else
    json.attribute("ratio", nullptr);
}

void bitnet::printReportJson(const ModelReport &report,
                             llvm::raw_ostream &os) {
  llvm::json::OStream json(os, 2);
  json.object([&] {
    json.attribute("schema", "bitnet-mlir-report/1");
    json.attribute("tokens", report.tokens);
    json.attribute("dynamic_dims", report.hasDynamicDims);
    json.attribute("baseline", getPrecisionName(report.baseline));
    json.attributeObject("energy_pj_per_op", [&] {
      for (PrecisionClass c : kAllClasses) {
        OperationEnergy e = getOperationEnergy(c);
        // The table's own digits rather than the nearest doubles' 17.
        auto writeTableValue = [&](StringRef key, double picojoules) {
          json.attributeBegin(key);
          json.rawValue([&](llvm::raw_ostream &out) {
            out << llvm::format("%g", picojoules);
          });
          json.attributeEnd();
        };
        json.attributeObject(getPrecisionName(c), [&] {
          writeTableValue("add_45nm", e.add45nm);
          writeTableValue("add_7nm", e.add7nm);
          writeTableValue("mul_45nm", e.mul45nm);
          writeTableValue("mul_7nm", e.mul7nm);
        });
      }
    });
    json.attributeArray("layers", [&] {
      for (const LayerReport &layer : report.layers)
        json.object([&] {
          json.attribute("name", layer.name);
          json.attribute("op", layer.op);
          json.attribute("kind", layer.bitLinear ? "bitlinear" : "float");
          if (layer.bitLinear)
            json.attribute("encoding", layer.encoding);
          else if (!layer.reason.empty())
            json.attribute("reason", layer.reason);
          json.attribute("m", layer.m);
          json.attribute("n", layer.n);
          json.attribute("p", layer.p);
          writeSizes(json, layer.parameters, layer.bytesFP16,
                     layer.bytesCompiled);
          writeArithmetic(json, "baseline", layer.baseline);
          writeArithmetic(json, "compiled", layer.compiled);
        });
    });
    Totals totals = getTotals(report);
    json.attributeObject("total", [&] {
      writeSizes(json, totals.parameters, totals.bytesFP16,
                 totals.bytesCompiled);
      writeArithmetic(json, "baseline", totals.baseline);
      writeArithmetic(json, "compiled", totals.compiled);
    });
    json.attributeObject("not_counted", [&] {
      for (const auto &[name, count] : report.notCounted)
        json.attribute(name, count);
    });
  });
  os << "\n";
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct BitnetReportPass
    : bitnet::impl::BitnetReportPassBase<BitnetReportPass> {
  using Base::Base;

  BitnetReportPass(const ReportOptions &options, bool json,
                   llvm::raw_ostream &os,
                   std::shared_ptr<const FloatPathReasons> reasons)
      : stream(&os), reasons(std::move(reasons)) {
    format = json ? "json" : "text";
    tokens = options.tokens;
    baseline = getPrecisionName(options.baseline).str();
  }

  void runOnOperation() override {
    FailureOr<PrecisionClass> precision = parseBaselinePrecision(baseline);
    if (failed(precision)) {
      emitError(getOperation().getLoc())
          << "invalid bitnet-report baseline '" << baseline
          << "' (expected fp16 or fp32)";
      return signalPassFailure();
    }
    if (format != "text" && format != "json") {
      emitError(getOperation().getLoc())
          << "invalid bitnet-report format '" << format
          << "' (expected text or json)";
      return signalPassFailure();
    }
    if (tokens < 1) {
      emitError(getOperation().getLoc())
          << "invalid bitnet-report tokens " << tokens.getValue()
          << " (expected 1 or more)";
      return signalPassFailure();
    }
    ReportOptions options{tokens, *precision};
    ModelReport report = analyzeModel(getOperation(), options, reasons.get());
    llvm::raw_ostream &os = stream ? *stream : llvm::outs();
    if (format == "json")
      printReportJson(report, os);
    else
      printReportText(report, os);
    os.flush();
    markAllAnalysesPreserved();
  }

  llvm::raw_ostream *stream = nullptr;
  std::shared_ptr<const FloatPathReasons> reasons;
};
} // namespace

std::unique_ptr<Pass>
bitnet::createBitnetReportPass(const ReportOptions &options, bool json,
                               llvm::raw_ostream &os,
                               std::shared_ptr<const FloatPathReasons> reasons) {
  return std::make_unique<BitnetReportPass>(options, json, os,
                                            std::move(reasons));
}
