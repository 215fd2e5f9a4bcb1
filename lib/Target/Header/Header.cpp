//===- Header.cpp - the C header of a compiled model ----------------------===//
#include "bitnet-mlir/Target/Header.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::bitnet;

/// C11 and C++ keywords, and the locals of bitnet_<name>_run.
static constexpr llvm::StringLiteral kReserved[] = {"alignas",
                                                    "alignof",
                                                    "and",
                                                    "and_eq",
                                                    "asm",
                                                    "auto",
                                                    "bitand",
                                                    "bitor",
                                                    "bool",
                                                    "break",
                                                    "case",
                                                    "catch",
                                                    "char",
                                                    "char16_t",
                                                    "char32_t",
                                                    "char8_t",
                                                    "class",
                                                    "co_await",
                                                    "co_return",
                                                    "co_yield",
                                                    "compl",
                                                    "concept",
                                                    "const",
                                                    "const_cast",
                                                    "consteval",
                                                    "constexpr",
                                                    "constinit",
                                                    "continue",
                                                    "decltype",
                                                    "default",
                                                    "delete",
                                                    "do",
                                                    "double",
                                                    "dynamic_cast",
                                                    "else",
                                                    "enum",
                                                    "explicit",
                                                    "export",
                                                    "extern",
                                                    "false",
                                                    "float",
                                                    "for",
                                                    "friend",
                                                    "goto",
                                                    "if",
                                                    "inline",
                                                    "int",
                                                    "long",
                                                    "mutable",
                                                    "namespace",
                                                    "new",
                                                    "noexcept",
                                                    "not",
                                                    "not_eq",
                                                    "nullptr",
                                                    "operator",
                                                    "or",
                                                    "or_eq",
                                                    "private",
                                                    "protected",
                                                    "public",
                                                    "register",
                                                    "reinterpret_cast",
                                                    "requires",
                                                    "restrict",
                                                    "return",
                                                    "short",
                                                    "signed",
                                                    "sizeof",
                                                    "static",
                                                    "static_assert",
                                                    "static_cast",
                                                    "struct",
                                                    "switch",
                                                    "template",
                                                    "this",
                                                    "thread_local",
                                                    "throw",
                                                    "true",
                                                    "try",
                                                    "typedef",
                                                    "typeid",
                                                    "typename",
                                                    "union",
                                                    "unsigned",
                                                    "using",
                                                    "virtual",
                                                    "void",
                                                    "volatile",
                                                    "wchar_t",
                                                    "while",
                                                    "xor",
                                                    "xor_eq",
                                                    "NULL",
                                                    "inputs_",
                                                    "outputs_",
                                                    "status_"};

namespace {
/// Distinct C identifiers for the ONNX names of one model. Distinct without
/// regard to case, because the index macros are upper case.
class IdentifierTable {
public:
  std::string get(StringRef onnxName) {
    std::string base = sanitizeIdentifier(onnxName);
    if (llvm::isDigit(base.front()) || llvm::is_contained(kReserved, base) ||
        StringRef(base).starts_with_insensitive("bitnet_") ||
        StringRef(base).starts_with("_"))
      base = "t_" + base;
    std::string name = base;
    for (unsigned suffix = 2; !used.insert(StringRef(name).upper()).second;
         ++suffix)
      name = base + "_" + std::to_string(suffix);
    return name;
  }

private:
  llvm::StringSet<> used;
};
} // namespace

/// Text that cannot end a comment or break a line.
static std::string commentSafe(StringRef text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '*' && i + 1 < text.size() && text[i + 1] == '/')
      result += "*\\";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      result += '?';
    else
      result += c;
  }
  return result;
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    text +=
        (i ? ", " : "") + (dim < 0 ? std::string("?") : std::to_string(dim));
  return text + "]";
}

