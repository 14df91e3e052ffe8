"""Server-side sessions: hashed tokens, expiry, idleness, logout, disabled accounts, tenant isolation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jaga import staff
from jaga.store import ensure_tenant, utcnow
from jaga.store.models.staff import StaffSession
from tests.staff.conftest import Store

PASSWORD = "correct horse battery staple"


def _login(store: Store, role: str = "operator", **kw: object) -> tuple[str, staff.Principal]:
    with store.session() as session:
        staff.create_user(session, store.tenant_id, f"{role}@acme.example", role, PASSWORD)
        result = staff.login(session, store.tenant_id, f"{role}@acme.example", PASSWORD, **kw)  # type: ignore[arg-type]
        session.commit()
    assert result is not None
    return result


def _resolve(store: Store, token: str | None, **kw: object) -> staff.Principal | None:
    with store.session() as session:
        principal = staff.resolve(session, store.tenant_id, token, **kw)  # type: ignore[arg-type]
        session.commit()
    return principal


def test_login_gives_a_random_token_stored_only_as_a_hash(store: Store) -> None:
    token, principal = _login(store)
    assert len(token) >= 40 and principal.role is staff.Role.operator
    assert principal.actor == f"staff:{principal.user_id}:operator"
    with store.session() as session:
        hashes = list(session.scalars(select(StaffSession.token_hash)))
    assert token not in hashes and len(hashes) == 1
    resolved = _resolve(store, token)
    assert resolved is not None and resolved.user_id == principal.user_id


def test_unknown_missing_or_oversized_tokens_resolve_to_nobody(store: Store) -> None:
    _login(store)
    assert _resolve(store, None) is None
    assert _resolve(store, "") is None
    assert _resolve(store, "x" * 43) is None
    assert _resolve(store, "x" * 10_000) is None


def test_session_expires_after_its_lifetime_even_when_used(store: Store) -> None:
    t0 = utcnow()
    token, _ = _login(store, now=t0)
    step = staff.SESSION_IDLE - timedelta(minutes=1)
    at = t0
    while at + step < t0 + staff.SESSION_TTL:
        at += step
        assert _resolve(store, token, now=at) is not None
    assert _resolve(store, token, now=t0 + staff.SESSION_TTL) is None
    assert _resolve(store, token, now=t0) is None  # ended for good, not just out of time


def test_idle_session_ends(store: Store) -> None:
    t0 = utcnow()
    token, _ = _login(store, now=t0)
    assert _resolve(store, token, now=t0 + staff.SESSION_IDLE + timedelta(seconds=1)) is None


def test_logout_ends_the_session(store: Store) -> None:
    token, _ = _login(store)
    with store.session() as session:
        assert staff.logout(session, store.tenant_id, token) is True
        assert staff.logout(session, store.tenant_id, token) is False
        session.commit()
    assert _resolve(store, token) is None


def test_disabling_or_resetting_ends_every_session(store: Store) -> None:
    token, _ = _login(store)
    with store.session() as session:
        staff.set_disabled(session, store.tenant_id, "operator@acme.example", True, actor="cli")
        staff.set_disabled(session, store.tenant_id, "operator@acme.example", False, actor="cli")
        session.commit()
    assert _resolve(store, token) is None
    with store.session() as session:
        again = staff.login(session, store.tenant_id, "operator@acme.example", PASSWORD)
        assert again is not None
        staff.reset_password(session, store.tenant_id, "operator@acme.example", actor="cli")
        session.commit()
    assert _resolve(store, again[0]) is None


def test_role_change_applies_to_open_sessions(store: Store) -> None:
    token, _ = _login(store, role="viewer")
    with store.session() as session:
        staff.set_role(session, store.tenant_id, "viewer@acme.example", "dpo", actor="cli")
        session.commit()
    principal = _resolve(store, token)
    assert principal is not None and principal.role is staff.Role.dpo and principal.can(staff.Action.approve)


def test_a_session_of_one_tenant_is_nothing_in_another(store: Store) -> None:
    token, _ = _login(store)
    with store.session() as session:
        other = ensure_tenant(session, "other").id
        session.commit()
        assert staff.resolve(session, other, token) is None
        assert staff.logout(session, other, token) is False
