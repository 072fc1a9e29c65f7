"""Exposure network graphs in the store: named graphs of parties (nodes) and relations (edges).

A user can keep several graphs ("default", "q3-review" ...); saving a graph under a name
replaces what was stored under it, in one transaction. The store only knows columns: the
network layer (`scrutiny.network.graph`) turns them into an `ExposureGraph` and back, so the
store does not import the network code. Nodes and edges are addressed by their dense index in
the graph (0..n-1), which is what the rustworkx graph uses, so a load rebuilds it in bulk.

Large graphs go to PostgreSQL with COPY (a million edges in seconds instead of minutes of
INSERT round trips); SQLite gets batched executemany, which its driver runs in-process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)

from scrutiny.errors import StoreError
from scrutiny.store.db import Store
from scrutiny.store.schema import metadata

DEFAULT_GRAPH = "default"
_BATCH = 20_000

graphs = Table(
    "graphs",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("node_count", Integer, nullable=False),
    Column("edge_count", Integer, nullable=False),
    Column("warnings", JSON, nullable=False),
)

graph_nodes = Table(
    "graph_nodes",
    metadata,
    Column(
        "graph_name", String(100), ForeignKey("graphs.name", ondelete="CASCADE"), primary_key=True
    ),
    Column("idx", Integer, primary_key=True),  # the node's index in the graph
    Column("node_id", String(255), nullable=False),
    Column("name", Text, nullable=False),
    Column("schema", String(32), nullable=False),
    Column("designated", Boolean, nullable=False),
    Column("programs", Text, nullable=False),  # JSON array
    Column("dprk", Boolean, nullable=False),
    Column("list_id", String(100), nullable=True),
    UniqueConstraint("graph_name", "node_id"),
)

graph_edges = Table(
    "graph_edges",
    metadata,
    Column(
        "graph_name", String(100), ForeignKey("graphs.name", ondelete="CASCADE"), primary_key=True
    ),
    Column("idx", Integer, primary_key=True),  # the edge's id in the graph
    Column("source_idx", Integer, nullable=False),
    Column("target_idx", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("share", Float, nullable=True),  # percent, ownership
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),  # last day the relation held
    Column("strength", Float, nullable=False),
    Column("provenance", Text, nullable=False),  # list id, or "file.csv:row 12"
    Column("resolution_score", Float, nullable=True),  # match score of a name resolution
    Column("amount", Float, nullable=True),  # transactions
)

_NODE_COLUMNS = ("idx", "node_id", "name", "schema", "designated", "programs", "dprk", "list_id")
_EDGE_COLUMNS = (
    "idx",
    "source_idx",
    "target_idx",
    "type",
    "share",
    "start_date",
    "end_date",
    "strength",
    "provenance",
    "resolution_score",
    "amount",
)


class GraphNotFoundError(StoreError):
    """No graph of that name is stored."""


@dataclass
class NodeColumns:
    """Parties of a graph, one list per field, by node index."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)
    designated: list[bool] = field(default_factory=list)
    programs: list[tuple[str, ...]] = field(default_factory=list)
    dprk: list[bool] = field(default_factory=list)
    list_ids: list[str | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class EdgeColumns:
    """Relations of a graph, one sequence per field, by edge id (node indices at the ends)."""

    source: Sequence[int] = field(default_factory=list)
    target: Sequence[int] = field(default_factory=list)
    type: Sequence[str] = field(default_factory=list)
    share: Sequence[float | None] = field(default_factory=list)
    start: Sequence[date | None] = field(default_factory=list)
    end: Sequence[date | None] = field(default_factory=list)
    strength: Sequence[float] = field(default_factory=list)
    provenance: Sequence[str] = field(default_factory=list)
    score: Sequence[float | None] = field(default_factory=list)
    amount: Sequence[float | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.source)


@dataclass
class StoredGraph:
    """A graph as read back from the store."""

    name: str
    saved_at: datetime
    nodes: NodeColumns
    edges: EdgeColumns
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class GraphInfo:
    """A stored graph's name and size, for listings."""

    name: str
    saved_at: datetime
    node_count: int
    edge_count: int


def _node_rows(nodes: NodeColumns) -> Iterator[tuple[Any, ...]]:
    for i, row in enumerate(
        zip(
            nodes.ids,
            nodes.names,
            nodes.schemas,
            nodes.designated,
            nodes.programs,
            nodes.dprk,
            nodes.list_ids,
            strict=True,
        )
    ):
        node_id, name, schema, designated, programs, dprk, list_id = row
        yield (
            i,
            node_id,
            name,
            schema,
            bool(designated),
            orjson.dumps(list(programs)).decode(),
            bool(dprk),
            list_id,
        )


def _edge_rows(edges: EdgeColumns) -> Iterator[tuple[Any, ...]]:
    columns = zip(
        edges.source,
        edges.target,
        edges.type,
        edges.share,
        edges.start,
        edges.end,
        edges.strength,
        edges.provenance,
        edges.score,
        edges.amount,
        strict=True,
    )
    for i, row in enumerate(columns):
        yield (i, *row)


def _batches(
    rows: Iterable[tuple[Any, ...]], size: int = _BATCH
) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    graph_name: str,
    rows: Iterable[tuple[Any, ...]],
) -> None:
    """Insert rows (without graph_name) into `table`: COPY on PostgreSQL, executemany else."""
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        columns = ", ".join(f'"{c}"' for c in ("graph_name", *names))
        copy_sql = f'COPY "{table.name}" ({columns}) FROM STDIN'
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row((graph_name, *row))
        return
    # SQLite: the driver's own executemany, with values as SQLAlchemy stores them there (ISO
    # date strings, 0/1 booleans); Core's per-row parameter processing is ~10x slower.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    placeholders = ", ".join("?" for _ in range(len(names) + 1))
    columns = ", ".join(f'"{c}"' for c in ("graph_name", *names))
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({placeholders})'
    # Only the date and boolean columns need converting (looked up once, not per value).
    convert = [i for i, name in enumerate(names) if isinstance(table.c[name].type, (Date, Boolean))]
    try:
        for batch in _batches(rows):
            if convert:
                batch = [_sqlite_row(row, convert) for row in batch]
            cursor.executemany(sql, [(graph_name, *row) for row in batch])
    finally:
        cursor.close()


