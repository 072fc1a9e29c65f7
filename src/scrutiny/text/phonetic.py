"""A phonetic key robust to romanisation: Mohammed/Muhammad/Mohamad, Husayn/Hussein, Kim/Gim.

Soundex and Metaphone are tuned to English spelling. Names on sanctions lists are romanised from
Arabic, Korean, Chinese, Russian, Persian ..., where the same sound is spelt many ways and the
voiced/voiceless pair is often not distinguished at all (Korean k/g, p/b, t/d, ch/j; Arabic
q/k/g). So this key is a consonant skeleton over broad classes:

- digraphs first: sh/sch/zh/ch/tch/dj/dzh/j → S or J classes, kh/gh/q/c(hard)/g/k → K,
  ph/f/v/b/p/w-before-vowel → P, th/dh/d/t → T, ts/tz/z/s/x(→KS) → S;
- vowels, h after a consonant, and y/w between vowels are dropped; a leading vowel becomes "A";
- doubled consonants collapse (Mohammed = Mohamed), as do neighbouring equal classes.

``phonetic_key("Mohammed") == phonetic_key("Muhammad") == "MHMT"``;
``phonetic_key("Hussein") == phonetic_key("Husayn") == "HSN"``. Korean-specific variation
(Ri/Lee, Jong/Jeong) is handled by :func:`scrutiny.text.korean.korean_key`, not here.

Trade-off: vowels are ignored, so names that differ only in vowels share a key (Hassan and
Hussein both give HSN). Use the key for candidate retrieval and as one feature, never alone.
"""

from __future__ import annotations

from functools import lru_cache

# Multi-letter spellings, longest first, mapped to a class letter ("" = silent).
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("tch", "J"),
    ("dzh", "J"),
    ("sch", "S"),
    ("shch", "S"),
    ("kh", "K"),
    ("gh", "K"),
    ("ck", "K"),
    ("ch", "J"),
    ("dj", "J"),
    ("zh", "J"),
    ("sh", "S"),
    ("ph", "P"),
    ("th", "T"),
    ("dh", "T"),
    ("ts", "S"),
    ("tz", "S"),
    ("ng", "N"),
)

_DIGRAPHS_BY_FIRST: dict[str, tuple[tuple[str, str], ...]] = {
    first: tuple(sorted((d for d in _DIGRAPHS if d[0][0] == first), key=lambda d: -len(d[0])))
    for first in {graph[0] for graph, _ in _DIGRAPHS}
}

_LETTERS = {
    "b": "P",
    "p": "P",
    "f": "P",
    "v": "P",
    "d": "T",
    "t": "T",
    "g": "K",
    "k": "K",
    "q": "K",
    "c": "K",
    "j": "J",
    "s": "S",
    "z": "S",
    "l": "L",
    "r": "R",
    "m": "M",
    "n": "N",
    "h": "H",
}
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=1 << 17)
def phonetic_key(token: str) -> str:
    """Consonant-class skeleton of one folded token (``"husayn"`` → ``"HSN"``).

    Non-Latin and empty tokens come back unchanged (upper-cased) so that a key never collides
    across scripts by accident. Digits are kept as they are.
    """
    if not token or not token.isascii():
        return token.upper()
    word = token.lower()
    out: list[str] = []
    i, n = 0, len(word)
    if word[0] in _VOWELS and not (word[0] == "y" and n > 1 and word[1] in "aeiou"):
        out.append("A")
    while i < n:
        ch = word[i]
        code = ""
        step = 1
        for graph, cls in _DIGRAPHS_BY_FIRST.get(ch, ()):
            if word.startswith(graph, i):
                code, step = cls, len(graph)
                break
        else:
            if ch in _VOWELS or ch == "w":
                # y/w are glides here (Husayn, Hussein); at the start they carry a sound.
                code = ("Y" if ch == "y" else "P") if i == 0 and ch in "yw" else ""
            elif ch == "c" and i + 1 < n and word[i + 1] in "eiy":
                code = "S"
            elif ch == "x":
                code = "KS"
            elif ch == "h" and i > 0 and word[i - 1] not in _VOWELS:
                code = ""  # an h after a consonant is part of a romanised aspirate
            elif ch.isdigit():
                code = ch
            else:
                code = _LETTERS.get(ch, "")
        if code and not (out and out[-1] == code[0] and i > 0 and _same_run(word, i)):
            out.append(code)
        i += step
    return "".join(out) or token.upper()


def _same_run(word: str, i: int) -> bool:
    """True when no vowel separates position i from the previous consonant (doubled letters)."""
    return word[i - 1] not in _VOWELS
