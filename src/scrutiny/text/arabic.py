"""Consonant skeletons for comparing Arabic-script names with their Latin spellings.

Arabic script leaves short vowels unwritten, so ICU's Any-Latin turns "محمد" into "mhmd", which
no string similarity brings close to "Mohammed", "Muhammad" or "Mohamed". Comparing consonant
skeletons instead works for all of them: both sides drop vowels (and the letters Arabic uses as
vowel carriers), fold the Latin digraphs (kh, sh, th, dh, gh) and the letter classes that Latin
spellings confuse (s/ṣ, t/ṭ, d/ḍ, h/ḥ, k/q) into one class each, drop the article "al-" and
collapse doubled letters. What is lost with the short vowels is lost: Hussein (حسين) and Hassan
share "hsn", Mohammed and Mahmoud share "mhmd", so skeleton equality is evidence to weigh with
the other parts, not proof. The letter table is data/text_arabic_skeleton.tsv. No library does
this: romanisation libraries go from Latin to Arabic or give the same bare consonants as ICU.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

_TABLE = "text_arabic_skeleton.tsv"
# Latin digraphs first (kh -> x before h is dropped or kept), then single letters.
# Their classes are written in capitals here so the single-letter step leaves them alone.
_LATIN_DIGRAPHS = (
    ("kh", "X"),
    ("sh", "C"),
    ("ch", "C"),
    ("th", "T"),
    ("dh", "Z"),
    ("gh", "G"),
    ("ph", "F"),
    ("ou", ""),
    ("ee", ""),
    ("oo", ""),
)
_LATIN_SINGLE = str.maketrans(
    {"q": "k", "c": "k", "g": "j", "p": "b", "x": "ks", "e": "", "a": "", "i": "", "o": "", "u": ""}
    # g is ج in Egyptian and Levantine spellings (Gamal, Gerges); gh (غ) was taken above.
    # w, y and v are what Latin spellings make of waw and ya (v in Persian names), which the
    # Arabic side drops as vowel carriers.
    | {"y": "", "w": "", "v": "", "'": "", "`": ""}
)
_DOUBLE = re.compile(r"(.)\1+")


@cache
def _arabic_table() -> dict[str, str]:
    table: dict[str, str] = {}
    text = files("scrutiny.data").joinpath(_TABLE).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        letter, _, value = line.partition("\t")
        if len(letter) != 1:
            raise ValueError(f"{_TABLE} line {number}: expected one letter, got {letter!r}")
        table[letter] = value.strip()
    return table


def _finish(skeleton: str) -> str:
    skeleton = _DOUBLE.sub(r"\1", skeleton)
    # A final h is ta marbuta or a Latin "-ah" (Sarah, Abdullah): written on one side only.
    return skeleton[:-1] if len(skeleton) > 1 and skeleton.endswith("h") else skeleton


def is_arabic_letter(ch: str) -> bool:
    """True for a letter of the Arabic block that the skeleton table knows."""
    return ch in _arabic_table()


@lru_cache(maxsize=1 << 16)
def arabic_skeleton(word: str) -> str:
    """Consonant skeleton of one Arabic-script word ("الحمزي" -> "hmz", "محمد" -> "mhmd").

    Capitals D, T, Q are letters with two readings; compare with `skeletons_match`.
    """
    table = _arabic_table()
    if word.startswith(("ال", "اَل")) and len(word) > 3:
        word = word[2:]
    # t+h is how Latin writes both ث (Haitham) and ت+ح (Fathi); both skeletons read "t".
    return _finish("".join(table.get(ch, "") for ch in word).replace("th", "t"))


_EITHER = {"D": "[dz]", "T": "[ts]", "Q": "[kg]"}  # letters read two ways (see the table)
_PLAIN = str.maketrans({"D": "d", "T": "t", "Q": "k"})


@lru_cache(maxsize=1 << 16)
def _pattern(skeleton: str) -> re.Pattern[str]:
    return re.compile("".join(_EITHER.get(ch, re.escape(ch)) for ch in skeleton))


def plain_skeleton(skeleton: str) -> str:
    """An Arabic skeleton with each two-way letter read its Arabic way (for fuzzy comparing)."""
    return skeleton.translate(_PLAIN)


def skeletons_match(arabic: str, latin: str) -> bool:
    """True when a Latin skeleton is one reading of an Arabic skeleton ("rDn" ~ "rzn")."""
    return arabic == latin or _pattern(arabic).fullmatch(latin) is not None


@lru_cache(maxsize=1 << 16)
def latin_skeleton(token: str) -> str:
    """Consonant skeleton of one folded Latin name part ("mohammed" -> "mhmd")."""
    # ç is the French spelling of s (Fayçal); other marks are dropped.
    decomposed = unicodedata.normalize("NFKD", token.lower().replace("ç", "s"))
    token = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if token.startswith(("al", "el")) and len(token) > 4 and token[2] not in "aeiou":
        token = token[2:]  # the article written joined: alhamzi, elsayed
    token = _DOUBLE.sub(r"\1", token)
    for digraph, value in _LATIN_DIGRAPHS:
        token = token.replace(digraph, value)
    token = token.translate(_LATIN_SINGLE).lower()
    return _finish(_DOUBLE.sub(r"\1", "".join(ch for ch in token if ch.isalpha())))
