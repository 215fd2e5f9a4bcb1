//===- HFExportImpl.h - internals of the Hugging Face exporter --*- C++ -*-===//
//
// The phases, in the order exportCheckpoint runs them:
//   Safetensors.cpp  tensor files (single or sharded) -> TensorStore
//   Config.cpp       config.json -> BitNetConfig (every key checked)
//   Weights.cpp      the tensors each layer needs, checked for dtype and
//                    shape; bf16 master weights quantized as transformers'
//                    online path does
//   OnnxGraph.cpp    GraphBuilder: nodes, constants, initializers
//   Decoder.cpp      the decoder graph (docs/hf-checkpoints.md, "ONNX")
//   Writer.cpp       the .onnx (and .data) file, written atomically
// Bad input anywhere throws ExportError; exportCheckpoint catches it and
// returns its message, so a phase never has to unwind by hand.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_LIB_HFEXPORT_HFEXPORTIMPL_H
#define BITNET_MLIR_LIB_HFEXPORT_HFEXPORTIMPL_H

#include "bitnet-mlir/HFExport/Export.h"

#include "onnx/onnx_pb.h"

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bitnet::hf {

/// A diagnostic about the checkpoint: file, key or tensor, what was expected.
class ExportError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
[[noreturn]] void fail(const std::string &message);

//===----------------------------------------------------------------------===//
// Tensor files
//===----------------------------------------------------------------------===//

/// The safetensors element types the exporter can read (others are named
/// in the error).
enum class DType { BF16, F16, F32, U8, I8 };
const char *getDTypeName(DType dtype);
size_t getDTypeSize(DType dtype);

/// A read-only mapping of a whole file.
class MappedFile {
public:
  static std::unique_ptr<MappedFile> open(const std::string &path);
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  const uint8_t *data() const { return bytes; }
  uint64_t size() const { return length; }
  const std::string &path() const { return filePath; }

private:
  MappedFile() = default;
  std::string filePath;
  const uint8_t *bytes = nullptr;
  uint64_t length = 0;
};

/// One tensor of a safetensors file: its bytes stay in the mapping.
struct TensorView {
  std::string name;
  std::string file;
  DType dtype;
  std::vector<int64_t> shape;
  const uint8_t *data = nullptr;
  uint64_t size = 0;

  int64_t getNumElements() const;
  std::string describe() const; // "'name' (BF16 [96, 32]) in file"
  /// The values as float32 (BF16, F16 and F32 only).
  std::vector<float> toFloat() const;
};

/// The tensors of a checkpoint directory: model.safetensors, or the shards
/// model.safetensors.index.json maps each tensor to.
class TensorStore {
public:
  static std::unique_ptr<TensorStore> open(const std::string &dir);
  /// The tensor, marked as used; nullptr when the checkpoint lacks it.
  const TensorView *find(const std::string &name);
  /// The tensor; an error naming where it was looked for when missing.
  const TensorView &get(const std::string &name);
  /// Tensors never asked for (the model would not know what to do with them).
  std::vector<std::string> getUnused() const;
  /// Where the tensors come from, for messages.
  const std::string &getSource() const { return source; }

private:
  std::string source;
  std::vector<std::unique_ptr<MappedFile>> files;
  std::map<std::string, TensorView> tensors;
  std::set<std::string> used;
  friend struct TensorStoreLoader;
};

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

/// integrations/bitnet.py's two layer classes: BitLinear divides its output
/// by weight_scale, AutoBitLinear multiplies it (docs/hf-checkpoints.md).
enum class LinearClass { BitLinear, AutoBitLinear };
enum class QuantizationMode { Offline, Online };

struct BitNetConfig {
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  int64_t numKvHeads = 0;
  int64_t headDim = 0;
  int64_t vocabSize = 0;
  int64_t maxPositions = 0; // 0 when config.json does not say
  double rmsNormEps = 0;
  double ropeTheta = 0;
  bool tiedHead = false;
  LinearClass linearClass = LinearClass::BitLinear;
  QuantizationMode mode = QuantizationMode::Offline;
};

/// Reads and checks `path` (config.json). Unknown keys are errors unless
/// `allowUnknown`, then warnings.
BitNetConfig parseConfig(const std::string &path, bool allowUnknown,
                         std::vector<std::string> &warnings);

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

/// Bytes an initializer is made of: a view of a mapped tensor or owned.
struct Payload {
  const uint8_t *data = nullptr;
  uint64_t size = 0;
  std::vector<uint8_t> owned;
  void own(std::vector<uint8_t> bytes);
};

/// One projection, as the graph needs it: uint8 codes [out/4, in] in
/// transformers' packed layout and the scale the output is multiplied by
/// (AutoBitLinear) or divided by (BitLinear).
struct PackedProjection {
  int64_t outFeatures = 0;
  int64_t inFeatures = 0;
  Payload packed;
  float scale = 1;
  bool divide = false;
};

/// A float tensor for the graph: kept in its checkpoint dtype (embedding,
/// untied head) or float32 (norms).
struct FloatTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  Payload bytes;
};

