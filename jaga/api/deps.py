"""Dependencies every router shares: the store session, the authenticated caller, the tenant's policy.

How another domain adds a router (requests, datamap, ...)::

    from fastapi import APIRouter, Depends
    from sqlalchemy.orm import Session
    from jaga.api.auth import Caller, Scope
    from jaga.api.deps import require, get_session

    router = APIRouter(prefix="/v1/requests", tags=["requests"])

    @router.get("/{request_id}")
    def read(request_id: int, caller: Caller = Depends(require(Scope.ledger_read)),
             session: Session = Depends(get_session)) -> dict[str, object]:
        ...  # filter every query by caller.tenant_id

then ``app.include_router(router)`` in :func:`jaga.api.app.create_app`. Raise :mod:`jaga.errors` errors
for bad input: the app turns them into 4xx answers (never a 500). ``get_session`` commits when the
endpoint returns and rolls back when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from jaga.api.auth import Caller, Scope, authenticate
from jaga.decide import AuditMode
from jaga.errors import ConfigError, PermissionDenied
from jaga.policy import Policy

_bearer = HTTPBearer(auto_error=False, description="An API key made with `jaga apikey create`")


@dataclass
class ApiState:
    """What the app was created with; kept on ``app.state.jaga``."""

    sessions: sessionmaker[Session]
    policies: Mapping[str, Policy] = field(default_factory=dict)
    default_policy: Policy | None = None
    audit_mode: AuditMode = AuditMode.denials

    def begin(self) -> AbstractContextManager[Session]:
        return self.sessions.begin()

    def policy(self, tenant_slug: str) -> Policy:
        found = self.policies.get(tenant_slug, self.default_policy)
        if found is None:
            raise ConfigError("no policy is loaded for this tenant", hint="start the server with --policy")
        return found


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.jaga
    return state


def get_session(state: ApiState = Depends(api_state)) -> Iterator[Session]:
    """A session for this request that commits on success."""
    with state.begin() as session:
        yield session


def current_caller(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    state: ApiState = Depends(api_state),
) -> Caller:
    with state.begin() as session:
        return authenticate(session, credentials.credentials if credentials else None)


def require(scope: Scope) -> Callable[..., Caller]:
    """A dependency that authenticates the caller and checks that their role grants ``scope``."""

    def dependency(caller: Caller = Depends(current_caller)) -> Caller:
        if not caller.can(scope):
            raise PermissionDenied(f"role {caller.role.value!r} may not do this (needs {scope.value!r})")
        return caller

    return dependency


def tenant_policy(caller: Caller = Depends(current_caller), state: ApiState = Depends(api_state)) -> Policy:
    """The policy of the caller's tenant."""
    return state.policy(caller.tenant_slug)
