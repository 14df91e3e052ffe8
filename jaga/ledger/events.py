"""Writing and reading the ledger: subjects, identity links, guardians, events and their state.

Every write goes to three places in the caller's transaction: the append-only ``ledger_events`` row, the
materialised state (updated incrementally, or re-folded when an event arrives out of time order) and
the audit chain (with the subject's HMAC key only). Reads at a past time fold the events up to that time
unless the cached state is known to be unchanged since then.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Self, cast

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import JagaError, NotFoundError, PermissionDenied
from jaga.ledger import _fast
from jaga.ledger.identity import Identity, identity_hash, proof_hash
from jaga.ledger.state import (
    CHANNEL_KINDS,
    PURPOSE_KINDS,
    ConsentForm,
    EventKind,
    EventRecord,
    PurposeState,
    SubjectState,
    apply,
    fold,
)
from jaga.policy import Policy
from jaga.store.base import utcnow
from jaga.store.db import driver
from jaga.store.models.ledger import (
    LedgerEvent,
    LedgerGuardian,
    LedgerIdentity,
    LedgerPurposeState,
    LedgerState,
    LedgerSubject,
)

SubjectRef = str | Identity
"""A subject named by its ledger key (the hex HMAC) or by one of its identities."""

_CLOCK_SKEW = timedelta(minutes=5)
_Key = str


class EventIn(BaseModel):
    """One thing a subject said, as a caller submits it (the API uses this model as its request body).

    ``ip`` and ``user_agent`` are consent proof; they are stored only as HMACs.
    """

    model_config = ConfigDict(extra="forbid")

    kind: EventKind
    purpose: str | None = Field(default=None, max_length=120)
    channel: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]{0,31}$", description="email, sms, phone, whatsapp, post... or 'all'"
    )
    at: AwareDatetime | None = Field(default=None, description="When it took effect; default now")
    notice_version: str | None = Field(default=None, max_length=64)
    form: ConsentForm | None = None
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=1000)
    evidence: str | None = Field(default=None, max_length=500, description="e.g. the form's URL and version")
    reason: str | None = Field(default=None, max_length=200)
    child: bool | None = None
    enabled: bool | None = None
    guardian: str | None = Field(default=None, description="The guardian's subject key (parental consent)")

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Self:
        if self.kind in PURPOSE_KINDS and not self.purpose:
            raise ValueError(f"a {self.kind.value} event needs a purpose")
        if self.kind in CHANNEL_KINDS and not self.channel:
            raise ValueError(f"a {self.kind.value} event needs a channel (or 'all')")
        if self.kind == EventKind.parental_consent_given and not self.guardian:
            raise ValueError("parental consent needs the guardian's subject key")
        return self


@dataclass(frozen=True)
class RecordedEvent:
    id: int
    subject: str
    kind: str
    at: datetime


# ---------------------------------------------------------------- subjects and identities


_IN_CHUNK = 1000
"""Values per ``IN (...)`` list: well under every supported database's bound-parameter limit."""


def _in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(dict.fromkeys(values))
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


def _by_hash(session: Session, tenant_id: int, hashes: Iterable[str]) -> dict[str, int]:
    return {h: sid for h, (sid, _) in _owners(session, tenant_id, hashes).items()}


