/* bitnet/runtime.h - the whole app-facing runtime API in one include:
 * base (status, dtypes, memory), tensors, compiled models and libraries,
 * sessions and thread pools, decoders with a KV cache. docs/runtime.md is
 * the reference; docs/abi.md specifies the entry points. Plain C11, no
 * MLIR or LLVM: applications and generated code link it alone (static
 * library bitnet_runtime, CMake target BitnetMLIR::runtime). Tensor files
 * (.npy, .pb) are in bitnet/tooling.h. */
#ifndef BITNET_RUNTIME_H
#define BITNET_RUNTIME_H

#include "bitnet/base.h"
#include "bitnet/decoder.h"
#include "bitnet/model.h"
#include "bitnet/session.h"
#include "bitnet/tensor.h"

#endif /* BITNET_RUNTIME_H */
