#!/usr/bin/python3
"""Write a tiny byte-level BPE tokenizer.json with exactly 300 ids.

Why: the tiny checkpoints of test/e2e/hf have a 300-row embedding, and
bitnet-generate's text mode needs a tokenizer whose ids they cover. The file
has the components of the Llama 3 / 2B-4T tokenizer.json (ByteLevel
pre-tokenizer and decoder, BPE, a TemplateProcessing post-processor that puts
<|begin_of_text|> first, added special tokens), scaled down:

* ids 0..255: the 256 bytes, id = byte value, spelled with GPT-2's
  bytes-to-unicode table (printable Latin-1 bytes stand for themselves, the
  others for U+0100 onwards, in byte order);
* ids 256..296: 41 merges of frequent English pairs;
* 297 <|begin_of_text|>, 298 <|end_of_text|>, 299 <|eot_id|> (special).

Random models generate arbitrary bytes, so decoded output is often not valid
UTF-8 between ids: what the streaming test needs.

    tiny_tokenizer.py OUT.json
"""

import json
import sys


def bytes_to_unicode():
    """GPT-2's byte-level alphabet: {byte: one-character string}."""
    printable = list(range(ord("!"), ord("~") + 1)) + \
        list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


#: The merges, in rank order; each joins two tokens already in the vocabulary.
MERGES = [("Ġ", "t"), ("h", "e"), ("i", "n"), ("Ġ", "a"), ("e", "r"), ("o", "n"),
          ("Ġt", "he"), ("r", "e"), ("Ġ", "s"), ("Ġ", "w"), ("a", "t"), ("e", "n"),
          ("Ġ", "c"), ("o", "r"), ("i", "s"), ("Ġ", "o"), ("e", "s"), ("Ġ", "b"),
          ("e", "d"), ("Ġ", "f"), ("in", "g"), ("Ġ", "p"), ("o", "u"), ("a", "n"),
          ("Ġ", "m"), ("a", "l"), ("a", "r"), ("Ġ", "d"), ("i", "t"), ("Ġ", "h"),
          ("l", "e"), ("Ġ", "i"), ("Ġo", "f"), ("Ġa", "n"), ("Ġan", "d"),
          ("i", "c"), ("Ġ", "l"), ("Ġ", "n"), ("Ġt", "o"), ("s", "t"), ("Ġi", "n")]
ADDED = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]


def tokenizer_json():
    alphabet = bytes_to_unicode()
    vocab = {alphabet[b]: b for b in range(256)}
    for left, right in MERGES:
        assert left in vocab and right in vocab, (left, right)
        vocab[left + right] = len(vocab)
    assert len(vocab) == 297, len(vocab)
    added = [{"id": 297 + i, "content": text, "single_word": False, "lstrip": False,
              "rstrip": False, "normalized": False, "special": True}
             for i, text in enumerate(ADDED)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False,
                          "trim_offsets": True, "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>",
                                                     "ids": [297],
                                                     "tokens": ["<|begin_of_text|>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True,
                    "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None,
                  "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in MERGES]},
    }


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    with open(argv[1], "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
