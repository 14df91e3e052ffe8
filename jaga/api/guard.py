"""The API's front door: what is checked before a request body is read.

A body is only read once the request may be served: the API key is verified from the headers first
(a 300 MB body without a key would otherwise be buffered before the 401), and the body is counted as it
arrives and cut off at a limit per endpoint (413), whether or not the client declared its length
(``Content-Length`` or chunked). It sits in front of everything, the decision fast path included.

Paths that need no key (health, the OpenAPI pages, the one-click unsubscribe) still get the limit.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from jaga.api.auth import Unauthenticated
from jaga.api.deps import ApiState
from jaga.api.fast import ASGIApp, Message, Receive, Send, bearer, own_path

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PUBLIC = ("/healthz", "/docs", "/redoc", "/openapi.json", "/v1/unsubscribe/")
_BULK = ("/v1/requests/batches", "/v1/decide/batch", "/v1/ledger/events/batch", "/v1/policies/ingest")
"""Endpoints that take many records at once (up to 200,000 subjects a decision batch); the rest get the
small JSON limit."""


class BodyTooLarge(StarletteHTTPException):
    """The request body passed its endpoint's limit (HTTP 413); an HTTP exception so that FastAPI's
    body parser lets it through instead of calling it a bad body."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")
        self.limit = limit


@dataclass(frozen=True)
class BodyLimits:
    """Largest body per kind of endpoint, in bytes (from ``JAGA_MAX_BODY_BYTES`` / ``JAGA_MAX_UPLOAD_BYTES``)."""

    json: int
    bulk: int

    def for_path(self, path: str) -> int:
        return self.bulk if path in _BULK else self.json


def _needs_key(method: str, path: str) -> bool:
    return method in _BODY_METHODS and not any(path == p or path.startswith(p) for p in _PUBLIC)


def _declared_length(scope: MutableMapping[str, Any]) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _error(status: int, message: str, hint: str | None, headers: dict[str, str] | None = None) -> JSONResponse:
    """The API's error shape (as :func:`jaga.api.app.status_for` answers a :class:`JagaError`)."""
    return JSONResponse({"error": message, "where": None, "hint": hint}, status_code=status, headers=headers)


def too_large(limit: int) -> JSONResponse:
    return _error(413, f"the request body is larger than {limit:,} bytes", "send less at once, or split the batch")


async def on_too_large(request: Request, exc: Exception) -> JSONResponse:
    """Exception handler: a body cut off while an endpoint was reading it."""
    assert isinstance(exc, BodyTooLarge)
    return too_large(exc.limit)


def guard(app: ASGIApp, state: Callable[[], ApiState], limits: BodyLimits) -> ASGIApp:
    """``app`` behind the checks above."""

    async def handle(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = own_path(scope)
        limit = limits.for_path(path)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await too_large(limit)(scope, receive, send)
            return
        if _needs_key(scope["method"], path):
            raw = bearer(scope)
            api = state()
            if api.known_caller(raw) is None:
                try:
                    await run_in_threadpool(api.verify_caller, raw)
                except Unauthenticated as exc:
                    await _error(401, exc.message, exc.hint, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
            await too_large(limit)(scope, receive, send)

    return handle
