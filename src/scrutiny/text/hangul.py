"""Hangul to Latin: names syllable by syllable (DPRK list style, Revised Romanization), words whole.

Personal names are romanised one syllable at a time, as the lists and passports do (Kim Jong Un,
Kim Jeong-eun): the sound changes between syllables that whole-word romanisers apply (ko_pron
gives "kimjŏngŭn") are not used for names. The per-jamo tables are in data/text_korean_jamo.tsv,
written from the official McCune-Reischauer and Revised Romanization tables, because no library
romanises syllable by syllable with the North's list conventions. Words that are not names
(companies, places) go through ko_pron, which implements MR and RR with their sound changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

_BASE = 0xAC00
_LAST = 0xD7A3


def is_hangul_syllable(ch: str) -> bool:
    """True for a precomposed Hangul syllable (가 … 힣)."""
    return _BASE <= ord(ch) <= _LAST


def _rows(name: str) -> list[list[str]]:
    raw = files("scrutiny.data").joinpath(name).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")]
    return rows[1:]


@cache
def _jamo() -> dict[str, dict[str, list[str]]]:
    """system → kind → romanisations by jamo index."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind, index, _jamo_char, mr, dprk, rr in _rows("text_korean_jamo.tsv"):
        for system, value in (("mr", mr), ("dprk", dprk), ("rr", rr)):
            table = out.setdefault(system, {}).setdefault(kind, [])
            if int(index) != len(table):
                raise ValueError(f"text_korean_jamo.tsv: {kind} {index} out of order")
            table.append(value)
    return out


@dataclass(frozen=True, slots=True)
class Surname:
    """A Korean surname and its customary spellings."""

    hangul: tuple[str, ...]
    hanja: str
    dprk: str
    rr_conventional: str
    rr: str


@cache
def surnames() -> dict[str, Surname]:
    """Hangul surname (North and South forms) → :class:`Surname`."""
    table: dict[str, Surname] = {}
    for hangul, hanja, dprk, conventional, rr in _rows("text_korean_surnames.tsv"):
        entry = Surname(tuple(hangul.split("|")), hanja, dprk, conventional, rr)
        for form in entry.hangul:
            table.setdefault(form, entry)
    return table


@cache
def surnames_by_hanja() -> dict[str, Surname]:
    """Han surname → :class:`Surname` (金 → 김, read Kim, not the word reading 금)."""
    return {entry.hanja: entry for entry in surnames().values()}


@lru_cache(maxsize=1 << 14)
def romanize_syllable(ch: str, system: str) -> str:
    """One Hangul syllable in ``system`` ("dprk", "rr" or "mr"), as at the start of a word."""
    code = ord(ch) - _BASE
    if not 0 <= code <= _LAST - _BASE:
        return ch
    tables = _jamo()[system]
    initial, rest = divmod(code, 21 * 28)
    medial, final = divmod(rest, 28)
    return tables["initial"][initial] + tables["medial"][medial] + tables["final"][final]


def split_name(word: str) -> tuple[str, str] | None:
    """(surname, given name) when ``word`` reads as a Korean personal name, else None."""
    if not 2 <= len(word) <= 5 or not all(is_hangul_syllable(ch) for ch in word):
        return None
    table = surnames()
    if len(word) >= 3 and word[:2] in table:
        return word[:2], word[2:]
    if word[0] in table and len(word) <= 4:
        return word[0], word[1:]
    if len(word) == 3:
        # Three syllables are a one-syllable surname and a two-syllable given name, the
        # shape of nearly every Korean name, even where the surname is not in our table
        # (촤찬일 on the EU list, whose 촤 is no common surname): read whole, the name was one
        # word, which as a one-word name scored too low to match itself (0.455).
        return word[0], word[1:]
    return None


def _given(given: str, system: str) -> list[str]:
    return [romanize_syllable(ch, system).capitalize() for ch in given]


@lru_cache(maxsize=1 << 14)
def name_forms(surname: str, given: str) -> tuple[str, ...]:
    """Latin forms of a Korean personal name: DPRK list style, conventional and strict RR."""
    entry = surnames().get(surname)
    if entry is None:
        dprk_sur = "".join(romanize_syllable(ch, "dprk") for ch in surname).capitalize()
        rr_sur = "".join(romanize_syllable(ch, "rr") for ch in surname).capitalize()
        conv_sur = rr_sur
    else:
        dprk_sur, conv_sur, rr_sur = entry.dprk, entry.rr_conventional, entry.rr
    forms = [
        " ".join([dprk_sur, *_given(given, "dprk")]),
        " ".join([conv_sur, *_given(given, "rr")]),
        " ".join([rr_sur, *_given(given, "rr")]),
    ]
    return tuple(dict.fromkeys(forms))


def _strip_marks(text: str) -> str:
    return (
        text.replace("ŏ", "o")
        .replace("ŭ", "u")
        .replace("Ŏ", "O")
        .replace("Ŭ", "U")
        .replace("'", "")
        .replace("-", "")
    )


@lru_cache(maxsize=1 << 14)
def word_forms(word: str) -> tuple[str, ...]:
    """Whole-word MR (breves dropped) and RR of a Hangul word that is not a personal name."""
    forms: list[str] = []
    try:
        from ko_pron import romanise

        for system in ("mr", "rr"):
            forms.append(_strip_marks(romanise(word, system)).capitalize())
    except Exception:  # ko_pron raises bare exceptions on unusual input; fall back below.
        forms = []
    forms.append("".join(romanize_syllable(ch, "dprk") for ch in word).capitalize())
    return tuple(dict.fromkeys(f for f in forms if f))


def hangul_forms(text: str) -> list[str]:
    """Latin forms of a Hangul text: names as names, other words whole, at most a few forms."""
    words = text.split()
    if not words:
        return []
    if len(words) == 1:
        parts = split_name(words[0])
        if parts:
            return list(name_forms(*parts))
    elif len(words) == 2 and words[0] in surnames() and len(words[1]) <= 3:
        return list(name_forms(words[0], words[1]))
    per_word = [word_forms(w) for w in words]
    width = max(len(f) for f in per_word)
    return list(
        dict.fromkeys(" ".join(f[min(i, len(f) - 1)] for f in per_word) for i in range(width))
    )
