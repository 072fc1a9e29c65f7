"""The text functions over every name of the OFAC SDN list (the mirror file)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scrutiny.text.korean import korean_key
from scrutiny.text.normalize import tokenize_name
from scrutiny.text.orgforms import split_legal_forms
from scrutiny.text.translit import latin_forms


@pytest.fixture(scope="module")
def sdn_names(mirror_dir: Path) -> list[str]:
    path = mirror_dir / "ofac" / "SDN.CSV"
    if not path.exists():
        pytest.skip(f"{path} not in the mirror")
    with path.open(encoding="latin-1", newline="") as fh:
        return [row[1] for row in csv.reader(fh) if len(row) > 1 and row[1].strip()]


def test_every_sdn_name_tokenizes(sdn_names: list[str]) -> None:
    assert len(sdn_names) > 10_000
    empty = [name for name in sdn_names if not tokenize_name(name)]
    assert empty == []
    for name in sdn_names:
        tokens = tokenize_name(name)
        core, _forms = split_legal_forms(tokens)
        assert core, name
        assert latin_forms(name)


def test_the_sdn_entry_for_kim_jong_un_matches_the_hangul(sdn_names: list[str]) -> None:
    listed = [n for n in sdn_names if n.upper() == "KIM, JONG UN"]
    assert listed, "KIM, Jong Un is on the SDN list"
    target = korean_key(tokenize_name(listed[0]))
    assert target is not None
    assert target in {korean_key(tokenize_name(f)) for f in latin_forms("김정은")}


def test_korean_keys_separate_distinct_dprk_designees(sdn_names: list[str]) -> None:
    # Two SDN persons with different names should rarely share a key; count how many do.
    keys: dict[str, set[str]] = {}
    for name in sdn_names:
        key = korean_key(tokenize_name(name))
        if key is not None and "," in name:
            keys.setdefault(key, set()).add(name.upper())
    assert keys
    shared = [names for names in keys.values() if len(names) > 1]
    assert len(shared) <= 0.05 * len(keys), shared[:10]
