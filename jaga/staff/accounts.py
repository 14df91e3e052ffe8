"""Staff accounts: creation, passwords, disabling, and signing in without leaking who has an account.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile) and rehashed on sign-in
when the parameters change. Signing in takes the same work whether the email is known or not (a dummy
hash is verified for unknown ones) and fails with one message for every cause, so the form cannot be
used to find out which emails have accounts or which are locked. After ``MAX_FAILURES`` wrong passwords
from one client, the account is locked *for that client* for ``LOCKOUT`` (doubling on each further
lockout, up to a day; :mod:`jaga.store.throttle`): online guessing from one place is hopeless, and a
guesser elsewhere cannot lock the admin out of their own desk. Each lockout is in the audit chain.

Failed attempts must be counted even though the caller reports a failure, so :func:`authenticate`
returns ``None`` instead of raising: the caller commits, then shows the error (raising would roll the
counter back). Every outcome goes into the audit chain with the account id and a keyed hash of the email.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError, NotFoundError
from jaga.staff.permissions import Role, parse_role
from jaga.store import throttle
from jaga.store.base import utcnow
from jaga.store.models.staff import StaffSession, StaffUser
from jaga.store.secrets import tenant_secret

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
"""Longer inputs are refused before hashing: argon2 on megabytes would be a cheap denial of service."""
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)
_BACKOFF = throttle.Backoff(MAX_FAILURES, LOCKOUT, MAX_LOCKOUT)
_SCOPE = "staff_login"

LOGIN_FAILED = "Email or password is wrong, or sign-in is paused after repeated failures; try again later."
"""The one message for every failed sign-in (unknown email, wrong password, locked or disabled account)."""

_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")

_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the password hasher (tests use cheap parameters; stored hashes carry their own parameters)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password, verified for unknown emails so they cost the same time as known ones."""
    return _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class StaffUserView:
    """An account as callers see it: never the password hash."""

    id: int
    tenant_id: int
    email: str
    role: Role
    disabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @property
    def actor(self) -> str:
        """How this person appears in timelines and the audit chain (no email)."""
        return f"staff:{self.id}:{self.role.value}"


def _view(row: StaffUser) -> StaffUserView:
    return StaffUserView(
        row.id,
        row.tenant_id,
        row.email,
        Role(row.role),
        row.disabled,
        row.locked_until,
        row.last_login_at,
        row.created_at,
    )


def normalise_email(email: str) -> str:
    """Emails are matched case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def email_hash(tenant_id: int, email: str) -> str:
    """The keyed hash under which a staff email may appear in the audit chain."""
    return hmac.new(tenant_secret(tenant_id, "staff"), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def generate_password() -> str:
    """A strong random password (24 URL-safe characters, 144 bits), shown once to whoever creates it."""
    return secrets.token_urlsafe(18)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise JagaError(f"a password needs at least {MIN_PASSWORD} characters", hint="or leave it out to generate one")
    if len(password) > MAX_PASSWORD:
        raise JagaError(f"a password may have at most {MAX_PASSWORD} characters")


def _audit(session: Session, tenant_id: int, kind: str, actor: str, **payload: Any) -> None:
    audit.append(session, tenant_id, f"staff.{kind}", payload, actor=actor)


def _find(session: Session, tenant_id: int, email: str, *, lock: bool = False) -> StaffUser | None:
    query = select(StaffUser).where(StaffUser.tenant_id == tenant_id, StaffUser.email == normalise_email(email))
    return session.scalar(query.with_for_update() if lock else query)


def _load(session: Session, tenant_id: int, email: str) -> StaffUser:
    row = _find(session, tenant_id, email, lock=True)
    if row is None:
        raise NotFoundError("no staff account with this email", hint="list accounts with `jaga staff list`")
    return row


def _end_sessions(session: Session, user_id: int, now: datetime) -> int:
    rows = session.scalars(select(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None)))
    count = 0
    for row in rows:
        row.ended_at = now
        count += 1
    return count


def create_user(
    session: Session,
    tenant_id: int,
    email: str,
    role: Role | str,
    password: str | None = None,
    *,
    actor: str = "system",
) -> tuple[StaffUserView, str]:
    """Create an account; returns it and its password (generated when ``None``: show it once, then forget)."""
    parsed = parse_role(role)
    address = normalise_email(email)
    if not _EMAIL.match(address) or len(address) > 254:
        raise JagaError("not an email address", hint="give the staff member's work email, e.g. dpo@company.example")
    if _find(session, tenant_id, address) is not None:
        raise JagaError("a staff account with this email already exists", hint="use reset-password or disable")
    if password is None:
        password = generate_password()
    _check_password(password)
    now = utcnow()
    row = StaffUser(
        tenant_id=tenant_id,
        email=address,
        role=parsed.value,
        password_hash=_hasher.hash(password),
        disabled=False,
        failed_logins=0,
        password_changed_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, tenant_id, "user_created", actor, user=row.id, email=email_hash(tenant_id, address), role=parsed)
    return _view(row), password


def list_users(session: Session, tenant_id: int) -> list[StaffUserView]:
    """The tenant's accounts, by email."""
    rows = session.scalars(select(StaffUser).where(StaffUser.tenant_id == tenant_id).order_by(StaffUser.email))
    return [_view(r) for r in rows]


