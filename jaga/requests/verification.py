"""Proving that the person asking is the person whose data it is, before any data moves.

A six-digit one-time code goes to the email or phone named in the request; typing it back proves
control of that address. Only a keyed hash of the code is stored, bound to the request and to the
identity's HMAC, so a code can never verify another request or another person. Codes expire (15
minutes), allow 5 attempts, are compared in constant time and work once (a replay is refused).

Failed attempts must count even though the caller sees a failure, so :func:`verify_code` returns a
:class:`VerifyOutcome` instead of raising: the caller commits, then reports. Raising would roll the
attempt counter back and give an attacker unlimited guesses.

Per-code limits alone are not enough: one address can have many open requests from many clients, each
with its own code and tries. So wrong codes are also counted per identity and per tenant, across
requests and clients (:mod:`jaga.store.throttle`), with back-off: while either is paused every attempt
fails, even a right code, and the person is told by email when their identity is paused.

Staff may verify by other means (e.g. "KTP seen in person") with a note; that is audited like a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError
from jaga.ledger.identity import Identity, identity_hash
from jaga.requests import outbox
from jaga.requests.lifecycle import (
    IllegalTransition,
    Notifier,
    RequestView,
    Status,
    _load,
    _view,
    notify_person,
    transition,
)
from jaga.store import throttle
from jaga.store.base import utcnow
from jaga.store.models.requests import SubjectRequest, SubjectRequestCode
from jaga.store.secrets import tenant_secret

CODE_TTL = timedelta(minutes=15)
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
"""Codes sent per request per hour: stops the form being used to flood someone's inbox."""
PER_IDENTITY = throttle.Backoff(
    after=10, first=timedelta(minutes=15), cap=timedelta(hours=24), window=timedelta(days=1)
)
"""Wrong codes for one identity, over all its requests and clients, before its verification pauses."""
PER_TENANT = throttle.Backoff(after=300, first=timedelta(minutes=5), cap=timedelta(hours=1), window=timedelta(hours=1))
"""Wrong codes in a whole tenant within an hour (a distributed guess) before every verification pauses;
staff can still verify by other means."""
_SCOPE = "otp"
_TENANT = "tenant"


class CodeResult(StrEnum):
    verified = "verified"
    wrong = "wrong"
    expired = "expired"
    too_many_attempts = "too_many_attempts"
    already_used = "already_used"
    no_code = "no_code"
    paused = "paused"


_MESSAGES = {
    CodeResult.wrong: "the code is not right",
    CodeResult.expired: "the code has expired",
    CodeResult.too_many_attempts: "too many wrong codes",
    CodeResult.already_used: "the code was already used",
    CodeResult.no_code: "no code is waiting for this request",
    CodeResult.paused: "too many wrong codes for this person or site; verification is paused",
}


@dataclass(frozen=True)
class VerifyOutcome:
    """The result of one attempt; ``raise_for_failure`` turns a failure into a JagaError after commit."""

    result: CodeResult
    attempts_left: int
    request: RequestView

    @property
    def ok(self) -> bool:
        return self.result == CodeResult.verified

    def raise_for_failure(self) -> None:
        if self.ok:
            return
        hint = (
            f"{self.attempts_left} attempt(s) left"
            if self.result == CodeResult.wrong and self.attempts_left
            else "try again later, or let staff verify the identity by other means"
            if self.result == CodeResult.paused
            else "ask for a new code (`jaga dsr resend-code`)"
        )
        raise VerificationFailed(_MESSAGES[self.result], where=self.request.id, hint=hint)


class VerificationFailed(JagaError):
    """The code did not verify the request (wrong, expired, used, or too many attempts)."""


def _code_hash(tenant_id: int, request_id: str, subject: str, code: str) -> str:
    message = f"{request_id}:{subject}:{code}".encode()
    return hmac.new(tenant_secret(tenant_id, "otp"), message, hashlib.sha256).hexdigest()