def _sqlite_row(row: tuple[Any, ...], positions: Sequence[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in positions:
        value = values[i]
        if isinstance(value, date):
            values[i] = value.isoformat()
        elif isinstance(value, bool):
            values[i] = int(value)
    return tuple(values)


def _check_name(name: str) -> None:
    if not name or len(name) > 100 or name != name.strip():
        raise StoreError(
            f"bad graph name {name!r} (expected 1-100 characters, no surrounding spaces)"
        )


def save_graph(
    store: Store,
    nodes: NodeColumns,
    edges: EdgeColumns,
    *,
    name: str = DEFAULT_GRAPH,
    warnings: Sequence[str] = (),
) -> GraphInfo:
    """Store a graph under `name`, replacing any graph stored under it, atomically."""
    _check_name(name)
    n = len(nodes)
    for which, column in (("source", edges.source), ("target", edges.target)):
        bad = next((i for i, v in enumerate(column) if not 0 <= int(v) < n), None)
        if bad is not None:
            raise StoreError(
                f"graph {name!r}: edge {bad} has {which} node index {column[bad]} "
                f"outside 0..{n - 1}"
            )
    saved_at = datetime.now(UTC)
    with store.transaction(write=True) as conn:
        # Explicit deletes: SQLite only cascades with foreign keys on, and this is clearer.
        conn.execute(delete(graph_edges).where(graph_edges.c.graph_name == name))
        conn.execute(delete(graph_nodes).where(graph_nodes.c.graph_name == name))
        conn.execute(delete(graphs).where(graphs.c.name == name))
        conn.execute(
            insert(graphs).values(
                name=name,
                saved_at=saved_at,
                node_count=n,
                edge_count=len(edges),
                warnings=list(warnings),
            )
        )
        _write(conn, graph_nodes, _NODE_COLUMNS, name, _node_rows(nodes))
        _write(conn, graph_edges, _EDGE_COLUMNS, name, _edge_rows(edges))
    return GraphInfo(name, saved_at, n, len(edges))


def load_graph(store: Store, name: str = DEFAULT_GRAPH) -> StoredGraph:
    """The graph stored under `name`; `GraphNotFoundError` when there is none."""
    with store.transaction() as conn:
        header = conn.execute(select(graphs).where(graphs.c.name == name)).first()
        if header is None:
            known = ", ".join(i.name for i in _infos(conn)) or "none stored"
            raise GraphNotFoundError(f"no exposure graph named {name!r} in the store ({known})")
        nodes = NodeColumns()
        node_query = (
            select(*(graph_nodes.c[c] for c in _NODE_COLUMNS[1:]))
            .where(graph_nodes.c.graph_name == name)
            .order_by(graph_nodes.c.idx)
        )
        for part in conn.execution_options(yield_per=_BATCH).execute(node_query).partitions():
            ids, names, schemas, designated, programs, dprk, list_ids = zip(*part, strict=True)
            nodes.ids.extend(ids)
            nodes.names.extend(names)
            nodes.schemas.extend(schemas)
            nodes.designated.extend(bool(d) for d in designated)
            nodes.programs.extend(tuple(orjson.loads(p)) for p in programs)
            nodes.dprk.extend(bool(d) for d in dprk)
            nodes.list_ids.extend(list_ids)
        # Streamed in partitions into the column lists: holding a million Row objects at
        # once would double the memory a load needs.
        columns: list[list[Any]] = [[] for _ in _EDGE_COLUMNS[1:]]
        for rows in _edge_partitions(conn, name):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
        if conn.dialect.name == "sqlite":
            for position in (4, 5):  # start_date, end_date come back as ISO strings
                columns[position] = [
                    None if v is None else date.fromisoformat(v) for v in columns[position]
                ]
        edges = EdgeColumns(*columns)
    if len(nodes) != header.node_count or len(edges) != header.edge_count:
        raise StoreError(
            f"graph {name!r} is incomplete in the store: {len(nodes)} of {header.node_count} "
            f"nodes, {len(edges)} of {header.edge_count} edges"
        )
    return StoredGraph(name, header.saved_at, nodes, edges, list(header.warnings))


def _edge_partitions(conn: Connection, name: str) -> Iterator[Sequence[Sequence[Any]]]:
    """The edge rows of a graph in idx order, in batches, without the graph_name column."""
    if conn.dialect.name == "sqlite":
        # The driver's cursor directly: SQLAlchemy's per-row result processing costs ~3x the
        # query itself on a million rows.
        columns = ", ".join(f'"{c}"' for c in _EDGE_COLUMNS[1:])
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                f"SELECT {columns} FROM graph_edges WHERE graph_name = ? ORDER BY idx", (name,)
            )
            while batch := cursor.fetchmany(_BATCH):
                yield batch
        finally:
            cursor.close()
        return
    query = (
        select(*(graph_edges.c[c] for c in _EDGE_COLUMNS[1:]))
        .where(graph_edges.c.graph_name == name)
        .order_by(graph_edges.c.idx)
    )
    yield from conn.execution_options(yield_per=_BATCH).execute(query).partitions()


def _infos(conn: Connection) -> list[GraphInfo]:
    rows = conn.execute(select(graphs).order_by(graphs.c.name)).all()
    return [GraphInfo(r.name, r.saved_at, r.node_count, r.edge_count) for r in rows]


def list_graphs(store: Store) -> list[GraphInfo]:
    """Every stored graph, by name."""
    with store.transaction() as conn:
        return _infos(conn)


def delete_graph(store: Store, name: str) -> bool:
    """Remove a stored graph; whether there was one."""
    with store.transaction(write=True) as conn:
        conn.execute(delete(graph_edges).where(graph_edges.c.graph_name == name))
        conn.execute(delete(graph_nodes).where(graph_nodes.c.graph_name == name))
        return bool(conn.execute(delete(graphs).where(graphs.c.name == name)).rowcount)


__all__ = [
    "DEFAULT_GRAPH",
    "EdgeColumns",
    "GraphInfo",
    "GraphNotFoundError",
    "NodeColumns",
    "StoredGraph",
    "delete_graph",
    "graph_edges",
    "graph_nodes",
    "graphs",
    "list_graphs",
    "load_graph",
    "save_graph",
]
