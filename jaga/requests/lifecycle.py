"""The life of a data-subject request, as a state machine that the law's deadlines run against.

::

    received ──► identity_verified ──► in_progress ──► completed
        │               │   ▲               │  ▲
        │               ▼   │               ▼  │
        └──────► waiting_on_person ◄──── extended
    (any open state) ──► refused (reason + article) | withdrawn

Every change is one row in ``subject_request_events`` (who, when, why) and one entry in the audit chain,
written in the caller's transaction, so the store and the chain never disagree. Illegal changes raise
:class:`IllegalTransition` naming what is allowed instead.

The person is known only by the HMAC of their verified identity (an email or phone they proved they
control); the one copy of the address, needed to reply, is sealed with a per-tenant Fernet key.
Execution (export, erasure, ledger events, notices) is plugged in through :class:`Hooks`: handlers get a
:class:`VerifiedSubject`, which can only be built for a verified request and only for its own identity.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError, NotFoundError, PermissionDenied
from jaga.ledger.identity import Identity, IdentityKind, identity_hash
from jaga.policy import UTC_ZONE, Right, show
from jaga.regimes import get_regime
from jaga.requests import outbox
from jaga.requests.deadlines import Clock, check_extension, rule_for
from jaga.requests.outbox import Channel, Delivery, Language, Message
from jaga.store.base import utcnow
from jaga.store.models.requests import SubjectRequest, SubjectRequestEvent
from jaga.store.secrets import tenant_secret


class Status(StrEnum):
    received = "received"
    identity_verified = "identity_verified"
    in_progress = "in_progress"
    waiting_on_person = "waiting_on_person"
    extended = "extended"
    completed = "completed"
    refused = "refused"
    withdrawn = "withdrawn"


LEGACY_ZONE = ZoneInfo("Asia/Jakarta")
"""The zone of requests stored before each request kept its own (the old process-wide default)."""

CLOSED = frozenset({Status.completed, Status.refused, Status.withdrawn})
OPEN = frozenset(Status) - CLOSED
WORKING = frozenset({Status.identity_verified, Status.in_progress, Status.extended})
"""States in which the identity is verified and the request may act on the subject's data."""

REQUESTABLE: tuple[Right, ...] = (
    Right.information,
    Right.access,
    Right.rectification,
    Right.erasure,
    Right.restriction,
    Right.portability,
    Right.objection,
    Right.withdraw_consent,
)
"""The rights a person can ask for through a request (complaints go to the authority, not here)."""

VERIFIABLE = (IdentityKind.email, IdentityKind.phone)
"""Identities a person can prove control of with a one-time code, and that we can reply to."""

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.received: frozenset({Status.identity_verified, Status.waiting_on_person, Status.refused, Status.withdrawn}),
    Status.identity_verified: frozenset(
        {
            Status.in_progress,
            Status.waiting_on_person,
            Status.extended,
            Status.completed,
            Status.refused,
            Status.withdrawn,
        }
    ),
    Status.in_progress: frozenset(
        {Status.waiting_on_person, Status.extended, Status.completed, Status.refused, Status.withdrawn}
    ),
    Status.extended: frozenset({Status.waiting_on_person, Status.completed, Status.refused, Status.withdrawn}),
    # leaving waiting_on_person goes back to where the request was (``resume_status``) or closes it
    Status.waiting_on_person: frozenset(
        {
            Status.received,
            Status.identity_verified,
            Status.in_progress,
            Status.extended,
            Status.refused,
            Status.withdrawn,
        }
    ),
    Status.completed: frozenset(),
    Status.refused: frozenset(),
    Status.withdrawn: frozenset(),
}


class IllegalTransition(JagaError):
    """A state change the lifecycle does not allow (e.g. completing a refused request)."""


Notifier = Callable[[Message], Delivery]
"""Delivers a message to the person; :func:`jaga.requests.outbox.send` by default."""


# ---------------------------------------------------------------- sealing and scrubbing


def _fernet(tenant_id: int) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(tenant_secret(tenant_id, "contact")))


def seal(tenant_id: int, text: str) -> str:
    """Encrypt ``text`` with the tenant's contact key (for addresses and rectification values)."""
    return _fernet(tenant_id).encrypt(text.encode()).decode()


def unseal(tenant_id: int, token: str) -> str:
    """Decrypt a value sealed by :func:`seal`; a wrong key is a configuration error, said without the value."""
    try:
        return _fernet(tenant_id).decrypt(token.encode()).decode()
    except InvalidToken:
        raise PermissionDenied(
            "cannot unseal a stored contact address", hint="the master secret changed since the request was made"
        ) from None


