"""The reconciliation service API (version 0.2), so analysts can reconcile a spreadsheet of
counterparties in OpenRefine: manifest, reconciliation queries, type and property suggest.

OpenRefine sends queries as a form field `queries` holding JSON (GET or POST); JSON bodies
are accepted too. Scores are 0-100, as OpenRefine displays them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from scrutiny import __version__
from scrutiny.api.auth import screener
from scrutiny.errors import QueryError
from scrutiny.match import Query
from scrutiny.store.keys import ApiKey

if TYPE_CHECKING:
    from scrutiny.api.app import Service

router = APIRouter(prefix="/reconcile", tags=["reconciliation"])

TYPES = [
    {"id": "Person", "name": "Person"},
    {"id": "Organization", "name": "Organization"},
    {"id": "Vessel", "name": "Vessel"},
    {"id": "Aircraft", "name": "Aircraft"},
    {"id": "LegalEntity", "name": "Any legal entity"},
]
PROPERTIES = [
    {"id": "birthDate", "name": "Date of birth", "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
    {"id": "country", "name": "Country", "description": "Nationality, citizenship or flag"},
    {"id": "gender", "name": "Gender", "description": "male or female"},
    {"id": "idNumber", "name": "Identifier", "description": "Passport, IMO, BIC, LEI ..."},
]
MAX_QUERIES = 100
_SCHEMA: dict[str, str | None] = {
    "Person": "person",
    "Organization": "organization",
    "Vessel": "vessel",
}
_SCHEMA |= {"Aircraft": "aircraft", "LegalEntity": None}


def manifest(base_url: str) -> dict[str, Any]:
    """The service manifest (what OpenRefine reads when the service is added)."""
    return {
        "versions": ["0.2"],
        "name": "scrutiny sanctions screening",
        "identifierSpace": f"{base_url}/entities/",
        "schemaSpace": f"{base_url}/reconcile/types/",
        "serviceVersion": __version__,
        "defaultTypes": TYPES[:2],
        "view": {"url": f"{base_url}/entities/{{{{id}}}}"},
        "suggest": {
            "property": {
                "service_url": f"{base_url}/reconcile",
                "service_path": "/suggest/property",
            },
            "type": {"service_url": f"{base_url}/reconcile", "service_path": "/suggest/type"},
        },
    }


def _query(item: dict[str, Any]) -> tuple[Query, int]:
    text = str(item.get("query") or "").strip()
    type_id = item.get("type")
    if isinstance(type_id, list):
        type_id = type_id[0] if type_id else None
    if type_id is not None and type_id not in _SCHEMA:
        raise QueryError(f"unknown type {type_id!r}: expected one of {sorted(_SCHEMA)}")
    values: dict[str, list[str]] = {}
    for prop in item.get("properties") or []:
        pid = str(prop.get("pid") or "")
        raw = prop.get("v")
        found = raw if isinstance(raw, list) else [raw]
        values.setdefault(pid, []).extend(str(v).strip() for v in found if v not in (None, ""))
    limit = int(item.get("limit") or 5)
    births = values.get("birthDate", [])
    genders = values.get("gender", [])
    return (
        Query(
            name=text,
            schema=_SCHEMA.get(type_id) if type_id else None,
            birth_date=births[0] if births else None,
            countries=tuple(values.get("country", [])),
            gender=genders[0] if genders else None,
            identifiers=tuple(values.get("idNumber", [])),
        ),
        max(1, min(limit, 50)),
    )


def reconcile_batch(service: Service, queries: dict[str, Any]) -> dict[str, Any]:
    """Answer a batch of reconciliation queries."""
    if len(queries) > MAX_QUERIES:
        raise QueryError(f"at most {MAX_QUERIES} queries per request")
    matcher = service.matcher()
    out: dict[str, Any] = {}
    for key, item in queries.items():
        if not isinstance(item, dict):
            raise QueryError(f"query {key!r} must be an object with a 'query' field")
        query, limit = _query(item)
        hits = matcher.screen(query, threshold=0.0, limit=limit)
        out[key] = {
            "result": [
                {
                    "id": hit.entity_id,
                    "name": hit.name,
                    "description": f"{hit.list_id}: {', '.join(hit.programs)}",
                    "score": round(hit.score * 100, 2),
                    "match": hit.score >= matcher.threshold,
                    "type": [{"id": service.entity_schema(hit.entity_id)}],
                    "features": [
                        {"id": name, "value": float(value)}
                        for name, value in (hit.explanation.get("contributions") or {}).items()
                    ],
                }
                for hit in hits
            ]
        }
    return out


async def _queries_param(request: Request) -> dict[str, Any] | None:
    raw: str | None = request.query_params.get("queries")
    if raw is None and request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = await request.json()
            return body.get("queries", body) if isinstance(body, dict) else None
        # OpenRefine posts application/x-www-form-urlencoded; parsed here with the standard
        # library so the service needs no multipart parser.
        fields = parse_qs((await request.body()).decode("utf-8", "replace"))
        raw = fields["queries"][0] if fields.get("queries") else None
    if raw is None:
        return None
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise HTTPException(422, f"'queries' is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise HTTPException(422, "'queries' must be a JSON object of named queries")
    return parsed


async def _reconcile(request: Request) -> dict[str, Any]:
    service: Service = request.app.state.service
    queries = await _queries_param(request)
    if queries is None:
        return manifest(str(request.base_url).rstrip("/"))
    result: dict[str, Any] = await run_in_threadpool(reconcile_batch, service, queries)
    return result


@router.get("", summary="Manifest, or reconcile `queries`")
async def reconcile_get(
    request: Request, _key: Annotated[ApiKey, Depends(screener)]
) -> dict[str, Any]:
    """Without `queries`: the service manifest. With `queries` (JSON): their candidates."""
    return await _reconcile(request)


@router.post("", summary="Reconcile `queries` (form field or JSON body)")
async def reconcile_post(
    request: Request, _key: Annotated[ApiKey, Depends(screener)]
) -> dict[str, Any]:
    """Candidates for each named query, as OpenRefine posts them."""
    return await _reconcile(request)


def _suggest(items: list[dict[str, str]], prefix: str) -> dict[str, Any]:
    needle = prefix.strip().casefold()
    return {
        "result": [
            i for i in items if needle in i["id"].casefold() or needle in i["name"].casefold()
        ]
    }


@router.get("/suggest/property", summary="Property suggest")
def suggest_property(prefix: str = "") -> dict[str, Any]:
    """Properties a reconciliation query may carry."""
    return _suggest(PROPERTIES, prefix)


@router.get("/suggest/type", summary="Type suggest")
def suggest_type(prefix: str = "") -> dict[str, Any]:
    """Entity types to reconcile against."""
    return _suggest(TYPES, prefix)


@router.get("/types/{type_id}", summary="Describe a type")
def describe_type(type_id: str) -> dict[str, str]:
    for item in TYPES:
        if item["id"] == type_id:
            return item
    raise HTTPException(404, f"unknown type {type_id!r}")


__all__ = ["manifest", "reconcile_batch", "router"]
