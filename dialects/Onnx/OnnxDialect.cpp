//===- OnnxDialect.cpp - the onnx dialect ---------------------------------===//
#include "Onnx/OnnxDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::onnx_ir;

#include "Onnx/OnnxDialect.cpp.inc"

void OnnxDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Onnx/OnnxOps.cpp.inc"
      >();
}

Operation *OnnxDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

std::optional<StringRef> onnx_ir::getNodeName(Location loc) {
  std::optional<StringRef> name;
  loc->walk([&](Location inner) {
    if (auto nameLoc = dyn_cast<NameLoc>(inner)) {
      name = nameLoc.getName().strref();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

std::string onnx_ir::describeNode(Operation *op) {
  StringRef name = getNodeName(op->getLoc()).value_or("<unnamed>");
  return ("node '" + name + "' (" + op->getName().stripDialect() + ")").str();
}
