"""The text functions matching uses, in one place, each cached by its input.

Matching calls the same few text functions for hundreds of thousands of names and tokens at
index build time and for every query; caching them here (by token or by name) is what keeps
both fast, because list names repeat tokens heavily.
"""

from __future__ import annotations

from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from scrutiny.text.korean import korean_key as _korean_key
from scrutiny.text.normalize import detect_script, tokenize_name
from scrutiny.text.orgforms import one_word_forms, split_legal_forms, token_weight_class
from scrutiny.text.phonetic import phonetic_key
from scrutiny.text.translit import latin_forms as _latin_forms

_MISSPELT_LEGAL_MIN = 7


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
    """(core tokens, legal-form tokens); legal-form words misspelt by one letter count too.

    "Public Joint Stock Compnay" and "LIMIETD LIABILITY COMPANY" are how customer files write
    PJSC and LLC often enough: left in the core, the misspelt words would be rare, unmatched
    parts. Only words of 7+ letters are corrected (company, limited, liability, corporation,
    aktsionernoe ...): shorter ones have real names one letter away (stock / stork).
    """
    fixed = tuple(_legal_spelling(t) for t in tokens)
    core, legal = split_legal_forms(list(fixed))
    if not legal:  # nothing was a legal form: keep the tokens as written
        core, legal = split_legal_forms(list(tokens))
    return tuple(core), tuple(legal)


@lru_cache(maxsize=200_000)
def _legal_spelling(token: str) -> str:
    if len(token) < _MISSPELT_LEGAL_MIN or not token.isalpha() or token_weight_class(token):
        return token
    found = process.extractOne(token, _legal_words(), scorer=OSA.distance, score_cutoff=1)
    return found[0] if found is not None else token


@cache
def _legal_words() -> tuple[str, ...]:
    """One-word legal-form spellings of 7+ letters (text.orgforms)."""
    return tuple(w for w in one_word_forms("legal_form") if len(w) >= _MISSPELT_LEGAL_MIN)


@lru_cache(maxsize=300_000)
def phonetic(token: str) -> str:
    """Phonetic key of one token ('' when the token has none)."""
    return phonetic_key(token) or ""
