"""List versions, entity records stored once per content, and version membership.

Revision ID: r0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the version store tables."""
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("publisher_date", sa.String(32), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_files", sa.JSON, nullable=False),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_list_versions"),
        sa.UniqueConstraint("list_id", "number", name="uq_list_versions_list_id_number"),
        sa.UniqueConstraint(
            "list_id", "content_hash", name="uq_list_versions_list_id_content_hash"
        ),
    )
    op.create_index(
        "uq_list_versions_current",
        "list_versions",
        ["list_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "entity_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entity_records"),
        sa.UniqueConstraint(
            "entity_id", "content_hash", name="uq_entity_records_entity_id_content_hash"
        ),
    )
    op.create_index("ix_entity_records_list_id", "entity_records", ["list_id"])
    op.create_table(
        "version_entities",
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("version_id", "record_id", name="pk_version_entities"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["list_versions.id"],
            name="fk_version_entities_version_id_list_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["entity_records.id"],
            name="fk_version_entities_record_id_entity_records",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_version_entities_record_id", "version_entities", ["record_id"])


def downgrade() -> None:
    """Drop the version store tables."""
    op.drop_table("version_entities")
    op.drop_table("entity_records")
    op.drop_table("list_versions")
