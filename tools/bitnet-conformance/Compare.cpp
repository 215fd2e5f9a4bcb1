//===- Compare.cpp - outputs against the expected tensors -----------------===//
#include "Compare.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace llvm;

namespace bitnet::conformance {

std::string describeType(int32_t dtype, int32_t rank, const int64_t *shape) {
  std::string text = bitnet_dtype_name(dtype);
  text += '[';
  for (int32_t d = 0; d < rank; ++d)
    text += (d ? "," : "") + std::to_string(shape[d]);
  return text + ']';
}

std::string describeType(const bitnet_tensor &tensor) {
  return describeType(tensor.dtype, tensor.rank, tensor.shape);
}

static bool isFloat(int32_t dtype) {
  return dtype == BITNET_DTYPE_FLOAT || dtype == BITNET_DTYPE_DOUBLE ||
         dtype == BITNET_DTYPE_FLOAT16 || dtype == BITNET_DTYPE_BFLOAT16;
}

static double halfToDouble(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  double value = exponent == 0 ? std::ldexp(mantissa, -24)
                 : exponent == 31
                     ? (mantissa ? NAN : INFINITY)
                     : std::ldexp(mantissa | 0x400, exponent - 25);
  return (bits & 0x8000) ? -value : value;
}

/// Element `i` of a floating-point tensor, widened to double (exactly).
static double floatAt(const bitnet_tensor &t, int64_t i) {
  const char *p = static_cast<const char *>(t.data);
  switch (t.dtype) {
  case BITNET_DTYPE_FLOAT: {
    float v;
    std::memcpy(&v, p + i * 4, 4);
    return v;
  }
  case BITNET_DTYPE_DOUBLE: {
    double v;
    std::memcpy(&v, p + i * 8, 8);
    return v;
  }
  case BITNET_DTYPE_FLOAT16: {
    uint16_t v;
    std::memcpy(&v, p + i * 2, 2);
    return halfToDouble(v);
  }
  default: { // bfloat16: the high half of a float32
    uint16_t v;
    std::memcpy(&v, p + i * 2, 2);
    uint32_t bits = static_cast<uint32_t>(v) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
  }
}

/// Element `i` of an integer or bool tensor, as text.
static std::string integerAt(const bitnet_tensor &t, int64_t i) {
  const char *p = static_cast<const char *>(t.data) +
                  i * static_cast<int64_t>(bitnet_dtype_size(t.dtype));
  auto load = [p](auto value) {
    std::memcpy(&value, p, sizeof value);
    return value;
  };
  switch (t.dtype) {
  case BITNET_DTYPE_BOOL: {
    uint8_t v = load(uint8_t());
    if (v > 1)
      return "bool byte " + std::to_string(v);
    return v ? "true" : "false";
  }
  case BITNET_DTYPE_INT8: return std::to_string(load(int8_t()));
  case BITNET_DTYPE_UINT8: return std::to_string(load(uint8_t()));
  case BITNET_DTYPE_INT16: return std::to_string(load(int16_t()));
  case BITNET_DTYPE_UINT16: return std::to_string(load(uint16_t()));
  case BITNET_DTYPE_INT32: return std::to_string(load(int32_t()));
  case BITNET_DTYPE_UINT32: return std::to_string(load(uint32_t()));
  case BITNET_DTYPE_INT64: return std::to_string(load(int64_t()));
  default: return std::to_string(load(uint64_t()));
  }
}

/// "[1,0,2]": the multi-index of flat index `i`.
static std::string indexOf(const bitnet_tensor &t, int64_t i) {
  std::string text;
  for (int32_t d = t.rank - 1; d >= 0; --d) {
    int64_t extent = t.shape[d];
    text = std::to_string(extent ? i % extent : 0) + (text.empty() ? "" : ",") +
           text;
    i = extent ? i / extent : 0;
  }
  return '[' + text + ']';
}

/// Enough digits to tell a float32 or float64 from its neighbours.
static std::string formatDouble(double value) {
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

/// assert_allclose's test for one element (equal_nan=True).
static bool closeEnough(double actual, double expected,
                        const Tolerance &tolerance) {
  if (std::isnan(actual) || std::isnan(expected))
    return std::isnan(actual) && std::isnan(expected);
  if (std::isinf(actual) || std::isinf(expected))
    return actual == expected;
  return std::fabs(actual - expected) <=
         tolerance.atol + tolerance.rtol * std::fabs(expected);
}

std::string compareTensors(const bitnet_tensor &actual,
                           const bitnet_tensor &expected,
                           const Tolerance &tolerance) {
  bool sameShape = actual.rank == expected.rank &&
                   std::equal(actual.shape, actual.shape + actual.rank,
                              expected.shape);
  if (actual.dtype != expected.dtype || !sameShape)
    return "got " + describeType(actual) + ", expected " +
           describeType(expected);
  int64_t count = bitnet_tensor_numel(&expected);
  bool floating = isFloat(expected.dtype);
  size_t elementSize = bitnet_dtype_size(expected.dtype);
  int64_t mismatches = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < count; ++i) {
    bool same;
    if (floating) {
      double a = floatAt(actual, i), e = floatAt(expected, i);
      same = closeEnough(a, e, tolerance);
      if (!same && std::isfinite(a) && std::isfinite(e))
        worst = std::max(worst, std::fabs(a - e));
    } else {
      same = std::memcmp(static_cast<const char *>(actual.data) +
                             i * elementSize,
                         static_cast<const char *>(expected.data) +
                             i * elementSize,
                         elementSize) == 0;
    }
    if (!same && mismatches++ == 0)
      first = i;
  }
  if (mismatches == 0)
    return "";
  std::string text = formatv("{0} of {1} elements differ; first at {2}: ",
                             mismatches, count, indexOf(expected, first));
  if (!floating)
    return text + "got " + integerAt(actual, first) + ", expected " +
           integerAt(expected, first);
  double a = floatAt(actual, first), e = floatAt(expected, first);
  text += "got " + formatDouble(a) + ", expected " + formatDouble(e);
  if (std::isfinite(a) && std::isfinite(e))
    text += " (|diff| " + formatDouble(std::fabs(a - e)) + " > " +
            formatDouble(tolerance.atol + tolerance.rtol * std::fabs(e)) +
            " = atol + rtol*|expected|); largest |diff| " +
            formatDouble(worst);
  return text;
}

} // namespace bitnet::conformance
