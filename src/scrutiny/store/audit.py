"""The append-only audit log: every screening, alert, decision and list load, hash-chained.

Each entry stores `prev_hash` (the previous entry's hash) and `hash = sha256(prev_hash +
canonical JSON of {id, kind, created_at, payload})`. Editing, deleting or reordering any entry
changes a hash that a later entry depends on, so `verify_chain` finds the first entry that no
longer fits. Entries are appended inside the caller's write transaction, so an entry exists
exactly when the thing it records was committed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from scrutiny.store.schema import metadata

GENESIS = "0" * 64  # prev_hash of the first entry
# Any fixed key works; it only has to differ from the other advisory locks scrutiny takes.
_PG_AUDIT_LOCK = 7354852

audit_log = Table(
    "audit_log",
    metadata,
    # Assigned by `append` (max + 1 under a lock), not by the database: the id is hashed.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),  # screening, alert, decision, list_load, ...
    Column("created_at", String(40), nullable=False),  # ISO 8601 UTC, hashed as written
    Column("payload", Text, nullable=False),  # canonical JSON, hashed as written
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the audit log."""

    id: int
    kind: str
    created_at: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that is hashed: sorted keys, no whitespace."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def entry_hash(prev_hash: str, entry_id: int, kind: str, created_at: str, payload: str) -> str:
    """sha256 over the previous hash and the canonical JSON of this entry."""
    body = canonical_json(
        {"id": entry_id, "kind": kind, "created_at": created_at, "payload": orjson.loads(payload)}
    )
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def _lock(conn: Connection) -> None:
    # SQLite writers already hold the database lock (BEGIN IMMEDIATE); PostgreSQL needs one so
    # two workers never both append after the same entry.
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_AUDIT_LOCK})")


def append(conn: Connection, kind: str, payload: dict[str, Any]) -> AuditEntry:
    """Append one entry inside the caller's (write) transaction and return it."""
    _lock(conn)
    last = conn.execute(
        select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    entry_id = 1 if last is None else last.id + 1
    prev_hash = GENESIS if last is None else last.hash
    created_at = datetime.now(UTC).isoformat()
    body = canonical_json(payload).decode()
    digest = entry_hash(prev_hash, entry_id, kind, created_at, body)
    conn.execute(
        insert(audit_log),
        {
            "id": entry_id,
            "kind": kind,
            "created_at": created_at,
            "payload": body,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    return AuditEntry(entry_id, kind, created_at, orjson.loads(body), prev_hash, digest)


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found: entries checked and the first broken entry id (or None)."""

    checked: int
    first_broken: int | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify_chain(conn: Connection) -> ChainReport:
    """Recompute every hash in id order; report the first entry that does not fit the chain."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
    rows = conn.execution_options(yield_per=5000).execute(
        select(audit_log).order_by(audit_log.c.id)
    )
    for row in rows:
        if row.id != expected_id:
            return ChainReport(checked, row.id, f"entry {expected_id} is missing")
        if row.prev_hash != prev_hash:
            return ChainReport(checked, row.id, "prev_hash does not match the previous entry")
        try:
            digest = entry_hash(prev_hash, row.id, row.kind, row.created_at, row.payload)
        except orjson.JSONDecodeError:
            return ChainReport(checked, row.id, "payload is not valid JSON")
        if digest != row.hash:
            return ChainReport(checked, row.id, "content does not match its hash")
        prev_hash = row.hash
        expected_id += 1
        checked += 1
    return ChainReport(checked, None)


def entries(
    conn: Connection, *, kind: str | None = None, after: int = 0, limit: int = 100
) -> list[AuditEntry]:
    """Entries after id `after`, oldest first (optionally of one kind)."""
    query = select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(limit)
    if kind is not None:
        query = query.where(audit_log.c.kind == kind)
    return [
        AuditEntry(r.id, r.kind, r.created_at, orjson.loads(r.payload), r.prev_hash, r.hash)
        for r in conn.execute(query)
    ]


def count(conn: Connection) -> int:
    """Number of entries in the log."""
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


__all__ = [
    "GENESIS",
    "AuditEntry",
    "ChainReport",
    "append",
    "audit_log",
    "canonical_json",
    "count",
    "entries",
    "entry_hash",
    "verify_chain",
]
