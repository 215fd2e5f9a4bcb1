//===- OnnxGraph.cpp - building an ONNX graph ------------------------------===//
//
// A thin layer over the GraphProto: nodes with one named output, small
// constants shared by value (the 127 of every activation quantizer is one
// initializer), and large initializers whose bytes stay Payloads until the
// writer places them.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <cstring>

using namespace bitnet::hf;

onnx::AttributeProto bitnet::hf::makeIntAttribute(const std::string &name,
                                                  int64_t value) {
  onnx::AttributeProto attribute;
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::INT);
  attribute.set_i(value);
  return attribute;
}

onnx::AttributeProto
bitnet::hf::makeIntsAttribute(const std::string &name,
                              const std::vector<int64_t> &values) {
  onnx::AttributeProto attribute;
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::INTS);
  for (int64_t value : values)
    attribute.add_ints(value);
  return attribute;
}

onnx::AttributeProto bitnet::hf::makeStringAttribute(const std::string &name,
                                                     const std::string &value) {
  onnx::AttributeProto attribute;
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::STRING);
  attribute.set_s(value);
  return attribute;
}

int32_t bitnet::hf::getOnnxType(DType dtype) {
  switch (dtype) {
  case DType::BF16:
    return onnx::TensorProto::BFLOAT16;
  case DType::F16:
    return onnx::TensorProto::FLOAT16;
  case DType::F32:
    return onnx::TensorProto::FLOAT;
  case DType::U8:
    return onnx::TensorProto::UINT8;
  case DType::I8:
    return onnx::TensorProto::INT8;
  }
  return onnx::TensorProto::UNDEFINED;
}

void GraphBuilder::nodeWithOutputs(
    const std::string &op, const std::vector<std::string> &inputs,
    const std::vector<std::string> &outputs, const std::string &name,
    const std::vector<onnx::AttributeProto> &attributes) {
  onnx::NodeProto *node = graph.add_node();
  node->set_op_type(op);
  node->set_name(name);
  for (const std::string &input : inputs)
    node->add_input(input);
  for (const std::string &output : outputs)
    node->add_output(output);
  for (const onnx::AttributeProto &attribute : attributes)
    *node->add_attribute() = attribute;
}

std::string GraphBuilder::node(const std::string &op,
                               const std::vector<std::string> &inputs,
                               const std::string &name,
                               const std::vector<onnx::AttributeProto> &attributes) {
  std::string output = name + "/output_0";
  nodeWithOutputs(op, inputs, {output}, name, attributes);
  return output;
}

std::string GraphBuilder::initializer(const std::string &name, int32_t dataType,
                                      const std::vector<int64_t> &dims,
                                      Payload payload) {
  onnx::TensorProto *tensor = graph.add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(dataType);
  for (int64_t dim : dims)
    tensor->add_dims(dim);
  payloads.emplace_back(tensor, std::move(payload));
  return name;
}

/// Little-endian bytes of trivially copyable values (the hosts we build
/// for are little-endian, as ONNX raw_data is).
template <typename T> static std::vector<uint8_t> toBytes(const std::vector<T> &values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

template <typename T>
std::string GraphBuilder::sharedConstant(const char *kind, int32_t dataType,
                                         const std::vector<T> &values,
                                         const std::vector<int64_t> &dims) {
  std::string key = kind;
  for (int64_t dim : dims)
    key += "x" + std::to_string(dim);
  for (const T &value : values) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    key += "_" + std::to_string(bits);
  }
  auto it = constants.find(key);
  if (it != constants.end())
    return it->second;
  std::string name =
      "/constants/" + std::string(kind) + "_" + std::to_string(constants.size());
  Payload payload;
  payload.own(toBytes(values));
  initializer(name, dataType, dims, std::move(payload));
  constants.emplace(key, name);
  return name;
}

std::string GraphBuilder::constantFloats(const std::vector<float> &values,
                                         const std::vector<int64_t> &dims) {
  return sharedConstant("f32", onnx::TensorProto::FLOAT, values, dims);
}

std::string GraphBuilder::constantFloat(float value) {
  return constantFloats({value}, {});
}

std::string GraphBuilder::constantInt64s(const std::vector<int64_t> &values) {
  return sharedConstant("i64", onnx::TensorProto::INT64, values,
                        {static_cast<int64_t>(values.size())});
}

std::string GraphBuilder::constantInt64(int64_t value) {
  return sharedConstant("i64", onnx::TensorProto::INT64,
                        std::vector<int64_t>{value}, {});
}

std::string GraphBuilder::constantUInt8(uint8_t value) {
  return sharedConstant("u8", onnx::TensorProto::UINT8,
                        std::vector<uint8_t>{value}, {});
}
