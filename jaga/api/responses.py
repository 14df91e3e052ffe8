"""The error answers a route can give, for its OpenAPI ``responses=``: the schema must list every 4xx the
API really sends (clients and the schemathesis fuzz test rely on it), in the one shape
:func:`jaga.api.app._jaga_error` writes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

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
