"""The store's tables (SQLAlchemy Core). Alembic migrations in `migrations/` create them.

A list version is complete but cheap: each distinct entity record (one entity id with one
content hash) is stored once in `entity_records`, and `version_entities` says which records
make up which version. Loading a daily list that changed in 30 places adds 30 records and one
membership row per entity.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Explicit constraint names keep migrations portable between SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(100), nullable=False),
    # 1, 2, 3 ... per list: what users type in `scrutiny lists diff --from-version`
    Column("number", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),  # sha256 of the input files' content
    Column("publisher_date", String(32), nullable=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("source_files", JSON, nullable=False),  # file names as loaded
    Column("entity_count", Integer, nullable=False),
    Column("counts", JSON, nullable=False),  # {"by_schema": {...}, "by_program": {...}}
    Column("warnings", JSON, nullable=False),
    Column("is_current", Boolean, nullable=False, default=False),
    UniqueConstraint("list_id", "number"),
    UniqueConstraint("list_id", "content_hash"),
)
# At most one current version per list, enforced by the database itself.
Index(
    "uq_list_versions_current",
    list_versions.c.list_id,
    unique=True,
    sqlite_where=list_versions.c.is_current,
    postgresql_where=list_versions.c.is_current,
)

entity_records = Table(
    "entity_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(100), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("content_hash", String(64), nullable=False),  # model.content_hash of the entity
    Column("schema", String(32), nullable=False),
    Column("name", Text, nullable=False),  # primary name, for listings and search
    Column("document", Text, nullable=False),  # model.to_json of the entity as first loaded
    UniqueConstraint("entity_id", "content_hash"),
    Index(None, "list_id"),
)

version_entities = Table(
    "version_entities",
    metadata,
    Column(
        "version_id",
        Integer,
        ForeignKey("list_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "record_id",
        Integer,
        ForeignKey("entity_records.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Index(None, "record_id"),
)

__all__ = ["entity_records", "list_versions", "metadata", "version_entities"]
