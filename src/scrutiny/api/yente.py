"""`POST /match/{dataset}` compatible with the OpenSanctions yente API.

Request and response mirror yente's models (yente/data/common.py: EntityExample,
EntityMatchQuery, ScoredEntityResponse, EntityMatches, EntityMatchResponse) so a client
written for yente works unchanged. Entities are described in FollowTheMoney terms
(`sources.ftm.to_ftm`); `explanations` is scrutiny's addition to each result.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from scrutiny.api.auth import screener
from scrutiny.errors import QueryError
from scrutiny.match import Hit
from scrutiny.match import Query as ScreenQuery
from scrutiny.match.features import FEATURES
from scrutiny.sources.ftm import to_ftm
from scrutiny.store.keys import ApiKey

if TYPE_CHECKING:
    from scrutiny.api.app import Service

router = APIRouter(tags=["yente-compatible"])

# Datasets that mean "every loaded list", as yente's collections do.
ALL_DATASETS = frozenset({"default", "sanctions", "all"})
ALGORITHMS = ("scrutiny", "best", "logic-v1", "logic-v2", "name-based", "name-qualified")
DEFAULT_LIMIT = 5  # yente's MATCH_PAGE default
MAX_LIMIT = 500
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag")
ID_PROPS = (
    "idNumber",
    "passportNumber",
    "nationalId",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "callSign",
    "publicKey",
    "serialNumber",
    "registrationNumber",
)
_SCHEMAS = {
    "person": "person",
    "organization": "organization",
    "company": "organization",
    "publicbody": "organization",
    "vessel": "vessel",
    "airplane": "aircraft",
    "aircraft": "aircraft",
    "legalentity": None,
    "thing": None,
}


class EntityExample(BaseModel):
    """A query entity, in FollowTheMoney form (yente EntityExample)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., examples=["Person"], alias="schema")
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984-01-08"]}]
    )


class EntityMatchQuery(BaseModel):
    """The /match request body (yente EntityMatchQuery)."""

    weights: dict[str, float] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    features: dict[str, float]
    match: bool = False
    explanations: dict[str, Any] = Field(
        default_factory=dict, description="scrutiny: why the score is what it is"
    )


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


def _values(props: dict[str, str | list[Any]], name: str) -> list[str]:
    raw = props.get(name)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def example_queries(example: EntityExample) -> list[ScreenQuery]:
    """One scrutiny Query per name of a yente query entity (the other facts shared)."""
    props = example.properties
    key = example.schema_.strip().lower()
    if key not in _SCHEMAS:
        raise QueryError(
            f"unknown schema {example.schema_!r}: expected Person, Organization, Company, "
            "LegalEntity, Vessel or Airplane"
        )
    schema = _SCHEMAS[key]
    names = [n for p in NAME_PROPS for n in _values(props, p)]
    parts = [" ".join(_values(props, p)) for p in NAME_PART_PROPS]
    combined = " ".join(p for p in parts if p)
    if combined:
        names.append(combined)
    births = _values(props, "birthDate")
    countries = [c for p in COUNTRY_PROPS for c in _values(props, p)]
    genders = _values(props, "gender")
    identifiers = list(dict.fromkeys(v for p in ID_PROPS for v in _values(props, p)))
    if not names and not identifiers:
        raise QueryError("query has no 'name' (or name parts) and no identifier to match on")
    return [
        ScreenQuery(
            name=name,
            schema=schema,
            birth_date=births[0][:10] if births else None,
            countries=tuple(countries),
            gender=genders[0] if genders else None,
            identifiers=tuple(identifiers),
        )
        for name in (dict.fromkeys(names) or [""])
    ]


def _features(hit: Hit) -> dict[str, float]:
    contributions = hit.explanation.get("contributions") or {}
    return {str(k): float(v) for k, v in contributions.items()}


