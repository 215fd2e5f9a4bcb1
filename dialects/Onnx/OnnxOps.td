//===- OnnxOps.td - onnx dialect ops -----------------------*- tablegen -*-===//
//
// Op families are TableGen classes so that an op is one line where ONNX
// gives it no attributes; the importer builds every op generically, by name.
//
//===----------------------------------------------------------------------===//

#ifndef BITNET_ONNX_OPS
#define BITNET_ONNX_OPS

include "Onnx/OnnxDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Families
//===----------------------------------------------------------------------===//

class Onnx_ElementwiseUnaryOp<string mnemonic, string doc,
                              list<Trait> traits = []>
    : Onnx_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = "elementwise " # doc;
  let description = "ONNX `" # mnemonic # "`: Y = " # doc # "(X), elementwise.";
  let arguments = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
}

// Numpy-style (multidirectional) broadcasting binary ops.
class Onnx_BroadcastBinaryOp<string mnemonic, string doc>
    : Onnx_Op<mnemonic, [Pure, ResultsBroadcastableShape]> {
  let summary = "elementwise " # doc # " with numpy broadcasting";
  let description = "ONNX `" # mnemonic # "`: C = A " # doc #
                    " B, with multidirectional broadcasting.";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
}

class Onnx_VariadicOp<string mnemonic, string doc>
    : Onnx_Op<mnemonic, [Pure]> {
  let summary = "elementwise " # doc # " of any number of inputs";
  let description = "ONNX `" # mnemonic # "`, numpy broadcasting.";
  let arguments = (ins Variadic<AnyTensor>:$data_0);
  let results = (outs AnyTensor:$result);
  let hasVerifier = 1;
}

