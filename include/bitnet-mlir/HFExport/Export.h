//===- Export.h - Hugging Face BitNet checkpoint to ONNX --------*- C++ -*-===//
//
// Reads a Hugging Face BitNet b1.58 checkpoint directory (config.json and
// model.safetensors or its shards) and writes one ONNX decoder graph with a
// KV cache that serves prefill and decode (docs/hf-checkpoints.md). Plain
// C++: no MLIR, no PyTorch; libonnx's protobuf classes write the file.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_HFEXPORT_EXPORT_H
#define BITNET_MLIR_HFEXPORT_EXPORT_H

#include <cstdint>
#include <string>
#include <vector>

namespace bitnet::hf {

struct ExportOptions {
  /// Initializers go to `<output>.data` next to the model (ONNX external
  /// data) instead of into the protobuf, which is limited to 2 GiB.
  bool externalData = false;
  /// config.json keys the exporter does not know are warnings, not errors.
  bool allowUnknownConfigKeys = false;
};

struct ExportSummary {
  int64_t layers = 0;
  int64_t parameters = 0;      // weights of the checkpoint's model
  uint64_t modelBytes = 0;     // the .onnx file
  uint64_t dataBytes = 0;      // the external data file (0 without one)
  std::vector<std::string> warnings;
};

/// Exports `checkpointDir` to `outputPath`. On failure returns false with a
/// one-line message in `error` (naming the file and the key or tensor at
/// fault and what was expected) and leaves no output file behind.
bool exportCheckpoint(const std::string &checkpointDir,
                      const std::string &outputPath,
                      const ExportOptions &options, ExportSummary &summary,
                      std::string &error);

} // namespace bitnet::hf

#endif // BITNET_MLIR_HFEXPORT_EXPORT_H
