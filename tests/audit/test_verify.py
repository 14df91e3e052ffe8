"""``verify`` catches an edited, a deleted and an inserted entry, on SQLite and PostgreSQL; CLI twin."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jaga import audit
from jaga.store.models.audit import AuditEntry
from tests.ledger.ledger_fixtures import cli_root, new_tenant, sessions_for


def _chain(engine: Engine, n: int = 5) -> int:
    tenant = new_tenant(engine)
    with sessions_for(engine)() as s:
        for i in range(n):
            audit.append(s, tenant, "test.event", {"i": i, "subject": "ab" * 32})
    return tenant


def _edit(s: Session, tenant: int) -> None:
    s.execute(update(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq == 3).values(payload='{"i":99}'))


def _delete(s: Session, tenant: int) -> None:
    s.execute(delete(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq == 3))


def _insert(s: Session, tenant: int) -> None:
    third = s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq == 3)).one()
    # a forger copies a real entry's links; ids after the last one keep write order otherwise intact
    s.execute(
        update(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq >= 3).values(seq=AuditEntry.seq + 100)
    )
    s.add(
        AuditEntry(
            tenant_id=tenant,
            seq=3,
            at=third.at,
            kind="test.event",
            actor="forger",
            payload='{"i":"forged"}',
            prev_hash=third.prev_hash,
            hash=third.hash,
        )
    )
    s.execute(
        update(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq >= 103).values(seq=AuditEntry.seq - 99)
    )


@pytest.mark.parametrize(
    ("tamper", "bad_seq"), [(_edit, 3), (_delete, 3), (_insert, 3)], ids=["edited", "deleted", "inserted"]
)
def test_verify_catches_tampering(engine: Engine, tamper: Callable[[Session, int], None], bad_seq: int) -> None:
    tenant = _chain(engine)
    sessions = sessions_for(engine)
    with sessions() as s:
        assert audit.verify(s, tenant).ok and audit.verify(s, tenant).checked == 5
        tamper(s, tenant)
    with sessions() as s:
        result = audit.verify(s, tenant)
    assert not result.ok and result.problem
    assert result.first_bad_seq is not None and result.first_bad_seq <= bad_seq + 1


def test_verify_catches_truncated_tail(engine: Engine) -> None:
    tenant = _chain(engine)
    with sessions_for(engine)() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.tenant_id == tenant, AuditEntry.seq == 5))
    with sessions_for(engine)() as s:
        assert not audit.verify(s, tenant).ok


def test_cli_audit_verify(sqlite_engine: Engine, cli_env: str) -> None:
    from jaga.store import ensure_tenant

    with sessions_for(sqlite_engine)() as s:
        tenant = ensure_tenant(s, cli_env).id
        for i in range(5):
            audit.append(s, tenant, "test.event", {"i": i})
    runner = CliRunner()
    ok = runner.invoke(cli_root(), ["audit", "verify", "--tenant", cli_env])
    assert ok.exit_code == 0, ok.output
    assert "intact: 5 entries" in ok.output
    with sessions_for(sqlite_engine)() as s:
        _edit(s, tenant)
    bad = runner.invoke(cli_root(), ["audit", "verify", "--tenant", cli_env])
    assert bad.exit_code == 1 and "entry 3" in bad.output


def test_two_first_writers_of_a_tenant_take_turns(engine: Engine) -> None:
    """A new tenant has no head row to lock: the second of two simultaneous first writers must wait for
    the first and follow it in the chain, not collide with it on entry 1."""
    import threading

    tenant = new_tenant(engine)
    sessions = sessions_for(engine)
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with sessions() as s:
                audit.append(s, tenant, "test.second", {"n": 2})
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            second_done.set()

    with sessions() as s:
        audit.append(s, tenant, "test.first", {"n": 1})  # not committed yet
        thread = threading.Thread(target=second)
        thread.start()
        assert not second_done.wait(0.5), "the second writer must wait for the first one's transaction"
    thread.join(30)
    assert not errors, errors
    with sessions() as s:
        kinds = [e.kind for e in sorted(audit.entries(s, tenant), key=lambda e: e.seq)]
        assert kinds == ["test.first", "test.second"]
        assert audit.verify(s, tenant).ok
