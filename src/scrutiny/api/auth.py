"""API key authentication, roles and per-key rate limits, as FastAPI dependencies.

A key is sent as `Authorization: Bearer <key>` (or `ApiKey <key>`, as yente clients do)
or `X-API-Key: <key>` (OpenRefine, which
cannot set headers, may pass `?api_key=`). Lookups are cached per process for
`KEY_CACHE_SECONDS`, so a revoked key stops working within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from scrutiny.store import keys
from scrutiny.store.keys import ApiKey, Role

if TYPE_CHECKING:
    from scrutiny.api.app import Service

KEY_CACHE_SECONDS = 60.0


class KeyCache:
    """Key hash -> (ApiKey or None, time looked up); saves a database read per request."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[ApiKey | None, float]] = {}
        self._lock = threading.Lock()

    def cached(self, plain: str) -> tuple[bool, ApiKey | None]:
        """(found in the cache and fresh, the key or None); no database access."""
        cached = self._entries.get(keys.hash_key(plain))
        if cached is not None and time.monotonic() - cached[1] < KEY_CACHE_SECONDS:
            return True, cached[0]
        return False, None

    def lookup(self, service: Service, plain: str) -> ApiKey | None:
        """The key from the cache, or read from the store (blocking) and cached."""
        fresh, found = self.cached(plain)
        if fresh:
            return found
        digest = keys.hash_key(plain)
        now = time.monotonic()
        with service.store.transaction() as conn:
            found = keys.lookup_key(conn, plain)
        with self._lock:
            if len(self._entries) > 10_000:  # unbounded growth from random bad keys
                self._entries.clear()
            self._entries[digest] = (found, now)
        return found


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    # "ApiKey" is the scheme yente / the OpenSanctions API clients send.
    if scheme.lower() in ("bearer", "apikey") and value.strip():
        return value.strip()
    if request.headers.get("x-api-key"):
        return request.headers["x-api-key"].strip()
    if request.url.path.startswith("/reconcile"):
        return request.query_params.get("api_key")
    return None


def require(role: Role) -> Callable[[Request], Awaitable[ApiKey]]:
    """A dependency: the caller's key, which must allow `role` (401/403/429 otherwise).

    Async so that the usual case (key cached, token available) costs no threadpool hop;
    only a cache miss reads the store, in the threadpool.
    """

    async def dependency(request: Request) -> ApiKey:
        service: Service = request.app.state.service
        plain = _presented_key(request)
        if not plain:
            raise HTTPException(
                401,
                "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        fresh, key = service.key_cache.cached(plain)
        if not fresh:
            key = await run_in_threadpool(service.key_cache.lookup, service, plain)
        if key is None:
            raise HTTPException(
                401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
            )
        if not key.role.allows(role):
            raise HTTPException(
                403, f"this key has role {key.role}; this operation needs role {role}"
            )
        allowed, wait = service.rate_limiter.allow(str(key.id))
        if not allowed:
            raise HTTPException(
                429,
                f"rate limit of {service.config.rate_limit:g} requests/s exceeded for this key",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        return key

    return dependency


screener = require(Role.SCREENER)
analyst = require(Role.ANALYST)
admin = require(Role.ADMIN)

__all__ = ["KeyCache", "admin", "analyst", "require", "screener"]
