"""Secondary-sanctions exposure: how close each counterparty sits to designated parties.

Exposure score of a path from a counterparty to a designated party over k edges e1..ek:

    score = program_weight(designated) * prod_i (strength(e_i) * hop_decay)

- `program_weight` is 1.0 for DPRK programmes (secondary sanctions risk) and 0.8 for others;
  entities blocked only by the 50 % rule are seeds with weight 0.9 (`derived_factor`) x 1.0.
- `strength` is the edge's strength (data/network_weights.toml: majority ownership ~1.0, a shared
  phone 0.5), already multiplied by the match score where an end was resolved by name.
- `hop_decay` (0.7) makes every extra hop count less.

A counterparty's exposure score is the score of its *strongest* path within N hops (a designated
counterparty itself scores its programme weight); its *shortest* path is reported too (the
strongest among the shortest). Links count in either direction: owning, being owned by, paying
or being paid by a designated party are all exposure. Both are found for every party at once by
a multi-source search outward from the designated parties over numpy edge arrays (N rounds of a
hop-limited max-product Bellman-Ford, and a BFS), not by a search per counterparty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from scrutiny.network.graph import (
    DEFAULT_GRAPH,
    EdgeType,
    ExposureGraph,
    edge_type,
    load_persisted,
    weights,
)
from scrutiny.network.ownership import OwnershipResult, fifty_percent_rule

if TYPE_CHECKING:
    from scrutiny.store import Store

DEFAULT_HOPS = 3
_TYPE_NAMES = tuple(str(edge_type(code)) for code in range(len(EdgeType)))


@dataclass(frozen=True, slots=True)
class ExposurePath:
    """A path from a counterparty (first) to a designated or blocked party (last)."""

    node_ids: tuple[str, ...]
    names: tuple[str, ...]
    edge_types: tuple[str, ...]  # one per hop, as the edge is stored
    score: float
    designated_id: str
    programs: tuple[str, ...]
    dprk: bool

    @property
    def hops(self) -> int:
        return len(self.node_ids) - 1


@dataclass(frozen=True, slots=True)
class Exposure:
    """One counterparty's exposure."""

    party: str  # as the user wrote it
    node_id: str  # the graph party it resolved to
    name: str
    score: float  # strongest path score x resolution score; 0 = nothing within N hops
    hops: int | None  # length of the shortest path, None if none within N hops
    dprk: bool  # the strongest or shortest path ends at a DPRK designation
    strongest: ExposurePath | None
    shortest: ExposurePath | None
    volume: float = 0.0  # transaction volume in and out of this counterparty
    resolution_score: float | None = None


@dataclass
class _Search:
    """Results of the multi-source search, by node index."""

    score: npt.NDArray[np.float64]  # best path score within N hops
    preds: list[npt.NDArray[np.int64]]  # per round: predecessor that improved the score, or -1
    pred_edges: list[npt.NDArray[np.int64]]  # per round: the edge id taken from that predecessor
    dist: npt.NDArray[np.int64]  # hops to the nearest seed, -1 if beyond N
    short_pred: npt.NDArray[np.int64]  # predecessor on the strongest shortest path
    short_edge: npt.NDArray[np.int64]  # the edge id taken from it
    seed_weight: npt.NDArray[np.float64]
    hops: int


@dataclass
class ExposureIndex:
    """Exposure of every party of a graph within N hops, computed once; query per party."""

    graph: ExposureGraph
    hops: int
    search: _Search
    _strength: list[float] | None = field(default=None, repr=False)
    _types: list[int] | None = field(default=None, repr=False)  # type codes

    def exposure(
        self,
        node_id: str,
        *,
        party: str | None = None,
        volume: float = 0.0,
        resolution_score: float | None = None,
    ) -> Exposure:
        """The exposure of one party of the graph."""
        index = self.graph.index[node_id]
        s = self.search
        strongest = self._path(self._strongest_chain(index)) if s.score[index] > 0 else None
        shortest = self._path(self._shortest_chain(index)) if s.dist[index] >= 0 else None
        score = float(s.score[index]) * (resolution_score if resolution_score is not None else 1.0)
        return Exposure(
            party=party if party is not None else node_id,
            node_id=node_id,
            name=self.graph.graph[index].name,
            score=score,
            hops=int(s.dist[index]) if s.dist[index] >= 0 else None,
            dprk=any(p is not None and p.dprk for p in (strongest, shortest)),
            strongest=strongest,
            shortest=shortest,
            volume=volume,
            resolution_score=resolution_score,
        )

    # A chain is (node indices from the party to the seed, edge ids between them). The search
    # recorded which edge it took at each step, so no edge lookup is needed here.
    def _strongest_chain(self, index: int) -> tuple[list[int], list[int]]:
        chain, edges = [index], []
        node = index
        for level in range(self.hops, 0, -1):
            pred = int(self.search.preds[level - 1][node])
            if pred >= 0:
                edges.append(int(self.search.pred_edges[level - 1][node]))
                node = pred
                chain.append(node)
        return chain, edges

    def _shortest_chain(self, index: int) -> tuple[list[int], list[int]]:
        chain, edges = [index], []
        node = index
        while self.search.dist[node] > 0:
            edges.append(int(self.search.short_edge[node]))
            node = int(self.search.short_pred[node])
            chain.append(node)
        return chain, edges

    def _path(self, found: tuple[list[int], list[int]]) -> ExposurePath:
        chain, edge_ids = found
        g = self.graph.graph
        nodes = [g[i] for i in chain]
        end = nodes[-1]
        if self._strength is None or self._types is None:
            # Python lists: indexing them per path is ~10x cheaper than numpy scalars.
            arrays = self.graph.edge_arrays()
            self._strength = arrays.strength.tolist()
            self._types = arrays.type.tolist()
        strength, types = self._strength, self._types
        decay = float(weights()["hop_decay"])
        score = float(self.search.seed_weight[chain[-1]])
        for edge_id in edge_ids:
            score *= strength[edge_id] * decay
        return ExposurePath(
            node_ids=tuple(n.id for n in nodes),
            names=tuple(n.name for n in nodes),
            edge_types=tuple(_TYPE_NAMES[types[e]] for e in edge_ids),
            score=score,
            designated_id=end.id,
            programs=end.programs,
            dprk=end.dprk,
        )


