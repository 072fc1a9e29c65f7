"""OpenRefine reconciliation: responses validate against the reconciliation API 0.2 schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import orjson
from api_fakes import Api
from referencing import Registry, Resource

SCHEMAS = Path(__file__).with_name("schemas")


def validate(instance: Any, name: str) -> None:
    resources = {
        p.name: Resource.from_contents(json.loads(p.read_text())) for p in SCHEMAS.glob("*.json")
    }
    registry = Registry().with_resources(resources.items())
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft7Validator(schema, registry=registry).validate(instance)


def test_manifest_validates(api: Api) -> None:
    response = api.client.get("/reconcile", headers=api.headers())
    assert response.status_code == 200
    manifest = response.json()
    validate(manifest, "manifest.json")
    assert "{{id}}" in manifest["view"]["url"]


def test_queries_as_openrefine_sends_them(api: Api) -> None:
    queries = {
        "q0": {
            "query": "Kim Jong Un",
            "type": "Person",
            "limit": 3,
            "properties": [{"pid": "birthDate", "v": "1984-01-08"}],
        },
        "q1": {"query": "Banco Nacional de Cuba"},
    }
    # OpenRefine posts a form field `queries` holding JSON.
    response = api.client.post(
        "/reconcile", data={"queries": orjson.dumps(queries).decode()}, headers=api.headers()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    validate(body, "reconciliation-result-batch.json")
    assert body["q0"]["result"][0]["id"] == "fake_sdn:1"
    assert body["q0"]["result"][0]["match"] is True
    assert body["q0"]["result"][0]["type"] == [{"id": "Person"}]
    assert body["q1"]["result"][0]["id"] == "fake_sdn:4"
    assert len(body["q0"]["result"]) <= 3
    # GET with the same parameter, key as query parameter (OpenRefine cannot set headers).
    got = api.client.get(
        "/reconcile",
        params={"queries": orjson.dumps(queries).decode(), "api_key": api.keys["screener"]},
    )
    assert got.status_code == 200 and got.json()["q1"] == body["q1"]


def test_bad_queries_are_422(api: Api) -> None:
    bad = api.client.post("/reconcile", data={"queries": "{not json"}, headers=api.headers())
    assert bad.status_code == 422
    unknown_type = {"q0": {"query": "Kim", "type": "Planet"}}
    response = api.client.post(
        "/reconcile", data={"queries": orjson.dumps(unknown_type).decode()}, headers=api.headers()
    )
    assert response.status_code == 422 and "Planet" in response.json()["detail"]


def test_suggest_endpoints_validate(api: Api) -> None:
    props = api.client.get("/reconcile/suggest/property", params={"prefix": "birth"}).json()
    validate(props, "suggest-response.json")
    assert [p["id"] for p in props["result"]] == ["birthDate"]
    types = api.client.get("/reconcile/suggest/type", params={"prefix": "pers"}).json()
    validate(types, "suggest-response.json")
    assert [t["id"] for t in types["result"]] == ["Person"]
