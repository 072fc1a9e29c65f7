"""List versions: loading a parsed list as one atomic version, and reading versions back."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from scrutiny.errors import ListParseError, StoreError
from scrutiny.model import Entity, content_hash, to_json
from scrutiny.sources import ParsedList, open_source
from scrutiny.store.delta import Delta, compute_delta
from scrutiny.store.schema import entity_records, list_versions, version_entities

CHUNK = 2000  # rows per executemany: big enough to be fast, small enough to bound memory


@dataclass(frozen=True)
class ListVersion:
    """One loaded version of a list."""

    id: int  # database id, unique across lists
    list_id: str
    number: int  # 1, 2, 3 ... within the list
    content_hash: str
    publisher_date: str | None
    loaded_at: datetime
    source_files: tuple[str, ...]
    entity_count: int
    counts: dict[str, dict[str, int]]  # {"by_schema": {...}, "by_program": {...}}
    warnings: tuple[str, ...]
    is_current: bool

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "list_id": self.list_id,
            "version": self.number,
            "content_hash": self.content_hash,
            "publisher_date": self.publisher_date,
            "loaded_at": self.loaded_at.isoformat(),
            "source_files": list(self.source_files),
            "entity_count": self.entity_count,
            "counts": self.counts,
            "warnings": list(self.warnings),
            "is_current": self.is_current,
        }


@dataclass(frozen=True)
class LoadResult:
    """What `Store.load_list` did.

    `created` is False when the files' content was already loaded: then `version` is that
    existing version and `delta` is None.
    """

    version: ListVersion
    created: bool
    warnings: list[str] = field(default_factory=list)
    delta: Delta | None = None

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return self.version.counts

    def audit_payload(self) -> dict[str, Any]:
        """What the audit log records for this load."""
        return {
            "list_id": self.version.list_id,
            "version": self.version.number,
            "content_hash": self.version.content_hash,
            "publisher_date": self.version.publisher_date,
            "created": self.created,
            "entity_count": self.version.entity_count,
            "delta": str(self.delta.summary) if self.delta else None,
            "warnings": len(self.warnings),
        }


def hash_files(files: Sequence[Path]) -> str:
    """sha256 over the decompressed content of the list's files, in the order given.

    Decompressed, so that SDN.CSV and SDN.CSV.gz with the same rows are the same version;
    each file is length-prefixed so that moving bytes between files changes the hash.
    """
    digest = hashlib.sha256()
    for path in files:
        file_digest = hashlib.sha256()
        size = 0
        with open_source(path) as handle:
            while block := handle.read(1 << 20):
                file_digest.update(block)
                size += len(block)
        digest.update(f"{size}:".encode())
        digest.update(file_digest.digest())
    return digest.hexdigest()


def version_from_row(row: Row[Any]) -> ListVersion:
    loaded_at: datetime = row.loaded_at
    if loaded_at.tzinfo is None:  # SQLite returns naive datetimes; they are stored in UTC
        loaded_at = loaded_at.replace(tzinfo=UTC)
    return ListVersion(
        id=row.id,
        list_id=row.list_id,
        number=row.number,
        content_hash=row.content_hash,
        publisher_date=row.publisher_date,
        loaded_at=loaded_at,
        source_files=tuple(row.source_files),
        entity_count=row.entity_count,
        counts=row.counts,
        warnings=tuple(row.warnings),
        is_current=bool(row.is_current),
    )


def current_version(conn: Connection, list_id: str) -> ListVersion | None:
    row = conn.execute(
        select(list_versions).where(
            list_versions.c.list_id == list_id, list_versions.c.is_current.is_(True)
        )
    ).first()
    return version_from_row(row) if row else None


def get_version(conn: Connection, list_id: str, number: int) -> ListVersion | None:
    row = conn.execute(
        select(list_versions).where(
            list_versions.c.list_id == list_id, list_versions.c.number == number
        )
    ).first()
    return version_from_row(row) if row else None


def _existing_records(conn: Connection, list_id: str) -> dict[tuple[str, str], int]:
    query = select(
        entity_records.c.entity_id, entity_records.c.content_hash, entity_records.c.id
    ).where(entity_records.c.list_id == list_id)
    return {(row[0], row[1]): row[2] for row in conn.execute(query)}


def _record_row(entity: Entity, list_id: str, entity_hash: str) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "entity_id": entity.id,
        "content_hash": entity_hash,
        "schema": str(entity.schema),
        "name": entity.primary_name,
        "document": to_json(entity).decode(),
    }


def _lock_list(conn: Connection, list_id: str) -> None:
    """Serialise concurrent loads of one list (SQLite already does, by BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(key)s))", {"key": list_id})


