"""Reading the user's ownership / relationship / transaction files; bad input names the row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scrutiny.model import Entity
from scrutiny.network.graph import EdgeType, NetworkInputError, build_from_entities
from scrutiny.network.io import (
    PartyResolver,
    add_ownership,
    add_transactions,
    parse_date,
    read_ownership,
    read_relationships,
    read_transactions,
)


def test_ownership_rows_are_read_with_dates_and_types(network_data: Path) -> None:
    data = read_ownership(network_data / "ownership_planted.csv")
    assert len(data.records) == 9
    beta = data.records[4]
    assert (beta.row, beta.owner, beta.owned, beta.share) == (
        6,
        "Beta Shipping Co",
        "Beta Maritime Ltd",
        60.0,
    )
    assert beta.start == date(2016, 1, 1)
    delta = data.records[7]
    assert delta.end == date(2019, 12, 31)
    assert all(r.type is EdgeType.OWNS for r in data.records)
    assert data.warnings == []


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "ownership_bad_share.csv",
            r"ownership_bad_share.csv:row 3: percentage '-5' is outside 0-100",
        ),
        ("ownership_missing_column.csv", r"missing column\(s\) owned"),
        ("ownership_bad_date.csv", r"ownership_bad_date.csv:row 2: bad date '2020-13-01'"),
    ],
)
def test_bad_ownership_files_name_the_problem(
    network_data: Path, fixture: str, message: str
) -> None:
    with pytest.raises(NetworkInputError, match=message):
        read_ownership(network_data / fixture)


def test_stakes_over_100_percent_warn_naming_rows(network_data: Path) -> None:
    data = read_ownership(network_data / "ownership_over_100.csv")
    assert len(data.warnings) == 1
    assert "115%" in data.warnings[0]
    assert "rows 2, 3" in data.warnings[0]


def test_more_bad_values(tmp_path: Path) -> None:
    cases = {
        "owner,owned,percentage\nA,B,101\n": "outside 0-100",
        "owner,owned,percentage\nA,B,lots\n": "'lots' is not a number",
        "owner,owned,percentage\nA,,10\n": "row 2: empty owned",
        "owner,owned,percentage\nA,A,10\n": "owns itself",
        "owner,owned,percentage,type\nA,B,10,friend\n": "unknown relation 'friend'",
        "owner,owned,percentage,start,end\nA,B,10,2020,2019\n": "end 2019-12-31 is before start",
        "owner,owned\nA,B\n": "without a percentage",
        "": "empty file",
    }
    for i, (text, message) in enumerate(cases.items()):
        path = tmp_path / f"case{i}.csv"
        path.write_text(text)
        with pytest.raises(NetworkInputError, match=message):
            read_ownership(path)
    with pytest.raises(NetworkInputError, match="file not found"):
        read_ownership(tmp_path / "absent.csv")


def test_fractions_instead_of_percent_warn(tmp_path: Path) -> None:
    path = tmp_path / "fractions.csv"
    path.write_text("owner,owned,percentage\nA,B,0.3\nC,B,0.25\n")
    assert any("read as percent" in w for w in read_ownership(path).warnings)


def test_parquet_and_semicolon_csv_read_like_csv(tmp_path: Path) -> None:
    table = pa.table({"Owner": ["A", "C"], "Owned": ["B", "B"], "Share": [30.0, 25.5]})
    pq.write_table(table, tmp_path / "own.parquet")
    data = read_ownership(tmp_path / "own.parquet")
    assert [(r.owner, r.share, r.row) for r in data.records] == [("A", 30.0, 1), ("C", 25.5, 2)]
    (tmp_path / "own.csv").write_text("owner;owned;percentage\nA;B;30,5%\n")
    assert read_ownership(tmp_path / "own.csv").records[0].share == 30.5


def test_parse_date_prefixes() -> None:
    assert parse_date("2020-02", where="x", end=True) == date(2020, 2, 29)
    assert parse_date("2020-12", where="x", end=True) == date(2020, 12, 31)
    assert parse_date("2020", where="x") == date(2020, 1, 1)
    assert parse_date("", where="x") is None
    with pytest.raises(NetworkInputError, match="x: bad date '01/02/2020'"):
        parse_date("01/02/2020", where="x")


def test_relationships_and_transactions(network_data: Path) -> None:
    rel = read_relationships(network_data / "relationships.csv")
    assert [r.relation for r in rel.records] == [EdgeType.DIRECTOR, EdgeType.AGENT]
    tx = read_transactions(network_data / "transactions.csv")
    assert tx.records[0].amount == 1000.5
    assert tx.records[0].date == date(2024, 1, 5)


def test_names_resolve_to_list_entities_with_the_score_on_the_edge(
    planted: list[Entity], tmp_path: Path
) -> None:
    graph = build_from_entities(planted)
    path = tmp_path / "own.csv"
    path.write_text(
        "owner,owned,percentage\n"
        "Korea Kwangson Banking Corporation,Client Co,60\n"
        "ofac_sdn:999,Client Co,10\n"
    )

    def resolver(name: str) -> list[tuple[str, float]]:
        return [("ofac_sdn:3", 0.93)] if "kwangson" in name.casefold() else []

    parties = PartyResolver(graph, resolver, threshold=0.85)
    add_ownership(graph, read_ownership(path), parties)
    (edge, unknown) = sorted(graph.edges_of("user:client co"), key=lambda e: e.source_id)
    assert (edge.source_id, edge.score) == ("ofac_sdn:3", 0.93)
    # Strength carries the resolution score: 60 % ownership strength x 0.93.
    assert edge.strength == pytest.approx((0.5 + 0.5 * 0.6) * 0.93)
    assert unknown.source_id == "user:ofac_sdn 999"
    assert any("own.csv:row 3: unknown entity id 'ofac_sdn:999'" in w for w in parties.warnings)


def test_below_threshold_hits_stay_user_parties(planted: list[Entity], tmp_path: Path) -> None:
    graph = build_from_entities(planted)
    path = tmp_path / "tx.csv"
    path.write_text("payer,payee,amount\nKwangson Bakery,Us,5\nUs,Kwangson Bakery,7\n")
    parties = PartyResolver(graph, lambda name: [("ofac_sdn:3", 0.6)], threshold=0.85)
    volume = add_transactions(graph, read_transactions(path), parties)
    assert volume == {"user:kwangson bakery": 12.0, "user:us": 12.0}
    assert not graph.edges_of("ofac_sdn:3")
