"""Opening the store: engine set-up for SQLite and PostgreSQL, migrations, and `Store`."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from scrutiny.errors import StoreError
from scrutiny.model import Entity, from_json
from scrutiny.settings import load_settings
from scrutiny.sources import ParsedList
from scrutiny.store.delta import Delta, compute_delta
from scrutiny.store.schema import entity_records, list_versions, version_entities
from scrutiny.store.versions import (
    ListVersion,
    LoadResult,
    current_version,
    list_all_versions,
    list_current_versions,
    load_parsed,
    require_version,
    version_from_row,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration: a store already there is opened without importing Alembic (0.4 s of
# every CLI command). tests/store check that it is the head of MIGRATIONS_DIR.
HEAD_REVISION = "n0001"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class EntityNotFoundError(StoreError):
    """No stored list version contains the requested entity id."""


class EntityHistory(NamedTuple):
    """An entity as last stored, and every list version it appears in (oldest first)."""

    entity: Entity
    versions: list[ListVersion]


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _stored_revision(engine: Engine) -> str | None:
    """The store's schema revision as Alembic records it; None for a new or another database."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no alembic_version table yet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest migration (no-op when it already is)."""
    if _stored_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    # Two processes may start at once: take the write lock before Alembic looks at the schema.
    with engine.connect() as conn:
        conn.execution_options(scrutiny_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7354851)")
            command.upgrade(_alembic_config(conn), "head")


def _sqlite_setup(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and real transactions on SQLite.

    pysqlite's own transaction handling begins transactions lazily and never for SELECT; we
    switch it off and emit BEGIN ourselves (the SQLAlchemy-documented recipe) so a load is
    one transaction. Writers use BEGIN IMMEDIATE, so two loads queue on the busy timeout
    instead of failing halfway with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster commits
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("scrutiny_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_store_engine(url: str) -> Engine:
    """An Engine for `url`, with the SQLite set-up applied and its folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot open the store at {_safe_url(url)}: cannot create {folder}: "
                    f"{exc.strerror}"
                ) from exc
        engine = create_engine(parsed)
        _sqlite_setup(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def connect(url: str | None = None) -> Store:
    """Open the store at `url` (default: settings' database URL), migrating it if needed."""
    url = url or load_settings().database_url
    try:
        engine = create_store_engine(url)
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the store at {_safe_url(url)}: {_reason(exc)}") from exc
    return Store(engine)


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: SQLAlchemyError) -> str:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip().splitlines()[0]
    return str(exc).splitlines()[0]


class Store:
    """The list version store. Every method runs in its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Connection]:
        """One database transaction; committed on success, rolled back on any exception.

        Other parts of scrutiny (alerts, decisions, audit) use this to add their rows.
        """
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(scrutiny_write=True)
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.url}: {_reason(exc)}") from exc

    def load_list(
        self, parsed: ParsedList, *, on_progress: Callable[[int], None] | None = None
    ) -> LoadResult:
        """Store a parsed list as its new current version, atomically.

        The same file content as an existing version creates nothing (`created` False).
        If the parser fails halfway, nothing is written and the previous version stays
        current. `on_progress(n)` is called with the number of entities read so far.
        A new version is written to the audit log in the same transaction.
        """
        from scrutiny.store import audit  # the audit module imports nothing of this one

        with self.transaction(write=True) as conn:
            result = load_parsed(conn, parsed, on_progress=on_progress)
            if result.created:
                audit.append(conn, "list_load", result.audit_payload())
            return result

    def current_versions(self) -> list[ListVersion]:
        """The current version of every list, ordered by list id."""
        with self.transaction() as conn:
            return list_current_versions(conn)

    def current_version(self, list_id: str) -> ListVersion | None:
        with self.transaction() as conn:
            return current_version(conn, list_id)

    def versions(self, list_id: str) -> list[ListVersion]:
        """Every version of one list, oldest first."""
        with self.transaction() as conn:
            return list_all_versions(conn, list_id)

    def iter_current_entities(self, list_ids: Iterable[str] | None = None) -> Iterator[Entity]:
        """Stream the entities of the current version of each list (or of `list_ids`)."""
        query = (
            select(entity_records.c.document)
            .join(version_entities, version_entities.c.record_id == entity_records.c.id)
            .join(list_versions, list_versions.c.id == version_entities.c.version_id)
            .where(list_versions.c.is_current.is_(True))
            .order_by(list_versions.c.list_id, entity_records.c.entity_id)
        )
        if list_ids is not None:
            query = query.where(list_versions.c.list_id.in_(list(list_ids)))
        with self.transaction() as conn:
            result = conn.execution_options(yield_per=2000).execute(query)
            for (document,) in result:
                yield from_json(document)

    def get_entity(self, entity_id: str) -> EntityHistory:
        """The entity as stored in the newest version holding it, and all its versions."""
        query = (
            select(list_versions, entity_records.c.document)
            .join(version_entities, version_entities.c.version_id == list_versions.c.id)
            .join(entity_records, entity_records.c.id == version_entities.c.record_id)
            .where(entity_records.c.entity_id == entity_id)
            .order_by(list_versions.c.number)
        )
        with self.transaction() as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise EntityNotFoundError(f"no list version contains entity {entity_id!r}")
        return EntityHistory(from_json(rows[-1].document), [version_from_row(r) for r in rows])

    def entity_names(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """The primary name last stored for each of `entity_ids` (missing ids left out)."""
        ids = list(dict.fromkeys(entity_ids))
        names: dict[str, str] = {}
        with self.transaction() as conn:
            for start in range(0, len(ids), 500):
                query = (
                    select(entity_records.c.entity_id, entity_records.c.name)
                    .where(entity_records.c.entity_id.in_(ids[start : start + 500]))
                    .order_by(entity_records.c.id)
                )
                names.update({row[0]: row[1] for row in conn.execute(query)})
        return names

    def diff(
        self,
        list_id: str,
        from_version: int | None = None,
        to_version: int | None = None,
    ) -> Delta:
        """Entities added, removed and changed between two versions (numbers within the list).

        Defaults: `to_version` is the current version, `from_version` the one before it
        (an empty list when `to_version` is the first).
        """
        with self.transaction() as conn:
            target = require_version(conn, list_id, to_version)
            if from_version is not None:
                source: ListVersion | None = require_version(conn, list_id, from_version)
            elif target.number > 1:
                source = require_version(conn, list_id, target.number - 1)
            else:
                source = None
            return compute_delta(conn, list_id, source, target)


__all__ = ["EntityHistory", "EntityNotFoundError", "Store", "connect", "migrate"]
