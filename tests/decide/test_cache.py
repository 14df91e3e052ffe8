"""The in-memory state cache of batch decisions: every decision reflects every committed write at once,
whichever session, thread or process wrote it, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from jaga import ledger
from jaga.decide import DecisionPoint
from jaga.ledger import EventIn, Identity
from jaga.ledger import _fast as ledger_fast
from jaga.ledger import batch as ledger_batch
from jaga.policy import Policy
from jaga.store.base import utcnow
from jaga.store.models.ledger import LedgerEvent, LedgerSubject
from tests.ledger.ledger_fixtures import new_tenant, sessions_for

T0 = datetime(2024, 3, 1, tzinfo=UTC)
EMAIL = ["user.contact.email"]


def consent(point: DecisionPoint, n: int) -> list[str]:
    keys = []
    with point.sessions() as s:
        for i in range(n):
            event = EventIn.model_validate({"kind": "consent_given", "purpose": "newsletter", "at": T0})
            keys.append(ledger.record(s, point.tenant_id, Identity.of("customer_id", f"c-{i}"), event).subject)
    return keys


def withdraw(sessions: Any, tenant: int, key: str) -> None:
    with sessions() as s:
        ledger.record(s, tenant, key, EventIn.model_validate({"kind": "consent_withdrawn", "purpose": "newsletter"}))


@pytest.fixture
def point(engine: Engine, policy: Policy) -> DecisionPoint:
    """A point that caches every batch (``scan_above=0``), as it would for a list of a million."""
    return DecisionPoint(policy, sessions_for(engine), new_tenant(engine), scan_above=0, audit_mode="off")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements the ledger's batch reads send, in order."""
    sent: list[str] = []
    original = ledger_batch._rows

    def counting(conn: Any, sql: str, params: Any, *, stream: bool = False) -> Iterator[Any]:
        sent.append(sql)
        return original(conn, sql, params, stream=stream)

    monkeypatch.setattr(ledger_batch, "_rows", counting)
    yield sent


def allowed(point: DecisionPoint, keys: list[str]) -> list[bool]:
    return [d.allowed for d in point.decide_many(keys, "newsletter", EMAIL).decisions]


def test_cache_sees_another_sessions_write_at_once(point: DecisionPoint, engine: Engine, reads: list[str]) -> None:
    keys = consent(point, 5)
    assert allowed(point, keys) == [True] * 5  # loads the tenant into the cache
    assert point.cache is not None and any("ledger_state st JOIN" in sql for sql in reads)
    reads.clear()
    assert allowed(point, keys) == [True] * 5
    assert len(reads) == 1 and "audit_entries" in reads[0]  # nothing changed: one read of the chain
    other = sessions_for(engine)  # another engine-level session factory, as another service would have
    withdraw(other, point.tenant_id, keys[2])
    reads.clear()
    assert allowed(point, keys) == [True, True, False, True, True]
    assert len(reads) == 2  # the chain, then only the changed subject
    newcomer = Identity.of("email", "new@example.com")
    with other() as s:
        event = EventIn.model_validate({"kind": "consent_given", "purpose": "newsletter"})
        new_key = ledger.record(s, point.tenant_id, newcomer, event).subject
    assert allowed(point, [*keys, new_key, "f" * 64]) == [True, True, False, True, True, True, False]


def test_cache_sees_another_process_write_at_once(point: DecisionPoint, engine: Engine) -> None:
    keys = consent(point, 3)
    assert allowed(point, keys) == [True] * 3
    script = (
        "import sys\n"
        "from sqlalchemy.orm import sessionmaker\n"
        "from jaga import ledger\n"
        "from jaga.ledger import EventIn\n"
        "from jaga.store import make_engine\n"
        "sessions = sessionmaker(make_engine(sys.argv[1]))\n"
        "with sessions.begin() as s:\n"
        "    event = EventIn.model_validate({'kind': 'objection'})\n"
        "    ledger.record(s, int(sys.argv[2]), sys.argv[3], event)\n"
    )
    url = engine.url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-c", script, url, str(point.tenant_id), keys[0]], check=True, timeout=60)
    decisions = point.decide_many(keys, "newsletter", EMAIL).decisions
    assert [d.allowed for d in decisions] == [False, True, True]
    assert {r.code for r in decisions[0].reasons} == {"marketing_objected"}


