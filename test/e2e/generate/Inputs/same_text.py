#!/usr/bin/python3
"""Compare bitnet-generate's text output with the ids it generated, decoded.

    same_text.py TEXT.txt DECODED.txt [--multibyte]

TEXT.txt: bitnet-generate --prompt's stdout (each line's text, then a
newline); DECODED.txt: bitnet-tokenize --decode --each-line of its
--prompt-ids output for the same prompts. They must be byte-identical: the
text streamed piece by piece is the decode of the whole id list. With
--multibyte, the text must also hold a character of two or more bytes other
than U+FFFD: with the tiny tokenizer of tiny_tokenizer.py, whose ids are
single bytes or ASCII merges, such a character was cut between ids, so the
streaming had to hold its first bytes back.
"""

import sys

with open(sys.argv[1], "rb") as f:
    text = f.read()
with open(sys.argv[2], "rb") as f:
    decoded = f.read()
if text != decoded:
    sys.exit(f"streamed text differs from the decoded ids:\n{text!r}\n{decoded!r}")
if "--multibyte" in sys.argv:
    chars = [c for c in text.decode("utf-8") if ord(c) > 127 and c != "\ufffd"]
    if not chars:
        sys.exit(f"no multi-byte character in {text!r}")
    print(f"same text; {len(chars)} characters cut between ids: {''.join(chars)!r}")
else:
    print("same text")
