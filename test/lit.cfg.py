# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "BITNET"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".onnxtext"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bitnet_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMPDIR", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Our tools first, then LLVM's FileCheck/not/count.
llvm_config.with_environment("PATH", config.bitnet_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

e2e_tools = os.path.join(config.bitnet_src_root, "test", "e2e", "tools")
config.substitutions.append(("%python", config.bitnet_python))
config.substitutions.append(("%node_modules", config.bitnet_node_modules))
config.substitutions.append(("%e2e_tools", e2e_tools))
config.substitutions.append(("%examples", os.path.join(config.bitnet_src_root, "examples")))
config.substitutions.append(("%src_root", config.bitnet_src_root))
config.substitutions.append(("%obj_root", config.bitnet_obj_root))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%bitnet_run", os.path.join(config.bitnet_tools_dir, "bitnet-run")))
config.substitutions.append(("%runtime_test", os.path.join(config.bitnet_tools_dir, "bitnet-runtime-test")))
config.substitutions.append(("%fake_model", os.path.join(config.bitnet_obj_root, "lib", "bitnet-fake-model.so")))
# The fake decoders of test/runtime/fake_decoder.c: with the in-place cache
# contract (docs/abi.md, "Caches"), and without caches (the runtime copies).
config.substitutions.append(("%fake_decoder_copy", os.path.join(config.bitnet_obj_root, "lib", "bitnet-fake-decoder-copy.so")))
config.substitutions.append(("%fake_decoder", os.path.join(config.bitnet_obj_root, "lib", "bitnet-fake-decoder.so")))
config.substitutions.append(("%runtime_include", os.path.join(config.bitnet_src_root, "runtime", "include")))
config.substitutions.append(("%runtime_lib", os.path.join(config.bitnet_obj_root, "lib", "libbitnet_runtime.a")))

# onnxruntime is the numerical oracle of the end-to-end tests: setup installs
# it, and a missing one is a broken set-up, not a reason to skip tests.
if not os.path.isdir(os.path.join(config.bitnet_node_modules, "onnxruntime-node")):
    lit_config.fatal("onnxruntime-node not found under %s: run scripts/setup.sh"
                     % config.bitnet_node_modules)
config.substitutions.append(("%ort_run", "node %s --modules %s" % (
    os.path.join(e2e_tools, "ort_run.js"), config.bitnet_node_modules)))

# Optional capabilities, each a feature a test can REQUIRE.
if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-cross")
if shutil.which("nvidia-smi") and os.path.exists("/dev/nvidia0"):
    config.available_features.add("cuda")