def test_rebuild_after_bulk_load_reloads_the_cache(point: DecisionPoint) -> None:
    keys = consent(point, 3)
    assert allowed(point, keys) == [True] * 3
    with point.sessions() as s:  # a bulk load writes events without the ledger's bookkeeping...
        subject_id = s.scalar(select(LedgerEvent.subject_id).where(LedgerEvent.tenant_id == point.tenant_id))
        s.execute(
            insert(LedgerEvent).values(
                tenant_id=point.tenant_id,
                subject_id=subject_id,
                kind="consent_withdrawn",
                purpose="newsletter",
                at=T0 + timedelta(days=1),
                recorded_at=utcnow(),
                actor="bulk",
                data="{}",
            )
        )
        ledger.rebuild(s, point.tenant_id)  # ...and the rebuild that follows names no subject
    assert allowed(point, keys).count(False) == 1


def test_point_in_time_and_identity_batches_read_the_store(point: DecisionPoint, reads: list[str]) -> None:
    keys = consent(point, 2)
    allowed(point, keys)
    reads.clear()
    batch = point.decide_many(keys, "newsletter", EMAIL, at=T0 - timedelta(days=1))
    assert batch.allowed == 0 and not any("audit_entries" in sql for sql in reads)
    by_identity = point.decide_many([Identity.of("customer_id", "c-1")], "newsletter", EMAIL)
    assert by_identity.allowed == 1


@pytest.mark.postgres
def test_writers_take_turns_and_readers_see_each_commit(pg_engine: Engine, policy: Policy) -> None:
    """PostgreSQL hands out event ids at insert and could commit them in any order; the cache follows the
    audit chain, whose order is the commit order because a writer holds the tenant's chain head from
    before its event gets an id until it commits.

    Writer B records its event and pauses before committing. Writer A must wait for B (so A's event,
    committed after B's, also has the higher id), while readers are not blocked and do not see B's
    uncommitted write. Once both commit, the cache sees both.
    """
    tenant, sessions = new_tenant(pg_engine), sessions_for(pg_engine)
    point = DecisionPoint(policy, sessions, tenant, scan_above=0, audit_mode="off")
    a, b = consent(point, 2)
    assert allowed(point, [a, b]) == [True, True]
    recorded, go = threading.Event(), threading.Event()
    original = ledger_fast.advance

    def paused_advance(*args: Any, **kwargs: Any) -> Any:
        event_id = original(*args, **kwargs)
        if threading.current_thread().name == "writer-b":
            recorded.set()  # B's event, state and audit entry are in, uncommitted
            assert go.wait(30)
        return event_id

    errors: list[BaseException] = []

    def run(key: str) -> None:
        try:
            withdraw(sessions, tenant, key)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ledger_fast, "advance", paused_advance)
        writer_b = threading.Thread(target=run, args=(b,), name="writer-b")
        writer_b.start()
        assert recorded.wait(30)
        writer_a = threading.Thread(target=run, args=(a,), name="writer-a")
        writer_a.start()
        writer_a.join(0.5)
        assert writer_a.is_alive()  # A waits for B's lock on the chain head
        assert allowed(point, [a, b]) == [True, True]  # readers are not blocked; B is not committed
        go.set()
        writer_b.join(30)
        writer_a.join(30)
    assert not errors
    assert allowed(point, [a, b]) == [False, False]
    with sessions() as s:
        last = {
            key: s.scalar(select(func.max(LedgerEvent.id)).join(LedgerSubject).where(LedgerSubject.key == key))
            for key in (a, b)
        }
    assert last[b] < last[a]  # ids follow the commit order


def test_tenant_over_the_cache_limit_is_read_each_time(engine: Engine, policy: Policy, reads: list[str]) -> None:
    point = DecisionPoint(policy, sessions_for(engine), new_tenant(engine), scan_above=0, cache_limit=1)
    keys = consent(point, 2)
    assert allowed(point, keys) == [True, True]
    withdraw(point.sessions, point.tenant_id, keys[0])
    reads.clear()
    assert allowed(point, keys) == [False, True]
    assert not any("audit_entries" in sql for sql in reads)  # scanned the store, kept nothing
