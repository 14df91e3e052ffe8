"""``/v1/ledger`` and ``/v1/subjects``: record what subjects said and read their state and history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import ledger
from jaga.api.auth import Caller, Scope
from jaga.api.deps import ApiState, decide_state, get_session, require, tenant_policy, writer_caller
from jaga.api.schemas import GuardianIn, LinkIn, RecordBatchIn, RecordIn, SubjectIn, UnsubscribeLinkIn
from jaga.ledger import EventIn, SubjectRef
from jaga.policy import Policy
from jaga.store.models.tenant import Tenant

router = APIRouter(tags=["ledger"])
KeyPath = Path(pattern=r"^[0-9a-f]{64}$", description="The subject's ledger key")


def _subject(session: Session, caller: Caller, subject: SubjectIn, *, create: bool) -> SubjectRef:
    """Resolve a subject, registering every given identity on it when ``create``."""
    if subject.identities and create:
        return ledger.identify(session, caller.tenant_id, subject.all_identities())
    return ledger.subject_key(session, caller.tenant_id, subject.ref())


def _event(body: RecordIn) -> EventIn:
    return EventIn.model_construct(**{name: getattr(body, name) for name in EventIn.model_fields})


def _target(session: Session, caller: Caller, subject: SubjectIn) -> SubjectRef:
    """The subject of an event: its key or its one identity (registered with the event if new); several
    identities are registered on one subject first."""
    if len(subject.identities) > 1:
        return ledger.identify(session, caller.tenant_id, subject.all_identities())
    return subject.ref()


def _recorded(done: ledger.RecordedEvent) -> dict[str, Any]:
    return {"id": done.id, "subject": done.subject, "kind": done.kind, "at": done.at.isoformat()}


@router.post("/v1/ledger/events", status_code=201)
def record_event(
    body: RecordIn,
    caller: Caller = Depends(writer_caller),
    state: ApiState = Depends(decide_state),
) -> dict[str, Any]:
    """Append one event (consent given/withdrawn, objection, restriction, do-not-contact, GPC, ...)."""
    policy = state.policy(caller.tenant_slug)
    ledger.check_purpose(policy, body.purpose)
    with state.begin() as session:
        ref = _target(session, caller, body.subject)
        done = ledger.record(session, caller.tenant_id, ref, _event(body), actor=caller.actor, policy=policy)
    return _recorded(done)


@router.post("/v1/ledger/events/batch", status_code=201)
def record_events(
    body: RecordBatchIn,
    caller: Caller = Depends(writer_caller),
    state: ApiState = Depends(decide_state),
) -> dict[str, Any]:
    """Append up to 1,000 events in one transaction, in order (an import, a form backend's queue).

    All or nothing: if one event is refused, none is recorded and the error's ``where`` names it
    (``events[i]``). ``events[i]`` of the answer is the i-th event recorded.
    """
    policy = state.policy(caller.tenant_slug)
    with state.begin() as session:
        items = [(_target(session, caller, e.subject), _event(e)) for e in body.events]
        done = ledger.record_many(session, caller.tenant_id, items, actor=caller.actor, policy=policy)
    return {"recorded": len(done), "events": [_recorded(d) for d in done]}


@router.post("/v1/subjects/resolve")
def resolve(
    body: SubjectIn, caller: Caller = Depends(require(Scope.ledger_read)), session: Session = Depends(get_session)
) -> dict[str, str]:
    """The ledger key of a subject known by an identity (404 if the ledger has never seen it)."""
    return {"subject": ledger.subject_key(session, caller.tenant_id, body.ref())}


@router.post("/v1/ledger/identities", status_code=201)
def link_identity(
    body: LinkIn, caller: Caller = Depends(require(Scope.ledger_write)), session: Session = Depends(get_session)
) -> dict[str, str]:
    """Link another identity of the same person to a subject."""
    key = ledger.link(session, caller.tenant_id, body.subject.ref(), body.identity.to_identity())
    return {"subject": key}


@router.post("/v1/ledger/guardians", status_code=201)
def link_guardian(
    body: GuardianIn, caller: Caller = Depends(require(Scope.ledger_write)), session: Session = Depends(get_session)
) -> dict[str, str]:
    """Record that one subject is the parent or guardian of a child subject."""
    child = _subject(session, caller, body.child, create=True)
    guardian = _subject(session, caller, body.guardian, create=True)
    ledger.set_guardian(session, caller.tenant_id, child, guardian, actor=caller.actor)
    return {
        "child": ledger.subject_key(session, caller.tenant_id, child),
        "guardian": ledger.subject_key(session, caller.tenant_id, guardian),
    }


@router.get("/v1/subjects/{key}/state")
def read_state(
    key: str = KeyPath,
    at: AwareDatetime | None = Query(default=None),
    caller: Caller = Depends(require(Scope.ledger_read)),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """The subject's state now, or exactly as it was at ``at``."""
    state = ledger.state_at(session, caller.tenant_id, key, at)
    return {"subject": key, "at": at.isoformat() if at else None, "state": state.as_dict()}


@router.get("/v1/subjects/{key}/history")
def read_history(
    key: str = KeyPath,
    limit: int = Query(default=1000, ge=1, le=10_000),
    caller: Caller = Depends(require(Scope.ledger_read)),
    session: Session = Depends(get_session),
) -> dict[str, Any]:
    """Every event of the subject in effect order."""
    return {"subject": key, "events": ledger.history(session, caller.tenant_id, key, limit)}


@router.post("/v1/ledger/unsubscribe-links", status_code=201)
def make_unsubscribe_link(
    body: UnsubscribeLinkIn,
    caller: Caller = Depends(require(Scope.ledger_write)),
    session: Session = Depends(get_session),
    policy: Policy = Depends(tenant_policy),
) -> dict[str, str]:
    """A signed token for a one-purpose unsubscribe link (put it in the mail you send)."""
    ledger.check_purpose(policy, body.purpose)
    key = ledger.subject_key(session, caller.tenant_id, body.subject.ref())
    token = ledger.unsubscribe_token(caller.tenant_id, key, body.purpose)
    return {"token": token, "path": f"/v1/unsubscribe/{caller.tenant_slug}?token={token}"}


@router.post("/v1/unsubscribe/{tenant}")
def unsubscribe(
    tenant: str, token: str = Query(max_length=2000), session: Session = Depends(get_session)
) -> dict[str, str]:
    """One-click opt-out (RFC 8058 style POST): the signed token is the only authorisation needed.

    An unknown tenant gets the answer of a bad link (403), so the endpoint does not tell which tenants exist.
    """
    tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == tenant))
    if tenant_id is None:
        raise ledger.invalid_link()
    done = ledger.unsubscribe(session, tenant_id, token)
    return {"status": "unsubscribed", "at": done.at.isoformat()}
