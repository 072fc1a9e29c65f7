"""The screen, screen-file and pairs commands."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from scrutiny.cli import app

pytestmark = pytest.mark.slow  # builds the SDN index once

runner = CliRunner()


@pytest.fixture(scope="module")
def sdn_index(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scrutiny.match import Matcher
    from scrutiny.sources.ofac_csv import read_sdn_csv

    folder = tmp_path_factory.mktemp("cli-index")
    Matcher.from_entities(read_sdn_csv(mirror_dir / "ofac" / "SDN.CSV").entities).save(folder)
    return folder


def test_screen_json(sdn_index: Path) -> None:
    result = runner.invoke(
        app, ["screen", "김정은", "--type", "person", "--json", "--index", str(sdn_index)]
    )
    assert result.exit_code == 0, result.output
    hits = orjson.loads(result.stdout)
    assert hits[0]["entity_id"] == "ofac_sdn:20157"
    assert hits[0]["explanation"]["list"] == "ofac_sdn"


def test_screen_table_and_bad_input(sdn_index: Path) -> None:
    result = runner.invoke(
        app, ["screen", "Kim Jong-un", "--index", str(sdn_index)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0 and "Hits for 'Kim Jong-un'" in result.stdout
    bad = runner.invoke(app, ["screen", "Kim", "--dob", "1984-02-30", "--index", str(sdn_index)])
    assert bad.exit_code == 1 and "invalid date" in bad.output


def test_screen_file_keeps_order_and_reports_bad_rows(sdn_index: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(
        "id,name,date_of_birth\n"
        "a,Kim Jong Un,1984\n"
        "b,,\n"
        "c,John Smith,\n"
        'd,"Kim, Jong Un",1984,extra\n'
        "e,Foreign Trade Bank of the Democratic People's Republic of Korea,\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.jsonl"
    result = runner.invoke(
        app,
        [
            "screen-file",
            str(source),
            "--out",
            str(out),
            "--workers",
            "1",
            "--index",
            str(sdn_index),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2, 3, 4]
    assert rows[0]["hits"][0]["entity_id"] == "ofac_sdn:20157"
    assert "error" in rows[1] and "error" in rows[3]
    assert rows[2]["hits"] == []
    assert rows[4]["hits"][0]["entity_id"] == "ofac_sdn:15603"


def test_pairs(tmp_path: Path, sdn_index: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(
        "schema,name1,name2,ref\nperson,Kim Jong Un,Gim Jeong-eun,1\nperson,John Smith,Maria Garcia,2\n",
        encoding="utf-8",
    )
    out = tmp_path / "scored.csv"
    result = runner.invoke(
        app, ["pairs", str(source), "--out", str(out), "--index", str(sdn_index)]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "schema,name1,name2,ref,score,match"
    assert lines[1].endswith(",true") and lines[2].endswith(",false")
