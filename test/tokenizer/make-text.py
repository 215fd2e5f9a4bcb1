"""Writes a deterministic text of about SIZE bytes for the tokenizer tests:
words of many scripts, numbers, code, emoji, added tokens and whitespace runs
drawn with a fixed seed, so that every run tokenizes the same text.

usage: make-text.py SIZE OUT [CORPUS]   (CORPUS lines are mixed in too)
"""
import random
import sys

ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "αβγδεζηθικλμνξοπρστυφχψω", "абвгдежзийклмнопрстуфхцчшщыэюя",
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "あいうえおかきくけこさしすせそアイウエオカキクケコ", "가나다라마바사아자차카타파하",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "אבגדהוזחטיכלמנסעפצקרשת",
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœ", "กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮ",
]
PIECES = [
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "n't",
    "<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>",
    "<|reserved_special_token_17|>", "<|eot_id", "<|", "|>",
    "😀", "👍🏽", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "e\u0301", "\u200b", "\ufeff",
    "()", "{}", "[]", "->", "::", "==", "!=", "&&", "||", "/*", "*/", "#",
    ";", ",", ".", "!", "?", "...", "—", "«", "»", "\"", "`", "$", "%",
]
SPACES = [" ", " ", " ", "  ", "   ", "\t", "\n", "\n\n", " \n", "\r\n",
          "\t\t", "    ", "\u00a0", "\u3000"]


def word(rng):
    kind = rng.random()
    if kind < 0.65:
        letters = rng.choice(ALPHABETS[:2] if rng.random() < 0.6 else ALPHABETS)
        return "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
    if kind < 0.8:
        return str(rng.randint(0, 10 ** rng.randint(1, 9)))
    return rng.choice(PIECES)


def main():
    size, out = int(sys.argv[1]), sys.argv[2]
    corpus = []
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8", newline="") as f:
            corpus = f.read().split("\n")
    rng = random.Random(20240612)
    parts, total = [], 0
    while total < size:
        if corpus and rng.random() < 0.02:
            part = rng.choice(corpus) + "\n"
        else:
            part = word(rng) + (rng.choice(SPACES) if rng.random() < 0.7 else "")
        parts.append(part)
        total += len(part.encode("utf-8"))
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    main()
