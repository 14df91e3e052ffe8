"""The request queue, one request's page, and the staff actions on it.

Every action is a thin call into :mod:`jaga.requests.lifecycle` / :mod:`jaga.requests.verification`
with the signed-in person as the actor, so the request's timeline and the audit chain say who did it.
The role is checked before the form is even read; then the shared guards (rate limit, CSRF, sizes) run.
A refusal by the law (an illegal transition, an extension UU PDP does not allow) comes back as the
request page with the reason, never as an error without context.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jaga import staff
from jaga.errors import JagaError, NotFoundError
from jaga.policy import show
from jaga.requests import handlers, lifecycle, outbox, verification
from jaga.requests.deadlines import remaining, rule_for
from jaga.requests.lifecycle import Hooks, Notifier, RequestView, Status
from jaga.requests.summaries import answer
from jaga.staff import Action, Principal
from jaga.store.base import utcnow
from jaga.web._common import WebError, current_lang, read_form
from jaga.web.console._base import forbid, page, redirect, signed_in, state, text, to_login

log = logging.getLogger("jaga.web.console")
router = APIRouter()

_ID = re.compile(r"^REQ-[0-9A-F]{10}$")
_LIMITS = {"reason": 1000, "note": 500, "article": 120, "go": 8, "confirm": 8}
_DONE = {"approve", "pending", "start", "verify", "wait", "resume", "extend", "refuse"}
_STAFF_ACTOR = re.compile(r"^staff:(\d+):(\w+)$")


# ---------------------------------------------------------------- helpers


def _hooks(request: Request) -> Hooks | None:
    hooks = state(request).extras.get("hooks")
    return hooks if isinstance(hooks, Hooks) else None


def _notifier(request: Request) -> Notifier | None:
    hooks = _hooks(request)
    return hooks.notify if hooks is not None else outbox.send


def _left(view: RequestView) -> tuple[str, bool]:
    """How long is left (or how late it is), and whether the request is overdue."""
    if view.status in lifecycle.CLOSED:
        return "console.left.closed", False
    if view.paused:
        return "console.left.paused", False
    left = remaining(view.due_at, utcnow())
    hours = int(abs(left).total_seconds() // 3600)
    span = f"{hours // 24}d {hours % 24}h" if hours >= 24 else f"{hours}h {int(abs(left).total_seconds() // 60) % 60}m"
    return span, left < timedelta(0)


def _left_text(request: Request, view: RequestView) -> tuple[str, bool]:
    span, overdue = _left(view)
    if span.startswith("console."):
        return text(request, span), overdue
    return text(request, "console.left.overdue" if overdue else "console.left.left", time=span), overdue


def _check_id(request_id: str) -> None:
    if not _ID.match(request_id):
        raise NotFoundError("no such request")


def _actor_names(session: Session, tenant_id: int) -> dict[str, str]:
    """Staff actors shown by email (to staff only); the stored actor stays the id."""
    return {u.actor: f"{u.email} ({u.role.value})" for u in staff.list_users(session, tenant_id)}


def _actor_label(actor: str, names: dict[str, str]) -> str:
    match = _STAFF_ACTOR.match(actor)
    if match:
        for known, label in names.items():
            if known.split(":")[1] == match.group(1):
                return label
    return actor


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class _Row:
    view: RequestView
    received: str
    due: str
    left: str
    overdue: bool


@router.get("/requests")
def queue(request: Request, status: str = "open", right: str = "", overdue: str = "") -> Response:
    """Requests by deadline, overdue ones in red; filters by status, right and overdue."""
    statuses = [s.value for s in Status]
    rights = [r.value for r in lifecycle.REQUESTABLE]
    for value, allowed in ((status, ["open", "all", *statuses]), (right, ["", *rights]), (overdue, ["", "1", "on"])):
        if value not in allowed:
            raise WebError(400, "console.bad_filter", value=value[:40])
    st = state(request)
    with st.sessions() as session:
        who = signed_in(request, session)
        if who is None:
            session.commit()
            return to_login(request)
        forbid(who, Action.read)
        views = lifecycle.list_requests(
            session, st.tenant_id, overdue=bool(overdue), include_closed=status not in ("open", *lifecycle.OPEN)
        )
        session.commit()
    views = [v for v in views if status in ("open", "all") or v.status.value == status]
    views = [v for v in views if not right or v.right.value == right]
    rows = []
    for v in views:
        left, late = _left_text(request, v)
        rows.append(_Row(v, show(v.received_at, v.zone), v.due_local, left, late))
    return page(
        request,
        "console/queue.html",
        who,
        {
            "section": "queue",
            "rows": rows,
            "overdue_count": sum(r.overdue for r in rows),
            "status": status,
            "right": right,
            "overdue": bool(overdue),
            "statuses": statuses,
            "rights": rights,
        },
    )


# ---------------------------------------------------------------- one request


def _plan(session: Session, request: Request, view: RequestView) -> tuple[str | None, str]:
    """The dry-run plan of what running the request would do, or a note saying why there is none."""
    if handlers.engine_kind(view.right) is None:
        return None, text(request, "console.plan.none")
    if view.status in lifecycle.CLOSED:
        return None, text(request, "console.plan.closed")
    if view.verified_at is None or view.status not in lifecycle.WORKING:
        return None, text(request, "console.plan.unverified")
    company = state(request).extras.get("company")
    if not isinstance(company, handlers.Company):
        return None, text(request, "console.plan.unavailable", reason=text(request, "console.no_handler"))
    try:
        plan = handlers.plan_text(company, lifecycle.verified_subject(session, view.tenant_id, view.id))
    except JagaError as exc:
        return None, text(request, "console.plan.unavailable", reason=exc.message)
    except SQLAlchemyError as exc:  # the company's database is down: say so, without its message
        log.warning("dry-run plan failed: %s", type(exc).__name__)
        return None, text(request, "console.plan.unavailable", reason=type(exc).__name__)
    return plan, ""


def _forms(request: Request, who: Principal, view: RequestView) -> list[str]:
    """The actions this person may take on this request in its current state."""
    st = view.status
    hooks = _hooks(request)
    forms: list[str] = []
    if st == Status.received and who.can(Action.verify):
        forms.append("verify")
    runnable = hooks is not None and view.right in hooks.handlers
    if st in lifecycle.WORKING and runnable and who.can(staff.action_for_right(view.right)):
        forms.append("approve")
    if st == Status.identity_verified and who.can(Action.start):
        forms.append("start")
    if st in (Status.received, Status.identity_verified, Status.in_progress, Status.extended) and who.can(Action.wait):
        forms.append("wait")
    if st == Status.waiting_on_person and who.can(Action.wait):
        forms.append("resume")
    rule = rule_for(view.regime, view.right)
    if st in (Status.identity_verified, Status.in_progress) and rule.extension and who.can(Action.extend):
        forms.append("extend")
    if st in lifecycle.OPEN and who.can(Action.refuse):
        forms.append("refuse")
    return forms


def _request_page(
    request: Request,
    session: Session,
    who: Principal,
    request_id: str,
    *,
    messages: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    tenant_id = state(request).tenant_id
    view = lifecycle.get(session, tenant_id, request_id)
    names = _actor_names(session, tenant_id)
    timeline = lifecycle.timeline(session, tenant_id, request_id)
    steps = [
        {
            "seq": s.seq,
            "at": show(s.at, view.zone),
            "from_status": s.from_status.value if s.from_status else None,
            "to_status": s.to_status.value,
            "actor": _actor_label(s.actor, names),
            "why": " ".join(x for x in (s.reason, f"({s.article})" if s.article else None) if x),
        }
        for s in timeline
    ]
    plan_text, plan_note = _plan(session, request, view)
    rule = rule_for(view.regime, view.right)
    left, overdue = _left_text(request, view)
    return page(
        request,
        "console/request.html",
        who,
        {
            "section": "queue",
            "view": view,
            "steps": steps,
            "answer": answer(timeline, current_lang(request)),
            "plan_text": plan_text,
            "plan_note": plan_note,
            "forms": _forms(request, who, view),
            "needs_approval": staff.action_for_right(view.right) == Action.approve,
            "article": rule.article,
            "extension_article": rule.extension_article or "",
            "received": show(view.received_at, view.zone),
            "due": view.due_local,
            "verified": show(view.verified_at, view.zone) if view.verified_at else None,
            "left": left,
            "overdue": overdue,
        },
        messages=messages,
        status_code=status_code,
    )


@router.get("/requests/{request_id}")
def request_page(request: Request, request_id: str, done: str = "") -> Response:
    """A request: its facts, deadline, the dry-run plan, the actions allowed, and its timeline."""
    _check_id(request_id)
    with state(request).sessions() as session:
        who = signed_in(request, session)
        session.commit()
        if who is None:
            return to_login(request)
        forbid(who, Action.read)
        messages = [("ok", text(request, f"console.done.{done}"))] if done in _DONE else []
        response = _request_page(request, session, who, request_id, messages=messages)
        session.rollback()  # the page only reads; the dry run writes nothing of ours
        return response


# ---------------------------------------------------------------- actions

Runner = Callable[[Session, Request, Principal, str, dict[str, str]], str]


def _precheck(request: Request, request_id: str, name: str) -> Principal | Response:
    """Signed in, request exists, and the role may take this action on this request's right."""
    _check_id(request_id)
    with state(request).sessions() as session:
        who = signed_in(request, session)
        session.commit()
        if who is None:
            return to_login(request)
        view = lifecycle.get(session, state(request).tenant_id, request_id)
    needed = staff.action_for_right(view.right) if name == "approve" else _NEEDS[name]
    forbid(who, needed)
    return who


