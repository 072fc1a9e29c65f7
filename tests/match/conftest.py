"""Matchers over the real lists, built once per test session (per xdist worker)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scrutiny.match import Matcher
from scrutiny.model import Entity


def sdn_entities(mirror_dir: Path) -> Iterator[Entity]:
    """The SDN list with the archive's alias file, so aliases are indexed too."""
    from scrutiny.sources.ofac_csv import read_sdn_csv

    alt = mirror_dir.parent / "archive" / "ofac" / "ofac_sdn_alt_2025-12-24.csv"
    parsed = read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV", alt=alt if alt.exists() else None)
    return parsed.entities


# (module, function, path under mirror/): every list in the mirror with a parser for it.
_OTHER_LISTS = (
    ("scrutiny.sources.un", "read_un_xml", "un/consolidated.xml"),
    ("scrutiny.sources.eu", "read_eu_xml", "eu/xmlFullSanctionsList_1_1.xml.gz"),
    ("scrutiny.sources.uk", "read_uk_conlist", "uk/ConList.xlsx"),
)


def other_list_readers() -> list[tuple[str, Callable[[Path], object] | None]]:
    """(list file, reader or None when its parser does not exist yet)."""
    readers: list[tuple[str, Callable[[Path], object] | None]] = []
    for module, function, path in _OTHER_LISTS:
        try:
            readers.append((path, getattr(importlib.import_module(module), function)))
        except (ImportError, AttributeError):
            readers.append((path, None))
    return readers


@pytest.fixture(scope="session")
def sdn_matcher(mirror_dir: Path) -> Matcher:
    return Matcher.from_entities(sdn_entities(mirror_dir))


@pytest.fixture(scope="session")
def all_matcher(mirror_dir: Path) -> Matcher:
    """Every list in the mirror whose parser exists."""

    def entities() -> Iterator[Entity]:
        yield from sdn_entities(mirror_dir)
        for path, reader in other_list_readers():
            if reader is not None:
                yield from reader(mirror_dir / path).entities  # type: ignore[attr-defined]

    return Matcher.from_entities(entities())
