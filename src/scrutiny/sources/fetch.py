"""Getting the list files: from the publishers' official addresses, or from a local mirror.

Downloads go to a cache folder laid out like a mirror (one sub-folder per list, files under
their publisher names), so `registry.scan` reads both the same way.

What is checked on every download:
- the byte count received equals the HTTP Content-Length, when the server sends one
  (a cut connection otherwise leaves a truncated file that may still parse);
- the Content-MD5 header, when the server sends one (OFSI's Azure storage does);
- the sha256 of each file is recorded in `<cache>/.checksums.json`. A cached copy is reused
  (when the publisher cannot be reached) only if it still has its recorded sha256, and a
  caller can pin expected sha256 values (`expected_sha256`) for reproducible fetches.
A list's files are replaced together, only when all of them downloaded and checked, so
SDN.CSV is never newer than the ADD.CSV it is joined with.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import httpx

from scrutiny.errors import ListUnavailableError
from scrutiny.settings import load_settings


@dataclass(frozen=True)
class RemoteFile:
    url: str
    name: str  # the publisher's file name, as saved in the cache


_OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"

OFFICIAL_FILES: Mapping[str, tuple[RemoteFile, ...]] = MappingProxyType(
    {
        "ofac_sdn": tuple(
            RemoteFile(_OFAC + name, name)
            for name in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")
        ),
        "ofac_cons": tuple(
            RemoteFile(_OFAC + name, name)
            for name in ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV")
        ),
        "un_sc": (
            RemoteFile(
                "https://scsanctions.un.org/resources/xml/en/consolidated.xml", "consolidated.xml"
            ),
        ),
        "eu_fsf": (
            RemoteFile(
                # The token is the fixed public one the Commission documents for this file.
                "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/"
                "content?token=dG9rZW4tMjAxNw",
                "xmlFullSanctionsList_1_1.xml",
            ),
        ),
        "uk_ofsi": (
            RemoteFile(
                "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx",
                "ConList.xlsx",
            ),
        ),
    }
)

CHECKSUMS_FILE = ".checksums.json"
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_HINT = "pass --from DIR or set SCRUTINY_LISTS_DIR"

ProgressCallback = Callable[[str, int, int | None], None]  # file name, bytes so far, total


@dataclass
class FetchResult:
    """The folder to load lists from, and the lists that could not be fetched."""

    folder: Path
    fetched: list[str] = field(default_factory=list)  # list ids with fresh downloads
    from_cache: list[str] = field(default_factory=list)  # list ids served from the cache
    failures: list[ListUnavailableError] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # list ids of `failures`, same order


class _CheckError(Exception):
    """A download arrived but failed a check; retried like a network error."""


def _load_checksums(cache: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((cache / CHECKSUMS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _download_once(
    client: httpx.Client, remote: RemoteFile, target: Path, on_progress: ProgressCallback | None
) -> str:
    """Stream one file to `target`, check it, and return its sha256."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    with client.stream("GET", remote.url) as response:
        if response.status_code in _RETRY_STATUS:
            raise httpx.HTTPStatusError(
                f"HTTP {response.status_code}", request=response.request, response=response
            )
        response.raise_for_status()
        length = response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
        encoded = "content-encoding" in response.headers
        received = 0
        with open(target, "wb") as out:
            for block in response.iter_bytes():
                out.write(block)
                sha256.update(block)
                md5.update(block)
                received += len(block)
                if on_progress is not None:
                    on_progress(remote.name, received, None if encoded else total)
        # Content-Length counts the bytes on the wire, before any Content-Encoding is undone.
        on_wire = response.num_bytes_downloaded if encoded else received
        if total is not None and on_wire != total:
            raise _CheckError(f"received {on_wire} bytes, Content-Length says {total}")
        content_md5 = response.headers.get("content-md5")
        # With a Content-Encoding the MD5 covers the encoded bytes, which we do not keep.
        if (
            content_md5
            and not encoded
            and base64.b64encode(md5.digest()).decode() != content_md5.strip()
        ):
            raise _CheckError("Content-MD5 does not match the bytes received")
    return sha256.hexdigest()


def _download(
    client: httpx.Client,
    remote: RemoteFile,
    target: Path,
    *,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    on_progress: ProgressCallback | None,
) -> str:
    """`_download_once` with retries and exponential backoff on transient failures."""
    attempt = 0
    while True:
        try:
            return _download_once(client, remote, target, on_progress)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code not in _RETRY_STATUS or attempt >= retries:
                raise ListUnavailableError(
                    f"cannot fetch {remote.url}: HTTP {exc.response.status_code}; {_HINT}"
                ) from exc
        except (httpx.TransportError, _CheckError) as exc:
            if attempt >= retries:
                reason = str(exc) or type(exc).__name__
                raise ListUnavailableError(
                    f"cannot reach {remote.url} ({reason}, {attempt + 1} attempts); {_HINT}"
                ) from exc
        sleep(backoff * 2**attempt)
        attempt += 1


