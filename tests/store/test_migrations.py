"""The shipped Alembic migrations build exactly the tables `scrutiny.store.schema` declares."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import scrutiny.store
from scrutiny.store import Store
from scrutiny.store.db import MIGRATIONS_DIR
from scrutiny.store.schema import metadata


def test_migrated_schema_matches_declared_tables(store: Store) -> None:
    # Other store modules (alerts, audit, ...) add their tables to the same metadata.
    for module in pkgutil.iter_modules(scrutiny.store.__path__):
        importlib.import_module(f"scrutiny.store.{module.name}")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        differences = compare_metadata(context, metadata)
        assert differences == []
        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        assert context.get_current_revision() == head
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("list_versions")}
        assert "uq_list_versions_current" in indexes


def test_sqlite_pragmas(tmp_path: object) -> None:
    from scrutiny.store import connect

    with connect(f"sqlite:///{tmp_path}/s.db") as opened, opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_head_revision_is_the_newest_migration() -> None:
    # migrate() opens a store at HEAD_REVISION without importing Alembic: a new migration
    # must move the constant too, or every store would look current.
    from scrutiny.store.db import HEAD_REVISION

    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD_REVISION


def test_a_new_store_is_migrated_and_an_open_one_is_not_again(tmp_path: object) -> None:
    import subprocess
    import sys

    from scrutiny.store import connect

    url = f"sqlite:///{tmp_path}/s.db"
    with connect(url) as opened, opened.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        )
    # A fresh process opening the current store never imports Alembic.
    code = (
        "import sys; from scrutiny.store import connect\n"
        f"with connect({url!r}) as s: s.current_versions()\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
