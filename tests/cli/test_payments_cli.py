"""`scrutiny screen-payment`: files, folders, stdin, JSON lines and exit statuses."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from scrutiny.cli import app
from scrutiny.match import Matcher
from scrutiny.model import Entity, EntityType, Identifier, IdKind, Name, Provenance, seal

DATA = Path(__file__).resolve().parents[1] / "data" / "payments"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ftb = seal(
        Entity(
            id="test:ftb",
            schema=EntityType.ORGANIZATION,
            names=(Name("Foreign Trade Bank of the Democratic People's Republic of Korea"),),
            provenance=Provenance("test", "test.csv", "ftb"),
            identifiers=(Identifier(IdKind.BIC, "FTBDKPPY"),),
        )
    )
    folder = tmp_path_factory.mktemp("index")
    Matcher.from_entities([ftb]).save(folder)
    return folder


def _run(args: list[str], stdin: bytes | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen-payment", *args], input=stdin)
    return result.exit_code, result.stdout


def test_clean_folder_passes(index_dir: Path) -> None:
    code, out = _run([str(DATA / "clean"), "--index", str(index_dir), "--json"])
    rows = [orjson.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(rows) == len(list((DATA / "clean").iterdir()))
    assert {r["decision"] for r in rows} == {"pass"}


def test_held_file_exits_1_with_location(index_dir: Path) -> None:
    path = DATA / "planted" / "mt103_ftb_intermediary.fin"
    code, out = _run([str(path), "--index", str(index_dir), "--json"])
    assert code == 1
    (row,) = [orjson.loads(line) for line in out.splitlines()]
    assert row["decision"] == "hold"
    assert {(h["location"], h["kind"]) for h in row["hits"]} >= {(":56A:", "bic")}


def test_stdin_stream_with_malformed_exits_2(index_dir: Path) -> None:
    raw = (DATA / "batch" / "mixed_mt_stream.fin").read_bytes()
    code, out = _run(["-", "--index", str(index_dir), "--json"], stdin=raw)
    assert code == 2
    rows = [orjson.loads(line) for line in out.splitlines()]
    assert [r["decision"] for r in rows] == ["pass", "error", "hold", "pass"]


def test_human_output_and_missing_path(index_dir: Path) -> None:
    code, out = _run(
        [str(DATA / "planted" / "mt103_ftb_intermediary.fin"), "--index", str(index_dir)]
    )
    assert code == 1 and "HOLD" in out and ":56A:" in out
    code, _ = _run([str(DATA / "nope.fin"), "--index", str(index_dir)])
    assert code == 2


def test_undecodable_input_exits_2(index_dir: Path) -> None:
    code, out = _run(["-", "--index", str(index_dir), "--json"], stdin=b"{1:\xff\xfe")
    assert code == 2
    assert orjson.loads(out.splitlines()[0])["decision"] == "error"


def test_vessels_option_holds_1718_mmsi(index_dir: Path, archive_dir: Path) -> None:
    path = DATA / "planted" / "mt103_vessel_mmsi_70.fin"
    code, out = _run([str(path), "--index", str(index_dir), "--json"])
    assert code == 0  # the index alone does not know the UN 1718 vessels
    vessels = archive_dir / "dprk" / "un_1718_designated_vessels_2020-06-04_extracted.csv"
    code, out = _run([str(path), "--index", str(index_dir), "--vessels", str(vessels), "--json"])
    (row,) = [orjson.loads(line) for line in out.splitlines()]
    assert code == 1
    assert (":70:", "mmsi", "un_1718_vessels:8628597") in {
        (h["location"], h["kind"], h["entity_id"]) for h in row["hits"]
    }
