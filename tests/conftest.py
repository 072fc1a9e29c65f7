"""Shared fixtures: the official list files and the databases tests run against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from scrutiny.store import Store

_DEFAULT_LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "lists"


def lists_root() -> Path:
    # Absolute: tests link list files into temporary folders, where a relative path (make's
    # default ../shared/lists) would point nowhere.
    return Path(os.environ.get("SCRUTINY_LISTS_DIR") or _DEFAULT_LISTS).resolve()


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


# --- databases -----------------------------------------------------------------------------
# Tests that take `db_url` (or `store`) run once on SQLite and once on the real PostgreSQL
# server. Each PostgreSQL test gets its own schema (via search_path), dropped afterwards, so
# parallel workers never see each other's tables. PostgreSQL unreachable: skip, unless
# SCRUTINY_REQUIRE_POSTGRES=1 (CI), then fail.

_PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_pg_problem: list[str] = []  # cached reachability verdict: [] unknown, [""] ok, [reason]


def _postgres_url() -> str:
    return os.environ.get("SCRUTINY_TEST_POSTGRES_URL") or _PG_DEFAULT


def _require_postgres() -> None:
    if not _pg_problem:
        import sqlalchemy

        engine = sqlalchemy.create_engine(_postgres_url(), connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            _pg_problem.append("")
        except sqlalchemy.exc.SQLAlchemyError as exc:
            _pg_problem.append(f"PostgreSQL unreachable at {_postgres_url()}: {exc}")
        finally:
            engine.dispose()
    if _pg_problem[0]:
        if os.environ.get("SCRUTINY_REQUIRE_POSTGRES") == "1":
            pytest.fail(_pg_problem[0])
        pytest.skip(_pg_problem[0])


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    import uuid

    import sqlalchemy

    _require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sqlalchemy.create_engine(_postgres_url())
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sqlalchemy.engine.make_url(_postgres_url()).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite file in tmp_path, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scrutiny.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An open, migrated, empty store on each database backend."""
    from scrutiny.store import connect

    opened = connect(db_url)
    try:
        yield opened
    finally:
        opened.close()
