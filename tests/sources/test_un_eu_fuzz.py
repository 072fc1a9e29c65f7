"""Mutated real UN and EU records: the parsers fail only with their own error types."""

from __future__ import annotations

import contextlib
import copy
import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from scrutiny.sources import ParsedList
from scrutiny.sources.eu import NAMESPACE, EuParseError, read_eu_xml
from scrutiny.sources.un import UnParseError, read_un_xml

_UN_PICK = {"KPi.033", "KPi.066", "KPe.047", "KPe.056", "QDi.290"}
_EU_PICK = {"13", "7207", "5603", "147499", "116167"}
_FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _un_sample(mirror_dir: Path) -> bytes:
    root = etree.parse(str(mirror_dir / "un" / "consolidated.xml")).getroot()
    for group in root:
        for record in list(group):
            if (record.findtext("REFERENCE_NUMBER") or "").strip() not in _UN_PICK:
                group.remove(record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _eu_sample(mirror_dir: Path) -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}export", nsmap={None: NAMESPACE})
    root.set("generationDate", "2026-02-26T00:00:00")
    path = mirror_dir / "eu" / "xmlFullSanctionsList_1_1.xml.gz"
    with gzip.open(path) as handle:
        for _, elem in etree.iterparse(handle, tag=f"{{{NAMESPACE}}}sanctionEntity"):
            if elem.get("logicalId") in _EU_PICK:
                root.append(copy.deepcopy(elem))
            elem.clear()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="module")
def samples(mirror_dir: Path) -> dict[str, bytes]:
    return {"un": _un_sample(mirror_dir), "eu": _eu_sample(mirror_dir)}


def _mutate_bytes(data: bytes, draw: st.DrawFn) -> bytes:
    ops = draw(
        st.lists(
            st.sampled_from(["delete", "duplicate", "flip", "insert", "cut"]),
            min_size=1,
            max_size=4,
        )
    )
    for op in ops:
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = min(len(data), start + draw(st.integers(1, 64)))
        if op == "delete":
            data = data[:start] + data[end:]
        elif op == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        elif op == "flip":
            data = data[:start] + bytes([draw(st.integers(0, 255))]) + data[start + 1 :]
        elif op == "insert":
            data = data[:start] + draw(st.binary(min_size=1, max_size=16)) + data[start:]
        else:
            data = data[:start]
    return data


def _mutate_elements(data: bytes, draw: st.DrawFn) -> bytes:
    root = etree.fromstring(data)
    elements = list(root.iter())
    for _ in range(draw(st.integers(1, 4))):
        elem = elements[draw(st.integers(0, len(elements) - 1))]
        parent = elem.getparent()
        op = draw(st.sampled_from(["remove", "duplicate", "text", "attr"]))
        if op == "remove" and parent is not None:
            parent.remove(elem)
        elif op == "duplicate" and parent is not None:
            parent.append(copy.deepcopy(elem))
        elif op == "text":
            elem.text = draw(
                st.text(max_size=20).filter(
                    lambda t: "\x00" not in t and all(c.isprintable() for c in t)
                )
            )
        elif op == "attr" and elem.attrib:
            key = draw(st.sampled_from(sorted(elem.attrib)))
            elem.set(
                key, draw(st.sampled_from(["", "0000", "1999-02-31", "x", "true", "00", "-1"]))
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@st.composite
def _mutations(draw: st.DrawFn, kind: str) -> tuple[str, Callable[[bytes], bytes]]:
    mode = draw(st.sampled_from(["bytes", "elements", "gzip"]))
    return (
        mode,
        lambda data: (
            _mutate_elements(data, draw)
            if mode == "elements"
            else _mutate_bytes(data if mode == "bytes" else gzip.compress(data), draw)
        ),
    )


def _consume(reader: Callable[[Path], ParsedList], path: Path) -> None:
    parsed = reader(path)
    for entity in parsed.entities:
        assert entity.names and entity.id.startswith(parsed.list_id + ":")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "reader", "error"),
    [("un", read_un_xml, UnParseError), ("eu", read_eu_xml, EuParseError)],
)
@_FUZZ
@given(data=st.data())
def test_mutated_records_raise_only_own_errors(
    samples: dict[str, bytes],
    tmp_path: Path,
    kind: str,
    reader: Callable[[Path], ParsedList],
    error: type[Exception],
    data: st.DataObject,
) -> None:
    _, mutate = data.draw(_mutations(kind))
    mutated = mutate(samples[kind])
    path = tmp_path / f"{kind}.xml"
    path.write_bytes(mutated)
    with contextlib.suppress(error):
        _consume(reader, path)


def test_samples_parse_cleanly(samples: dict[str, bytes], tmp_path: Path) -> None:
    for kind, reader, count in (
        ("un", read_un_xml, len(_UN_PICK)),
        ("eu", read_eu_xml, len(_EU_PICK)),
    ):
        path = tmp_path / f"{kind}.xml"
        path.write_bytes(samples[kind])
        assert len(list(reader(path).entities)) == count
