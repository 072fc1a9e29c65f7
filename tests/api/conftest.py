"""Fixtures for the API tests (helpers in api_fakes.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import Api, make_api


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    made = make_api(f"sqlite:///{tmp_path / 'api.db'}", tmp_path)
    yield made
    made.store.close()
