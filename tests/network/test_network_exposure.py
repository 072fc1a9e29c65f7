"""Exposure ranking: shortest and strongest paths to designated parties, volume, DPRK flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.model import Entity
from scrutiny.network.exposure import (
    exposure_for,
    exposure_to_dict,
    rank_exposure,
    resolve_counterparties,
    search_exposure,
)
from scrutiny.network.graph import (
    Edge,
    EdgeType,
    ExposureGraph,
    Node,
    build_from_entities,
    exact_name_resolver,
    weights,
)
from scrutiny.network.io import (
    PartyResolver,
    add_ownership,
    add_relationships,
    add_transactions,
    read_counterparties,
    read_ownership,
    read_relationships,
    read_transactions,
)
from scrutiny.network.ownership import fifty_percent_rule


def _chain_graph() -> ExposureGraph:
    """D (designated, DPRK) - a - b - c - far, plus a weak shortcut D ~ c via a shared phone."""
    graph = ExposureGraph()
    graph.add_node(Node("D", "Designated Bank", designated=True, programs=("DPRK3",), dprk=True))
    for name in ("a", "b", "c", "far", "alone"):
        graph.add_node(Node(name, name))
    graph.add_edges(
        [
            Edge("D", "a", EdgeType.OWNS, share=100, strength=1.0),
            Edge("a", "b", EdgeType.OWNS, share=100, strength=1.0),
            Edge("b", "c", EdgeType.OWNS, share=100, strength=1.0),
            Edge("c", "D", EdgeType.SHARES_PHONE, strength=0.1),
            Edge("far", "c", EdgeType.TRANSACTS, strength=1.0),
        ]
    )
    return graph


def test_shortest_and_strongest_paths_differ_when_the_shortcut_is_weak() -> None:
    index = search_exposure(_chain_graph(), hops=3)
    exposure = index.exposure("c")
    decay = weights()["hop_decay"]
    assert exposure.hops == 1
    assert exposure.shortest is not None and exposure.strongest is not None
    assert exposure.shortest.node_ids == ("c", "D")
    assert exposure.shortest.edge_types == ("shares_phone",)
    assert exposure.strongest.node_ids == ("c", "b", "a", "D")
    assert exposure.strongest.score == pytest.approx(decay**3)
    assert exposure.score == pytest.approx(max(decay**3, 0.1 * decay))
    assert exposure.dprk


def test_hop_limit_is_respected() -> None:
    index = search_exposure(_chain_graph(), hops=1)
    assert index.exposure("b").score == 0.0
    assert index.exposure("b").hops is None
    # "far" is two hops away via the weak shortcut only.
    two = search_exposure(_chain_graph(), hops=2).exposure("far")
    assert two.hops == 2
    assert two.strongest is not None and two.strongest.node_ids == ("far", "c", "D")
    assert search_exposure(_chain_graph(), hops=3).exposure("alone").strongest is None


def test_designated_counterparty_scores_its_programme_weight() -> None:
    exposure = search_exposure(_chain_graph()).exposure("D")
    assert exposure.hops == 0
    assert exposure.score == pytest.approx(weights()["program_weight"]["dprk"])


def test_ranking_uses_score_then_volume_and_matches_brute_force() -> None:
    graph = _chain_graph()
    parties = [(p, p, None) for p in ("far", "alone", "a", "b", "c", "a")]
    ranked = rank_exposure(graph, parties, hops=3, volume={"far": 10.0, "alone": 99.0})
    assert [e.node_id for e in ranked] == ["a", "b", "c", "far", "alone"]
    # Brute force over every simple path of <= 3 hops agrees with the multi-source search.
    decay = weights()["hop_decay"]
    adjacency: dict[str, list[tuple[str, float]]] = {}
    for edge in graph.edges():
        adjacency.setdefault(edge.source_id, []).append((edge.target_id, edge.strength))
        adjacency.setdefault(edge.target_id, []).append((edge.source_id, edge.strength))

    def best(node: str, hops: int, seen: frozenset[str]) -> float:
        if node == "D":
            return 1.0
        if hops == 0:
            return 0.0
        return max(
            [
                s * decay * best(n, hops - 1, seen | {n})
                for n, s in adjacency.get(node, [])
                if n not in seen
            ],
            default=0.0,
        )

    for exposure in ranked:
        assert exposure.score == pytest.approx(
            best(exposure.node_id, 3, frozenset({exposure.node_id}))
        )


def test_derived_blocked_entities_are_seeds(planted: list[Entity], network_data: Path) -> None:
    graph = build_from_entities(planted)
    parties = PartyResolver(graph, exact_name_resolver(graph))
    add_ownership(graph, read_ownership(network_data / "ownership_planted.csv"), parties)
    tx = add_transactions(graph, read_transactions(network_data / "transactions.csv"), parties)
    add_relationships(graph, read_relationships(network_data / "relationships.csv"), parties)
    ownership = fifty_percent_rule(graph)
    names = read_counterparties(network_data / "counterparties.csv").records
    resolved = resolve_counterparties(names, parties)
    ranked = rank_exposure(graph, resolved, hops=3, volume=tx, ownership=ownership)
    by_party = {e.party: e for e in ranked}
    # Alpha is blocked by the 50 % rule: a seed itself.
    assert by_party["Alpha Trading LLC"].hops == 0
    assert by_party["Alpha Trading LLC"].volume == pytest.approx(1000.5)
    # The name on the counterparty list resolves exactly to the listed bank.
    assert by_party["Korea Kwangson Banking Corp."].node_id == "ofac_sdn:3"
    assert by_party["Korea Kwangson Banking Corp."].dprk
    # Clean Co pays Omega Agents, Alpha's agent: 2 hops via a derived-blocked party.
    clean = by_party["Clean Co"]
    assert clean.hops == 2
    assert clean.shortest is not None
    assert clean.shortest.node_ids[-1] == "user:alpha trading llc"
    assert ranked[-1].score <= ranked[0].score
    payload = exposure_to_dict(clean)
    assert payload["shortest"]["edges"] == ["transacts", "agent"]


def test_exposure_for_reports_status_and_relations(
    planted: list[Entity], network_data: Path, tmp_path: Path
) -> None:
    graph = build_from_entities(planted)
    add_ownership(
        graph, read_ownership(network_data / "ownership_planted.csv"), PartyResolver(graph)
    )
    report = exposure_for("user:beta maritime ltd", graph)
    assert report["ofac_50_percent"]["blocked"] is True
    assert report["ofac_50_percent"]["derivation"]["paths"] == [
        ["ofac_sdn:3", "user:beta shipping co", "user:beta maritime ltd"]
    ]
    assert report["exposure"]["strongest"]["designated_id"] in {
        "ofac_sdn:3",
        "user:beta shipping co",
        "user:beta maritime ltd",
    }
    assert [r["type"] for r in report["relations"]] == ["owns"]
