"""Screening service: customer records, screenings, alerts, decisions, monitor state, audit log,
API keys (tables declared in store/alerts.py, store/audit.py, store/keys.py).

Revision ID: s0001
Revises: r0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the service tables."""
    op.create_table(
        "customer_records",
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_customer_records"),
    )
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("engine_version", sa.String(100), nullable=False),
        sa.Column("list_versions", sa.Text, nullable=False),
        sa.Column("hit_count", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_screenings"),
    )
    op.create_index("ix_screenings_record_id", "screenings", ["record_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("screening_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("suppressed_by", sa.Integer, nullable=True),
        sa.Column("hit", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name="fk_alerts_screening_id_screenings"
        ),
    )
    op.create_index("ix_alerts_record_id_entity_id", "alerts", ["record_id", "entity_id"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer, nullable=False),
        sa.Column("record_id", sa.String(255), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("entity_hash", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("analyst", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name="fk_decisions_alert_id_alerts"),
    )
    op.create_index("ix_decisions_record_id_entity_id", "decisions", ["record_id", "entity_id"])
    op.create_index("ix_decisions_alert_id", "decisions", ["alert_id"])
    op.create_table(
        "monitor_state",
        sa.Column("list_id", sa.String(100), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("list_id", name="pk_monitor_state"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def downgrade() -> None:
    """Drop the service tables."""
    for table in (
        "api_keys",
        "audit_log",
        "monitor_state",
        "decisions",
        "alerts",
        "screenings",
        "customer_records",
    ):
        op.drop_table(table)