void bitnet::emitModelHeader(const ModelSignature &signature,
                             StringRef modelName, StringRef source,
                             raw_ostream &os) {
  std::string lower = ("bitnet_" + modelName).str();
  std::string upper = StringRef(lower).upper();
  size_t numInputs = signature.inputs.size();
  size_t numOutputs = signature.outputs.size();
  IdentifierTable identifiers;
  SmallVector<std::string> inputNames, outputNames;
  for (const TensorSignature &tensor : signature.inputs)
    inputNames.push_back(identifiers.get(tensor.name));
  for (const TensorSignature &tensor : signature.outputs)
    outputNames.push_back(identifiers.get(tensor.name));

  os << "/* " << lower << ".h - generated by bitnet-compile";
  if (!source.empty())
    os << " from " << commentSafe(source);
  os << ". Do not edit.\n"
     << " *\n"
     << " * Model '" << modelName << "' (docs/abi.md, docs/compile.md). "
     << "Shapes list dimensions\n"
     << " * outermost first; '?' is dynamic (any size >= 0).\n";
  auto document = [&](StringRef kind, ArrayRef<TensorSignature> tensors,
                      ArrayRef<std::string> names) {
    for (auto [i, tensor] : llvm::enumerate(tensors))
      os << " *   " << kind << " " << i << " '" << commentSafe(tensor.name)
         << "' (" << names[i] << "): " << getDtypeName(tensor.dtype) << " "
         << formatShape(tensor.shape) << "\n";
  };
  document("input ", signature.inputs, inputNames);
  document("output", signature.outputs, outputNames);
  os << " */\n"
     << "#ifndef " << upper << "_H\n"
     << "#define " << upper << "_H\n\n"
     << "#include <bitnet/runtime.h>\n\n"
     << "#ifdef __cplusplus\n"
     << "extern \"C\" {\n"
     << "#endif\n\n"
     << "/* Inputs, outputs and entry point, for bitnet_model_run. */\n"
     << "extern const bitnet_model_info " << lower << "_model;\n"
     << "/* The compiled graph on memref descriptors; no checks. */\n"
     << "void " << lower << "_invoke(void **descriptors);\n\n"
     << "#define " << upper << "_NUM_INPUTS " << numInputs << "\n"
     << "#define " << upper << "_NUM_OUTPUTS " << numOutputs << "\n";
  for (auto [i, name] : llvm::enumerate(inputNames))
    os << "#define " << upper << "_INPUT_" << StringRef(name).upper() << " "
       << i << "\n";
  for (auto [i, name] : llvm::enumerate(outputNames))
    os << "#define " << upper << "_OUTPUT_" << StringRef(name).upper() << " "
       << i << "\n";

  // static inline bitnet_status bitnet_<name>_run(...)
  SmallVector<std::string> params;
  for (const std::string &name : inputNames)
    params.push_back("const bitnet_tensor *" + name);
  for (const std::string &name : outputNames)
    params.push_back("bitnet_tensor *" + name);
  SmallVector<std::string> all(inputNames);
  all.append(outputNames.begin(), outputNames.end());
  os << "\n/* Runs the model on caller-allocated tensors after checking their "
        "dtypes and\n"
     << " * shapes (bitnet_model_run); bitnet_status_message() explains a "
        "failure. */\n"
     << "static inline bitnet_status " << lower << "_run(";
  if (params.empty())
    os << "void";
  for (auto [i, param] : llvm::enumerate(params))
    os << (i ? ",\n    " : "\n    ") << param;
  os << ") {\n";
  if (numInputs)
    os << "  bitnet_tensor inputs_[" << numInputs << "];\n";
  if (numOutputs)
    os << "  bitnet_tensor outputs_[" << numOutputs << "];\n";
  os << "  bitnet_status status_;\n";
  std::string inputsArg = numInputs ? "inputs_" : "NULL";
  std::string outputsArg = numOutputs ? "outputs_" : "NULL";
  std::string counts = ", " + std::to_string(numInputs) + ", ",
              outCount = ", " + std::to_string(numOutputs);
  if (!all.empty()) {
    os << "  if (";
    for (auto [i, name] : llvm::enumerate(all))
      os << (i ? " || " : "") << "!" << name;
    os << ") /* the runtime reports it */\n"
       << "    return bitnet_model_run(&" << lower << "_model, NULL" << counts
       << "NULL" << outCount << ");\n";
  }
  for (auto [i, name] : llvm::enumerate(inputNames))
    os << "  inputs_[" << i << "] = *" << name << ";\n";
  for (auto [i, name] : llvm::enumerate(outputNames))
    os << "  outputs_[" << i << "] = *" << name << ";\n";
  os << "  status_ = bitnet_model_run(&" << lower << "_model, " << inputsArg
     << counts << outputsArg << outCount << ");\n";
  for (auto [i, name] : llvm::enumerate(outputNames))
    os << "  *" << name << " = outputs_[" << i << "];\n";
  os << "  return status_;\n"
     << "}\n\n"
     << "#ifdef __cplusplus\n"
     << "} /* extern \"C\" */\n"
     << "#endif\n\n"
     << "#endif /* " << upper << "_H */\n";
}
