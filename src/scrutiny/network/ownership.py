"""Entities blocked by ownership: OFAC's 50 % rule and the EU / UK "owned or controlled" test.

OFAC (Revised Guidance on Entities Owned by Persons whose Property and Interests in Property
are Blocked, 13 August 2014): an entity is blocked when one or more blocked persons own, directly
or indirectly, 50 % or more of it in the aggregate. "Indirectly" does not multiply percentages
along a chain: an entity that is itself blocked (listed, or blocked by this rule) is a blocked
owner with its full stake. So the rule is a fixed point: start from the listed parties, add every
entity whose blocked owners' stakes sum to >= 50 %, and repeat with the new ones as owners.

EU (Council best practices, "owned or controlled") and UK (OFSI, SAMLA regulation 7): an entity
is caught when designated persons own *more than* 50 % of it, or control it. Here control edges
(type `controls`) from a designated or caught party count in full, and stakes of several
designated owners are aggregated — the cautious reading; both EU and UK guidance say aggregation
depends on the case.

The fixed point is computed with numpy over arrays: every entity enters the worklist at most once
(when it becomes blocked), so each edge is read at most once and ownership cycles terminate.
Stakes only count on the `as_of` date (start <= as_of <= end; end is the last day held).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import rustworkx as rx

from scrutiny.network.graph import EdgeType, ExposureGraph, type_code

# Stakes are summed in floating point; 30.1 + 19.9 must reach 50.
_EPSILON = 1e-9
MAX_PATHS = 10  # ownership paths kept per derived entity (they can multiply in dense graphs)
MAX_WARNINGS = 20


class Rule(StrEnum):
    OFAC_50 = "ofac_50"  # aggregate >= 50 %, ownership only
    EU_UK = "eu_uk"  # aggregate > 50 %, or control


@dataclass(frozen=True, slots=True)
class Stake:
    """One blocked owner's holding (or control) in a derived-blocked entity."""

    owner_id: str
    owner_name: str
    share: float | None  # percent; None for control
    owner_listed: bool  # listed itself, rather than blocked by ownership
    relation: EdgeType
    source: str  # provenance of the stake (file:row)


@dataclass(frozen=True, slots=True)
class Derivation:
    """Why an entity that is not listed is blocked: its blocked owners and the paths to lists."""

    entity_id: str
    name: str
    rule: Rule
    blocked_share: float  # sum of the blocked owners' stakes, percent
    stakes: tuple[Stake, ...]  # the blocked owners whose stakes establish the block
    paths: tuple[tuple[str, ...], ...]  # entity-id chains from a listed party down to this one
    round: int  # propagation round (1 = owned directly by listed parties)


@dataclass
class _Arrays:
    owner: npt.NDArray[np.int64]
    owned: npt.NDArray[np.int64]
    share: npt.NDArray[np.float64]
    edge_ids: npt.NDArray[np.int64]  # parallel to the arrays: ids into graph.edge_arrays()
    ctrl_owner: npt.NDArray[np.int64]
    ctrl_owned: npt.NDArray[np.int64]
    ctrl_ids: npt.NDArray[np.int64]