_EMAILS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_LONG_NUMBERS = re.compile(r"\+?\d[\d\s.\-]{5,}\d")


def scrub(text: str | None) -> str | None:
    """Free text for the audit chain with e-mail addresses and long numbers (phones, NIK) blanked.

    Staff write reasons; they sometimes paste an address or a NIK. The chain is kept for years and is
    exported to auditors, so it gets the reason without those; the request's own record keeps the text.
    """
    if text is None:
        return None
    return _LONG_NUMBERS.sub("[number]", _EMAILS.sub("[email]", text))


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class RequestView:
    """A request as callers see it: no address, no code, the identity only as its HMAC."""

    id: str
    tenant_id: int
    regime: str
    right: Right
    language: Language
    status: Status
    identity_kind: str
    identity_hash: str
    received_at: datetime
    due_at: datetime
    paused: bool
    extended: bool
    verified_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    changed_fields: tuple[str, ...] = ()
    zone: ZoneInfo = LEGACY_ZONE
    """The controller's zone the deadline is counted and shown in (kept on the request)."""

    def overdue(self, now: datetime | None = None) -> bool:
        """Open, clock running, and past the deadline."""
        return self.status in OPEN and not self.paused and (now or utcnow()) > self.due_at

    @property
    def due_local(self) -> str:
        return show(self.due_at, self.zone)


@dataclass(frozen=True)
class TransitionView:
    seq: int
    from_status: Status | None
    to_status: Status
    at: datetime
    actor: str
    reason: str | None
    article: str | None
    data: Mapping[str, Any]


def _changed_fields(row: SubjectRequest) -> tuple[str, ...]:
    if not row.changes_sealed:
        return ()
    return tuple(sorted(json.loads(unseal(row.tenant_id, row.changes_sealed))))


def _view(row: SubjectRequest) -> RequestView:
    return RequestView(
        id=row.id,
        tenant_id=row.tenant_id,
        regime=row.regime,
        right=Right(row.right),
        language="id" if row.language == "id" else "en",
        status=Status(row.status),
        identity_kind=row.identity_kind,
        identity_hash=row.identity_hash,
        received_at=row.received_at,
        due_at=row.due_at,
        paused=row.paused_since is not None,
        extended=row.extended,
        verified_at=row.verified_at,
        closed_at=row.closed_at,
        outcome=row.outcome,
        changed_fields=_changed_fields(row),
        zone=_zone(row),
    )


# ---------------------------------------------------------------- internals


