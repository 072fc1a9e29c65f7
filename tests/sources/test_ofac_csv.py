"""OFAC legacy CSV sets (SDN.CSV + ADD/ALT/COMMENTS, CONS_*), on the real files."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

import pytest

from scrutiny.errors import ListParseError
from scrutiny.model import Entity, EntityType, IdKind, NameKind
from scrutiny.sources.ofac_csv import OfacParseError, read_cons_csv, read_sdn_csv, split_programs
from scrutiny.sources.programs import is_dprk, regimes

HISTORY_COUNTS = {
    "2023-08-10": 12822,
    "2023-11-30": 13427,
    "2024-03-04": 14426,
    "2024-04-25": 14670,
    "2024-04-26": 14668,
    "2024-05-01": 14966,
    "2024-05-02": 14973,
}


@pytest.fixture(scope="module")
def sdn(mirror_dir: Path) -> dict[str, Entity]:
    parsed = read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV", publisher_date="2024-05-03")
    return {e.provenance.source_record_id: e for e in parsed.entities}


def _side_files(archive_dir: Path) -> tuple[Path, Path, Path]:
    base = archive_dir / "ofac"
    return (
        base / "ofac_sdn_add_2025-12-24.csv",
        base / "ofac_sdn_alt_2025-12-24.csv",
        base / "ofac_sdn_comments_2025-12-24.csv",
    )


def test_sdn_counts_match_sources_md(sdn: dict[str, Entity]) -> None:
    assert len(sdn) == 14965
    types = Counter(e.schema for e in sdn.values())
    assert types[EntityType.PERSON] == 6854
    assert types[EntityType.VESSEL] == 851
    assert types[EntityType.AIRCRAFT] == 376
    dprk = [e for e in sdn.values() if any("DPRK" in p for p in e.programs)]
    assert len(dprk) == 484
    assert sum(e.schema is EntityType.VESSEL for e in dprk) == 105
    assert all(e.provenance.publisher_date == "2024-05-03" for e in dprk)


def test_foreign_trade_bank(sdn: dict[str, Entity]) -> None:
    ftb = sdn["15603"]
    assert ftb.primary_name == "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"
    assert ftb.schema is EntityType.ORGANIZATION
    assert ftb.programs == ("NPWMD", "DPRK3")
    assert [(i.kind, i.value) for i in ftb.identifiers] == [(IdKind.BIC, "FTBDKPPY")]
    assert ftb.provenance.content_hash
    assert ftb.id == "ofac_sdn:15603"


def test_kim_jong_un(sdn: dict[str, Entity]) -> None:
    kim = sdn["20157"]
    assert kim.schema is EntityType.PERSON
    assert kim.names[0].family == "KIM"
    assert kim.names[0].given == "Jong Un"
    assert [b.date for b in kim.birth_dates] == ["1984-01-08"]
    assert kim.programs == ("DPRK3",)
    assert kim.positions == ("Chairman of the Workers' Party of Korea",)


def test_dprk_vessel_has_imo_and_flag(sdn: dict[str, Entity]) -> None:
    vessel = sdn["17069"]  # CHONG CHON GANG
    assert vessel.schema is EntityType.VESSEL
    assert vessel.vessel is not None
    assert vessel.vessel.flag == "KP"
    assert vessel.vessel.flag_text == "Democratic People's Republic of Korea"
    assert vessel.vessel.vessel_type == "General Cargo"
    assert [(i.kind, i.value) for i in vessel.identifiers] == [(IdKind.IMO, "7937317")]


def test_every_dprk_vessel_with_a_flag_resolves_it(sdn: dict[str, Entity]) -> None:
    vessels = [
        e
        for e in sdn.values()
        if e.schema is EntityType.VESSEL and any("DPRK" in p for p in e.programs)
    ]
    flagged = [v for v in vessels if v.vessel and v.vessel.flag_text]
    assert flagged
    assert all(v.vessel and v.vessel.flag for v in flagged)
    assert sum(any(i.kind is IdKind.IMO for i in v.identifiers) for v in vessels) >= 100


def test_dprk_crypto_addresses(sdn: dict[str, Entity]) -> None:
    crypto = [
        (e, i)
        for e in sdn.values()
        if any("DPRK" in p for p in e.programs)
        for i in e.identifiers
        if i.kind is IdKind.CRYPTO
    ]
    assert crypto
    assert {i.currency for _, i in crypto} >= {"XBT", "ETH"}
    assert all(i.value and " " not in i.value for _, i in crypto)


def test_weak_aliases_from_remarks(sdn: dict[str, Entity]) -> None:
    mftb = sdn["42796"]  # MYANMA FOREIGN TRADE BANK: "a.k.a. 'MFTB'" in Remarks
    assert [(n.full, n.kind) for n in mftb.names[1:]] == [("MFTB", NameKind.WEAK_ALIAS)]


def test_remarks_keep_what_is_not_parsed(mirror_dir: Path, sdn: dict[str, Entity]) -> None:
    """Every 'Additional Sanctions Information' statement survives in remarks."""
    raw = (mirror_dir / "ofac" / "SDN.CSV").read_text(encoding="latin-1")
    expected = raw.count("Additional Sanctions Information -")
    kept = sum((e.remarks or "").count("Additional Sanctions Information -") for e in sdn.values())
    assert kept == expected > 0


def _raw_ent_nums(path: Path) -> list[str]:
    with path.open(encoding="latin-1", newline="") as handle:
        return [row[0] for row in csv.reader(handle) if len(row) > 1]


def test_orphans_in_newer_side_files_are_reported(mirror_dir: Path, archive_dir: Path) -> None:
    sdn_path = mirror_dir / "ofac" / "SDN.CSV"
    add, alt, comments = _side_files(archive_dir)
    parsed = read_sdn_csv(sdn_path, add, alt, comments)
    entities = {e.provenance.source_record_id: e for e in parsed.entities}
    known = set(_raw_ent_nums(sdn_path))
    expected = {
        path.name: sum(n not in known for n in _raw_ent_nums(path)) for path in (add, alt, comments)
    }
    found = Counter(w.split(":", 1)[0] for w in parsed.warnings)
    assert dict(found) == {name: count for name, count in expected.items() if count}
    assert sum(expected.values()) > 0
    assert all("ent_num" in w and ":line " in w for w in parsed.warnings)
    # joined data: FTB gets its Pyongyang address with the ISO country code
    ftb = entities["15603"]
    assert any(a.country == "KP" for a in ftb.addresses)


def test_comments_continue_truncated_remarks(mirror_dir: Path, archive_dir: Path) -> None:
    comments = _side_files(archive_dir)[2]
    parsed = read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV", comments=comments)
    entities = {e.provenance.source_record_id: e for e in parsed.entities}
    with comments.open(encoding="latin-1", newline="") as handle:
        rows = [r for r in csv.reader(handle) if len(r) == 2 and r[0] in entities]
    assert rows
    for ent_num, _ in rows:
        entity = entities[ent_num]
        # the join happened: the continuation's statements are parsed or kept, never dropped
        assert entity.remarks or entity.identifiers or len(entity.names) > 1


def test_cons_csv(mirror_dir: Path) -> None:
    base = mirror_dir / "ofac"
    parsed = read_cons_csv(
        base / "CONS_PRIM.CSV",
        base / "CONS_ADD.CSV",
        base / "CONS_ALT.CSV",
        base / "CONS_COMMENTS.CSV",
    )
    entities = list(parsed.entities)
    assert len(entities) == 442
    assert parsed.list_id == "ofac_cons"
    assert all(e.id.startswith("ofac_cons:") for e in entities)
    assert parsed.warnings == []
    haniya = next(e for e in entities if e.provenance.source_record_id == "9639")
    assert haniya.programs == ("NS-PLC",)
    assert [b.date for b in haniya.birth_dates] == ["1962"]
    assert {n.full for n in haniya.names if n.kind is NameKind.STRONG_ALIAS} >= {"HANIYA, Ismail"}
    alias_rows = sum(1 for _ in (base / "CONS_ALT.CSV").open(encoding="latin-1")) - 1
    assert (
        sum(
            1
            for e in entities
            for n in e.names
            if n.kind is not NameKind.PRIMARY and n.note != "weak"
        )
        >= alias_rows * 0.9
    )


@pytest.mark.slow
@pytest.mark.parametrize(("date", "count"), sorted(HISTORY_COUNTS.items()))
def test_history_files(archive_dir: Path, date: str, count: int) -> None:
    path = archive_dir / "ofac" / "history" / f"ofac_sdn_{date}.csv.gz"
    assert sum(1 for _ in read_sdn_csv(path).entities) == count


def test_split_programs() -> None:
    assert split_programs("NPWMD] [DPRK3") == ("NPWMD", "DPRK3")
    assert split_programs("SDGT") == ("SDGT",)
    assert split_programs(None) == ()


# --- bad input -----------------------------------------------------------------------------

GOOD_ROW = (
    '20157,"KIM, Jong Un","individual","DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1984."'
)


def _write(tmp_path: Path, data: bytes, name: str = "SDN.CSV") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _parse_all(path: Path) -> list[Entity]:
    return list(read_sdn_csv(path).entities)


def test_small_good_file_parses(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ROW.encode("latin-1") + b"\r\n\x1a")
    assert [e.id for e in _parse_all(path)] == ["ofac_sdn:20157"]


def test_gzip_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(GOOD_ROW.encode() + b"\r\n\x1a"), "SDN.CSV.gz")
    assert [e.provenance.source_file for e in _parse_all(path)] == ["SDN.CSV"]


def test_wrong_column_count(tmp_path: Path) -> None:
    path = _write(tmp_path, (GOOD_ROW + '\r\n36,"X",-0- \r\n').encode())
    with pytest.raises(OfacParseError, match=r"SDN\.CSV:line 2: expected 12 columns, found 3"):
        _parse_all(path)


def test_wrong_encoding_utf16(tmp_path: Path) -> None:
    path = _write(tmp_path, (GOOD_ROW + "\r\n").encode("utf-16"))
    with pytest.raises(OfacParseError, match=r"SDN\.CSV:line 1: not latin-1"):
        _parse_all(path)


def test_wrong_encoding_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_ROW.replace("Jong Un", "Jöng Ün").encode("utf-8") + b"\r\n")
    with pytest.raises(OfacParseError, match="line 1: text is not latin-1"):
        _parse_all(path)


def test_truncated_file(tmp_path: Path) -> None:
    data = (GOOD_ROW + "\r\n" + GOOD_ROW.replace("20157", "20158")).encode()
    path = _write(tmp_path, data[:-5])  # cut inside the last quoted Remarks
    with pytest.raises(OfacParseError, match=r"SDN\.CSV:line 2"):
        _parse_all(path)


def test_truncated_at_cell_boundary(tmp_path: Path) -> None:
    data = (GOOD_ROW + "\r\n" + GOOD_ROW.replace("20157", "20158")).encode()
    path = _write(tmp_path, data)  # no CRLF, no 0x1A: the writer stopped mid-file
    with pytest.raises(OfacParseError, match="truncated"):
        _parse_all(path)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(OfacParseError, match=r"SDN\.CSV:line 1: empty file"):
        _parse_all(_write(tmp_path, b""))


def test_missing_file_is_a_list_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ListParseError, match="cannot open"):
        _parse_all(tmp_path / "SDN.CSV")


def test_bad_type_and_bad_ent_num(tmp_path: Path) -> None:
    bad_type = GOOD_ROW.replace('"individual"', '"spaceship"')
    with pytest.raises(OfacParseError, match="line 1: SDN_Type"):
        _parse_all(_write(tmp_path, bad_type.encode() + b"\r\n"))
    bad_num = GOOD_ROW.replace("20157", "x1")
    with pytest.raises(OfacParseError, match="ent_num must be a number"):
        _parse_all(_write(tmp_path, bad_num.encode() + b"\r\n"))


def test_duplicate_ent_num(tmp_path: Path) -> None:
    path = _write(tmp_path, f"{GOOD_ROW}\r\n{GOOD_ROW}\r\n".encode())
    with pytest.raises(OfacParseError, match="line 2: duplicate ent_num 20157"):
        _parse_all(path)


def test_bad_side_file_fails_before_streaming(tmp_path: Path) -> None:
    sdn = _write(tmp_path, GOOD_ROW.encode() + b"\r\n")
    add = _write(tmp_path, b'20157,1,"street"\r\n', "ADD.CSV")
    with pytest.raises(OfacParseError, match=r"ADD\.CSV:line 1: expected 6 columns"):
        read_sdn_csv(sdn, add=add)


# --- canonical regimes (sources/programs.py), checked on the OFAC codes it must know -------


def test_dprk_regime_matches_sources_md_count(sdn: dict[str, Entity]) -> None:
    assert sum(is_dprk("ofac_sdn", e.programs) for e in sdn.values()) == 484
    assert regimes("ofac_sdn", sdn["15603"].programs) == {"DPRK", "PROLIFERATION"}


@pytest.mark.parametrize(
    ("list_id", "programs", "expected"),
    [
        ("ofac_sdn", ("DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"), True),
        ("ofac_sdn", ("NPWMD", "SDGT"), False),
        ("un_sc", ("DPRK",), True),
        ("un_sc", ("KPi.033",), True),
        ("un_sc", ("Al-Qaida",), False),
        ("eu_fsf", ("PRK",), True),
        ("eu_fsf", ("IRN",), False),
        ("uk_ofsi", ("Democratic People's Republic of Korea",), True),
        ("uk_ofsi", ("Russia",), False),
        # a code means what its own list says: PRK is an EU code, not an OFAC one
        ("ofac_sdn", ("PRK",), False),
    ],
)
def test_is_dprk(list_id: str, programs: tuple[str, ...], expected: bool) -> None:
    assert is_dprk(list_id, programs) is expected


def test_is_dprk_without_list_id() -> None:
    assert is_dprk(None, ("DPRK3",)) is True
    assert is_dprk(None, ("NPWMD",)) is False
    assert regimes(None, ["RUSSIA-EO14024", "IRGC"]) == {"RUSSIA", "IRAN"}
