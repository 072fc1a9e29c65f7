"""The one train/test split every part of scrutiny uses, so that tuning never sees test entities.

An entity is in the TEST split when the first 8 bytes of sha1(entity_id), read as an integer,
are 7, 8 or 9 modulo 10 (about 30%). The hash is stable across runs, machines and Python
versions (unlike `hash()`), so the split never drifts.

A designee listed on several lists (UN ↔ OFAC ↔ EU ↔ UK) is one person or company under several
entity ids; `build_sets` puts the whole designee in TEST when ANY of its entity ids is a test id
(`is_test_designee`) and writes every such id to eval/out/test_entities.txt. Code that fits
parameters must exclude those ids too, not only `is_test_entity` ones, or the same designee leaks
into training through another list's record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

TEST_BUCKETS = frozenset({7, 8, 9})


def is_test_entity(entity_id: str) -> bool:
    """True when the entity id falls in the held-out test split (~30%)."""
    digest = hashlib.sha1(entity_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 10 in TEST_BUCKETS


def is_test_designee(entity_ids: Iterable[str]) -> bool:
    """True when any of a designee's entity ids (across lists) is a test id."""
    return any(is_test_entity(entity_id) for entity_id in entity_ids)


def split_name(entity_ids: Iterable[str]) -> str:
    """'test' or 'train' for a designee given all its entity ids."""
    return "test" if is_test_designee(entity_ids) else "train"
