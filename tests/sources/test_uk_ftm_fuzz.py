"""Mutated real records: the UK and FtM parsers may fail only with their own error types."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import openpyxl
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrutiny.errors import ListParseError
from scrutiny.sources.ftm import FtmParseError, read_ftm, to_ftm
from scrutiny.sources.uk import read_uk_conlist

_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def uk_csv_head(mirror_dir: Path) -> bytes:
    """The first 60 rows of the real ConList (DPRK ship rows included) as OFSI-style CSV."""
    workbook = openpyxl.load_workbook(mirror_dir / "uk" / "ConList.xlsx", read_only=True)
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    dprk_ship_seen = 0
    for index, values in enumerate(rows):
        cells = ["" if v is None else str(v) for v in values]
        if index < 60 or ("Ship" in cells and dprk_ship_seen < 5):
            dprk_ship_seen += "Ship" in cells
            writer.writerow(cells)
        if index >= 60 and dprk_ship_seen >= 5:
            break
    workbook.close()
    return buffer.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def ftm_lines(uk_csv_head: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    path = tmp_path_factory.mktemp("fuzz") / "head.csv"
    path.write_bytes(uk_csv_head)
    entities = list(read_uk_conlist(path).entities)
    return [orjson.dumps(r) for e in entities for r in to_ftm(e)]


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, delete-length, insert) edits: truncation, deletion, junk insertion."""
    for position, length, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + length :]
    return data


_EDITS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1 << 20),
        st.integers(min_value=0, max_value=40),
        st.sampled_from([b"", b",", b'"', b"\n", b"\x00", b"\xff\xfe", b"(1)", b"00/13/20", b"{"])
        | st.binary(max_size=8),
    ),
    min_size=1,
    max_size=6,
)


@_SETTINGS
@given(edits=_EDITS)
def test_mutated_uk_csv(uk_csv_head: bytes, tmp_path: Path, edits: list) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(_mutate(uk_csv_head, edits))
    try:
        parsed = read_uk_conlist(path)
        for entity in parsed.entities:
            assert entity.id.startswith("uk_ofsi:")
    except ListParseError:
        pass  # UkParseError (or the shared open error): the only allowed failure


@_SETTINGS
@given(edits=_EDITS, start=st.integers(min_value=0, max_value=10_000))
def test_mutated_ftm_lines(ftm_lines: list[bytes], tmp_path: Path, edits: list, start: int) -> None:
    first = start % len(ftm_lines)
    chunk = b"\n".join(ftm_lines[first : first + 20])
    path = tmp_path / "e.ftm.json"
    path.write_bytes(_mutate(chunk, edits))
    try:
        for entity in read_ftm(path, dataset="fuzz").entities:
            assert entity.list_id == "fuzz"
    except FtmParseError:
        pass


@_SETTINGS
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=8,
    ),
    field=st.sampled_from(["id", "schema", "properties", "target", "name", "entity", "holder"]),
    start=st.integers(min_value=0, max_value=10_000),
)
def test_ftm_lines_with_wrong_types(
    ftm_lines: list[bytes], tmp_path: Path, value: object, field: str, start: int
) -> None:
    records = [orjson.loads(line) for line in ftm_lines[start % len(ftm_lines) :][:10]]
    record = records[0]
    if field in ("name", "entity", "holder"):
        record["properties"][field] = value
    else:
        record[field] = value
    path = tmp_path / "t.json"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    with contextlib.suppress(FtmParseError):
        list(read_ftm(path, dataset="fuzz").entities)
