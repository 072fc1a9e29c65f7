"""EU Financial Sanctions File XML parser (scrutiny.sources.eu)."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from scrutiny.model import BirthDate, Entity, EntityType, IdKind, NameKind
from scrutiny.sources.eu import NAMESPACE, EuParseError, read_eu_xml


@pytest.fixture(scope="module")
def eu_list(mirror_dir: Path) -> tuple[str | None, dict[str, Entity], list[str]]:
    parsed = read_eu_xml(mirror_dir / "eu" / "xmlFullSanctionsList_1_1.xml.gz")
    entities = {e.provenance.source_record_id: e for e in parsed.entities}
    return parsed.publisher_date, entities, parsed.warnings


@pytest.mark.slow
def test_counts_match_official_figures(eu_list) -> None:  # type: ignore[no-untyped-def]
    publisher_date, entities, _ = eu_list
    assert publisher_date == "2026-02-26"
    assert len(entities) == 5860
    types = Counter(e.schema for e in entities.values())
    assert types[EntityType.PERSON] == 4341
    # enterprises: organisations plus the ships the FSF lists as enterprises
    assert types[EntityType.ORGANIZATION] + types[EntityType.VESSEL] == 1519
    prk = [e for e in entities.values() if "PRK" in e.programs]
    assert len(prk) == 255
    assert sum(1 for e in prk if e.schema is EntityType.PERSON) == 159


@pytest.mark.slow
def test_every_record_has_provenance_and_one_primary_name(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = eu_list
    for logical_id, entity in entities.items():
        assert entity.id == f"eu_fsf:{logical_id}"
        assert entity.references and entity.references[0].startswith("EU.")
        assert [n.kind for n in entity.names].count(NameKind.PRIMARY) == 1
        assert entity.names[0].kind is NameKind.PRIMARY
        assert len(entity.provenance.content_hash) == 64


@pytest.mark.slow
def test_primary_name_is_the_english_spelling(eu_list) -> None:  # type: ignore[no-untyped-def]
    # The record lists the Russian, then the Swedish spelling first among its Latin ones.
    _, entities, _ = eu_list
    primary = entities["130139"].names[0]
    assert (primary.full, primary.lang) == ("Mikhail Safarbekovich GUTSERIEV", "en")
    assert "Michail Safarbekovitj GUTSERIJEV" in {n.full for n in entities["130139"].names}
    # Every record with a strong English Latin-script spelling shows one (some records tag
    # a Cyrillic spelling "EN").
    for entity in entities.values():
        if any(
            n.lang == "en" and n.script == "Latn" and n.kind is not NameKind.WEAK_ALIAS
            for n in entity.names
        ):
            assert entity.names[0].lang == "en", entity.id


@pytest.mark.slow
def test_dprk_person_field_by_field(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = eu_list
    ra = entities["7207"]
    assert ra.schema is EntityType.PERSON
    assert ra.programs == ("PRK",)
    assert ra.references == ("EU.3427.5",)
    primary = ra.names[0]
    assert (primary.full, primary.given, primary.family, primary.lang) == (
        "Kyong-Su Ra",
        "Kyong-Su",
        "Ra",
        "en",
    )
    aliases = {n.full for n in ra.names[1:]}
    assert {"Ky’ong-Su Ra", "Myong Ho Chang", "Myo'ng-Ho Chang"} <= aliases
    assert {n.lang for n in ra.names} == {"en", "sv"}
    assert ra.birth_dates == (BirthDate("1954-06-04"),)
    assert ra.citizenships == ("KP",)
    assert ra.gender == "male"
    assert ra.positions == ("Tanchon Commercial Bank (TCB) official",)
    assert [(i.kind, i.value, i.country) for i in ra.identifiers] == [
        (IdKind.PASSPORT, "645120196", None)  # countryIso2Code "00" means unknown
    ]


@pytest.mark.slow
def test_hangul_spelling_is_kept_with_its_script(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = eu_list
    kim = entities["5603"]
    assert kim.primary_name == "KIM Tong-un"
    hangul = [n for n in kim.names if n.script == "Hang"]
    assert [n.full for n in hangul] == ["김동운"]
    assert hangul[0].kind is NameKind.STRONG_ALIAS
    assert kim.identifiers[0].country == "KP"


@pytest.mark.slow
def test_ships_listed_as_enterprises_become_vessels(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = eu_list
    vessels = {e.primary_name for e in entities.values() if e.schema is EntityType.VESSEL}
    assert vessels == {"Unica", "New Konk"}
    # shipping companies with IMO *company* numbers stay organisations
    chonmyong = entities["116167"]
    assert chonmyong.schema is EntityType.ORGANIZATION
    assert [(i.kind, i.value) for i in chonmyong.identifiers] == [(IdKind.IMO, "5571322")]


@pytest.mark.slow
def test_un_cross_reference_and_birth_forms(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = eu_list
    with_un = [e for e in entities.values() if len(e.references) == 2]
    assert len(with_un) == 88
    assert any(ref.startswith("KPi.") for e in with_un for ref in e.references)
    saddam = entities["13"]
    assert saddam.birth_dates == (BirthDate("1937-04-28"),)
    assert saddam.birth_places == ("al-Awja, near Tikrit, Iraq",)
    ramadan = entities["71"]  # circa 1938, year only
    assert ramadan.birth_dates == (BirthDate("1938", circa=True),)


@pytest.mark.slow
def test_warnings_name_file_line_and_record(eu_list) -> None:  # type: ignore[no-untyped-def]
    _, _, warnings = eu_list
    assert all(
        w.startswith("xmlFullSanctionsList_1_1.xml.gz:line ") and "(record " in w for w in warnings
    )


# --- bad input ----------------------------------------------------------------------------

_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="{ns}" generationDate="2026-02-26T00:00:00">
  <sanctionEntity euReferenceNumber="EU.1.1" {logical}>
    <regulation programme="PRK"/>
    <subjectType code="{code}"/>
    <nameAlias wholeName="KIM Tong-un" firstName="" lastName="" strong="true" nameLanguage=""/>
    <birthdate circa="false" calendarType="ISLAMIC" year="1343" countryIso2Code="00"/>
  </sanctionEntity>
</export>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_minimal_document_and_hijri_year(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "eu.xml", _DOC.format(ns=NAMESPACE, logical='logicalId="9"', code="person")
    )
    (entity,) = read_eu_xml(path).entities
    assert entity.id == "eu_fsf:9"
    assert entity.birth_dates == (BirthDate("1924", until="1925", circa=True),)


@pytest.mark.parametrize(
    ("ns", "logical", "code", "message"),
    [
        ("http://example.org/other", 'logicalId="9"', "person", "expected root element <export"),
        (NAMESPACE, "", "person", r"line 3 \(record EU.1.1\).*no logicalId"),
        (NAMESPACE, 'logicalId="9"', "robot", r"record 9\).*subjectType code 'robot'"),
    ],
)
def test_bad_documents(tmp_path: Path, ns: str, logical: str, code: str, message: str) -> None:
    path = _write(tmp_path, "eu.xml", _DOC.format(ns=ns, logical=logical, code=code))
    with pytest.raises(EuParseError, match=message):
        list(read_eu_xml(path).entities)


def test_empty_and_truncated(tmp_path: Path) -> None:
    with pytest.raises(EuParseError, match="empty file"):
        read_eu_xml(_write(tmp_path, "empty.xml", ""))
    data = gzip.compress(_DOC.format(ns=NAMESPACE, logical='logicalId="9"', code="person").encode())
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[:-30])
    with pytest.raises(EuParseError, match=r"truncated|malformed"):
        list(read_eu_xml(path).entities)