def get_user(session: Session, tenant_id: int, email: str) -> StaffUserView:
    """One account of the tenant, or :class:`NotFoundError`."""
    row = _find(session, tenant_id, email)
    if row is None:
        raise NotFoundError("no staff account with this email", hint="list accounts with `jaga staff list`")
    return _view(row)


def set_disabled(session: Session, tenant_id: int, email: str, disabled: bool, *, actor: str) -> StaffUserView:
    """Disable (ending every open session at once) or re-enable an account."""
    row = _load(session, tenant_id, email)
    now = utcnow()
    row.disabled = disabled
    ended = _end_sessions(session, row.id, now) if disabled else 0
    if not disabled:
        row.failed_logins, row.locked_until = 0, None
        throttle.clear(session, tenant_id, _SCOPE, f"staff:{row.id}")  # from every client
    _audit(
        session,
        tenant_id,
        "user_disabled" if disabled else "user_enabled",
        actor,
        user=row.id,
        email=email_hash(tenant_id, row.email),
        sessions_ended=ended,
    )
    session.flush()
    return _view(row)


def set_role(session: Session, tenant_id: int, email: str, role: Role | str, *, actor: str) -> StaffUserView:
    """Change an account's role; open sessions pick it up on their next request."""
    parsed = parse_role(role)
    row = _load(session, tenant_id, email)
    before, row.role = row.role, parsed.value
    _audit(
        session,
        tenant_id,
        "role_changed",
        actor,
        user=row.id,
        email=email_hash(tenant_id, row.email),
        **{"from": before, "to": parsed.value},
    )
    session.flush()
    return _view(row)


def reset_password(
    session: Session, tenant_id: int, email: str, password: str | None = None, *, actor: str
) -> tuple[StaffUserView, str]:
    """Set a new password (generated when ``None``), unlock the account and end its sessions."""
    row = _load(session, tenant_id, email)
    if password is None:
        password = generate_password()
    _check_password(password)
    now = utcnow()
    row.password_hash = _hasher.hash(password)
    row.password_changed_at = now
    row.failed_logins, row.locked_until = 0, None
    throttle.clear(session, tenant_id, _SCOPE, f"staff:{row.id}")  # from every client
    ended = _end_sessions(session, row.id, now)
    _audit(
        session,
        tenant_id,
        "password_reset",
        actor,
        user=row.id,
        email=email_hash(tenant_id, row.email),
        sessions_ended=ended,
    )
    session.flush()
    return _view(row), password


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(
    session: Session,
    tenant_id: int,
    email: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> StaffUserView | None:
    """The account if ``email`` and ``password`` match an enabled account not locked for ``client`` (the
    caller's network address), else ``None``.

    Always verifies one argon2 hash, so known and unknown emails take the same time. Commit the session
    even when this returns ``None``: the failure counter and the audit entry must persist.
    """
    now = now or utcnow()
    if len(password) > MAX_PASSWORD:
        password = password[:MAX_PASSWORD]  # still hashed, so an oversized guess costs the same as any other
    row = _find(session, tenant_id, email, lock=True)
    if row is None:
        _verify(_dummy_hash(), password)
        _audit(session, tenant_id, "login_failed", "anonymous", email=email_hash(tenant_id, email), reason="unknown")
        return None
    matches = _verify(row.password_hash, password)
    who, where = f"staff:{row.id}", throttle.client_key(client)
    locked = throttle.locked_until(session, tenant_id, _SCOPE, who, where, now=now) is not None
    if matches and not locked and not row.disabled:
        throttle.clear(session, tenant_id, _SCOPE, who, where)
        row.failed_logins, row.locked_until, row.last_login_at = 0, None, now
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        _audit(session, tenant_id, "login", f"staff:{row.id}:{row.role}", user=row.id)
        session.flush()
        return _view(row)
    reason = "disabled" if row.disabled else "locked" if locked else "wrong_password"
    started = None
    if reason == "wrong_password":
        row.failed_logins += 1
        started = throttle.fail(session, tenant_id, _SCOPE, who, _BACKOFF, where, now=now).locked_until
    _audit(session, tenant_id, "login_failed", "anonymous", user=row.id, reason=reason, failures=row.failed_logins)
    if started is not None:  # the client's address stays out of the chain: only a keyed hash of it
        _audit(
            session,
            tenant_id,
            "login_locked",
            "anonymous",
            user=row.id,
            client=throttle.fingerprint(tenant_id, where),
            until=started.isoformat(),
        )
    session.flush()
    return None


__all__ = [
    "LOCKOUT",
    "LOGIN_FAILED",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "StaffUserView",
    "authenticate",
    "create_user",
    "email_hash",
    "generate_password",
    "get_user",
    "list_users",
    "normalise_email",
    "reset_password",
    "set_disabled",
    "set_role",
    "use_hasher",
]
