"""Accounts and sign-in: argon2id hashes, one failure message for every cause, lockout, audit entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from jaga import staff
from jaga.errors import JagaError, NotFoundError
from jaga.staff import accounts
from jaga.store import utcnow
from jaga.store.models.staff import StaffUser
from tests.staff.conftest import Store

PASSWORD = "correct horse battery staple"


def _add(store: Store, email: str = "DPO@Acme.example", role: str = "dpo", password: str | None = PASSWORD) -> int:
    with store.session() as session:
        user, _ = staff.create_user(session, store.tenant_id, email, role, password)
        session.commit()
    return user.id


def _auth(store: Store, email: str, password: str, **kw: object) -> staff.StaffUserView | None:
    with store.session() as session:
        user = staff.authenticate(session, store.tenant_id, email, password, **kw)  # type: ignore[arg-type]
        session.commit()
    return user


def test_generated_password_is_strong_and_only_its_argon2id_hash_is_stored(store: Store) -> None:
    staff.use_hasher(PasswordHasher())  # the production profile, once
    with store.session() as session:
        user, password = staff.create_user(session, store.tenant_id, "Admin@Acme.example", "admin")
        session.commit()
        row = session.get(StaffUser, user.id)
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert password not in row.password_hash
    assert len(password) >= 24 and user.email == "admin@acme.example"
    assert _auth(store, "admin@acme.example", password) is not None


def test_right_password_signs_in_case_insensitively(store: Store) -> None:
    user_id = _add(store)
    user = _auth(store, "  dpo@ACME.example ", PASSWORD)
    assert user is not None and user.id == user_id and user.role is staff.Role.dpo
    assert user.last_login_at is not None and user.actor == f"staff:{user_id}:dpo"


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.calls = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.calls += 1
        return super().verify(hash, password)


def test_wrong_password_and_unknown_email_both_fail_with_one_hash_check(store: Store) -> None:
    _add(store)
    counting = CountingHasher()
    staff.use_hasher(counting)
    assert _auth(store, "dpo@acme.example", "wrong password!!") is None
    assert _auth(store, "nobody@acme.example", PASSWORD) is None
    assert counting.calls == 2  # unknown emails cost the same work as known ones


def test_lockout_after_repeated_failures_then_unlock_after_wait(store: Store) -> None:
    _add(store)
    t0 = utcnow()
    for i in range(staff.MAX_FAILURES):
        assert _auth(store, "dpo@acme.example", f"guess number {i}", client="10.0.0.9", now=t0) is None
    # locked for that client: even the right password fails, with the same outcome as a wrong one
    assert _auth(store, "dpo@acme.example", PASSWORD, client="10.0.0.9", now=t0 + timedelta(minutes=1)) is None
    later = t0 + staff.LOCKOUT + timedelta(seconds=1)
    assert _auth(store, "dpo@acme.example", PASSWORD, client="10.0.0.9", now=later) is not None
    kinds = [(k, p.get("reason")) for k, _, p in store.audit() if k == "staff.login_failed"]
    assert kinds[-1] == ("staff.login_failed", "locked")


def test_a_guesser_elsewhere_cannot_lock_the_admin_out(store: Store) -> None:
    """The lock holds for the (account, client) that failed, not for the account: the admin at their
    own desk still signs in while someone else hammers the form, and the lockout is in the audit chain."""
    _add(store, "admin@acme.example", "admin")
    t0 = utcnow()
    for i in range(staff.MAX_FAILURES * 2):
        assert _auth(store, "admin@acme.example", f"guess number {i}", client="203.0.113.7", now=t0) is None
    assert _auth(store, "admin@acme.example", PASSWORD, client="203.0.113.7", now=t0) is None
    assert _auth(store, "admin@acme.example", PASSWORD, client="192.168.1.20", now=t0) is not None
    locks = [p for k, _, p in store.audit() if k == "staff.login_locked"]
    assert len(locks) == 1 and locks[0]["until"] == (t0 + staff.LOCKOUT).isoformat()
    assert "203.0.113.7" not in str(locks) and "admin@acme.example" not in str(store.audit())


def test_second_lockout_lasts_twice_as_long(store: Store) -> None:
    _add(store)
    t0 = utcnow()
    for i in range(staff.MAX_FAILURES):
        _auth(store, "dpo@acme.example", f"guess {i} xxxxxxx", client="10.0.0.9", now=t0)
    t1 = t0 + staff.LOCKOUT + timedelta(seconds=1)
    for i in range(staff.MAX_FAILURES):
        _auth(store, "dpo@acme.example", f"guess {i} yyyyyyy", client="10.0.0.9", now=t1)
    until = [p["until"] for k, _, p in store.audit() if k == "staff.login_locked"]
    assert until == [(t0 + staff.LOCKOUT).isoformat(), (t1 + 2 * staff.LOCKOUT).isoformat()]
    assert _auth(store, "dpo@acme.example", PASSWORD, client="10.0.0.9", now=t1 + staff.LOCKOUT) is None


def test_success_resets_the_failure_count(store: Store) -> None:
    _add(store)
    for i in range(staff.MAX_FAILURES - 1):
        _auth(store, "dpo@acme.example", f"guess number {i}")
    assert _auth(store, "dpo@acme.example", PASSWORD) is not None
    for i in range(staff.MAX_FAILURES - 1):
        _auth(store, "dpo@acme.example", f"guess number {i}")
    assert _auth(store, "dpo@acme.example", PASSWORD) is not None


def test_disabled_account_cannot_sign_in_and_can_be_enabled(store: Store) -> None:
    _add(store)
    with store.session() as session:
        staff.set_disabled(session, store.tenant_id, "dpo@acme.example", True, actor="staff:1:admin")
        session.commit()
    assert _auth(store, "dpo@acme.example", PASSWORD) is None
    with store.session() as session:
        staff.set_disabled(session, store.tenant_id, "dpo@acme.example", False, actor="staff:1:admin")
        session.commit()
    assert _auth(store, "dpo@acme.example", PASSWORD) is not None


def test_reset_password_unlocks_and_replaces_the_old_one(store: Store) -> None:
    _add(store)
    for i in range(staff.MAX_FAILURES):
        _auth(store, "dpo@acme.example", f"guess number {i}")
    with store.session() as session:
        _, new = staff.reset_password(session, store.tenant_id, "dpo@acme.example", actor="cli")
        session.commit()
    assert _auth(store, "dpo@acme.example", PASSWORD) is None
    assert _auth(store, "dpo@acme.example", new) is not None


def test_password_is_rehashed_when_parameters_change(store: Store) -> None:
    user_id = _add(store)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    staff.use_hasher(stronger)
    assert _auth(store, "dpo@acme.example", PASSWORD) is not None
    with store.session() as session:
        row = session.get(StaffUser, user_id)
        assert row is not None and not stronger.check_needs_rehash(row.password_hash)


@pytest.mark.parametrize(
    ("email", "role", "password", "message"),
    [
        ("not-an-email", "dpo", None, "not an email"),
        ("x@acme.example", "boss", None, "unknown role"),
        ("x@acme.example", "dpo", "short", "at least"),
        ("x@acme.example", "dpo", "x" * (accounts.MAX_PASSWORD + 1), "at most"),
    ],
)
def test_bad_account_input_is_one_clear_error(
    store: Store, email: str, role: str, password: str | None, message: str
) -> None:
    with store.session() as session, pytest.raises(JagaError, match=message):
        staff.create_user(session, store.tenant_id, email, role, password)


def test_duplicate_email_is_refused_whatever_its_case(store: Store) -> None:
    _add(store)
    with store.session() as session, pytest.raises(JagaError, match="already exists"):
        staff.create_user(session, store.tenant_id, "dpo@acme.EXAMPLE", "viewer")


def test_unknown_account_changes_are_not_found(store: Store) -> None:
    with store.session() as session, pytest.raises(NotFoundError):
        staff.set_disabled(session, store.tenant_id, "ghost@acme.example", True, actor="cli")


def test_oversized_password_attempt_is_just_a_failure(store: Store) -> None:
    _add(store)
    assert _auth(store, "dpo@acme.example", "x" * 1_000_000) is None


def test_every_account_change_is_audited_without_email_or_password(store: Store) -> None:
    user_id = _add(store)
    _auth(store, "dpo@acme.example", "wrong password here")
    _auth(store, "ghost@acme.example", "wrong password here")
    with store.session() as session:
        staff.set_role(session, store.tenant_id, "dpo@acme.example", "operator", actor="staff:9:admin")
        staff.set_disabled(session, store.tenant_id, "dpo@acme.example", True, actor="staff:9:admin")
        staff.set_disabled(session, store.tenant_id, "dpo@acme.example", False, actor="staff:9:admin")
        _, new = staff.reset_password(session, store.tenant_id, "dpo@acme.example", actor="staff:9:admin")
        session.commit()
    login = None
    with store.session() as session:
        login = staff.login(session, store.tenant_id, "dpo@acme.example", new)
        session.commit()
    assert login is not None
    with store.session() as session:
        assert staff.logout(session, store.tenant_id, login[0])
        session.commit()
    entries = store.audit()
    assert [k for k, _, _ in entries] == [
        "staff.user_created",
        "staff.login_failed",
        "staff.login_failed",
        "staff.role_changed",
        "staff.user_disabled",
        "staff.user_enabled",
        "staff.password_reset",
        "staff.login",
        "staff.logout",
    ]
    assert entries[0][2]["user"] == user_id and len(entries[0][2]["email"]) == 64
    assert entries[1][2]["reason"] == "wrong_password" and entries[2][2]["reason"] == "unknown"
    assert entries[3][1] == "staff:9:admin" and entries[3][2]["to"] == "operator"
    assert entries[7][1] == f"staff:{user_id}:operator"
    raw = store.raw_audit().lower()
    for secret in ("dpo@acme.example", "ghost@acme.example", PASSWORD, new.lower(), "wrong password"):
        assert secret not in raw
