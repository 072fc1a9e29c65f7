"""Load every list of the mirror through scrutiny's own parsers, cached as JSON lines.

Parsing the UK workbook and the EU XML takes a while, and eval + bench read the same entities
many times, so the parsed entities are cached in eval/out/entities.jsonl.gz. The cache key is the
list files' names, sizes and modification times, so a new list version rebuilds it; after a
parser change, re-parse with `use_cache=False` (`--refresh`) or SCRUTINY_EVAL_REFRESH=1. The
cache records the parsers' last git commit, and a stale cache is reported on stderr.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from scrutiny.model import Entity, from_json, to_json

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "eval" / "out"
DEFAULT_LISTS = Path(os.environ.get("SCRUTINY_LISTS_DIR") or ROOT.parent / "shared" / "lists")


def _fingerprint(paths: list[Path], extra: str) -> str:
    digest = hashlib.sha1(extra.encode())
    for path in sorted(paths):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _parsers_commit() -> str:
    """Last commit touching the parsers: a committed parser fix invalidates the cache."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", "src/scrutiny/sources"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return result.stdout.strip()


def load_all_entities(lists_dir: Path = DEFAULT_LISTS, *, use_cache: bool = True) -> list[Entity]:
    """Every entity of every list in `lists_dir/mirror`, as `scrutiny lists load` would see them."""
    from scrutiny.sources.registry import discover

    mirror = lists_dir / "mirror"
    sources = discover(mirror)
    files = [Path(f) for source in sources for f in source.files]
    # Other work commits parsers often; a re-parse costs a minute, so the cache is keyed on the
    # list files only and `use_cache=False` (--refresh, SCRUTINY_EVAL_REFRESH=1) re-parses.
    use_cache = use_cache and os.environ.get("SCRUTINY_EVAL_REFRESH") != "1"
    key = _fingerprint(files, "")
    cache = OUT / f"entities-{key}.jsonl.gz"
    stamp = cache.with_suffix(".commit")
    if use_cache and cache.exists():
        if stamp.exists() and stamp.read_text().strip() != _parsers_commit():
            print(
                f"note: {cache.name} predates the latest parser commit (--refresh)", file=sys.stderr
            )
        with gzip.open(cache, "rb") as handle:
            return [from_json(line) for line in handle if line.strip()]
    entities: list[Entity] = []
    for source in sources:
        parsed = source.read()
        count = 0
        for entity in parsed.entities:
            entities.append(entity)
            count += 1
        print(f"loaded {parsed.list_id}: {count} entities", file=sys.stderr)
        for warning in parsed.warnings[:3]:
            print(f"  warning: {warning}", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("entities-*"):
        old.unlink()
    stamp.write_text(_parsers_commit() + "\n")
    with gzip.open(cache, "wb", compresslevel=3) as handle:
        for entity in entities:
            handle.write(to_json(entity) + b"\n")
    return entities