def _load(session: Session, tenant_id: int, request_id: str, *, lock: bool = False) -> SubjectRequest:
    """The tenant's request; another tenant's id is simply not found (no existence leak)."""
    query = select(SubjectRequest).where(SubjectRequest.id == request_id, SubjectRequest.tenant_id == tenant_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError(f"no request {request_id!r}", hint="list requests with `jaga dsr list`")
    return row


def _zone(row: SubjectRequest) -> ZoneInfo:
    return ZoneInfo(row.timezone) if row.timezone else LEGACY_ZONE


def _clock(row: SubjectRequest) -> Clock:
    paused = timedelta(seconds=row.paused_seconds)
    return Clock(row.regime, Right(row.right), row.received_at, paused, row.extended, _zone(row))


def _new_id(session: Session) -> str:
    while True:
        candidate = f"REQ-{secrets.token_hex(5).upper()}"
        if session.get(SubjectRequest, candidate) is None:
            return candidate


def _contact(row: SubjectRequest) -> tuple[Channel, str]:
    if not row.contact_sealed:
        raise PermissionDenied("the request's contact address was already purged", where=row.id)
    kind, _, value = unseal(row.tenant_id, row.contact_sealed).partition(":")
    return ("sms" if kind == IdentityKind.phone.value else "email"), value


def _context(row: SubjectRequest, **extra: Any) -> dict[str, Any]:
    reg = get_regime(row.regime)
    rule = rule_for(row.regime, Right(row.right))
    return {
        "right": row.right,
        "regime_name": reg.name_id if row.language == "id" else reg.name,
        "received": show(row.received_at, _zone(row)),
        "due": show(row.due_at, _zone(row)),
        "deadline_article": rule.deadline_article or rule.article,
        **extra,
    }


def notify_person(
    session: Session, row: SubjectRequest, template: str, notify: Notifier, *, actor: str, **extra: Any
) -> Delivery:
    """Send ``template`` to the request's address in the request's language and audit that it went."""
    channel, address = _contact(row)
    language: Language = "id" if row.language == "id" else "en"
    message = outbox.compose(
        template, language, to=address, channel=channel, request_id=row.id, context=_context(row, **extra)
    )
    delivery = notify(message)
    audit.append(
        session,
        row.tenant_id,
        "request.message_sent",
        {
            "request": row.id,
            "template": template,
            "language": language,
            "channel": channel,
            "transport": delivery.transport,
        },
        actor=actor,
    )
    return delivery


def transition(
    session: Session,
    row: SubjectRequest,
    to: Status,
    *,
    actor: str,
    reason: str | None = None,
    article: str | None = None,
    data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    resuming: bool = False,
) -> None:
    """Move ``row`` to ``to`` if the lifecycle allows it, keeping the clock and recording who, when and why.

    The building block of every public action here and in :mod:`jaga.requests.verification`; callers
    outside this package use those actions instead.
    """
    now = now or utcnow()
    current = Status(row.status)
    allowed = _ALLOWED[current]
    if current == Status.waiting_on_person:  # only resume() goes back, and only to where it was
        back = {Status(row.resume_status or Status.received)} if resuming else set()
        allowed = frozenset({*back, Status.refused, Status.withdrawn})
    if to not in allowed:
        options = ", ".join(sorted(allowed)) or "none: the request is closed"
        raise IllegalTransition(
            f"a request cannot go from {current.value} to {to.value}", where=row.id, hint=f"allowed next: {options}"
        )
    if current == Status.waiting_on_person:
        if row.paused_since is not None:
            row.paused_seconds += max(0, int((now - row.paused_since).total_seconds()))
            row.paused_since = None
        row.resume_status = None
    if to == Status.waiting_on_person:
        row.resume_status = current.value
        if rule_for(row.regime, Right(row.right)).pausable:
            row.paused_since = now
    if to in CLOSED:
        row.closed_at = now
    row.status = to.value
    row.due_at = _clock(row).due()
    seq = (
        session.scalar(select(func.max(SubjectRequestEvent.seq)).where(SubjectRequestEvent.request_id == row.id)) or 0
    ) + 1
    facts = dict(data or {})
    session.add(
        SubjectRequestEvent(
            tenant_id=row.tenant_id,
            request_id=row.id,
            seq=seq,
            from_status=current.value if seq > 1 else None,
            to_status=to.value,
            at=now,
            actor=actor,
            reason=reason,
            article=article,
            data=json.dumps(facts),
        )
    )
    audit.append(
        session,
        row.tenant_id,
        f"request.{to.value}",
        {
            "request": row.id,
            "regime": row.regime,
            "right": row.right,
            "subject": row.identity_hash,
            "from": current.value,
            "to": to.value,
            "due_at": row.due_at.isoformat(),
            "paused": row.paused_since is not None,
            "reason": scrub(reason),
            "article": article,
            "data": facts,
        },
        actor=actor,
        at=now,
    )
    session.flush()


# ---------------------------------------------------------------- public actions


def submit(
    session: Session,
    tenant_id: int,
    *,
    right: Right | str,
    identity: Identity,
    regime: str,
    language: Language = "en",
    changes: Mapping[str, str] | None = None,
    actor: str = "subject",
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
    zone: ZoneInfo = UTC_ZONE,
) -> RequestView:
    """Record a new request (status ``received``, clock started) and acknowledge it to the person.

    ``zone`` is the controller's (``policy.controller.zone.zone``): the request keeps it, and its deadline
    is counted and shown in it from now on.

    The identity must be an email or phone: the person proves control of it with a code
    (:func:`jaga.requests.verification.send_code`) and replies go there. For rectification ``changes``
    maps each field to its new value; values are sealed, only field names reach the audit chain.
    """
    now = now or utcnow()
    try:
        right = Right(right)
    except ValueError:
        raise JagaError(f"unknown right {right!r}", hint=f"use one of {', '.join(REQUESTABLE)}") from None
    if right not in REQUESTABLE:
        raise JagaError(
            f"a {right.value} cannot be made as a request here", hint=f"use one of {', '.join(REQUESTABLE)}"
        )
    if language not in outbox.LANGUAGES:
        raise JagaError(f"unknown language {language!r}", hint="use en or id")
    if identity.kind not in VERIFIABLE:
        raise JagaError(
            f"a request needs an email or phone the person can confirm, not {identity.kind.value}",
            hint="give --identity email=... or --identity phone=...",
        )
    rule = rule_for(regime, right)
    if right == Right.rectification and not changes:
        raise JagaError("a rectification request needs the fields to change", hint="give --change field=new value")
    if changes and right != Right.rectification:
        raise JagaError("only rectification requests carry fields to change")
    normal = identity.normalised()
    row = SubjectRequest(
        id=_new_id(session),
        tenant_id=tenant_id,
        regime=regime,
        right=right.value,
        language=language,
        status=Status.received.value,
        identity_kind=identity.kind.value,
        identity_hash=identity_hash(tenant_id, identity),
        contact_sealed=seal(tenant_id, f"{identity.kind.value}:{normal}"),
        changes_sealed=seal(tenant_id, json.dumps(dict(changes), sort_keys=True)) if changes else None,
        received_at=now,
        due_at=now,
        timezone=zone.key,
        paused_seconds=0,
        extended=False,
        created_at=now,
    )
    session.add(row)
    row.due_at = _clock(row).due()
    session.flush()
    session.add(
        SubjectRequestEvent(
            tenant_id=tenant_id,
            request_id=row.id,
            seq=1,
            from_status=None,
            to_status=Status.received.value,
            at=now,
            actor=actor,
            reason=None,
            article=rule.article,
            data=json.dumps({"fields": sorted(changes or {})}),
        )
    )
    audit.append(
        session,
        tenant_id,
        "request.received",
        {
            "request": row.id,
            "regime": regime,
            "right": right.value,
            "subject": row.identity_hash,
            "identity_kind": identity.kind.value,
            "language": language,
            "due_at": row.due_at.isoformat(),
            "deadline_article": rule.deadline_article,
            "statutory": rule.statutory_deadline,
            "fields": sorted(changes or {}),
        },
        actor=actor,
        at=now,
    )
    if notify is not None:
        notify_person(session, row, "received", notify, actor=actor)
    session.flush()
    return _view(row)


def get(session: Session, tenant_id: int, request_id: str) -> RequestView:
    """One request of the tenant."""
    return _view(_load(session, tenant_id, request_id))


def timeline(session: Session, tenant_id: int, request_id: str) -> list[TransitionView]:
    """Every state change of the request, oldest first."""
    _load(session, tenant_id, request_id)
    rows = session.scalars(
        select(SubjectRequestEvent)
        .where(SubjectRequestEvent.request_id == request_id)
        .order_by(SubjectRequestEvent.seq)
    )
    return [
        TransitionView(
            r.seq,
            Status(r.from_status) if r.from_status else None,
            Status(r.to_status),
            r.at,
            r.actor,
            r.reason,
            r.article,
            json.loads(r.data),
        )
        for r in rows
    ]


def list_requests(
    session: Session,
    tenant_id: int,
    *,
    overdue: bool = False,
    due_within: timedelta | None = None,
    include_closed: bool = False,
    now: datetime | None = None,
) -> list[RequestView]:
    """The tenant's requests by deadline; ``overdue`` or ``due_within`` narrow to open, running clocks.

    Paused requests (waiting on the person where the law stops the clock) are neither overdue nor due
    soon: their deadline moves when the person answers.
    """
    now = now or utcnow()
    query = select(SubjectRequest).where(SubjectRequest.tenant_id == tenant_id)
    if overdue or due_within is not None or not include_closed:
        query = query.where(SubjectRequest.status.in_([s.value for s in OPEN]))
    if overdue or due_within is not None:
        query = query.where(SubjectRequest.paused_since.is_(None))
    if overdue:
        query = query.where(SubjectRequest.due_at < now)
    if due_within is not None:
        query = query.where(SubjectRequest.due_at >= now, SubjectRequest.due_at <= now + due_within)
    return [_view(r) for r in session.scalars(query.order_by(SubjectRequest.due_at, SubjectRequest.id))]


def _act(
    session: Session,
    tenant_id: int,
    request_id: str,
    to: Status,
    *,
    actor: str,
    now: datetime | None,
    reason: str | None = None,
    article: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> SubjectRequest:
    row = _load(session, tenant_id, request_id, lock=True)
    transition(session, row, to, actor=actor, reason=reason, article=article, data=data, now=now)
    return row


def start(session: Session, tenant_id: int, request_id: str, *, actor: str, now: datetime | None = None) -> RequestView:
    """Begin work on a verified request."""
    return _view(_act(session, tenant_id, request_id, Status.in_progress, actor=actor, now=now))


def wait_on_person(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    reason: str,
    actor: str,
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
) -> RequestView:
    """Ask the person for something; the clock stops only where the regime allows (``pausable``)."""
    if not reason.strip():
        raise JagaError("say what is needed from the person", hint="give --reason")
    row = _load(session, tenant_id, request_id, lock=True)
    pauses = rule_for(row.regime, Right(row.right)).pausable
    transition(
        session, row, Status.waiting_on_person, actor=actor, reason=reason, data={"clock_paused": pauses}, now=now
    )
    if notify is not None:
        notify_person(session, row, "waiting", notify, actor=actor, reason=reason, pauses=pauses)
    return _view(row)


def resume(
    session: Session, tenant_id: int, request_id: str, *, actor: str, now: datetime | None = None
) -> RequestView:
    """The person answered: go back to where the request was, with the paused time added to the deadline."""
    row = _load(session, tenant_id, request_id, lock=True)
    if row.status != Status.waiting_on_person or row.resume_status is None:
        raise IllegalTransition(f"a request in {row.status} is not waiting on the person", where=row.id)
    transition(session, row, Status(row.resume_status), actor=actor, now=now, resuming=True)
    return _view(row)


def extend(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    reason: str,
    actor: str,
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
) -> RequestView:
    """Extend the deadline where the law allows, telling the person why in the same transaction.

    GDPR art. 12(3): two further months, once, noticed within the first month. UU PDP: refused, citing
    the article. The notice is part of the extension: if it cannot be sent, nothing is extended.
    """
    now = now or utcnow()
    if not reason.strip():
        raise JagaError("an extension needs its reason (the person is told)", hint="give --reason")
    row = _load(session, tenant_id, request_id, lock=True)
    if Status.extended not in _ALLOWED[Status(row.status)]:
        raise IllegalTransition(
            f"a request in {row.status} cannot be extended",
            where=row.id,
            hint="extend a verified request that is being worked on",
        )
    if notify is None:
        raise JagaError("an extension must be notified to the person", hint="pass a notifier")
    rule = check_extension(_clock(row), now)
    row.extended = True
    transition(
        session,
        row,
        Status.extended,
        actor=actor,
        reason=reason,
        article=rule.extension_article,
        data={"extension": str(rule.extension)},
        now=now,
    )
    notify_person(session, row, "extended", notify, actor=actor, reason=reason, article=rule.extension_article)
    return _view(row)


def complete(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    actor: str,
    summary: str | None = None,
    facts: Mapping[str, Any] | None = None,
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
) -> RequestView:
    """Close the request as done; ``summary`` goes to the person, ``facts`` (no personal data) to the audit."""
    row = _load(session, tenant_id, request_id, lock=True)
    transition(session, row, Status.completed, actor=actor, data=dict(facts or {}), now=now)
    row.outcome = summary
    if notify is not None:
        notify_person(session, row, "completed", notify, actor=actor, summary=summary or "")
    return _view(row)


def refuse(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    reason: str,
    article: str,
    actor: str,
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
) -> RequestView:
    """Refuse with the reason and the article that allows refusing; the person is told both."""
    if not reason.strip() or not article.strip():
        raise JagaError("a refusal needs a reason and the article that allows it", hint="give --reason and --article")
    row = _load(session, tenant_id, request_id, lock=True)
    transition(session, row, Status.refused, actor=actor, reason=reason, article=article, now=now)
    row.outcome = reason
    if notify is not None:
        notify_person(session, row, "refused", notify, actor=actor, reason=reason, article=article)
    return _view(row)


def withdraw(
    session: Session,
    tenant_id: int,
    request_id: str,
    *,
    actor: str,
    reason: str | None = None,
    notify: Notifier | None = outbox.send,
    now: datetime | None = None,
) -> RequestView:
    """The person withdrew the request: close it and confirm."""
    row = _load(session, tenant_id, request_id, lock=True)
    transition(session, row, Status.withdrawn, actor=actor, reason=reason, now=now)
    if notify is not None:
        notify_person(session, row, "withdrawn", notify, actor=actor)
    return _view(row)


# ---------------------------------------------------------------- the seam to execution


@dataclass(frozen=True)
class VerifiedSubject:
    """The verified person behind one request: the only thing execution handlers are given.

    Built only by :func:`verified_subject`, which refuses unverified or closed requests and checks that
    the sealed address still hashes to the verified identity, so a handler can never act for anyone else.
    """

    tenant_id: int
    request_id: str
    regime: str
    right: Right
    language: Language
    identity_hash: str
    _identity: Identity = field(repr=False)
    _changes: Mapping[str, str] = field(repr=False, default_factory=dict)

    def identity(self) -> Identity:
        """The verified identity itself, for engines that must find the person in company databases."""
        return self._identity

    def changes(self) -> Mapping[str, str]:
        """For rectification: field -> new value, as the person asked."""
        return dict(self._changes)


def verified_subject(session: Session, tenant_id: int, request_id: str) -> VerifiedSubject:
    """The verified subject of a request that may act now, or :class:`PermissionDenied`."""
    row = _load(session, tenant_id, request_id)
    if row.verified_at is None or Status(row.status) not in WORKING:
        raise PermissionDenied(
            f"request is {row.status}; data can be touched only for a verified request being worked on",
            where=row.id,
            hint="verify the identity first (code, or staff with a note)",
        )
    channel_kind, value = unseal(tenant_id, row.contact_sealed or "").partition(":")[::2]
    ident = Identity(IdentityKind(channel_kind), value)
    if not hmac.compare_digest(identity_hash(tenant_id, ident), row.identity_hash):
        raise PermissionDenied("the stored address does not match the verified identity", where=row.id)
    changes = json.loads(unseal(tenant_id, row.changes_sealed)) if row.changes_sealed else {}
    return VerifiedSubject(
        tenant_id, row.id, row.regime, Right(row.right), _view(row).language, row.identity_hash, ident, changes
    )


@dataclass(frozen=True)
class Outcome:
    """What a handler did: ``summary`` is told to the person, ``facts`` (counts, no personal data) audited.

    ``done=False`` leaves the request in progress (e.g. an export that a worker finishes later).
    """

    summary: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    done: bool = True


class Handler(Protocol):
    """Carries out one right for a verified subject (the DSR engine, the ledger, the notice generator)."""

    def __call__(self, session: Session, subject: VerifiedSubject) -> Outcome: ...


class NoticeSource(Protocol):
    """Produces the privacy notice text for a regime and language (``jaga.notices``, when it lands)."""

    def __call__(self, regime: str, language: Language) -> str: ...


def notice_handler(source: NoticeSource) -> Handler:
    """A handler for the right to information: it answers with the generated notice."""

    def handle(session: Session, subject: VerifiedSubject) -> Outcome:
        return Outcome(summary=source(subject.regime, subject.language), facts={"notice": "generated"})

    return handle


@dataclass(frozen=True)
class Hooks:
    """The handlers the lead wires in, per right; absent rights are handled by people (start/complete)."""

    handlers: Mapping[Right, Handler] = field(default_factory=dict)
    notify: Notifier | None = outbox.send


def execute(
    session: Session, tenant_id: int, request_id: str, hooks: Hooks, *, actor: str, now: datetime | None = None
) -> RequestView:
    """Run the plugged-in handler for the request's right on its verified subject, then complete it."""
    subject = verified_subject(session, tenant_id, request_id)
    handler = hooks.handlers.get(subject.right)
    if handler is None:
        raise JagaError(
            f"no handler is plugged in for {subject.right.value}",
            where=request_id,
            hint="handle it by hand and run `jaga dsr complete`",
        )
    row = _load(session, tenant_id, request_id, lock=True)
    if row.status == Status.identity_verified:
        transition(session, row, Status.in_progress, actor=actor, now=now)
    outcome = handler(session, subject)
    if not outcome.done:
        return _view(row)
    return complete(
        session,
        tenant_id,
        request_id,
        actor=actor,
        summary=outcome.summary,
        facts=outcome.facts,
        notify=hooks.notify,
        now=now,
    )


__all__ = [
    "CLOSED",
    "OPEN",
    "REQUESTABLE",
    "WORKING",
    "Handler",
    "Hooks",
    "IllegalTransition",
    "NoticeSource",
    "Notifier",
    "Outcome",
    "RequestView",
    "Status",
    "TransitionView",
    "VerifiedSubject",
    "complete",
    "execute",
    "extend",
    "get",
    "list_requests",
    "notice_handler",
    "refuse",
    "resume",
    "start",
    "submit",
    "timeline",
    "verified_subject",
    "wait_on_person",
    "withdraw",
]
