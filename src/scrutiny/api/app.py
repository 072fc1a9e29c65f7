"""The screening service: FastAPI app with thin routes over matching, the store and monitoring.

`create_app()` builds the app; `scrutiny serve` runs it on uvicorn. Every route except
/healthz and the OpenAPI docs needs an API key (see auth.py). Limits (body size, batch size,
per-key rate, requests in flight) come from `ServiceConfig`, read from SCRUTINY_* variables.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pathlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from scrutiny import __version__
from scrutiny.api import reconcile, yente
from scrutiny.api.auth import KeyCache, admin, analyst, screener
from scrutiny.api.limits import BodySizeLimit, InFlightLimit, RateLimiter
from scrutiny.api.models import (
    MAX_BATCH,
    BatchRequest,
    BatchResponse,
    DecisionRequest,
    MonitorRunResponse,
    ScreenRequest,
    ScreenResponse,
    SearchResponse,
    SearchResult,
)
from scrutiny.errors import QueryError, ScrutinyError, StoreError
from scrutiny.match import Matcher
from scrutiny.match import Query as ScreenQuery
from scrutiny.model import Entity, to_dict
from scrutiny.network.exposure import exposure_for
from scrutiny.network.graph import ExposureGraph, UnknownPartyError
from scrutiny.payments.message import PaymentParseError
from scrutiny.screening import payments
from scrutiny.screening.names import NoListsLoadedError
from scrutiny.screening.payments import PaymentScreener
from scrutiny.store import EntityNotFoundError, Store, alerts, audit, connect
from scrutiny.store.alerts import (
    AlertNotFoundError,
    DecisionConflictError,
    DecisionError,
    ScreeningContext,
)
from scrutiny.store.graph import DEFAULT_GRAPH, GraphNotFoundError, list_graphs
from scrutiny.store.keys import ApiKey

log = logging.getLogger("scrutiny.api")
ENTITY_CACHE = 20_000


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(f"SCRUTINY_{name}")
    return float(value) if value else default


@dataclass(frozen=True)
class ServiceConfig:
    """Service limits; defaults overridable by SCRUTINY_* environment variables."""

    max_body_bytes: int = 2_000_000
    max_batch: int = MAX_BATCH
    rate_limit: float = 200.0  # requests per second per key, across all workers
    rate_burst: float = 400.0
    workers: int = 1  # worker processes sharing the rate limit (set by `scrutiny serve`)
    max_in_flight: int = 64
    max_payment_bytes: int = 100_000  # one MT or ISO 20022 message per POST /screen/payment

    @classmethod
    def from_env(cls) -> ServiceConfig:
        return cls(
            max_body_bytes=int(_env_number("MAX_BODY_BYTES", cls.max_body_bytes)),
            max_batch=int(_env_number("MAX_BATCH", cls.max_batch)),
            rate_limit=_env_number("RATE_LIMIT", cls.rate_limit),
            rate_burst=_env_number("RATE_BURST", cls.rate_burst),
            max_in_flight=int(_env_number("MAX_IN_FLIGHT", cls.max_in_flight)),
            workers=max(1, int(_env_number("WORKERS", cls.workers))),
            max_payment_bytes=int(_env_number("MAX_PAYMENT_BYTES", cls.max_payment_bytes)),
        )


class FastJSON(JSONResponse):
    """JSON encoded by orjson from plain data (no pydantic pass over the response)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


_engine_versions: dict[int, tuple[Matcher, str]] = {}


def engine_version(matcher: Matcher) -> str:
    """scrutiny's version plus a digest of the score model, so a refit shows in the audit.

    Cached per matcher: hashing the model's repr on every request cost more than a lookup.
    """
    cached = _engine_versions.get(id(matcher))
    if cached is not None and cached[0] is matcher:
        return cached[1]
    version = _engine_version(matcher)
    _engine_versions.clear()  # one matcher in use at a time; keep no stale ones alive
    _engine_versions[id(matcher)] = (matcher, version)
    return version


def _engine_version(matcher: Matcher) -> str:
    model = matcher.model
    # The calibration map is part of the model: the same logit means another score under it.
    key = (model.bias, model.weights, model.threshold, model.calibration)
    digest = hashlib.sha256(repr(key).encode())
    return f"scrutiny-{__version__}+model-{digest.hexdigest()[:12]}"


