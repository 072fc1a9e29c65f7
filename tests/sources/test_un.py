"""UN Security Council consolidated XML parser (scrutiny.sources.un)."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from scrutiny.errors import ListParseError
from scrutiny.model import BirthDate, EntityType, IdKind, NameKind
from scrutiny.sources.un import UnParseError, read_un_xml


@pytest.fixture(scope="module")
def un_list(mirror_dir: Path) -> tuple[str | None, dict[str, object], list[str]]:
    parsed = read_un_xml(mirror_dir / "un" / "consolidated.xml")
    entities = {e.provenance.source_record_id: e for e in parsed.entities}
    return parsed.publisher_date, entities, parsed.warnings


def test_counts_match_official_figures(un_list) -> None:  # type: ignore[no-untyped-def]
    publisher_date, entities, _ = un_list
    assert publisher_date == "2026-02-27"
    assert len(entities) == 1003
    types = Counter(e.schema for e in entities.values())
    assert types == {EntityType.PERSON: 730, EntityType.ORGANIZATION: 273}
    dprk = [e for e in entities.values() if e.programs == ("DPRK",)]
    assert len(dprk) == 155
    assert sum(1 for e in dprk if e.provenance.source_record_id.startswith("KPi.")) == 80
    assert sum(1 for e in dprk if e.provenance.source_record_id.startswith("KPe.")) == 75


def test_every_record_is_sealed_with_provenance(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    for ref, entity in entities.items():
        assert entity.id == f"un_sc:{ref}"
        assert entity.references == (ref,)
        assert entity.provenance.source_file == "consolidated.xml"
        assert len(entity.provenance.content_hash) == 64
        assert entity.names and entity.names[0].kind is NameKind.PRIMARY
        assert all(n.full == n.full.strip() and n.full for n in entity.names)


def test_dprk_individual_field_by_field(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    ri = entities["KPi.033"]
    assert ri.schema is EntityType.PERSON
    assert ri.primary_name == "RI WON HO"
    primary = ri.names[0]
    assert (primary.family, primary.given, primary.script) == ("RI", "WON HO", "Latn")
    assert len(ri.names) == 1  # the record's empty alias is skipped
    assert ri.birth_dates == (BirthDate("1964-07-17"),)
    assert ri.nationalities == ("KP",)
    assert ri.listing_date == "2016-11-30"
    assert ri.positions == ("DPRK Ministry of State Security Official",)
    assert [(i.kind, i.value) for i in ri.identifiers] == [(IdKind.PASSPORT, "381310014")]
    assert ri.programs == ("DPRK",)
    assert ri.remarks is not None and "stationed in Syria" in ri.remarks


def test_year_range_birth_and_gender_from_comment(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    kim = entities["KPi.066"]
    assert kim.birth_dates == (BirthDate("1967", until="1969"),)
    assert kim.gender == "male"  # only written as "Gender: male" in COMMENTS1
    assert [n.full for n in kim.names if n.kind is NameKind.STRONG_ALIAS] == ["Kim Cho’ng-sik"]


def test_dprk_entity_with_aliases_and_bic(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    ftb = entities["KPe.047"]
    assert ftb.schema is EntityType.ORGANIZATION
    assert ftb.primary_name == "FOREIGN TRADE BANK (FTB)"
    aliases = {(n.full, n.kind) for n in ftb.names[1:]}
    assert aliases == {
        ("Mooyokbank", NameKind.STRONG_ALIAS),
        ("Korea Trading Bank", NameKind.STRONG_ALIAS),
    }
    assert [(i.kind, i.value) for i in ftb.identifiers] == [(IdKind.BIC, "FTBDKPPY")]
    assert ftb.addresses[0].city == "Pyongyang"
    assert ftb.addresses[0].country == "KP"
    assert ftb.listing_date == "2017-08-05"


def test_former_names_and_company_imo(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    tanchon = entities["KPe.003"]
    former = [n.full for n in tanchon.names if n.kind is NameKind.FORMER]
    assert former == ["CHANGGWANG CREDIT BANK", "KOREA CHANGGWANG CREDIT BANK"]
    chonmyong = entities["KPe.056"]
    imo = [i for i in chonmyong.identifiers if i.kind is IdKind.IMO]
    assert [i.value for i in imo] == ["5571322"]
    assert imo[0].note is not None and "company" in imo[0].note


def test_weak_aliases_and_original_script(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    kinds = Counter(n.kind for e in entities.values() for n in e.names)
    assert kinds[NameKind.WEAK_ALIAS] > 500  # 615 "Low" aliases, some duplicated
    assert kinds[NameKind.FORMER] >= 15
    scripts = Counter(
        n.script for e in entities.values() for n in e.names if n.note == "name in original script"
    )
    assert scripts["Arab"] > 300
    assert sum(scripts.values()) == 378


def test_approximate_and_month_year_dates(un_list) -> None:  # type: ignore[no-untyped-def]
    _, entities, _ = un_list
    all_dates = [d for e in entities.values() for d in e.birth_dates]
    assert sum(1 for d in all_dates if d.circa) >= 100
    month_precision = [d for d in all_dates if len(d.date) == 7]
    assert month_precision  # "Nov. 1973", "August 1961" notes
    assert all(d.date[:4].isdigit() for d in all_dates)


def test_only_known_warnings(un_list) -> None:  # type: ignore[no-untyped-def]
    _, _, warnings = un_list
    # Every warning names file, line and record.
    assert all(w.startswith("consolidated.xml:line ") and "(record " in w for w in warnings)


# --- bad input ----------------------------------------------------------------------------

_RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>KIM</FIRST_NAME>
      <SECOND_NAME>JONG SIK</SECOND_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
      {reference}
      <LISTED_ON>2017-12-22</LISTED_ON>
    </INDIVIDUAL>
  </INDIVIDUALS>
</CONSOLIDATED_LIST>
"""


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_minimal_record_plain_and_gzip(tmp_path: Path) -> None:
    data = _RECORD.format(reference="<REFERENCE_NUMBER>KPi.066</REFERENCE_NUMBER>").encode()
    for path in (
        _write(tmp_path, "a.xml", data),
        _write(tmp_path, "a.xml.gz", gzip.compress(data)),
    ):
        (entity,) = read_un_xml(path).entities
        assert entity.id == "un_sc:KPi.066"
        assert entity.names[0].family == "KIM"


