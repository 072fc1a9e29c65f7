"""OFSI consolidated list: the real ConList.xlsx, its CSV twin, and broken inputs."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from scrutiny.errors import ListParseError
from scrutiny.model import BirthDate, Entity, EntityType, IdKind, NameKind
from scrutiny.sources.uk import COLUMNS, LIST_ID, UkParseError, read_uk_conlist

DPRK = "Democratic People's Republic of Korea"


@pytest.fixture(scope="module")
def conlist(mirror_dir: Path) -> Path:
    return mirror_dir / "uk" / "ConList.xlsx"


@pytest.fixture(scope="module")
def xlsx_entities(conlist: Path) -> dict[str, Entity]:
    parsed = read_uk_conlist(conlist)
    assert parsed.publisher_date == "2025-04-14"
    return {e.provenance.source_record_id: e for e in parsed.entities}


@pytest.fixture(scope="module")
def csv_twin(conlist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ConList.csv as OFSI publishes it: the same cells, first line 'Last Updated,dd/mm/yyyy'."""
    out = tmp_path_factory.mktemp("uk") / "ConList.csv"
    workbook = openpyxl.load_workbook(conlist, read_only=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in values])
    workbook.close()
    return out


@pytest.mark.slow
def test_counts_match_the_official_figures(xlsx_entities: dict[str, Entity]) -> None:
    assert len(xlsx_entities) == 4688
    dprk = [e for e in xlsx_entities.values() if DPRK in e.programs]
    assert len(dprk) == 239
    ships = [e for e in dprk if e.schema is EntityType.VESSEL]
    assert len(ships) == 15
    assert all(
        any(i.kind is IdKind.IMO and len(i.value) == 7 for i in e.identifiers) for e in ships
    )
    assert all(
        e.list_id == LIST_ID and e.id == f"uk_ofsi:{gid}" for gid, e in xlsx_entities.items()
    )
    assert all(e.provenance.content_hash for e in xlsx_entities.values())


@pytest.mark.slow
def test_csv_twin_has_the_rows_and_gives_identical_entities(
    csv_twin: Path, xlsx_entities: dict[str, Entity]
) -> None:
    with csv_twin.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[2:]
    regime = COLUMNS.index("Regime")
    assert len(rows) == 18798
    assert sum(1 for r in rows if r[regime] == DPRK) == 789
    parsed = read_uk_conlist(csv_twin)
    assert parsed.publisher_date == "2025-04-14"
    from_csv = {e.provenance.source_record_id: e for e in parsed.entities}
    assert from_csv.keys() == xlsx_entities.keys()
    for group_id, entity in from_csv.items():
        twin = xlsx_entities[group_id]
        # Only the file name may differ; content (and so the hash) must be the same.
        assert entity.provenance.source_file == "ConList.csv"
        assert entity.provenance.content_hash == twin.provenance.content_hash, group_id
        assert entity.names == twin.names


@pytest.mark.slow
def test_dprk_ship_field_by_field(xlsx_entities: dict[str, Entity]) -> None:
    ship = xlsx_entities["13651"]
    assert ship.schema is EntityType.VESSEL
    assert ship.primary_name == "SAM JONG 2"
    assert {n.full for n in ship.names if n.kind is NameKind.STRONG_ALIAS} >= {
        "AKTIVA",
        "PETROCHEM VALOUR",
        "YU_JONG_3",
    }
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "7408873")]
    assert ship.vessel is not None
    assert ship.vessel.flag == "KP"
    assert ship.vessel.vessel_type == "Oil tanker"
    assert ship.vessel.tonnage == "1676"
    assert ship.vessel.owner == "Korea Samjong Shipping"
    assert [(link.relation, link.target_name) for link in ship.links] == [
        ("owner", "Korea Samjong Shipping")
    ]
    assert ship.programs == (DPRK,)
    assert ship.listing_date == "2018-04-03"
    assert ship.references == ("DPR0100",)


@pytest.mark.slow
def test_dprk_individual_with_original_script_name(xlsx_entities: dict[str, Entity]) -> None:
    # Kim Chol Sam (UN KPi.035): listed under the DPRK regime with his name in Han characters.
    person = xlsx_entities["13420"]
    assert person.schema is EntityType.PERSON
    assert person.primary_name == "KIM CHOL SAM"
    original = [n for n in person.names if n.script == "Hani"]
    assert [n.full for n in original] == ["金铁三"]
    variation = next(n for n in person.names if n.full == "Jin TIESAN")
    assert (variation.kind, variation.given, variation.family) == (
        NameKind.STRONG_ALIAS,
        "Jin",
        "TIESAN",
    )
    assert person.birth_dates == (BirthDate("1971-03-11"),)
    assert person.nationalities == ("KP",)
    assert [(i.kind, i.value) for i in person.identifiers] == [(IdKind.PASSPORT, "645120378")]
    assert person.positions == ("Representative of Daedong Credit Bank (DCB)",)
    assert set(person.references) == {"DPR0226", "KPi.035"}

    # A DPRK general designated under the Russia regime, with his name in Hangul.
    general = xlsx_entities["16816"]
    hangul = next(n for n in general.names if n.script == "Hang")
    assert (hangul.full, hangul.lang, hangul.kind) == ("김영복", "ko", NameKind.STRONG_ALIAS)
    assert general.nationalities == ("KP",)
    assert general.gender == "male"
    assert general.positions[0] == "Colonel General"


