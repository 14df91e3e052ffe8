"""Every lifecycle transition, allowed and refused, with the store and the audit chain as evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from jaga.audit import verify
from jaga.errors import JagaError, NotFoundError, PermissionDenied
from jaga.ledger.identity import Identity
from jaga.policy import Right
from jaga.requests import lifecycle as lc
from jaga.requests import verification as vf
from jaga.requests.deadlines import DeadlineError
from jaga.requests.lifecycle import IllegalTransition, Status
from jaga.store import ensure_tenant
from tests.lifecycle.conftest import ALICE, BOB, PHONE, T0, Store

EMAIL = Identity.of("email", ALICE)


def _submit(s: Session, store: Store, regime: str = "gdpr", right: Right = Right.access, **kw: object) -> str:
    return lc.submit(s, store.tenant_id, right=right, identity=EMAIL, regime=regime, now=T0, **kw).id  # type: ignore[arg-type]


def _drive(s: Session, store: Store, state: Status) -> str:
    """A GDPR request brought to ``state`` by the public actions."""
    t = store.tenant_id
    rid = _submit(s, store)
    if state == Status.received:
        return rid
    if state in (Status.refused, Status.withdrawn):
        if state == Status.refused:
            lc.refuse(s, t, rid, reason="manifestly unfounded", article="GDPR art. 12(5)", actor="dpo", now=T0)
        else:
            lc.withdraw(s, t, rid, actor="subject", now=T0)
        return rid
    vf.mark_verified(s, t, rid, actor="dpo", note="KTP seen in person", now=T0)
    if state == Status.identity_verified:
        return rid
    lc.start(s, t, rid, actor="dpo", now=T0)
    if state == Status.extended:
        lc.extend(s, t, rid, reason="many requests", actor="dpo", now=T0 + timedelta(days=1))
    elif state == Status.waiting_on_person:
        lc.wait_on_person(s, t, rid, reason="which account?", actor="dpo", now=T0 + timedelta(days=1))
    elif state == Status.completed:
        lc.complete(s, t, rid, actor="dpo", now=T0 + timedelta(days=1))
    return rid


Action = Callable[[Session, int, str], object]
LATER = T0 + timedelta(days=2)
ACTIONS: dict[str, Action] = {
    "verify": lambda s, t, r: vf.mark_verified(s, t, r, actor="dpo", note="passport", now=LATER),
    "start": lambda s, t, r: lc.start(s, t, r, actor="dpo", now=LATER),
    "wait": lambda s, t, r: lc.wait_on_person(s, t, r, reason="need more", actor="dpo", now=LATER),
    "resume": lambda s, t, r: lc.resume(s, t, r, actor="dpo", now=LATER),
    "extend": lambda s, t, r: lc.extend(s, t, r, reason="complex", actor="dpo", now=LATER),
    "complete": lambda s, t, r: lc.complete(s, t, r, actor="dpo", now=LATER),
    "refuse": lambda s, t, r: lc.refuse(s, t, r, reason="excessive", article="GDPR art. 12(5)", actor="dpo", now=LATER),
    "withdraw": lambda s, t, r: lc.withdraw(s, t, r, actor="subject", now=LATER),
}
# the specification, written independently of the implementation's table
ALLOWED: dict[Status, set[str]] = {
    Status.received: {"verify", "wait", "refuse", "withdraw"},
    Status.identity_verified: {"start", "wait", "extend", "complete", "refuse", "withdraw"},
    Status.in_progress: {"wait", "extend", "complete", "refuse", "withdraw"},
    Status.extended: {"wait", "complete", "refuse", "withdraw"},
    Status.waiting_on_person: {"resume", "refuse", "withdraw"},
    Status.completed: set(),
    Status.refused: set(),
    Status.withdrawn: set(),
}


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition(store: Store, state: Status, action: str) -> None:
    with store.session() as s:
        rid = _drive(s, store, state)
        before = len(lc.timeline(s, store.tenant_id, rid))
        if action in ALLOWED[state]:
            ACTIONS[action](s, store.tenant_id, rid)
            assert len(lc.timeline(s, store.tenant_id, rid)) > before
        else:
            with pytest.raises(IllegalTransition) as info:
                ACTIONS[action](s, store.tenant_id, rid)
            assert rid in str(info.value)
            assert len(lc.timeline(s, store.tenant_id, rid)) == before


def test_full_flow_is_recorded_and_audited_without_raw_identity(store: Store) -> None:
    t = store.tenant_id
    with store.session() as s:
        rid = lc.submit(s, t, right=Right.access, identity=EMAIL, regime="uu_pdp", language="id", now=T0).id
        vf.send_code(s, t, rid, now=T0)
        s.commit()
    code = store.last_code()
    with store.session() as s:
        assert vf.verify_code(s, t, rid, code, now=T0 + timedelta(minutes=2)).ok
        lc.start(s, t, rid, actor="dpo", now=T0 + timedelta(hours=1))
        done = lc.complete(s, t, rid, actor="dpo", summary="Data terlampir.", now=T0 + timedelta(hours=30))
        s.commit()
        steps = lc.timeline(s, t, rid)
    assert done.status == Status.completed and done.closed_at is not None
    assert [x.to_status for x in steps] == ["received", "identity_verified", "in_progress", "completed"]
    assert [x.actor for x in steps] == ["subject", "subject", "dpo", "dpo"]
    kinds = [k for k, _ in store.audit_payloads()]
    for kind in (
        "request.received",
        "request.code_sent",
        "request.identity_verified",
        "request.in_progress",
        "request.completed",
        "request.message_sent",
    ):
        assert kind in kinds
    raw = "\n".join(p for _, p in store.audit_payloads())
    for secret in (ALICE, ALICE.lower(), "alice.wijaya", code):
        assert secret not in raw
    assert done.identity_hash in raw
    with store.session() as s:
        assert verify(s, t).ok


def test_phone_identity_never_reaches_the_audit(store: Store) -> None:
    t = store.tenant_id
    with store.session() as s:
        rid = lc.submit(s, t, right=Right.erasure, identity=Identity.of("phone", PHONE), regime="uu_pdp", now=T0).id
        vf.send_code(s, t, rid, now=T0)
        lc.refuse(
            s,
            t,
            rid,
            reason="caller gave +62 812 3456 7890 but no proof",
            article="UU PDP art. 15(1)",
            actor="dpo",
            now=T0,
        )
        s.commit()
    raw = "\n".join(p for _, p in store.audit_payloads())
    for form in (PHONE, "+6281234567890", "81234567890", "812 3456 7890"):
        assert form not in raw
    assert store.last_mail("code")["X-Jaga-Channel"] == "sms"


def test_refusal_needs_reason_and_article(store: Store) -> None:
    with store.session() as s:
        rid = _submit(s, store)
        with pytest.raises(JagaError, match="article"):
            lc.refuse(s, store.tenant_id, rid, reason="no", article=" ", actor="dpo")
        view = lc.refuse(s, store.tenant_id, rid, reason="excessive", article="GDPR art. 12(5)", actor="dpo", now=T0)
        step = lc.timeline(s, store.tenant_id, rid)[-1]
    assert view.status == Status.refused and view.outcome == "excessive"
    assert (step.reason, step.article, step.actor) == ("excessive", "GDPR art. 12(5)", "dpo")
    mail = store.last_mail("refused")
    assert "GDPR art. 12(5)" in str(mail.get_payload())


def test_uu_pdp_extension_refused_with_article(store: Store) -> None:
    with store.session() as s:
        rid = _submit(s, store, regime="uu_pdp")
        vf.mark_verified(s, store.tenant_id, rid, actor="dpo", note="KTP", now=T0)
        with pytest.raises(DeadlineError, match=r"UU PDP art\. 32\(2\)"):
            lc.extend(s, store.tenant_id, rid, reason="busy", actor="dpo", now=T0 + timedelta(hours=1))
        assert lc.get(s, store.tenant_id, rid).status == Status.identity_verified


def test_gdpr_extension_sends_notice_and_moves_deadline(store: Store) -> None:
    with store.session() as s:
        rid = _drive(s, store, Status.in_progress)
        before = lc.get(s, store.tenant_id, rid).due_at
        view = lc.extend(
            s, store.tenant_id, rid, reason="many linked accounts", actor="dpo", now=T0 + timedelta(days=20)
        )
    assert view.extended and view.status == Status.extended
    assert view.due_at > before + timedelta(days=55)
    mail = store.last_mail("extended")
    assert "GDPR art. 12(3)" in str(mail.get_payload())


def test_gdpr_extension_too_late(store: Store) -> None:
    with store.session() as s:
        rid = _drive(s, store, Status.in_progress)
        with pytest.raises(DeadlineError, match="too late"):
            lc.extend(s, store.tenant_id, rid, reason="late", actor="dpo", now=T0 + timedelta(days=40))


def test_waiting_pauses_the_clock_only_where_the_regime_allows(store: Store) -> None:
    t = store.tenant_id
    with store.session() as s:
        for regime, pauses in (("gdpr", True), ("uu_pdp", False)):
            rid = _submit(s, store, regime=regime)
            vf.mark_verified(s, t, rid, actor="dpo", note="KTP", now=T0)
            due = lc.get(s, t, rid).due_at
            waiting = lc.wait_on_person(s, t, rid, reason="which account?", actor="dpo", now=T0 + timedelta(hours=1))
            assert waiting.paused is pauses
            back = lc.resume(s, t, rid, actor="subject", now=T0 + timedelta(hours=49))
            assert back.status == Status.identity_verified
            assert back.due_at == due + (timedelta(hours=48) if pauses else timedelta(0))


def test_overdue_and_due_soon_lists(store: Store) -> None:
    t = store.tenant_id
    now = T0 + timedelta(hours=60)
    with store.session() as s:
        overdue = lc.submit(s, t, right=Right.access, identity=EMAIL, regime="uu_pdp", now=T0 - timedelta(hours=20)).id
        soon = lc.submit(s, t, right=Right.erasure, identity=EMAIL, regime="uu_pdp", now=T0).id
        later = lc.submit(s, t, right=Right.access, identity=EMAIL, regime="gdpr", now=T0).id
        paused = lc.submit(s, t, right=Right.access, identity=EMAIL, regime="gdpr", now=T0 - timedelta(days=40)).id
        lc.wait_on_person(s, t, paused, reason="proof of identity", actor="dpo", now=T0 - timedelta(days=39))
        closed = lc.submit(s, t, right=Right.access, identity=EMAIL, regime="uu_pdp", now=T0 - timedelta(days=9)).id
        lc.withdraw(s, t, closed, actor="subject", now=T0)
        assert [v.id for v in lc.list_requests(s, t, overdue=True, now=now)] == [overdue]
        assert [v.id for v in lc.list_requests(s, t, due_within=timedelta(hours=24), now=now)] == [soon]
        open_ids = {v.id for v in lc.list_requests(s, t, now=now)}
        assert open_ids == {overdue, soon, later, paused}
        assert closed in {v.id for v in lc.list_requests(s, t, include_closed=True, now=now)}
        assert lc.get(s, t, overdue).overdue(now) and not lc.get(s, t, paused).overdue(now)


def test_rectification_keeps_values_sealed(store: Store) -> None:
    t = store.tenant_id
    with store.session() as s:
        with pytest.raises(JagaError, match="fields to change"):
            _submit(s, store, right=Right.rectification)
        with pytest.raises(JagaError, match="only rectification"):
            _submit(s, store, changes={"name": "x"})
        rid = _submit(s, store, right=Right.rectification, changes={"address": "Jl. Melati 7, Bandung"})
        vf.mark_verified(s, t, rid, actor="dpo", note="KTP", now=T0)
        assert lc.get(s, t, rid).changed_fields == ("address",)
        assert lc.verified_subject(s, t, rid).changes() == {"address": "Jl. Melati 7, Bandung"}
        s.commit()
    raw = "\n".join(p for _, p in store.audit_payloads())
    assert "Melati" not in raw and '"address"' in raw


@pytest.mark.parametrize("right", lc.REQUESTABLE)
def test_all_eight_rights_can_be_requested(store: Store, right: Right) -> None:
    changes = {"name": "A"} if right == Right.rectification else None
    with store.session() as s:
        for regime in ("uu_pdp", "gdpr"):
            view = lc.submit(s, store.tenant_id, right=right, identity=EMAIL, regime=regime, changes=changes, now=T0)
            assert view.status == Status.received and view.right == right


def test_refused_inputs(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(JagaError, match="unknown right"):
            lc.submit(s, store.tenant_id, right="nope", identity=EMAIL, regime="gdpr")
        with pytest.raises(JagaError, match="cannot be made"):
            lc.submit(s, store.tenant_id, right=Right.complaint, identity=EMAIL, regime="gdpr")
        with pytest.raises(JagaError, match="email or phone"):
            lc.submit(
                s, store.tenant_id, right="access", identity=Identity.of("nik", "3171234567890001"), regime="gdpr"
            )
        with pytest.raises(NotFoundError):
            lc.submit(s, store.tenant_id, right="access", identity=EMAIL, regime="ccpa")


def test_other_tenant_cannot_see_the_request(store: Store) -> None:
    with store.session() as s:
        rid = _submit(s, store)
        other = ensure_tenant(s, "other").id
        with pytest.raises(NotFoundError):
            lc.get(s, other, rid)
        with pytest.raises(NotFoundError):
            lc.complete(s, other, rid, actor="x")


def test_hooks_act_only_on_the_verified_subject(store: Store) -> None:
    t = store.tenant_id
    seen: list[lc.VerifiedSubject] = []

    def export(session: Session, subject: lc.VerifiedSubject) -> lc.Outcome:
        seen.append(subject)
        return lc.Outcome(summary="3 tables exported", facts={"rows": 12})

    hooks = lc.Hooks(
        handlers={
            Right.access: export,
            Right.information: lc.notice_handler(lambda regime, lang: f"notice {regime} {lang}"),
        }
    )
    with store.session() as s:
        rid = _submit(s, store)
        other = lc.submit(s, t, right=Right.access, identity=Identity.of("email", BOB), regime="gdpr", now=T0).id
        with pytest.raises(PermissionDenied):
            lc.execute(s, t, rid, hooks, actor="engine")
        with pytest.raises(PermissionDenied):
            lc.verified_subject(s, t, rid)
        vf.mark_verified(s, t, rid, actor="dpo", note="KTP", now=T0)
        view = lc.execute(s, t, rid, hooks, actor="engine", now=T0 + timedelta(hours=1))
        assert view.status == Status.completed and view.outcome == "3 tables exported"
        assert len(seen) == 1 and seen[0].identity().normalised() == ALICE.lower()
        assert seen[0].identity_hash == view.identity_hash != lc.get(s, t, other).identity_hash
        assert "value=<hidden>" in repr(seen[0].identity()) and ALICE not in repr(seen[0])
        info = _submit(s, store, right=Right.information)
        vf.mark_verified(s, t, info, actor="dpo", note="KTP", now=T0)
        assert lc.execute(s, t, info, hooks, actor="engine").outcome == "notice gdpr en"
        erase = _submit(s, store, right=Right.erasure)
        vf.mark_verified(s, t, erase, actor="dpo", note="KTP", now=T0)
        with pytest.raises(JagaError, match="no handler"):
            lc.execute(s, t, erase, hooks, actor="engine")