def _perform(request: Request, request_id: str, who: Principal, values: dict[str, str], run: Runner) -> Response:
    st = state(request)
    with st.sessions() as session:
        try:
            done = run(session, request, who, request_id, values)
            session.commit()
        except NotFoundError:
            raise
        except JagaError as exc:
            session.rollback()
            message = text(request, "console.failed", message=exc.message + (f" ({exc.hint})" if exc.hint else ""))
            return _request_page(request, session, who, request_id, messages=[("error", message)], status_code=400)
    return redirect(f"/console/requests/{request_id}?done={done}")


async def _action(
    request: Request, request_id: str, name: str, run: Runner, required: tuple[str, ...] = ()
) -> Response:
    pre = await run_in_threadpool(_precheck, request, request_id, name)
    if isinstance(pre, Response):
        return pre
    values = await read_form(request, f"console-{name}", required=required, limits=_LIMITS)
    return await run_in_threadpool(_perform, request, request_id, pre, values, run)


def _approve(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    """Run the request; one that needs approval (erasure, restriction) runs only with its box ticked."""
    right = lifecycle.get(session, state(request).tenant_id, request_id).right
    if staff.action_for_right(right) == Action.approve and values.get("confirm") != "1":
        raise JagaError(text(request, "console.action.approve.unconfirmed"))
    hooks = _hooks(request)
    if hooks is None:
        raise JagaError(text(request, "console.no_handler"))
    view = lifecycle.execute(session, state(request).tenant_id, request_id, hooks, actor=who.actor)
    return "approve" if view.status == Status.completed else "pending"


def _start(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    lifecycle.start(session, state(request).tenant_id, request_id, actor=who.actor)
    return "start"


def _verify(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    verification.mark_verified(session, state(request).tenant_id, request_id, actor=who.actor, note=values["note"])
    return "verify"


def _wait(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    lifecycle.wait_on_person(
        session,
        state(request).tenant_id,
        request_id,
        reason=values["reason"],
        actor=who.actor,
        notify=_notifier(request),
    )
    return "wait"


def _resume(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    lifecycle.resume(session, state(request).tenant_id, request_id, actor=who.actor)
    return "resume"


def _extend(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    lifecycle.extend(
        session,
        state(request).tenant_id,
        request_id,
        reason=values["reason"],
        actor=who.actor,
        notify=_notifier(request),
    )
    return "extend"


def _refuse(session: Session, request: Request, who: Principal, request_id: str, values: dict[str, str]) -> str:
    lifecycle.refuse(
        session,
        state(request).tenant_id,
        request_id,
        reason=values["reason"],
        article=values["article"],
        actor=who.actor,
        notify=_notifier(request),
    )
    return "refuse"


_NEEDS: dict[str, Action] = {
    "start": Action.start,
    "verify": Action.verify,
    "wait": Action.wait,
    "resume": Action.wait,
    "extend": Action.extend,
    "refuse": Action.refuse,
}
_RUNNERS: dict[str, tuple[Runner, tuple[str, ...]]] = {
    "approve": (_approve, ()),
    "start": (_start, ()),
    "verify": (_verify, ("note",)),
    "wait": (_wait, ("reason",)),
    "resume": (_resume, ()),
    "extend": (_extend, ("reason",)),
    "refuse": (_refuse, ("reason", "article")),
}


@router.post("/requests/{request_id}/{name}")
async def act(request: Request, request_id: str, name: str) -> Response:
    """One staff action on a request (approve/run, start, verify, wait, resume, extend, refuse)."""
    if name not in _RUNNERS:
        raise WebError(404)
    run, required = _RUNNERS[name]
    return await _action(request, request_id, name, run, required)
