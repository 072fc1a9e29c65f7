"""The hash-chained audit log: appends, verification, tampering detected at the right entry."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
import pytest
from sqlalchemy import delete, select, update
from store_fakes import fake_list, make_entity

from scrutiny.errors import ListParseError
from scrutiny.store import Store, audit


def fill(store: Store, n: int) -> None:
    for i in range(n):
        with store.transaction(write=True) as conn:
            audit.append(conn, "screening", {"i": i, "threshold": 0.7, "name": f"n{i}"})


def test_chain_links_each_entry_to_the_previous(store: Store) -> None:
    fill(store, 4)
    with store.transaction() as conn:
        entries = audit.entries(conn)
        report = audit.verify_chain(conn)
    assert [e.id for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert report.ok and report.checked == 4


def test_edited_payload_is_the_first_broken_entry(store: Store) -> None:
    fill(store, 5)
    with store.transaction(write=True) as conn:
        conn.execute(
            update(audit.audit_log)
            .where(audit.audit_log.c.id == 3)
            .values(
                payload=audit.canonical_json({"i": 99, "threshold": 0.7, "name": "n2"}).decode()
            )
        )
    with store.transaction() as conn:
        report = audit.verify_chain(conn)
    assert report.first_broken == 3 and "hash" in (report.problem or "")


def test_deleted_entry_is_detected(store: Store) -> None:
    fill(store, 5)
    with store.transaction(write=True) as conn:
        conn.execute(delete(audit.audit_log).where(audit.audit_log.c.id == 2))
    with store.transaction() as conn:
        report = audit.verify_chain(conn)
    assert report.first_broken == 3 and "missing" in (report.problem or "")


def test_rehashed_entry_breaks_the_next_link(store: Store) -> None:
    """Someone who edits an entry and recomputes its hash still breaks the next entry."""
    fill(store, 3)
    with store.transaction(write=True) as conn:
        row = conn.execute(audit.audit_log.select().where(audit.audit_log.c.id == 2)).one()
        payload = audit.canonical_json({"i": 1, "threshold": 0.1, "name": "n1"}).decode()
        digest = audit.entry_hash(row.prev_hash, 2, row.kind, row.created_at, payload)
        conn.execute(
            update(audit.audit_log)
            .where(audit.audit_log.c.id == 2)
            .values(payload=payload, hash=digest)
        )
    with store.transaction() as conn:
        assert audit.verify_chain(conn).first_broken == 3


def test_canonical_json_ignores_key_order() -> None:
    assert audit.canonical_json({"b": 1, "a": [1, 2]}) == audit.canonical_json(
        {"a": [1, 2], "b": 1}
    )


def test_every_new_list_version_is_audited_with_the_load(store: Store, tmp_path: Path) -> None:
    entities = [
        make_entity("fake", "1", "Korea Kwangson Banking Corp"),
        make_entity("fake", "2", "Foreign Trade Bank"),
    ]
    first = store.load_list(fake_list(tmp_path, entities))
    again = store.load_list(fake_list(tmp_path, entities))  # same content: no version, no entry
    broken = fake_list(tmp_path, [*entities, make_entity("fake", "3", "Ryonha")], fail_after=2)
    with pytest.raises(ListParseError):
        store.load_list(broken)  # a failed load writes neither a version nor an audit entry
    with store.transaction() as conn:
        loads = [r for r in conn.execute(select(audit.audit_log)) if r.kind == "list_load"]
        report = audit.verify_chain(conn)
    assert first.created and not again.created
    assert len(loads) == 1
    payload = orjson.loads(loads[0].payload)
    assert payload["list_id"] == "fake" and payload["version"] == first.version.number
    assert payload["content_hash"] == first.version.content_hash
    assert report.ok