class Service:
    """What the routes share: the store, the matcher, caches and limiters."""

    def __init__(
        self, store: Store, matcher: Matcher | None = None, config: ServiceConfig | None = None
    ) -> None:
        self.store = store
        self.config = config or ServiceConfig.from_env()
        self.key_cache = KeyCache()
        # Each of N workers enforces 1/N of the key's rate and burst, so a key never exceeds
        # its rate in total without a shared counter written on every request (limits.py).
        workers = self.config.workers
        self.rate_limiter = RateLimiter(
            self.config.rate_limit / workers, self.config.rate_burst / workers
        )
        self._matcher = matcher
        self._matcher_is_default = False
        self._payments: PaymentScreener | None = None
        self._versions: dict[str, dict[str, Any]] | None = None
        self._entities: OrderedDict[str, Entity] = OrderedDict()
        self._graphs: dict[str, tuple[datetime, ExposureGraph]] = {}
        self._lock = threading.Lock()

    def matcher(self) -> Matcher:
        """The matcher in use (built from the store's current lists on first use)."""
        if self._matcher is None:
            from scrutiny.screening.names import default_matcher

            with self._lock:
                if self._matcher is None:
                    self._matcher = default_matcher()
                    self._matcher_is_default = True
        return self._matcher

    def payment_screener(self) -> PaymentScreener:
        """The payment screener over the matcher in use (built once per matcher).

        Over the process-wide matcher this is payments' default screener, which also knows
        the configured crypto-address list; over a matcher handed in, a plain one.
        """
        matcher = self.matcher()
        with self._lock:
            if self._payments is None or self._payments.matcher is not matcher:
                self._payments = (
                    payments.default_screener()
                    if self._matcher_is_default
                    else PaymentScreener(matcher)
                )
            return self._payments

    def exposure_graph(self, name: str) -> ExposureGraph:
        """The exposure graph stored under `name`, loaded once per worker until it is re-saved."""
        saved = {info.name: info.saved_at for info in list_graphs(self.store)}
        if name not in saved:
            known = ", ".join(saved) or "none stored; run `scrutiny exposure build`"
            raise GraphNotFoundError(f"no exposure graph named {name!r} ({known})")
        cached = self._graphs.get(name)
        if cached is None or cached[0] != saved[name]:
            cached = (saved[name], ExposureGraph.from_store(self.store, name))
            self._graphs[name] = cached
        return cached[1]

    def set_matcher(self, matcher: Matcher) -> None:
        with self._lock:
            self._matcher = matcher
            self._matcher_is_default = False
            self._versions = None
            self._entities.clear()

    def list_versions(self) -> dict[str, dict[str, Any]]:
        """{list_id: {version, content_hash, publisher_date}} of the current lists (cached)."""
        if self._versions is None:
            self._versions = {
                v.list_id: {
                    "version": v.number,
                    "content_hash": v.content_hash,
                    "publisher_date": v.publisher_date,
                }
                for v in self.store.current_versions()
            }
        return self._versions

    def context(self, threshold: float | None = None) -> ScreeningContext:
        matcher = self.matcher()
        return ScreeningContext(
            threshold=matcher.threshold if threshold is None else threshold,
            engine_version=engine_version(matcher),
            list_versions=self.list_versions(),
        )

    def entity(self, entity_id: str) -> Entity | None:
        """The stored entity (newest version), cached; None if the store does not hold it."""
        with self._lock:
            found = self._entities.get(entity_id)
        if found is not None:
            return found
        try:
            found = self.store.get_entity(entity_id).entity
        except EntityNotFoundError:
            return None
        with self._lock:
            self._entities[entity_id] = found
            while len(self._entities) > ENTITY_CACHE:
                self._entities.popitem(last=False)
        return found

    def entity_schema(self, entity_id: str) -> str:
        entity = self.entity(entity_id)
        return str(entity.schema) if entity is not None else "LegalEntity"

    def ready(self) -> bool:
        """Whether the matcher and list versions are loaded (screening needs no I/O)."""
        return self._matcher is not None and self._versions is not None

    def screen(self, request: ScreenRequest, source: str = "api") -> dict[str, Any]:
        """Screen one party; with a record id, store it and raise alerts.

        Returns the ScreenResponse shape as plain JSON-ready data: building pydantic models
        for every hit and validating them again on the way out cost as much as matching.
        """
        query = ScreenQuery(
            name=request.name,
            schema=request.schema_,
            birth_date=request.birth_date,
            countries=tuple(request.countries),
            gender=request.gender,
            identifiers=tuple(request.identifiers),
        )
        context = self.context(request.threshold)
        hits = self.matcher().screen(query, threshold=context.threshold, limit=request.limit)
        models = [
            {**h.to_dict(), "alert_id": None, "suppressed": False, "decision_id": None}
            for h in hits
        ]
        screening_id = None
        if request.record_id is not None:
            with self.store.transaction(write=True) as conn:
                recorded = alerts.record_screening(
                    conn, request.record_id, request.query_dict(), hits, context, source=source
                )
            screening_id = recorded.id
            by_entity = {a.entity_id: a for a in recorded.alerts}
            for model in models:
                alert = by_entity.get(model["entity_id"])
                if alert is not None:
                    model["alert_id"] = alert.id
                    model["suppressed"] = alert.suppressed
                    model["decision_id"] = alert.suppressed_by
        return {
            "query": request.query_dict(),
            "threshold": context.threshold,
            "engine_version": context.engine_version,
            "list_versions": context.to_dict()["list_versions"],
            "hits": models,
            "screening_id": screening_id,
        }


