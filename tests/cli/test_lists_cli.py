"""`scrutiny lists load|status|diff` and `scrutiny entity` on a small real mirror."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scrutiny.cli import app

runner = CliRunner()


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCRUTINY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SCRUTINY_DATABASE_URL", db_url)
    monkeypatch.delenv("SCRUTINY_LISTS_DIR", raising=False)
    return tmp_path


@pytest.fixture
def small_mirror(mirror_dir: Path, tmp_path: Path) -> Path:
    """The real OFAC consolidated CSV set (442 entries), linked into a folder of its own."""
    folder = tmp_path / "mirror" / "ofac"
    folder.mkdir(parents=True)
    for name in ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV"):
        (folder / name).symlink_to(mirror_dir / "ofac" / name)
    return tmp_path / "mirror"


def test_load_status_diff_entity(env: Path, small_mirror: Path) -> None:
    result = runner.invoke(app, ["lists", "load", "--from", str(small_mirror)])
    assert result.exit_code == 0, result.output
    assert "ofac_cons" in result.output and "created" in result.output

    again = runner.invoke(app, ["lists", "load", "--from", str(small_mirror)])
    assert again.exit_code == 0 and "unchanged" in again.output

    status = runner.invoke(app, ["lists", "status", "--json"])
    assert status.exit_code == 0, status.output
    (version,) = json.loads(status.output)
    assert (version["list_id"], version["version"], version["entity_count"]) == (
        "ofac_cons",
        1,
        442,
    )
    assert sum(version["counts"]["by_schema"].values()) == 442
    assert runner.invoke(app, ["lists", "status"]).exit_code == 0

    diff = runner.invoke(app, ["lists", "diff", "ofac_cons", "--json"])
    assert diff.exit_code == 0, diff.output
    delta = json.loads(diff.output)
    assert (delta["from_version"], delta["to_version"], len(delta["added"])) == (None, 1, 442)

    some_id = delta["added"][0]
    shown = runner.invoke(app, ["entity", some_id, "--json"])
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["entity"]["id"] == some_id
    assert record["entity"]["provenance"]["list_id"] == "ofac_cons"
    assert [v["version"] for v in record["versions"]] == [1]
    assert runner.invoke(app, ["entity", some_id]).exit_code == 0


def test_failed_list_stores_nothing_and_others_load(env: Path, small_mirror: Path) -> None:
    broken = small_mirror / "un" / "consolidated.xml"
    broken.parent.mkdir()
    broken.write_text(
        '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-02-27">\n<INDIVIDUALS><INDIVIDUAL>'
    )
    (small_mirror / "README.pdf").write_text("not a list")
    result = runner.invoke(app, ["lists", "load", "--from", str(small_mirror)])
    assert result.exit_code == 1
    assert "README.pdf: not a recognised list file" in result.output
    assert "consolidated.xml" in result.output
    status = json.loads(runner.invoke(app, ["lists", "status", "--json"]).output)
    assert [v["list_id"] for v in status] == ["ofac_cons"]


def test_load_named_lists_only(env: Path, small_mirror: Path) -> None:
    result = runner.invoke(app, ["lists", "load", "--from", str(small_mirror), "un_sc"])
    assert result.exit_code == 1
    assert "list un_sc not found" in result.output
    assert json.loads(runner.invoke(app, ["lists", "status", "--json"]).output) == []


def test_offline_without_mirror(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from scrutiny.sources import fetch

    real = fetch.fetch_lists

    def offline_fetch(list_ids: object = None, **kwargs: object) -> fetch.FetchResult:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("Network is unreachable", request=request)

        client = httpx.Client(transport=httpx.MockTransport(refuse))
        return real(list_ids, client=client, retries=0, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch, "fetch_lists", offline_fetch)
    monkeypatch.setattr(fetch.resolve_lists_folder, "__defaults__", (None,))
    monkeypatch.setattr(fetch.resolve_lists_folder, "__kwdefaults__", {"fetch": offline_fetch})
    result = runner.invoke(app, ["lists", "load", "un_sc"])
    assert result.exit_code == 1
    assert "cannot reach https://scsanctions.un.org" in result.output
    assert "pass --from DIR or set SCRUTINY_LISTS_DIR" in result.output


def test_status_and_diff_on_empty_store(env: Path) -> None:
    empty = runner.invoke(app, ["lists", "status"])
    assert empty.exit_code == 0 and "No lists loaded yet" in empty.output
    missing = runner.invoke(app, ["lists", "diff", "ofac_sdn"])
    assert missing.exit_code == 1
    assert "list 'ofac_sdn' has no current version" in missing.output
    assert runner.invoke(app, ["entity", "ofac_sdn:1"]).exit_code == 1


def test_screen_reuses_the_saved_index_and_rebuilds_a_damaged_one(
    env: Path, small_mirror: Path
) -> None:
    from scrutiny.screening import names

    assert runner.invoke(app, ["lists", "load", "--from", str(small_mirror)]).exit_code == 0
    index_dir = env / "data" / "index"
    names.set_default_matcher(None)
    try:
        first = runner.invoke(app, ["screen", "Ismail Haniya", "--json"])
        assert first.exit_code == 0, first.output
        assert "ofac_cons:9639" in first.output
        assert (index_dir / "forms" / "stamp").exists()  # the form table saved with it
        names.set_default_matcher(None)
        (index_dir / "name_entity.npy").unlink()  # damaged: built again, not a crash
        again = runner.invoke(app, ["screen", "Ismail Haniya", "--json"])
        assert again.exit_code == 0, again.output
        assert json.loads(again.output) == json.loads(first.output)
        assert (index_dir / "name_entity.npy").exists()
    finally:
        names.set_default_matcher(None)
