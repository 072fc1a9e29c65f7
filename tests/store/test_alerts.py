"""Alerts, decisions with optimistic concurrency, and false-positive suppression."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from scrutiny.match.query import Hit
from scrutiny.store import Store, alerts, audit, keys
from scrutiny.store.alerts import (
    AlertStatus,
    DecisionConflictError,
    DecisionError,
    ScreeningContext,
)
from scrutiny.store.schema import metadata

CONTEXT = ScreeningContext(
    threshold=0.7,
    engine_version="test-engine",
    list_versions={"fake": {"version": 1, "content_hash": "abc"}},
)


def make_hit(entity_id: str, score: float, entity_hash: str = "h1") -> Hit:
    return Hit(
        entity_id=entity_id,
        list_id=entity_id.split(":")[0],
        programs=("DPRK3",),
        name="KOREA KWANGSON BANKING CORP",
        score=score,
        explanation={"list_version": {"content_hash": entity_hash}},
    )


def screen(store: Store, record_id: str, hits: list[Hit]) -> alerts.RecordedScreening:
    with store.transaction(write=True) as conn:
        return alerts.record_screening(conn, record_id, {"name": "Kwangson"}, hits, CONTEXT)


def test_service_tables_match_the_migration(store: Store) -> None:
    assert keys.api_keys.metadata is metadata  # the service tables are declared on it
    mine = {
        t.name
        for t in (alerts.customer_records, alerts.screenings, alerts.alerts, alerts.decisions)
    } | {alerts.monitor_state.name, audit.audit_log.name, keys.api_keys.name}
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # Other areas' tables (declared in their own modules) are theirs to check.
    assert [d for d in differences if _table_of(d) in mine] == []


def _table_of(difference: object) -> str | None:
    item = difference[0] if isinstance(difference, list) else difference
    for part in item[1:]:  # type: ignore[index]
        name = getattr(part, "name", None) if hasattr(part, "columns") else None
        if name:
            return str(name)
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(part, str):
            return part
    return None


def test_hits_at_or_above_threshold_become_alerts(store: Store) -> None:
    recorded = screen(
        store,
        "cust-1",
        [make_hit("fake:1", 0.95), make_hit("fake:2", 0.7), make_hit("fake:3", 0.5)],
    )
    assert [a.entity_id for a in recorded.alerts] == ["fake:1", "fake:2"]
    assert all(a.status is AlertStatus.OPEN and a.version == 1 for a in recorded.alerts)
    with store.transaction() as conn:
        listed = alerts.list_alerts(conn, record_id="cust-1")
        assert {a.id for a in listed} == {a.id for a in recorded.alerts}
        assert dict(alerts.iter_records(conn)) == {"cust-1": {"name": "Kwangson"}}
        kinds = [e.kind for e in audit.entries(conn)]
    assert kinds == ["screening", "alert", "alert"]


def decide(
    store: Store, alert_id: int, version: int, kind: str, **extra: object
) -> alerts.Decision:
    with store.transaction(write=True) as conn:
        return alerts.decide(
            conn,
            alert_id,
            expected_version=version,
            decision=kind,
            reason="different date of birth",
            analyst="ana",
            **extra,  # type: ignore[arg-type]
        )


def test_second_decision_on_the_same_version_conflicts(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    first = decide(store, alert.id, 1, "escalate")
    assert first.alert_version == 2
    with pytest.raises(DecisionConflictError, match="version 2, not 1"):
        decide(store, alert.id, 1, "false_positive")
    with store.transaction() as conn:
        stored = alerts.get_alert(conn, alert.id)
        assert stored.status is AlertStatus.ESCALATED
        assert [d.decision for d in alerts.alert_decisions(conn, alert.id)] == ["escalate"]
    # Deciding again on the version now current works.
    assert decide(store, alert.id, 2, "true_match").alert_version == 3


def test_concurrent_decisions_from_two_connections(store: Store) -> None:
    """Two threads, each with its own connection, decide the same alert version at once."""
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(kind: str) -> None:
        barrier.wait()
        try:
            decide(store, alert.id, 1, kind)
            outcomes.append("ok")
        except DecisionConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=worker, args=(k,)) for k in ("true_match", "false_positive")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with store.transaction() as conn:
        assert len(alerts.alert_decisions(conn, alert.id)) == 1
        assert alerts.get_alert(conn, alert.id).version == 2
        assert audit.verify_chain(conn).ok


def test_interleaved_transactions_never_lose_a_write(db_url: str) -> None:
    """PostgreSQL: the second writer blocks on the row, then sees the new version."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers before they read; covered by the thread test")
    from scrutiny.store import connect

    with connect(db_url) as store:
        alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
        result: list[BaseException | None] = []
        with store.transaction(write=True) as first:
            alerts.decide(
                first, alert.id, expected_version=1, decision="escalate", reason="r", analyst="a"
            )

            def second() -> None:
                try:
                    decide(store, alert.id, 1, "false_positive")
                    result.append(None)
                except DecisionConflictError as exc:
                    result.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(0.5)
            assert thread.is_alive()  # waiting on the row lock held by `first`
        thread.join()
        assert isinstance(result[0], DecisionConflictError)


