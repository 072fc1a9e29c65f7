"""Screening behaviour over the real OFAC SDN list."""

from __future__ import annotations

import importlib.util

import pytest

from scrutiny.errors import QueryError
from scrutiny.match import Matcher, Query

pytestmark = pytest.mark.slow  # parses SDN.CSV and builds its index once (about 10 s)

KIM_JONG_UN = "ofac_sdn:20157"
FOREIGN_TRADE_BANK = "ofac_sdn:15603"


@pytest.mark.parametrize(
    "name", ["김정은", "金正恩", "KIM Jong Un", "Kim Jong-un", "Gim Jeong-eun", "Kim Jongun"]
)
def test_kim_jong_un_in_every_script_and_spelling(sdn_matcher: Matcher, name: str) -> None:
    if name == "金正恩" and importlib.util.find_spec("scrutiny.text.chinese") is None:
        pytest.skip("Han readings need scrutiny.text.chinese, not written yet")
    hits = sdn_matcher.screen(Query(name, schema="person"))
    assert hits, f"{name!r} raised no alert"
    assert hits[0].entity_id == KIM_JONG_UN


@pytest.mark.parametrize("bic", ["FTBDKPPY", "FTBDKPPYXXX", "ftbd kp py"])
def test_bank_found_by_bic_with_or_without_branch(sdn_matcher: Matcher, bic: str) -> None:
    hits = sdn_matcher.screen(Query("", identifiers=[bic]))
    assert [h.entity_id for h in hits][:1] == [FOREIGN_TRADE_BANK]
    assert hits[0].explanation["identifier"] == "bic:FTBDKPPY"


def test_vessel_found_by_imo_and_bad_check_digit_ignored(sdn_matcher: Matcher) -> None:
    vessels = [
        e
        for e in sdn_matcher.index.entities
        if e.schema == "Vessel" and any(k.startswith("imo:") for k in e.id_keys)
    ]
    assert vessels, "SDN.CSV has vessels with IMO numbers"
    vessel = vessels[0]
    imo = next(k for k in vessel.id_keys if k.startswith("imo:"))[4:]
    hits = sdn_matcher.screen(Query("unknown ship", schema="vessel", identifiers=[f"IMO {imo}"]))
    assert hits and hits[0].entity_id == vessel.id
    wrong = imo[:6] + str((int(imo[6]) + 1) % 10)
    assert not sdn_matcher.screen(Query("", identifiers=[f"IMO {wrong}"]))


def test_legal_forms_alone_raise_nothing(sdn_matcher: Matcher) -> None:
    assert sdn_matcher.screen("Trading Co Ltd") == []
    assert sdn_matcher.screen(Query("General Trading LLC", schema="organization")) == []


@pytest.mark.parametrize("name", ["John Smith", "Maria Garcia", "Jennifer Miller", "Kim"])
def test_clean_common_names_raise_no_alert(sdn_matcher: Matcher, name: str) -> None:
    assert sdn_matcher.screen(Query(name, schema="person")) == []


def test_dob_conflict_lowers_and_agreement_raises(sdn_matcher: Matcher) -> None:
    def score(dob: str | None) -> float:
        hits = sdn_matcher.screen(Query("Kim Jong Un", birth_date=dob), threshold=0.0)
        return next(h.score for h in hits if h.entity_id == KIM_JONG_UN)

    plain, agree, near, conflict = score(None), score("1984-01-08"), score("1985"), score("1950")
    assert conflict < plain < agree
    assert conflict < near


def test_hit_explanation_names_parts_list_and_version(sdn_matcher: Matcher) -> None:
    hit = sdn_matcher.screen("Kim Jong-un")[0]
    why = hit.explanation
    assert why["matched_name"] == "KIM, Jong Un"
    assert why["name_kind"] == "primary"
    assert why["list"] == "ofac_sdn" and "DPRK3" in why["programs"]
    assert why["list_version"]["content_hash"]
    assert {p["list"] for p in why["parts"]} >= {"kim"}
    assert why["agreeing"] and sum(why["contributions"].values()) > 0
    assert 0.0 <= hit.score <= 1.0


def test_typo_still_found(sdn_matcher: Matcher) -> None:
    # "Sayed" -> "Syaed": a transposition in a token absent from the vocabulary.
    target = next(
        e
        for e in sdn_matcher.index.entities
        if e.name == "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"
    )
    hits = sdn_matcher.screen("Foriegn Trade Bank of the Democratic People's Republic of Korea")
    assert hits and hits[0].entity_id == target.id


@pytest.mark.parametrize(
    ("query", "entity_id", "read_as"),
    [
        # LTDA. with a letter left out, GMBH with one mistyped
        ("GANADERIAS BILBAO LTA.", "ofac_sdn:7287", "ganaderias bilbao ltd"),
        ("TROPIC TOURS GMBG", "ofac_sdn:2110", "tropic tours gmbh"),
    ],
)
def test_mistyped_legal_form_still_found(
    sdn_matcher: Matcher, query: str, entity_id: str, read_as: str
) -> None:
    hits = sdn_matcher.screen(Query(query, schema="organization"))
    assert hits and hits[0].entity_id == entity_id
    assert hits[0].explanation["query_form"] == read_as


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("RYEONG KANG2", "ofac_sdn:17103"),
        ("GEUM GANG3", "ofac_sdn:23731"),
        ("KUM SONG7", "ofac_sdn:23162"),
    ],
)
def test_vessel_number_written_on_to_its_name_still_found(
    sdn_matcher: Matcher, query: str, entity_id: str
) -> None:
    """RYONG GANG 2 as a customer writes it, the number joined to the word (and KUM SONG 7
    is not KUM SONG 3 or 5)."""
    hits = sdn_matcher.screen(Query(query, schema="vessel"))
    assert hits and hits[0].entity_id == entity_id


def test_legal_typo_forms_leave_list_words_and_common_words() -> None:
    from scrutiny.match.forms import legal_typo_forms, name_forms

    typo = name_forms("ACME COFP")
    read = legal_typo_forms(typo, lambda t: False)
    assert [(f.core, f.legal) for f in read] == [(("acme", "cofp"), ()), (("acme",), ("corp",))]
    # A word of some list name (an acronym such as CSSC) stays as written ...
    assert legal_typo_forms(typo, lambda t: True) == typo
    # ... as does a word of everyday text (CORE is no CORP) and a person's name.
    core = name_forms("APPLE CORE")
    assert legal_typo_forms(core, lambda t: False) == core
    assert legal_typo_forms(name_forms("ACME"), lambda t: False) == name_forms("ACME")


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (Query(""), "empty name"),
        (Query("  ...  "), "no letters"),
        (Query("Mr. Dr."), "no letters"),
        (Query("Kim Jong Un", birth_date="1984-13-45"), "invalid date"),
        (Query("Kim Jong Un", birth_date="last year"), "invalid date"),
        (Query("Kim Jong Un", countries=["Atlantis"]), "unknown country"),
        (Query("Kim Jong Un", schema="planet"), "unknown entity type"),
    ],
)
def test_bad_queries_raise_clear_errors(sdn_matcher: Matcher, query: Query, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        sdn_matcher.screen(query)


def test_absurdly_long_name_is_capped_and_said(sdn_matcher: Matcher) -> None:
    hits = sdn_matcher.screen("Kim Jong Un " + "x" * 5000, threshold=0.0)
    assert hits
    assert any("characters" in note for note in hits[0].explanation["notes"])


def test_mixed_scripts_do_not_crash(sdn_matcher: Matcher) -> None:
    hits = sdn_matcher.screen("Kim 정은", threshold=0.0)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
