"""Property: for any sequence of events, in any arrival order, the materialised state equals the fold of
the events, equals what ``rebuild`` produces, and past-time reads equal the fold up to that time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from jaga import audit, ledger
from jaga.decide.rules import evaluate, plan
from jaga.errors import NotFoundError
from jaga.ledger import EventIn, EventKind, Identity, load_snapshots, snapshot
from jaga.policy import Policy
from jaga.store.models.ledger import LedgerEvent
from tests.ledger.ledger_fixtures import new_tenant, sessions_for

T0 = datetime(2024, 1, 1, tzinfo=UTC)
PURPOSES = ["newsletter", "promo_li"]
_SIMPLE = [k for k in EventKind if k not in (EventKind.parental_consent_given,)]

event_st = st.builds(
    lambda kind, purpose, channel, hours, flag: {
        "kind": kind,
        "purpose": purpose if kind in ledger.state.PURPOSE_KINDS or (kind.startswith("objection") and flag) else None,
        "channel": channel if kind in ledger.state.CHANNEL_KINDS else None,
        "at": T0 + timedelta(hours=hours),
        **({"child": flag} if kind == EventKind.child_status else {}),
        **({"enabled": flag} if kind == EventKind.gpc_signal else {}),
    },
    st.sampled_from(_SIMPLE),
    st.sampled_from(PURPOSES),
    st.sampled_from(["email", "sms", "all"]),
    st.integers(0, 48),
    st.booleans(),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(event_st, min_size=1, max_size=12), probe=st.integers(0, 48))
def test_materialised_equals_fold_and_rebuild(
    engine: Engine, policy: Policy, events: list[dict[str, Any]], probe: int
) -> None:
    tenant, sessions = new_tenant(engine), sessions_for(engine)
    who = Identity.of("customer_id", "c-1")
    at = T0 + timedelta(hours=probe)
    with sessions() as s:
        for data in events:
            key = ledger.record(s, tenant, who, EventIn.model_validate(data)).subject
        current = ledger.state_at(s, tenant, key).as_dict()
        rows = s.scalars(select(LedgerEvent).where(LedgerEvent.tenant_id == tenant)).all()
        records = [
            ledger.EventRecord(
                r.id, r.kind, r.purpose, r.channel, r.at, {k: v for k, v in data.items() if k in ("child", "enabled")}
            )
            for r, data in zip(rows, events, strict=True)
        ]
        assert current == ledger.fold(records).as_dict()
        past = ledger.state_at(s, tenant, key, at)
        assert past.as_dict() == ledger.fold(records, at).as_dict()
        batch = load_snapshots(s, tenant, [key], "newsletter", at)
        assert batch.get(key, tuple(ledger.EMPTY)) == tuple(snapshot(past, "newsletter"))
        ledger.rebuild(s, tenant)
        assert ledger.state_at(s, tenant, key).as_dict() == current
    p = plan(policy, "newsletter", ["user.contact.email"])
    assert evaluate(p, snapshot(past, "newsletter")) == evaluate(p, ledger.Snapshot(*batch.get(key, ledger.EMPTY)))


def _records(rows: list[LedgerEvent], events: list[dict[str, Any]]) -> list[ledger.EventRecord]:
    return [
        ledger.EventRecord(
            r.id, r.kind, r.purpose, r.channel, r.at, {k: v for k, v in data.items() if k in ("child", "enabled")}
        )
        for r, data in zip(rows, events, strict=True)
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(st.tuples(st.integers(0, 2), event_st), min_size=1, max_size=16),
    cuts=st.lists(st.integers(1, 16), min_size=1, max_size=4),
    single=st.booleans(),
)
def test_batches_and_single_events_give_the_same_state_and_chain(
    engine: Engine, events: list[tuple[int, dict[str, Any]]], cuts: list[int], single: bool
) -> None:
    """Events for three subjects, recorded in batches of random sizes (``record_many``), some one by one
    (``record``), in any time order: each subject's state equals the fold of its events and a rebuild,
    and the audit chain holds one entry per event, in the order recorded, and verifies."""
    tenant, sessions = new_tenant(engine), sessions_for(engine)
    people = [Identity.of("customer_id", f"c-{i}") for i in range(3)]
    items = [(people[who], EventIn.model_validate(data)) for who, data in events]
    recorded: list[ledger.RecordedEvent] = []
    with sessions() as s:
        start, sizes = 0, iter(cuts * 16)
        while start < len(items):
            part = items[start : start + next(sizes)]
            if single and len(part) == 1:
                recorded.append(ledger.record(s, tenant, *part[0]))
            else:
                recorded += ledger.record_many(s, tenant, part)
            start += len(part)
    assert [r.kind for r in recorded] == [e.kind.value for _, e in items]
    with sessions() as s:
        rows = {r.id: r for r in s.scalars(select(LedgerEvent).where(LedgerEvent.tenant_id == tenant))}
        assert sorted(rows) == sorted(r.id for r in recorded)
        chain = audit.entries(s, tenant, limit=100)[::-1]
        assert [json.loads(e.payload)["event"] for e in chain] == [r.id for r in recorded]
        assert audit.verify(s, tenant).ok
        current = {}
        for who in range(3):
            mine = [(recorded[i], data) for i, (w, data) in enumerate(events) if w == who]
            if not mine:
                continue
            key = mine[0][0].subject
            current[key] = ledger.state_at(s, tenant, key).as_dict()
            assert current[key] == ledger.fold(_records([rows[r.id] for r, _ in mine], [d for _, d in mine])).as_dict()
        ledger.rebuild(s, tenant)
        assert {key: ledger.state_at(s, tenant, key).as_dict() for key in current} == current


def test_batch_is_all_or_nothing(engine: Engine, policy: Policy) -> None:
    tenant, sessions = new_tenant(engine), sessions_for(engine)
    good = EventIn(kind=EventKind.consent_given, purpose="newsletter")
    bad = EventIn(kind=EventKind.consent_given, purpose="no_such_purpose")
    who = Identity.of("email", "a@example.com")
    with pytest.raises(NotFoundError) as refused, sessions() as s:
        ledger.record_many(s, tenant, [(who, good), (who, bad)], policy=policy)
    assert "no_such_purpose" in refused.value.message
    with pytest.raises(NotFoundError) as unknown, sessions() as s:
        ledger.record_many(s, tenant, [(who, good), ("0" * 64, good)])
    assert unknown.value.where == "events[1]"
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.tenant_id == tenant)) == 0
        assert audit.verify(s, tenant).checked == 0