struct LayerWeights {
  FloatTensor inputNorm, postAttentionNorm, attnSubNorm, ffnSubNorm;
  PackedProjection q, k, v, o, gate, up, down;
};

struct ModelWeights {
  FloatTensor embedding;
  FloatTensor finalNorm;
  FloatTensor head; // untied only
  std::vector<LayerWeights> layers;
  int64_t parameters = 0;
};

/// Reads every tensor the config implies, checking names, dtypes and shapes;
/// an unexpected tensor is an error.
ModelWeights loadWeights(TensorStore &store, const BitNetConfig &config,
                         std::vector<std::string> &warnings);

/// transformers' WeightQuant on master weights [out, in] (float32 values):
/// s = 1 / max(mean |w|, 1e-5), codes clamp(round(w s), -1, 1), packed;
/// scale = 1 / s rounded to `masterType` (the cast back to the weights'
/// dtype).
PackedProjection quantizeMasterWeights(const std::vector<float> &weights,
                                       int64_t outFeatures, int64_t inFeatures,
                                       DType masterType);

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

/// Builds nodes into a GraphProto; initializer bytes are kept as Payloads
/// until the writer decides between raw_data and external data.
class GraphBuilder {
public:
  explicit GraphBuilder(onnx::GraphProto &graph) : graph(graph) {}

  /// A node with one output, named `<name>/output_0`.
  std::string node(const std::string &op, const std::vector<std::string> &inputs,
                   const std::string &name,
                   const std::vector<onnx::AttributeProto> &attributes = {});
  /// A node with the given output names.
  void nodeWithOutputs(const std::string &op,
                       const std::vector<std::string> &inputs,
                       const std::vector<std::string> &outputs,
                       const std::string &name,
                       const std::vector<onnx::AttributeProto> &attributes = {});

  /// Small constants, created once per value and shared.
  std::string constantFloat(float value);
  std::string constantFloats(const std::vector<float> &values,
                             const std::vector<int64_t> &dims);
  std::string constantInt64s(const std::vector<int64_t> &values);
  std::string constantInt64(int64_t value); // rank 0
  std::string constantUInt8(uint8_t value);

  /// An initializer holding `payload` (the builder keeps it).
  std::string initializer(const std::string &name, int32_t dataType,
                          const std::vector<int64_t> &dims, Payload payload);

  std::vector<std::pair<onnx::TensorProto *, Payload>> &getPayloads() {
    return payloads;
  }

private:
  template <typename T>
  std::string sharedConstant(const char *kind, int32_t dataType,
                             const std::vector<T> &values,
                             const std::vector<int64_t> &dims);

  onnx::GraphProto &graph;
  std::map<std::string, std::string> constants;
  std::vector<std::pair<onnx::TensorProto *, Payload>> payloads;
};

onnx::AttributeProto makeIntAttribute(const std::string &name, int64_t value);
onnx::AttributeProto makeIntsAttribute(const std::string &name,
                                       const std::vector<int64_t> &values);
onnx::AttributeProto makeStringAttribute(const std::string &name,
                                         const std::string &value);
int32_t getOnnxType(DType dtype);

/// The whole decoder: inputs, outputs, every layer.
void buildDecoder(onnx::ModelProto &model, GraphBuilder &builder,
                  const BitNetConfig &config, ModelWeights &weights);

/// Writes `model` with its payloads to `path` (and `<path>.data`), through
/// temporary files renamed at the end; returns the bytes written.
void writeModel(onnx::ModelProto &model, GraphBuilder &builder,
                const std::string &path, bool externalData,
                ExportSummary &summary);

} // namespace bitnet::hf

#endif // BITNET_MLIR_LIB_HFEXPORT_HFEXPORTIMPL_H