def test_missing_reference_number_names_line_and_dataid(tmp_path: Path) -> None:
    path = _write(tmp_path, "consolidated.xml", _RECORD.format(reference="").encode())
    with pytest.raises(
        UnParseError, match=r"consolidated.xml:line 4 \(record DATAID 1\).*REFERENCE_NUMBER"
    ):
        list(read_un_xml(path).entities)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty|Document is empty"),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>", "malformed XML"),
        (b"<sdnList/>", "expected root element <CONSOLIDATED_LIST>"),
        (b"<?xml version='1.0'?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n</ENTITIES>", "line 4"),
        (b"not xml at all", "malformed XML"),
    ],
)
def test_bad_input_raises_un_parse_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = _write(tmp_path, "consolidated.xml", data)
    with pytest.raises(UnParseError, match=message) as caught:
        list(read_un_xml(path).entities)
    assert isinstance(caught.value, ListParseError)
    assert caught.value.file == "consolidated.xml"


def test_truncated_gzip(tmp_path: Path, mirror_dir: Path) -> None:
    data = gzip.compress((mirror_dir / "un" / "consolidated.xml").read_bytes())
    path = _write(tmp_path, "consolidated.xml.gz", data[: len(data) // 2])
    with pytest.raises(UnParseError, match=r"truncated|malformed"):
        list(read_un_xml(path).entities)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnParseError, match="cannot open"):
        read_un_xml(tmp_path / "nope.xml")
