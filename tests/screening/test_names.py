"""The top-level screen/compare API and the persisted index."""

from __future__ import annotations

from pathlib import Path

import pytest

import scrutiny
from scrutiny.match import Matcher, Query
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
