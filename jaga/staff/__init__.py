"""Staff accounts of the admin console: roles, argon2id passwords, sign-in with lockout, sessions.

``create_user`` makes an account (generating a strong password when none is given, shown once),
``login`` checks a password and opens a server-side session, ``resolve`` turns a cookie token back into
a :class:`Principal`, and ``can`` is the one permission table every console route consults. Every
sign-in, failed sign-in, sign-out and account change is written to the audit chain, with account ids
and keyed email hashes only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from jaga.staff.accounts import (
    LOCKOUT,
    LOGIN_FAILED,
    MAX_FAILURES,
    MIN_PASSWORD,
    StaffUserView,
    authenticate,
    create_user,
    email_hash,
    generate_password,
    get_user,
    list_users,
    normalise_email,
    reset_password,
    set_disabled,
    set_role,
    use_hasher,
)
from jaga.staff.permissions import PERMISSIONS, Action, Role, action_for_right, can, parse_role, require
from jaga.staff.sessions import SESSION_IDLE, SESSION_TTL, Principal, close_session, open_session, resolve


def login(
    session: Session,
    tenant_id: int,
    email: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> tuple[str, Principal] | None:
    """Authenticate and open a session: ``(token, principal)``, or ``None`` (show :data:`LOGIN_FAILED`).

    Commit the session whatever the result, so failed attempts count towards the lockout, which holds
    for ``client`` (the caller's network address) only.
    """
    user = authenticate(session, tenant_id, email, password, client=client, now=now)
    if user is None:
        return None
    token = open_session(session, user, now=now)
    principal = resolve(session, tenant_id, token, now=now)
    assert principal is not None  # just opened for an enabled account
    return token, principal


def logout(session: Session, tenant_id: int, token: str | None, *, now: datetime | None = None) -> bool:
    """End the session of ``token``; ``False`` when it was not live."""
    return close_session(session, tenant_id, token, now=now)


__all__ = [
    "LOCKOUT",
    "LOGIN_FAILED",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "PERMISSIONS",
    "SESSION_IDLE",
    "SESSION_TTL",
    "Action",
    "Principal",
    "Role",
    "StaffUserView",
    "action_for_right",
    "authenticate",
    "can",
    "close_session",
    "create_user",
    "email_hash",
    "generate_password",
    "get_user",
    "list_users",
    "login",
    "logout",
    "normalise_email",
    "open_session",
    "parse_role",
    "require",
    "reset_password",
    "resolve",
    "set_disabled",
    "set_role",
    "use_hasher",
]
