"""Exposure network graphs: named graphs, their parties (nodes) and typed relations (edges).

Revision ID: n0001
Revises: s0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "n0001"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the graph tables (declared in store/graph.py)."""
    op.create_table(
        "graphs",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node_count", sa.Integer, nullable=False),
        sa.Column("edge_count", sa.Integer, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_graphs"),
    )
    op.create_table(
        "graph_nodes",
        sa.Column("graph_name", sa.String(100), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("node_id", sa.String(255), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("designated", sa.Boolean, nullable=False),
        sa.Column("programs", sa.Text, nullable=False),
        sa.Column("dprk", sa.Boolean, nullable=False),
        sa.Column("list_id", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("graph_name", "idx", name="pk_graph_nodes"),
        sa.UniqueConstraint("graph_name", "node_id", name="uq_graph_nodes_graph_name_node_id"),
        sa.ForeignKeyConstraint(
            ["graph_name"],
            ["graphs.name"],
            name="fk_graph_nodes_graph_name_graphs",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "graph_edges",
        sa.Column("graph_name", sa.String(100), nullable=False),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("source_idx", sa.Integer, nullable=False),
        sa.Column("target_idx", sa.Integer, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("share", sa.Float, nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("strength", sa.Float, nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
        sa.Column("resolution_score", sa.Float, nullable=True),
        sa.Column("amount", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("graph_name", "idx", name="pk_graph_edges"),
        sa.ForeignKeyConstraint(
            ["graph_name"],
            ["graphs.name"],
            name="fk_graph_edges_graph_name_graphs",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop the graph tables."""
    op.drop_table("graph_edges")
    op.drop_table("graph_nodes")
    op.drop_table("graphs")
