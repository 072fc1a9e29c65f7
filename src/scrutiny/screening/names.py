"""Screening names: the process-wide default matcher and the top-level `screen` / `compare`.

The default matcher is built from the lists loaded in the store (`scrutiny lists load`):
on first use it opens the persisted index in `settings.index_dir` when that index was built
from the store's current list versions, and otherwise rebuilds it from
`store.iter_current_entities()` and saves it there for the next start.
`set_default_matcher()` replaces it (tests, services holding their own matcher).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from scrutiny.errors import ScrutinyError
from scrutiny.match.index import NameIndex
from scrutiny.match.matcher import Matcher, compare_with
from scrutiny.match.query import Comparison, Hit, Query
from scrutiny.match.score import default_model, shipped_idf
from scrutiny.model import Entity
from scrutiny.settings import load_settings

log = logging.getLogger(__name__)


class NoListsLoadedError(ScrutinyError):
    """Screening needs lists, and none are loaded."""

    def __init__(self) -> None:
        super().__init__("no sanctions lists are loaded: run `scrutiny lists load` first")


_lock = threading.Lock()
_default: Matcher | None = None


def store_fingerprint() -> dict[str, str]:
    """List id -> content hash of each current list version in the configured store."""
    from scrutiny.store import connect

    with connect() as store:
        return {v.list_id: v.content_hash for v in store.current_versions()}


def matcher_from_store(index_dir: Path | None = None) -> Matcher:
    """A matcher over the store's current lists, reusing the persisted index when current."""
    from scrutiny.store import connect

    index_dir = index_dir or load_settings().index_dir
    fingerprint = store_fingerprint()
    if not fingerprint:
        raise NoListsLoadedError()
    if NameIndex.stored_fingerprint(index_dir) == fingerprint:
        try:
            return Matcher.load(index_dir)
        except (OSError, ValueError, KeyError) as error:  # orjson's errors are ValueErrors
            # A damaged index is only a slower start: it is built again from the store.
            log.warning("index at %s unreadable (%s); building it again", index_dir, error)
    with connect() as store:
        index = NameIndex.build(store.iter_current_entities())
    index.fingerprint = fingerprint
    if not index.entities:
        raise NoListsLoadedError()
    matcher = Matcher(index)
    matcher.save(index_dir)
    return matcher


def default_matcher() -> Matcher:
    """The process-wide matcher (built or loaded on first use; see the module docstring)."""
    global _default
    with _lock:
        if _default is None:
            _default = matcher_from_store()
        return _default


def set_default_matcher(matcher: Matcher | None) -> None:
    """Replace the process-wide matcher (None: build it again from the store on next use)."""
    global _default
    with _lock:
        _default = matcher


def screen(query: Query | str, *, threshold: float | None = None, limit: int = 10) -> list[Hit]:
    """Screen one party against every loaded list; hits at or above the threshold, best first."""
    return default_matcher().screen(query, threshold=threshold, limit=limit)


def compare(a: Query | str, b: Query | str | Entity, *, schema: str | None = None) -> Comparison:
    """Score two records against each other (name pairs, or a party against an entity).

    Token rarity comes from the default matcher's index when one is already in use, so
    "Trading Co Ltd" counts for little; otherwise every token counts as rare.
    """
    matcher = _default
    if matcher is not None:
        return matcher.compare(a, b, schema=schema)
    return compare_with(shipped_idf(), default_model(), a, b, schema=schema)
