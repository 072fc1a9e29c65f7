"""Screenings recorded against customer records, the alerts they raise, and analyst decisions.

- `record_screening` stores the customer record's query, the screening (threshold, engine
  version, list versions used) and one alert per hit at or above the threshold, and writes
  them to the audit log in the same transaction.
- A false-positive decision suppresses later alerts for the same (record, list entity, entity
  content hash): the alert is still stored, with status `suppressed` and the decision's id, so
  the suppression is visible. A changed entity (new content hash) or an expired decision
  raises the alert again.
- `decide` uses optimistic concurrency: the caller names the alert version it looked at; if
  another analyst decided in between, `DecisionConflictError` is raised and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from scrutiny.errors import StoreError
from scrutiny.match.query import Hit
from scrutiny.store import audit
from scrutiny.store.schema import metadata

customer_records = Table(
    "customer_records",
    metadata,
    Column("record_id", String(255), primary_key=True),
    Column("query", Text, nullable=False),  # JSON: name, schema, birth_date, countries, ...
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

screenings = Table(
    "screenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(255), nullable=False),
    Column("source", String(16), nullable=False),  # api, batch, monitor
    Column("query", Text, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("engine_version", String(100), nullable=False),
    Column("list_versions", Text, nullable=False),  # JSON {list_id: {version, content_hash}}
    Column("hit_count", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "record_id"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("screening_id", Integer, ForeignKey("screenings.id"), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("list_id", String(100), nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("status", String(16), nullable=False),
    # Optimistic concurrency: every decision must name the version it saw, and bumps it.
    Column("version", Integer, nullable=False),
    Column("suppressed_by", Integer, nullable=True),  # decision id of the false positive
    Column("hit", Text, nullable=False),  # JSON of the hit, explanation included
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "record_id", "entity_id"),
    Index(None, "status"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_hash", String(64), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("analyst", String(200), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "record_id", "entity_id"),
    Index(None, "alert_id"),
)

monitor_state = Table(
    "monitor_state",
    metadata,
    Column("list_id", String(100), primary_key=True),
    Column("version_number", Integer, nullable=False),  # last list version re-screened
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class DecisionKind(StrEnum):
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    ESCALATE = "escalate"


class AlertStatus(StrEnum):
    OPEN = "open"
    SUPPRESSED = "suppressed"
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    ESCALATED = "escalated"


_STATUS_AFTER = {
    DecisionKind.TRUE_MATCH: AlertStatus.TRUE_MATCH,
    DecisionKind.FALSE_POSITIVE: AlertStatus.FALSE_POSITIVE,
    DecisionKind.ESCALATE: AlertStatus.ESCALATED,
}


class AlertNotFoundError(StoreError):
    """No alert has the requested id."""


class DecisionConflictError(StoreError):
    """The alert changed since the analyst looked at it; nothing was written."""

    def __init__(self, alert_id: int, expected: int, current: int) -> None:
        self.alert_id = alert_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"alert {alert_id} is at version {current}, not {expected}: another decision was "
            "recorded meanwhile; reload the alert and decide again"
        )


class DecisionError(StoreError, ValueError):
    """A decision is malformed (empty reason, unknown kind, expiry in the past)."""


@dataclass(frozen=True)
class ScreeningContext:
    """What a screening used, so any later decision can be explained."""

    threshold: float
    engine_version: str
    list_versions: Mapping[str, Mapping[str, Any]]  # {list_id: {"version", "content_hash"}}

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "engine_version": self.engine_version,
            "list_versions": {k: dict(v) for k, v in self.list_versions.items()},
        }


@dataclass(frozen=True)
class Alert:
    """A hit at or above the alert threshold, raised for one customer record."""

    id: int
    screening_id: int
    record_id: str
    entity_id: str
    list_id: str
    entity_hash: str
    score: float
    status: AlertStatus
    version: int
    suppressed_by: int | None
    hit: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @property
    def suppressed(self) -> bool:
        return self.status is AlertStatus.SUPPRESSED

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "screening_id": self.screening_id,
            "record_id": self.record_id,
            "entity_id": self.entity_id,
            "list_id": self.list_id,
            "entity_hash": self.entity_hash,
            "score": self.score,
            "status": str(self.status),
            "version": self.version,
            "suppressed": self.suppressed,
            "suppressed_by": self.suppressed_by,
            "hit": self.hit,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on an alert."""

    id: int
    alert_id: int
    record_id: str
    entity_id: str
    entity_hash: str
    decision: DecisionKind
    reason: str
    analyst: str
    expires_at: datetime | None
    created_at: datetime
    alert_version: int = 0  # the alert's version after this decision

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "alert_id": self.alert_id,
            "record_id": self.record_id,
            "entity_id": self.entity_id,
            "entity_hash": self.entity_hash,
            "decision": str(self.decision),
            "reason": self.reason,
            "analyst": self.analyst,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "created_at": self.created_at.isoformat(),
            "alert_version": self.alert_version,
        }


