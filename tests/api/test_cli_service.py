"""`scrutiny keys create`, `scrutiny audit verify`, `scrutiny monitor run` on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.store import audit, connect, keys


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SCRUTINY_DATABASE_URL", url)
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path))
    return url


def test_keys_create_prints_the_key_once_and_stores_its_hash(db: str) -> None:
    result = CliRunner().invoke(app, ["keys", "create", "--role", "analyst", "--label", "ana"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith(keys.KEY_PREFIX)
    with connect(db) as store, store.transaction() as conn:
        found = keys.lookup_key(conn, plain)
    assert found is not None and found.role is keys.Role.ANALYST and found.label == "ana"
    bad = CliRunner().invoke(app, ["keys", "create", "--role", "root"])
    assert bad.exit_code == 1 and "unknown role" in bad.output


def test_audit_verify_names_the_first_broken_entry(db: str) -> None:
    with connect(db) as store:
        for i in range(3):
            with store.transaction(write=True) as conn:
                audit.append(conn, "screening", {"i": i})
    ok = CliRunner().invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "3 entries" in ok.output
    with connect(db) as store, store.transaction(write=True) as conn:
        conn.execute(update(audit.audit_log).where(audit.audit_log.c.id == 2).values(kind="x"))
    broken = CliRunner().invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "entry 2" in broken.output
