"""Shared fixtures: the official list files and the databases tests run against."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_DEFAULT_LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "lists"


def lists_root() -> Path:
    return Path(os.environ.get("SCRUTINY_LISTS_DIR") or _DEFAULT_LISTS)


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    """The shared list folder (mirror/ and archive/). Skips when absent, unless CI requires it."""
    root = lists_root()
    if not (root / "mirror").is_dir():
        message = (
            f"official list files not found at {root} "
            "(set SCRUTINY_LISTS_DIR to the folder holding mirror/ and archive/)"
        )
        if os.environ.get("SCRUTINY_REQUIRE_LISTS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture(scope="session")
def mirror_dir(lists_dir: Path) -> Path:
    return lists_dir / "mirror"


@pytest.fixture(scope="session")
def archive_dir(lists_dir: Path) -> Path:
    return lists_dir / "archive"
