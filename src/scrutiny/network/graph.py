"""The exposure network: designated parties, the user's own parties, and the links between them.

Nodes are list entities (designated) and parties named in the user's files; edges are typed
relations (ownership, control, "Linked To:", shared identifiers, transactions ...), each with its
provenance and, for parties resolved by name, the match score of that resolution. The graph is a
`rustworkx.PyDiGraph` (fast, compact) with `Node` / `Edge` payloads; analysis modules
(`ownership`, `exposure`) pull numpy arrays from it.

Direction: an edge runs from the owner / controller / director / payer / linking entity to the
owned / controlled entity, the company, the payee, the link target. Exposure treats every edge as
undirected; the 50 % rule follows `owns` (and, for the EU/UK test, `controls`) edges only.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson
import rustworkx as rx

from scrutiny.errors import ScrutinyError
from scrutiny.model import Entity, IdKind
from scrutiny.sources.programs import is_dprk

if TYPE_CHECKING:
    from scrutiny.store import Store
    from scrutiny.store.graph import GraphInfo

# Given a party's name, the list entities it may be, with a match score in [0, 1].
Resolver = Callable[[str], list[tuple[str, float]]]

USER_PREFIX = "user:"
DEFAULT_GRAPH = "default"  # the graph name in the store (same as scrutiny.store.graph's)
UNRESOLVED_PREFIX = "unresolved:"

# Shared identifiers / addresses / phones held by more parties than this are too common to mean
# a relation (a ministry's switchboard, "Pyongyang"); they would add a clique of noise edges.
MAX_SHARED_GROUP = 12


class NetworkInputError(ScrutinyError, ValueError):
    """A user's ownership, relationship or transaction file (or a graph file) is malformed."""


class UnknownPartyError(NetworkInputError):
    """A party id that is not in the graph."""


class EdgeType(StrEnum):
    """What an edge says about its two parties."""

    OWNS = "owns"
    CONTROLS = "controls"
    DIRECTOR = "director"
    AGENT = "agent"
    SUBSIDIARY = "subsidiary"
    LINKED_TO = "linked_to"
    SHARES_IDENTIFIER = "shares_identifier"
    SHARES_ADDRESS = "shares_address"
    SHARES_PHONE = "shares_phone"
    TRANSACTS = "transacts"


# Node and Edge are not frozen: a frozen dataclass's __init__ goes through object.__setattr__
# per field, which triples the cost of building a graph of a million edges. Treat them as
# read-only all the same.
@dataclass(slots=True)
class Node:
    """A party: a list entity (designated) or a party from the user's files."""

    id: str
    name: str
    schema: str = "LegalEntity"
    designated: bool = False
    programs: tuple[str, ...] = ()
    dprk: bool = False
    list_id: str | None = None


@dataclass(slots=True)
class Edge:
    """A typed relation between two parties, with where it came from."""

    source_id: str
    target_id: str
    type: EdgeType
    share: float | None = None  # percent, 0-100, for ownership
    start: date | None = None
    end: date | None = None  # last day the relation held (inclusive)
    strength: float = 1.0  # in (0, 1], see data/network_weights.toml
    source: str = ""  # provenance: list id, or "file.csv:row 12"
    score: float | None = None  # match score when an end was resolved by name
    amount: float | None = None  # transactions: the amount

    def active_on(self, as_of: date | None) -> bool:
        """Whether the relation held on `as_of` (always, when no date is given)."""
        if as_of is None:
            return True
        if self.start is not None and self.start > as_of:
            return False
        return not (self.end is not None and self.end < as_of)


@functools.cache
def weights() -> Mapping[str, Any]:
    """The exposure weights from data/network_weights.toml."""
    text = resources.files("scrutiny.data").joinpath("network_weights.toml").read_text("utf-8")
    return tomllib.loads(text)