def _result(service: Service, hit: Hit, threshold: float) -> ScoredEntityResponse:
    entity = service.entity(hit.entity_id)
    record = to_ftm(entity)[0] if entity is not None else None
    properties = record["properties"] if record else {"name": [hit.name]}
    return ScoredEntityResponse(
        id=hit.entity_id,
        caption=hit.name,
        schema=record["schema"] if record else "LegalEntity",
        properties=properties,
        datasets=[hit.list_id],
        referents=[record["id"]] if record else [],
        target=True,
        score=round(hit.score, 4),
        features=_features(hit),
        match=hit.score >= threshold,
        explanations=hit.explanation,
    )


def _dataset_lists(service: Service, dataset: str) -> set[str] | None:
    if dataset in ALL_DATASETS:
        return None
    known = set(service.list_versions())
    if dataset not in known:
        raise HTTPException(404, f"dataset {dataset!r} not found: expected one of {sorted(known)}")
    return {dataset}


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    summary="Match entities (yente-compatible)",
)
def match(
    request: Request,
    dataset: str,
    body: EntityMatchQuery,
    _key: Annotated[ApiKey, Depends(screener)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    algorithm: Annotated[str, Query()] = "best",
    include_dataset: Annotated[list[str] | None, Query()] = None,
    exclude_dataset: Annotated[list[str] | None, Query()] = None,
    topics: Annotated[list[str] | None, Query()] = None,
    exclude_entity_ids: Annotated[list[str] | None, Query()] = None,
    exclude_schema: Annotated[list[str] | None, Query()] = None,
) -> EntityMatchResponse:
    """Match query entities against the lists; same request and response shape as yente.

    `threshold` sets `match` (default: scrutiny's alert threshold); results below `cutoff`
    are left out. Every loaded list is sanctions data, so `topics` that exclude "sanction"
    return no results.
    """
    service: Service = request.app.state.service
    if algorithm not in ALGORITHMS:
        raise HTTPException(422, f"unknown algorithm {algorithm!r}: expected one of {ALGORITHMS}")
    if len(body.queries) > service.config.max_batch:
        raise HTTPException(422, f"at most {service.config.max_batch} queries per request")
    wanted = _dataset_lists(service, dataset)
    if include_dataset:
        wanted = set(include_dataset) if wanted is None else wanted & set(include_dataset)
    excluded = set(exclude_dataset or ()) | set(exclude_entity_ids or ())
    skip_schemas = {s.lower() for s in exclude_schema or ()}
    no_topic = bool(topics) and not any(t.startswith("sanction") for t in topics or ())
    matcher = service.matcher()
    alert_threshold = matcher.threshold if threshold is None else threshold
    responses: dict[str, EntityMatches] = {}
    for name, example in body.queries.items():
        best: dict[str, Hit] = {}
        if not no_topic:
            for query in example_queries(example):
                # Ask for more than `limit`: dataset and id filters apply after screening.
                for hit in matcher.screen(query, threshold=cutoff, limit=limit * 4 + 20):
                    if hit.entity_id in excluded or hit.list_id in excluded:
                        continue
                    if wanted is not None and hit.list_id not in wanted:
                        continue
                    if hit.entity_id not in best or best[hit.entity_id].score < hit.score:
                        best[hit.entity_id] = hit
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.entity_id))
        results = [_result(service, h, alert_threshold) for h in ranked]
        if skip_schemas:
            results = [r for r in results if r.schema_.lower() not in skip_schemas]
        responses[name] = EntityMatches(
            results=results[:limit],
            total=TotalSpec(value=len(results)),
            query=example,
        )
    return EntityMatchResponse(responses=responses, matcher=feature_docs(service), limit=limit)


def feature_docs(service: Service) -> dict[str, FeatureDoc]:
    """The model's features and weights, in yente's FeatureDocs shape."""
    model = service.matcher().model
    return {
        name: FeatureDoc(
            description=f"scrutiny feature {name}",
            coefficient=round(weight, 4),
            url=f"/docs#feature-{name}",
        )
        for name, weight in zip(FEATURES, model.weights, strict=False)
    }


__all__ = ["EntityExample", "EntityMatchQuery", "EntityMatchResponse", "example_queries", "router"]
