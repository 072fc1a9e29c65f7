"""Ongoing monitoring: when a list gets a new version, re-screen every stored customer record
against only the entities added or changed in that delta, and raise new alerts.

A small Matcher is built over the delta's entities (tens to hundreds on a daily update). Most
of the cost of screening a record is normalising its name, so each record's retrieval keys
(the index keys of its name forms, and its tokens) are kept in a cache file in the data dir,
recomputed only when the record's query changes. Only records the delta index can plausibly
alert on are screened in full: those sharing two retrieval keys with it, or one rare token
(or Korean key), or a token one edit from a delta token, or carrying identifiers. A record
sharing nothing cannot be retrieved at all; one sharing a single sound code or a single common
word has no other name part in common and stays below the alert threshold
(tests/monitor checks that no skipped record would have alerted). State is kept per list in `monitor_state`: the
last version re-screened. A list never monitored before is re-screened against its newest
delta (previous version -> current); a list with only one version becomes the baseline.
An alert already raised for the same (record, entity, entity content) is not raised twice.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from rapidfuzz.distance import OSA
from sqlalchemy import select

from scrutiny.errors import ListUnavailableError, QueryError
from scrutiny.match import Matcher, Query, _text
from scrutiny.match.forms import query_forms
from scrutiny.match.index import TYPO_MIN_LEN
from scrutiny.match.query import check_query
from scrutiny.match.score import shipped_idf
from scrutiny.model import Entity
from scrutiny.store import Store, alerts, audit
from scrutiny.store.alerts import ScreeningContext


@dataclass
class ListRun:
    """What the monitor did for one list."""

    list_id: str
    from_version: int | None
    to_version: int
    entities: int  # added + changed entities screened against
    alerts: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "entities": self.entities,
            "alerts": self.alerts,
        }


@dataclass
class MonitorReport:
    """Summary of one monitoring run."""

    lists: list[ListRun] = field(default_factory=list)
    records_screened: int = 0
    alerts_raised: int = 0
    seconds: float = 0.0
    skipped_records: int = 0  # stored queries that no longer pass validation
    records_matched: int = 0  # records the delta index could retrieve (screened in full)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lists": [run.to_dict() for run in self.lists],
            "records_screened": self.records_screened,
            "alerts_raised": self.alerts_raised,
            "seconds": round(self.seconds, 3),
            "skipped_records": self.skipped_records,
            "records_matched": self.records_matched,
        }


def query_from_record(data: dict[str, Any]) -> Query:
    """The screening Query stored for a customer record."""
    return Query(
        name=data.get("name") or "",
        schema=data.get("schema"),
        birth_date=data.get("birth_date"),
        countries=tuple(data.get("countries") or ()),
        gender=data.get("gender"),
        identifiers=tuple(data.get("identifiers") or ()),
    )


def _pending_deltas(store: Store) -> list[tuple[str, int | None, int]]:
    """(list id, from version, to version) for every list with versions not yet monitored."""
    with store.transaction() as conn:
        done = alerts.monitored_versions(conn)
    pending: list[tuple[str, int | None, int]] = []
    for version in store.current_versions():
        last = done.get(version.list_id)
        if last is None:
            last = version.number - 1 if version.number > 1 else version.number
        if last < version.number:
            pending.append((version.list_id, last, version.number))
    return pending


_CACHE_FORMAT = b"14"  # bump when what keys_of computes changes
RARE_IDF = 5.0  # list-wide rarity above "ali", "trading", "bank"; "kim", "petrov" are rarer
COMMON_PART = 0.6  # weight of a common word found in the delta
SOUND_ONLY = 0.5  # weight of a name part matching only by its phonetic code
COVERAGE = 0.6  # share of the customer's (weighed) name parts that must be found


class RecordKeyCache:
    """record id -> (query digest, whole-name keys, name parts), persisted as one JSON file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None and path.exists():
            try:
                self.entries = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError:
                self.entries = {}  # a damaged cache is only a slower run

    def keys_of(self, record_id: str, data: dict[str, Any]) -> tuple[list[str], list[str]]:
        digest = hashlib.sha1(_CACHE_FORMAT + audit.canonical_json(data)).hexdigest()
        cached = self.entries.get(record_id)
        if cached is not None and cached[0] == digest:
            return cached[1], cached[2]
        checked = check_query(query_from_record(data))
        forms = query_forms(checked.name, checked.schema) if checked.name else ()
        # Joined neighbours ("jongun") and Korean keys tie a whole name, not one word.
        strong = {"k:" + form.korean for form in forms if form.korean}
        for form in forms:
            strong.update("t:" + a + b for a, b in zip(form.core, form.core[1:], strict=False))
        # Legal forms and initials are keys too, but never evidence of a name on their own.
        tokens = sorted({t for form in forms for t in form.core if len(t) > 1})
        self.entries[record_id] = [digest, sorted(strong), tokens]
        self.dirty = True
        return sorted(strong), tokens

    def save(self) -> None:
        if self.path is not None and self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(orjson.dumps(self.entries))
            tmp.replace(self.path)