def edge_strength(edge_type: EdgeType, share: float | None = None) -> float:
    """Default strength of an edge of this type (ownership scaled by the share when known)."""
    table = weights()
    if edge_type is EdgeType.OWNS and share is not None:
        base = float(table["owns_base"])
        return base + (1.0 - base) * min(max(share, 0.0), 100.0) / 100.0
    return float(table["edge_strength"][edge_type.value])


def name_key(text: str) -> str:
    """A comparison key for exact name resolution: case, accents and punctuation folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", stripped.casefold()))


def entity_is_dprk(entity: Entity) -> bool:
    """Whether a list entity is a North Korea designation.

    By programme, or by OFAC's "Secondary sanctions risk: North Korea Sanctions Regulations"
    statement, which OFAC puts on DPRK-related designations under other programmes (NPWMD).
    """
    if is_dprk(entity.list_id, entity.programs):
        return True
    return any("north korea" in risk.casefold() for risk in entity.secondary_sanctions_risks)


def node_for_entity(entity: Entity) -> Node:
    """The graph node of a list entity."""
    return Node(
        id=entity.id,
        name=entity.primary_name,
        schema=str(entity.schema),
        designated=True,
        programs=entity.programs,
        dprk=entity_is_dprk(entity),
        list_id=entity.list_id,
    )


_EDGE_TYPES: tuple[EdgeType, ...] = tuple(EdgeType)
_TYPE_CODE: Mapping[EdgeType, int] = {t: i for i, t in enumerate(_EDGE_TYPES)}
# Dates are kept as proleptic ordinals (date.toordinal); 0 means "no date" (ordinals start at 1).
NO_DATE = 0
_EDGE_BATCH = 100_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def type_code(edge_type: EdgeType) -> int:
    """The small integer that stands for an edge type in `EdgeArrays.type`."""
    return _TYPE_CODE[edge_type]


def edge_type(code: int) -> EdgeType:
    """The edge type a `type_code` stands for."""
    return _EDGE_TYPES[code]


def _ordinal(value: date | None) -> int:
    return NO_DATE if value is None else value.toordinal()


def _from_ordinal(value: int) -> date | None:
    return None if value == NO_DATE else date.fromordinal(value)


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _none(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass
class EdgeArrays:
    """Every relation's attributes in parallel numpy arrays, indexed by edge id.

    A million relations as Python `Edge` objects cost ~0.5 GB and tens of seconds to build and
    to walk; as columns they cost ~60 MB and the analyses read them with numpy. Missing numbers
    are NaN, missing dates `NO_DATE`. Provenance is a label (list id, file name) and a row
    number (-1 when the label is the whole of it): "file.csv:row 12" is label "file.csv", row 12.
    """

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    type: npt.NDArray[np.int8]
    share: npt.NDArray[np.float64]
    start: npt.NDArray[np.int32]
    end: npt.NDArray[np.int32]
    strength: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    amount: npt.NDArray[np.float64]
    label: npt.NDArray[np.int32]
    row: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.src.size)

    def active(self, as_of: date | None) -> npt.NDArray[np.bool_]:
        """Which relations held on `as_of` (all of them when no date is given)."""
        if as_of is None:
            return np.ones(self.src.size, dtype=bool)
        day = as_of.toordinal()
        return (self.start <= day) & ((self.end == NO_DATE) | (self.end >= day))

    @staticmethod
    def concat(parts: Sequence[EdgeArrays]) -> EdgeArrays:
        """One set of arrays from several, in order."""
        names = [f.name for f in dataclasses.fields(EdgeArrays)]
        return EdgeArrays(*(np.concatenate([getattr(p, n) for p in parts]) for n in names))


def _edge_arrays_of(
    edges: Sequence[Edge], index: Mapping[str, int], label_of: Callable[[str], int]
) -> EdgeArrays:
    split = [_split_source(e.source) for e in edges]
    return EdgeArrays(
        src=np.fromiter((index[e.source_id] for e in edges), np.int64, len(edges)),
        dst=np.fromiter((index[e.target_id] for e in edges), np.int64, len(edges)),
        type=np.fromiter((_TYPE_CODE[e.type] for e in edges), np.int8, len(edges)),
        share=np.fromiter((_nan(e.share) for e in edges), np.float64, len(edges)),
        start=np.fromiter((_ordinal(e.start) for e in edges), np.int32, len(edges)),
        end=np.fromiter((_ordinal(e.end) for e in edges), np.int32, len(edges)),
        strength=np.fromiter((e.strength for e in edges), np.float64, len(edges)),
        score=np.fromiter((_nan(e.score) for e in edges), np.float64, len(edges)),
        amount=np.fromiter((_nan(e.amount) for e in edges), np.float64, len(edges)),
        label=np.fromiter((label_of(label) for label, _ in split), np.int32, len(edges)),
        row=np.fromiter((row for _, row in split), np.int64, len(edges)),
    )


def _ordinals(values: Any, size: int) -> npt.NDArray[np.int32]:
    """Dates as ordinals: None, a date, numpy datetime64 (NaT = none) or ordinals already."""
    if values is None:
        return np.full(size, NO_DATE, dtype=np.int32)
    if isinstance(values, date):
        return np.full(size, values.toordinal(), dtype=np.int32)
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        days = array.astype("datetime64[D]")
        out = days.astype(np.int64) + _EPOCH_ORDINAL
        out[np.isnat(days)] = NO_DATE
        return out.astype(np.int32)
    return array.astype(np.int32)


def strengths(
    edge_type: npt.NDArray[np.int8], share: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """`edge_strength` over arrays (type codes, shares with NaN for none)."""
    table = weights()
    by_type = np.array([float(table["edge_strength"][t.value]) for t in _EDGE_TYPES])
    out = by_type[edge_type.astype(np.intp)]
    owns = (edge_type == _TYPE_CODE[EdgeType.OWNS]) & ~np.isnan(share)
    base = float(table["owns_base"])
    out[owns] = base + (1.0 - base) * np.clip(share[owns], 0.0, 100.0) / 100.0
    return out


@dataclass
class ExposureGraph:
    """Parties and relations: a rustworkx directed multigraph plus edge attribute arrays.

    Nodes carry `Node` payloads. Edges carry no payload in rustworkx: an edge's rustworkx index
    is its edge id, and its attributes live in `edge_arrays()` (`Edge` objects are made on
    demand by `edge`, `edges`, `edges_of`). Nodes and edges are never removed, so both kinds of
    index are dense.
    """

    graph: rx.PyDiGraph = field(default_factory=lambda: rx.PyDiGraph(multigraph=True))
    index: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _parts: list[EdgeArrays] = field(default_factory=list, repr=False)
    _labels: list[str] = field(default_factory=list, repr=False)
    _label_index: dict[str, int] = field(default_factory=dict, repr=False)
    # Results derived from the edges (active-edge extraction, cycle checks), keyed by what they
    # depend on; cleared whenever an edge is added. See `cached`.
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.index

    @property
    def index_bound(self) -> int:
        """One more than the highest node index: the length of per-node arrays."""
        return int(self.graph.num_nodes())

    @property
    def edge_count(self) -> int:
        return int(self.graph.num_edges())

    # --- nodes ------------------------------------------------------------------------------

    def add_node(self, node: Node) -> int:
        """Add a party, or return the existing one's index (a designated node is never downgraded)."""
        existing = self.index.get(node.id)
        if existing is not None:
            if node.designated and not self.graph[existing].designated:
                self.graph[existing] = node
                self._cache.clear()
            return existing
        index = int(self.graph.add_node(node))
        self.index[node.id] = index
        self._cache.clear()  # per-node results (seeds) have the old length
        return index

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Add many new parties at once (ids not yet in the graph)."""
        fresh = [n for n in nodes if n.id not in self.index]
        for node, index in zip(fresh, self.graph.add_nodes_from(fresh), strict=True):
            self.index[node.id] = int(index)
        if fresh:
            self._cache.clear()

    def node(self, node_id: str) -> Node:
        """The party with this id."""
        try:
            return self.graph[self.index[node_id]]
        except KeyError:
            raise UnknownPartyError(f"unknown party id {node_id!r} (not in the graph)") from None

    def nodes(self) -> Iterator[Node]:
        """Every party, by node index."""
        for index in self.graph.node_indices():
            yield self.graph[index]

    def node_ids(self) -> list[str]:
        """Every party's id, by node index."""
        return [node.id for node in self.graph.nodes()]

    # --- edges ------------------------------------------------------------------------------

    def _label(self, label: str) -> int:
        code = self._label_index.get(label)
        if code is None:
            code = len(self._labels)
            self._labels.append(label)
            self._label_index[label] = code
        return code

    def _append(self, part: EdgeArrays) -> None:
        if not len(part):
            return
        first = self.edge_count
        # In slices: a list of a million (u, v) tuples alone would cost ~100 MB at peak.
        for at in range(0, len(part), _EDGE_BATCH):
            self.graph.add_edges_from_no_data(
                list(
                    zip(
                        part.src[at : at + _EDGE_BATCH].tolist(),
                        part.dst[at : at + _EDGE_BATCH].tolist(),
                        strict=True,
                    )
                )
            )
        # Edge ids are rustworkx edge indices; with no removals they are 0, 1, 2 ... in order.
        assert self.edge_count == first + len(part)
        self._parts.append(part)
        self._cache.clear()

    def add_edge(self, edge: Edge) -> None:
        """Add a relation; both parties must already be in the graph."""
        self.add_edges([edge])

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Add many relations at once; both parties of each must already be in the graph."""
        self._append(_edge_arrays_of(list(edges), self.index, self._label))

    def add_edge_arrays(
        self,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        edge_type: EdgeType | npt.ArrayLike,
        *,
        share: npt.ArrayLike | None = None,
        start: Any = None,
        end: Any = None,
        strength: npt.ArrayLike | None = None,
        score: npt.ArrayLike | None = None,
        amount: npt.ArrayLike | None = None,
        source: str = "",
        rows: npt.ArrayLike | None = None,
    ) -> None:
        """Add many relations from columns, without making an `Edge` per relation.

        `src` / `dst` are node indices; `edge_type` one type or an array of `type_code`s;
        `share`, `score`, `amount` floats with NaN for none; `start` / `end` a date, an array
        of numpy datetime64 (NaT for none) or of ordinals; `strength` defaults to
        `edge_strength` of each edge; provenance is `source` plus ":row N" when `rows` is given.
        """
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        size = s.size
        if d.size != size:
            raise NetworkInputError(f"{size} edge sources but {d.size} targets")
        bound = self.index_bound
        for name, ends in (("source", s), ("target", d)):
            bad = np.flatnonzero((ends < 0) | (ends >= bound))
            if bad.size:
                raise NetworkInputError(
                    f"edge {int(bad[0])}: {name} node index {int(ends[bad[0]])} is not in the "
                    f"graph (0..{bound - 1})"
                )
        if isinstance(edge_type, EdgeType):
            types = np.full(size, _TYPE_CODE[edge_type], dtype=np.int8)
        else:
            types = np.asarray(edge_type, dtype=np.int8)

        def floats(values: npt.ArrayLike | None) -> npt.NDArray[np.float64]:
            if values is None:
                return np.full(size, math.nan)
            return np.broadcast_to(np.asarray(values, dtype=np.float64), (size,)).copy()

        shares = floats(share)
        self._append(
            EdgeArrays(
                src=s,
                dst=d,
                type=types,
                share=shares,
                start=_ordinals(start, size),
                end=_ordinals(end, size),
                strength=strengths(types, shares) if strength is None else floats(strength),
                score=floats(score),
                amount=floats(amount),
                label=np.full(size, self._label(source), dtype=np.int32),
                row=np.full(size, -1, dtype=np.int64)
                if rows is None
                else np.asarray(rows, dtype=np.int64),
            )
        )

    def edge_arrays(self) -> EdgeArrays:
        """The attributes of every relation as parallel arrays by edge id (do not modify)."""
        if len(self._parts) != 1:
            empty = _edge_arrays_of([], self.index, self._label)
            self._parts = [EdgeArrays.concat(self._parts) if self._parts else empty]
        return self._parts[0]

    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A result derived from the graph, computed once until the graph changes."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def provenance(self, edge_id: int) -> str:
        """Where a relation came from: list id, or "file.csv:row 12"."""
        a = self.edge_arrays()
        label = self._labels[int(a.label[edge_id])]
        row = int(a.row[edge_id])
        return label if row < 0 else f"{label}:row {row}"

    def edge(self, edge_id: int) -> Edge:
        """The relation with this edge id, as an `Edge`."""
        a = self.edge_arrays()
        g = self.graph
        return Edge(
            source_id=g[int(a.src[edge_id])].id,
            target_id=g[int(a.dst[edge_id])].id,
            type=_EDGE_TYPES[int(a.type[edge_id])],
            share=_none(float(a.share[edge_id])),
            start=_from_ordinal(int(a.start[edge_id])),
            end=_from_ordinal(int(a.end[edge_id])),
            strength=float(a.strength[edge_id]),
            source=self.provenance(edge_id),
            score=_none(float(a.score[edge_id])),
            amount=_none(float(a.amount[edge_id])),
        )

    def edges(self) -> Iterator[Edge]:
        """Every relation, by edge id."""
        for edge_id in range(self.edge_count):
            yield self.edge(edge_id)

    def edge_ids_between(self, u: int, v: int) -> list[int]:
        """Ids of the relations between two node indices, either direction."""
        g = self.graph
        return [*g.edge_indices_from_endpoints(u, v), *g.edge_indices_from_endpoints(v, u)]

    def edges_of(self, node_id: str) -> list[Edge]:
        """Relations in which this party takes part, either direction."""
        index = self.index[node_id]
        ids = [*self.graph.out_edge_indices(index), *self.graph.in_edge_indices(index)]
        return [self.edge(i) for i in ids]

    def subgraph(self, indices: Iterable[int]) -> ExposureGraph:
        """The parties at these node indices and the relations among them."""
        keep = sorted(set(indices))
        sub = ExposureGraph()
        sub.add_nodes(self.graph[i] for i in keep)
        a = self.edge_arrays()
        member = np.zeros(self.index_bound, dtype=bool)
        member[keep] = True
        inside = np.flatnonzero(member[a.src] & member[a.dst])
        sub.add_edges(self.edge(int(i)) for i in inside)
        return sub

    def neighbourhood(self, node_id: str, hops: int = 2) -> ExposureGraph:
        """The subgraph of parties within `hops` links of one party (links either direction)."""
        start = self.index.get(node_id)
        if start is None:
            raise NetworkInputError(f"unknown party id {node_id!r} (not in the graph)")
        seen = {start}
        frontier = [start]
        for _ in range(hops):
            nxt: list[int] = []
            for index in frontier:
                for other in self.graph.neighbors_undirected(index):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
        return self.subgraph(seen)

    # --- persistence ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: {"nodes": [...], "edges": [...]} with empty fields omitted."""
        return {
            "nodes": [_compact(dataclasses.asdict(n)) for n in self.nodes()],
            "edges": [_compact(dataclasses.asdict(e)) for e in self.edges()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExposureGraph:
        """Inverse of `to_dict`."""
        graph = cls()
        try:
            graph.add_nodes(
                Node(**{**n, "programs": tuple(n.get("programs", ()))}) for n in data["nodes"]
            )
            graph.add_edges(_edge_from_dict(e) for e in data["edges"])
        except (KeyError, TypeError, ValueError) as exc:
            raise NetworkInputError(f"malformed graph data: {exc}") from exc
        return graph

    def save(self, path: Path) -> None:
        """Write the graph as a JSON file (for analysts' tools; the store is `save_to_store`)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(self.to_dict(), default=_json_default))

    @classmethod
    def load(cls, path: Path) -> ExposureGraph:
        """Read a graph written by `save`."""
        try:
            data = orjson.loads(path.read_bytes())
        except OSError as exc:
            raise NetworkInputError(f"{path}: cannot read graph: {exc.strerror}") from exc
        except orjson.JSONDecodeError as exc:
            raise NetworkInputError(f"{path}: not a graph JSON file: {exc}") from exc
        return cls.from_dict(data)

    def save_to_store(self, store: Store, name: str = DEFAULT_GRAPH) -> GraphInfo:
        """Persist the graph in the store under `name` (replacing a graph of that name)."""
        from scrutiny.store.graph import EdgeColumns, NodeColumns, save_graph

        nodes = NodeColumns()
        for node in self.nodes():
            nodes.ids.append(node.id)
            nodes.names.append(node.name)
            nodes.schemas.append(node.schema)
            nodes.designated.append(node.designated)
            nodes.programs.append(node.programs)
            nodes.dprk.append(node.dprk)
            nodes.list_ids.append(node.list_id)
        a = self.edge_arrays()
        labels = self._labels
        provenance = [
            labels[code] if row < 0 else f"{labels[code]}:row {row}"
            for code, row in zip(a.label.tolist(), a.row.tolist(), strict=True)
        ]

        def nullable(values: npt.NDArray[np.float64]) -> list[float | None]:
            return [None if math.isnan(v) else v for v in values.tolist()]

        edges = EdgeColumns(
            source=a.src.tolist(),
            target=a.dst.tolist(),
            type=[_EDGE_TYPES[t].value for t in a.type.tolist()],
            share=nullable(a.share),
            start=[_from_ordinal(v) for v in a.start.tolist()],
            end=[_from_ordinal(v) for v in a.end.tolist()],
            strength=a.strength.tolist(),
            provenance=provenance,
            score=nullable(a.score),
            amount=nullable(a.amount),
        )
        return save_graph(store, nodes, edges, name=name, warnings=self.warnings)

    @classmethod
    def from_store(cls, store: Store, name: str = DEFAULT_GRAPH) -> ExposureGraph:
        """The graph persisted under `name` (`GraphNotFoundError` when there is none)."""
        from scrutiny.store.graph import load_graph

        stored = load_graph(store, name)
        graph = cls(warnings=list(stored.warnings))
        n = stored.nodes
        graph.add_nodes(
            Node(*values)
            for values in zip(
                n.ids, n.names, n.schemas, n.designated, n.programs, n.dprk, n.list_ids, strict=True
            )
        )
        e = stored.edges
        try:
            types = np.fromiter((_TYPE_CODE[EdgeType(t)] for t in e.type), np.int8, len(e))
        except ValueError as exc:
            raise NetworkInputError(f"graph {name!r} in the store: {exc}") from None
        split = [_split_source(s) for s in e.provenance]
        graph._append(
            EdgeArrays(
                src=np.asarray(e.source, dtype=np.int64),
                dst=np.asarray(e.target, dtype=np.int64),
                type=types,
                share=np.fromiter((_nan(v) for v in e.share), np.float64, len(e)),
                start=np.fromiter((_ordinal(v) for v in e.start), np.int32, len(e)),
                end=np.fromiter((_ordinal(v) for v in e.end), np.int32, len(e)),
                strength=np.asarray(e.strength, dtype=np.float64),
                score=np.fromiter((_nan(v) for v in e.score), np.float64, len(e)),
                amount=np.fromiter((_nan(v) for v in e.amount), np.float64, len(e)),
                label=np.fromiter((graph._label(lb) for lb, _ in split), np.int32, len(e)),
                row=np.fromiter((r for _, r in split), np.int64, len(e)),
            )
        )
        return graph


def _split_source(source: str) -> tuple[str, int]:
    """("file.csv", 12) for "file.csv:row 12"; (source, -1) for anything else."""
    label, separator, row = source.rpartition(":row ")
    # Only split when the row number prints back the same (no leading zeros, ASCII digits):
    # exact round trip.
    if separator and row.isascii() and row.isdigit() and str(int(row)) == row:
        return label, int(row)
    return source, -1


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, (), "", False)}


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _edge_from_dict(data: Mapping[str, Any]) -> Edge:
    values = dict(data)
    values["type"] = EdgeType(values["type"])
    for key in ("start", "end"):
        if values.get(key) is not None:
            values[key] = date.fromisoformat(values[key])
    return Edge(**values)


def default_graph_path() -> Path:
    """Where a graph JSON file lives by default: <data_dir>/network/graph.json."""
    from scrutiny.settings import load_settings

    return load_settings().data_dir / "network" / "graph.json"


def save_persisted(
    graph: ExposureGraph, name: str = DEFAULT_GRAPH, *, store: Store | None = None
) -> GraphInfo:
    """Persist the graph in the store (default: the configured store) under `name`."""
    if store is not None:
        return graph.save_to_store(store, name)
    from scrutiny.store import connect

    with connect() as opened:
        return graph.save_to_store(opened, name)


def load_persisted(name: str = DEFAULT_GRAPH, *, store: Store | None = None) -> ExposureGraph:
    """The persisted graph `name`: from the store (default: the configured store).

    When the store holds no graph of that name and `name` is the default, the JSON file at
    `default_graph_path()` is read instead (graphs saved as files before the store kept them,
    and `exposure build --out`); otherwise the store's `GraphNotFoundError` is raised.
    """
    from scrutiny.store.graph import GraphNotFoundError

    try:
        if store is not None:
            return ExposureGraph.from_store(store, name)
        from scrutiny.store import connect

        with connect() as opened:
            return ExposureGraph.from_store(opened, name)
    except GraphNotFoundError:
        path = default_graph_path()
        if name != DEFAULT_GRAPH or not path.exists():
            raise
        return ExposureGraph.load(path)


# --- building from the lists ---------------------------------------------------------------

# List link relations mapped onto edge types; anything else is "linked_to".
_LINK_TYPES: Mapping[str, EdgeType] = {
    "owner": EdgeType.OWNS,
    "owned_by": EdgeType.OWNS,
    "registered_owner": EdgeType.OWNS,
    "operator": EdgeType.CONTROLS,
    "manager": EdgeType.CONTROLS,
    "ship_manager": EdgeType.CONTROLS,
    "commercial_manager": EdgeType.CONTROLS,
    "technical_manager": EdgeType.CONTROLS,
    "controlled_by": EdgeType.CONTROLS,
    "subsidiary": EdgeType.SUBSIDIARY,
    "parent": EdgeType.SUBSIDIARY,
    "director": EdgeType.DIRECTOR,
    "agent": EdgeType.AGENT,
}
# Relations stated on the owned / controlled side: the edge runs from the target to the entity.
_REVERSED = {
    "owner",
    "owned_by",
    "registered_owner",
    "operator",
    "manager",
    "ship_manager",
    "commercial_manager",
    "technical_manager",
    "controlled_by",
    "parent",
}


class _NameIndex:
    """Exact (folded) name lookup over every name of every list entity, per list."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._by_list: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._all: dict[str, set[str]] = defaultdict(set)
        for entity in entities:
            for name in entity.names:
                key = name_key(name.full)
                if key:
                    self._by_list[entity.list_id][key].add(entity.id)
                    self._all[key].add(entity.id)

    def lookup(self, name: str, list_id: str | None = None) -> list[str]:
        key = name_key(name)
        table = self._by_list.get(list_id, {}) if list_id is not None else self._all
        return sorted(table.get(key, ()))


def exact_name_resolver(graph: ExposureGraph) -> Resolver:
    """A resolver that finds designated parties whose name folds to the same key (score 1.0).

    The fallback when the matching engine is not available; it misses spelling variants.
    """
    table: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes():
        if node.designated:
            table[name_key(node.name)].append(node.id)

    def resolve(name: str) -> list[tuple[str, float]]:
        return [(node_id, 1.0) for node_id in table.get(name_key(name), ())]

    return resolve


def build_from_entities(entities: Iterable[Entity]) -> ExposureGraph:
    """The graph of the lists themselves: links, vessel owners, shared ids, addresses, phones."""
    entities = list(entities)
    graph = ExposureGraph()
    graph.add_nodes(node_for_entity(e) for e in entities)
    names = _NameIndex(entities)
    edges: list[Edge] = []
    for entity in entities:
        edges.extend(_link_edges(graph, names, entity))
    edges.extend(_shared_edges(entities))
    graph.add_edges(edges)
    return graph


def _link_edges(graph: ExposureGraph, names: _NameIndex, entity: Entity) -> Iterator[Edge]:
    relations = [(link.relation, link.target_name, link.target_id) for link in entity.links]
    owner = entity.vessel.owner if entity.vessel is not None else None
    if owner and not any(rel == "owner" and t == owner for rel, t, _ in relations):
        relations.append(("owner", owner, None))
    for relation, target_name, target_id in relations:
        relation = relation.casefold().replace(" ", "_")
        edge_type = _LINK_TYPES.get(relation, EdgeType.LINKED_TO)
        if target_id is not None and target_id in graph:
            targets, score = [target_id], 1.0
        else:
            targets = [t for t in names.lookup(target_name, entity.list_id) if t != entity.id]
            # Two list entries with the same name: link both, with the ambiguity in the score.
            score = 1.0 / len(targets) if targets else 0.0
        if not targets:
            targets = [_unresolved_node(graph, entity.list_id, target_name)]
            graph.warnings.append(
                f"{entity.id}: {relation} target {target_name!r} not found on {entity.list_id}"
            )
        for target in targets:
            ends = (target, entity.id) if relation in _REVERSED else (entity.id, target)
            yield Edge(
                source_id=ends[0],
                target_id=ends[1],
                type=edge_type,
                strength=edge_strength(edge_type),
                source=entity.list_id,
                score=score if target_id is None else None,
            )


def _unresolved_node(graph: ExposureGraph, list_id: str, name: str) -> str:
    node_id = f"{UNRESOLVED_PREFIX}{list_id}:{name_key(name)}"
    graph.add_node(Node(id=node_id, name=name.strip().rstrip(".")))
    return node_id


def _shared_edges(entities: list[Entity]) -> Iterator[Edge]:
    groups: dict[tuple[EdgeType, str], list[str]] = defaultdict(list)
    for entity in entities:
        keys: set[tuple[EdgeType, str]] = set()
        for identifier in entity.identifiers:
            value = re.sub(r"[\s.\-/]", "", identifier.value).upper()
            if len(value) >= 5 and identifier.kind is not IdKind.OTHER:
                keys.add((EdgeType.SHARES_IDENTIFIER, f"{identifier.kind}:{value}"))
        for address in entity.addresses:
            # Only street-level addresses say two parties share premises; a city does not.
            if address.street:
                parts = (address.street, address.city or "", address.country or "")
                keys.add((EdgeType.SHARES_ADDRESS, name_key(" ".join(parts))))
        for phone in entity.phones:
            digits = re.sub(r"\D", "", phone)
            if len(digits) >= 7:
                keys.add((EdgeType.SHARES_PHONE, digits))
        for key in keys:
            groups[key].append(entity.id)
    for (edge_type, value), members in groups.items():
        if not 2 <= len(members) <= MAX_SHARED_GROUP:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                yield Edge(
                    source_id=first,
                    target_id=second,
                    type=edge_type,
                    strength=edge_strength(edge_type),
                    source=value,
                )
