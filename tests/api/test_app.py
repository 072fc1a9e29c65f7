"""Screening, alerts and decisions over HTTP; auth, roles, validation and limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_fakes import Api, make_api

from scrutiny.api.app import ServiceConfig


def test_healthz_needs_no_key(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200 and response.json()["entities"] == 5


def test_screen_returns_hits_with_explanations_and_versions(api: Api) -> None:
    response = api.client.post(
        "/screen", json={"name": "Kim Jong-un", "birth_date": "1984-01-08"}, headers=api.headers()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hits"][0]["entity_id"] == "fake_sdn:1"
    assert body["hits"][0]["explanation"]["matched_name"]
    assert body["list_versions"]["fake_sdn"]["version"] == 1
    assert body["engine_version"].startswith("scrutiny-")
    assert body["screening_id"] is None  # no record id: nothing stored


def test_missing_wrong_key_and_role(api: Api) -> None:
    payload = {"name": "Kim Jong Un"}
    assert api.client.post("/screen", json=payload).status_code == 401
    wrong = {"Authorization": "Bearer scr_not-a-key"}
    assert api.client.post("/screen", json=payload, headers=wrong).status_code == 401
    assert api.client.get("/alerts", headers=api.headers("screener")).status_code == 403
    assert api.client.post("/monitor/run", headers=api.headers("analyst")).status_code == 403
    assert api.client.get("/alerts", headers=api.headers("admin")).status_code == 200
    x_key = {"X-API-Key": api.keys["screener"]}
    assert api.client.post("/screen", json=payload, headers=x_key).status_code == 200


def test_validation_errors_are_clear_422s(api: Api) -> None:
    bad_date = api.client.post(
        "/screen", json={"name": "Kim", "birth_date": "1984-13-45"}, headers=api.headers()
    )
    assert bad_date.status_code == 422 and "no such calendar date" in bad_date.json()["detail"]
    missing = api.client.post("/screen", json={"nom": "x"}, headers=api.headers())
    assert missing.status_code == 422
    locs = [tuple(p["loc"]) for p in missing.json()["detail"]]
    assert ("body", "name") in locs
    bad_country = api.client.post(
        "/screen", json={"name": "Kim", "countries": ["Atlantis"]}, headers=api.headers()
    )
    assert bad_country.status_code == 422 and "Atlantis" in bad_country.json()["detail"]


def test_recorded_screening_raises_alerts_and_decisions_suppress(api: Api) -> None:
    payload = {"name": "Kim Jong Un", "birth_date": "1984-01-08", "record_id": "cust-7"}
    first = api.client.post("/screen", json=payload, headers=api.headers()).json()
    hit = first["hits"][0]
    assert first["screening_id"] and hit["alert_id"] and not hit["suppressed"]
    alert = api.client.get(f"/alerts/{hit['alert_id']}", headers=api.headers("analyst")).json()
    assert alert["status"] == "open" and alert["version"] == 1
    decision = {"decision": "false_positive", "reason": "DOB differs", "expected_version": 1}
    url = f"/alerts/{hit['alert_id']}/decisions"
    made = api.client.post(url, json=decision, headers=api.headers("analyst"))
    assert made.status_code == 201 and made.json()["analyst"] == "analyst-user"
    conflict = api.client.post(url, json=decision, headers=api.headers("analyst"))
    assert conflict.status_code == 409 and "version 2" in conflict.json()["detail"]
    again = api.client.post("/screen", json=payload, headers=api.headers()).json()["hits"][0]
    assert again["suppressed"] is True and again["decision_id"] == made.json()["id"]
    listed = api.client.get(
        "/alerts", params={"status": "suppressed"}, headers=api.headers("analyst")
    ).json()["alerts"]
    assert [a["id"] for a in listed] == [again["alert_id"]]
    verify = api.client.get("/audit/verify", headers=api.headers("admin")).json()
    assert verify["ok"] and verify["checked"] >= 5


def test_bad_decision_is_422(api: Api) -> None:
    response = api.client.post(
        "/alerts/1/decisions",
        json={"decision": "maybe", "reason": "x", "expected_version": 1},
        headers=api.headers("analyst"),
    )
    assert response.status_code == 422
    missing = api.client.post(
        "/alerts/99/decisions",
        json={"decision": "escalate", "reason": "x", "expected_version": 1},
        headers=api.headers("analyst"),
    )
    assert missing.status_code == 404


def test_batch_screens_each_record_and_reports_bad_ones(api: Api) -> None:
    records = [{"name": "Banco Nacional de Cuba"}, {"name": "..."}, {"name": "Ali Hassan al Majid"}]
    response = api.client.post("/screen/batch", json={"records": records}, headers=api.headers())
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [200, 422, 200]
    assert results[0]["result"]["hits"][0]["entity_id"] == "fake_sdn:4"
    too_many = {"records": [{"name": "x"}] * 1001}
    assert api.client.post("/screen/batch", json=too_many, headers=api.headers()).status_code == 422


def test_search_entities_and_lists(api: Api) -> None:
    found = api.client.get("/search", params={"q": "kwangson"}, headers=api.headers()).json()
    assert found["results"][0]["entity_id"] == "fake_sdn:3"
    filtered = api.client.get(
        "/search", params={"q": "kwangson", "program": "DPRK3"}, headers=api.headers()
    ).json()
    assert all("DPRK3" in r["programs"] for r in filtered["results"])
    entity = api.client.get("/entities/fake_sdn:1", headers=api.headers()).json()
    assert entity["provenance"]["source_record_id"] == "1"
    assert entity["versions"] == [
        {"list_id": "fake_sdn", "version": 1, "publisher_date": "2024-01-01"}
    ]
    assert api.client.get("/entities/nope:1", headers=api.headers()).status_code == 404
    lists = api.client.get("/lists", headers=api.headers()).json()["lists"]
    assert lists[0]["list_id"] == "fake_sdn" and lists[0]["entity_count"] == 5


def test_request_size_limit_is_413(tmp_path: Path) -> None:
    api = make_api(
        f"sqlite:///{tmp_path / 'a.db'}", tmp_path, ServiceConfig(max_body_bytes=200, rate_limit=0)
    )
    response = api.client.post("/screen", json={"name": "x" * 500}, headers=api.headers())
    assert response.status_code == 413
    api.store.close()


def test_rate_limit_is_429_per_key(tmp_path: Path) -> None:
    api = make_api(
        f"sqlite:///{tmp_path / 'a.db'}", tmp_path, ServiceConfig(rate_limit=0.01, rate_burst=3)
    )
    codes = [
        api.client.post("/screen", json={"name": "Kim"}, headers=api.headers()).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    # Another key has its own bucket.
    other = api.client.post("/screen", json={"name": "Kim"}, headers=api.headers("analyst"))
    assert other.status_code == 200
    api.store.close()


def test_workers_share_a_keys_rate_limit(tmp_path: Path) -> None:
    # Three workers: each may grant a third of the key's burst, so three together never
    # exceed it (the worker count comes from SCRUTINY_WORKERS, set by `scrutiny serve`).
    config = ServiceConfig(rate_limit=0.01, rate_burst=6, workers=3)
    api = make_api(f"sqlite:///{tmp_path / 'a.db'}", tmp_path, config)
    codes = [
        api.client.post("/screen", json={"name": "Kim"}, headers=api.headers()).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    api.store.close()


def test_worker_count_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINY_WORKERS", "4")
    assert ServiceConfig.from_env().workers == 4


def test_unexpected_errors_are_generic_500s(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    service = api.client.app.state.service  # type: ignore[attr-defined]

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(service, "screen", boom)
    response = api.client.post("/screen", json={"name": "Kim"}, headers=api.headers())
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "secret" not in response.text and "Traceback" not in response.text


@pytest.mark.postgres
def test_alert_workflow_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    api = make_api(postgres_url, tmp_path)
    payload = {"name": "Banco Nacional de Cuba", "record_id": "pg-1"}
    hit = api.client.post("/screen", json=payload, headers=api.headers()).json()["hits"][0]
    url = f"/alerts/{hit['alert_id']}/decisions"
    decision = {"decision": "true_match", "reason": "same bank", "expected_version": 1}
    assert api.client.post(url, json=decision, headers=api.headers("analyst")).status_code == 201
    assert api.client.post(url, json=decision, headers=api.headers("analyst")).status_code == 409
    assert api.client.get("/audit/verify", headers=api.headers("admin")).json()["ok"]
    api.store.close()
