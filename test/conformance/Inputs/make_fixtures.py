"""Writes a small node-test suite that exercises bitnet-conformance itself.

usage: make_fixtures.py OUT_DIR
OUT_DIR/suite/<test>/ holds model.onnx and test_data_set_*/ like the ONNX
backend tests; OUT_DIR/expected-failures.txt lists some of them. Each test
shows one outcome the runner must report (see conformance-runner.test).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def add_model(dtype=TensorProto.FLOAT, shape=(2, 3), op="Add", opset=17):
    a = helper.make_tensor_value_info("a", dtype, list(shape))
    b = helper.make_tensor_value_info("b", dtype, list(shape))
    y = helper.make_tensor_value_info("y", dtype, list(shape))
    node = helper.make_node(op, ["a", "b"], ["y"], name="node0")
    graph = helper.make_graph([node], "g", [a, b], [y])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def write_test(suite, name, model, data_sets):
    """data_sets: list of (inputs, outputs), each a list of arrays (None
    leaves that file out)."""
    test_dir = os.path.join(suite, name)
    os.makedirs(test_dir)
    if isinstance(model, bytes):
        with open(os.path.join(test_dir, "model.onnx"), "wb") as f:
            f.write(model)
    elif model is not None:
        onnx.save(model, os.path.join(test_dir, "model.onnx"))
    for k, (inputs, outputs) in enumerate(data_sets):
        set_dir = os.path.join(test_dir, "test_data_set_%d" % k)
        os.makedirs(set_dir)
        for kind, arrays in (("input", inputs), ("output", outputs)):
            for i, array in enumerate(arrays):
                if array is None:
                    continue
                with open(os.path.join(set_dir, "%s_%d.pb" % (kind, i)), "wb") as f:
                    f.write(numpy_helper.from_array(array).SerializeToString())


def main():
    out = sys.argv[1]
    suite = os.path.join(out, "suite")
    os.makedirs(suite)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((2, 3)).astype(np.float32)
    good = [([a, b], [a + b]), ([b, b], [b + b])]

    # Passes: two data sets, both right.
    write_test(suite, "test_add_ok", add_model(), good)
    # Within the suite's tolerance (rtol 1e-3): passes.
    write_test(suite, "test_add_within_tolerance", add_model(),
               [([a, b], [(a + b) * np.float32(1 + 5e-4)])])
    # NaN matches NaN (assert_allclose's equal_nan).
    nan_a = a.copy()
    nan_a[0, 1] = np.nan
    write_test(suite, "test_add_nan", add_model(), [([nan_a, b], [nan_a + b])])
    # Wrong expected value in the second data set, element [1,2].
    wrong = (a + b).copy()
    wrong[1, 2] += 1.0
    write_test(suite, "test_add_wrong_output", add_model(),
               [good[0], ([a, b], [wrong])])
    # Integers compare exactly.
    ia = np.arange(6, dtype=np.int32).reshape(2, 3)
    write_test(suite, "test_add_int_off_by_one", add_model(TensorProto.INT32),
               [([ia, ia], [ia + ia + np.int32(1)])])
    # The expected output has another dtype than the model's output.
    write_test(suite, "test_add_wrong_output_dtype", add_model(),
               [([a, b], [(a + b).astype(np.float64)])])
    # An input of the wrong dtype: a malformed test directory.
    write_test(suite, "test_add_wrong_input_dtype", add_model(),
               [([a.astype(np.float64), b], [a + b])])
    # No output_0.pb.
    write_test(suite, "test_add_missing_output", add_model(),
               [([a, b], [None])])
    # input_1.pb missing but input_2.pb present: a gap in the numbering.
    write_test(suite, "test_add_input_gap", add_model(),
               [([a, None, b], [a + b])])
    # A truncated output_0.pb.
    write_test(suite, "test_add_corrupt_output", add_model(),
               [([a, b], [a + b])])
    with open(os.path.join(suite, "test_add_corrupt_output", "test_data_set_0",
                           "output_0.pb"), "r+b") as f:
        f.truncate(10)
    # model.onnx that is not a protobuf.
    write_test(suite, "test_garbage_model", b"not an onnx model", good)
    # No model.onnx.
    write_test(suite, "test_no_model", None, good)
    # No test_data_set_* directory.
    write_test(suite, "test_no_data_sets", add_model(), [])
    # A model the compiler rejects (shapes that do not broadcast).
    bad = add_model()
    bad.graph.input[1].type.tensor_type.shape.dim[0].dim_value = 4
    write_test(suite, "test_add_bad_shapes", bad, [([a, a], [a + a])])
    # Listed as an expected failure and fails: counted as expected.
    write_test(suite, "test_listed_and_failing", bad, [([a, a], [a + a])])
    # Listed as an expected failure but passes: fails the run.
    write_test(suite, "test_listed_but_passing", add_model(), good)
    # The runner's hooks make these crash and hang.
    write_test(suite, "test_crash", add_model(), good)
    write_test(suite, "test_hang", add_model(), good)
    # An op outside ops.txt: skipped, not run.
    write_test(suite, "test_out_of_scope", add_model(op="Mod",
                                                     dtype=TensorProto.UINT8),
               [])

    with open(os.path.join(out, "expected-failures.txt"), "w") as f:
        f.write("# fixture list\n"
                "test_listed_and_failing  shapes do not broadcast\n"
                "test_listed_but_passing  was broken once\n")


if __name__ == "__main__":
    main()
