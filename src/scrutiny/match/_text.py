"""The text functions matching uses, in one place, each cached by its input.

Matching calls the same few text functions for hundreds of thousands of names and tokens at
index build time and for every query; caching them here (by token or by name) is what keeps
both fast, because list names repeat tokens heavily.
"""

from __future__ import annotations

from functools import lru_cache

from scrutiny.text.korean import korean_key as _korean_key
from scrutiny.text.normalize import detect_script, tokenize_name
from scrutiny.text.orgforms import split_legal_forms
from scrutiny.text.phonetic import phonetic_key
from scrutiny.text.translit import latin_forms as _latin_forms


@lru_cache(maxsize=200_000)
def tokenize(text: str) -> tuple[str, ...]:
    """Name tokens of `text`, folded."""
    return tuple(t for t in tokenize_name(text) if t)


@lru_cache(maxsize=200_000)
def script(text: str) -> str:
    """ISO 15924 code of the dominant script (Latn, Hang, Hani, Cyrl, Arab, ...)."""
    return detect_script(text)


@lru_cache(maxsize=100_000)
def latin_forms(text: str) -> tuple[str, ...]:
    """Latin renderings of a name (see `scrutiny.text.translit.latin_forms`)."""
    return tuple(_latin_forms(text))


@lru_cache(maxsize=200_000)
def korean_key(tokens: tuple[str, ...]) -> str | None:
    """Spelling-independent key of a romanised Korean name, None if it is not one."""
    return _korean_key(list(tokens)) or None


@lru_cache(maxsize=200_000)
def split_legal(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(core tokens, legal-form tokens)."""
    core, legal = split_legal_forms(list(tokens))
    return tuple(core), tuple(legal)


@lru_cache(maxsize=300_000)
def phonetic(token: str) -> str:
    """Phonetic key of one token ('' when the token has none)."""
    return phonetic_key(token) or ""
