//===- OnnxDialect.td - the onnx dialect -------------------*- tablegen -*-===//
//
// One op per ONNX operator, spelled as the ONNX spec spells it. Attributes
// keep their ONNX names; INT becomes i64, FLOAT f32, INTS/FLOATS dense arrays,
// TENSOR an elements attribute. A missing optional input is the `none` value
// of `onnx.NoValue`, so every op has a fixed operand list.
//
//===----------------------------------------------------------------------===//

#ifndef BITNET_ONNX_DIALECT
#define BITNET_ONNX_DIALECT

include "mlir/IR/OpBase.td"

def Onnx_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::mlir::onnx_ir";
  let summary = "ONNX operators as imported from a model";
  let description = [{
    The `onnx` dialect holds a model as the importer reads it: one op per ONNX
    node, types from ONNX shape inference, initializers as `onnx.Constant`.
    Exporter noise (Identity, Cast of constants, shape arithmetic) folds away;
    BitLinear subgraphs are raised to the `bitnet` dialect; the rest lowers to
    linalg/tensor/arith.
  }];
  let hasConstantMaterializer = 1;
}

class Onnx_Op<string mnemonic, list<Trait> traits = []>
    : Op<Onnx_Dialect, mnemonic, traits> {
  // One syntax for every op: operands in order, then the functional type.
  let assemblyFormat = [{
    `(` operands `)` attr-dict `:` functional-type(operands, results)
  }];
}

// ONNX INT attributes are signed; upstream I64Attr returns uint64_t.
def Onnx_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

// A tensor operand that an ONNX node may leave out.
def Onnx_TensorOrNone : AnyTypeOf<[AnyTensor, NoneType]>;

#endif // BITNET_ONNX_DIALECT
