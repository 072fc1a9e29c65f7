"""The exposure graph persisted in the store (SQLite and PostgreSQL), and the columnar edges."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from scrutiny.errors import StoreError
from scrutiny.model import Entity
from scrutiny.network.exposure import exposure_for
from scrutiny.network.graph import (
    DEFAULT_GRAPH,
    Edge,
    EdgeType,
    ExposureGraph,
    NetworkInputError,
    Node,
    build_from_entities,
    edge_strength,
    load_persisted,
    save_persisted,
)
from scrutiny.network.io import (
    PartyResolver,
    add_ownership,
    add_transactions,
    read_ownership,
    read_transactions,
)
from scrutiny.network.ownership import eu_uk_test, fifty_percent_rule
from scrutiny.store import Store
from scrutiny.store.graph import GraphNotFoundError, delete_graph, list_graphs


def _planted_graph(planted: list[Entity], data: Path) -> ExposureGraph:
    graph = build_from_entities(planted)
    parties = PartyResolver(graph)
    add_ownership(graph, read_ownership(data / "ownership_planted.csv"), parties)
    add_ownership(graph, read_ownership(data / "ownership_control.csv"), parties)
    add_transactions(graph, read_transactions(data / "transactions.csv"), parties)
    graph.warnings.append("a warning that must survive the round trip")
    return graph


def test_graph_round_trips_through_the_store(
    store: Store, planted: list[Entity], network_data: Path
) -> None:
    graph = _planted_graph(planted, network_data)
    info = graph.save_to_store(store, "case-42")
    assert (info.node_count, info.edge_count) == (len(graph), graph.edge_count)
    again = ExposureGraph.from_store(store, "case-42")
    assert list(again.nodes()) == list(graph.nodes())
    assert list(again.edges()) == list(graph.edges())
    assert again.warnings == graph.warnings
    # Provenance, dates, shares and amounts are all kept.
    edges = list(again.edges())
    assert any(e.source.startswith("ownership_planted.csv:row ") for e in edges)
    assert any(e.end is not None for e in edges)
    assert any(e.amount is not None for e in edges)
    # The analyses give the same answers on the loaded graph.
    for rule in (fifty_percent_rule, eu_uk_test):
        assert sorted(rule(again).derived_ids) == sorted(rule(graph).derived_ids)
    assert sorted(fifty_percent_rule(again).derived_ids)  # the planted chains block something


def test_several_named_graphs_and_replacing_one(
    store: Store, planted: list[Entity], network_data: Path
) -> None:
    full = _planted_graph(planted, network_data)
    lists_only = build_from_entities(planted)
    full.save_to_store(store, "full")
    lists_only.save_to_store(store, "lists")
    assert [(i.name, i.edge_count) for i in list_graphs(store)] == [
        ("full", full.edge_count),
        ("lists", lists_only.edge_count),
    ]
    # Saving under an existing name replaces that graph only.
    lists_only.save_to_store(store, "full")
    assert ExposureGraph.from_store(store, "full").edge_count == lists_only.edge_count
    assert len(ExposureGraph.from_store(store, "lists")) == len(lists_only)
    assert delete_graph(store, "full")
    assert not delete_graph(store, "full")
    with pytest.raises(GraphNotFoundError, match=r"'full'.*lists"):
        ExposureGraph.from_store(store, "full")


def test_bad_graph_name_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="bad graph name"):
        ExposureGraph().save_to_store(store, " padded ")


def test_exposure_for_loads_the_stored_graph_by_default(
    store: Store,
    planted: list[Entity],
    network_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path / "data"))  # no JSON fallback there
    with pytest.raises(GraphNotFoundError):
        load_persisted(store=store)
    graph = _planted_graph(planted, network_data)
    save_persisted(graph, store=store)
    report = exposure_for("user:beta maritime ltd", store=store)
    assert report["ofac_50_percent"]["blocked"] is True
    assert report["ofac_50_percent"]["derivation"]["paths"] == [
        ["ofac_sdn:3", "user:beta shipping co", "user:beta maritime ltd"]
    ]
    assert report["exposure"]["score"] > 0


def test_default_graph_falls_back_to_the_json_file(
    store: Store,
    planted: list[Entity],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path / "data"))
    graph = build_from_entities(planted)
    graph.save(tmp_path / "data" / "network" / "graph.json")
    loaded = load_persisted(DEFAULT_GRAPH, store=store)
    assert [n.id for n in loaded.nodes()] == [n.id for n in graph.nodes()]
    # Only the default name falls back; another name must exist in the store.
    with pytest.raises(GraphNotFoundError):
        load_persisted("other", store=store)


def test_edge_arrays_match_the_edges_added_one_by_one() -> None:
    graph = ExposureGraph()
    graph.add_nodes(Node(f"n{i}", f"Party {i}", designated=i == 0) for i in range(4))
    graph.add_edge(Edge("n0", "n1", EdgeType.OWNS, share=60.0, start=date(2020, 1, 1)))
    graph.add_edge(Edge("n1", "n2", EdgeType.OWNS, share=60.0, source="f.csv:row 007"))
    graph.add_edge_arrays(
        [2, 0],
        [3, 3],
        EdgeType.OWNS,
        share=[50.0, 10.0],
        start=np.array(["2019-05-01", "NaT"], dtype="datetime64[D]"),
        end=date(2021, 12, 31),
        source="bulk.csv",
        rows=[2, 3],
    )
    edges = list(graph.edges())
    assert [(e.source_id, e.target_id) for e in edges] == [
        ("n0", "n1"),
        ("n1", "n2"),
        ("n2", "n3"),
        ("n0", "n3"),
    ]
    # "row 007" does not print back the same: kept whole, not rewritten to "row 7".
    assert edges[1].source == "f.csv:row 007"
    assert edges[2].source == "bulk.csv:row 2"
    assert edges[2].start == date(2019, 5, 1) and edges[2].end == date(2021, 12, 31)
    assert edges[3].start is None
    assert edges[0].share == 60.0 and edges[0].amount is None
    # Bulk strengths follow the same table as one-by-one edges.
    assert edges[2].strength == pytest.approx(edge_strength(EdgeType.OWNS, 50.0))
    assert edges[2].strength != pytest.approx(edge_strength(EdgeType.OWNS, 10.0))
    result = fifty_percent_rule(graph, as_of=date(2020, 6, 30))
    assert set(result.derived_ids) == {"n1", "n2", "n3"}
    assert not fifty_percent_rule(graph, as_of=date(2019, 6, 30)).is_blocked("n1")


def test_bulk_edges_to_unknown_nodes_are_refused() -> None:
    graph = ExposureGraph()
    graph.add_nodes([Node("a", "A"), Node("b", "B")])
    with pytest.raises(NetworkInputError, match="edge 1: target node index 5"):
        graph.add_edge_arrays([0, 1], [1, 5], EdgeType.OWNS, share=[10.0, 10.0])
    assert graph.edge_count == 0


def test_rule_results_follow_parties_added_after_a_run() -> None:
    graph = ExposureGraph()
    graph.add_nodes([Node("a", "A"), Node("b", "B")])
    graph.add_edge_arrays([0], [1], EdgeType.OWNS, share=[50.0])
    assert fifty_percent_rule(graph).derived_ids == []
    # A listed owner arrives later: the cached extraction and seeds must not hide it.
    graph.add_node(Node("x", "X", designated=True, list_id="ofac_sdn"))
    graph.add_edge(Edge("x", "a", EdgeType.OWNS, share=50.0))
    assert sorted(fifty_percent_rule(graph).derived_ids) == ["a", "b"]
    graph.add_node(Node("a", "A", designated=True, list_id="un_sc"))  # upgraded in place
    assert fifty_percent_rule(graph, lists=["un_sc"]).derived_ids == ["b"]
