"""The decision point's rules, each "no" with its reason, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from jaga import ledger
from jaga.decide import Decision, DecisionPoint
from jaga.ledger import EventIn, Identity
from jaga.policy import Policy
from jaga.store.models.audit import AuditEntry
from tests.ledger.ledger_fixtures import new_tenant, sessions_for

T0 = datetime(2024, 3, 1, tzinfo=UTC)
EMAIL = ["user.contact.email"]


@pytest.fixture
def point(engine: Engine, policy: Policy) -> DecisionPoint:
    return DecisionPoint(policy, sessions_for(engine), new_tenant(engine))


def say(
    point: DecisionPoint, who: str | Identity, kind: str, purpose: str | None = None, days: float = 0, **extra: object
) -> str:
    with point.sessions() as s:
        event = EventIn.model_validate({"kind": kind, "purpose": purpose, "at": T0 + timedelta(days=days), **extra})
        return ledger.record(s, point.tenant_id, who, event).subject


def codes(decision: Decision) -> set[str]:
    return {r.code for r in decision.reasons}


def test_withdrawal_not_retroactive(point: DecisionPoint) -> None:
    who = Identity.of("email", "a@example.com")
    say(point, who, "consent_given", "newsletter")
    say(point, who, "consent_withdrawn", "newsletter", days=10)
    assert point.decide(who, "newsletter", EMAIL, at=T0 + timedelta(days=9)).allowed
    after = point.decide(who, "newsletter", EMAIL, at=T0 + timedelta(days=11))
    assert not after.allowed and codes(after) == {"no_consent"}
    assert any("GDPR art. 7(3)" in c for c in after.citations) and "newsletter" in after.reasons[0].policy
    assert not point.decide(who, "newsletter", EMAIL).allowed
    batch = point.decide_many(
        [ledger.Identity.of("email", "A@example.com")], "newsletter", EMAIL, at=T0 + timedelta(days=9)
    )
    assert batch.allowed == 1


def test_direct_marketing_objection_is_absolute(point: DecisionPoint) -> None:
    who = Identity.of("email", "b@example.com")
    assert point.decide(who, "promo_li", ["user.contact.email"]).allowed
    say(point, who, "objection")  # no purpose: all direct marketing
    say(point, who, "consent_given", "newsletter", days=1)  # even a later consent does not undo it
    for purpose in ("promo_li", "newsletter"):
        decision = point.decide(who, purpose, EMAIL)
        assert "marketing_objected" in codes(decision)
    assert point.decide(who, "orders", ["user.contact"]).allowed  # the contract is not marketing


def test_objection_to_legitimate_interest(point: DecisionPoint) -> None:
    who = Identity.of("customer_id", "c-9")
    say(point, who, "objection", "fraud")
    assert codes(point.decide(who, "fraud", ["user.behavior"])) == {"objected"}


def test_restriction_blocks_all_but_storage(point: DecisionPoint) -> None:
    who = Identity.of("email", "c@example.com")
    say(point, who, "restriction_set", reason="accuracy contested")
    assert codes(point.decide(who, "orders", ["user.contact"])) == {"restricted"}
    assert point.decide(who, "orders", ["user.contact"], operation="store").allowed
    assert point.decide(who, "orders", ["user.contact"], operation="legal_claims").allowed
    say(point, who, "restriction_lifted", days=1)
    assert point.decide(who, "orders", ["user.contact"]).allowed


def test_child_needs_parental_consent(point: DecisionPoint) -> None:
    child, parent = Identity.of("customer_id", "kid"), Identity.of("email", "parent@example.com")
    say(point, child, "child_status", child=True)
    say(point, child, "consent_given", "newsletter", days=1)  # the child's own consent is not enough
    assert "child_without_parental_consent" in codes(point.decide(child, "newsletter", EMAIL))
    with point.sessions() as s:
        ledger.set_guardian(s, point.tenant_id, child, parent)
        parent_key = ledger.subject_key(s, point.tenant_id, parent)
    say(point, child, "parental_consent_given", "newsletter", days=2, guardian=parent_key)
    assert point.decide(child, "newsletter", EMAIL).allowed


def test_transfers(point: DecisionPoint) -> None:
    who = "0" * 64  # unknown subject: contract purposes do not need the ledger
    unsafe = point.decide(who, "orders", ["user.contact"], recipient="crm_sg")
    assert codes(unsafe) == {"transfer_unsafe"} and any("UU PDP art. 56" in c for c in unsafe.citations)
    assert point.decide(who, "orders", ["user.contact"], recipient="cloud_us").allowed  # SCCs
    assert point.decide(who, "orders", ["user.contact"], recipient="courier").allowed
    assert "recipient_undeclared" in codes(point.decide(who, "orders", ["user.contact"], recipient="nobody"))
    assert "transfer_unsafe" in codes(point.decide(who, "orders", ["user.contact"], country="CN"))


def test_purpose_and_category_limits(point: DecisionPoint) -> None:
    who = "0" * 64
    undeclared = point.decide(who, "nope", EMAIL)
    assert codes(undeclared) == {"purpose_undeclared"}
    outside = point.decide(who, "orders", ["user.behavior"])
    assert codes(outside) == {"category_outside_purpose"}
    # both cite purpose limitation as each regime of the policy words it (jaga/regimes, not the rules)
    for decision in (undeclared, outside):
        assert decision.citations == ("UU PDP art. 16(2)(b); GDPR art. 5(1)(b)",)
    assert point.decide(who, "tax", ["user.account"]).allowed


def test_special_category_needs_explicit_consent(point: DecisionPoint) -> None:
    who = Identity.of("email", "d@example.com")
    say(point, who, "consent_given", "health_tips", form="electronic")
    assert "consent_not_explicit" in codes(point.decide(who, "health_tips", ["user.health_and_medical"]))
    say(point, who, "consent_given", "health_tips", days=1, form="explicit")
    assert point.decide(who, "health_tips", ["user.health_and_medical"]).allowed


def test_do_not_contact_gpc_and_erasure(point: DecisionPoint) -> None:
    who = Identity.of("email", "e@example.com")
    key = say(point, who, "consent_given", "newsletter")
    say(point, who, "do_not_contact", channel="sms", days=1)
    assert point.decide(who, "newsletter", EMAIL, channel="email").allowed
    assert "do_not_contact" in codes(point.decide(who, "newsletter", EMAIL, channel="sms"))
    say(point, who, "gpc_signal", days=2, enabled=True)
    assert "gpc" in codes(point.decide(who, "newsletter", EMAIL, channel="email"))
    with point.sessions() as s:
        ledger.record_erasure(s, point.tenant_id, key, T0 + timedelta(days=3))
    assert "erased" in codes(point.decide(who, "orders", ["user.contact"]))
    assert point.decide(who, "tax", ["user.account"]).allowed  # a legal duty to keep survives erasure


def test_batch_matches_single_and_is_set_based(point: DecisionPoint, engine: Engine) -> None:
    keys = []
    for i in range(30):
        who = Identity.of("customer_id", f"b-{i}")
        keys.append(say(point, who, "consent_given" if i % 3 else "consent_withdrawn", "newsletter"))
        if i % 5 == 0:
            say(point, who, "consent_withdrawn", "newsletter", days=5)
    keys.append("f" * 64)
    statements: list[str] = []
    from sqlalchemy import event

    from jaga.ledger import batch as ledger_batch

    listener = lambda *a: statements.append(a[2])  # noqa: E731
    raw = ledger_batch._rows  # the state reads go to the driver directly, past SQLAlchemy's events

    def counting(conn: object, sql: str, params: object, **kw: bool) -> object:
        statements.append(sql)
        return raw(conn, sql, params, **kw)  # type: ignore[arg-type]

    event.listen(engine, "before_cursor_execute", listener)
    ledger_batch._rows = counting  # type: ignore[assignment]
    try:
        batch = point.decide_many(keys, "newsletter", EMAIL, at=T0 + timedelta(days=1))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        ledger_batch._rows = raw
    assert 1 <= len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 3
    single = [point.decide(k, "newsletter", EMAIL, at=T0 + timedelta(days=1)) for k in keys]
    assert [d.allowed for d in batch.decisions] == [d.allowed for d in single]
    assert batch.allowed == 20
    now = point.decide_many(keys, "newsletter", EMAIL)
    assert now.allowed == 20 - 4  # the 4 later withdrawals of consenting subjects count now


def test_denials_are_audited(point: DecisionPoint) -> None:
    with point.sessions() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.tenant_id == point.tenant_id))
    point.decide("0" * 64, "newsletter", EMAIL)
    point.decide("0" * 64, "orders", ["user.contact"])
    with point.sessions() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.tenant_id == point.tenant_id)).all()
    assert len(entries) == (before or 0) + 1 and entries[-1].kind == "decision"
