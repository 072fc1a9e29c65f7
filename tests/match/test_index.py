"""The name index: typo neighbours through the hashed deletion index, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from scrutiny.match import Matcher, Query
from scrutiny.match.forms import index_keys, name_forms
from scrutiny.match.index import (
    _HASH_BASE,
    TYPO_MIN_LEN,
    NameIndex,
    _deletion_hashes,
    _powers,
    _token_variant_hashes,
    _top,
)
from scrutiny.model import Entity, EntityType, Name, NameKind, Provenance, seal


def _entity(i: int, names: list[str]) -> Entity:
    return seal(
        Entity(
            id=f"t:{i}",
            schema=EntityType.PERSON,
            names=tuple(Name(full=n, kind=NameKind.PRIMARY) for n in names),
            provenance=Provenance(list_id="t", source_file="t.csv", source_record_id=str(i)),
        )
    )


NAMES = [
    ["Vladimir Putin"],
    ["Kim Jong Un", "김정은"],
    ["Mohammed Al Rashid", "Muhammad Rashid"],
    ["Ahmad Shah Massoud"],
    ["Banco Nacional de Cuba"],
    ["Mañana Trading LLC"],
    ["Жарков Сергей"],
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex.build(_entity(i, names) for i, names in enumerate(NAMES))


def _brute_neighbours(index: NameIndex, token: str) -> list[str]:
    """The reference the deletion index must reproduce: a dict of deletion strings."""
    deletes: dict[str, list[str]] = {}
    for vocab in index.token_idf:
        if len(vocab) >= TYPO_MIN_LEN and vocab.isalpha():
            for i in range(len(vocab)):
                deletes.setdefault(vocab[:i] + vocab[i + 1 :], []).append(vocab)
    variants = [token] + [token[:i] + token[i + 1 :] for i in range(len(token))]
    found = {
        c
        for v in variants
        for c in deletes.get(v, ())
        if c != token and OSA.distance(token, c, score_cutoff=1) <= 1
    }
    return sorted(found)


@pytest.mark.parametrize(
    "token", ["putni", "vladmir", "mohamed", "rashdi", "manana", "mañnaa", "жарко", "kim", "banko"]
)
def test_typo_neighbours_equal_plain_deletion_dict(index: NameIndex, token: str) -> None:
    assert index.typo_neighbours(token) == _brute_neighbours(index, token)


def test_typo_neighbours_find_a_transposition(index: NameIndex) -> None:
    assert "putin" in index.typo_neighbours("puitn")


def _string_hashes(tokens: list[str]) -> list[int]:
    """The index's polynomial hash, written out: sum of code point * base**position,
    mod 2**64, read as a signed 64-bit integer."""
    out = []
    for token in tokens:
        h = sum(ord(ch) * pow(int(_HASH_BASE), k, 1 << 64) for k, ch in enumerate(token))
        h %= 1 << 64
        out.append(h - (1 << 64) if h >= 1 << 63 else h)
    return out


def test_deletion_hashes_are_hashes_of_the_shortened_strings() -> None:
    tokens = ["abcde", "mañan", "жарко"]
    deleted = _deletion_hashes(tokens)
    for row, token in enumerate(tokens):
        expected = [_string_hashes([token[:i] + token[i + 1 :]])[0] for i in range(len(token))]
        assert deleted[row].tolist() == [int(x) for x in expected]
    assert len(set(deleted.ravel().tolist())) == deleted.size  # no collisions here


def test_save_load_round_trip(index: NameIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    loaded = NameIndex.load(tmp_path)
    assert loaded.keys == index.keys
    assert loaded.name_text == index.name_text
    assert loaded.name_forms_raw == index.name_forms_raw
    assert np.array_equal(loaded.postings, index.postings)
    assert np.array_equal(loaded._delete_hashes, index._delete_hashes)
    assert loaded.typo_neighbours("vladmir") == index.typo_neighbours("vladmir")
    assert [e.id for e in loaded.entities] == [e.id for e in index.entities]


def test_candidates_do_not_depend_on_the_order_of_the_query_keys(
    index: NameIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The keys come from sets, whose order follows the process's string hashing. Summed in
    # another order, float weights differ in the last bit ((0.1 + 0.2) + 0.3 > 0.6, while
    # (0.3 + 0.2) + 0.1 == 0.6), and that decided which of two tied names was kept.
    forms = name_forms("Ahmad Shah Massoud Putin")
    putin = index.key_ids["t:putin"]  # Vladimir Putin alone, at 0.6
    ahmad = [index.key_ids["t:" + t] for t in ("ahmad", "shah", "massoud")]
    weights = dict(zip(ahmad, (0.1, 0.2, 0.3), strict=True))  # the same weights ...
    kept = []
    for order in (ahmad, ahmad[::-1]):  # ... inserted in two orders
        keys = {putin: 0.6, **{kid: weights[kid] for kid in order}}
        monkeypatch.setattr(index, "query_keys", lambda *_, keys=keys: keys)
        kept.append(index.candidates(forms, 1)[0].tolist())
    assert kept[0] == kept[1]


@pytest.mark.parametrize("seed", range(20))
def test_top_candidates_are_the_best_scores_with_ties_to_the_lower_id(seed: int) -> None:
    """`_top`'s heap agrees with a full sort by (score descending, name id ascending), on
    scores with many ties (a query's keys share weights) and on fewer names than asked."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    names = rng.permutation(10_000)[:n].astype(np.int32)
    scores = rng.integers(1, 12, n).astype(np.float64) / 4.0
    take = int(rng.integers(1, 60))
    expected = sorted(range(n), key=lambda i: (-scores[i], names[i]))[:take]
    assert _top(names, scores, min(take, n)).tolist() == expected


@pytest.mark.parametrize("token", ["kim", "bluenoroff", "ryonbong", "ab", "ä", "zhong-an"])
def test_one_token_variant_hashes_agree_with_the_vocabulary_hashes(token: str) -> None:
    """A query word's hashes (compiled, one token) are the vocabulary's (vectorised): the
    typo lookup meets the deletion index only if both hash alike."""
    codes = np.frombuffer(token.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    got = _token_variant_hashes(codes, _powers(len(token)))
    expected = np.concatenate([_string_hashes([token]), _deletion_hashes([token])[0]])
    assert got.tolist() == expected.tolist()


_PARALLEL_CHECK = """
import sys
sys.path.insert(0, {tests!r})
from test_index import NAMES, _entity
from scrutiny.match import index

entities = [
    _entity(i, [f"{{name}} {{i}}" for name in NAMES[i % len(NAMES)]]) for i in range(300)
]
serial = index.NameIndex.build(entities)
index._PARALLEL_NAMES = 1
read = index._read_names
used = []
index._read_names = lambda items: (used.append(len(items)), read(items))[1]
parallel = index.NameIndex.build(entities)
assert used, "the parallel path did not run"
for field in ("name_text", "name_forms_raw", "keys"):
    assert getattr(serial, field) == getattr(parallel, field), field
assert (serial.postings == parallel.postings).all() and (serial.offsets == parallel.offsets).all()
print("same")
"""


def test_names_read_by_forked_workers_build_the_same_index() -> None:
    """The build reads names on several cores (`_read_names`) when it may fork; the index
    must be the one a single process builds, key ids included. In a fresh interpreter:
    xdist's worker runs a thread, and the build does not fork beside one."""
    import os
    import subprocess
    import sys

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the build reads names in-process")
    code = _PARALLEL_CHECK.format(tests=str(Path(__file__).parent))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "same"


def test_another_spelling_of_a_name_shares_its_retrieval_key() -> None:
    # features.same_name: Yury / Jurij are one name; the index keys them alike ("n:").
    yury = {k for k in index_keys(name_forms("Yury KOVALCHUK", True)) if k.startswith("n:")}
    jurij = {k for k in index_keys(name_forms("Jurij KOVALTJUK", True)) if k.startswith("n:")}
    assert len(yury & jurij) >= 2  # the given name's and the family name's
    assert not {k for k in index_keys(name_forms("Zzyzx Qwerty", True)) if k.startswith("n:")}


def test_a_name_spelt_otherwise_in_every_part_is_retrieved(sdn_matcher: Matcher) -> None:
    # OFAC writes Yuriy Valentinovich KOVALCHUK; a Swedish or German customer file, Jurij
    # Kovaltjuk: no part as listed, none one typo away.
    hits = sdn_matcher.screen(Query("Jurij Kovaltjuk", schema="Person"), limit=5)
    assert hits and "KOVALCHUK" in hits[0].name
