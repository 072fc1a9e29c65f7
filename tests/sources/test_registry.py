"""Recognising list files in a folder: by publisher file name, or by XML root element."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scrutiny.errors import UnknownFormatError
from scrutiny.sources.registry import ListFormat, discover, scan

OFAC_XML = '<?xml version="1.0"?><sdnList xmlns="http://tempuri.org/sdnList.xsd"></sdnList>'
UN_XML = '<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27"/>'
EU_XML = '<export xmlns="http://eu.europa.ec/fpi/fsd/export"/>'


def _write(path: Path, text: str, *, gz: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_real_mirror_is_recognised_completely(mirror_dir: Path) -> None:
    found = scan(mirror_dir)
    assert found.problems == []
    by_list = {source.list_id: source for source in found.sources}
    assert set(by_list) == {"ofac_sdn", "ofac_cons", "un_sc", "eu_fsf", "uk_ofsi"}
    assert by_list["ofac_sdn"].format is ListFormat.OFAC_SDN_CSV
    cons = by_list["ofac_cons"]
    assert [p.name for p in cons.files] == [
        "CONS_PRIM.CSV",
        "CONS_ADD.CSV",
        "CONS_ALT.CSV",
        "CONS_COMMENTS.CSV",
    ]
    assert set(cons.parts) == {"primary", "add", "alt", "comments"}
    # mirror/un/consolidated.xml is the UN list, told apart from OFAC's file of the same name
    # by its root element
    assert by_list["un_sc"].format is ListFormat.UN_XML
    assert by_list["eu_fsf"].files[0].name == "xmlFullSanctionsList_1_1.xml.gz"
    assert by_list["uk_ofsi"].format is ListFormat.UK_CONLIST


def test_real_archive_xml_and_vessels(archive_dir: Path) -> None:
    found = scan(archive_dir)
    by_list = {source.list_id: source for source in found.sources}
    assert by_list["ofac_cons"].format is ListFormat.OFAC_XML
    assert by_list["un_1718_vessels"].format is ListFormat.UN_1718_VESSELS
    # Third-party transcriptions and history files are not publisher file names: reported.
    reported = {Path(problem.file).name for problem in found.problems}
    assert "ofac_sdn_2023-08-10.csv.gz" in reported
    assert "eu_fsf_2026-02-26_ammitto.jsonl.gz" in reported


def test_same_name_consolidated_xml_is_sniffed(tmp_path: Path) -> None:
    _write(tmp_path / "ofac" / "consolidated.xml", OFAC_XML)
    _write(tmp_path / "un" / "consolidated.xml", UN_XML)
    _write(tmp_path / "ofac" / "SDN.XML.gz", OFAC_XML, gz=True)
    _write(tmp_path / "eu" / "xmlFullSanctionsList_1_1.xml", EU_XML)
    found = {s.list_id: s.format for s in discover(tmp_path)}
    assert found == {
        "ofac_cons": ListFormat.OFAC_XML,
        "ofac_sdn": ListFormat.OFAC_XML,
        "un_sc": ListFormat.UN_XML,
        "eu_fsf": ListFormat.EU_XML,
    }


def test_names_are_case_insensitive_and_gz_is_accepted(tmp_path: Path) -> None:
    _write(tmp_path / "sdn.csv.gz", "1,x\n", gz=True)
    _write(tmp_path / "add.csv", "1,1\n")
    _write(tmp_path / "Sdn_Comments.Csv", "1,x\n")
    _write(tmp_path / "conlist.CSV", "x\n")
    _write(tmp_path / "my_customers.ftm.jsonl", "{}\n")
    _write(tmp_path / "1718_designated_vessels.csv", "imo_number\n")
    sources = {s.list_id: s for s in discover(tmp_path)}
    assert set(sources) == {"ofac_sdn", "uk_ofsi", "my_customers", "un_1718_vessels"}
    assert [p.name for p in sources["ofac_sdn"].files] == [
        "sdn.csv.gz",
        "add.csv",
        "Sdn_Comments.Csv",
    ]
    assert "alt" not in sources["ofac_sdn"].parts


def test_unknown_files_are_named(tmp_path: Path) -> None:
    _write(tmp_path / "SDN.CSV", "1,x\n")
    _write(tmp_path / "notes.pdf", "%PDF")
    _write(tmp_path / "other.xml", "<catalog/>")
    _write(tmp_path / "broken.xml", "not xml at all")
    _write(tmp_path / ".hidden", "ignored")
    found = scan(tmp_path)
    assert [s.list_id for s in found.sources] == ["ofac_sdn"]
    problems = {Path(p.file).name: p for p in found.problems}
    assert set(problems) == {"notes.pdf", "other.xml", "broken.xml"}
    assert all(isinstance(p, UnknownFormatError) for p in problems.values())
    assert "<catalog>" in str(problems["other.xml"])
    with pytest.raises(UnknownFormatError, match=r"broken\.xml|notes\.pdf|other\.xml"):
        discover(tmp_path)
    assert [s.list_id for s in discover(tmp_path, strict=False)] == ["ofac_sdn"]


def test_side_file_without_primary_is_reported(tmp_path: Path) -> None:
    _write(tmp_path / "ALT.CSV", "1,1\n")
    _write(tmp_path / "CONS_ADD.CSV", "1,1\n")
    found = scan(tmp_path)
    assert found.sources == []
    assert sorted(str(p) for p in found.problems) == [
        f"{tmp_path / 'ALT.CSV'}: side file without SDN.CSV in {tmp_path}",
        f"{tmp_path / 'CONS_ADD.CSV'}: side file without CONS_PRIM.CSV in {tmp_path}",
    ]


def test_two_sources_for_one_list_keep_one(tmp_path: Path) -> None:
    _write(tmp_path / "SDN.CSV", "1,x\n")
    _write(tmp_path / "sdn.xml", OFAC_XML)
    found = scan(tmp_path)
    assert [(s.list_id, s.format) for s in found.sources] == [("ofac_sdn", ListFormat.OFAC_SDN_CSV)]
    assert "a second source for list ofac_sdn" in str(found.problems[0])


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match="not a folder"):
        scan(tmp_path / "absent")


def test_read_dispatches_to_the_parser(mirror_dir: Path) -> None:
    cons = {s.list_id: s for s in discover(mirror_dir)}["ofac_cons"]
    parsed = cons.read()
    assert parsed.list_id == "ofac_cons"
    assert sum(1 for _ in parsed.entities) == 442  # SOURCES.md: 442 entries