@dataclass
class OwnershipResult:
    """Outcome of a rule on a graph: which entities are blocked and why."""

    graph: ExposureGraph
    rule: Rule
    as_of: date | None
    listed: npt.NDArray[np.bool_]  # by node index: the seeds
    blocked: npt.NDArray[np.bool_]  # by node index: listed or derived
    rounds: npt.NDArray[np.int32]  # by node index: 0 listed, k derived in round k, -1 not blocked
    stake: npt.NDArray[np.float64]  # by node index: sum of blocked owners' stakes (percent)
    arrays: _Arrays
    warnings: list[str] = field(default_factory=list)
    _by_owned: dict[int, list[tuple[int, int]]] | None = field(default=None, init=False, repr=False)

    @property
    def derived_ids(self) -> list[str]:
        """Entities blocked by ownership or control, not listed themselves."""
        indices = np.flatnonzero(self.blocked & ~self.listed)
        return [self.graph.graph[int(i)].id for i in indices]

    def is_blocked(self, entity_id: str) -> bool:
        """Whether this party is blocked (listed, or by the rule)."""
        return bool(self.blocked[self.graph.index[entity_id]])

    def explain(self, entity_id: str) -> Derivation | None:
        """The derivation of a derived-blocked entity; None when listed or not blocked."""
        index = self.graph.index[entity_id]
        if not self.blocked[index] or self.listed[index]:
            return None
        stakes = self._establishing_stakes(index)
        paths = list(self._paths(index, MAX_PATHS))
        node = self.graph.graph[index]
        return Derivation(
            entity_id=node.id,
            name=node.name,
            rule=self.rule,
            blocked_share=float(self.stake[index]),
            stakes=tuple(stakes),
            paths=tuple(tuple(p) for p in paths),
            round=int(self.rounds[index]),
        )

    def derivations(self) -> Iterator[Derivation]:
        """Derivations of every derived-blocked entity, in propagation order."""
        indices = np.flatnonzero(self.blocked & ~self.listed)
        for index in indices[np.argsort(self.rounds[indices], kind="stable")]:
            derivation = self.explain(self.graph.graph[int(index)].id)
            if derivation is not None:
                yield derivation

    def _in_stakes(self) -> dict[int, list[tuple[int, int]]]:
        # Built on first use: (blocked owner, edge id) grouped by the owned entity.
        if self._by_owned is not None:
            return self._by_owned
        by_owned: dict[int, list[tuple[int, int]]] = defaultdict(list)
        a = self.arrays
        for i in np.flatnonzero(self.blocked[a.owner]):
            by_owned[int(a.owned[i])].append((int(a.owner[i]), int(a.edge_ids[i])))
        for i in np.flatnonzero(self.blocked[a.ctrl_owner]) if self.rule is Rule.EU_UK else ():
            by_owned[int(a.ctrl_owned[i])].append((int(a.ctrl_owner[i]), int(a.ctrl_ids[i])))
        self._by_owned = by_owned
        return by_owned

    def _establishing(self, index: int) -> list[tuple[int, int]]:
        # Owners blocked in an earlier round are the ones that blocked this entity; later ones
        # (in a cycle) are blocked because of it and would make the explanation circular.
        here = self.rounds[index]
        return [
            (owner, edge)
            for owner, edge in self._in_stakes().get(index, [])
            if 0 <= self.rounds[owner] < here
        ]

    def _establishing_stakes(self, index: int) -> list[Stake]:
        stakes = []
        for owner, edge_id in self._establishing(index):
            edge = self.graph.edge(edge_id)
            node = self.graph.graph[owner]
            stakes.append(
                Stake(
                    owner_id=node.id,
                    owner_name=node.name,
                    share=edge.share if edge.type is EdgeType.OWNS else None,
                    owner_listed=bool(self.listed[owner]),
                    relation=edge.type,
                    source=edge.source,
                )
            )
        stakes.sort(key=lambda s: -(s.share if s.share is not None else 101.0))
        return stakes

    def _paths(self, index: int, limit: int) -> Iterator[list[str]]:
        # Rounds strictly decrease along establishing owners, so this recursion ends.
        node_id = self.graph.graph[index].id
        if self.listed[index]:
            yield [node_id]
            return
        produced = 0
        for owner, _edge in self._establishing(index):
            for path in self._paths(owner, limit - produced):
                yield [*path, node_id]
                produced += 1
                if produced >= limit:
                    return