def _kill_test_hold(alert_id: int) -> pathlib.Path | None:
    """Test-only hook of the kill test (off unless SCRUTINY_TEST_HOLD_DIR is set).

    When the test drops a file named `hold` in that folder, the first decision to claim it
    (an atomic rename, so exactly one worker wins) writes `inflight-<pid>-<alert id>` and
    sleeps inside its open transaction, so the test can SIGKILL a worker that is certainly
    mid-transaction. The marker is removed after commit.
    """
    folder = os.environ.get("SCRUTINY_TEST_HOLD_DIR")
    if not folder:
        return None
    marker = pathlib.Path(folder) / f"inflight-{os.getpid()}-{alert_id}"
    try:
        os.rename(pathlib.Path(folder) / "hold", marker)
    except FileNotFoundError:
        return None
    time.sleep(float(os.environ.get("SCRUTINY_TEST_HOLD_SECONDS", "10")))
    return marker


PAYMENT_MT_TYPES = ("text/plain", "application/x-swift-mt")
PAYMENT_XML_TYPES = ("application/xml", "text/xml")


def _screen_payment(service: Service, raw: bytes) -> payments.PaymentResult | PaymentParseError:
    try:
        return service.payment_screener().screen_raw(raw, source="body")
    except PaymentParseError as exc:
        return exc


