"""Property: for any sequence of events, in any arrival order, the materialised state equals the fold of
the events, equals what ``rebuild`` produces, and past-time reads equal the fold up to that time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from jaga import ledger
from jaga.decide.rules import evaluate, plan
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
    sqlite_engine: Engine, policy: Policy, events: list[dict[str, Any]], probe: int
) -> None:
    tenant, sessions = new_tenant(sqlite_engine), sessions_for(sqlite_engine)
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