def _deletion_keys(token: str) -> set[str]:
    return {token, *(token[:i] + token[i + 1 :] for i in range(len(token)))}


# The shortest name part the matcher reads as a typo of another (features.short_typo: AMN for
# AMIN, Sj for Su); parts of under TYPO_MIN_LEN letters only so with the same first letter.
_SHORTEST = 2


def _one_typo(token: str, other: str) -> bool:
    if OSA.distance(token, other, score_cutoff=1) > 1:
        return False
    if min(len(token), len(other)) < TYPO_MIN_LEN:
        return max(len(token), len(other)) <= TYPO_MIN_LEN and token[0] == other[0]
    return True


class _DeltaFilter:
    """Whether the delta index may alert on a record (see the module docstring)."""

    def __init__(self, matcher: Matcher) -> None:
        self.keys = set(matcher.index.key_ids)
        self.idf = shipped_idf()
        # deletion variant -> delta tokens having it, to find tokens one edit away
        self.variants: dict[str, set[str]] = {}
        for key in self.keys:
            if key.startswith("t:") and key[2:].isalpha() and len(key) >= 2 + _SHORTEST:
                for variant in _deletion_keys(key[2:]):
                    self.variants.setdefault(variant, set()).add(key[2:])
        self._memo: dict[str, tuple[str, ...]] = {}

    def _neighbours(self, token: str) -> tuple[str, ...]:
        found = self._memo.get(token)
        if found is None:
            near: set[str] = set()
            if len(token) >= _SHORTEST and token.isalpha():
                for variant in _deletion_keys(token):
                    near |= self.variants.get(variant, set())
            found = tuple(c for c in near if c != token and _one_typo(token, c))
            self._memo[token] = found
        return found

    def _evidence(self, token: str) -> float:
        """How much one customer name part counts towards a possible alert (0: not found)."""
        found = [token] if "t:" + token in self.keys else list(self._neighbours(token))
        if found:
            return 1.0 if max(self.idf(t) for t in found) >= RARE_IDF else COMMON_PART
        code = _text.phonetic(token)
        return SOUND_ONLY if code and "p:" + code in self.keys else 0.0

    def may_match(self, strong: list[str], tokens: list[str], data: dict[str, Any]) -> bool:
        """False only for records the delta cannot retrieve or cannot carry to an alert."""
        if data.get("identifiers") or not self.keys.isdisjoint(strong):
            return True
        if not tokens:
            return False
        # An alert needs most of the customer's name found on the list entry: rare parts
        # count 1, common words ("ali", "and", "de") and sound-alikes ("John" ~ "Jan") less.
        # Common words not found ("joint stock" written out) hardly lower a score, so only
        # the parts found and the rare parts missing set the bar.
        evidence = [self._evidence(t) for t in tokens]
        weighed = sum(1 for t, e in zip(tokens, evidence, strict=True) if e or self._rare(t))
        return sum(evidence) >= max(1.0, COVERAGE * weighed)

    def _rare(self, token: str) -> bool:
        return self.idf(token) >= RARE_IDF


