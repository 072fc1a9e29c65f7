"""Ongoing monitoring: when a list gets a new version, re-screen every stored customer record
against only the entities added or changed in that delta, and raise new alerts.

A small Matcher is built over the delta's entities (tens to hundreds on a daily update), so
each stored record costs one cheap screening. State is kept per list in `monitor_state`: the
last version re-screened. A list never monitored before is re-screened against its newest
delta (previous version -> current); a list with only one version becomes the baseline.
An alert already raised for the same (record, entity, entity content) is not raised twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scrutiny.errors import ListUnavailableError, QueryError
from scrutiny.match import Matcher, Query
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "lists": [run.to_dict() for run in self.lists],
            "records_screened": self.records_screened,
            "alerts_raised": self.alerts_raised,
            "seconds": round(self.seconds, 3),
            "skipped_records": self.skipped_records,
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
        _rescreen(store, context, delta_entities, report, on_progress)
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
    on_progress: Callable[[int], None] | None,
) -> None:
    matcher = Matcher.from_entities(entities)
    seen = _already_alerted(store, [e.id for e in entities])
    found: list[tuple[str, dict[str, Any], list[Any]]] = []
    with store.transaction() as conn:
        records = list(alerts.iter_records(conn))
    for done, (record_id, data) in enumerate(records, 1):
        try:
            hits = matcher.screen(query_from_record(data), threshold=context.threshold)
        except QueryError:
            report.skipped_records += 1
            continue
        fresh = [h for h in hits if (record_id, h.entity_id, alerts.hit_entity_hash(h)) not in seen]
        if fresh:
            found.append((record_id, data, fresh))
        if on_progress is not None and done % 10_000 == 0:
            on_progress(done)
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
    its files changed; each load is audited with its version and delta summary."""
    from scrutiny.settings import load_settings
    from scrutiny.sources.registry import discover

    folder = folder or load_settings().lists_dir
    if folder is None:
        raise ListUnavailableError("no list folder configured: set SCRUTINY_LISTS_DIR")
    loaded = []
    for source in discover(folder, strict=False):
        result = store.load_list(source.read())
        entry = {
            "list_id": result.version.list_id,
            "version": result.version.number,
            "content_hash": result.version.content_hash,
            "created": result.created,
            "entity_count": result.version.entity_count,
            "delta": str(result.delta.summary) if result.delta else None,
        }
        if result.created:
            with store.transaction(write=True) as conn:
                audit.append(conn, "list_load", entry)
        loaded.append(entry)
    return {"lists": loaded}


__all__ = ["ListRun", "MonitorReport", "query_from_record", "refresh_lists", "run_monitor"]