def _seed_weights(
    graph: ExposureGraph, ownership: OwnershipResult | None
) -> npt.NDArray[np.float64]:
    table = weights()["program_weight"]
    n = graph.index_bound
    seed = np.zeros(n, dtype=np.float64)
    for index in graph.graph.node_indices():
        node = graph.graph[index]
        if node.designated:
            seed[index] = float(table["dprk"] if node.dprk else table["other"])
    if ownership is not None and ownership.graph is graph:
        # Parties added after the rule ran (counterparties) are simply not blocked.
        m = min(ownership.blocked.size, n)
        derived = np.flatnonzero(ownership.blocked[:m] & (seed[:m] == 0))
        seed[derived] = float(table["derived_factor"]) * float(table["dprk"])
    return seed


def _arcs(
    graph: ExposureGraph,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Every edge as two arcs (both directions) with weight strength x hop_decay."""
    decay = float(weights()["hop_decay"])
    e = graph.edge_arrays()
    src, dst = e.src, e.dst
    weight = e.strength * decay
    return np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([weight, weight])


@dataclass
class _Arcs:
    """Every edge as two arcs, sorted by target so each round is one pass of segment maxima."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    edge_id: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]  # first arc of each distinct target
    segment: npt.NDArray[np.int64]  # per arc: which target segment it is in

    @classmethod
    def of(cls, graph: ExposureGraph) -> _Arcs:
        src, dst, weight = _arcs(graph)
        m = graph.edge_count
        # Stable: among equally good arcs into a party the first added wins, run after run.
        order = np.argsort(dst, kind="stable")
        dst = dst[order]
        new = np.ones(dst.size, dtype=bool)
        new[1:] = dst[1:] != dst[:-1]
        return cls(
            src=src[order],
            dst=dst,
            weight=weight[order],
            edge_id=order % max(m, 1),
            starts=np.flatnonzero(new),
            segment=np.cumsum(new) - 1,
        )

    def best(
        self, value: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Per target, the arc with the highest value (-inf = arc not usable).

        Returns (targets, arc positions, values) for targets with a usable arc.
        """
        if not value.size:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0)
        top = np.maximum.reduceat(value, self.starts)
        winners = np.flatnonzero((value == top[self.segment]) & np.isfinite(value))
        first = np.ones(winners.size, dtype=bool)
        first[1:] = self.segment[winners[1:]] != self.segment[winners[:-1]]
        arcs = winners[first]
        return self.dst[arcs], arcs, value[arcs]


def search_exposure(
    graph: ExposureGraph, *, hops: int = DEFAULT_HOPS, ownership: OwnershipResult | None = None
) -> ExposureIndex:
    """Exposure of every party of the graph within `hops` links of a designated party."""
    if hops < 0:
        raise ValueError("hops must be >= 0")
    seed = _seed_weights(graph, ownership)
    n = seed.size
    arcs = _Arcs.of(graph)
    src, dst = arcs.src, arcs.dst
    score = seed.copy()
    preds: list[npt.NDArray[np.int64]] = []
    pred_edges: list[npt.NDArray[np.int64]] = []
    dist = np.where(seed > 0, 0, -1).astype(np.int64)
    short_score = seed.copy()
    short_pred = np.full(n, -1, dtype=np.int64)
    short_edge = np.full(n, -1, dtype=np.int64)
    for level in range(1, hops + 1):
        # Strongest: relax every arc leaving a party that already has a path.
        value = score[src] * arcs.weight
        value[value <= 0] = -np.inf
        targets, chosen, values = arcs.best(value)
        better = values > score[targets]
        pred = np.full(n, -1, dtype=np.int64)
        pred_edge = np.full(n, -1, dtype=np.int64)
        pred[targets[better]] = src[chosen[better]]
        pred_edge[targets[better]] = arcs.edge_id[chosen[better]]
        score = score.copy()
        score[targets[better]] = values[better]
        preds.append(pred)
        pred_edges.append(pred_edge)
        # Shortest: BFS layer from the parties found in the previous layer.
        frontier = (dist[src] == level - 1) & (dist[dst] < 0)
        value = np.where(frontier, short_score[src] * arcs.weight, -np.inf)
        targets, chosen, values = arcs.best(value)
        dist[targets] = level
        short_pred[targets] = src[chosen]
        short_edge[targets] = arcs.edge_id[chosen]
        short_score[targets] = values
    search = _Search(score, preds, pred_edges, dist, short_pred, short_edge, seed, hops)
    return ExposureIndex(graph, hops, search)


def rank_exposure(
    graph: ExposureGraph,
    counterparties: Iterable[tuple[str, str, float | None]],
    *,
    hops: int = DEFAULT_HOPS,
    volume: Mapping[str, float] | None = None,
    ownership: OwnershipResult | None = None,
) -> list[Exposure]:
    """Rank counterparties by exposure score, then transaction volume.

    `counterparties` are (as written, graph node id, resolution score or None) triples, as
    `io.PartyResolver` produces them; a party listed twice is ranked once.
    """
    index = search_exposure(graph, hops=hops, ownership=ownership)
    volume = volume or {}
    seen: set[str] = set()
    results = []
    for party, node_id, resolution in counterparties:
        if node_id in seen:
            continue
        seen.add(node_id)
        results.append(
            index.exposure(
                node_id,
                party=party,
                volume=volume.get(node_id, 0.0),
                resolution_score=resolution,
            )
        )
    results.sort(key=lambda e: (-e.score, -e.volume, e.node_id))
    return results


def exposure_to_dict(exposure: Exposure) -> dict[str, Any]:
    """A JSON-ready form of an exposure."""

    def path(p: ExposurePath | None) -> dict[str, Any] | None:
        if p is None:
            return None
        return {
            "hops": p.hops,
            "score": round(p.score, 6),
            "designated_id": p.designated_id,
            "programs": list(p.programs),
            "dprk": p.dprk,
            "nodes": [{"id": i, "name": n} for i, n in zip(p.node_ids, p.names, strict=True)],
            "edges": list(p.edge_types),
        }

    return {
        "party": exposure.party,
        "node_id": exposure.node_id,
        "name": exposure.name,
        "score": round(exposure.score, 6),
        "hops": exposure.hops,
        "dprk": exposure.dprk,
        "volume": exposure.volume,
        "resolution_score": exposure.resolution_score,
        "strongest": path(exposure.strongest),
        "shortest": path(exposure.shortest),
    }


def exposure_for(
    entity_id: str,
    graph: ExposureGraph | None = None,
    *,
    hops: int = DEFAULT_HOPS,
    as_of: date | None = None,
    store: Store | None = None,
    graph_name: str = DEFAULT_GRAPH,
) -> dict[str, Any]:
    """Everything the network knows about one party, JSON-ready (for `GET /exposure/{id}`).

    Loads the graph persisted as `graph_name` in `store` (default: the configured store) when
    no graph is given. Contains the party, its exposure (strongest
    and shortest paths within `hops`), its 50 % rule status on `as_of` with the derivation, and
    its direct relations.
    """
    if graph is None:
        graph = load_persisted(graph_name, store=store)
    node = graph.node(entity_id)
    ownership = fifty_percent_rule(graph, as_of=as_of)
    index = search_exposure(graph, hops=hops, ownership=ownership)
    derivation = ownership.explain(entity_id)
    return {
        "entity": {
            "id": node.id,
            "name": node.name,
            "schema": node.schema,
            "designated": node.designated,
            "programs": list(node.programs),
            "dprk": node.dprk,
            "list_id": node.list_id,
        },
        "exposure": exposure_to_dict(index.exposure(entity_id)),
        "ofac_50_percent": {
            "as_of": as_of.isoformat() if as_of else None,
            "blocked": ownership.is_blocked(entity_id),
            "listed": node.designated,
            "derivation": None
            if derivation is None
            else {
                "blocked_share": derivation.blocked_share,
                "stakes": [
                    {
                        "owner_id": s.owner_id,
                        "owner_name": s.owner_name,
                        "share": s.share,
                        "owner_listed": s.owner_listed,
                        "source": s.source,
                    }
                    for s in derivation.stakes
                ],
                "paths": [list(p) for p in derivation.paths],
            },
        },
        "relations": [
            {
                "source": e.source_id,
                "target": e.target_id,
                "type": str(e.type),
                "share": e.share,
                "strength": round(e.strength, 4),
                "provenance": e.source,
                "score": e.score,
            }
            for e in graph.edges_of(entity_id)
        ],
    }


def resolve_counterparties(
    parties: Sequence[str], resolve: Any, *, where: str = "counterparties"
) -> list[tuple[str, str, float | None]]:
    """(as written, node id, resolution score) for each party, via an `io.PartyResolver`."""
    out = []
    for i, party in enumerate(parties, start=2):
        node_id, score = resolve(party, where=f"{where}:row {i}")
        out.append((party, node_id, score))
    return out