def test_false_positive_suppresses_same_entity_content(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9, "h1")]).alerts[0]
    fp = decide(store, alert.id, 1, "false_positive")
    again = screen(store, "cust-1", [make_hit("fake:1", 0.9, "h1")]).alerts[0]
    assert again.status is AlertStatus.SUPPRESSED
    assert again.suppressed and again.suppressed_by == fp.id
    # Another record, or the same entity with new content, is raised again.
    assert screen(store, "cust-2", [make_hit("fake:1", 0.9, "h1")]).alerts[0].status == "open"
    changed = screen(store, "cust-1", [make_hit("fake:1", 0.9, "h2")]).alerts[0]
    assert changed.status is AlertStatus.OPEN and changed.suppressed_by is None


def test_expired_false_positive_no_longer_suppresses(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    decide(store, alert.id, 1, "false_positive", expires_at=datetime.now(UTC) + timedelta(days=1))
    with store.transaction() as conn:
        assert alerts.active_suppression(conn, "cust-1", "fake:1", "h1") is not None
        later = datetime.now(UTC) + timedelta(days=2)
        assert alerts.active_suppression(conn, "cust-1", "fake:1", "h1", later) is None


def test_later_true_match_lifts_suppression(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    decide(store, alert.id, 1, "false_positive")
    decide(store, alert.id, 2, "true_match")
    assert screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0].status == "open"


def test_malformed_decisions_are_refused(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    with pytest.raises(DecisionError, match="reason"), store.transaction(write=True) as conn:
        alerts.decide(
            conn, alert.id, expected_version=1, decision="escalate", reason=" ", analyst="a"
        )
    with pytest.raises(DecisionError, match="unknown decision"):
        decide(store, alert.id, 1, "maybe")
    with pytest.raises(DecisionError, match="past"):
        decide(store, alert.id, 1, "false_positive", expires_at=datetime.now(UTC) - timedelta(1))
    with pytest.raises(alerts.AlertNotFoundError):
        decide(store, 9999, 1, "escalate")
    with store.transaction() as conn:
        assert alerts.get_alert(conn, alert.id).version == 1


def test_decision_audit_entry_carries_the_screening_context(store: Store) -> None:
    alert = screen(store, "cust-1", [make_hit("fake:1", 0.9)]).alerts[0]
    decision = decide(store, alert.id, 1, "false_positive")
    with store.transaction() as conn:
        entry = audit.entries(conn, kind="decision")[0]
    assert entry.payload["decision_id"] == decision.id
    assert entry.payload["list_versions"] == {"fake": {"version": 1, "content_hash": "abc"}}
    assert entry.payload["threshold"] == 0.7
    assert entry.payload["engine_version"] == "test-engine"


def test_api_keys_are_stored_as_hashes(store: Store) -> None:
    with store.transaction(write=True) as conn:
        plain, key = keys.create_key(conn, "analyst", "ana")
    with store.transaction() as conn:
        stored = [row.key_hash for row in conn.execute(keys.api_keys.select())]
        assert plain not in stored and keys.hash_key(plain) in stored
        assert keys.lookup_key(conn, plain) == key
        assert keys.lookup_key(conn, plain + "x") is None
    assert key.role.allows(keys.Role.SCREENER) and not key.role.allows(keys.Role.ADMIN)
    with pytest.raises(keys.UnknownRoleError):
        keys.parse_role("root")