class Onnx_ReduceOp<string mnemonic, string doc> : Onnx_Op<mnemonic, [Pure]> {
  let summary = doc # " over the given axes";
  let description = [{
    ONNX `}] # mnemonic # [{` in its opset-18 form: the axes are an optional
    int64 input (`none` means all axes, or none at all when
    `noop_with_empty_axes` is 1). The importer turns the older `axes`
    attribute into a constant input.
  }];
  let arguments = (ins AnyTensor:$data, Onnx_TensorOrNone:$axes,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$noop_with_empty_axes);
  let results = (outs AnyTensor:$reduced);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def Onnx_AbsOp : Onnx_ElementwiseUnaryOp<"Abs", "absolute value">;
def Onnx_CeilOp : Onnx_ElementwiseUnaryOp<"Ceil", "ceil">;
def Onnx_CosOp : Onnx_ElementwiseUnaryOp<"Cos", "cosine">;
def Onnx_ErfOp : Onnx_ElementwiseUnaryOp<"Erf", "error function">;
def Onnx_ExpOp : Onnx_ElementwiseUnaryOp<"Exp", "exponential">;
def Onnx_FloorOp : Onnx_ElementwiseUnaryOp<"Floor", "floor">;
def Onnx_LogOp : Onnx_ElementwiseUnaryOp<"Log", "natural logarithm">;
def Onnx_NegOp : Onnx_ElementwiseUnaryOp<"Neg", "negation">;
def Onnx_NotOp : Onnx_ElementwiseUnaryOp<"Not", "logical not">;
def Onnx_ReciprocalOp : Onnx_ElementwiseUnaryOp<"Reciprocal", "1/x">;
def Onnx_ReluOp : Onnx_ElementwiseUnaryOp<"Relu", "max(0, x)">;
def Onnx_RoundOp : Onnx_ElementwiseUnaryOp<"Round", "round half to even">;
def Onnx_SigmoidOp : Onnx_ElementwiseUnaryOp<"Sigmoid", "logistic sigmoid">;
def Onnx_SignOp : Onnx_ElementwiseUnaryOp<"Sign", "sign (-1, 0 or 1)">;
def Onnx_SinOp : Onnx_ElementwiseUnaryOp<"Sin", "sine">;
def Onnx_SqrtOp : Onnx_ElementwiseUnaryOp<"Sqrt", "square root">;
def Onnx_TanhOp : Onnx_ElementwiseUnaryOp<"Tanh", "hyperbolic tangent">;

def Onnx_IdentityOp : Onnx_ElementwiseUnaryOp<"Identity", "identity"> {
  let hasFolder = 1;
}

def Onnx_LeakyReluOp : Onnx_Op<"LeakyRelu", [Pure]> {
  let summary = "leaky rectifier: x < 0 ? alpha * x : x";
  let arguments = (ins AnyTensor:$X, DefaultValuedAttr<F32Attr, "0.01">:$alpha);
  let results = (outs AnyTensor:$Y);
}

def Onnx_GeluOp : Onnx_Op<"Gelu", [Pure]> {
  let summary = "Gaussian error linear unit (opset 20)";
  let description = "`approximate` is \"none\" (erf form) or \"tanh\".";
  let arguments = (ins AnyTensor:$X,
                   DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

def Onnx_AddOp : Onnx_BroadcastBinaryOp<"Add", "+">;
def Onnx_SubOp : Onnx_BroadcastBinaryOp<"Sub", "-">;
def Onnx_MulOp : Onnx_BroadcastBinaryOp<"Mul", "*">;
def Onnx_DivOp : Onnx_BroadcastBinaryOp<"Div", "/">;
def Onnx_PowOp : Onnx_BroadcastBinaryOp<"Pow", "**">;
def Onnx_AndOp : Onnx_BroadcastBinaryOp<"And", "and">;
def Onnx_OrOp : Onnx_BroadcastBinaryOp<"Or", "or">;
def Onnx_XorOp : Onnx_BroadcastBinaryOp<"Xor", "xor">;
def Onnx_EqualOp : Onnx_BroadcastBinaryOp<"Equal", "==">;
def Onnx_LessOp : Onnx_BroadcastBinaryOp<"Less", "<">;
def Onnx_LessOrEqualOp : Onnx_BroadcastBinaryOp<"LessOrEqual", "<=">;
def Onnx_GreaterOp : Onnx_BroadcastBinaryOp<"Greater", ">">;
def Onnx_GreaterOrEqualOp : Onnx_BroadcastBinaryOp<"GreaterOrEqual", ">=">;

def Onnx_BitShiftOp : Onnx_Op<"BitShift", [Pure, ResultsBroadcastableShape]> {
  let summary = "bit shift of unsigned integers with numpy broadcasting";
  let description = [{
    ONNX `BitShift` (opset 11): Z = X << Y for `direction` "LEFT", X >> Y for
    "RIGHT", elementwise, with multidirectional broadcasting. The result has
    the width of X: bits shifted out are lost, so a shift by the width or more
    gives 0 (as ONNX Runtime computes it). Packed low-bit weights are unpacked
    this way, e.g. plane j of 2-bit codes in a byte:

    ```mlir
    %hi = onnx.BitShift(%w, %six_minus_2j) {direction = "LEFT"}
        : (tensor<64x96xui8>, tensor<ui8>) -> tensor<64x96xui8>
    %q = onnx.BitShift(%hi, %six) {direction = "RIGHT"}
        : (tensor<64x96xui8>, tensor<ui8>) -> tensor<64x96xui8>
    ```
  }];
  let arguments = (ins TensorOf<[UI8, UI16, UI32, UI64]>:$X,
                   TensorOf<[UI8, UI16, UI32, UI64]>:$Y, StrAttr:$direction);
  let results = (outs TensorOf<[UI8, UI16, UI32, UI64]>:$Z);
  let hasVerifier = 1;
}

def Onnx_MaxOp : Onnx_VariadicOp<"Max", "maximum">;
def Onnx_MinOp : Onnx_VariadicOp<"Min", "minimum">;
def Onnx_SumOp : Onnx_VariadicOp<"Sum", "sum">;
def Onnx_MeanOp : Onnx_VariadicOp<"Mean", "mean">;

def Onnx_ClipOp : Onnx_Op<"Clip", [Pure]> {
  let summary = "clamp to [min, max]; `none` bounds are open";
  let arguments = (ins AnyTensor:$input, Onnx_TensorOrNone:$min,
                   Onnx_TensorOrNone:$max);
  let results = (outs AnyTensor:$output);
  let hasVerifier = 1;
}

def Onnx_WhereOp : Onnx_Op<"Where", [Pure, ResultsBroadcastableShape]> {
  let summary = "condition ? X : Y with numpy broadcasting";
  let arguments = (ins TensorOf<[I1]>:$condition, AnyTensor:$X, AnyTensor:$Y);
  let results = (outs AnyTensor:$output);
}

def Onnx_CastOp : Onnx_Op<"Cast", [Pure]> {
  let summary = "convert elements to the data type `to` (an ONNX code)";
  let arguments = (ins AnyTensor:$input, Onnx_I64Attr:$to,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$saturate);
  let results = (outs AnyTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Onnx_CastLikeOp : Onnx_Op<"CastLike", [Pure]> {
  let summary = "convert elements to the element type of `target_type`";
  let arguments = (ins AnyTensor:$input, AnyTensor:$target_type,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$saturate);
  let results = (outs AnyTensor:$output);
}

def Onnx_DequantizeLinearOp : Onnx_Op<"DequantizeLinear", [Pure]> {
  let summary = "integer codes to float: (x - x_zero_point) * x_scale";
  let description = [{
    ONNX `DequantizeLinear` (opsets 10, 13, 19, 21): y = (x - zp) * scale,
    computed as float(x - zp) * scale in the scale's type. The scale (and
    the optional zero point, of x's type, default 0) is a scalar or [1]
    (per tensor), 1-D of length dim(x, axis) (per axis, opset 13), or, with
    `block_size` > 0 (opset 21), of x's shape except along `axis`, where it
    has ceil(dim / block_size) entries: element i uses block i / block_size.
  }];
  let arguments = (ins AnyTensor:$x, AnyTensor:$x_scale,
                   Onnx_TensorOrNone:$x_zero_point,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$axis,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$block_size);
  let results = (outs AnyTensor:$y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and normalization
//===----------------------------------------------------------------------===//

def Onnx_MatMulOp : Onnx_Op<"MatMul", [Pure]> {
  let summary = "numpy matmul: batched, broadcasting, 1-D promotion";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

def Onnx_GemmOp : Onnx_Op<"Gemm", [Pure]> {
  let summary = "Y = alpha * op(A) * op(B) + beta * C, rank-2";
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, Onnx_TensorOrNone:$C,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$transA,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$transB);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

def Onnx_LayerNormalizationOp : Onnx_Op<"LayerNormalization", [Pure]> {
  let summary = "normalize over the axes from `axis` to the last";
  let description = [{
    Y = (X - mean) / sqrt(var + epsilon) * Scale + B, statistics over the
    dimensions `axis`..rank-1. Mean and InvStdDev are `none` when the model
    does not use them.
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$Scale, Onnx_TensorOrNone:$B,
                   DefaultValuedAttr<Onnx_I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$stash_type);
  let results = (outs AnyTensor:$Y, Onnx_TensorOrNone:$Mean,
                 Onnx_TensorOrNone:$InvStdDev);
  let hasVerifier = 1;
}

def Onnx_SoftmaxOp : Onnx_Op<"Softmax", [Pure]> {
  let summary = "softmax along `axis` (opset 13 semantics)";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<Onnx_I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
}

def Onnx_LogSoftmaxOp : Onnx_Op<"LogSoftmax", [Pure]> {
  let summary = "log of softmax along `axis` (opset 13 semantics)";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<Onnx_I64Attr, "-1">:$axis);
  let results = (outs AnyTensor:$output);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

def Onnx_ReduceMeanOp : Onnx_ReduceOp<"ReduceMean", "mean">;
def Onnx_ReduceMaxOp : Onnx_ReduceOp<"ReduceMax", "maximum">;
def Onnx_ReduceMinOp : Onnx_ReduceOp<"ReduceMin", "minimum">;
def Onnx_ReduceSumOp : Onnx_ReduceOp<"ReduceSum", "sum">;
def Onnx_ReduceProdOp : Onnx_ReduceOp<"ReduceProd", "product">;

def Onnx_ArgMaxOp : Onnx_Op<"ArgMax", [Pure]> {
  let summary = "index of the largest element along `axis`";
  let arguments = (ins AnyTensor:$data, DefaultValuedAttr<Onnx_I64Attr, "0">:$axis,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$keepdims,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$select_last_index);
  let results = (outs TensorOf<[I64]>:$reduced);
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

def Onnx_ConstantOp : Onnx_Op<"Constant", [ConstantLike, Pure]> {
  let summary = "a constant tensor (also every initializer)";
  let description = [{
    The importer turns `value_float`, `value_ints` and the other scalar
    forms into `value`.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyTensor:$output);
  let hasFolder = 1;
  let hasVerifier = 1;
  let assemblyFormat = "attr-dict `:` type($output)";
}

def Onnx_NoValueOp : Onnx_Op<"NoValue", [Pure]> {
  let summary = "the value of an optional input that a node leaves out";
  let arguments = (ins);
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
}

def Onnx_ShapeOp : Onnx_Op<"Shape", [Pure]> {
  let summary = "the shape of `data` as int64[rank], sliced by start/end";
  let arguments = (ins AnyTensor:$data, OptionalAttr<Onnx_I64Attr>:$start,
                   OptionalAttr<Onnx_I64Attr>:$end);
  let results = (outs TensorOf<[I64]>:$shape);
  let hasFolder = 1;
}

def Onnx_SizeOp : Onnx_Op<"Size", [Pure]> {
  let summary = "number of elements of `data` as an int64 scalar";
  let arguments = (ins AnyTensor:$data);
  let results = (outs TensorOf<[I64]>:$size);
  let hasFolder = 1;
}

def Onnx_ConstantOfShapeOp : Onnx_Op<"ConstantOfShape", [Pure]> {
  let summary = "a tensor of the given shape filled with `value`";
  let arguments = (ins TensorOf<[I64]>:$input, OptionalAttr<ElementsAttr>:$value);
  let results = (outs AnyTensor:$output);
}

def Onnx_ReshapeOp : Onnx_Op<"Reshape", [Pure]> {
  let summary = "reshape to `shape` (0 copies a dim unless allowzero, -1 infers)";
  let arguments = (ins AnyTensor:$data, TensorOf<[I64]>:$shape,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$allowzero);
  let results = (outs AnyTensor:$reshaped);
  let hasFolder = 1;
}

def Onnx_FlattenOp : Onnx_Op<"Flatten", [Pure]> {
  let summary = "reshape to 2-D, splitting the dims at `axis`";
  let arguments = (ins AnyTensor:$input, DefaultValuedAttr<Onnx_I64Attr, "1">:$axis);
  let results = (outs AnyTensor:$output);
}

def Onnx_SqueezeOp : Onnx_Op<"Squeeze", [Pure]> {
  let summary = "remove size-1 dims (`axes` input; none = all size-1 dims)";
  let arguments = (ins AnyTensor:$data, Onnx_TensorOrNone:$axes);
  let results = (outs AnyTensor:$squeezed);
}

def Onnx_UnsqueezeOp : Onnx_Op<"Unsqueeze", [Pure]> {
  let summary = "insert size-1 dims at `axes` (an int64 input)";
  let arguments = (ins AnyTensor:$data, TensorOf<[I64]>:$axes);
  let results = (outs AnyTensor:$expanded);
}

def Onnx_TransposeOp : Onnx_Op<"Transpose", [Pure]> {
  let summary = "permute dimensions (default perm: reverse)";
  let arguments = (ins AnyTensor:$data, OptionalAttr<DenseI64ArrayAttr>:$perm);
  let results = (outs AnyTensor:$transposed);
  let hasVerifier = 1;
}

def Onnx_ConcatOp : Onnx_Op<"Concat", [Pure]> {
  let summary = "concatenate along `axis`";
  let arguments = (ins Variadic<AnyTensor>:$inputs, Onnx_I64Attr:$axis);
  let results = (outs AnyTensor:$concat_result);
  let hasVerifier = 1;
}

def Onnx_SplitOp : Onnx_Op<"Split", [Pure]> {
  let summary = "split along `axis` by `split` sizes or into equal parts";
  let arguments = (ins AnyTensor:$input, Onnx_TensorOrNone:$split,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$axis,
                   OptionalAttr<Onnx_I64Attr>:$num_outputs);
  let results = (outs Variadic<AnyTensor>:$outputs);
}

def Onnx_SliceOp : Onnx_Op<"Slice", [Pure]> {
  let summary = "strided slice by starts/ends/axes/steps inputs";
  let arguments = (ins AnyTensor:$data, AnyTensor:$starts, AnyTensor:$ends,
                   Onnx_TensorOrNone:$axes, Onnx_TensorOrNone:$steps);
  let results = (outs AnyTensor:$output);
}

def Onnx_GatherOp : Onnx_Op<"Gather", [Pure]> {
  let summary = "take slices of `data` along `axis` at `indices`";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
}

def Onnx_GatherElementsOp : Onnx_Op<"GatherElements", [Pure]> {
  let summary = "elementwise gather along `axis`";
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$axis);
  let results = (outs AnyTensor:$output);
}

def Onnx_ExpandOp : Onnx_Op<"Expand", [Pure]> {
  let summary = "broadcast `input` to `shape` (numpy rules)";
  let arguments = (ins AnyTensor:$input, TensorOf<[I64]>:$shape);
  let results = (outs AnyTensor:$output);
}

def Onnx_TileOp : Onnx_Op<"Tile", [Pure]> {
  let summary = "repeat `input` `repeats[i]` times along each dim";
  let arguments = (ins AnyTensor:$input, TensorOf<[I64]>:$repeats);
  let results = (outs AnyTensor:$output);
}

def Onnx_RangeOp : Onnx_Op<"Range", [Pure]> {
  let summary = "start, start+delta, ... below limit";
  let arguments = (ins AnyTensor:$start, AnyTensor:$limit, AnyTensor:$delta);
  let results = (outs AnyTensor:$output);
}

def Onnx_TriluOp : Onnx_Op<"Trilu", [Pure]> {
  let summary = "upper or lower triangle of the last two dims";
  let arguments = (ins AnyTensor:$input, Onnx_TensorOrNone:$k,
                   DefaultValuedAttr<Onnx_I64Attr, "1">:$upper);
  let results = (outs AnyTensor:$output);
}

def Onnx_CumSumOp : Onnx_Op<"CumSum", [Pure]> {
  let summary = "cumulative sum along the `axis` input";
  let arguments = (ins AnyTensor:$x, AnyTensor:$axis,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$exclusive,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$reverse);
  let results = (outs AnyTensor:$y);
}

def Onnx_DropoutOp : Onnx_Op<"Dropout", [Pure]> {
  let summary = "dropout; at inference the identity";
  let arguments = (ins AnyTensor:$data, Onnx_TensorOrNone:$ratio,
                   Onnx_TensorOrNone:$training_mode,
                   OptionalAttr<Onnx_I64Attr>:$seed);
  let results = (outs AnyTensor:$output, Onnx_TensorOrNone:$mask);
}

//===----------------------------------------------------------------------===//
// Custom domains (no libonnx schema: lib/Importer/CustomDomainSchemas.cpp
// defines theirs, with the shape and attribute checks)
//===----------------------------------------------------------------------===//

def Onnx_BitnetBitLinearOp : Onnx_Op<"bitnet.BitLinear", [Pure]> {
  let summary = "BitNet linear layer: packed-weight codes, quantized activations";
  let description = [{
    Domain `bitnet`, version 1, specified in docs/bitnet-onnx-domain.md.
    `W` holds codes in {-1, 0, +1} (`weight_bits` 2, ternary) or {-1, +1}
    (`weight_bits` 1) as int8 [N, K]; `weight_scale` has 1 or N elements.
    With `activation_mode` other than "none", X is absmax-quantized to
    `activation_bits` (per tensor, per token, or per group of `group_size`
    along K, floored at `epsilon`) before the product:
      Y = (W q(X)) * weight_scale / act_scale (+ B).
    `activation_shift` 1 subtracts eta = min X (per scale group) first and
    quantizes to [0, 2^bits - 1]; Y adds eta * weight_scale * rowsum(W).
  }];
  let arguments = (ins AnyTensor:$X, AnyTensor:$W, AnyTensor:$weight_scale,
                   Onnx_TensorOrNone:$B,
                   DefaultValuedAttr<Onnx_I64Attr, "2">:$weight_bits,
                   DefaultValuedAttr<StrAttr, "\"per_token\"">:$activation_mode,
                   DefaultValuedAttr<Onnx_I64Attr, "8">:$activation_bits,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$group_size,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$activation_shift);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

def Onnx_MicrosoftMatMulNBitsOp
    : Onnx_Op<"com.microsoft.MatMulNBits", [Pure]> {
  let summary = "onnxruntime's block-quantized MatMul (contrib op)";
  let description = [{
    Domain `com.microsoft`, version 1: Y = A * dequant(B)^T (+ bias) with
    dequant(B)[n, k] = (code[n, k] - zero_point[n, k / block_size]) *
    scales[n, k / block_size]; `bits`-wide codes packed low bits first,
    B of shape [N, ceil(K / block_size), block_size * bits / 8]. The default
    zero point is 2^(bits - 1). `g_idx` (act-order) is not supported.
  }];
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, AnyTensor:$scales,
                   Onnx_TensorOrNone:$zero_points, Onnx_TensorOrNone:$g_idx,
                   Onnx_TensorOrNone:$bias,
                   Onnx_I64Attr:$K, Onnx_I64Attr:$N,
                   DefaultValuedAttr<Onnx_I64Attr, "4">:$bits,
                   Onnx_I64Attr:$block_size,
                   DefaultValuedAttr<Onnx_I64Attr, "0">:$accuracy_level);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

#endif // BITNET_ONNX_OPS
