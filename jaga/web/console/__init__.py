"""The staff admin console at ``/console``: sign-in, the request queue, a request's page with its plan
and actions, a person's consent history, the audit chain status, staff accounts and API keys.

A thin shell over :mod:`jaga.staff`, :mod:`jaga.requests`, :mod:`jaga.ledger` and :mod:`jaga.audit`;
the shared safety measures (CSRF, rate limits, error pages, EN/ID strings) come from
:mod:`jaga.web._common`. :func:`jaga.web.app.create_web_app` mounts :func:`console_router`.
"""

from __future__ import annotations

from fastapi import APIRouter

from jaga.web.console import _admin, _keys, _policy, _requests

router = APIRouter()
router.include_router(_admin.router)
router.include_router(_requests.router)
router.include_router(_keys.router)
router.include_router(_policy.router)


def console_router() -> APIRouter:
    """The console's routes, to be mounted at ``/console``."""
    return router


__all__ = ["console_router", "router"]
