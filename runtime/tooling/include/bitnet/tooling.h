/* bitnet/tooling.h - tensor files for tools and tests (bitnet-run,
 * bitnet-conformance): .npy and ONNX TensorProto .pb. Library
 * bitnet_tooling (CMake BitnetMLIR::tooling), on top of bitnet_runtime;
 * applications that only run models do not need it. */
#ifndef BITNET_TOOLING_H
#define BITNET_TOOLING_H

#include "bitnet/tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a .npy file (format 1.0, 2.0 or 3.0; little-endian or byte-order-free
 * descr: <f2 <f4 <f8 |i1 |u1 <i2 <u2 <i4 <u4 <i8 <u8 |b1; C order; rank
 * 0..8). Ownership: the caller frees out->data with bitnet_tensor_free; on
 * failure out->data is NULL. Messages name the file. */
bitnet_status bitnet_npy_read(const char *path, bitnet_tensor *out);
/* Writes t as a .npy file, format 1.0. bfloat16 has no numpy dtype:
 * BITNET_ERR_DTYPE. Ownership: t is only read. */
bitnet_status bitnet_npy_write(const char *path, const bitnet_tensor *t);

/* Reads a serialized ONNX TensorProto (the .pb files of the ONNX backend
 * tests). Data may be in raw_data or the typed fields; external data is
 * rejected. If out_name is non-NULL, *out_name receives a malloc'd copy of
 * the tensor's name ("" if it has none) which the caller frees with free().
 * Ownership of out->data as for bitnet_npy_read. */
bitnet_status bitnet_pb_read(const char *path, bitnet_tensor *out,
                             char **out_name);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_TOOLING_H */
