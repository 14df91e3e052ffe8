"""Server-side console sessions: a random cookie token, of which the store keeps only a SHA-256.

Server-side (rather than signed-cookie) sessions make logout, disabling an account and resetting a
password take effect at once, everywhere. A session ends at the first of: logout, ``SESSION_TTL`` after
sign-in, ``SESSION_IDLE`` without use, or the account being disabled. The role is read from the account
on every request, so a role change applies without signing in again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.staff.accounts import StaffUserView
from jaga.staff.permissions import Action, Role, can, require
from jaga.store.base import utcnow
from jaga.store.models.staff import StaffSession, StaffUser

SESSION_TTL = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=2)
_TOUCH_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often, so browsing does not turn every page view into a write."""


@dataclass(frozen=True)
class Principal:
    """The signed-in staff member behind one console request."""

    tenant_id: int
    user_id: int
    email: str
    role: Role
    session_id: int
    expires_at: datetime

    @property
    def actor(self) -> str:
        """How this person appears in timelines and the audit chain (no email)."""
        return f"staff:{self.user_id}:{self.role.value}"

    def can(self, action: Action | str) -> bool:
        return can(self.role, action)

    def require(self, action: Action | str) -> None:
        require(self.role, action)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, user: StaffUserView, *, now: datetime | None = None, ttl: timedelta = SESSION_TTL
) -> str:
    """Start a session for an authenticated account and return its token (the cookie value)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        tenant_id=user.tenant_id,
        user_id=user.id,
        token_hash=_digest(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    session.flush()
    return token


def _active(session: Session, tenant_id: int, token: str) -> StaffSession | None:
    if not token or len(token) > 256:
        return None
    return session.scalar(
        select(StaffSession).where(
            StaffSession.token_hash == _digest(token),
            StaffSession.tenant_id == tenant_id,
            StaffSession.ended_at.is_(None),
        )
    )


def resolve(session: Session, tenant_id: int, token: str | None, *, now: datetime | None = None) -> Principal | None:
    """The principal of a live session, or ``None`` (unknown, ended, expired, idle, or account disabled)."""
    if token is None:
        return None
    now = now or utcnow()
    row = _active(session, tenant_id, token)
    if row is None:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or user.disabled or now >= row.expires_at or now - row.last_seen_at >= SESSION_IDLE:
        row.ended_at = now
        session.flush()
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    return Principal(tenant_id, user.id, user.email, Role(user.role), row.id, row.expires_at)


def close_session(session: Session, tenant_id: int, token: str | None, *, now: datetime | None = None) -> bool:
    """Log out: end the session of ``token`` (audited); ``False`` if there was no live session."""
    if token is None:
        return False
    row = _active(session, tenant_id, token)
    if row is None:
        return False
    row.ended_at = now or utcnow()
    user = session.get(StaffUser, row.user_id)
    actor = f"staff:{row.user_id}:{user.role if user else 'unknown'}"
    audit.append(session, tenant_id, "staff.logout", {"user": row.user_id, "session": row.id}, actor=actor)
    session.flush()
    return True


__all__ = ["SESSION_IDLE", "SESSION_TTL", "Principal", "close_session", "open_session", "resolve"]
