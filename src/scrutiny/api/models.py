"""Request and response models of the HTTP API (pydantic). yente's own models are in yente.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 1000  # records per POST /screen/batch; documented in the OpenAPI description
MAX_LIMIT = 100


class ScreenRequest(BaseModel):
    """One party to screen, optionally recorded against your customer record id."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=1000, examples=["Kim Jong Un"])
    schema_: str | None = Field(
        None, alias="schema", description="person, organization, vessel, aircraft or any"
    )
    birth_date: str | None = Field(None, examples=["1984-01-08"], max_length=10)
    countries: list[str] = Field(default_factory=list, max_length=20, examples=[["KP"]])
    gender: str | None = Field(None, max_length=10)
    identifiers: list[str] = Field(default_factory=list, max_length=20)
    record_id: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="Your customer/counterparty id: stores the screening and raises alerts",
    )
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)

    def query_dict(self) -> dict[str, Any]:
        """The screened party as stored with the customer record (for monitoring)."""
        return {
            "name": self.name,
            "schema": self.schema_,
            "birth_date": self.birth_date,
            "countries": list(self.countries),
            "gender": self.gender,
            "identifiers": list(self.identifiers),
        }


class HitModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entity_id: str
    list_id: str = Field(..., alias="list")
    programs: list[str]
    name: str
    score: float
    explanation: dict[str, Any]
    alert_id: int | None = None
    suppressed: bool = False
    decision_id: int | None = Field(None, description="The false positive that suppresses it")


class ScreenResponse(BaseModel):
    query: dict[str, Any]
    threshold: float
    engine_version: str
    list_versions: dict[str, dict[str, Any]]
    hits: list[HitModel]
    screening_id: int | None = None


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[ScreenRequest] = Field(..., min_length=1, max_length=MAX_BATCH)


class BatchItem(BaseModel):
    index: int
    status: int = 200
    result: ScreenResponse | None = None
    error: str | None = None


class BatchResponse(BaseModel):
    results: list[BatchItem]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(..., pattern="^(true_match|false_positive|escalate)$")
    reason: str = Field(..., min_length=1, max_length=4000)
    expected_version: int = Field(
        ...,
        ge=1,
        le=2**31 - 1,
        description="The alert version you looked at (optimistic concurrency)",
    )
    expires_at: datetime | None = Field(None, description="False positives: when to re-raise")


class SearchResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    entity_id: str
    list_id: str = Field(..., alias="list")
    name: str
    programs: list[str]
    score: float


class SearchResponse(BaseModel):
    query: str
    total: int
    results: list[SearchResult]


class MonitorRunResponse(BaseModel):
    lists: list[dict[str, Any]]
    records_screened: int
    alerts_raised: int
    seconds: float


class ErrorResponse(BaseModel):
    detail: Any


__all__ = [
    "MAX_BATCH",
    "MAX_LIMIT",
    "BatchItem",
    "BatchRequest",
    "BatchResponse",
    "DecisionRequest",
    "ErrorResponse",
    "HitModel",
    "MonitorRunResponse",
    "ScreenRequest",
    "ScreenResponse",
    "SearchResponse",
    "SearchResult",
]
