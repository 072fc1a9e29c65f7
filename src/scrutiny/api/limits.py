"""Request limits: body size (413), per-key token buckets (429), in-flight cap (503).

Hand-written rather than a library: the token bucket is a dozen lines, and the two ASGI
middlewares must answer before FastAPI reads the body, which rate-limit libraries do not do.
Rate limits across workers: each of N workers (`scrutiny serve --workers N` tells them N)
keeps its own buckets at 1/N of the key's rate and burst, so a key never gets more than its
rate in total. A shared bucket (a row per key in the store) would be exact for a client that
sticks to one worker over one keep-alive connection, which now gets only rate/N, but it
would put a database write on every request: on SQLite every screening would queue behind
decision writes on the single writer lock, and the write would cost more than the screening.
Clients that need the full rate should spread requests over a few connections.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """One token bucket per key: `rate` requests per second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate * 2)
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, cost: float = 1.0) -> tuple[bool, float]:
        """(allowed, seconds until a token is available when not)."""
        if self.rate <= 0:
            return True, 0.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                return True, 0.0
            return False, (cost - bucket.tokens) / self.rate


async def _respond(send: Send, status: int, detail: str, headers: dict[str, str]) -> None:
    body = orjson.dumps({"detail": detail})
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """413 for request bodies over `max_bytes` (declared length or counted while streaming)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"request body larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await _respond(send, 413, detail, {})
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await _respond(send, 413, detail, {})


class InFlightLimit:
    """503 at once when more than `max_in_flight` requests are being served (load shedding).

    Under overload it is better to refuse quickly than to queue until every request is late.
    """

    def __init__(self, app: ASGIApp, max_in_flight: int, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.exempt = exempt
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            await _respond(send, 503, "server busy, retry shortly", {"retry-after": "1"})
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


__all__ = ["BodySizeLimit", "InFlightLimit", "RateLimiter"]
