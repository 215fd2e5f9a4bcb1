//===- CompileReport.cpp - --time-passes, --stats, --progress -------------===//
#include "CompileReport.h"

#include "bitnet-mlir/Support/ConstantData.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/Format.h"

#include <sys/resource.h>

using namespace mlir;
using namespace mlir::bitnet;

//===----------------------------------------------------------------------===//
// ProgressTimingManager
//===----------------------------------------------------------------------===//

ProgressTimingManager::ProgressTimingManager(bool progress,
                                             llvm::raw_ostream &os)
    : progress(progress), os(os), start(std::chrono::steady_clock::now()) {}

ProgressTimingManager::~ProgressTimingManager() { clearProgress(); }

void ProgressTimingManager::clearProgress() {
  llvm::sys::SmartScopedLock<true> lock(mutex);
  if (!lineShown)
    return;
  os << "\r\x1b[K";
  os.flush();
  lineShown = false;
}

void *ProgressTimingManager::nestTimer(void *handle, const void *id,
                                       function_ref<std::string()> nameBuilder) {
  void *nested = DefaultTimingManager::nestTimer(handle, id, nameBuilder);
  if (!progress)
    return nested;
  llvm::sys::SmartScopedLock<true> lock(mutex);
  if (!paths.count(nested)) {
    auto parent = paths.find(handle);
    std::string name = nameBuilder();
    paths[nested] = parent == paths.end() || parent->second.empty()
                        ? name
                        : parent->second + " / " + name;
    parents[nested] = handle;
  }
  return nested;
}

void ProgressTimingManager::hideTimer(void *handle) {
  DefaultTimingManager::hideTimer(handle);
  if (!progress)
    return;
  // Hidden in the report ("Pipeline Collection : ['func.func']"), so left
  // out of the paths of its children too.
  llvm::sys::SmartScopedLock<true> lock(mutex);
  auto parent = paths.find(parents.lookup(handle));
  paths[handle] = parent == paths.end() ? "" : parent->second;
}

void ProgressTimingManager::startTimer(void *handle) {
  DefaultTimingManager::startTimer(handle);
  if (!progress)
    return;
  llvm::sys::SmartScopedLock<true> lock(mutex);
  auto it = paths.find(handle);
  // Analyses ("(A) DominanceInfo") are too short-lived to show.
  if (it == paths.end() || it->second.empty() ||
      StringRef(it->second).contains("(A)"))
    return;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  os << "\r\x1b[K" << llvm::format("[%6.1fs] ", seconds) << it->second
     << " ...";
  os.flush();
  lineShown = true;
}

//===----------------------------------------------------------------------===//
// Statistics
//===----------------------------------------------------------------------===//

static void addElements(ConstantCount &count, Attribute value) {
  auto elements = dyn_cast_or_null<ElementsAttr>(value);
  if (!elements)
    return;
  auto type = cast<ShapedType>(elements.getType());
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return;
  uint64_t bytes = type.getNumElements() *
                   llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  ++count.count;
  count.bytes += bytes;
  if (isa<DenseResourceElementsAttr>(elements))
    count.resourceBytes += bytes;
}

ConstantCount bitnet::countConstants(Operation *root) {
  ConstantCount count;
  root->walk([&](Operation *op) {
    if (auto global = dyn_cast<memref::GlobalOp>(op)) {
      if (std::optional<Attribute> value = global.getInitialValue())
        addElements(count, *value);
    } else if (auto global = dyn_cast<LLVM::GlobalOp>(op)) {
      if (std::optional<Attribute> value = global.getValue())
        addElements(count, *value);
    } else if (op->hasTrait<OpTrait::ConstantLike>()) {
      for (NamedAttribute attr : op->getAttrDictionary())
        addElements(count, attr.getValue());
    }
  });
  count.peakResidentBytes = getPeakResidentBytes();
  return count;
}

void CompileStatistics::addPass(StringRef pass, Operation *op) {
  PassRecord record;
  record.name = pass.str();
  record.target = op->getName().getStringRef().str();
  if (auto symbol = op->getAttrOfType<StringAttr>("sym_name"))
    record.target += " @" + symbol.getValue().str();
  op->walk([&](Operation *) { ++record.ops; });
  record.constants = countConstants(op);
  llvm::sys::SmartScopedLock<true> lock(mutex);
  passes.push_back(std::move(record));
}

namespace {
struct PassRecording : PassInstrumentation {
  explicit PassRecording(CompileStatistics &stats) : stats(stats) {}
  void runAfterPass(Pass *pass, Operation *op) override {
    // The adaptor running a nested pipeline: its passes have reported.
    if (pass->getName() == "mlir::detail::OpToOpPassAdaptor")
      return;
    stats.addPass(pass->getName(), op);
  }
  CompileStatistics &stats;
};
} // namespace

void bitnet::addPassRecording(PassManager &pm, CompileStatistics &stats) {
  pm.addInstrumentation(std::make_unique<PassRecording>(stats));
}

uint64_t bitnet::getPeakResidentBytes() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024; // Linux: KiB
}

static std::string formatBytes(uint64_t bytes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << bytes << " B";
  if (bytes >= (1u << 20))
    os << llvm::format(" (%.1f MiB)", bytes / double(1u << 20));
  return text;
}

void CompileStatistics::print(llvm::raw_ostream &os,
                              double totalSeconds) const {
  os << "===" << std::string(73, '-') << "===\n"
     << "                      ... bitnet-compile statistics ...\n"
     << "===" << std::string(73, '-') << "===\n";
  for (const auto &[stage, count] : stages)
    os << llvm::format("  %-28s", ("constants " + stage + ":").c_str())
       << count.count << " constants, " << formatBytes(count.bytes)
       << ", in resources " << formatBytes(count.resourceBytes)
       << "; peak RSS so far " << formatBytes(count.peakResidentBytes)
       << "\n";
  os << "  after each pass:\n"
     << llvm::format("    %-38s %-22s %7s %12s %12s\n", "pass", "on", "ops",
                     "const bytes", "peak RSS");
  for (const PassRecord &record : passes)
    os << llvm::format("    %-38s %-22s %7llu %12llu %8llu MiB\n",
                       record.name.c_str(), record.target.c_str(),
                       (unsigned long long)record.ops,
                       (unsigned long long)record.constants.bytes,
                       (unsigned long long)(
                           record.constants.peakResidentBytes >> 20));
  os << llvm::format("  %-28s", "constant bytes freed:")
     << formatBytes(getReleasedBlobBytes()) << "\n";
  os << llvm::format("  %-28s", "peak resident memory:")
     << formatBytes(getPeakResidentBytes()) << "\n";
  os << llvm::format("  %-28s%.3f s\n", "total time:", totalSeconds);
  os.flush();
}
