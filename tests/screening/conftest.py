"""A small persisted index over the real SDN list, shared by the screening tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.match import Matcher


@pytest.fixture(scope="session")
def sdn_index(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scrutiny.sources.ofac_csv import read_sdn_csv

    matcher = Matcher.from_entities(read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV").entities)
    folder = tmp_path_factory.mktemp("index")
    matcher.save(folder)
    return folder


@pytest.fixture(scope="session")
def sdn_loaded(sdn_index: Path) -> Matcher:
    return Matcher.load(sdn_index)
