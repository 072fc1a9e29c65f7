"""Contract tests: requests written for yente's /match work unchanged, responses keep its shape.

Request examples follow yente's documentation and EntityMatchQuery model (properties as lists
or single strings, several queries per call, query parameters); the response fields checked
are those of yente's EntityMatchResponse / EntityMatches / ScoredEntityResponse models.
"""

from __future__ import annotations

import httpx
from api_fakes import Api

# yente ScoredEntityResponse fields (yente/data/common.py)
RESULT_FIELDS = {
    "id",
    "caption",
    "schema",
    "properties",
    "datasets",
    "referents",
    "target",
    "first_seen",
    "last_seen",
    "last_change",
    "score",
    "features",
    "match",
}

DOC_EXAMPLE = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {
                "name": ["Kim Jong Un"],
                "birthDate": ["1984-01-08"],
                "nationality": ["kp"],
            },
        },
        "q2": {"schema": "Company", "properties": {"name": "Korea Kwangson Banking Corp"}},
    }
}


def test_match_response_has_yentes_shape(api: Api) -> None:
    response = api.client.post("/match/default", json=DOC_EXAMPLE, headers=api.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"responses", "matcher", "limit"} and body["limit"] == 5
    q1 = body["responses"]["q1"]
    assert q1["status"] == 200
    assert q1["total"]["relation"] == "eq" and q1["total"]["value"] >= 1
    assert q1["query"]["schema"] == "Person"
    top = q1["results"][0]
    assert set(top) >= RESULT_FIELDS
    assert top["id"] == "fake_sdn:1" and top["match"] is True
    assert top["schema"] == "Person" and top["datasets"] == ["fake_sdn"]
    assert "Kim Jong Un".upper() in [n.upper() for n in top["properties"]["name"]]
    assert top["properties"]["birthDate"] == ["1984-01-08"]
    assert all(isinstance(v, float) for v in top["features"].values())
    assert top["explanations"]["matched_name"]
    assert body["responses"]["q2"]["results"][0]["id"] == "fake_sdn:3"
    for doc in body["matcher"].values():
        assert set(doc) == {"description", "coefficient", "url"}


def test_match_query_parameters(api: Api) -> None:
    q = {"queries": {"a": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}

    def ids(params: dict[str, object], dataset: str = "default") -> list[str]:
        response = api.client.post(
            f"/match/{dataset}", json=q, params=params, headers=api.headers()
        )
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["responses"]["a"]["results"]]

    assert ids({"limit": 1}) == ["fake_sdn:1"]
    assert "fake_sdn:1" not in ids({"exclude_entity_ids": "fake_sdn:1"})
    assert ids({"exclude_dataset": "fake_sdn"}) == []
    assert ids({"include_dataset": "fake_sdn"})[0] == "fake_sdn:1"
    assert ids({"topics": "sanction"})[0] == "fake_sdn:1"
    assert ids({"topics": "role.pep"}) == []
    assert ids({"algorithm": "logic-v1"})[0] == "fake_sdn:1"
    assert ids({}, dataset="fake_sdn")[0] == "fake_sdn:1"
    high = api.client.post(
        "/match/default", json=q, params={"threshold": 0.999}, headers=api.headers()
    ).json()
    assert high["responses"]["a"]["results"][0]["match"] is False


def test_match_errors(api: Api) -> None:
    q = {"queries": {"a": {"schema": "Person", "properties": {"name": ["Kim"]}}}}
    assert api.client.post("/match/nolist", json=q, headers=api.headers()).status_code == 404
    bad_schema = {"queries": {"a": {"schema": "Planet", "properties": {"name": ["Kim"]}}}}
    response = api.client.post("/match/default", json=bad_schema, headers=api.headers())
    assert response.status_code == 422 and "Planet" in response.json()["detail"]
    no_name = {"queries": {"a": {"schema": "Person", "properties": {"birthDate": ["1980"]}}}}
    assert api.client.post("/match/default", json=no_name, headers=api.headers()).status_code == 422
    unknown_algo = api.client.post(
        "/match/default", json=q, params={"algorithm": "magic"}, headers=api.headers()
    )
    assert unknown_algo.status_code == 422
    assert api.client.post("/match/default", json=q).status_code == 401


def test_name_parts_are_combined(api: Api) -> None:
    q = {
        "queries": {
            "p": {
                "schema": "Person",
                "properties": {
                    "firstName": ["Vladimir"],
                    "fatherName": ["Petrovich"],
                    "lastName": ["Ivanov"],
                },
            }
        }
    }
    body = api.client.post("/match/sanctions", json=q, headers=api.headers()).json()
    assert body["responses"]["p"]["results"][0]["id"] == "fake_sdn:5"


def test_a_plain_httpx_yente_client_works(api: Api) -> None:
    """The request a yente client sends (httpx, 'Authorization: ApiKey <key>', list-valued
    query parameters) works unchanged."""
    client = httpx.Client(
        transport=api.client._transport,  # the ASGI app, in process
        base_url="http://testserver",
        headers={"Authorization": f"ApiKey {api.keys['screener']}"},
    )
    params = [("limit", "3"), ("exclude_dataset", "other"), ("exclude_dataset", "more")]
    response = client.post("/match/default", json=DOC_EXAMPLE, params=params)
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q1"]["results"][0]["id"] == "fake_sdn:1"
