"""The top-level screen/compare API and the persisted index."""

from __future__ import annotations

import shutil
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

import scrutiny
from scrutiny.match import Matcher, Query, kernel
from scrutiny.match.index import NameIndex
from scrutiny.screening import names

pytestmark = pytest.mark.slow  # builds the SDN index once

QUERIES = [
    Query("Kim Jong Un"),
    Query("KIM Jong-un", birth_date="1984"),
    Query("Foreign Trade Bank", schema="organization"),
    Query("Trading Co Ltd"),
    Query("Gim Jeong-eun", countries=["KP"]),
]


def test_save_load_gives_identical_results(sdn_index: Path, tmp_path: Path) -> None:
    loaded = Matcher.load(sdn_index)
    loaded.save(tmp_path / "again")
    reloaded = Matcher.load(tmp_path / "again")
    for query in QUERIES:
        first = loaded.screen(query, threshold=0.0)
        second = reloaded.screen(query, threshold=0.0)
        assert [(h.entity_id, h.score, h.explanation) for h in first] == [
            (h.entity_id, h.score, h.explanation) for h in second
        ]


def _table_fields(table: kernel.FormTable) -> dict[str, object]:
    return {f.name: getattr(table, f.name) for f in fields(table) if f.name != "row_cache"}


def test_the_saved_form_table_is_the_one_a_build_gives(sdn_index: Path) -> None:
    index = NameIndex.load(sdn_index)
    saved = kernel.FormTable.load(sdn_index / "forms", index.stamp)
    assert saved is not None
    built = kernel.FormTable.build(index.name_forms_raw, index.idf)
    expected = _table_fields(built)
    for name, value in _table_fields(saved).items():
        if isinstance(value, np.ndarray):
            assert value.dtype == expected[name].dtype, name  # type: ignore[union-attr]
            np.testing.assert_array_equal(value, expected[name], err_msg=name)
        else:
            assert value == expected[name], name


def test_a_form_table_from_another_save_or_damaged_is_built_again(
    sdn_index: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "index"
    shutil.copytree(sdn_index, folder)
    index = NameIndex.load(folder)
    assert kernel.FormTable.load(folder / "forms", index.stamp) is not None
    # The index written again (a new stamp) without its table: the old table is not used.
    index.save(folder)
    assert kernel.FormTable.load(folder / "forms", NameIndex.load(folder).stamp) is None
    matcher = Matcher.load(folder)  # builds the table
    assert matcher.screen("Kim Jong Un")[0].entity_id == "ofac_sdn:20157"
    matcher.save(folder)
    (folder / "forms" / "arrays.npz").write_bytes(b"not an npz file")
    assert kernel.FormTable.load(folder / "forms", NameIndex.load(folder).stamp) is None
    assert Matcher.load(folder).screen("Kim Jong Un")[0].entity_id == "ofac_sdn:20157"


def test_top_level_api_uses_the_default_matcher(sdn_loaded: Matcher) -> None:
    names.set_default_matcher(sdn_loaded)
    try:
        hits = scrutiny.screen("Kim Jong Un")
        assert hits[0].entity_id == "ofac_sdn:20157"
        assert 0.0 < scrutiny.DEFAULT_THRESHOLD < 1.0
        assert all(h.score >= scrutiny.DEFAULT_THRESHOLD for h in hits)
    finally:
        names.set_default_matcher(None)


def test_compare_scores_pairs_and_dob_conflict() -> None:
    same = scrutiny.compare("Kim Jong Un", "KIM, Jong-un", schema="person")
    other = scrutiny.compare("Kim Jong Un", "Maria Garcia", schema="person")
    conflict = scrutiny.compare(
        Query("Kim Jong Un", birth_date="1984-01-08"),
        Query("Kim Jong Un", birth_date="1950"),
    )
    assert same.match and not other.match
    assert other.score < same.score
    assert conflict.score < same.score
    assert "dob_conflict" in conflict.explanation["conflicting"]


def test_explanations_say_whether_the_names_are_the_same() -> None:
    from scrutiny.match.explain import names_equal

    assert names_equal(scrutiny.compare("Jong Un KIM", "KIM, Jong-un").explanation)
    assert names_equal(scrutiny.compare("Gim Jeong-eun", "KIM Jong Un").explanation)  # key
    assert not names_equal(scrutiny.compare("Kim Jong Su", "KIM Jong Un").explanation)
    # An exact name is never evidence against (the fit holds `exact` >= 0) and a misspelt
    # one-word name never scores above the word itself.
    assert "exact" not in scrutiny.compare("Bluenoroff", "BLUENOROFF").explanation["conflicting"]
    assert (
        scrutiny.compare("Bluenorof", "BLUENOROFF").score
        < scrutiny.compare("Bluenoroff", "BLUENOROFF").score
    )
    assert (
        scrutiny.compare("PERRIN", "PERARIN").score < scrutiny.compare("PERARIN", "PERARIN").score
    )


def test_empty_store_says_load_lists_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SCRUTINY_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    names.set_default_matcher(None)
    with pytest.raises(names.NoListsLoadedError, match="scrutiny lists load"):
        scrutiny.screen("Kim Jong Un")
