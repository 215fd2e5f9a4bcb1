"""Writes a copy of a tokenizer.json with some top-level or model fields
replaced, for tests that run a variant of the real Llama 3 file.

usage: variant.py IN OUT PATH=JSON...   (PATH: "post_processor",
                                          "model.ignore_merges", ...)
"""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    tokenizer = json.load(f)
for assignment in sys.argv[3:]:
    path, value = assignment.split("=", 1)
    keys = path.split(".")
    target = tokenizer
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = json.loads(value)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(tokenizer, f, ensure_ascii=False)