@dataclass(frozen=True)
class RecordedScreening:
    """A stored screening and the alerts it raised (suppressed ones included)."""

    id: int
    record_id: str
    context: ScreeningContext
    alerts: list[Alert] = field(default_factory=list)
    audit_id: int = 0


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _alert_from_row(row: Row[Any]) -> Alert:
    return Alert(
        id=row.id,
        screening_id=row.screening_id,
        record_id=row.record_id,
        entity_id=row.entity_id,
        list_id=row.list_id,
        entity_hash=row.entity_hash,
        score=row.score,
        status=AlertStatus(row.status),
        version=row.version,
        suppressed_by=row.suppressed_by,
        hit=orjson.loads(row.hit),
        created_at=_utc(row.created_at) or datetime.now(UTC),
        updated_at=_utc(row.updated_at) or datetime.now(UTC),
    )


def _decision_from_row(row: Row[Any], alert_version: int = 0) -> Decision:
    return Decision(
        id=row.id,
        alert_id=row.alert_id,
        record_id=row.record_id,
        entity_id=row.entity_id,
        entity_hash=row.entity_hash,
        decision=DecisionKind(row.decision),
        reason=row.reason,
        analyst=row.analyst,
        expires_at=_utc(row.expires_at),
        created_at=_utc(row.created_at) or datetime.now(UTC),
        alert_version=alert_version,
    )


def hit_entity_hash(hit: Hit) -> str:
    """The content hash of the list entity a hit points at (from its explanation)."""
    version = hit.explanation.get("list_version") or {}
    return str(version.get("content_hash") or "")


# --- customer records -----------------------------------------------------------------------


def save_record(conn: Connection, record_id: str, query: Mapping[str, Any]) -> None:
    """Store (or replace) the query of a customer record, for monitoring."""
    now = datetime.now(UTC)
    body = audit.canonical_json(dict(query)).decode()
    updated = conn.execute(
        update(customer_records)
        .where(customer_records.c.record_id == record_id)
        .values(query=body, updated_at=now)
    )
    if not updated.rowcount:
        conn.execute(
            insert(customer_records), {"record_id": record_id, "query": body, "updated_at": now}
        )


