"""GraphML / JSON / HTML export of a neighbourhood, and the `scrutiny exposure` commands."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.model import Entity
from scrutiny.network.export import render_html, to_json, write_graphml
from scrutiny.network.graph import ExposureGraph, build_from_entities
from scrutiny.network.io import PartyResolver, add_ownership, read_ownership
from scrutiny.network.ownership import fifty_percent_rule


@pytest.fixture
def graph(planted: list[Entity], network_data: Path) -> ExposureGraph:
    built = build_from_entities(planted)
    add_ownership(
        built, read_ownership(network_data / "ownership_planted.csv"), PartyResolver(built)
    )
    return built


def test_graphml_round_trips_in_networkx(graph: ExposureGraph, tmp_path: Path) -> None:
    path = tmp_path / "beta.graphml"
    write_graphml(graph.neighbourhood("ofac_sdn:3", 2), path)
    read = nx.read_graphml(path)
    assert set(read.nodes) == {"ofac_sdn:3", "user:beta shipping co", "user:beta maritime ltd"}
    assert read.nodes["ofac_sdn:3"]["designated"] is True
    (edge,) = [
        d for u, v, d in read.edges(data=True) if (u, v) == ("ofac_sdn:3", "user:beta shipping co")
    ]
    assert edge["type"] == "owns"
    assert edge["share"] == 60.0
    assert edge["start"] == "2015-01-01"


def test_json_export_names_its_center(graph: ExposureGraph) -> None:
    data = to_json(
        graph.neighbourhood("user:alpha trading llc", 1), center="user:alpha trading llc"
    )
    assert data["center"] == "user:alpha trading llc"
    assert {n["id"] for n in data["nodes"]} == {
        "user:alpha trading llc",
        "ofac_sdn:1",
        "ofac_sdn:2",
        "user:unlisted holdings ltd",
    }
    json.dumps(data, default=str)


def test_html_is_self_contained_and_marks_designated_and_dprk(graph: ExposureGraph) -> None:
    derived = frozenset(fifty_percent_rule(graph).derived_ids)
    page = render_html(graph, "user:beta maritime ltd", hops=2, derived=derived)
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert page.count("<circle") == 3
    assert 'class="n designated dprk"' in page  # the DPRK bank
    assert 'class="n derived center"' in page
    assert ">DPRK</text>" in page


@pytest.mark.slow
def test_cli_ownership_and_rank_with_real_lists(
    mirror_dir: Path, network_data: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    lists = str(mirror_dir / "ofac")
    result = runner.invoke(
        app,
        [
            "exposure",
            "ownership",
            str(network_data / "ownership_real_names.csv"),
            "--lists",
            lists,
            "--exact-names",
            "--as-of",
            "2024-01-01",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    blocked = {b["name"]: b for b in payload["blocked"]}
    # "Korea Kwangson Banking Corporation" is not the listed spelling: exact names miss it, so
    # only JO Chol Song's 20 % counts and nothing is blocked ...
    assert blocked == {}
    csv = tmp_path / "own.csv"
    csv.write_text(
        (network_data / "ownership_real_names.csv")
        .read_text()
        .replace("Korea Kwangson Banking Corporation", "KOREA KWANGSON BANKING CORP")
    )
    result = runner.invoke(
        app, ["exposure", "ownership", str(csv), "--lists", lists, "--exact-names", "--json"]
    )
    blocked = {b["name"]: b for b in json.loads(result.stdout)["blocked"]}
    # ... with the listed spelling the leasing company (60 %) and the harbour company
    # (30 % from the blocked leasing company + 20 % from JO Chol Song) are blocked.
    assert set(blocked) == {"Kwangson Leasing Ltd", "Harbour Trading Co", "Old Venture Ltd"}
    assert blocked["Harbour Trading Co"]["blocked_share"] == 50.0
    # Old Venture's stake ended in 2012: not blocked as of today.
    result = runner.invoke(
        app,
        [
            "exposure",
            "ownership",
            str(csv),
            "--lists",
            lists,
            "--exact-names",
            "--as-of",
            "2024-06-01",
        ],
    )
    assert "Old Venture" not in result.stdout
    assert "BLOCKED" in result.stdout

    result = runner.invoke(
        app,
        [
            "exposure",
            "rank",
            "--counterparties",
            str(network_data / "counterparties.csv"),
            "--ownership",
            str(csv),
            "--lists",
            lists,
            "--exact-names",
            "--hops",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)["counterparties"]
    assert ranked[0]["party"] == "Korea Kwangson Banking Corp."
    assert ranked[0]["dprk"] is True


def test_cli_export_and_bad_input(graph: ExposureGraph, tmp_path: Path, network_data: Path) -> None:
    runner = CliRunner()
    graph_file = tmp_path / "graph.json"
    graph.save(graph_file)
    out = tmp_path / "case.html"
    result = runner.invoke(
        app,
        [
            "exposure",
            "export",
            "user:beta shipping co",
            "--format",
            "html",
            "--out",
            str(out),
            "--graph",
            str(graph_file),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()
    result = runner.invoke(
        app,
        [
            "exposure",
            "export",
            "nobody",
            "--format",
            "json",
            "--out",
            str(out),
            "--graph",
            str(graph_file),
        ],
    )
    assert result.exit_code == 1
    assert "unknown party id 'nobody'" in result.output
    result = runner.invoke(
        app,
        [
            "exposure",
            "ownership",
            str(network_data / "ownership_bad_share.csv"),
            "--lists",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "row 3" in result.output


def test_cli_build_stores_the_graph_and_export_reads_it(
    mirror_dir: Path, network_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SCRUTINY_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    runner = CliRunner()
    lists = str(mirror_dir / "ofac")
    built = runner.invoke(
        app,
        [
            "exposure",
            "build",
            "--ownership",
            str(network_data / "ownership_real_names.csv"),
            "--lists",
            lists,
            "--exact-names",
        ],
    )
    assert built.exit_code == 0, built.output
    assert "the store as graph" in built.stdout
    assert not (tmp_path / "network" / "graph.json").exists()  # stored, not written as a file

    from scrutiny.network.graph import load_persisted

    stored = load_persisted()
    assert stored.node("ofac_sdn:21744").designated
    out = tmp_path / "case.json"
    exported = runner.invoke(
        app, ["exposure", "export", "ofac_sdn:21744", "--format", "json", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    names = {n["name"] for n in json.loads(out.read_text())["nodes"]}
    assert "Harbour Trading Co" in names  # the user's ownership edge came from the store
