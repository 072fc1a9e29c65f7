"""Configuration in one place: environment variables prefixed SCRUTINY_."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"SCRUTINY_{name}")
    return value if value not in (None, "") else default


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    lists_dir: Path | None
    require_lists: bool

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def load_settings() -> Settings:
    """Read the settings from the environment (called afresh so tests can change it)."""
    data_dir = Path(_env("DATA_DIR") or user_data_dir("scrutiny", appauthor=False))
    database_url = _env("DATABASE_URL") or f"sqlite:///{data_dir / 'scrutiny.db'}"
    lists_dir = _env("LISTS_DIR")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        lists_dir=Path(lists_dir) if lists_dir else None,
        require_lists=_env("REQUIRE_LISTS", "0") == "1",
    )
