"""The text functions matching uses, in one place, each cached by its input.

Matching calls the same few text functions for hundreds of thousands of names and tokens at
index build time and for every query; caching them here (by token or by name) is what keeps
both fast, because list names repeat tokens heavily. While a text module is still missing the
adapter falls back to a deliberately small private version so matching keeps working.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):  # pragma: no cover - until the module exists
        return None
    return found


_fold = _optional("scrutiny.text.normalize", "fold")
_tokenize_name = _optional("scrutiny.text.normalize", "tokenize_name")
_detect_script = _optional("scrutiny.text.normalize", "detect_script")
_latin_forms = _optional("scrutiny.text.translit", "latin_forms")
_korean_key = _optional("scrutiny.text.korean", "korean_key")
_split_legal_forms = _optional("scrutiny.text.orgforms", "split_legal_forms")
_phonetic_key = _optional("scrutiny.text.phonetic", "phonetic_key")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_FALLBACK_LEGAL = frozenset(
    [
        "co",
        "ltd",
        "llc",
        "inc",
        "corp",
        "corporation",
        "company",
        "limited",
        "jsc",
        "ojsc",
        "pjsc",
        "ooo",
        "zao",
        "oao",
        "gmbh",
        "ag",
        "sa",
        "sarl",
        "plc",
        "llp",
        "lp",
        "bv",
        "nv",
        "srl",
        "spa",
        "trading",
        "group",
        "holding",
        "holdings",
    ]
)


def fold(text: str) -> str:
    """Case-folded, NFKC-normalised text."""
    if _fold is not None:
        return str(_fold(text))
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=200_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Name tokens of `text`, folded."""
    if _tokenize_name is not None:
        return tuple(t for t in _tokenize_name(text) if t)
    return tuple(t for t in _NON_WORD.split(fold(text).replace("'", "")) if t and t != "_")


@lru_cache(maxsize=200_000)
def script(text: str) -> str:
    """ISO 15924 code of the dominant script (Latn, Hang, Hani, Cyrl, Arab, ...)."""
    if _detect_script is not None:
        return str(_detect_script(text))
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith("HANGUL"):
                return "Hang"
            if name.startswith("CJK"):
                return "Hani"
            if name.startswith("CYRILLIC"):
                return "Cyrl"
            if name.startswith("ARABIC"):
                return "Arab"
            if not name.startswith("LATIN"):
                return "Zyyy"
    return "Latn"


@lru_cache(maxsize=100_000)
def latin_forms(text: str) -> tuple[str, ...]:
    """Latin renderings of a name in another script (empty for Latin names)."""
    if _latin_forms is not None:
        return tuple(_latin_forms(text))
    from anyascii import anyascii

    return (anyascii(text),)


@lru_cache(maxsize=200_000)
def korean_key(tokens: tuple[str, ...]) -> str | None:
    """Spelling-independent key of a romanised Korean name, None if it is not one."""
    if _korean_key is not None:
        key = _korean_key(list(tokens))
        return str(key) if key else None
    return None


@lru_cache(maxsize=200_000)
def split_legal(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(core tokens, legal-form tokens)."""
    if _split_legal_forms is not None:
        core, legal = _split_legal_forms(list(tokens))
        return tuple(core), tuple(legal)
    core = tuple(t for t in tokens if t not in _FALLBACK_LEGAL)
    legal = tuple(t for t in tokens if t in _FALLBACK_LEGAL)
    return core, legal


@lru_cache(maxsize=300_000)
def phonetic(token: str) -> str:
    """Phonetic key of one token ('' when the token has none)."""
    if _phonetic_key is not None:
        return str(_phonetic_key(token) or "")
    if not token.isalpha() or not token.isascii():
        return ""
    skeleton = token[0] + re.sub(r"[aeiouyhw]", "", token[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton)
