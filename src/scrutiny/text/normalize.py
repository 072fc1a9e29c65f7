"""Name text normalisation: folding, tokenising, titles, name order, former names, scripts.

Every function here runs on every list name at index build and on every query, so results are
cached (``functools.lru_cache``) and the per-call work is a few ``str`` methods and one regex.

Input length: names longer than :data:`MAX_NAME_CHARS` characters are cut to that length before
any processing (a sanctions name is never that long; an absurd input must not cost seconds).
The functions here cut silently; a caller that must tell the user calls :func:`cap_length`,
which returns the cut text and whether it was cut.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

MAX_NAME_CHARS = 512
"""Longest name text processed; longer input is cut to this many characters."""

# Combining marks that are diacritics on Latin, Greek or Cyrillic letters, Arabic harakat and
# Hebrew points. Marks of Indic, Thai and other scripts are letters' vowels, so they stay.
_DIACRITIC_RANGES = (
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x0591, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)

# Letters that carry no decomposition but have a customary ASCII spelling in names.
_LETTER_FOLDS = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "æ": "ae",
    "œ": "oe",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŀ": "l",
}

# Apostrophes and similar marks join the letters around them (O'Brien, Ch'oe, Mu'ammar)
# instead of splitting a name into two tokens.
_JOINERS = "'’‘`´ʼʻʹ′"

_SPACES = re.compile(r"\s+")
_COMMA_NAME = re.compile(r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$")

_FORMER_MARKER = re.compile(
    r"\(\s*ex(?:[-.‐–]|\s)\s*"
    r"|\s+ex[-.‐–]\s*"
    r"|[\s(,;]+f\.?\s?k\.?\s?a\.?\s+"
    r"|[\s(,;]+(?:formerly|previously)(?:\s+known\s+as)?\s*:?\s+",
    re.IGNORECASE,
)


@cache
def _fold_table() -> dict[int, str | None]:
    """str.translate table: diacritics removed, punctuation and symbols to space, joiners removed.

    Built once over the Basic Multilingual Plane (the astral planes hold no punctuation that
    names use; they pass through unchanged).
    """
    table: dict[int, str | None] = {}
    for low, high in _DIACRITIC_RANGES:
        for cp in range(low, high + 1):
            table[cp] = None
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "PSZ" or cat == "Cc" or cat == "Cf":
            table[cp] = " "
    for ch in _JOINERS:
        table[ord(ch)] = None
    for src, dst in _LETTER_FOLDS.items():
        table[ord(src)] = dst
    return table


def cap_length(text: str) -> tuple[str, bool]:
    """Cut ``text`` to :data:`MAX_NAME_CHARS`; return the text and whether it was cut."""
    if len(text) <= MAX_NAME_CHARS:
        return text, False
    return text[:MAX_NAME_CHARS], True


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Fold a name for comparison: NFKC, case folding, no diacritics, punctuation as spaces.

    ``"Kim Jŏng-ŭn"`` → ``"kim jong un"``; ``"Ch'oe"`` → ``"choe"``. Hangul syllables, Han
    characters and the vowel signs of Indic and Thai scripts are kept as they are.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_NAME_CHARS]).casefold()
    if not text.isascii():
        # NFD splits letters from their accents; NFC afterwards re-composes Hangul syllables.
        text = unicodedata.normalize(
            "NFC", unicodedata.normalize("NFD", text).translate(_fold_table())
        )
    else:
        text = text.translate(_fold_table())
    return " ".join(text.split())


@lru_cache(maxsize=1 << 16)
def fold_keep_marks(text: str) -> str:
    """Like :func:`fold` but keeps diacritics (``"Kim Jŏng-ŭn"`` → ``"kim jŏng ŭn"``)."""
    text = unicodedata.normalize("NFKC", text[:MAX_NAME_CHARS]).casefold()
    return " ".join(text.translate(_punct_table()).split())


@cache
def _punct_table() -> dict[int, str | None]:
    """The part of :func:`_fold_table` that only touches punctuation, spaces and joiners."""
    return {cp: v for cp, v in _fold_table().items() if v == " " or cp in _JOINER_CODES}


_JOINER_CODES = frozenset(ord(ch) for ch in _JOINERS)


@cache
def _honorifics() -> tuple[frozenset[str], frozenset[str]]:
    """(prefix titles, suffix titles), folded."""
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    raw = files("scrutiny.data").joinpath("text_honorifics.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines()[1:]:
        if not line or line.startswith("#") or line.startswith("token\t"):
            continue
        token, position, _kind = line.split("\t")
        token = fold(token).replace(" ", "")
        if position in ("prefix", "any"):
            prefixes.add(token)
        if position in ("suffix", "any"):
            suffixes.add(token)
    return frozenset(prefixes), frozenset(suffixes)


@cache
def _vessel_prefixes() -> frozenset[str]:
    raw = files("scrutiny.data").joinpath("text_vessel_prefixes.tsv").read_text(encoding="utf-8")
    return frozenset(
        line.split("\t")[0]
        for line in raw.splitlines()
        if line and not line.startswith("#") and not line.startswith("prefix\t")
    )


@cache
def _cjk_suffix_titles() -> tuple[str, ...]:
    """Honorifics written without a space after a CJK or Hangul name, longest first."""
    _, suffixes = _honorifics()
    cjk = [s for s in suffixes if not s.isascii()]
    return tuple(sorted(cjk, key=len, reverse=True))


_VESSEL_RE = re.compile(r"^\s*([a-z]{1,3})\s*[/.]\s*([a-z])\.?\s+", re.IGNORECASE)


def _strip_vessel_prefix(text: str) -> str:
    """Drop M/V, M.V., MV, M/T, SS ... at the start when a name follows."""
    match = _VESSEL_RE.match(text)
    if match and (match.group(1) + match.group(2)).lower() in _vessel_prefixes():
        return text[match.end() :]
    head, _, rest = text.strip().partition(" ")
    if rest and head.rstrip(".").replace(".", "").lower() in _vessel_prefixes():
        return rest
    return text


def split_former_names(text: str) -> tuple[str, list[str]]:
    """Split ``"NAME (ex-OLD)"``, ``"NAME f.k.a. OLD"``, ``"NAME formerly OLD"`` into name and olds.

    A marker at the very start is part of the name (``"EX-CLE SOLUCIONES"`` is a company), so
    only markers after some text count. Returns the text unchanged and ``[]`` when there is none.
    """
    text = text[:MAX_NAME_CHARS]
    parts = _FORMER_MARKER.split(text)
    if len(parts) == 1:
        return text, []
    name = parts[0].strip(" ,;(")
    formers = [p.strip(" ,;()") for p in parts[1:]]
    formers = [f for f in formers if f]
    if not name:
        return text, []
    return name, formers


@lru_cache(maxsize=1 << 18)
def _tokenize(text: str) -> tuple[str, ...]:
    text = _strip_vessel_prefix(text)
    # "KIM, Jong Un" and "SMITH, John": the comma marks the surname; it is dropped and the order
    # kept (surname first), which is how Korean and Chinese names are written anyway. Matching
    # compares tokens regardless of order, so Western inversion needs no reordering here.
    prefixes, suffixes = _honorifics()
    match = _COMMA_NAME.match(text)
    if match:
        # A title heads the given names after the comma ("TAYSIR, Hajji" is Hajji TAYSIR):
        # it is dropped there as it is from the front of "Hajji TAYSIR".
        surname, given = fold(match.group(1)).split(), fold(match.group(2)).split()
        while given and len(surname) + len(given) > 1 and given[0] in prefixes:
            given.pop(0)
        tokens = surname + given
    else:
        tokens = fold(text).split()
    if not tokens:
        return ()
    while len(tokens) > 1 and tokens[0] in prefixes:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in suffixes:
        tokens.pop()
    if tokens and not tokens[-1].isascii():
        last = tokens[-1]
        for title in _cjk_suffix_titles():
            if last.endswith(title) and len(last) > len(title):
                tokens[-1] = last[: -len(title)]
                break
    return tuple(tokens)


def tokenize_name(text: str) -> list[str]:
    """Folded name tokens, without titles, vessel prefixes, former names or punctuation.

    ``"KIM, Jong-un"`` → ``["kim", "jong", "un"]``; ``"M/V Hong Kong (ex-Bo Tai)"`` →
    ``["hong", "kong"]`` (use :func:`split_former_names` to index the former names too).
    Input is cut at :data:`MAX_NAME_CHARS` characters.
    """
    return list(_tokens_of_name(text))


@lru_cache(maxsize=1 << 18)
def _tokens_of_name(text: str) -> tuple[str, ...]:
    name, _ = split_former_names(text)
    return _tokenize(name)


@cache
def _script_prefixes() -> tuple[tuple[str, str], ...]:
    raw = files("scrutiny.data").joinpath("text_scripts.tsv").read_text(encoding="utf-8")
    rows = []
    for line in raw.splitlines():
        if not line or line.startswith("#") or line.startswith("prefix\t"):
            continue
        prefix, code = line.split("\t")
        rows.append((prefix, code))
    return tuple(sorted(rows, key=lambda r: len(r[0]), reverse=True))


@lru_cache(maxsize=1 << 16)
@lru_cache(maxsize=1 << 14)  # names reuse few characters; the Unicode name lookup is not cheap
def char_script(ch: str) -> str:
    """ISO 15924 code of one character: ``"Zyyy"`` for digits, spaces, punctuation."""
    if ch.isascii():
        return "Latn" if ch.isalpha() else "Zyyy"
    if not ch.isalpha() and unicodedata.category(ch)[0] != "M":
        return "Zyyy"
    name = unicodedata.name(ch, "")
    for prefix, code in _script_prefixes():
        if name.startswith(prefix):
            return code
    if name.startswith("COMBINING"):
        return "Zinh"
    return "Zzzz"


@lru_cache(maxsize=1 << 16)
def detect_script(text: str) -> str:
    """The dominant ISO 15924 script of ``text`` (``Latn``, ``Hang``, ``Hani``, ``Cyrl`` ...).

    Counts letters per script and returns the most frequent; ties go to the non-Latin script
    (a name that mixes Latin and Hangul needs transliteration). ``"Zyyy"`` when no letter.
    """
    if text.isascii():
        return "Latn" if any(ch.isalpha() for ch in text) else "Zyyy"
    counts: dict[str, int] = {}
    for ch in text[:MAX_NAME_CHARS]:
        code = char_script(ch)
        if code in ("Zyyy", "Zinh"):
            continue
        counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "Zyyy"
    return max(counts, key=lambda code: (counts[code], code != "Latn"))


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin (fast path for ASCII)."""
    if text.isascii():
        return True
    return all(char_script(ch) in ("Latn", "Zyyy", "Zinh") for ch in text)
