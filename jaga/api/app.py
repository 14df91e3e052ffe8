"""The HTTP API: ``create_app`` builds a FastAPI app over jaga's store; OpenAPI lives at ``/docs``.

The app holds no domain logic: routers call the domain modules and :mod:`jaga.errors` become 4xx
answers with one clear message (404 not found, 401 no key, 403 not allowed, 422 bad input, 503 server
configuration). Nothing here logs request bodies, which may hold identities.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from jaga import __version__
from jaga.api import audit, datamap, decide, keys, ledger, requests
from jaga.api.auth import Unauthenticated
from jaga.api.deps import ApiState
from jaga.api.fast import Receive, Send, fast_decide
from jaga.api.guard import BodyLimits, BodyTooLarge, guard, on_too_large
from jaga.api.policies import router as ingest_router
from jaga.api.responses import COMMON, http_error, validation_error
from jaga.decide import AuditMode
from jaga.errors import ConfigError, JagaError, NotFoundError, PermissionDenied
from jaga.policy import Policy, load_policy
from jaga.requests.handlers import Company
from jaga.settings import get_settings
from jaga.store import make_engine

_STATUS: tuple[tuple[type[JagaError], int], ...] = (
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (NotFoundError, 404),
    (ConfigError, 503),
)


def status_for(exc: JagaError) -> int:
    """The HTTP status for a user error (most specific class first; anything else is 422)."""
    return next((code for cls, code in _STATUS if isinstance(exc, cls)), 422)


async def _jaga_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JagaError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"error": exc.message, "where": exc.where, "hint": exc.hint}, status_code=status, headers=headers
    )


class _App(FastAPI):
    """FastAPI with the decision endpoint's fast path in front (see :mod:`jaga.api.fast`), and in front of
    both the checks made before a body is read (:mod:`jaga.api.guard`) and, when given, the ``Host`` check."""

    _fast: Any = None
    body_limits: BodyLimits = BodyLimits(json=1024 * 1024, bulk=32 * 1024 * 1024)
    allowed_hosts: Sequence[str] | None = None

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if self._fast is None:
            state = lambda: cast(ApiState, self.state.jaga)  # noqa: E731
            front = guard(fast_decide(super().__call__, state), state, self.body_limits)
            if self.allowed_hosts is not None:
                front = TrustedHostMiddleware(front, allowed_hosts=list(self.allowed_hosts), www_redirect=False)
            self._fast = front
        await self._fast(scope, receive, send)


def create_app(
    engine: Engine | None = None,
    policy: Policy | None = None,
    *,
    policies: Mapping[str, Policy] | None = None,
    audit_mode: AuditMode | str = AuditMode.denials,
    company: Company | None = None,
    companies: Mapping[str, Company] | None = None,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """An app over ``engine`` (default: the configured store, already migrated).

    ``policy`` serves every tenant; ``policies`` maps tenant slugs to their own policy and wins over it.
    ``company`` and ``companies`` say, the same way, where the data map and databases are for running
    data-subject requests (without one, those endpoints answer 503). ``allowed_hosts`` refuses requests
    naming any other ``Host`` (``jaga serve``; None when the caller checks it, as the web app does).
    Body limits come from the settings.
    """
    app = _App(
        title="jaga",
        version=__version__,
        description="Privacy policy as code: consent ledger, decisions, audit (UU PDP and GDPR).",
    )
    settings = get_settings()
    app.body_limits = BodyLimits(json=settings.max_body_bytes, bulk=settings.max_upload_bytes)
    app.allowed_hosts = allowed_hosts
    bind = engine or make_engine()
    app.state.jaga = ApiState(
        sessions=sessionmaker(bind, expire_on_commit=False),
        policies=dict(policies or {}),
        default_policy=policy,
        audit_mode=AuditMode(audit_mode),
        # a read of an in-process SQLite file is cheaper than a hop to a thread; a decision that may be
        # audited can wait on SQLite's write lock, which must never stall the event loop
        inline_decisions=bind.dialect.name == "sqlite" and AuditMode(audit_mode) == AuditMode.off,
        companies=dict(companies or {}),
        default_company=company,
        store_url=bind.url.render_as_string(hide_password=False),
    )
    app.add_exception_handler(JagaError, _jaga_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(BodyTooLarge, on_too_large)
    for router in (
        ledger.router,
        decide.router,
        audit.router,
        keys.router,
        requests.router,
        datamap.router,
        ingest_router,
    ):
        app.include_router(router, responses=COMMON)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


SERVE_POLICY = "JAGA_SERVE_POLICY"
SERVE_AUDIT = "JAGA_SERVE_AUDIT"
SERVE_MAPS = "JAGA_SERVE_MAPS"
SERVE_HOSTS = "JAGA_SERVE_HOSTS"


def served_hosts(bind: str) -> list[str]:
    """The ``Host`` names ``jaga serve`` answers: the settings' (public URL, ``JAGA_TRUSTED_HOSTS``) and the
    address it is bound to, unless that is a wildcard (which names no host)."""
    extra = [] if bind in ("0.0.0.0", "::", "") else [bind]
    return list(dict.fromkeys([*get_settings().allowed_hosts(), *extra]))


def served_company(policy: Path | None, maps: Sequence[Path]) -> Company | None:
    """Where ``jaga serve``'s tenants run data-subject requests: the policy and data map given on the
    command line, databases from the environment (``JAGA_DB_<DATASET>_URL``), exports in the data dir."""
    if policy is None or not maps:
        return None
    return Company(
        tenant="*",
        policy_path=policy.resolve(),
        datamap_paths=[p.resolve() for p in maps],
        export_dir=get_settings().data_dir / "exports",
    )


def served_app() -> FastAPI:
    """The app of one ``jaga serve --workers N`` process.

    uvicorn starts each worker by importing this factory, so the policy path and audit mode travel in
    the environment; each worker opens its own store connections and keeps its own decision cache,
    kept fresh by the audit chain like any other reader.
    """
    path = os.environ.get(SERVE_POLICY)
    maps = [Path(p) for p in os.environ.get(SERVE_MAPS, "").split(os.pathsep) if p]
    return create_app(
        make_engine(),
        load_policy(path) if path else None,
        audit_mode=os.environ.get(SERVE_AUDIT, "denials"),
        company=served_company(Path(path) if path else None, maps),
        allowed_hosts=[h for h in os.environ.get(SERVE_HOSTS, "").split(",") if h] or served_hosts(""),
    )
