"""Mutated real OFAC records fed to every OFAC parser: only OfacParseError may come out."""

from __future__ import annotations

import contextlib
import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.sources.ofac_csv import OfacParseError, read_cons_csv, read_sdn_csv
from scrutiny.sources.ofac_remarks import parse_remarks
from scrutiny.sources.ofac_xml import read_ofac_xml

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _sample_lines(path: Path, wanted: tuple[str, ...], limit: int = 40) -> list[bytes]:
    """Real rows: the DPRK and other interesting ones, plus the file's first rows."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    lines = [line for line in data.split(b"\r\n") if line and line != b"\x1a"]
    picked = [line for line in lines if any(w.encode() in line for w in wanted)]
    return (picked[:limit] + lines[:10])[: limit + 10]


@pytest.fixture(scope="module")
def sdn_rows(mirror_dir: Path) -> list[bytes]:
    wanted = ("DPRK", "Digital Currency", "aircraft", "vessel", "a.k.a.", "DOB circa")
    return _sample_lines(mirror_dir / "ofac" / "SDN.CSV", wanted)


@pytest.fixture(scope="module")
def side_rows(archive_dir: Path) -> dict[str, list[bytes]]:
    base = archive_dir / "ofac"
    return {
        "ADD.CSV": _sample_lines(base / "ofac_sdn_add_2025-12-24.csv", ("Korea",)),
        "ALT.CSV": _sample_lines(base / "ofac_sdn_alt_2025-12-24.csv", ("fka", "nka")),
        "SDN_COMMENTS.CSV": _sample_lines(base / "ofac_sdn_comments_2025-12-24.csv", ("a.k.a",)),
    }


@pytest.fixture(scope="module")
def xml_entries(archive_dir: Path) -> tuple[bytes, list[bytes]]:
    raw = (archive_dir / "ofac" / "ofac_consolidated_nonsdn_2024-02-23.xml").read_bytes()
    head, _, rest = raw.partition(b"<sdnEntry>")
    entries = [
        b"<sdnEntry>" + part.split(b"</sdnEntry>")[0] + b"</sdnEntry>"
        for part in rest.split(b"<sdnEntry>")
    ]
    return head, [e for e in entries if b"<idList>" in e][:30] + entries[:10]


_MUTATIONS = st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate", "swap"])


def _mutate(data: bytes, op: str, position: int, noise: bytes) -> bytes:
    if not data:
        return noise
    at = position % len(data)
    if op == "flip":
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    if op == "delete":
        return data[:at] + data[at + len(noise) + 1 :]
    if op == "insert":
        return data[:at] + noise + data[at:]
    if op == "duplicate":
        return data[:at] + data[at : at + 40] + data[at:]
    if op == "truncate":
        return data[:at]
    return data[at:] + data[:at]


def _mutated(rows: list[bytes], data: st.DataObject) -> bytes:
    chosen = data.draw(st.lists(st.sampled_from(rows), min_size=1, max_size=4))
    body = b"\r\n".join(chosen) + b"\r\n\x1a"
    for _ in range(data.draw(st.integers(1, 3))):
        body = _mutate(
            body,
            data.draw(_MUTATIONS),
            data.draw(st.integers(0, 10_000)),
            data.draw(st.binary(min_size=0, max_size=6)),
        )
    return body


@FUZZ
@given(data=st.data())
def test_sdn_csv_fuzz(tmp_path: Path, sdn_rows: list[bytes], data: st.DataObject) -> None:
    path = tmp_path / "SDN.CSV"
    path.write_bytes(_mutated(sdn_rows, data))
    try:
        for entity in read_sdn_csv(path).entities:
            assert entity.names and entity.provenance.content_hash
    except OfacParseError:
        pass


@FUZZ
@given(data=st.data())
def test_side_files_fuzz(
    tmp_path: Path, sdn_rows: list[bytes], side_rows: dict[str, list[bytes]], data: st.DataObject
) -> None:
    sdn = tmp_path / "SDN.CSV"
    sdn.write_bytes(b"\r\n".join(sdn_rows) + b"\r\n\x1a")
    which = data.draw(st.sampled_from(sorted(side_rows)))
    side = tmp_path / which
    side.write_bytes(_mutated(side_rows[which], data))
    kwargs = {"ADD.CSV": "add", "ALT.CSV": "alt", "SDN_COMMENTS.CSV": "comments"}
    try:
        parsed = read_sdn_csv(sdn, **{kwargs[which]: side})
        list(parsed.entities)
        parsed_cons = read_cons_csv(sdn, **{kwargs[which]: side})
        list(parsed_cons.entities)
    except OfacParseError:
        pass


@FUZZ
@given(data=st.data())
def test_xml_fuzz(
    tmp_path: Path, xml_entries: tuple[bytes, list[bytes]], data: st.DataObject
) -> None:
    head, entries = xml_entries
    chosen = data.draw(st.lists(st.sampled_from(entries), min_size=1, max_size=3))
    body = head + b"\n".join(chosen) + b"</sdnList>\n"
    for _ in range(data.draw(st.integers(1, 3))):
        body = _mutate(
            body,
            data.draw(_MUTATIONS),
            data.draw(st.integers(0, 100_000)),
            data.draw(st.binary(min_size=0, max_size=6)),
        )
    path = tmp_path / "sdn.xml"
    path.write_bytes(body)
    with contextlib.suppress(OfacParseError):
        list(read_ofac_xml(path).entities)


def test_a_tag_name_lxml_cannot_name_is_no_crash(
    tmp_path: Path, xml_entries: tuple[bytes, list[bytes]]
) -> None:
    # Found by test_xml_fuzz: a byte inserted before a tag (<:publshInformation>) made
    # etree.QName raise ValueError out of the reader.
    head, entries = xml_entries
    assert b"<publshInformation>" in head
    body = head.replace(b"<publshInformation>", b"<:publshInformation>", 1)
    path = tmp_path / "sdn.xml"
    path.write_bytes(body + entries[0] + b"</sdnList>\n")
    with contextlib.suppress(OfacParseError):
        list(read_ofac_xml(path).entities)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_remarks_parser_never_raises(text: str) -> None:
    fields = parse_remarks(text)
    # nothing is lost: every statement either filled a field or stayed in remarks
    assert fields.remarks is None or isinstance(fields.remarks, str)
