//===- PassOptions.h - the enum types of pass options -----------*- C++ -*-===//
//
// Declared once here, used by Passes.td (with cl::values, so a bad value is
// a command-line error listing the valid ones) and filled by the driver.
//
//===----------------------------------------------------------------------===//
#ifndef BITNET_MLIR_TRANSFORMS_PASSOPTIONS_H
#define BITNET_MLIR_TRANSFORMS_PASSOPTIONS_H

namespace mlir::bitnet {

/// bitnet-legalize-small-floats: expand conversions always, never, or when
/// the module's target lacks the instructions.
enum class ExpansionChoice { Auto, Always, Never };

} // namespace mlir::bitnet

#endif // BITNET_MLIR_TRANSFORMS_PASSOPTIONS_H