def _owners(session: Session, tenant_id: int, hashes: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Identity hash -> (subject id, subject key) for the hashes the ledger knows."""
    out: dict[str, tuple[int, str]] = {}
    for part in _in_chunks(hashes):
        rows = session.execute(
            select(LedgerIdentity.hash, LedgerSubject.id, LedgerSubject.key)
            .join(LedgerSubject, LedgerSubject.id == LedgerIdentity.subject_id)
            .where(LedgerIdentity.tenant_id == tenant_id, LedgerIdentity.hash.in_(part))
        )
        out.update({h: (sid, key) for h, sid, key in rows})
    return out


def _add_identity(session: Session, tenant_id: int, subject_id: int, identity: Identity, digest: str) -> None:
    session.add(LedgerIdentity(tenant_id=tenant_id, subject_id=subject_id, kind=identity.kind.value, hash=digest))


def identify(session: Session, tenant_id: int, identities: Sequence[Identity], *, create: bool = True) -> str:
    """The key of the subject these identities belong to, registering new ones on that subject.

    A new subject's key is the HMAC of its first identity, so callers who know one identity can find the
    subject again without a lookup table of raw values.
    """
    if not identities:
        raise JagaError("no identity given", hint="give at least one of email, phone, nik, customer_id")
    found = _identify_many(session, tenant_id, [identities], create=create)[0]
    if isinstance(found, JagaError):
        raise found
    return found[1]


def _identify_many(
    session: Session, tenant_id: int, people: Sequence[Sequence[Identity]], *, create: bool
) -> list[tuple[int, str] | JagaError]:
    """:func:`identify` for many people at once, in order, with a few statements per thousand.

    Each entry is ``(subject id, key)`` or the error :func:`identify` would raise for it. People later in
    the list see the subjects and identities registered for earlier ones, exactly as sequential calls.
    """
    hashes = [[identity_hash(tenant_id, i) for i in ids] for ids in people]
    known = _owners(session, tenant_id, (h for hs in hashes for h in hs))
    owner = {h: key for h, (_, key) in known.items()}  # hash -> subject key, including subjects made here
    ids = {key: sid for sid, key in known.values()}
    made: list[str] = []
    links: list[tuple[str, Identity, str]] = []
    picked: list[str | JagaError] = []
    for identities, digests in zip(people, hashes, strict=True):
        owners = {owner[h] for h in digests if h in owner}
        if len(owners) > 1:
            picked.append(
                JagaError(
                    "these identities belong to different subjects",
                    hint="link them one by one to the subject they belong to",
                )
            )
            continue
        if owners:
            who = owners.pop()
        elif create and digests:
            who = digests[0]
            made.append(who)
        else:
            picked.append(NotFoundError("no subject with this identity", hint="record an event for it first"))
            continue
        for identity, digest in zip(identities, digests, strict=True):
            if digest not in owner:
                owner[digest] = who
                links.append((who, identity, digest))
        picked.append(who)
    db = driver(session)
    stamp = db.binder(LedgerSubject.__table__.c.created_at.type)(utcnow())
    if made:  # through the driver: SQLAlchemy's per-row parameter handling cost more than the inserts
        db.execute_many(_fast.insert_subject(db), [(tenant_id, key, stamp) for key in made])
        for part in _in_chunks(made):
            rows = session.execute(
                select(LedgerSubject.id, LedgerSubject.key).where(
                    LedgerSubject.tenant_id == tenant_id, LedgerSubject.key.in_(part)
                )
            )
            ids.update({key: sid for sid, key in rows})
    if links:
        db.execute_many(
            _fast.INSERT_IDENTITY,
            [(tenant_id, ids[who], identity.kind.value, digest, stamp) for who, identity, digest in links],
        )
    return [p if isinstance(p, JagaError) else (ids[p], p) for p in picked]


def _subject(session: Session, tenant_id: int, ref: SubjectRef, *, create: bool = False) -> LedgerSubject:
    if isinstance(ref, Identity):
        ref = identify(session, tenant_id, [ref], create=create)
    subject = session.scalar(
        select(LedgerSubject).where(LedgerSubject.tenant_id == tenant_id, LedgerSubject.key == ref)
    )
    if subject is None:
        raise NotFoundError("unknown subject", hint="check the subject key, or name the subject by an identity")
    return subject


def subject_key(session: Session, tenant_id: int, ref: SubjectRef, *, create: bool = False) -> str:
    """The ledger key of ``ref``; :class:`NotFoundError` if it is unknown and ``create`` is false."""
    return _subject(session, tenant_id, ref, create=create).key


def link(session: Session, tenant_id: int, subject: SubjectRef, identity: Identity) -> str:
    """Add another identity of the same person to ``subject`` (e.g. a phone to an email-known subject)."""
    target = _subject(session, tenant_id, subject)
    digest = identity_hash(tenant_id, identity)
    owner = _by_hash(session, tenant_id, [digest]).get(digest)
    if owner is not None and owner != target.id:
        raise JagaError(
            "this identity already belongs to another subject",
            hint="a DPO must merge the two subjects after verifying the person",
        )
    if owner is None:
        _add_identity(session, tenant_id, target.id, identity, digest)
        audit.append(session, tenant_id, "ledger.identity_linked", {"subject": target.key, "kind": identity.kind})
    session.flush()
    return target.key


def set_guardian(
    session: Session, tenant_id: int, child: SubjectRef, guardian: SubjectRef, *, actor: str = "system"
) -> None:
    """Record that ``guardian`` is the parent or guardian of ``child`` (needed for parental consent)."""
    c, g = _subject(session, tenant_id, child, create=True), _subject(session, tenant_id, guardian, create=True)
    if c.id == g.id:
        raise JagaError("a subject cannot be their own guardian")
    exists = session.scalar(
        select(LedgerGuardian.id).where(LedgerGuardian.child_id == c.id, LedgerGuardian.guardian_id == g.id)
    )
    if exists is None:
        session.add(LedgerGuardian(tenant_id=tenant_id, child_id=c.id, guardian_id=g.id))
        audit.append(session, tenant_id, "ledger.guardian_linked", {"subject": c.key, "guardian": g.key}, actor=actor)
        session.flush()


def _is_guardian(session: Session, child_id: int, guardian_key: str, tenant_id: int) -> bool:
    found = session.scalar(
        select(LedgerGuardian.id)
        .join(LedgerSubject, LedgerSubject.id == LedgerGuardian.guardian_id)
        .where(
            LedgerGuardian.child_id == child_id, LedgerSubject.key == guardian_key, LedgerSubject.tenant_id == tenant_id
        )
    )
    return found is not None


# ---------------------------------------------------------------- materialised state


def _load_current(session: Session, subject_id: int) -> SubjectState:
    return _load_current_many(session, [subject_id])[subject_id]


def _load_current_many(session: Session, subject_ids: Iterable[int]) -> dict[int, SubjectState]:
    """The materialised state of each subject (an empty state for one without), one query per chunk.

    Reads plain rows rather than ORM objects, so a state saved earlier in this transaction with Core
    statements is never shadowed by a stale object in the session's identity map.
    """
    states: dict[int, SubjectState] = {sid: SubjectState() for sid in subject_ids}
    st, ps = LedgerState.__table__, LedgerPurposeState.__table__
    for part in _in_chunks(states):
        for row in session.execute(select(st).where(st.c.subject_id.in_(part))).mappings():
            states[row["subject_id"]] = SubjectState(
                marketing_objected=row["marketing_objected"],
                gpc=row["gpc"],
                restricted=row["restricted"],
                restriction_reason=row["restriction_reason"],
                do_not_contact={c for c in row["do_not_contact"].split(",") if c},
                is_child=row["is_child"],
                erased_at=row["erased_at"],
                last_at=row["last_at"],
                last_event_id=row["last_event_id"],
            )
        for p in session.execute(select(ps).where(ps.c.subject_id.in_(part))).mappings():
            states[p["subject_id"]].purposes[p["purpose"]] = PurposeState(
                consent=p["consent"],
                explicit=p["explicit"],
                consent_at=p["consent_at"],
                notice_version=p["notice_version"],
                withdrawn_at=p["withdrawn_at"],
                objected=p["objected"],
                parental_consent=p["parental_consent"],
            )
    return states


def _state_row(tenant_id: int, subject_id: int, state: SubjectState) -> dict[str, Any]:
    return {
        "subject_id": subject_id,
        "tenant_id": tenant_id,
        "marketing_objected": state.marketing_objected,
        "gpc": state.gpc,
        "restricted": state.restricted,
        "restriction_reason": state.restriction_reason,
        "do_not_contact": ",".join(sorted(state.do_not_contact)),
        "is_child": state.is_child,
        "erased_at": state.erased_at,
        "last_at": state.last_at,
        "last_event_id": state.last_event_id,
    }


def _purpose_rows(tenant_id: int, subject_id: int, state: SubjectState) -> list[dict[str, Any]]:
    return [
        {
            "subject_id": subject_id,
            "purpose": key,
            "tenant_id": tenant_id,
            "consent": p.consent,
            "explicit": p.explicit,
            "consent_at": p.consent_at,
            "notice_version": p.notice_version,
            "withdrawn_at": p.withdrawn_at,
            "objected": p.objected,
            "parental_consent": p.parental_consent,
        }
        for key, p in state.purposes.items()
    ]


def _save_many(session: Session, tenant_id: int, states: Mapping[int, SubjectState]) -> None:
    """Replace the materialised state of these subjects (:func:`_fast.save_states`)."""
    _fast.save_states(driver(session), tenant_id, states)


def _advance(session: Session, subject_id: int, state: SubjectState, event: EventRecord) -> SubjectState:
    """The state after a newly stored event: applied in place, or re-folded when it arrived out of
    time order (the cheap path would apply it after later events)."""
    if state.last_at is None or event.at >= state.last_at:
        apply(state, event)
        return state
    return fold(_events(session, subject_id))


def _record_of(event: LedgerEvent) -> EventRecord:
    return EventRecord(event.id, event.kind, event.purpose, event.channel, event.at, json.loads(event.data))


def _events(session: Session, subject_id: int, until: datetime | None = None) -> list[EventRecord]:
    query = select(LedgerEvent).where(LedgerEvent.subject_id == subject_id)
    if until is not None:
        query = query.where(LedgerEvent.at <= until)
    return [_record_of(e) for e in session.scalars(query.order_by(LedgerEvent.at, LedgerEvent.id))]


# ---------------------------------------------------------------- events


def _data(tenant_id: int, event: EventIn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "notice_version": event.notice_version,
        "form": event.form.value if event.form else None,
        "evidence": event.evidence,
        "reason": event.reason,
        "child": event.child,
        "enabled": event.enabled,
        "guardian": event.guardian,
        "ip_hash": proof_hash(tenant_id, event.ip) if event.ip else None,
        "ua_hash": proof_hash(tenant_id, event.user_agent) if event.user_agent else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def check_purpose(policy: Policy, purpose: str | None) -> None:
    """Refuse a purpose the policy does not declare (purpose limitation: nothing outside the policy)."""
    if purpose is not None and policy.purpose(purpose) is None:
        known = ", ".join(p.key for p in policy.purposes)
        raise NotFoundError(f"unknown purpose {purpose!r}", where="policy purposes", hint=f"use one of: {known}")


def _checked(event: EventIn, now: datetime, policy: Policy | None, where: str | None = None) -> datetime:
    """The event's effective time, after refusing an undeclared purpose or a time in the future."""
    if policy is not None:
        check_purpose(policy, event.purpose)
    at = event.at or now
    if at > now + _CLOCK_SKEW:
        raise JagaError("the event's time is in the future", where=where, hint="give the time it took effect, or none")
    return at


def _guardian_refused() -> PermissionDenied:
    return PermissionDenied(
        "the given guardian is not linked to this subject",
        hint="link the guardian first (jaga ledger guardian / POST /v1/ledger/guardians)",
    )


def record(
    session: Session,
    tenant_id: int,
    subject: SubjectRef,
    event: EventIn,
    *,
    actor: str = "system",
    policy: Policy | None = None,
) -> RecordedEvent:
    """Append one event, update the subject's current state and the audit chain, in one transaction.

    The tenant's audit head is locked first, so writers of a tenant take turns and each one reads the
    state the previous one committed. Then one read (subject, its state and the event's purpose) and
    the writes: on PostgreSQL a single statement (event, state, purpose state, audit entry and head),
    elsewhere five small ones. An event older than the subject's latest re-folds the subject's events.
    """
    now = utcnow()
    at = _checked(event, now, policy)
    session.flush()
    db = driver(session)
    # the head's lock, then the read: one round trip on PostgreSQL, the read seeing what the previous
    # holder of the lock committed
    locked, rows = db.pipeline(
        [audit.lock_statement(db, tenant_id), _fast.read_statement(db, tenant_id, subject, event.purpose)]
    )
    if not locked:  # the tenant's first entry: create its head row and lock that, then read again
        head = audit.lock_head(session, tenant_id)
        rows = db.execute(*_fast.read_statement(db, tenant_id, subject, event.purpose))
    else:
        head = audit.locked_head(tenant_id, locked)
    found = _fast.find(db, tenant_id, subject, event.purpose, now, _fast.parse(db, rows, event.purpose))
    if event.kind == EventKind.parental_consent_given and not _is_guardian(
        session, found.subject_id, event.guardian or "", tenant_id
    ):
        raise _guardian_refused()
    data = _data(tenant_id, event)
    last_at = found.state.last_at
    if last_at is not None and at < last_at:  # out of time order: re-fold the subject's events
        return _append(session, head, [(found.subject_id, found.key, event, at, data)], now, actor)[0]
    params = _fast.event_params(
        db, tenant_id, found.subject_id, event.kind.value, event.purpose, event.channel, at, now, actor, data
    )
    event_id = _fast.advance(
        session,
        head,
        found,
        EventRecord(0, event.kind.value, event.purpose, event.channel, at, data),
        params,
        lambda event_id: (f"ledger.{event.kind.value}", _audit_payload(found.key, event_id, event, at, data)),
        actor,
    )
    return RecordedEvent(event_id, found.key, event.kind.value, at)


def record_many(
    session: Session,
    tenant_id: int,
    events: Sequence[tuple[SubjectRef, EventIn]],
    *,
    actor: str = "system",
    policy: Policy | None = None,
) -> list[RecordedEvent]:
    """Append many events in one transaction: the same rows as :func:`record` for each, in order.

    A few statements per thousand events instead of several per event (one lock of the audit head,
    one read of the subjects and of their states, multi-row inserts of events, states and audit
    entries). Nothing is written if any event is refused: the error's ``where`` names it
    (``events[i]``). Subjects named by key must exist; subjects named by an identity are created.
    """
    now = utcnow()
    times = [_checked(event, now, policy, f"events[{i}]") for i, (_, event) in enumerate(events)]
    if not events:
        return []
    head = audit.lock_head(session, tenant_id)
    targets = _resolve(session, tenant_id, [ref for ref, _ in events])
    for i, ((_, event), (sid, _key)) in enumerate(zip(events, targets, strict=True)):
        if event.kind == EventKind.parental_consent_given and not _is_guardian(
            session, sid, event.guardian or "", tenant_id
        ):
            refused = _guardian_refused()
            refused.where = f"events[{i}]"
            raise refused
    rows = [
        (sid, key, event, at, _data(tenant_id, event))
        for (sid, key), (_, event), at in zip(targets, events, times, strict=True)
    ]
    return _append(session, head, rows, now, actor)


def _resolve(session: Session, tenant_id: int, refs: Sequence[SubjectRef]) -> list[tuple[int, str]]:
    """``(subject id, key)`` of each ref, in order: keys must exist, identities are registered."""
    keys = {ref for ref in refs if isinstance(ref, str)}
    known: dict[str, int] = {}
    for part in _in_chunks(keys):
        rows = session.execute(
            select(LedgerSubject.key, LedgerSubject.id).where(
                LedgerSubject.tenant_id == tenant_id, LedgerSubject.key.in_(part)
            )
        )
        known.update({key: sid for key, sid in rows})
    people = [[ref] for ref in refs if isinstance(ref, Identity)]
    found = iter(_identify_many(session, tenant_id, people, create=True) if people else [])
    out: list[tuple[int, str]] = []
    for i, ref in enumerate(refs):
        if isinstance(ref, str):
            if ref not in known:
                raise NotFoundError(
                    "unknown subject",
                    where=f"events[{i}]",
                    hint="check the subject key, or name the subject by an identity",
                )
            out.append((known[ref], ref))
        else:
            target = next(found)
            if isinstance(target, JagaError):  # pragma: no cover - one identity names one subject at most
                raise target
            out.append(target)
    return out


def _append(
    session: Session,
    head: audit.Head,
    rows: Sequence[tuple[int, str, EventIn, datetime, dict[str, Any]]],
    now: datetime,
    actor: str,
) -> list[RecordedEvent]:
    """Insert events for known subjects (``(id, key, event, at, data)``), fold them into the
    materialised state and chain them into the audit log, with the head already locked."""
    tenant_id = head.tenant_id
    db = driver(session)
    ids = _fast.insert_events(
        db,
        [
            _fast.event_params(db, tenant_id, sid, event.kind.value, event.purpose, event.channel, at, now, actor, data)
            for sid, _, event, at, data in rows
        ],
    )
    if ids is None:  # MySQL/MariaDB: the ids come back from the insert
        events = cast(Table, LedgerEvent.__table__)
        values = [
            {
                "tenant_id": tenant_id,
                "subject_id": sid,
                "kind": event.kind.value,
                "purpose": event.purpose,
                "channel": event.channel,
                "at": at,
                "recorded_at": now,
                "actor": actor,
                "data": json.dumps(data),
            }
            for sid, _, event, at, data in rows
        ]
        ids = list(
            session.execute(insert(events).returning(events.c.id, sort_by_parameter_order=True), values).scalars()
        )
    states = _load_current_many(session, (sid for sid, *_ in rows))
    refold: set[int] = set()
    for (sid, _, event, at, data), event_id in zip(rows, ids, strict=True):
        if sid in refold:
            continue
        state = states[sid]
        if state.last_at is None or at >= state.last_at:
            apply(state, EventRecord(event_id, event.kind.value, event.purpose, event.channel, at, data))
        else:  # arrived out of time order: fold the subject's events (these ones included) below
            refold.add(sid)
    for sid in refold:
        states[sid] = fold(_events(session, sid))
    _save_many(session, tenant_id, states)
    kinds = [f"ledger.{event.kind.value}" for _, _, event, _, _ in rows]
    payloads = [
        _audit_payload(key, event_id, event, at, data)
        for (_, key, event, at, data), event_id in zip(rows, ids, strict=True)
    ]
    audit.write(
        session,
        head,
        [audit.next_entry(head, k, p, actor=actor, at=now) for k, p in zip(kinds, payloads, strict=True)],
    )
    return [
        RecordedEvent(event_id, key, event.kind.value, at)
        for (_, key, event, at, _), event_id in zip(rows, ids, strict=True)
    ]


def _audit_payload(key: str, event_id: int, event: EventIn, at: datetime, data: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit chain keeps of a ledger event: the subject's key, never an identity."""
    return {
        "subject": key,
        "event": event_id,
        "purpose": event.purpose,
        "channel": event.channel,
        "at": at.isoformat(),
        **{k: v for k, v in data.items() if k in ("notice_version", "form")},
    }


def record_erasure(
    session: Session, tenant_id: int, subject_key: str, at: datetime | None = None, *, actor: str = "dsr"
) -> RecordedEvent:
    """Record that the subject's data was erased (the DSR engine calls this when erasure is done)."""
    return record(session, tenant_id, subject_key, EventIn(kind=EventKind.erasure_done, at=at), actor=actor)


def record_erasures(
    session: Session,
    tenant_id: int,
    people: Sequence[Sequence[Identity]],
    at: datetime | None = None,
    *,
    actor: str = "dsr",
) -> list[str | None]:
    """Record ``erasure_done`` for many people, each named by their identities (a DSR batch).

    The same rows as :func:`identify` (creating subjects) plus :func:`record_erasure` per person, in
    order, but with a few statements per thousand people instead of a dozen per person. A person whose
    identities belong to different subjects is skipped (``None``): a DPO must merge them first.
    """
    now = utcnow()
    event = EventIn(kind=EventKind.erasure_done, at=at)
    at = _checked(event, now, None)
    head = audit.lock_head(session, tenant_id)
    found = _identify_many(session, tenant_id, [p for p in people if p], create=True)
    targets = [f for f in found if not isinstance(f, JagaError)]
    if targets:
        data = _data(tenant_id, event)
        _append(session, head, [(sid, key, event, at, data) for sid, key in targets], now, actor)
    keys = iter(f[1] if not isinstance(f, JagaError) else None for f in found)
    return [next(keys) if p else None for p in people]


def state_at(session: Session, tenant_id: int, subject: SubjectRef, at: datetime | None = None) -> SubjectState:
    """The subject's state at ``at`` (now if None): exact, whatever happened afterwards."""
    target = _subject(session, tenant_id, subject)
    current = _load_current(session, target.id)
    if at is None or current.last_at is None or at >= current.last_at:
        return current
    return fold(_events(session, target.id, at))


def history(session: Session, tenant_id: int, subject: SubjectRef, limit: int = 1000) -> list[dict[str, Any]]:
    """The subject's events in effect order, JSON-ready (proof values appear only as hashes)."""
    target = _subject(session, tenant_id, subject)
    rows = session.scalars(
        select(LedgerEvent)
        .where(LedgerEvent.subject_id == target.id)
        .order_by(LedgerEvent.at, LedgerEvent.id)
        .limit(limit)
    )
    return [
        {
            "id": e.id,
            "kind": e.kind,
            "purpose": e.purpose,
            "channel": e.channel,
            "at": e.at.isoformat(),
            "recorded_at": e.recorded_at.isoformat(),
            "actor": e.actor,
            "data": json.loads(e.data),
        }
        for e in rows
    ]


def rebuild(session: Session, tenant_id: int, batch: int = 20_000) -> int:
    """Recompute the tenant's materialised state from its events; returns the number of subjects.

    Streams events in subject order so memory stays bounded by one subject plus one insert batch. The
    audit chain gets a ``ledger.rebuilt`` entry naming no subject, which tells readers that keep states
    in memory (:class:`jaga.decide.StateCache`) that any subject's state may have changed.
    """
    session.execute(delete(LedgerPurposeState).where(LedgerPurposeState.tenant_id == tenant_id))
    session.execute(delete(LedgerState).where(LedgerState.tenant_id == tenant_id))
    states: list[dict[str, Any]] = []
    purposes: list[dict[str, Any]] = []
    count = 0

    def flush() -> None:
        if states:
            session.execute(insert(LedgerState), states)
        if purposes:
            session.execute(insert(LedgerPurposeState), purposes)
        states.clear()
        purposes.clear()

    def finish(subject_id: int, state: SubjectState) -> None:
        states.append(_state_row(tenant_id, subject_id, state))
        purposes.extend(_purpose_rows(tenant_id, subject_id, state))
        if len(states) >= batch:
            flush()

    query = (
        select(
            LedgerEvent.subject_id,
            LedgerEvent.id,
            LedgerEvent.kind,
            LedgerEvent.purpose,
            LedgerEvent.channel,
            LedgerEvent.at,
            LedgerEvent.data,
        )
        .where(LedgerEvent.tenant_id == tenant_id)
        .order_by(LedgerEvent.subject_id, LedgerEvent.at, LedgerEvent.id)
    )
    current_id: int | None = None
    state = SubjectState()
    rows = session.connection().execute(query.execution_options(yield_per=batch))
    for subject_id, event_id, kind, purpose, channel, at, data in rows:
        if subject_id != current_id:
            if current_id is not None:
                finish(current_id, state)
                count += 1
            current_id, state = subject_id, SubjectState()
        apply(state, EventRecord(event_id, kind, purpose, channel, at, json.loads(data) if data != "{}" else {}))
    if current_id is not None:
        finish(current_id, state)
        count += 1
    flush()
    audit.append(session, tenant_id, "ledger.rebuilt", {"subjects": count})
    return count