def load_parsed(
    conn: Connection,
    parsed: ParsedList,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Store `parsed` as a new current version, inside the caller's transaction.

    The caller commits; any exception (a parser error halfway through the entity stream
    included) must roll the transaction back, which leaves the previous version current.
    """
    list_id = parsed.list_id
    files_hash = hash_files(parsed.files)
    _lock_list(conn, list_id)
    existing = conn.execute(
        select(list_versions).where(
            list_versions.c.list_id == list_id, list_versions.c.content_hash == files_hash
        )
    ).first()
    if existing is not None:
        version = version_from_row(existing)
        warnings = []
        if not version.is_current:
            # Reloading an older file is far more often a mistake than a publisher reverting
            # a list, so it must not roll the list back: report it and keep the current one.
            warnings.append(
                f"{list_id}: these files are version {version.number}, which is not current; "
                "the current version is unchanged"
            )
        return LoadResult(version=version, created=False, warnings=warnings)

    previous = current_version(conn, list_id)
    number = 1 + (
        conn.execute(
            select(func.max(list_versions.c.number)).where(list_versions.c.list_id == list_id)
        ).scalar()
        or 0
    )
    version_id = conn.execute(
        insert(list_versions).returning(list_versions.c.id),
        {
            "list_id": list_id,
            "number": number,
            "content_hash": files_hash,
            "publisher_date": parsed.publisher_date,
            "loaded_at": datetime.now(UTC),
            "source_files": [path.name for path in parsed.files],
            "entity_count": 0,
            "counts": {},
            "warnings": [],
            "is_current": False,
        },
    ).scalar_one()

    known = _existing_records(conn, list_id)
    seen: set[str] = set()
    load_warnings: list[str] = []
    by_schema: Counter[str] = Counter()
    by_program: Counter[str] = Counter()
    pending: list[tuple[Entity, str]] = []
    total = 0

    def flush() -> None:
        new_rows = [
            _record_row(entity, list_id, entity_hash)
            for entity, entity_hash in pending
            if (entity.id, entity_hash) not in known
        ]
        if new_rows:
            conn.execute(insert(entity_records), new_rows)
            # Read back the ids just assigned (portable; RETURNING with executemany is not
            # ordered on every backend).
            query = select(
                entity_records.c.entity_id, entity_records.c.content_hash, entity_records.c.id
            ).where(entity_records.c.entity_id.in_([row["entity_id"] for row in new_rows]))
            for eid, ehash, rid in conn.execute(query):
                known[(eid, ehash)] = rid
        conn.execute(
            insert(version_entities),
            [
                {"version_id": version_id, "record_id": known[(entity.id, entity_hash)]}
                for entity, entity_hash in pending
            ],
        )
        pending.clear()

    for entity in parsed.entities:
        if entity.list_id != list_id:
            raise ListParseError(
                entity.provenance.source_file,
                entity.provenance.source_record_id,
                f"entity of list {entity.list_id!r} in a load of {list_id!r}",
            )
        if entity.id in seen:
            load_warnings.append(
                f"{entity.provenance.source_file}:{entity.provenance.source_record_id}: "
                f"entity id {entity.id} appears twice; kept the first"
            )
            continue
        seen.add(entity.id)
        pending.append((entity, entity.provenance.content_hash or content_hash(entity)))
        by_schema[str(entity.schema)] += 1
        by_program.update(set(entity.programs))
        total += 1
        if len(pending) >= CHUNK:
            flush()
            if on_progress is not None:
                on_progress(total)
    if pending:
        flush()
    if on_progress is not None:
        on_progress(total)

    # Parser warnings are complete only now that the entity stream is consumed.
    warnings = [*parsed.warnings, *load_warnings]
    if previous is not None:
        conn.execute(
            update(list_versions).where(list_versions.c.id == previous.id).values(is_current=False)
        )
    conn.execute(
        update(list_versions)
        .where(list_versions.c.id == version_id)
        .values(
            entity_count=total,
            counts={
                "by_schema": dict(sorted(by_schema.items())),
                "by_program": dict(sorted(by_program.items())),
            },
            warnings=warnings,
            is_current=True,
        )
    )
    row = conn.execute(select(list_versions).where(list_versions.c.id == version_id)).one()
    version = version_from_row(row)
    delta = compute_delta(conn, list_id, previous, version)
    return LoadResult(version=version, created=True, warnings=warnings, delta=delta)


def list_all_versions(conn: Connection, list_id: str | None = None) -> list[ListVersion]:
    query = select(list_versions).order_by(list_versions.c.list_id, list_versions.c.number)
    if list_id is not None:
        query = query.where(list_versions.c.list_id == list_id)
    return [version_from_row(row) for row in conn.execute(query)]


def list_current_versions(
    conn: Connection, list_ids: Iterable[str] | None = None
) -> list[ListVersion]:
    query = (
        select(list_versions)
        .where(list_versions.c.is_current.is_(True))
        .order_by(list_versions.c.list_id)
    )
    if list_ids is not None:
        query = query.where(list_versions.c.list_id.in_(list(list_ids)))
    return [version_from_row(row) for row in conn.execute(query)]


def require_version(conn: Connection, list_id: str, number: int | None) -> ListVersion:
    """A version by number, or the current one; StoreError naming what is missing."""
    version = (
        current_version(conn, list_id) if number is None else get_version(conn, list_id, number)
    )
    if version is None:
        what = "no current version" if number is None else f"no version {number}"
        raise StoreError(f"list {list_id!r} has {what}")
    return version


__all__ = [
    "ListVersion",
    "LoadResult",
    "current_version",
    "get_version",
    "hash_files",
    "list_all_versions",
    "list_current_versions",
    "load_parsed",
    "require_version",
]