def propagate_blocking(
    n_nodes: int,
    owner: npt.NDArray[np.int64],
    owned: npt.NDArray[np.int64],
    share: npt.NDArray[np.float64],
    seeds: npt.NDArray[np.bool_],
    *,
    threshold: float = 50.0,
    strict: bool = False,
    ctrl_owner: npt.NDArray[np.int64] | None = None,
    ctrl_owned: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """The fixed point of blocking by ownership over edge arrays (owner -> owned, share %).

    Returns (blocked, round, blocked_stake) by node index. With `strict` the stake must exceed
    `threshold` (EU/UK) rather than reach it (OFAC); control edges block their target outright.
    """
    blocked = seeds.astype(bool, copy=True)
    rounds = np.where(blocked, 0, -1).astype(np.int32)
    stake = np.zeros(n_nodes, dtype=np.float64)
    own_csr = _csr(n_nodes, owner, owned, share)
    ctrl_csr = (
        _csr(n_nodes, ctrl_owner, ctrl_owned, np.zeros(len(ctrl_owner)))
        if ctrl_owner is not None and ctrl_owned is not None and len(ctrl_owner)
        else None
    )
    frontier = np.flatnonzero(blocked)
    level = 0
    while frontier.size:
        level += 1
        targets, weights = _gather(own_csr, frontier)
        if targets.size:
            stake += np.bincount(targets, weights=weights, minlength=n_nodes)
        if strict:
            reached = stake[targets] > threshold + _EPSILON
        else:
            reached = stake[targets] >= threshold - _EPSILON
        candidates = [targets[reached]]
        if ctrl_csr is not None:
            candidates.append(_gather(ctrl_csr, frontier)[0])
        fresh = np.unique(np.concatenate(candidates))
        fresh = fresh[~blocked[fresh]]
        blocked[fresh] = True
        rounds[fresh] = level
        frontier = fresh
    return blocked, rounds, stake


_Csr = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _csr(
    n_nodes: int,
    source: npt.NDArray[np.int64],
    target: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
) -> _Csr:
    order = np.argsort(source, kind="stable")
    offsets = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n_nodes), out=offsets[1:])
    return offsets, target[order], weight[order]


