"""One mechanism for "too many failures, wait": counters with exponential back-off in the store.

Used by staff sign-in (per account and client, so nobody can lock the admin out from elsewhere) and by
one-time codes (per identity and per tenant, across requests and clients). Counters live in the store,
not in memory, so every worker and every process sees the same count. Owners and clients are kept as
HMACs with the tenant's ``throttle`` key: the table never holds an address or an identity.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jaga.store.base import utcnow
from jaga.store.models.throttle import Throttle
from jaga.store.secrets import tenant_secret

ANY_CLIENT = "*"


@dataclass(frozen=True)
class Backoff:
    """Lock after every ``after`` failures, for ``first`` the first time, doubling each time up to ``cap``.

    With a ``window``, failures older than it are forgotten (once any lock has ended), so ordinary
    mistakes spread over months never add up to a lock."""

    after: int
    first: timedelta
    cap: timedelta
    window: timedelta | None = None

    def lock_for(self, failures: int) -> timedelta | None:
        if failures <= 0 or failures % self.after:
            return None
        span: timedelta = self.first * 2 ** (failures // self.after - 1)
        return min(span, self.cap)


@dataclass(frozen=True)
class Failure:
    """What one more failure did: the count so far, and the lock it started (None when it started none)."""

    failures: int
    locked_until: datetime | None


def fingerprint(tenant_id: int, text: str) -> str:
    """The keyed hash under which an owner or client is stored (and may be shown in the audit chain)."""
    return hmac.new(tenant_secret(tenant_id, "throttle"), text.encode(), hashlib.sha256).hexdigest()


_mac = fingerprint


def _row(session: Session, tenant_id: int, scope: str, owner: str, client: str, *, lock: bool) -> Throttle | None:
    query = select(Throttle).where(
        Throttle.tenant_id == tenant_id,
        Throttle.scope == scope,
        Throttle.owner == _mac(tenant_id, owner),
        Throttle.client == _mac(tenant_id, client),
    )
    return session.scalar(query.with_for_update() if lock else query)


def locked_until(
    session: Session, tenant_id: int, scope: str, owner: str, client: str = ANY_CLIENT, *, now: datetime | None = None
) -> datetime | None:
    """When the lock of ``(owner, client)`` ends, or None when it is not locked now."""
    row = _row(session, tenant_id, scope, owner, client, lock=False)
    if row is None or row.locked_until is None or row.locked_until <= (now or utcnow()):
        return None
    return row.locked_until


def fail(
    session: Session,
    tenant_id: int,
    scope: str,
    owner: str,
    backoff: Backoff,
    client: str = ANY_CLIENT,
    *,
    now: datetime | None = None,
) -> Failure:
    """Count one failure of ``(owner, client)`` in the caller's transaction and lock it when due."""
    now = now or utcnow()
    row = _row(session, tenant_id, scope, owner, client, lock=True)
    if row is None:
        row = Throttle(
            tenant_id=tenant_id,
            scope=scope,
            owner=_mac(tenant_id, owner),
            client=_mac(tenant_id, client),
            failures=0,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another worker made it first: count on its row
            found = _row(session, tenant_id, scope, owner, client, lock=True)
            assert found is not None
            row = found
    stale = backoff.window is not None and row.updated_at < now - backoff.window
    if stale and (row.locked_until is None or row.locked_until <= now):
        row.failures = 0
    row.failures += 1
    row.updated_at = now
    span = backoff.lock_for(row.failures)
    started = now + span if span is not None else None
    if started is not None:
        row.locked_until = started
    session.flush()
    return Failure(row.failures, started)


def clear(session: Session, tenant_id: int, scope: str, owner: str, client: str | None = None) -> None:
    """Forget the failures of ``owner`` (from ``client``, or from every client when None)."""
    query = delete(Throttle).where(
        Throttle.tenant_id == tenant_id, Throttle.scope == scope, Throttle.owner == _mac(tenant_id, owner)
    )
    if client is not None:
        query = query.where(Throttle.client == _mac(tenant_id, client))
    session.execute(query)


def client_key(address: str | None) -> str:
    """The client part of a key for a network address (unknown addresses share one counter)."""
    return f"ip:{address or 'unknown'}"
