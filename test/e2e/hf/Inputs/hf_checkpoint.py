#!/usr/bin/python3
"""Write tiny Hugging Face BitNet b1.58 checkpoints in the published layout.

Why: nothing in the tests may download microsoft/bitnet-b1.58-2B-4T, so the
exporter is tested on checkpoints written here with exactly its file
formats, tensor names, dtypes and packing (docs/hf-checkpoints.md):

* config.json with the keys of the published config (BitNetConfig and
  PretrainedConfig keys plus quantization_config);
* model.safetensors, written by hand (no safetensors package): an 8-byte
  little-endian header length, a JSON header {name: {dtype, shape,
  data_offsets}}, padded with spaces to 8 bytes, then the raw data; bf16 is
  stored as its raw 16 bits;
* embedding and norms bf16; each q/k/v/o/gate/up/down projection a uint8
  ``.weight`` [out/4, in] whose byte (i, k) holds the codes w+1 of output
  rows i, P+i, 2P+i, 3P+i (P = out/4) in bits [1:0], [3:2], [5:4], [7:6],
  and a bf16 ``.weight_scale`` [1]; no lm_head when the head is tied.

Variants (``--variant``): ``tied`` (the 2B-4T form), ``untied``
(lm_head.weight), ``bf16`` (master weights: bf16 [out, in] projections, no
weight_scale, quantization_mode online), ``bitlinear`` (linear_class
bitlinear, whose output is divided by weight_scale), ``mha`` (as many KV
heads as heads), ``gqa`` (6 heads of 16 reading 2 KV heads), ``sharded`` (two shards and model.safetensors.index.json).
``--break KIND`` then damages the checkpoint in one way (see BREAKS) for
the error tests; ``--all-breaks`` writes OUT_DIR/KIND for every kind.

    hf_checkpoint.py OUT_DIR [--variant V] [--seed N] [--layers L] [--break KIND | --all-breaks]

The sizes default to the odd ones of the tests: hidden 96, 3 heads, 1 KV
head (head_dim 32), intermediate 200, vocab 300, 2 layers; ``--preset 2b4t``
writes the published sizes instead (random weights, ~1.2 GB).
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

#: safetensors dtype names of the numpy dtypes written here (bf16 separately).
SAFETENSORS_DTYPES = {np.dtype(np.uint8): "U8", np.dtype(np.float32): "F32",
                      np.dtype(np.float16): "F16", np.dtype(np.int8): "I8"}
PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
               "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")


class Bf16:
    """A bfloat16 array kept as its raw uint16 bits (numpy has no bfloat16)."""

    def __init__(self, bits):
        self.bits = np.ascontiguousarray(bits, dtype=np.uint16)
        self.shape = self.bits.shape

    @staticmethod
    def from_float(values):
        """Round float32 values to bfloat16, to nearest even (as torch's .to(bfloat16))."""
        x = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
        rounded = (x + 0x7FFF + ((x >> 16) & 1)) >> 16
        return Bf16(rounded.astype(np.uint16))

    def to_float(self):
        return (self.bits.astype(np.uint32) << 16).view(np.float32)


def to_bytes(array):
    """(safetensors dtype, shape, raw little-endian bytes) of a tensor."""
    if isinstance(array, Bf16):
        return "BF16", list(array.shape), array.bits.astype("<u2").tobytes()
    array = np.ascontiguousarray(array)
    return SAFETENSORS_DTYPES[array.dtype], list(array.shape), array.astype(
        array.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None, dtype_override=None):
    """Write ``tensors`` ({name: array or Bf16}) in the safetensors format.

    ``dtype_override`` ({name: dtype string}) writes a wrong dtype name into
    the header for the error tests (the bytes stay as they are).
    """
    header = {"__metadata__": metadata or {"format": "pt"}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        dtype, shape, raw = to_bytes(tensors[name])
        if dtype_override and name in dtype_override:
            dtype = dtype_override[name]
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_safetensors(path):
    """{name: (dtype string, shape, raw bytes)} of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = (entry["dtype"], tuple(entry["shape"]), body[begin:end])
    return out


def pack_ternary(codes):
    """uint8 [out/4, in] of ternary [out, in] in transformers' layout:
    byte (i, k) holds rows i, P+i, 2P+i, 3P+i (P = out/4), two bits each from
    the low bits up, as w + 1."""
    out_features = codes.shape[0]
    assert out_features % 4 == 0, "packed projections need out_features % 4 == 0"
    planes = (codes.astype(np.int16) + 1).astype(np.uint8).reshape(4, out_features // 4, -1)
    packed = np.zeros(planes.shape[1:], dtype=np.uint8)
    for j in range(4):
        packed |= planes[j] << (2 * j)
    return packed


def unpack_ternary(packed):
    """Ternary int8 [4P, in] of a packed uint8 [P, in] (the inverse of pack_ternary)."""
    return np.concatenate([((packed >> (2 * j)) & 3).astype(np.int8) - 1 for j in range(4)])


#: microsoft/bitnet-b1.58-2B-4T's sizes (its config.json), for --preset 2b4t.
SIZES_2B4T = {"hidden_size": 2560, "intermediate_size": 6912, "num_hidden_layers": 30,
              "num_attention_heads": 20, "num_key_value_heads": 5, "vocab_size": 128256,
              "max_position_embeddings": 4096, "bos_token_id": 128000, "eos_token_id": 128001}


def base_config(variant, layers):
    """config.json of a tiny model with the keys of the published 2B-4T config."""
    heads, kv_heads = {"mha": (3, 3), "gqa": (6, 2)}.get(variant, (3, 1))
    quantization = {"quant_method": "bitnet", "linear_class": "autobitlinear",
                    "quantization_mode": "offline"}
    if variant == "bf16":
        quantization["quantization_mode"] = "online"
    if variant == "bitlinear":
        quantization["linear_class"] = "bitlinear"
    return {
        "architectures": ["BitNetForCausalLM"],
        "attention_bias": False,
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "relu2",
        "hidden_size": 96,
        "initializer_range": 0.02,
        "intermediate_size": 200,
        "max_position_embeddings": 64,
        "model_type": "bitnet",
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "num_key_value_heads": kv_heads,
        "rms_norm_eps": 1e-05,
        "rope_scaling": None,
        "rope_theta": 500000.0,
        "tie_word_embeddings": variant != "untied",
        "torch_dtype": "bfloat16",
        "transformers_version": "4.52.0.dev0",
        "use_cache": True,
        "vocab_size": 300,
        "quantization_config": quantization,
    }


def projection_shapes(config):
    """{projection: (out_features, in_features)}."""
    hidden, inter = config["hidden_size"], config["intermediate_size"]
    head_dim = hidden // config["num_attention_heads"]
    q_out = config["num_attention_heads"] * head_dim
    kv_out = config["num_key_value_heads"] * head_dim
    return {"self_attn.q_proj": (q_out, hidden), "self_attn.k_proj": (kv_out, hidden),
            "self_attn.v_proj": (kv_out, hidden), "self_attn.o_proj": (hidden, q_out),
            "mlp.gate_proj": (inter, hidden), "mlp.up_proj": (inter, hidden),
            "mlp.down_proj": (hidden, inter)}


def make_tensors(config, rng):
    """The state dict of a random, trained-looking model: ternary codes with
    a third zeros, weight scales 0.5-2.0, RMSNorm gains 1 +- 0.2, embedding
    rows of unit scale / sqrt(hidden), so that logits are a few units."""
    hidden, vocab = config["hidden_size"], config["vocab_size"]
    quant = config["quantization_config"]
    online = quant["quantization_mode"] == "online"
    divide = quant["linear_class"] == "bitlinear"
    tensors = {}

    def gain(n):
        return Bf16.from_float(1.0 + 0.2 * rng.uniform(-1, 1, n))

    def rows(n):  # float32 draws: the 2B-4T embedding is 328M values
        return rng.standard_normal((n, hidden), dtype=np.float32) * np.float32(2 / np.sqrt(hidden))

    tensors["model.embed_tokens.weight"] = Bf16.from_float(rows(vocab))
    tensors["model.norm.weight"] = gain(hidden)
    for layer in range(config["num_hidden_layers"]):
        prefix = f"model.layers.{layer}."
        tensors[prefix + "input_layernorm.weight"] = gain(hidden)
        tensors[prefix + "post_attention_layernorm.weight"] = gain(hidden)
        tensors[prefix + "self_attn.attn_sub_norm.weight"] = gain(hidden)
        tensors[prefix + "mlp.ffn_sub_norm.weight"] = gain(config["intermediate_size"])
        for name, (out_features, in_features) in projection_shapes(config).items():
            # The scale keeps each sum near unit size: K/3 non-zero weights.
            magnitude = rng.uniform(0.5, 2.0) / np.sqrt(in_features)
            key = prefix + name + ".weight"
            if online:
                # Master weights: absmean quantization gives a third zeros.
                latent = rng.standard_normal((out_features, in_features)) * magnitude
                tensors[key] = Bf16.from_float(latent)
                continue
            codes = rng.integers(-1, 2, size=(out_features, in_features), dtype=np.int8)
            tensors[key] = pack_ternary(codes)
            scale = 1.0 / magnitude if divide else magnitude
            tensors[prefix + name + ".weight_scale"] = Bf16.from_float([scale])
    if not config["tie_word_embeddings"]:
        tensors["lm_head.weight"] = Bf16.from_float(rows(vocab))
    return tensors


VARIANTS = ("tied", "untied", "bf16", "bitlinear", "mha", "gqa", "sharded")

# Ways to damage a checkpoint, each tested for its message (errors.test).
BREAKS = (
    "no-config", "no-weights", "config-not-json", "hidden-act", "quant-method",
    "linear-class", "unknown-key", "missing-key", "key-type", "rope-scaling",
    "attention-bias", "use-rms-norm", "missing-tensor", "extra-tensor",
    "wrong-dtype", "wrong-shape", "scale-shape", "truncated", "bad-header",
    "header-length", "offsets", "bf16-with-scale", "packed-online",
    "index-missing-shard", "index-wrong-file", "heads-mismatch", "code-3",
    "master-offline", "no-lm-head",
)


#: The variant each break damages (default: tied).
BREAK_VARIANTS = {"bf16-with-scale": "bf16", "master-offline": "bf16", "no-lm-head": "untied",
                  "index-missing-shard": "sharded", "index-wrong-file": "sharded"}


def apply_break(out, kind, config, tensors):
    """Damage (config, tensors) or the files in ``out`` as ``kind`` says;
    returns the dtype overrides for the safetensors header."""
    first = "model.layers.0.self_attn.q_proj"
    overrides = {}
    if kind == "hidden-act":
        config["hidden_act"] = "silu"
    elif kind == "quant-method":
        config["quantization_config"]["quant_method"] = "gptq"
    elif kind == "linear-class":
        config["quantization_config"]["linear_class"] = "fancylinear"
    elif kind == "unknown-key":
        config["sliding_window"] = 4096
    elif kind == "missing-key":
        del config["num_key_value_heads"]
    elif kind == "key-type":
        config["hidden_size"] = "96"
    elif kind == "rope-scaling":
        config["rope_scaling"] = {"rope_type": "linear", "factor": 2.0}
    elif kind == "attention-bias":
        config["attention_bias"] = True
    elif kind == "use-rms-norm":
        config["quantization_config"]["use_rms_norm"] = True
    elif kind == "heads-mismatch":
        config["num_key_value_heads"] = 2
    elif kind == "missing-tensor":
        del tensors["model.layers.1.mlp.down_proj.weight_scale"]
    elif kind == "extra-tensor":
        tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = np.zeros(16, np.float32)
    elif kind == "wrong-dtype":
        overrides[first + ".weight"] = "I8"
    elif kind == "wrong-shape":
        tensors[first + ".weight"] = np.zeros((96, 96), np.uint8)
    elif kind == "scale-shape":
        tensors[first + ".weight_scale"] = Bf16.from_float([1.0, 2.0])
    elif kind == "bf16-with-scale":
        tensors[first + ".weight_scale"] = Bf16.from_float([1.0])
    elif kind == "packed-online":
        config["quantization_config"]["quantization_mode"] = "online"
    elif kind == "master-offline":
        config["quantization_config"]["quantization_mode"] = "offline"
    elif kind == "code-3":
        tensors[first + ".weight"][0, 1] |= 3 << 4
    elif kind == "no-lm-head":
        del tensors["lm_head.weight"]
    return overrides


def damage_files(out, kind):
    """Breaks applied to the written files."""
    weights = os.path.join(out, "model.safetensors")
    if kind == "no-config":
        os.remove(os.path.join(out, "config.json"))
    elif kind == "no-weights":
        os.remove(weights)
    elif kind == "config-not-json":
        with open(os.path.join(out, "config.json"), "w") as f:
            f.write('{"hidden_size": 96,\n "vocab_size": }\n')
    elif kind == "truncated":
        size = os.path.getsize(weights)
        with open(weights, "r+b") as f:
            f.truncate(size - 100)
    elif kind == "bad-header":
        with open(weights, "r+b") as f:
            f.seek(8)
            f.write(b"[")
    elif kind == "header-length":
        with open(weights, "r+b") as f:
            f.write(struct.pack("<Q", 1 << 40))
    elif kind == "offsets":
        with open(weights, "rb") as f:
            data = f.read()
        (length,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + length])
        entry = header["model.layers.0.self_attn.k_proj.weight"]
        entry["data_offsets"][1] += 1
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(weights, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + data[8 + length:])


def write_sharded(out, tensors, kind):
    """Two shards (layer 0 and the rest) and model.safetensors.index.json."""
    shards = {"model-00001-of-00002.safetensors": {}, "model-00002-of-00002.safetensors": {}}
    weight_map = {}
    for name, value in tensors.items():
        shard = ("model-00001-of-00002.safetensors" if name.startswith("model.layers.0.")
                 else "model-00002-of-00002.safetensors")
        shards[shard][name] = value
        weight_map[name] = shard
    for shard, part in shards.items():
        write_safetensors(os.path.join(out, shard), part)
    if kind == "index-missing-shard":
        os.remove(os.path.join(out, "model-00002-of-00002.safetensors"))
    if kind == "index-wrong-file":
        weight_map["model.norm.weight"] = "model-00001-of-00002.safetensors"
    total = sum(len(to_bytes(v)[2]) for v in tensors.values())
    with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


def write_checkpoint(out, variant="tied", seed=0, layers=2, kind=None, preset="tiny"):
    os.makedirs(out, exist_ok=True)
    config = base_config(variant, layers)
    if preset == "2b4t":
        config.update(SIZES_2B4T)
    rng = np.random.default_rng(seed)
    tensors = make_tensors(config, rng)
    overrides = apply_break(out, kind, config, tensors) if kind else {}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    if variant == "sharded":
        write_sharded(out, tensors, kind)
    else:
        write_safetensors(os.path.join(out, "model.safetensors"), tensors,
                          dtype_override=overrides)
    if kind:
        damage_files(out, kind)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="checkpoint directory to write")
    p.add_argument("--variant", default="tied", choices=VARIANTS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--preset", choices=("tiny", "2b4t"), default="tiny",
                   help="2b4t: the published sizes (30 layers, vocab 128256; ~1.2 GB)")
    p.add_argument("--break", dest="kind", choices=BREAKS, default=None)
    p.add_argument("--all-breaks", action="store_true",
                   help="write OUT/<kind> for every break kind instead (one process)")
    args = p.parse_args(argv)
    if args.all_breaks:
        for kind in BREAKS:
            write_checkpoint(os.path.join(args.out, kind), BREAK_VARIANTS.get(kind, "tied"),
                             args.seed, args.layers, kind)
        return 0
    write_checkpoint(args.out, args.variant, args.seed, args.layers, args.kind, args.preset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
