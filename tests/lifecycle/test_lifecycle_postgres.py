"""The lifecycle on real PostgreSQL (a throw-away schema): row locks, time zones, the audit chain."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from jaga.audit import verify
from jaga.ledger.identity import Identity
from jaga.policy import Right
from jaga.requests import lifecycle as lc
from jaga.requests import verification as vf
from jaga.requests.lifecycle import Status
from tests.lifecycle.conftest import ALICE, T0, make_store

pytestmark = pytest.mark.postgres


def test_flow_on_postgresql(env: Path, pg_schema_url: str) -> None:
    store = make_store(pg_schema_url, env)
    t = store.tenant_id
    try:
        with store.session() as s:
            rid = lc.submit(
                s, t, right=Right.erasure, identity=Identity.of("email", ALICE), regime="gdpr", language="id", now=T0
            ).id
            vf.send_code(s, t, rid, now=T0)
            s.commit()
        wrong = f"{(int(store.last_code()) + 1) % 1_000_000:06d}"
        with store.session() as s:
            assert not vf.verify_code(s, t, rid, wrong, now=T0).ok
            s.commit()
        with store.session() as s:
            outcome = vf.verify_code(s, t, rid, store.last_code(), now=T0 + timedelta(minutes=1))
            assert outcome.ok and outcome.attempts_left == 3
            lc.start(s, t, rid, actor="dpo", now=T0 + timedelta(hours=1))
            lc.extend(s, t, rid, reason="many systems", actor="dpo", now=T0 + timedelta(days=3))
            s.commit()
        with store.session() as s:
            view = lc.get(s, t, rid)
            assert view.status == Status.extended and view.due_at.tzinfo is not None
            assert lc.list_requests(s, t, overdue=True, now=T0 + timedelta(days=95)) == [view]
            assert [x.to_status for x in lc.timeline(s, t, rid)] == [
                "received",
                "identity_verified",
                "in_progress",
                "extended",
            ]
            assert verify(s, t).ok
        raw = "\n".join(p for _, p in store.audit_payloads())
        assert ALICE not in raw and ALICE.lower() not in raw
    finally:
        store.engine.dispose()