def _revoke_open_codes(session: Session, request_id: str) -> None:
    session.execute(
        update(SubjectRequestCode)
        .where(SubjectRequestCode.request_id == request_id, SubjectRequestCode.used_at.is_(None))
        .values(revoked=True)
    )


def _awaiting_code(row: SubjectRequest) -> bool:
    return row.status == Status.received or (
        row.status == Status.waiting_on_person and row.resume_status == Status.received
    )


def send_code(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    ttl: timedelta = CODE_TTL,
    max_attempts: int = MAX_ATTEMPTS,
    notify: Notifier = outbox.send,
    actor: str = "system",
    now: datetime | None = None,
) -> outbox.Delivery:
    """Make a fresh code (earlier ones stop working) and send it to the request's own address."""
    now = now or utcnow()
    row = _load(session, tenant_id, request_id, lock=True)
    if not _awaiting_code(row):
        raise IllegalTransition(f"a request in {row.status} does not need a code", where=row.id)
    recent = session.scalar(
        select(func.count())
        .select_from(SubjectRequestCode)
        .where(SubjectRequestCode.request_id == row.id, SubjectRequestCode.created_at > now - timedelta(hours=1))
    )
    if (recent or 0) >= MAX_CODES_PER_HOUR:
        raise JagaError(
            "too many codes were sent for this request in the last hour",
            where=row.id,
            hint="wait an hour, or let staff verify the identity by other means",
        )
    _revoke_open_codes(session, row.id)
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        SubjectRequestCode(
            tenant_id=tenant_id,
            request_id=row.id,
            identity_hash=row.identity_hash,
            code_hash=_code_hash(tenant_id, row.id, row.identity_hash, code),
            expires_at=now + ttl,
            attempts=0,
            max_attempts=max_attempts,
            revoked=False,
            created_at=now,
        )
    )
    audit.append(
        session,
        tenant_id,
        "request.code_sent",
        {"request": row.id, "subject": row.identity_hash, "expires_at": (now + ttl).isoformat()},
        actor=actor,
        at=now,
    )
    delivery = notify_person(
        session, row, "code", notify, actor=actor, code=code, ttl_minutes=int(ttl.total_seconds() // 60)
    )
    session.flush()
    return delivery


def _to_verified(
    session: Session, row: SubjectRequest, *, actor: str, method: str, note: str | None, now: datetime
) -> None:
    if row.status == Status.waiting_on_person:  # the person answered the request for identification
        transition(session, row, Status.received, actor=actor, now=now, resuming=True)
    transition(session, row, Status.identity_verified, actor=actor, reason=note, data={"method": method}, now=now)
    row.verified_at = now
    row.verified_by = actor
    _revoke_open_codes(session, row.id)


def verify_code(
    session: Session,
    tenant_id: int,
    request_id: str,
    code: str,
    *,
    identity: Identity | None = None,
    actor: str = "subject",
    notify: Notifier = outbox.send,
    now: datetime | None = None,
) -> VerifyOutcome:
    """Check ``code`` for the request; on success the request becomes ``identity_verified``.

    ``identity``, when the caller knows who claims to be verifying (a logged-in web form), must be the
    request's own identity; anyone else's fails like a wrong code. The caller must commit even on failure.
    ``notify`` tells the person when repeated wrong codes pause the verification of their identity.
    """
    now = now or utcnow()
    row = _load(session, tenant_id, request_id, lock=True)
    owner = f"identity:{row.identity_hash}"
    if any(throttle.locked_until(session, tenant_id, _SCOPE, o, now=now) for o in (owner, _TENANT)):
        return _fail(session, row, CodeResult.paused, 0, actor, now)
    entry = session.scalar(
        select(SubjectRequestCode)
        .where(SubjectRequestCode.request_id == row.id, SubjectRequestCode.revoked.is_(False))
        .order_by(SubjectRequestCode.id.desc())
        .limit(1)
    )
    if entry is None:
        used = session.scalar(
            select(func.count())
            .select_from(SubjectRequestCode)
            .where(SubjectRequestCode.request_id == row.id, SubjectRequestCode.used_at.is_not(None))
        )
        result = CodeResult.already_used if used else CodeResult.no_code
        return _fail(session, row, result, 0, actor, now)
    if entry.used_at is not None or not _awaiting_code(row):
        return _fail(session, row, CodeResult.already_used, 0, actor, now)
    if entry.attempts >= entry.max_attempts:
        return _fail(session, row, CodeResult.too_many_attempts, 0, actor, now)
    if now > entry.expires_at:
        return _fail(session, row, CodeResult.expired, entry.max_attempts - entry.attempts, actor, now)
    entry.attempts += 1
    claimed = row.identity_hash if identity is None else identity_hash(tenant_id, identity)
    given = _code_hash(tenant_id, row.id, claimed, code.strip())
    matches = hmac.compare_digest(given, entry.code_hash)
    same_subject = hmac.compare_digest(claimed, row.identity_hash) and hmac.compare_digest(
        entry.identity_hash, row.identity_hash
    )
    if not (matches and same_subject):
        left = entry.max_attempts - entry.attempts
        _count_failure(session, row, notify, actor=actor, now=now)
        return _fail(session, row, CodeResult.wrong if left else CodeResult.too_many_attempts, left, actor, now)
    entry.used_at = now
    _to_verified(session, row, actor=actor, method="code", note=None, now=now)
    session.flush()
    return VerifyOutcome(CodeResult.verified, entry.max_attempts - entry.attempts, _view(row))


def _count_failure(session: Session, row: SubjectRequest, notify: Notifier, *, actor: str, now: datetime) -> None:
    """Count a wrong code for the identity and the tenant; when the identity's verification pauses, say so
    in the audit chain and tell the person (someone may be trying to get at their data)."""
    tenant = throttle.fail(session, row.tenant_id, _SCOPE, _TENANT, PER_TENANT, now=now)
    person = throttle.fail(session, row.tenant_id, _SCOPE, f"identity:{row.identity_hash}", PER_IDENTITY, now=now)
    for what, failure in (("tenant", tenant), ("identity", person)):
        if failure.locked_until is not None:
            payload = {"request": row.id, "scope": what, "failures": failure.failures}
            if what == "identity":
                payload["subject"] = row.identity_hash
            audit.append(
                session,
                row.tenant_id,
                "request.verification_paused",
                {**payload, "until": failure.locked_until.isoformat()},
                actor=actor,
                at=now,
            )
    if person.locked_until is not None:
        notify_person(session, row, "code_alert", notify, actor=actor, failures=person.failures)


def _fail(
    session: Session, row: SubjectRequest, result: CodeResult, left: int, actor: str, now: datetime
) -> VerifyOutcome:
    audit.append(
        session,
        row.tenant_id,
        "request.code_failed",
        {"request": row.id, "subject": row.identity_hash, "result": result.value, "attempts_left": left},
        actor=actor,
        at=now,
    )
    session.flush()
    return VerifyOutcome(result, left, _view(row))


def mark_verified(
    session: Session, tenant_id: int, request_id: str, *, actor: str, note: str, now: datetime | None = None
) -> RequestView:
    """Staff verified the person by other means; ``note`` says how (kept; scrubbed in the audit chain)."""
    if not note.strip():
        raise JagaError("say how the identity was verified", hint='e.g. --note "KTP seen in person"')
    now = now or utcnow()
    row = _load(session, tenant_id, request_id, lock=True)
    if not _awaiting_code(row):
        raise IllegalTransition(f"a request in {row.status} cannot be verified now", where=row.id)
    _to_verified(session, row, actor=actor, method="staff", note=note, now=now)
    session.flush()
    return _view(row)


__all__ = [
    "CODE_TTL",
    "MAX_ATTEMPTS",
    "CodeResult",
    "VerificationFailed",
    "VerifyOutcome",
    "mark_verified",
    "send_code",
    "verify_code",
]
