"""Execution tests of the bitnet op forms added for every BitNet variant.

  bitnet_variants.py gen OUT.mlir OUT.expected   (then bitnet_ref.py check)

Covers: ternary_base3 and row_interleaved packing (packed here, by the rules
of docs/packed-formats.md, independently of bitnet-pack-weights), i16 and
float (f32, f16) matmul input, k_group partial sums (groups on and off byte
boundaries), per_group and shifted (pre-non-linearity) quantization with i8
and i16 results, grouped and shifted rescale, weight_rescale. Expected
values follow the op definitions with numpy (exact integers; f32 in the
documented order). The generator also asserts that the numpy pipelines
reproduce the papers' formulas (x ~ q / scale + eta, y ~ beta * W x) within
the quantization error, so the op definitions themselves are checked.
"""

import sys

import numpy as np

from bitnet_ref import (F32, Printer, dense, tensor_type, ternary_weights,
                        binary_weights, write_expected)

PER_BYTE = {"binary1": 8, "ternary2": 4, "ternary_base3": 5}


def pack_rows(weights, encoding):
    """[N, K] in {-1, 0, 1} -> [N, ceil(K / P)] bytes, zero padded."""
    rows, cols = weights.shape
    per_byte = PER_BYTE[encoding]
    row_bytes = -(-cols // per_byte)
    out = np.zeros((rows, row_bytes), dtype=np.int64)
    for k in range(cols):
        w = weights[:, k].astype(np.int64)
        byte, slot = divmod(k, per_byte)
        if encoding == "binary1":
            assert np.all(w != 0)
            out[:, byte] |= (w > 0).astype(np.int64) << slot
        elif encoding == "ternary2":
            out[:, byte] |= (w + 1) << (2 * slot)
        else:
            out[:, byte] += (w + 1) * 3 ** slot
    assert out.max(initial=0) <= 255
    return out.astype(np.uint8)


def storage(weights, encoding, layout, block_rows):
    rows_bytes = pack_rows(weights, encoding)
    if layout == "row_major":
        return rows_bytes.astype(np.int8)
    rows, row_bytes = rows_bytes.shape
    tiles = -(-rows // block_rows)
    out = np.zeros((tiles * row_bytes, block_rows), dtype=np.uint8)
    for n in range(rows):
        tile, lane = divmod(n, block_rows)
        out[tile * row_bytes:(tile + 1) * row_bytes, lane] = rows_bytes[n]
    return out.astype(np.int8)


def packed_type(encoding, layout, block_rows, rows, cols, group_size):
    extra = "" if layout == "row_major" else ", block_rows = %d" % block_rows
    return ("!bitnet.packed<encoding = %s, layout = %s, rows = %d, cols = %d, "
            "group_size = %d%s>" % (encoding, layout, rows, cols, group_size,
                                    extra))


def matmul_ref(x, w, k_group):
    """Integer: exact sums. Float: f32, ascending k, add/sub/skip per weight.
    With k_group the sums of each group are kept: [..., N, K / k_group]."""
    cols = x.shape[-1]
    span = k_group or cols
    groups = []
    for start in range(0, cols, span):
        xs, ws = x[..., start:start + span], w[:, start:start + span]
        if np.issubdtype(x.dtype, np.integer):
            groups.append(xs.astype(np.int64) @ ws.astype(np.int64).T)
            continue
        xf = xs.astype(F32)[..., None, :]  # [..., 1, span]
        acc = np.zeros(x.shape[:-1] + (w.shape[0],), dtype=F32)
        for k in range(xs.shape[-1]):
            v, wk = xf[..., k], ws[:, k]
            acc = np.where(wk > 0, (acc + v).astype(F32),
                           np.where(wk < 0, (acc - v).astype(F32), acc))
        groups.append(acc)
    out = np.stack(groups, axis=-1)
    if not k_group:
        out = out[..., 0]
    return out.astype(np.int32 if np.issubdtype(x.dtype, np.integer) else F32)


def quantize_ref(x, granularity, group_size, qmax, eps, clip_min, clip_max,
                 shift=False, reciprocal=False, shifted_absmax=False,
                 divide=False):
    """The op's definition; `shifted_absmax` takes the absmax of x - eta
    itself (elementwise, not max - min: the lowering's shortcut must agree),
    `divide` forms ((x - eta) * qmax) / floor."""
    x = x.astype(F32)
    if granularity == "per_group":
        xg = x.reshape(x.shape[:-1] + (x.shape[-1] // group_size, group_size))
    else:
        xg = x[..., None, :] if granularity == "per_token" else \
            x.reshape((1,) * (x.ndim - 1) + (1, -1))
    eta = np.min(xg, axis=-1, keepdims=True).astype(F32) if shift else None
    shifted = (xg - eta).astype(F32) if shift else xg
    absmax = np.max(np.abs(shifted if shifted_absmax else xg), axis=-1,
                    keepdims=True).astype(F32)
    floor = np.maximum(absmax, F32(eps))
    scale = ((F32(1) / floor) * F32(qmax)) if reciprocal else \
        (F32(qmax) / floor)
    scale = scale.astype(F32)
    if divide:
        product = ((shifted * F32(qmax)).astype(F32) / floor).astype(F32)
    else:
        product = (shifted * scale).astype(F32)
    q = np.clip(np.round(product), clip_min, clip_max)
    q = q.reshape(x.shape).astype(np.int64)
    if granularity == "per_group":
        scale_out = scale[..., 0]
        eta_out = eta[..., 0] if shift else None
    elif granularity == "per_token":
        scale_out = scale[..., 0, :]
        eta_out = eta[..., 0, :] if shift else None
    else:
        scale_out = scale.reshape((1,) * x.ndim)
        eta_out = eta.reshape((1,) * x.ndim) if shift else None
    return q, scale_out, eta_out


def rescale_ref(acc, act_scale, weight_scale, grouped, eta=None, rowsum=None,
                bias=None):
    """The rescale definition in f32, in its order, summed over g."""
    acc = acc.astype(F32)
    # act_scale and eta as [..., N or 1, G or 1].
    if grouped:
        a = act_scale[..., None, :].astype(F32)
        e_all = eta[..., None, :] if eta is not None else None
    else:
        acc = acc[..., None]
        a = act_scale[..., None].astype(F32)
        e_all = eta[..., None] if eta is not None else None
    groups = acc.shape[-1]
    n = acc.shape[-2]
    ws = weight_scale.astype(F32)
    ws = ws.reshape(n, groups) if ws.size == n * groups and ws.ndim == 2 \
        else ws.reshape(-1, 1)
    y = np.zeros(acc.shape[:-1], dtype=F32)
    for g in range(groups):
        wsg = ws[:, min(g, ws.shape[1] - 1)]
        ag = a[..., min(g, a.shape[-1] - 1)]
        term = ((acc[..., g] * wsg).astype(F32) / ag).astype(F32)
        if eta is not None:
            e = e_all[..., min(g, e_all.shape[-1] - 1)]
            rs = rowsum.astype(F32).reshape(n, -1)[:, min(g, rowsum.size // n - 1)]
            term = (term + ((e * wsg).astype(F32) * rs).astype(F32)).astype(F32)
        y = term if (g == 0 and not grouped) else (y + term).astype(F32)
    if bias is not None:
        y = (y + bias.reshape(-1).astype(F32)).astype(F32)
    return y


class VariantPrinter(Printer):
    def print_int(self, value, shape, element, expected):
        """Prints an i8/i16 tensor widened to i32."""
        if element == "i32":
            return self.print_tensor(value, shape, "i32", expected)
        rank = len(shape)
        dims = ", ".join("d%d" % i for i in range(rank))
        ident = "affine_map<(%s) -> (%s)>" % (dims, dims)
        empty, wide = self.fresh("e"), self.fresh("wide")
        self.emit("%s = tensor.empty() : %s" % (empty,
                                               tensor_type(shape, "i32")))
        self.emit("%s = linalg.generic {indexing_maps = [%s, %s], "
                  "iterator_types = [%s]} ins(%s : %s) outs(%s : %s) {\n"
                  "  ^bb0(%%in: %s, %%out: i32):\n"
                  "    %%e = arith.extsi %%in : %s to i32\n"
                  "    linalg.yield %%e : i32\n  } -> %s" % (
                      wide, ident, ident,
                      ", ".join(['"parallel"'] * rank), value,
                      tensor_type(shape, element), empty,
                      tensor_type(shape, "i32"), element, element,
                      tensor_type(shape, "i32")))
        self.print_tensor(wide, shape, "i32", expected)


def activations(rng, shape, element):
    if element in ("i8", "i16"):
        bits = int(element[1:])
        lo, hi = -(1 << (bits - 1)), 1 << (bits - 1)
        q = rng.integers(lo, hi, size=shape).astype(np.int64)
        q.reshape(-1)[0] = lo  # the most negative value is always present
        return q
    x = rng.standard_normal(shape).astype(F32) * F32(4)
    if element == "f16":
        x = x.astype(np.float16)
    return x


def gen_matmuls(p, rng):
    # (encoding, layout, block_rows, input, shape, rows, k_group, packed)
    cases = [
        ("ternary_base3", "row_major", 1, "i8", (3, 37), 5, 0, True),
        ("ternary_base3", "row_interleaved", 4, "i8", (2, 3, 64), 7, 0, True),
        ("binary1", "row_interleaved", 16, "i8", (4, 41), 18, 0, True),
        ("ternary2", "row_interleaved", 2, "i16", (2, 64), 5, 0, True),
        ("ternary2", "row_major", 1, "i8", (2, 64), 3, 16, True),
        ("ternary_base3", "row_major", 1, "i8", (2, 40), 3, 10, True),
        ("ternary_base3", "row_interleaved", 2, "i8", (2, 60), 3, 12, True),
        ("binary1", "row_interleaved", 4, "i16", (3, 48), 5, 12, True),
        ("ternary2", "row_major", 1, "i8", (1, 30), 3, 6, True),
        ("ternary2", "row_major", 1, "f32", (3, 37), 4, 0, True),
        ("ternary_base3", "row_interleaved", 4, "f16", (2, 40), 5, 20, True),
        ("binary1", "row_major", 1, "f32", (19,), 3, 0, True),
        ("ternary2", "", 0, "f32", (2, 24), 3, 8, False),
        ("ternary2", "", 0, "i16", (2, 3, 24), 4, 0, False),
    ]
    for (encoding, layout, block, element, shape, rows, k_group,
         packed) in cases:
        cols = shape[-1]
        make = binary_weights if encoding == "binary1" else ternary_weights
        w = make(rng, rows, cols)
        x = activations(rng, shape, element)
        xc = p.constant(x, element)
        is_float = element in ("f32", "f16")
        acc_elem = "f32" if is_float else "i32"
        out_shape = shape[:-1] + (rows,) + ((cols // k_group,) if k_group
                                            else ())
        attrs = " {k_group = %d : i64}" % k_group if k_group else ""
        acc = p.fresh("acc")
        if packed:
            data = storage(w, encoding, layout, block)
            ptype = packed_type(encoding, layout, block, rows, cols, k_group)
            wp = p.fresh("w")
            p.emit("%s = bitnet.packed_constant %s : %s -> %s" % (
                wp, dense(data), tensor_type(data.shape, "i8"), ptype))
            p.packed_matmul(acc, xc, wp, attrs, tensor_type(shape, element),
                            ptype, tensor_type(out_shape, acc_elem))
        else:
            wc = p.constant(w, "i8")
            p.emit("%s = bitnet.ternary_matmul %s, %s%s : %s, %s -> %s" % (
                acc, xc, wc, attrs, tensor_type(shape, element),
                tensor_type(w.shape, "i8"), tensor_type(out_shape, acc_elem)))
        expected = matmul_ref(x, w, k_group)
        if is_float:
            # Float sums differ from a float64 matmul by reassociation only:
            # |error| <= K * 2^-24 * sum |x| per output.
            exact = (x.astype(np.float64) @ w.astype(np.float64).T) \
                if not k_group else None
            if exact is not None:
                bound = cols * 2.0 ** -24 * (np.abs(x.astype(np.float64)) @
                                             np.abs(w.T).astype(np.float64))
                assert np.all(np.abs(expected - exact) <= bound + 1e-30)
            p.print_tensor(acc, out_shape, "f32", expected)
        else:
            p.print_tensor(acc, out_shape, "i32", expected)

    # int16 extremes: -32768 * 512 = -16777216 (ternary2 all +1), exactly.
    x = np.full((1, 512), -32768, dtype=np.int64)
    w = np.ones((2, 512), dtype=np.int8)
    data = storage(w, "ternary_base3", "row_interleaved", 8)
    ptype = packed_type("ternary_base3", "row_interleaved", 8, 2, 512, 0)
    xc, wp, acc = p.constant(x, "i16"), p.fresh("w"), p.fresh("acc")
    p.emit("%s = bitnet.packed_constant %s : %s -> %s" % (
        wp, dense(data), tensor_type(data.shape, "i8"), ptype))
    p.packed_matmul(acc, xc, wp, "", tensor_type((1, 512), "i16"), ptype,
                    tensor_type((1, 2), "i32"))
    p.print_tensor(acc, (1, 2), "i32", matmul_ref(x, w, 0))


def gen_quantize(p, rng):
    # (granularity, group, shape, qmax, clip, element, shift, reciprocal,
    #  shifted_absmax, divide)
    cases = [
        ("per_group", 8, (3, 32), 127.0, (-128, 127), "i8", False, False,
         False, False),
        ("per_group", 4, (2, 2, 12), 127.0, (-127, 127), "i8", True, True,
         False, False),
        ("per_token", 0, (4, 16), 128.0, (0, 255), "i16", True, False,
         False, False),
        ("per_tensor", 0, (2, 3, 8), 127.0, (0, 127), "i8", True, False,
         False, False),
        ("per_token", 0, (2, 16), 128.0, (-128, 128), "i16", False, False,
         False, False),
        # The paper's pre-non-linearity quantizer: gamma = max |x - eta|,
        # (x - eta) * Q / gamma, codes [0, 128].
        ("per_token", 0, (4, 16), 128.0, (0, 128), "i16", True, False,
         True, True),
        ("per_tensor", 0, (2, 3, 8), 128.0, (0, 128), "i16", True, False,
         False, True),
        ("per_group", 4, (2, 12), 64.0, (0, 64), "i8", True, True,
         True, False),
    ]
    for (gran, group, shape, qmax, (lo, hi), element, shift,
         reciprocal, shifted_absmax, divide) in cases:
        x = rng.standard_normal(shape).astype(F32) * F32(3)
        x.reshape(-1)[1] = F32(0.0)
        q, scale, eta = quantize_ref(x, gran, group, qmax, 1e-5, lo, hi,
                                     shift, reciprocal, shifted_absmax,
                                     divide)
        if shift:
            # The paper's x ~ q / scale + eta: within half a step wherever
            # the product was not clipped.
            full = np.broadcast_to(
                np.repeat(scale, group, axis=-1) if group else scale, shape)
            efull = np.broadcast_to(
                np.repeat(eta, group, axis=-1) if group else eta, shape)
            inside = (q > lo) & (q < hi)
            err = np.abs(q / full + efull - x)[inside]
            assert np.all(err <= 0.5 / full[inside] * (1 + 1e-5) + 1e-6)
        xc = p.constant(x, "f32")
        attrs = ["qmax = %r : f32" % qmax, "eps = 1.0e-5 : f32",
                 "clip_min = %d : i64" % lo, "clip_max = %d : i64" % hi]
        if group:
            attrs.append("group_size = %d : i64" % group)
        if shift:
            attrs.append("shift")
        if reciprocal:
            attrs.append("reciprocal")
        if shifted_absmax:
            attrs.append("shifted_absmax")
        if divide:
            attrs.append("divide")
        names = [p.fresh("q"), p.fresh("s")] + ([p.fresh("eta")] if shift
                                                else [])
        types = [tensor_type(shape, element), tensor_type(scale.shape, "f32")]
        if shift:
            types.append(tensor_type(eta.shape, "f32"))
        p.emit("%s = bitnet.quantize_activations %s %s {%s} : %s -> %s" % (
            ", ".join(names), xc, gran, ", ".join(attrs),
            tensor_type(shape, "f32"), ", ".join(types)))
        p.print_int(names[0], shape, element, q)
        p.print_tensor(names[1], scale.shape, "f32", scale)
        if shift:
            p.print_tensor(names[2], eta.shape, "f32", eta)


def gen_rescale(p, rng):
    def const(array, element):
        return p.constant(np.asarray(array), element)

    # Ungrouped with shift and bias.
    acc = rng.integers(-3000, 3000, size=(3, 5))
    s = rng.uniform(1, 40, size=(3, 1)).astype(F32)
    eta = rng.uniform(-3, 0, size=(3, 1)).astype(F32)
    ws = rng.uniform(0.01, 0.1, size=(5,)).astype(F32)
    rowsum = rng.integers(-20, 20, size=(5,))
    bias = rng.standard_normal(5).astype(F32)
    y = p.fresh("y")
    p.emit("%s = bitnet.rescale %s, %s, %s shift %s, %s bias %s : %s, %s, %s "
           "shift(%s, %s), %s -> %s" % (
               y, const(acc, "i32"), const(s, "f32"), const(ws, "f32"),
               const(eta, "f32"), const(rowsum, "i32"), const(bias, "f32"),
               "tensor<3x5xi32>", "tensor<3x1xf32>", "tensor<5xf32>",
               "tensor<3x1xf32>", "tensor<5xi32>", "tensor<5xf32>",
               "tensor<3x5xf32>"))
    p.print_tensor(y, (3, 5), "f32",
                   rescale_ref(acc, s, ws, False, eta, rowsum, bias))

    # Grouped: per-group act scales, per-block weight scales, no bias.
    acc = rng.integers(-3000, 3000, size=(2, 4, 3))
    s = rng.uniform(1, 40, size=(2, 3)).astype(F32)
    ws = rng.uniform(0.01, 0.1, size=(4, 3)).astype(F32)
    y = p.fresh("y")
    p.emit("%s = bitnet.rescale %s, %s, %s : tensor<2x4x3xi32>, "
           "tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>" % (
               y, const(acc, "i32"), const(s, "f32"), const(ws, "f32")))
    p.print_tensor(y, (2, 4), "f32", rescale_ref(acc, s, ws, True))

    # Grouped with shift (f32 rowsum [N, Gk]), one weight scale, bias; the
    # act scale is per token ([2, 1]: broadcast over the groups).
    s = rng.uniform(1, 40, size=(2, 1)).astype(F32)
    eta = rng.uniform(-3, 0, size=(2, 1)).astype(F32)
    ws = np.array([0.0625], dtype=F32)
    rowsum = rng.integers(-8, 8, size=(4, 3)).astype(F32)
    bias = rng.standard_normal(4).astype(F32)
    y = p.fresh("y")
    p.emit("%s = bitnet.rescale %s, %s, %s shift %s, %s bias %s : "
           "tensor<2x4x3xi32>, tensor<2x1xf32>, tensor<1xf32> "
           "shift(tensor<2x1xf32>, tensor<4x3xf32>), tensor<4xf32> -> "
           "tensor<2x4xf32>" % (
               y, const(acc, "i32"), const(s, "f32"), const(ws, "f32"),
               const(eta, "f32"), const(rowsum, "f32"), const(bias, "f32")))
    p.print_tensor(y, (2, 4), "f32",
                   rescale_ref(acc, s, ws, True, eta, rowsum, bias))

    # weight_rescale: ungrouped with bias, grouped per block.
    facc = rng.standard_normal((3, 4)).astype(F32) * F32(50)
    ws = rng.uniform(0.01, 0.1, size=(4,)).astype(F32)
    bias = rng.standard_normal(4).astype(F32)
    y = p.fresh("y")
    p.emit("%s = bitnet.weight_rescale %s, %s bias %s : tensor<3x4xf32>, "
           "tensor<4xf32>, tensor<4xf32> -> tensor<3x4xf32>" % (
               y, const(facc, "f32"), const(ws, "f32"), const(bias, "f32")))
    p.print_tensor(y, (3, 4), "f32",
                   ((facc * ws).astype(F32) + bias).astype(F32))
    gacc = rng.standard_normal((3, 4, 2)).astype(F32) * F32(50)
    gws = rng.uniform(0.01, 0.1, size=(4, 2)).astype(F32)
    y = p.fresh("y")
    p.emit("%s = bitnet.weight_rescale %s, %s : tensor<3x4x2xf32>, "
           "tensor<4x2xf32> -> tensor<3x4xf32>" % (
               y, const(gacc, "f32"), const(gws, "f32")))
    expected = np.zeros((3, 4), dtype=F32)
    for g in range(2):
        expected = (expected + (gacc[..., g] * gws[:, g]).astype(F32)) \
            .astype(F32)
    p.print_tensor(y, (3, 4), "f32", expected)


def gen_chain(p, rng):
    """A W1 pre-non-linearity BitLinear with groups: per_group shifted
    quantization (i16, [0, 255]), k_group partial sums over base-3 packed
    weights, grouped shifted rescale; checked against the op definitions,
    and (in numpy) against beta * W x within the quantization error."""
    m, k, n, group = 3, 40, 6, 20
    x = np.abs(rng.standard_normal((m, k)).astype(F32)) + F32(0.25)
    w = binary_weights(rng, n, k)
    beta = np.array([0.05], dtype=F32)
    q, scale, eta = quantize_ref(x, "per_group", group, 128.0, 1e-5, 0, 255,
                                 shift=True)
    acc = matmul_ref(q, w, group)
    rowsum = np.stack([w[:, g * group:(g + 1) * group].sum(axis=1)
                       for g in range(k // group)], axis=1).astype(np.int64)
    y = rescale_ref(acc, scale, beta, True, eta, rowsum)
    exact = (x.astype(np.float64) @ w.T.astype(np.float64)) * float(beta[0])
    step = np.repeat(0.5 / scale.astype(np.float64), group, axis=-1)
    bound = (step @ np.abs(w.T)) * float(beta[0]) * (1 + 1e-4) + 1e-5
    assert np.all(np.abs(y - exact) <= bound), "chain reference out of bound"

    xc = p.constant(x, "f32")
    data = storage(w, "ternary_base3", "row_interleaved", 4)
    ptype = packed_type("ternary_base3", "row_interleaved", 4, n, k, group)
    names = [p.fresh(s) for s in ("q", "s", "eta", "w", "acc", "rs", "bt",
                                  "y")]
    qn, sn, en, wn, an, rn, bn, yn = names
    p.emit("%s, %s, %s = bitnet.quantize_activations %s per_group "
           "{group_size = %d : i64, shift, qmax = 128.0 : f32, "
           "eps = 1.0e-5 : f32, clip_min = 0 : i64, clip_max = 255 : i64} "
           ": tensor<3x40xf32> -> tensor<3x40xi16>, tensor<3x2xf32>, "
           "tensor<3x2xf32>" % (qn, sn, en, xc, group))
    p.emit("%s = bitnet.packed_constant %s : %s -> %s" % (
        wn, dense(data), tensor_type(data.shape, "i8"), ptype))
    p.packed_matmul(an, qn, wn, " {k_group = %d : i64}" % group,
                    "tensor<3x40xi16>", ptype, "tensor<3x6x2xi32>")
    p.emit("%s = arith.constant %s : tensor<6x2xi32>" % (rn, dense(rowsum)))
    p.emit("%s = arith.constant %s : tensor<1xf32>" % (bn, dense(beta)))
    p.emit("%s = bitnet.rescale %s, %s, %s shift %s, %s : tensor<3x6x2xi32>, "
           "tensor<3x2xf32>, tensor<1xf32> shift(tensor<3x2xf32>, "
           "tensor<6x2xi32>) -> tensor<3x6xf32>" % (yn, an, sn, bn, en, rn))
    p.print_tensor(an, (3, 6, 2), "i32", acc)
    p.print_tensor(yn, (3, 6), "f32", y)


def main(argv):
    if len(argv) != 4 or argv[1] != "gen":
        print(__doc__)
        return 2
    rng = np.random.default_rng(1158)
    p = VariantPrinter()
    gen_matmuls(p, rng)
    gen_quantize(p, rng)
    gen_rescale(p, rng)
    gen_chain(p, rng)
    with open(argv[2], "w") as out:
        out.write(p.module())
    write_expected(argv[3], p.expected)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
