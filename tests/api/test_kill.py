"""Kill test: SIGKILL a uvicorn worker that is certainly in the middle of a decision transaction.

A real `scrutiny serve --workers 2` runs over SQLite (WAL) and over PostgreSQL. Many client
threads write decisions at once; the test then drops a `hold` file that the next decision to
commit claims (SCRUTINY_TEST_HOLD_DIR, see app._kill_test_hold): that worker writes a marker
naming its pid and the alert and sleeps inside its open transaction, and the test
SIGKILLs exactly that pid. Afterwards every acknowledged (201) decision must be stored, the
held one must not be (it was rolled back), no decision, alert or audit row may be
half-written, and the audit chain must verify.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson
import pytest
from api_fakes import make_api
from sqlalchemy import select

from scrutiny.store import alerts as alerts_store
from scrutiny.store import audit, connect

pytestmark = pytest.mark.slow

ALERTS = 150
WRITERS = 16
STATUS_AFTER = {"escalate": "escalated", "true_match": "true_match"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(db_url: str, folder: Path) -> tuple[str, list[int]]:
    """The fake list loaded, ALERTS open alerts, and an analyst key."""
    api = make_api(db_url, folder)
    alert_ids: list[int] = []
    for i in range(ALERTS):
        body = {"name": "Kim Jong Un", "record_id": f"kill-{i}", "threshold": 0.5, "limit": 1}
        response = api.client.post("/screen", json=body, headers=api.headers())
        assert response.status_code == 200, response.text
        alert_ids += [h["alert_id"] for h in response.json()["hits"] if h["alert_id"]]
    api.store.close()
    assert len(alert_ids) == ALERTS
    return api.keys["analyst"], alert_ids


def _serve(db_url: str, folder: Path, hold_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {
        **os.environ,
        "SCRUTINY_DATABASE_URL": db_url,
        "SCRUTINY_DATA_DIR": str(folder),
        "SCRUTINY_RATE_LIMIT": "0",
        "SCRUTINY_TEST_HOLD_DIR": str(hold_dir),
        "SCRUTINY_TEST_HOLD_SECONDS": "30",
    }
    port = _free_port()
    scrutiny = Path(sys.executable).with_name("scrutiny")
    command = [str(scrutiny), "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(command, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/openapi.json", timeout=2)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


def _wait_for(predicate: object, seconds: float, what: str) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.002)


def test_sigkill_mid_transaction_loses_no_acknowledged_decision(
    db_url: str, tmp_path: Path
) -> None:
    analyst_key, alert_ids = _prepare(db_url, tmp_path)
    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    proc, url = _serve(db_url, tmp_path, hold_dir)
    acknowledged: dict[int, tuple[int, str]] = {}  # decision id -> (alert id, decision)
    codes: Counter[int] = Counter()
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {analyst_key}"}

    def send(alert_id: int) -> None:
        kind = "escalate" if alert_id % 2 else "true_match"
        body = {"decision": kind, "reason": "kill test", "expected_version": 1}
        try:
            response = httpx.post(
                f"{url}/alerts/{alert_id}/decisions", json=body, headers=headers, timeout=60
            )
        except httpx.HTTPError:
            with lock:
                codes[0] += 1
            return
        with lock:
            codes[response.status_code] += 1
            if response.status_code == 201:
                acknowledged[int(response.json()["id"])] = (alert_id, kind)

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            futures = [pool.submit(send, a) for a in alert_ids]
            _wait_for(lambda: len(acknowledged) >= 20, 60, "the first decisions")
            (hold_dir / "hold").touch()
            markers: list[Path] = []

            def marker_written() -> bool:
                markers.extend(hold_dir.glob("inflight-*"))
                return bool(markers)

            _wait_for(marker_written, 60, "a worker to hold a transaction open")
            _, pid, held_alert = markers[0].name.split("-")
            os.kill(int(pid), signal.SIGKILL)
            for future in futures:
                future.result()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)

    # The held request was in flight when its worker died: its client never got a 201.
    assert markers[0].exists(), "the held transaction committed before the kill"
    assert int(held_alert) not in {alert for alert, _ in acknowledged.values()}
    assert codes[201] == len(acknowledged) >= 20
    assert set(codes) <= {0, 201}, codes  # only acknowledged or cut off, never an error
    assert codes[0] >= 1

    with connect(db_url) as store, store.transaction() as conn:
        stored = {row.id: row for row in conn.execute(select(alerts_store.decisions)).all()}
        alert_rows = {row.id: row for row in conn.execute(select(alerts_store.alerts)).all()}
        audited = Counter(
            orjson.loads(row.payload)["decision_id"]
            for row in conn.execute(
                select(audit.audit_log.c.payload).where(audit.audit_log.c.kind == "decision")
            )
        )
        chain = audit.verify_chain(conn)
        store.close()

    # Rolled back with the killed worker: no decision on the held alert, which is still open.
    assert all(row.alert_id != int(held_alert) for row in stored.values())
    assert alert_rows[int(held_alert)].status == "open"
    for decision_id, (alert_id, kind) in acknowledged.items():
        assert decision_id in stored, f"acknowledged decision {decision_id} was lost"
        assert stored[decision_id].alert_id == alert_id
        assert stored[decision_id].decision == kind
    # No half-written rows: each stored decision moved its alert on exactly once and has
    # exactly one audit entry; undecided alerts are untouched.
    per_alert = Counter(row.alert_id for row in stored.values())
    for alert_id in alert_ids:
        alert = alert_rows[alert_id]
        assert alert.version == 1 + per_alert[alert_id]
        decided = [row for row in stored.values() if row.alert_id == alert_id]
        expected = STATUS_AFTER[decided[0].decision] if decided else "open"
        assert alert.status == expected
    assert audited == Counter(stored.keys())
    assert chain.ok, f"audit chain broken at entry {chain.first_broken}"
    assert chain.checked >= ALERTS + len(stored)