def save_records(conn: Connection, records: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """Bulk-insert new customer records (ids must not exist yet); for imports and benchmarks."""
    now = datetime.now(UTC)
    rows = [
        {"record_id": rid, "query": audit.canonical_json(dict(q)).decode(), "updated_at": now}
        for rid, q in records
    ]
    for start in range(0, len(rows), 5000):
        conn.execute(insert(customer_records), rows[start : start + 5000])


def iter_records(conn: Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every stored customer record: (record id, query dict)."""
    query = select(customer_records.c.record_id, customer_records.c.query).order_by(
        customer_records.c.record_id
    )
    for record_id, body in conn.execution_options(yield_per=5000).execute(query):
        yield record_id, orjson.loads(body)


def count_records(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(customer_records)).scalar_one())


# --- screenings and alerts ------------------------------------------------------------------


def active_suppression(
    conn: Connection,
    record_id: str,
    entity_id: str,
    entity_hash: str,
    now: datetime | None = None,
) -> int | None:
    """Id of the false-positive decision that suppresses this (record, entity, content), if any.

    Only the newest decision on the (record, entity, content) counts: a later true match or
    escalation lifts an earlier false positive.
    """
    now = now or datetime.now(UTC)
    row = conn.execute(
        select(decisions.c.id, decisions.c.decision, decisions.c.expires_at)
        .where(
            decisions.c.record_id == record_id,
            decisions.c.entity_id == entity_id,
            decisions.c.entity_hash == entity_hash,
        )
        .order_by(decisions.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.decision != DecisionKind.FALSE_POSITIVE:
        return None
    expires = _utc(row.expires_at)
    if expires is not None and expires <= now:
        return None
    return int(row.id)


def record_screening(
    conn: Connection,
    record_id: str,
    query: Mapping[str, Any],
    hits: Sequence[Hit],
    context: ScreeningContext,
    *,
    source: str = "api",
    save_query: bool = True,
) -> RecordedScreening:
    """Store a screening of `record_id`, raise alerts for hits ≥ threshold, audit it all.

    Runs in the caller's write transaction. `save_query` keeps the record's query for
    monitoring (the monitor itself passes False: it screens the stored query).
    """
    if not record_id or not record_id.strip():
        raise DecisionError("record_id must not be empty")
    now = datetime.now(UTC)
    if save_query:
        save_record(conn, record_id, query)
    screening_id = conn.execute(
        insert(screenings).returning(screenings.c.id),
        {
            "record_id": record_id,
            "source": source,
            "query": audit.canonical_json(dict(query)).decode(),
            "threshold": context.threshold,
            "engine_version": context.engine_version,
            "list_versions": audit.canonical_json(context.to_dict()["list_versions"]).decode(),
            "hit_count": len(hits),
            "created_at": now,
        },
    ).scalar_one()
    raised: list[Alert] = []
    for hit in hits:
        if hit.score < context.threshold:
            continue
        entity_hash = hit_entity_hash(hit)
        suppressed_by = active_suppression(conn, record_id, hit.entity_id, entity_hash, now)
        status = AlertStatus.SUPPRESSED if suppressed_by is not None else AlertStatus.OPEN
        hit_json = audit.canonical_json(hit.to_dict()).decode()
        alert_id = conn.execute(
            insert(alerts).returning(alerts.c.id),
            {
                "screening_id": screening_id,
                "record_id": record_id,
                "entity_id": hit.entity_id,
                "list_id": hit.list_id,
                "entity_hash": entity_hash,
                "score": hit.score,
                "status": str(status),
                "version": 1,
                "suppressed_by": suppressed_by,
                "hit": hit_json,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        raised.append(
            Alert(
                alert_id,
                screening_id,
                record_id,
                hit.entity_id,
                hit.list_id,
                entity_hash,
                hit.score,
                status,
                1,
                suppressed_by,
                orjson.loads(hit_json),
                now,
                now,
            )
        )
    entry = audit.append(
        conn,
        "screening",
        {
            "screening_id": screening_id,
            "record_id": record_id,
            "source": source,
            "query": dict(query),
            **context.to_dict(),
            "hits": [
                {"entity_id": h.entity_id, "score": round(h.score, 6), "entity_hash": e}
                for h, e in ((h, hit_entity_hash(h)) for h in hits)
            ],
        },
    )
    for alert in raised:
        audit.append(
            conn,
            "alert",
            {
                "alert_id": alert.id,
                "screening_id": screening_id,
                "record_id": record_id,
                "entity_id": alert.entity_id,
                "entity_hash": alert.entity_hash,
                "score": round(alert.score, 6),
                "status": str(alert.status),
                "suppressed_by": alert.suppressed_by,
                **context.to_dict(),
            },
        )
    return RecordedScreening(screening_id, record_id, context, raised, entry.id)


def get_alert(conn: Connection, alert_id: int) -> Alert:
    """One alert by id; AlertNotFoundError if there is none."""
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise AlertNotFoundError(f"no alert with id {alert_id}")
    return _alert_from_row(row)


def list_alerts(
    conn: Connection,
    *,
    status: str | None = None,
    record_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Alert]:
    """Alerts, newest first, optionally filtered by status and record."""
    query = select(alerts).order_by(alerts.c.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(alerts.c.status == str(AlertStatus(status)))
    if record_id is not None:
        query = query.where(alerts.c.record_id == record_id)
    return [_alert_from_row(row) for row in conn.execute(query)]


def alert_decisions(conn: Connection, alert_id: int) -> list[Decision]:
    """The decisions recorded on an alert, oldest first."""
    query = select(decisions).where(decisions.c.alert_id == alert_id).order_by(decisions.c.id)
    return [_decision_from_row(row) for row in conn.execute(query)]


def _screening_context(conn: Connection, screening_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(
            screenings.c.threshold, screenings.c.engine_version, screenings.c.list_versions
        ).where(screenings.c.id == screening_id)
    ).one()
    return {
        "threshold": row.threshold,
        "engine_version": row.engine_version,
        "list_versions": orjson.loads(row.list_versions),
    }


def decide(
    conn: Connection,
    alert_id: int,
    *,
    expected_version: int,
    decision: DecisionKind | str,
    reason: str,
    analyst: str,
    expires_at: datetime | None = None,
) -> Decision:
    """Record a decision on an alert seen at `expected_version` (in the caller's transaction).

    DecisionConflictError if the alert has moved on; AlertNotFoundError if it does not exist.
    """
    try:
        kind = DecisionKind(decision)
    except ValueError:
        raise DecisionError(
            f"unknown decision {decision!r}: expected true_match, false_positive or escalate"
        ) from None
    if not reason or not reason.strip():
        raise DecisionError("a decision needs a reason")
    if not analyst or not analyst.strip():
        raise DecisionError("a decision needs the analyst's name")
    now = datetime.now(UTC)
    if expires_at is not None:
        expires_at = _utc(expires_at)
        if expires_at is not None and expires_at <= now:
            raise DecisionError(f"expiry {expires_at.isoformat()} is in the past")
    # The version check and the update are one statement, so two concurrent decisions can
    # never both pass the check: on PostgreSQL the second waits on the row lock and then sees
    # the new version; on SQLite writers are serialised by BEGIN IMMEDIATE.
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.version == expected_version)
        .values(status=str(_STATUS_AFTER[kind]), version=alerts.c.version + 1, updated_at=now)
    )
    if not result.rowcount:
        current = conn.execute(select(alerts.c.version).where(alerts.c.id == alert_id)).first()
        if current is None:
            raise AlertNotFoundError(f"no alert with id {alert_id}")
        raise DecisionConflictError(alert_id, expected_version, int(current[0]))
    alert = get_alert(conn, alert_id)
    row = {
        "alert_id": alert_id,
        "record_id": alert.record_id,
        "entity_id": alert.entity_id,
        "entity_hash": alert.entity_hash,
        "decision": str(kind),
        "reason": reason.strip(),
        "analyst": analyst.strip(),
        "expires_at": expires_at,
        "created_at": now,
    }
    decision_id = conn.execute(insert(decisions).returning(decisions.c.id), row).scalar_one()
    audit.append(
        conn,
        "decision",
        {
            "decision_id": decision_id,
            **{k: v for k, v in row.items() if k not in ("expires_at", "created_at")},
            "expires_at": expires_at.isoformat() if expires_at else None,
            "alert_version": alert.version,
            **_screening_context(conn, alert.screening_id),
        },
    )
    return Decision(
        decision_id,
        alert_id,
        alert.record_id,
        alert.entity_id,
        alert.entity_hash,
        kind,
        reason.strip(),
        analyst.strip(),
        expires_at,
        now,
        alert.version,
    )


# --- monitoring state -----------------------------------------------------------------------


def monitored_versions(conn: Connection) -> dict[str, int]:
    """list id -> the last list version number the monitor re-screened against."""
    query = select(monitor_state.c.list_id, monitor_state.c.version_number)
    return {row[0]: int(row[1]) for row in conn.execute(query)}


def set_monitored_version(conn: Connection, list_id: str, number: int) -> None:
    """Remember that records were re-screened up to version `number` of `list_id`."""
    now = datetime.now(UTC)
    updated = conn.execute(
        update(monitor_state)
        .where(monitor_state.c.list_id == list_id)
        .values(version_number=number, updated_at=now)
    )
    if not updated.rowcount:
        conn.execute(
            insert(monitor_state), {"list_id": list_id, "version_number": number, "updated_at": now}
        )


__all__ = [
    "Alert",
    "AlertNotFoundError",
    "AlertStatus",
    "Decision",
    "DecisionConflictError",
    "DecisionError",
    "DecisionKind",
    "RecordedScreening",
    "ScreeningContext",
    "active_suppression",
    "alert_decisions",
    "alerts",
    "count_records",
    "customer_records",
    "decide",
    "decisions",
    "get_alert",
    "hit_entity_hash",
    "iter_records",
    "list_alerts",
    "monitor_state",
    "monitored_versions",
    "record_screening",
    "save_record",
    "save_records",
    "screenings",
    "set_monitored_version",
]
