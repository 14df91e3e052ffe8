"""One-time codes: expiry, wrong codes, attempt limit, replay, another identity; staff verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jaga.errors import JagaError
from jaga.ledger.identity import Identity
from jaga.policy import Right
from jaga.requests import lifecycle as lc
from jaga.requests import verification as vf
from jaga.requests.lifecycle import IllegalTransition, Status
from jaga.requests.verification import CodeResult, VerificationFailed
from jaga.store.models.requests import SubjectRequestCode
from tests.lifecycle.conftest import ALICE, BOB, T0, Store


def _request(store: Store, email: str = ALICE) -> tuple[str, str]:
    """A received request and the code that was sent for it."""
    with store.session() as s:
        rid = lc.submit(
            s, store.tenant_id, right=Right.access, identity=Identity.of("email", email), regime="uu_pdp", now=T0
        ).id
        vf.send_code(s, store.tenant_id, rid, now=T0)
        s.commit()
    return rid, store.last_code()


def _try(store: Store, rid: str, code: str, minutes: float = 1, **kw: object) -> vf.VerifyOutcome:
    """One attempt in its own committed transaction, as the CLI and API do."""
    with store.session() as s:
        outcome = vf.verify_code(s, store.tenant_id, rid, code, now=T0 + timedelta(minutes=minutes), **kw)  # type: ignore[arg-type]
        s.commit()
    return outcome


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_and_stored_hashed(store: Store) -> None:
    _, code = _request(store)
    assert len(code) == 6 and code.isdigit()
    with store.session() as s:
        stored = s.scalars(select(SubjectRequestCode)).one()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert code not in "\n".join(p for _, p in store.audit_payloads())


def test_right_code_verifies(store: Store) -> None:
    rid, code = _request(store)
    outcome = _try(store, rid, f" {code} ")
    assert outcome.ok and outcome.request.status == Status.identity_verified
    outcome.raise_for_failure()


def test_wrong_code_counts_and_is_persisted(store: Store) -> None:
    rid, code = _request(store)
    first = _try(store, rid, _wrong(code))
    assert (first.result, first.attempts_left) == (CodeResult.wrong, 4)
    with pytest.raises(VerificationFailed, match="not right"):
        first.raise_for_failure()
    assert _try(store, rid, "abc").attempts_left == 3
    assert _try(store, rid, code).ok


def test_expired_code(store: Store) -> None:
    rid, code = _request(store)
    outcome = _try(store, rid, code, minutes=16)
    assert outcome.result == CodeResult.expired and not outcome.ok
    with store.session() as s:
        assert lc.get(s, store.tenant_id, rid).status == Status.received


def test_custom_ttl(store: Store) -> None:
    rid, _ = _request(store)
    with store.session() as s:
        vf.send_code(s, store.tenant_id, rid, ttl=timedelta(minutes=1), now=T0)
        s.commit()
    assert _try(store, rid, store.last_code(), minutes=2).result == CodeResult.expired


def test_too_many_attempts_locks_even_the_right_code(store: Store) -> None:
    rid, code = _request(store)
    results = [_try(store, rid, _wrong(code)).result for _ in range(5)]
    assert results == [CodeResult.wrong] * 4 + [CodeResult.too_many_attempts]
    assert _try(store, rid, code).result == CodeResult.too_many_attempts
    failed = [p for k, p in store.audit_payloads() if k == "request.code_failed"]
    assert len(failed) == 6


def test_replay_is_refused(store: Store) -> None:
    rid, code = _request(store)
    assert _try(store, rid, code).ok
    replay = _try(store, rid, code, minutes=2)
    assert replay.result == CodeResult.already_used
    with store.session() as s:
        assert len(lc.timeline(s, store.tenant_id, rid)) == 2  # received, identity_verified; nothing more


def test_new_code_replaces_the_old(store: Store) -> None:
    rid, old = _request(store)
    with store.session() as s:
        vf.send_code(s, store.tenant_id, rid, now=T0)
        s.commit()
    new = store.last_code()
    if new != old:
        assert _try(store, rid, old).result == CodeResult.wrong
    assert _try(store, rid, new).ok


def test_another_identity_never_verifies_the_request(store: Store) -> None:
    alice, alice_code = _request(store, ALICE)
    bob, bob_code = _request(store, BOB)
    # Bob's valid code does not open Alice's request (unless the six digits collide by chance)
    if bob_code != alice_code:
        assert _try(store, alice, bob_code).result == CodeResult.wrong
    # a caller claiming to be Bob cannot use Alice's code on Alice's request
    claimed = _try(store, alice, alice_code, identity=Identity.of("email", BOB))
    assert claimed.result == CodeResult.wrong
    # Alice, correctly: verified, and only her hash is on the request
    assert _try(store, alice, alice_code, identity=Identity.of("email", ALICE.upper())).ok
    with store.session() as s:
        subject = lc.verified_subject(s, store.tenant_id, alice)
        assert subject.identity().normalised() == ALICE.lower()
        assert subject.identity_hash != lc.get(s, store.tenant_id, bob).identity_hash
        assert lc.get(s, store.tenant_id, bob).status == Status.received


def test_no_code_and_closed_requests(store: Store) -> None:
    with store.session() as s:
        rid = lc.submit(
            s, store.tenant_id, right="erasure", identity=Identity.of("email", ALICE), regime="gdpr", now=T0
        ).id
        s.commit()
    assert _try(store, rid, "123456").result == CodeResult.no_code
    with store.session() as s:
        vf.send_code(s, store.tenant_id, rid, now=T0)
        lc.withdraw(s, store.tenant_id, rid, actor="subject", now=T0)
        s.commit()
    assert not _try(store, rid, store.last_code()).ok
    with store.session() as s, pytest.raises(IllegalTransition):
        vf.send_code(s, store.tenant_id, rid, now=T0)


def test_code_sending_is_rate_limited(store: Store) -> None:
    rid, _ = _request(store)
    with store.session() as s:
        for _ in range(vf.MAX_CODES_PER_HOUR - 1):
            vf.send_code(s, store.tenant_id, rid, now=T0)
        with pytest.raises(JagaError, match="too many codes"):
            vf.send_code(s, store.tenant_id, rid, now=T0)


def test_staff_verification_with_note_is_audited_and_scrubbed(store: Store) -> None:
    rid, _ = _request(store)
    with store.session() as s:
        with pytest.raises(JagaError, match="say how"):
            vf.mark_verified(s, store.tenant_id, rid, actor="dpo", note="  ")
        view = vf.mark_verified(
            s, store.tenant_id, rid, actor="dpo@acme", note="KTP 3171234567890001 seen in person", now=T0
        )
        step = lc.timeline(s, store.tenant_id, rid)[-1]
        s.commit()
    assert view.status == Status.identity_verified
    assert (step.actor, step.data["method"]) == ("dpo@acme", "staff")
    entries = [p for k, p in store.audit_payloads() if k == "request.identity_verified"]
    assert len(entries) == 1 and "seen in person" in entries[0] and "staff" in entries[0]
    assert "3171234567890001" not in entries[0]
    assert _try(store, rid, store.last_code()).result == CodeResult.no_code  # the outstanding code was revoked


def test_verification_after_waiting_for_identification(store: Store) -> None:
    rid, code = _request(store)
    with store.session() as s:
        lc.wait_on_person(s, store.tenant_id, rid, reason="send a photo of your KTP", actor="dpo", now=T0)
        s.commit()
    assert _try(store, rid, code).ok
    with store.session() as s:
        steps = [x.to_status for x in lc.timeline(s, store.tenant_id, rid)]
    assert steps == ["received", "waiting_on_person", "received", "identity_verified"]


def _request_at(store: Store, email: str, minutes: float, language: str = "en") -> tuple[str, str]:
    with store.session() as s:
        at = T0 + timedelta(minutes=minutes)
        rid = lc.submit(
            s,
            store.tenant_id,
            right=Right.erasure,
            identity=Identity.of("email", email),
            regime="uu_pdp",
            language=language,
            now=at,
        ).id
        vf.send_code(s, store.tenant_id, rid, now=at)
        s.commit()
    return rid, store.last_code()


def test_wrong_codes_count_per_identity_across_requests(store: Store) -> None:
    """Many requests for one address, each with its own five tries, do not add up to fifty guesses: after
    ``PER_IDENTITY.after`` wrong codes over all of them, every attempt fails (even the right code) until
    the back-off ends, the person is told by email in their language, and other people are unaffected."""
    requests = [_request_at(store, ALICE, 0, "id") for _ in range(3)]
    tries = [4, 4, 2]
    for (rid, code), n in zip(requests, tries, strict=True):
        for _ in range(n):
            assert _try(store, rid, _wrong(code)).result in (CodeResult.wrong, CodeResult.too_many_attempts)
    rid, code = requests[2]
    paused = _try(store, rid, code)
    assert paused.result == CodeResult.paused and not paused.ok
    with pytest.raises(VerificationFailed, match="paused"):
        paused.raise_for_failure()
    alert = store.last_mail("code_alert")
    assert "Kode salah berulang kali" in str(alert["Subject"]) and alert["To"] == ALICE.lower()
    kinds = [k for k, _ in store.audit_payloads()]
    assert kinds.count("request.verification_paused") == 1
    assert ALICE.lower() not in "\n".join(p for _, p in store.audit_payloads()).lower()

    other, bob_code = _request_at(store, BOB, 1)
    assert _try(store, other, bob_code, minutes=2).ok

    with store.session() as s:
        vf.send_code(s, store.tenant_id, rid, now=T0 + timedelta(minutes=17))
        s.commit()
    assert _try(store, rid, store.last_code(), minutes=18).ok  # the back-off ended


def test_a_tenant_wide_flood_of_wrong_codes_pauses_verification(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guessing spread over many addresses is bounded too: per tenant, with back-off."""
    monkeypatch.setattr(vf, "PER_TENANT", vf.throttle.Backoff(3, timedelta(minutes=5), timedelta(hours=1)))
    people = [_request_at(store, f"orang{i}@contoh.co.id", 0) for i in range(3)]
    for rid, code in people:
        assert _try(store, rid, _wrong(code)).result == CodeResult.wrong
    rid, code = _request_at(store, BOB, 0)
    assert _try(store, rid, code, minutes=2).result == CodeResult.paused
    assert _try(store, rid, code, minutes=7).ok