def test_spaced_un_reference_is_read(xlsx_entities: dict[str, Entity]) -> None:
    # OFSI writes this record's UN reference "CDi. 038"; it links the record to the UN's.
    person = xlsx_entities["16180"]
    assert person.primary_name == "BERNARD MAHESHE BYAMUNGU"
    assert set(person.references) == {"DRC0064", "CDi.038"}


@pytest.mark.slow
def test_groups_merge_rows(xlsx_entities: dict[str, Entity]) -> None:
    kinds = Counter(n.kind for e in xlsx_entities.values() for n in e.names)
    assert kinds[NameKind.WEAK_ALIAS] > 0 and kinds[NameKind.FORMER] > 0
    # Every entity has exactly its primary name(s) first.
    for entity in xlsx_entities.values():
        seen_alias = False
        for name in entity.names:
            seen_alias |= name.kind is not NameKind.PRIMARY
            assert not (seen_alias and name.kind is NameKind.PRIMARY)
    multi_dob = [e for e in xlsx_entities.values() if len(e.birth_dates) > 1]
    assert multi_dob, "groups with several DOB rows must keep all of them"
    assert any(len(e.programs) > 1 for e in xlsx_entities.values())


# --- small hand-made files --------------------------------------------------------------------


def _row(**cells: str) -> list[str]:
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        {
            "Name 6": "DOE",
            "Name 1": "John",
            "Group Type": "Individual",
            "Alias Type": "Primary name",
            "Regime": "Test",
            "Listed On": "01/02/2020",
            "Group ID": "1",
        }
    )
    base.update({k.replace("_", " "): v for k, v in cells.items()})
    return [base[c] for c in COLUMNS]


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Last Updated", "14/04/2025"])
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def test_csv_rows_merge_and_dob_precision(tmp_path: Path) -> None:
    rows = [
        _row(DOB="00/00/1960", Nationality="(1) Germany. (2) Morocco"),
        _row(DOB="00/05/1961", Alias_Type="AKA", Alias_Quality="Low quality", Name_1="Jon"),
        _row(DOB="03/05/1962", Alias_Type="FKA", Name_1="Johann"),
        _row(Group_ID="2", Name_1="", Name_6="ACME", Group_Type="Entity"),
    ]
    parsed = read_uk_conlist(_write_csv(tmp_path / "c.csv", rows))
    first, second = list(parsed.entities)
    assert [b.date for b in first.birth_dates] == ["1960", "1961-05", "1962-05-03"]
    assert first.nationalities == ("DE", "MA")
    assert [(n.full, n.kind) for n in first.names] == [
        ("John DOE", NameKind.PRIMARY),
        ("Jon DOE", NameKind.WEAK_ALIAS),
        ("Johann DOE", NameKind.FORMER),
    ]
    assert second.schema is EntityType.ORGANIZATION
    assert second.names[0].family is None


def test_latin1_csv_and_gzip(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "l.csv", [_row(Name_6="DÉJÀ")], encoding="latin-1")
    assert next(read_uk_conlist(path).entities).primary_name == "John DÉJÀ"
    packed = tmp_path / "l.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert next(read_uk_conlist(packed).entities).primary_name == "John DÉJÀ"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([_row(DOB="31/02/1970")], "invalid DOB"),
        ([_row(DOB="1970-01-01")], "expected DOB"),
        ([_row(Group_ID="")], "empty Group ID"),
        ([_row(Group_Type="Aircraft")], "Group Type"),
        ([_row(Alias_Type="Nickname")], "unknown Alias Type"),
        ([_row(Listed_On="2020")], "dd/mm/yyyy"),
        ([[*_row(), "extra"]], "expected 36 columns, found 37"),
        ([_row()[:-3]], "expected 36 columns, found 33"),
    ],
)
def test_bad_rows_name_the_line(tmp_path: Path, rows: list[list[str]], expected: str) -> None:
    path = _write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(UkParseError, match=expected) as info:
        list(read_uk_conlist(path).entities)
    assert "bad.csv" in str(info.value)
    assert "line 3" in str(info.value)


def test_bad_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UkParseError, match="empty"):
        read_uk_conlist(empty)
    no_date = tmp_path / "nodate.csv"
    no_date.write_text(",".join(COLUMNS) + "\n")
    with pytest.raises(UkParseError, match="Last Updated"):
        read_uk_conlist(no_date)
    short_header = tmp_path / "header.csv"
    short_header.write_text("Last Updated 14/04/2025\nName 6,Group ID\n")
    with pytest.raises(UkParseError, match=r"header lacks column.*Name 1.*read as utf-8"):
        read_uk_conlist(short_header)
    fake_zip = tmp_path / "ConList.xlsx"
    fake_zip.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(UkParseError, match="xlsx"):
        read_uk_conlist(fake_zip)
    with pytest.raises(ListParseError, match="cannot open"):
        read_uk_conlist(tmp_path / "missing.xlsx")
    truncated = tmp_path / "ConList.csv.gz"
    truncated.write_bytes(gzip.compress(b"Last Updated,14/04/2025\n" * 50)[:30])
    with pytest.raises(UkParseError, match="cannot read"):
        read_uk_conlist(truncated)
