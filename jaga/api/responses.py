"""The error answers a route can give, for its OpenAPI ``responses=``: the schema must list every 4xx the
API really sends (clients and the schemathesis fuzz test rely on it), in the one shape
:func:`jaga.api.app._jaga_error` writes."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

_WHY = {
    400: "The request could not be read",
    401: "No usable API key (missing, malformed, unknown or revoked)",
    403: "The key's role may not do this",
    404: "Not found in the caller's tenant",
    409: "The request conflicts with the current state",
    413: "The request body is too large",
    422: "The request is not valid",
    503: "The server is not configured for this (no policy or data map for the tenant)",
}


class ErrorOut(BaseModel):
    """What every refused request answers: one message, where the problem is, and what to do."""

    error: str
    where: str | None = None
    hint: str | None = None


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that can answer ``codes``."""
    return {code: {"model": ErrorOut, "description": _WHY[code]} for code in codes}


COMMON = errors(400, 401, 403, 404, 413, 422, 503)
"""What any ``/v1`` route may answer besides success (no key, wrong role, not in the tenant, too large,
invalid, not configured); routers are included with these."""

SCHEMA_MISMATCH = "the request does not match the API schema"


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """A request the schema refuses, answered in the one error shape: where and what, never the value
    that was sent (FastAPI's default answer echoes the input, which may be someone's identity)."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    hint = str(first.get("msg", "see the OpenAPI schema at /docs"))
    return JSONResponse({"error": SCHEMA_MISMATCH, "where": where or None, "hint": hint}, status_code=422)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (an unreadable body, an unknown path, a wrong method) in the same
    shape as every other error, so the schema's one error model is true for all of them."""
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"error": str(exc.detail), "where": None, "hint": None}, status_code=exc.status_code, headers=exc.headers
    )