def _cached_copy_is_intact(
    cache: Path,
    list_id: str,
    files: Iterable[RemoteFile],
    checksums: Mapping[str, Mapping[str, str]],
) -> bool:
    for remote in files:
        key = f"{list_id}/{remote.name}"
        path = cache / key
        if key not in checksums or not path.is_file():
            return False
        if _sha256(path) != checksums[key].get("sha256"):
            return False
    return True


def fetch_lists(
    list_ids: Iterable[str] | None = None,
    *,
    cache_dir: Path | None = None,
    client: httpx.Client | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    timeout: float = 60.0,
    expected_sha256: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: ProgressCallback | None = None,
) -> FetchResult:
    """Download the official files of `list_ids` (default: all) into `cache_dir`.

    A list whose files cannot all be fetched and checked falls back to an intact cached copy
    from an earlier fetch, or else is reported in `failures` (ListUnavailableError) while the
    other lists are still fetched. `expected_sha256` maps "list_id/FILE" to a pinned digest.
    """
    cache = cache_dir or load_settings().data_dir / "downloads"
    wanted = list(list_ids) if list_ids is not None else list(OFFICIAL_FILES)
    unknown = [list_id for list_id in wanted if list_id not in OFFICIAL_FILES]
    if unknown:
        raise ListUnavailableError(
            f"no official download address for {', '.join(unknown)} "
            f"(known: {', '.join(OFFICIAL_FILES)}); {_HINT}"
        )
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ListUnavailableError(f"cannot create the download folder {cache}: {exc}") from exc
    own_client = client is None
    http = client or httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
        follow_redirects=True,
        headers={"User-Agent": "scrutiny (sanctions screening; list download)"},
    )
    checksums = _load_checksums(cache)
    result = FetchResult(folder=cache)
    try:
        for list_id in wanted:
            files = OFFICIAL_FILES[list_id]
            try:
                digests = _fetch_list(
                    http,
                    cache,
                    list_id,
                    files,
                    retries,
                    backoff,
                    sleep,
                    on_progress,
                    expected_sha256 or {},
                )
            except ListUnavailableError as exc:
                if _cached_copy_is_intact(cache, list_id, files, checksums):
                    result.from_cache.append(list_id)
                else:
                    result.failures.append(exc)
                    result.failed.append(list_id)
                continue
            now = datetime.now(UTC).isoformat()
            for remote in files:
                key = f"{list_id}/{remote.name}"
                checksums[key] = {"sha256": digests[key], "url": remote.url, "fetched_at": now}
            result.fetched.append(list_id)
    finally:
        if own_client:
            http.close()
    (cache / CHECKSUMS_FILE).write_text(json.dumps(checksums, indent=2, sort_keys=True))
    return result


def _fetch_list(
    http: httpx.Client,
    cache: Path,
    list_id: str,
    files: tuple[RemoteFile, ...],
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
    on_progress: ProgressCallback | None,
    expected: Mapping[str, str],
) -> dict[str, str]:
    """Download all files of one list to .part files, then move them in place together."""
    folder = cache / list_id
    folder.mkdir(exist_ok=True)
    parts: list[tuple[Path, Path]] = []
    digests: dict[str, str] = {}
    try:
        for remote in files:
            part = folder / f".{remote.name}.part"
            parts.append((part, folder / remote.name))
            key = f"{list_id}/{remote.name}"
            digests[key] = _download(
                http,
                remote,
                part,
                retries=retries,
                backoff=backoff,
                sleep=sleep,
                on_progress=on_progress,
            )
            if key in expected and expected[key] != digests[key]:
                raise ListUnavailableError(
                    f"{remote.url}: sha256 {digests[key]} differs from the expected "
                    f"{expected[key]}; {_HINT}"
                )
        for part, final in parts:
            os.replace(part, final)
    finally:
        for part, _final in parts:
            part.unlink(missing_ok=True)
    return digests


def resolve_lists_folder(
    from_dir: Path | None,
    list_ids: Iterable[str] | None = None,
    *,
    fetch: Callable[..., FetchResult] = fetch_lists,
) -> FetchResult:
    """Where to load lists from: `--from DIR`, else SCRUTINY_LISTS_DIR, else a download.

    A folder that holds a `mirror/` subfolder (the layout of a shared list store with
    `mirror/` and `archive/`) means its mirror, so SCRUTINY_LISTS_DIR can name either.
    """
    folder = from_dir or load_settings().lists_dir
    if folder is not None:
        if not folder.is_dir():
            raise ListUnavailableError(f"list folder {folder} does not exist or is not a folder")
        if (folder / "mirror").is_dir():
            folder = folder / "mirror"
        return FetchResult(folder=folder)
    return fetch(list_ids)


__all__ = [
    "OFFICIAL_FILES",
    "FetchResult",
    "RemoteFile",
    "fetch_lists",
    "resolve_lists_folder",
]
