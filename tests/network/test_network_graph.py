"""Building the graph from list entities and from the real SDN.CSV links; persistence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scrutiny.model import Entity, EntityType, Link
from scrutiny.network.graph import (
    EdgeType,
    ExposureGraph,
    NetworkInputError,
    build_from_entities,
    entity_is_dprk,
)
from scrutiny.network.ownership import fifty_percent_rule


def test_linked_to_resolves_by_name_within_the_same_list(
    make_listed: Callable[..., Entity],
) -> None:
    bank = make_listed("10", "FOREIGN TRADE BANK OF THE DPRK")
    rep = make_listed(
        "11",
        "RI, Representative",
        schema=EntityType.PERSON,
        links=(Link("linked_to", "Foreign Trade Bank of the DPRK."),),
    )
    other_list = make_listed("10", "FOREIGN TRADE BANK OF THE DPRK", list_id="un_sc")
    graph = build_from_entities([bank, rep, other_list])
    edges = graph.edges_of("ofac_sdn:11")
    assert [(e.source_id, e.target_id, e.type) for e in edges] == [
        ("ofac_sdn:11", "ofac_sdn:10", EdgeType.LINKED_TO)
    ]
    assert edges[0].score == 1.0
    assert graph.warnings == []


def test_unresolved_link_target_becomes_a_placeholder_with_a_warning(
    make_listed: Callable[..., Entity],
) -> None:
    rep = make_listed("11", "RI", links=(Link("linked_to", "NO SUCH BANK"),))
    graph = build_from_entities([rep])
    (edge,) = graph.edges_of("ofac_sdn:11")
    assert edge.target_id.startswith("unresolved:ofac_sdn:")
    assert not graph.node(edge.target_id).designated
    assert any("NO SUCH BANK" in w for w in graph.warnings)


def test_vessel_owner_edge_runs_from_owner_to_vessel(make_listed: Callable[..., Entity]) -> None:
    owner = make_listed("20", "KOREA ANSAN SHIPPING COMPANY")
    vessel = make_listed(
        "21",
        "AN SAN 1",
        schema=EntityType.VESSEL,
        links=(Link("owner", "KOREA ANSAN SHIPPING COMPANY"), Link("operator", "Unknown Ops")),
    )
    graph = build_from_entities([owner, vessel])
    types = {(e.source_id, e.type) for e in graph.edges_of("ofac_sdn:21")}
    assert ("ofac_sdn:20", EdgeType.OWNS) in types
    assert any(t is EdgeType.CONTROLS and s.startswith("unresolved:") for s, t in types)


def test_shared_phone_links_entities_but_a_common_one_does_not(
    make_listed: Callable[..., Entity],
) -> None:
    pair = [make_listed(str(i), f"CO {i}", phones=("+850 2 381 8111",)) for i in (1, 2)]
    crowd = [make_listed(str(i), f"CROWD {i}", phones=("+850-2-18111",)) for i in range(3, 20)]
    graph = build_from_entities(pair + crowd)
    shared = [e for e in graph.edges() if e.type is EdgeType.SHARES_PHONE]
    assert [(e.source_id, e.target_id) for e in shared] == [("ofac_sdn:1", "ofac_sdn:2")]


def test_graph_round_trips_through_json(tmp_path: Path, planted: list[Entity]) -> None:
    graph = build_from_entities(planted)
    path = tmp_path / "graph.json"
    graph.save(path)
    again = ExposureGraph.load(path)
    assert {n.id for n in again.nodes()} == {n.id for n in graph.nodes()}
    assert sorted(again.edges(), key=str) == sorted(graph.edges(), key=str)
    assert again.node("ofac_sdn:3").dprk


def test_unknown_node_and_bad_graph_file_raise(tmp_path: Path) -> None:
    with pytest.raises(NetworkInputError, match="unknown party id"):
        ExposureGraph().node("ofac_sdn:404")
    bad = tmp_path / "graph.json"
    bad.write_text("{not json")
    with pytest.raises(NetworkInputError, match=r"graph\.json"):
        ExposureGraph.load(bad)


@pytest.mark.slow
def test_real_sdn_links_to_dprk_banks(mirror_dir: Path) -> None:
    from scrutiny.sources.ofac_csv import read_sdn_csv

    entities = list(read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV").entities)
    graph = build_from_entities(entities)
    bank = next(e for e in entities if e.primary_name == "KOREA KWANGSON BANKING CORP")
    assert entity_is_dprk(bank)
    linked = {
        e.source_id
        for e in graph.edges_of(bank.id)
        if e.type is EdgeType.LINKED_TO and e.target_id == bank.id
    }
    names = {graph.node(i).name for i in linked}
    assert {"JO, Chol Song", "SIM, Hyon Sop"} <= names
    # The Foreign Trade Bank's linked parties resolve to it too.
    ftb = next(
        e
        for e in entities
        if e.primary_name == "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"
    )
    assert graph.node(ftb.id).dprk
    assert sum(1 for e in graph.edges_of(ftb.id) if e.type is EdgeType.LINKED_TO) >= 3
    # Most "Linked To:" targets are on the list themselves.
    unresolved = [w for w in graph.warnings if "not found" in w]
    assert len(unresolved) < 0.05 * sum(1 for e in entities for _ in e.links)
    # Listed parties are blocked, linked ones are not derived by ownership.
    result = fifty_percent_rule(graph)
    assert result.is_blocked(bank.id)
    assert result.derived_ids == [] or all(not graph.node(i).designated for i in result.derived_ids)