def _unreadable_payment(where: str | None, problem: str) -> JSONResponse:
    """422 in the shape of the other validation errors, located at the field or element."""
    loc = ["body", where] if where else ["body"]
    return JSONResponse(
        {"detail": [{"loc": loc, "msg": problem, "type": "payment_message"}]}, status_code=422
    )


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    status_of: list[tuple[type[Exception], int]] = [
        (QueryError, 422),
        (DecisionError, 422),
        (DecisionConflictError, 409),
        (AlertNotFoundError, 404),
        (EntityNotFoundError, 404),
        (UnknownPartyError, 404),
        (GraphNotFoundError, 404),
        (NoListsLoadedError, 503),
    ]

    async def scrutiny_error(_request: Request, exc: Exception) -> JSONResponse:
        for cls, status in status_of:
            if isinstance(exc, cls):
                return _error(status, str(exc))
        if isinstance(exc, StoreError):
            log.error("store error: %s", exc)
            return _error(503, "the database is unavailable; retry shortly")
        return _error(400, str(exc))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the traceback for operators; the client only learns that it failed.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal server error")

    async def validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [
            {
                "loc": list(e.get("loc", ())),
                "msg": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": problems}, status_code=422)

    app.add_exception_handler(ScrutinyError, scrutiny_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(Exception, unexpected)


def create_app(
    store: Store | None = None,
    matcher: Matcher | None = None,
    config: ServiceConfig | None = None,
) -> FastAPI:
    """The HTTP app over `store` (default: the configured database) and `matcher`."""
    service = Service(store or connect(), matcher, config)
    app = FastAPI(
        title="scrutiny",
        version=__version__,
        description=(
            "Sanctions screening service. Send an API key as `Authorization: Bearer <key>`. "
            f"`POST /screen/batch` takes at most {service.config.max_batch} records; request "
            f"bodies are limited to {service.config.max_body_bytes} bytes; each key may make "
            f"{service.config.rate_limit:g} requests/s in total over all workers (429 beyond)."
        ),
    )
    app.state.service = service
    _install_error_handlers(app)
    app.include_router(yente.router)
    app.include_router(reconcile.router)
    _add_routes(app)
    app.add_middleware(BodySizeLimit, max_bytes=service.config.max_body_bytes)
    app.add_middleware(
        InFlightLimit, max_in_flight=service.config.max_in_flight, exempt=("/healthz",)
    )
    return app


async def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(_service)]
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Alert id")]
Screener = Annotated[ApiKey, Depends(screener)]
Analyst = Annotated[ApiKey, Depends(analyst)]
Admin = Annotated[ApiKey, Depends(admin)]


def _add_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["service"])
    def healthz(service: ServiceDep) -> dict[str, Any]:
        """Liveness and readiness: whether lists are loaded (no key needed)."""
        try:
            entities = len(service.matcher())
        except ScrutinyError as exc:
            return {"status": "no lists", "detail": str(exc)}
        return {"status": "ok", "entities": entities, "version": __version__}

    @app.post("/screen", response_model=ScreenResponse, tags=["screening"])
    async def screen(body: ScreenRequest, service: ServiceDep, _key: Screener) -> Response:
        """Screen one party; with `record_id`, the screening is stored and raises alerts."""
        # Matching alone is pure CPU of a millisecond or two: run it on the event loop
        # rather than pay a threadpool hop (the GIL serialises it anyway). Anything that
        # touches the database (recording, first load) goes to the threadpool.
        if body.record_id is None and service.ready():
            return FastJSON(service.screen(body))
        return FastJSON(await run_in_threadpool(service.screen, body))

    @app.post("/screen/batch", response_model=BatchResponse, tags=["screening"])
    def screen_batch(body: BatchRequest, service: ServiceDep, _key: Screener) -> Response:
        """Screen up to MAX_BATCH (1000) parties; a bad record fails alone (status 422)."""
        if len(body.records) > service.config.max_batch:
            raise HTTPException(422, f"at most {service.config.max_batch} records per batch")
        results: list[dict[str, Any]] = []
        for index, record in enumerate(body.records):
            try:
                result = service.screen(record, "batch")
                results.append({"index": index, "status": 200, "result": result, "error": None})
            except QueryError as exc:
                results.append({"index": index, "status": 422, "result": None, "error": str(exc)})
        return FastJSON({"results": results})

    @app.post(
        "/screen/payment",
        tags=["screening"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "One payment message: SWIFT MT as text/plain, ISO 20022 "
                "(pacs.008, pacs.009, pain.001) as application/xml.",
                "content": {
                    media: {"schema": {"type": "string"}}
                    for media in (*PAYMENT_MT_TYPES, *PAYMENT_XML_TYPES)
                },
            }
        },
    )
    async def screen_payment(request: Request, service: ServiceDep, _key: Screener) -> Any:
        """Screen one payment message: every party, agent, identifier and free-text line.

        `decision` is `hold` when anything reaches the alert threshold, else `pass`; each
        hit names its MT field or ISO element. A message that cannot be read is a 422
        naming the field or element.
        """
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in PAYMENT_MT_TYPES and media not in PAYMENT_XML_TYPES:
            accepted = ", ".join((*PAYMENT_MT_TYPES, *PAYMENT_XML_TYPES))
            raise HTTPException(415, f"content type {media or '(none)'!r}: expected {accepted}")
        limit = service.config.max_payment_bytes
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > limit:
                raise HTTPException(413, f"a payment message may be at most {limit} bytes")
        is_xml = raw.lstrip().startswith(b"<")
        if is_xml != (media in PAYMENT_XML_TYPES):
            expected = "ISO 20022 XML" if media in PAYMENT_XML_TYPES else "a SWIFT MT message"
            return _unreadable_payment(None, f"content type {media} but the body is not {expected}")
        result = await run_in_threadpool(_screen_payment, service, raw)
        if isinstance(result, PaymentParseError):
            return _unreadable_payment(result.where, result.problem)
        context = service.context()
        return FastJSON(
            {
                **result.to_dict(),
                "threshold": service.payment_screener().threshold,
                "engine_version": context.engine_version,
                "list_versions": context.to_dict()["list_versions"],
            }
        )

    @app.get("/search", response_model=SearchResponse, tags=["lists"])
    def search(
        service: ServiceDep,
        _key: Screener,
        q: Annotated[str, Query(min_length=1, max_length=300)],
        list_id: Annotated[str | None, Query(alias="list")] = None,
        program: str | None = None,
        schema: str | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> SearchResponse:
        """Free-text lookup of list entities by name, filtered by list, program and type."""
        hits = service.matcher().screen(
            ScreenQuery(q, schema=schema), threshold=0.0, limit=limit * 5 + 20
        )
        chosen = [
            h
            for h in hits
            if (list_id is None or h.list_id == list_id)
            and (program is None or program in h.programs)
        ]
        results = [
            SearchResult.model_validate(
                {
                    "entity_id": h.entity_id,
                    "list": h.list_id,
                    "name": h.name,
                    "programs": list(h.programs),
                    "score": round(h.score, 4),
                }
            )
            for h in chosen[:limit]
        ]
        return SearchResponse(query=q, total=len(chosen), results=results)

    @app.get("/entities/{entity_id}", tags=["lists"])
    def entity(entity_id: str, service: ServiceDep, _key: Screener) -> dict[str, Any]:
        """An entity with provenance, links and every list version it appears in."""
        history = service.store.get_entity(entity_id)
        return {
            "entity": to_dict(history.entity),
            "provenance": to_dict(history.entity)["provenance"],
            "links": [dataclasses.asdict(link) for link in history.entity.links],
            "versions": [
                {"list_id": v.list_id, "version": v.number, "publisher_date": v.publisher_date}
                for v in history.versions
            ],
        }

    @app.get("/exposure/{entity_id}", tags=["exposure"])
    def exposure(
        entity_id: str,
        service: ServiceDep,
        _key: Analyst,
        hops: Annotated[int, Query(ge=1, le=6)] = 3,
        as_of: date | None = None,
        graph: Annotated[str, Query(max_length=64)] = DEFAULT_GRAPH,
    ) -> dict[str, Any]:
        """A party's exposure: paths to designated parties within `hops`, its OFAC 50% rule
        status on `as_of` with the ownership paths, and its direct relations."""
        return exposure_for(
            entity_id, service.exposure_graph(graph), hops=hops, as_of=as_of, graph_name=graph
        )

    @app.get("/lists", tags=["lists"])
    def lists(service: ServiceDep, _key: Screener) -> dict[str, Any]:
        """Current version of every list, with counts."""
        return {"lists": [v.to_dict() for v in service.store.current_versions()]}

    @app.post("/lists/refresh", tags=["lists"])
    def refresh(service: ServiceDep, _key: Admin) -> dict[str, Any]:
        """Load new list versions from the configured folder and rebuild the matcher."""
        from scrutiny.monitor.rescreen import refresh_lists

        report = refresh_lists(service.store)
        from scrutiny.screening.names import matcher_from_store

        service.set_matcher(matcher_from_store())
        return report

    @app.get("/alerts", tags=["alerts"])
    def list_alerts(
        service: ServiceDep,
        _key: Analyst,
        status: Annotated[
            str | None,
            Query(pattern="^(open|suppressed|true_match|false_positive|escalated)$"),
        ] = None,
        record_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> dict[str, Any]:
        """Alerts, newest first."""
        with service.store.transaction() as conn:
            found = alerts.list_alerts(
                conn, status=status, record_id=record_id, limit=limit, offset=offset
            )
        return {"alerts": [a.to_dict() for a in found]}

    @app.get("/alerts/{alert_id}", tags=["alerts"])
    def get_alert(alert_id: AlertId, service: ServiceDep, _key: Analyst) -> dict[str, Any]:
        """One alert with its decisions."""
        with service.store.transaction() as conn:
            alert = alerts.get_alert(conn, alert_id)
            decided = alerts.alert_decisions(conn, alert_id)
        return {**alert.to_dict(), "decisions": [d.to_dict() for d in decided]}

    @app.post("/alerts/{alert_id}/decisions", status_code=201, tags=["alerts"])
    def decide(
        alert_id: AlertId, body: DecisionRequest, service: ServiceDep, key: Analyst
    ) -> dict[str, Any]:
        """Record a decision; 409 if the alert changed since `expected_version`."""
        with service.store.transaction(write=True) as conn:
            decision = alerts.decide(
                conn,
                alert_id,
                expected_version=body.expected_version,
                decision=body.decision,
                reason=body.reason,
                analyst=key.label or f"key-{key.id}",
                expires_at=body.expires_at,
            )
            marker = _kill_test_hold(alert_id)
        if marker is not None:
            marker.unlink()  # committed: no longer in flight
        return decision.to_dict()

    @app.get("/audit/verify", tags=["alerts"])
    def verify(service: ServiceDep, _key: Admin) -> dict[str, Any]:
        """Check the audit chain; names the first broken entry."""
        with service.store.transaction() as conn:
            report = audit.verify_chain(conn)
        return {"ok": report.ok, "checked": report.checked, "first_broken": report.first_broken}

    @app.post("/monitor/run", response_model=MonitorRunResponse, tags=["monitoring"])
    def monitor_run(service: ServiceDep, _key: Admin) -> MonitorRunResponse:
        """Re-screen stored records against every list delta not yet monitored."""
        from scrutiny.monitor.rescreen import run_monitor

        report = run_monitor(service.store, service.context())
        return MonitorRunResponse(**report.to_dict())


__all__ = ["Service", "ServiceConfig", "create_app", "engine_version"]
