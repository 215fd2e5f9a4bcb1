//===- Compare.h - outputs against the expected tensors ---------*- C++ -*-===//
//
// The rule of the ONNX backend test runner (onnx/backend/test/runner:
// assert_similar_outputs): same dtype, then numpy.testing.assert_allclose,
// i.e. |actual - expected| <= atol + rtol * |expected| with NaN equal to NaN
// and infinities equal only to themselves. Stricter where the runner is
// loose: shapes must be equal (no scalar broadcast), integers and booleans
// exact.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_CONFORMANCE_COMPARE_H
#define BITNET_CONFORMANCE_COMPARE_H

#include "bitnet/runtime.h"
#include "bitnet/tooling.h"
#include <string>

namespace bitnet::conformance {

struct Tolerance {
  /// The suite's defaults (onnx/backend/test/loader).
  double rtol = 1e-3;
  double atol = 1e-7;
};

/// "float32[2,3]".
std::string describeType(int32_t dtype, int32_t rank, const int64_t *shape);
std::string describeType(const bitnet_tensor &tensor);

/// "" when `actual` matches `expected`; otherwise what differs: the type, or
/// the number of mismatching elements and the first of them.
std::string compareTensors(const bitnet_tensor &actual,
                           const bitnet_tensor &expected,
                           const Tolerance &tolerance);

} // namespace bitnet::conformance

#endif // BITNET_CONFORMANCE_COMPARE_H