def _already_alerted(store: Store, entity_ids: list[str]) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    with store.transaction() as conn:
        for start in range(0, len(entity_ids), 500):
            query = select(
                alerts.alerts.c.record_id, alerts.alerts.c.entity_id, alerts.alerts.c.entity_hash
            ).where(alerts.alerts.c.entity_id.in_(entity_ids[start : start + 500]))
            found.update((r[0], r[1], r[2]) for r in conn.execute(query))
    return found


def run_monitor(
    store: Store,
    context: ScreeningContext,
    *,
    on_progress: Callable[[int], None] | None = None,
    cache_path: Path | bool | None = True,
) -> MonitorReport:
    """Re-screen every stored record against each list's unmonitored delta; raise alerts."""
    started = time.perf_counter()
    report = MonitorReport()
    pending = _pending_deltas(store)
    delta_entities: list[Entity] = []
    for list_id, from_version, to_version in pending:
        delta = store.diff(list_id, from_version=from_version, to_version=to_version)
        ids = [*delta.added, *(eid for eid, _ in delta.changed)]
        delta_entities.extend(store.get_entity(eid).entity for eid in ids)
        report.lists.append(ListRun(list_id, from_version, to_version, len(ids)))
    if delta_entities:
        if cache_path is True:
            from scrutiny.settings import load_settings

            cache_path = load_settings().data_dir / "monitor" / "record_keys.json"
        cache = RecordKeyCache(cache_path if isinstance(cache_path, Path) else None)
        _rescreen(store, context, delta_entities, report, cache, on_progress)
        cache.save()
    with store.transaction(write=True) as conn:
        for run in report.lists:
            alerts.set_monitored_version(conn, run.list_id, run.to_version)
        report.seconds = time.perf_counter() - started
        audit.append(conn, "monitor_run", {**report.to_dict(), **context.to_dict()})
    return report


def _rescreen(
    store: Store,
    context: ScreeningContext,
    entities: list[Entity],
    report: MonitorReport,
    cache: RecordKeyCache,
    on_progress: Callable[[int], None] | None,
) -> None:
    matcher = Matcher.from_entities(entities)
    delta_filter = _DeltaFilter(matcher)
    seen = _already_alerted(store, [e.id for e in entities])
    found: list[tuple[str, dict[str, Any], list[Any]]] = []
    with store.transaction() as conn:
        records = list(alerts.iter_records(conn))
    for done, (record_id, data) in enumerate(records, 1):
        if on_progress is not None and done % 10_000 == 0:
            on_progress(done)
        try:
            keys, tokens = cache.keys_of(record_id, data)
            if not delta_filter.may_match(keys, tokens, data):
                continue
            report.records_matched += 1
            hits = matcher.screen(query_from_record(data), threshold=context.threshold)
        except QueryError:
            report.skipped_records += 1
            continue
        fresh = [h for h in hits if (record_id, h.entity_id, alerts.hit_entity_hash(h)) not in seen]
        if fresh:
            found.append((record_id, data, fresh))
    report.records_screened = len(records)
    by_list = {run.list_id: run for run in report.lists}
    with store.transaction(write=True) as conn:
        for record_id, data, hits in found:
            recorded = alerts.record_screening(
                conn, record_id, data, hits, context, source="monitor", save_query=False
            )
            for alert in recorded.alerts:
                by_list[alert.list_id].alerts += 1
            report.alerts_raised += len(recorded.alerts)


def refresh_lists(store: Store, folder: Path | None = None) -> dict[str, Any]:
    """Load every list found in `folder` (default: SCRUTINY_LISTS_DIR) as a new version when
    its files changed; `Store.load_list` audits each new version with its delta summary."""
    from scrutiny.settings import load_settings
    from scrutiny.sources.registry import discover

    folder = folder or load_settings().lists_dir
    if folder is None:
        raise ListUnavailableError("no list folder configured: set SCRUTINY_LISTS_DIR")
    loaded = []
    for source in discover(folder, strict=False):
        loaded.append(store.load_list(source.read()).audit_payload())
    return {"lists": loaded}


__all__ = ["ListRun", "MonitorReport", "query_from_record", "refresh_lists", "run_monitor"]
