//===- Export.cpp - checkpoint directory -> ONNX decoder -------------------===//
//
// The entry point: runs the phases of HFExportImpl.h in order and turns an
// ExportError (or any other exception: libonnx's protobuf classes, the JSON
// parser, memory) into the one-line message the caller prints.
//
//===----------------------------------------------------------------------===//
#include "HFExportImpl.h"

#include <new>
#include <sys/stat.h>

using namespace bitnet::hf;

bool bitnet::hf::exportCheckpoint(const std::string &checkpointDir,
                                  const std::string &outputPath,
                                  const ExportOptions &options,
                                  ExportSummary &summary, std::string &error) {
  try {
    struct stat info;
    if (stat(checkpointDir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      fail(checkpointDir + ": not a checkpoint directory (config.json and "
           "model.safetensors)");
    BitNetConfig config =
        parseConfig(checkpointDir + "/config.json",
                    options.allowUnknownConfigKeys, summary.warnings);
    std::unique_ptr<TensorStore> store = TensorStore::open(checkpointDir);
    ModelWeights weights = loadWeights(*store, config, summary.warnings);
    summary.layers = config.numLayers;
    summary.parameters = weights.parameters;
    onnx::ModelProto model;
    GraphBuilder builder(*model.mutable_graph());
    buildDecoder(model, builder, config, weights);
    writeModel(model, builder, outputPath, options.externalData, summary);
    return true;
  } catch (const ExportError &e) {
    error = e.what();
  } catch (const std::bad_alloc &) {
    error = "out of memory";
  } catch (const std::exception &e) {
    error = std::string("unexpected error: ") + e.what();
  }
  return false;
}
