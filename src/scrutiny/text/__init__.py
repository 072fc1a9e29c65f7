"""Name text: normalisation, transliteration and romanisation variants for matching.

The matcher calls these functions on every list name at index build and on every query; they
are cached and allocation-light. See each module for the why of its rules.
"""

from scrutiny.text.chinese import han_readings, telegraph_to_han
from scrutiny.text.korean import (
    korean_key,
    korean_keys,
    korean_token_key,
    korean_variants,
    syllables,
)
from scrutiny.text.normalize import (
    MAX_NAME_CHARS,
    cap_length,
    detect_script,
    fold,
    split_former_names,
    tokenize_name,
)
from scrutiny.text.orgforms import split_legal_forms, token_weight_class
from scrutiny.text.phonetic import phonetic_key
from scrutiny.text.translit import latin_forms

__all__ = [
    "MAX_NAME_CHARS",
    "cap_length",
    "detect_script",
    "fold",
    "han_readings",
    "korean_key",
    "korean_keys",
    "korean_token_key",
    "korean_variants",
    "latin_forms",
    "phonetic_key",
    "split_former_names",
    "split_legal_forms",
    "syllables",
    "telegraph_to_han",
    "token_weight_class",
    "tokenize_name",
]
