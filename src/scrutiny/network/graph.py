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
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import rustworkx as rx

from scrutiny.errors import ScrutinyError
from scrutiny.model import Entity, IdKind
from scrutiny.sources.programs import is_dprk

# Given a party's name, the list entities it may be, with a match score in [0, 1].
Resolver = Callable[[str], list[tuple[str, float]]]

USER_PREFIX = "user:"
UNRESOLVED_PREFIX = "unresolved:"

# Shared identifiers / addresses / phones held by more parties than this are too common to mean
# a relation (a ministry's switchboard, "Pyongyang"); they would add a clique of noise edges.
MAX_SHARED_GROUP = 12


class NetworkInputError(ScrutinyError, ValueError):
    """A user's ownership, relationship or transaction file (or a graph file) is malformed."""


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


@dataclass
class ExposureGraph:
    """Parties and relations, backed by a rustworkx directed multigraph."""

    graph: rx.PyDiGraph = field(default_factory=lambda: rx.PyDiGraph(multigraph=True))
    index: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.index

    @property
    def index_bound(self) -> int:
        """One more than the highest node index: the length of per-node arrays."""
        # Nodes are never removed, so indices are dense.
        return int(self.graph.num_nodes())

    @property
    def edge_count(self) -> int:
        return int(self.graph.num_edges())

    def add_node(self, node: Node) -> int:
        """Add a party, or return the existing one's index (a designated node is never downgraded)."""
        existing = self.index.get(node.id)
        if existing is not None:
            if node.designated and not self.graph[existing].designated:
                self.graph[existing] = node
            return existing
        index = int(self.graph.add_node(node))
        self.index[node.id] = index
        return index

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Add many new parties at once (ids not yet in the graph)."""
        fresh = [n for n in nodes if n.id not in self.index]
        for node, index in zip(fresh, self.graph.add_nodes_from(fresh), strict=True):
            self.index[node.id] = int(index)

    def add_edge(self, edge: Edge) -> None:
        """Add a relation; both parties must already be in the graph."""
        self.graph.add_edge(self.index[edge.source_id], self.index[edge.target_id], edge)

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Add many relations at once; both parties of each must already be in the graph."""
        index = self.index
        self.graph.add_edges_from([(index[e.source_id], index[e.target_id], e) for e in edges])

    def node(self, node_id: str) -> Node:
        """The party with this id."""
        try:
            return self.graph[self.index[node_id]]
        except KeyError:
            raise NetworkInputError(f"unknown party id {node_id!r} (not in the graph)") from None

    def nodes(self) -> Iterator[Node]:
        """Every party."""
        for index in self.graph.node_indices():
            yield self.graph[index]

    def edges(self) -> Iterator[Edge]:
        """Every relation."""
        yield from self.graph.edges()

    def edges_of(self, node_id: str) -> list[Edge]:
        """Relations in which this party takes part, either direction."""
        index = self.index[node_id]
        found = [e for _, _, e in self.graph.out_edges(index)]
        found.extend(e for _, _, e in self.graph.in_edges(index))
        return found

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
        sub = ExposureGraph()
        sub.add_nodes(self.graph[i] for i in sorted(seen))
        sub.add_edges(e for u, v, e in self.graph.weighted_edge_list() if u in seen and v in seen)
        return sub

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
        """Write the graph as JSON (DB persistence comes with a store migration)."""
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
    """Where the persisted graph lives: <data_dir>/network/graph.json."""
    from scrutiny.settings import load_settings

    return load_settings().data_dir / "network" / "graph.json"


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
