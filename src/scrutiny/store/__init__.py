"""The list version store: every load of a list is a version, with deltas between versions.

SQLite (embedded default, in the user data dir) or PostgreSQL (`SCRUTINY_DATABASE_URL`);
the schema is created and upgraded by the Alembic migrations shipped in `migrations/`.
"""

from scrutiny.store.db import EntityHistory, EntityNotFoundError, Store, connect
from scrutiny.store.delta import Delta, DeltaSummary
from scrutiny.store.versions import ListVersion, LoadResult, hash_files

__all__ = [
    "Delta",
    "DeltaSummary",
    "EntityHistory",
    "EntityNotFoundError",
    "ListVersion",
    "LoadResult",
    "Store",
    "connect",
    "hash_files",
]