def _gather(
    csr: _Csr, nodes: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Targets and weights of every edge leaving `nodes` (vectorised CSR slice)."""
    offsets, targets, weights = csr
    starts = offsets[nodes]
    counts = offsets[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    positions = shift + np.arange(total, dtype=np.int64)
    return targets[positions], weights[positions]


def _arrays(graph: ExposureGraph, as_of: date | None) -> _Arrays:
    """Ownership stakes (with a share) and control links that hold on `as_of`, as arrays.

    Cached on the graph per date: applying both rules, or one rule twice, extracts once.
    """
    return graph.cached(("ownership_arrays", as_of), lambda: _extract(graph, as_of))


def _extract(graph: ExposureGraph, as_of: date | None) -> _Arrays:
    e = graph.edge_arrays()
    active = e.active(as_of)
    owns = np.flatnonzero(active & (e.type == type_code(EdgeType.OWNS)) & ~np.isnan(e.share))
    ctrl = np.flatnonzero(active & (e.type == type_code(EdgeType.CONTROLS)))
    return _Arrays(
        e.src[owns],
        e.dst[owns],
        e.share[owns],
        owns.astype(np.int64),
        e.src[ctrl],
        e.dst[ctrl],
        ctrl.astype(np.int64),
    )


def _seeds(graph: ExposureGraph, lists: Collection[str] | None) -> npt.NDArray[np.bool_]:
    key = ("seeds", None if lists is None else frozenset(lists))

    def compute() -> npt.NDArray[np.bool_]:
        return np.fromiter(
            (n.designated and (lists is None or n.list_id in lists) for n in graph.graph.nodes()),
            dtype=bool,
            count=graph.index_bound,
        )

    # A copy: callers own the result (OwnershipResult.listed).
    return graph.cached(key, compute).copy()


def _input_warnings(graph: ExposureGraph, a: _Arrays, n: int, as_of: date | None) -> list[str]:
    """Stakes over 100 % in one entity, and ownership cycles, named by rows."""
    warnings: list[str] = []
    if a.owner.size:
        totals = np.bincount(a.owned, weights=a.share, minlength=n)
        over = np.flatnonzero(totals > 100.0 + 1e-6)
        if over.size:
            rows: dict[int, list[str]] = defaultdict(list)
            over_set = set(over.tolist())
            for i in np.flatnonzero(np.isin(a.owned, over)):
                if int(a.owned[i]) in over_set:
                    rows[int(a.owned[i])].append(graph.provenance(int(a.edge_ids[i])))
            for index in over[:MAX_WARNINGS]:
                node = graph.graph[int(index)]
                warnings.append(
                    f"stakes in {node.name!r} ({node.id}) add up to {totals[index]:g}% "
                    f"({'; '.join(rows[int(index)][:10])})"
                )
            if over.size > MAX_WARNINGS:
                warnings.append(f"... and {over.size - MAX_WARNINGS} more entities over 100%")
        # Cached per date with the arrays: the strongly connected components of a million
        # edges are the slowest part of a rule run and do not change between runs.
        cycles = graph.cached(("ownership_cycles", as_of), lambda: _cycles(n, a.owner, a.owned))
        for component in cycles[:MAX_WARNINGS]:
            names = ", ".join(graph.graph[i].id for i in component[:8])
            more = f" and {len(component) - 8} more" if len(component) > 8 else ""
            warnings.append(f"ownership cycle among {names}{more}")
        if len(cycles) > MAX_WARNINGS:
            warnings.append(f"... and {len(cycles) - MAX_WARNINGS} more ownership cycles")
    return warnings


def _cycles(n: int, owner: npt.NDArray[np.int64], owned: npt.NDArray[np.int64]) -> list[list[int]]:
    """Strongly connected components with more than one entity: circular ownership."""
    # Peel off owners nobody owns and entities that own nothing, until none are left: they
    # cannot be on a cycle, and in real (and synthetic) data they are most of the graph.
    while owner.size:
        has_in = np.zeros(n, dtype=bool)
        has_in[owned] = True
        has_out = np.zeros(n, dtype=bool)
        has_out[owner] = True
        keep = has_in[owner] & has_out[owned]
        if keep.all():
            break
        owner, owned = owner[keep], owned[keep]
    if not owner.size:
        return []
    involved = np.unique(np.concatenate([owner, owned]))
    local = np.full(n, -1, dtype=np.int64)
    local[involved] = np.arange(involved.size)
    digraph = rx.PyDiGraph()
    digraph.add_nodes_from([None] * involved.size)
    digraph.add_edges_from_no_data(
        list(zip(local[owner].tolist(), local[owned].tolist(), strict=True))
    )
    components = [c for c in rx.strongly_connected_components(digraph) if len(c) > 1]
    return [sorted(int(involved[i]) for i in c) for c in components]


def apply_rule(
    graph: ExposureGraph,
    rule: Rule = Rule.OFAC_50,
    *,
    as_of: date | None = None,
    lists: Collection[str] | None = None,
) -> OwnershipResult:
    """Apply an ownership rule to the graph on `as_of` (every stake, if None).

    `lists` limits the seeds to designated parties of those list ids (default: every
    designated party in the graph).
    """
    a = _arrays(graph, as_of)
    n = graph.index_bound
    seeds = _seeds(graph, lists)
    eu_uk = rule is Rule.EU_UK
    blocked, rounds, stake = propagate_blocking(
        n,
        a.owner,
        a.owned,
        a.share,
        seeds,
        threshold=50.0,
        strict=eu_uk,
        ctrl_owner=a.ctrl_owner if eu_uk else None,
        ctrl_owned=a.ctrl_owned if eu_uk else None,
    )
    return OwnershipResult(
        graph=graph,
        rule=rule,
        as_of=as_of,
        listed=seeds,
        blocked=blocked,
        rounds=rounds,
        stake=stake,
        arrays=a,
        warnings=_input_warnings(graph, a, n, as_of),
    )


def fifty_percent_rule(
    graph: ExposureGraph, *, as_of: date | None = None, lists: Collection[str] | None = None
) -> OwnershipResult:
    """OFAC's 50 % rule (aggregate >= 50 %, directly or indirectly, no multiplication)."""
    return apply_rule(graph, Rule.OFAC_50, as_of=as_of, lists=lists)


def eu_uk_test(
    graph: ExposureGraph, *, as_of: date | None = None, lists: Collection[str] | None = None
) -> OwnershipResult:
    """EU / UK: more than 50 % owned, or controlled, by designated (or caught) parties."""
    return apply_rule(graph, Rule.EU_UK, as_of=as_of, lists=lists)
