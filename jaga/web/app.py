"""The one web app: the privacy centre at ``/``, the staff console at ``/console``, the JSON API at ``/api``.

Composed here, not in each part, so that every page shares one set of safety measures (the middleware and
error pages of :mod:`jaga.web._common`) and one view of the tenant, and ``jaga up`` serves everything
on a single port.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.middleware.trustedhost import TrustedHostMiddleware

from jaga import __version__
from jaga.policy import Policy
from jaga.requests.handlers import Company, hooks_for
from jaga.requests.lifecycle import Hooks
from jaga.settings import get_settings
from jaga.store import ensure_tenant, make_engine, tenant_secret
from jaga.web._common import STATIC_DIR, Links, RateLimiter, WebConfig, WebMiddleware, WebState, install_error_handlers
from jaga.web.centre import router as centre_router


def _console_router() -> APIRouter | None:
    """The console's router if the console package is there (it is built alongside; absent is fine)."""
    try:
        module = importlib.import_module("jaga.web.console")
    except ModuleNotFoundError:
        return None
    factory = getattr(module, "console_router", None)
    router = factory() if callable(factory) else getattr(module, "router", None)
    return router if isinstance(router, APIRouter) else None


def create_web_app(
    engine: Engine | None = None,
    policy: Policy | None = None,
    *,
    tenant: str = "demo",
    company: Company | None = None,
    hooks: Hooks | None = None,
    config: WebConfig | None = None,
    data_dir: Path | None = None,
    mount_api: bool = True,
    mount_console: bool = True,
    extras: Mapping[str, Any] | None = None,
) -> FastAPI:
    """The privacy centre, console and API for one ``tenant`` over ``engine`` (default: the settings' store).

    ``company`` says where the tenant's policy, data map and databases are; from it come the policy (unless
    given) and the handlers that carry out rights right after verification (unless ``hooks`` is given).
    Without either, requests are recorded and verified but carried out by staff in the console.
    ``config`` defaults to the settings' (``JAGA_PUBLIC_URL``, trusted hosts and proxies, secure cookies).
    """
    engine = engine or make_engine()
    settings = get_settings()
    cfg = config or WebConfig.from_settings(settings)
    hosts = cfg.allowed_hosts()  # a bad public URL or proxy list stops here, with what to set
    cfg.proxy_networks  # noqa: B018
    if policy is None and company is not None:
        policy = company.policy()
    if hooks is None and company is not None:
        hooks = hooks_for(company)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        tenant_id = ensure_tenant(session, tenant).id
    app = FastAPI(title="jaga", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(
        sessions=sessions,
        tenant_id=tenant_id,
        tenant_slug=tenant,
        config=cfg,
        limiter=RateLimiter(cfg),
        links=Links(tenant_secret(tenant_id, "web-links"), cfg.link_max_age),
        data_dir=Path(data_dir or settings.data_dir),
        policy=policy,
        extras={"company": company, "hooks": hooks, **(extras or {})},
    )
    app.add_middleware(WebMiddleware)
    # outermost: a request naming another host is refused before anything runs (no redirect built from it)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(centre_router)
    console = _console_router() if mount_console else None
    if console is not None:
        app.include_router(console, prefix="/console")
    if mount_api:
        from jaga.api import create_app

        app.mount("/api", create_app(engine, policy, companies={tenant: company} if company else None))
    return app
