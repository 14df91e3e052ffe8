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

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from anyio import CapacityLimiter
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from jaga.api.auth import CALLER_TTL, Caller, Scope, authenticate
from jaga.decide import AuditMode, DecisionPoint
from jaga.errors import ConfigError, PermissionDenied
from jaga.policy import Policy
from jaga.requests.handlers import Company

_bearer = HTTPBearer(auto_error=False, description="An API key made with `jaga apikey create`")


@dataclass
class ApiState:
    """What the app was created with; kept on ``app.state.jaga``."""

    sessions: sessionmaker[Session]
    policies: Mapping[str, Policy] = field(default_factory=dict)
    default_policy: Policy | None = None
    audit_mode: AuditMode = AuditMode.denials
    caller_ttl: float = CALLER_TTL
    """Seconds a verified API key is trusted by the decide endpoints without asking the store again."""
    decide_threads: int = 4
    """Threads deciding at once; more only contend for the GIL (see :meth:`decide_limiter`)."""
    inline_decisions: bool = False
    """Decide in the event loop instead of a thread (SQLite: the read is CPU in process, no wait)."""
    companies: Mapping[str, Company] = field(default_factory=dict)
    """Where each tenant's data map and databases are, for running data-subject requests."""
    default_company: Company | None = None
    store_url: str | None = None
    """The store's URL, for the DSR engine (which keeps its own sessions); None: the settings' store."""
    _limiter: CapacityLimiter | None = field(default=None, repr=False)
    _callers: dict[bytes, tuple[float, Caller]] = field(default_factory=dict, repr=False)
    _points: dict[tuple[int, int], DecisionPoint] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def begin(self) -> AbstractContextManager[Session]:
        return self.sessions.begin()

    def known_caller(self, raw: str | None) -> Caller | None:
        """The caller of a key verified less than ``caller_ttl`` seconds ago, else None.

        Decisions are the hot path (thousands a second from a few service keys): looking the key up
        costs a session and a query, more than the decision. The cache is keyed by the key's SHA-256,
        so no key is kept in memory, and a revoked key stops working for decisions within the TTL.
        """
        if not raw:
            return None
        hit = self._callers.get(hashlib.sha256(raw.encode()).digest())
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def verify_caller(self, raw: str | None) -> Caller:
        """Authenticate against the store (blocking) and remember the result for ``caller_ttl``."""
        with self.begin() as session:
            caller = authenticate(session, raw)
        with self._lock:
            if len(self._callers) > 10_000:
                self._callers.clear()
            self._callers[hashlib.sha256((raw or "").encode()).digest()] = (time.monotonic() + self.caller_ttl, caller)
        return caller

    def decide_limiter(self) -> CapacityLimiter:
        """The thread limit of the decide endpoints (made on first use, inside the event loop).

        A decision is a fraction of a millisecond of Python around one read of the store. Run in the
        shared 40-thread pool, 32 concurrent requests become 32 threads passing the GIL around, and
        latency goes to seconds; a few threads keep the store busy and the rest wait in the event loop.
        """
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.decide_threads)
        return self._limiter

    def point(self, caller: Caller) -> DecisionPoint:
        """The tenant's decision point, shared by requests so its plans and state cache are reused."""
        policy = self.policy(caller.tenant_slug)
        key = (caller.tenant_id, id(policy))
        found = self._points.get(key)
        if found is None:
            with self._lock:
                found = self._points.get(key)
                if found is None:
                    if len(self._points) > 256:
                        self._points.clear()
                    found = self._points[key] = DecisionPoint(
                        policy, self.begin, caller.tenant_id, audit_mode=self.audit_mode
                    )
        return found

    def company(self, tenant_slug: str) -> Company:
        found = self.companies.get(tenant_slug, self.default_company)
        if found is None:
            raise ConfigError(
                "no data map is configured for this tenant", hint="start the server with --map (and --policy)"
            )
        return found

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


async def decide_state(request: Request) -> ApiState:
    """:func:`api_state` without a trip through the thread pool (it does no I/O)."""
    state: ApiState = request.app.state.jaga
    return state


async def _trusted_caller(raw: str | None, state: ApiState, scope: Scope, *, cached: bool = True) -> Caller:
    caller = state.known_caller(raw) if cached else None
    if caller is None:
        caller = await run_in_threadpool(state.verify_caller, raw)
    if not caller.can(scope):
        raise PermissionDenied(f"role {caller.role.value!r} may not do this (needs {scope.value!r})")
    return caller


async def decide_caller(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    state: ApiState = Depends(decide_state),
) -> Caller:
    """The caller of a decide endpoint, allowed to decide: from the key cache, else verified in a thread.

    Async so that a cache hit costs no thread hop; only a miss does blocking I/O, in the thread pool.
    """
    return await _trusted_caller(credentials.credentials if credentials else None, state, Scope.decide)


async def writer_caller(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
    state: ApiState = Depends(decide_state),
) -> Caller:
    """The caller of a ledger write, always checked against the store (one indexed read in a thread):
    a revoked key must stop recording at once, not after the cache's TTL."""
    return await _trusted_caller(
        credentials.credentials if credentials else None, state, Scope.ledger_write, cached=False
    )


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
