"""Downloading the official files: retries, checks, cache fallback, and the offline error.

No real network: httpx.MockTransport plays the publishers.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from scrutiny.errors import ListUnavailableError
from scrutiny.sources.fetch import (
    CHECKSUMS_FILE,
    OFFICIAL_FILES,
    fetch_lists,
    resolve_lists_folder,
)
from scrutiny.sources.registry import scan

UN_URL = OFFICIAL_FILES["un_sc"][0].url
UN_BODY = b'<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27"/>'


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _no_sleep(_seconds: float) -> None:
    return None


def test_all_official_files_download_into_a_mirror_layout(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        if request.url == UN_URL:
            return httpx.Response(200, content=UN_BODY)
        if "xmlFullSanctionsList" in request.url.path:
            return httpx.Response(
                200, content=b'<export xmlns="http://eu.europa.ec/fpi/fsd/export"/>'
            )
        return httpx.Response(200, content=f"{name} body\n".encode())

    result = fetch_lists(cache_dir=tmp_path, client=_client(handler), sleep=_no_sleep)
    assert result.failures == []
    assert result.fetched == list(OFFICIAL_FILES)
    assert (tmp_path / "ofac_sdn" / "ADD.CSV").read_bytes() == b"ADD.CSV body\n"
    checksums = json.loads((tmp_path / CHECKSUMS_FILE).read_text())
    assert checksums["un_sc/consolidated.xml"]["sha256"] == hashlib.sha256(UN_BODY).hexdigest()
    # the cache reads back as a mirror: each list recognised under its own id
    found = scan(tmp_path)
    assert {s.list_id for s in found.sources} == set(OFFICIAL_FILES)
    assert found.problems == []


def test_transient_failures_are_retried_with_backoff(tmp_path: Path) -> None:
    calls: list[str] = []
    sleeps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) == 1:
            raise httpx.ConnectTimeout("timed out", request=request)
        if len(calls) == 2:
            return httpx.Response(503)
        return httpx.Response(200, content=UN_BODY)

    result = fetch_lists(
        ["un_sc"], cache_dir=tmp_path, client=_client(handler), sleep=sleeps.append, backoff=1.5
    )
    assert result.fetched == ["un_sc"]
    assert len(calls) == 3
    assert sleeps == [1.5, 3.0]


def test_truncated_download_fails_the_length_check(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        # Claims more bytes than it sends, as a cut connection does.
        return httpx.Response(
            200, content=UN_BODY[:20], headers={"Content-Length": str(len(UN_BODY))}
        )

    result = fetch_lists(
        ["un_sc"], cache_dir=tmp_path, client=_client(handler), retries=1, sleep=_no_sleep
    )
    assert len(result.failures) == 1
    assert "Content-Length" in str(result.failures[0])
    assert not (tmp_path / "un_sc" / "consolidated.xml").exists()


def test_content_md5_is_checked(tmp_path: Path) -> None:
    good = base64.b64encode(hashlib.md5(UN_BODY).digest()).decode()
    sent = [base64.b64encode(b"x" * 16).decode()]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=UN_BODY, headers={"Content-MD5": sent[0]})

    client = _client(handler)
    bad = fetch_lists(["un_sc"], cache_dir=tmp_path, client=client, retries=0)
    assert "Content-MD5" in str(bad.failures[0])
    sent[0] = good
    ok = fetch_lists(["un_sc"], cache_dir=tmp_path, client=client, retries=0)
    assert ok.fetched == ["un_sc"]


def test_pinned_sha256_mismatch_is_refused(tmp_path: Path) -> None:
    result = fetch_lists(
        ["un_sc"],
        cache_dir=tmp_path,
        client=_client(lambda request: httpx.Response(200, content=UN_BODY)),
        expected_sha256={"un_sc/consolidated.xml": "0" * 64},
    )
    assert "differs from the expected" in str(result.failures[0])


def test_a_list_is_replaced_only_as_a_whole(tmp_path: Path) -> None:
    def first(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"old\n")

    fetch_lists(["ofac_sdn"], cache_dir=tmp_path, client=_client(first))

    def second(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("ALT.CSV"):
            return httpx.Response(404)
        return httpx.Response(200, content=b"new\n")

    result = fetch_lists(
        ["ofac_sdn"], cache_dir=tmp_path, client=_client(second), retries=0, sleep=_no_sleep
    )
    # ALT.CSV failed, so SDN.CSV was not replaced either; the intact old set is used.
    assert result.from_cache == ["ofac_sdn"]
    assert (tmp_path / "ofac_sdn" / "SDN.CSV").read_bytes() == b"old\n"
    assert not list((tmp_path / "ofac_sdn").glob(".*.part"))


def test_corrupted_cache_is_not_reused(tmp_path: Path) -> None:
    fetch_lists(
        ["un_sc"],
        cache_dir=tmp_path,
        client=_client(lambda request: httpx.Response(200, content=UN_BODY)),
    )
    (tmp_path / "un_sc" / "consolidated.xml").write_bytes(UN_BODY[:10])

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    result = fetch_lists(
        ["un_sc"], cache_dir=tmp_path, client=_client(offline), retries=0, sleep=_no_sleep
    )
    assert result.from_cache == []
    assert len(result.failures) == 1


def test_offline_without_mirror_says_what_to_do(tmp_path: Path) -> None:
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    result = fetch_lists(
        ["un_sc", "uk_ofsi"],
        cache_dir=tmp_path,
        client=_client(offline),
        retries=2,
        sleep=_no_sleep,
    )
    messages = [str(failure) for failure in result.failures]
    assert len(messages) == 2
    assert messages[0] == (
        f"cannot reach {UN_URL} (Name or service not known, 3 attempts); "
        "pass --from DIR or set SCRUTINY_LISTS_DIR"
    )


def test_client_errors_are_not_retried(tmp_path: Path) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(403)

    result = fetch_lists(["un_sc"], cache_dir=tmp_path, client=_client(handler), sleep=_no_sleep)
    assert len(calls) == 1
    assert "HTTP 403" in str(result.failures[0])


def test_unknown_list_has_no_address(tmp_path: Path) -> None:
    with pytest.raises(ListUnavailableError, match="no official download address for my_list"):
        fetch_lists(["my_list"], cache_dir=tmp_path)


def test_resolve_prefers_from_then_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fetch(*_args: object) -> object:
        raise AssertionError("must not download when a mirror is given")

    assert resolve_lists_folder(tmp_path, fetch=no_fetch).folder == tmp_path  # type: ignore[arg-type]
    monkeypatch.setenv("SCRUTINY_LISTS_DIR", str(tmp_path))
    assert resolve_lists_folder(None, fetch=no_fetch).folder == tmp_path  # type: ignore[arg-type]
    with pytest.raises(ListUnavailableError, match="does not exist"):
        resolve_lists_folder(tmp_path / "absent")


def test_a_folder_holding_mirror_means_its_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SCRUTINY_LISTS_DIR may name the shared list store (mirror/ + archive/) or a mirror itself.
    def no_fetch(*_args: object) -> object:
        raise AssertionError("must not download when a mirror is given")

    (tmp_path / "mirror").mkdir()
    (tmp_path / "archive").mkdir()
    monkeypatch.setenv("SCRUTINY_LISTS_DIR", str(tmp_path))
    assert resolve_lists_folder(None, fetch=no_fetch).folder == tmp_path / "mirror"  # type: ignore[arg-type]
