"""Signing in and out, a person's consent history, the audit chain status, and staff accounts.

Sign-in answers every failure with the same message and status, so the form tells an attacker nothing
about which emails have accounts; the shared rate limit and the account lockout bound guessing. Looking
up a person is a POST (their email must not end up in URLs or access logs) and is itself audited,
because seeing someone's consent history is processing their data.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from jaga import audit, staff
from jaga.errors import JagaError, NotFoundError
from jaga.ledger import Identity, InvalidIdentity, history, identity_hash, state_at, subject_key
from jaga.policy import show
from jaga.requests import lifecycle
from jaga.staff import Action, Principal
from jaga.store.base import utcnow
from jaga.store.models.staff import StaffUser
from jaga.web._common import WebError, client_ip, read_form
from jaga.web._zone import controller_zone
from jaga.web.console._base import (
    allowed,
    clear_session_cookie,
    forbid,
    page,
    redirect,
    safe_next,
    set_session_cookie,
    signed_in,
    state,
    text,
    to_login,
)

router = APIRouter()
_CSS = (Path(__file__).with_name("console.css")).read_text(encoding="utf-8")


# ---------------------------------------------------------------- sign in and out


@router.get("/console.css")
def stylesheet() -> Response:
    """The few rules the console adds to the shared stylesheet (served from here: the CSP allows 'self')."""
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/")
def home(request: Request) -> Response:
    """The console starts at the queue (``/console`` redirects here too)."""
    return redirect("/console/requests")


@router.get("/login")
def login_form(request: Request, next: str = "", bye: str = "") -> Response:
    """The sign-in form (or straight to the queue when already signed in)."""
    with state(request).sessions() as session:
        who = signed_in(request, session)
        session.commit()
    if who is not None:
        return redirect(safe_next(next))
    messages = [("ok", text(request, "console.logged_out"))] if bye else []
    if next and not bye:
        messages.append(("info", text(request, "console.login.expired")))
    return page(request, "console/login.html", None, {"next": safe_next(next), "email": ""}, messages=messages)


def _login(request: Request, email: str, password: str) -> tuple[str, Principal] | None:
    with state(request).sessions() as session:
        result = staff.login(session, state(request).tenant_id, email, password, client=client_ip(request))
        session.commit()  # failed attempts must count, so commit whatever the outcome
    return result


@router.post("/login")
async def login(request: Request) -> Response:
    values = await read_form(
        request, "console-login", required=("email", "password"), limits={"email": 254, "password": 1024}
    )
    result = await run_in_threadpool(_login, request, values["email"], values["password"])
    target = safe_next(values.get("next"))
    if result is None:
        return page(
            request,
            "console/login.html",
            None,
            {"next": target, "email": values["email"], "error": text(request, "console.login.failed")},
            status_code=401,
        )
    response = redirect(target)
    set_session_cookie(response, request, result[0])
    return response


def _logout(request: Request) -> None:
    with state(request).sessions() as session:
        staff.logout(session, state(request).tenant_id, request.cookies.get("jaga_staff"))
        session.commit()


@router.post("/logout")
async def logout(request: Request) -> Response:
    await read_form(request, "console-logout")
    await run_in_threadpool(_logout, request)
    response = redirect("/console/login?bye=1")
    clear_session_cookie(response, request)
    return response


# ---------------------------------------------------------------- a person's consent history


@router.get("/subjects")
def subjects_form(request: Request) -> Response:
    with state(request).sessions() as session:
        who = signed_in(request, session)
        session.commit()
    if who is None:
        return to_login(request)
    forbid(who, Action.read)
    return page(request, "console/subjects.html", who, {"section": "subjects", "kind": "email"})


def _lookup(request: Request, kind: str, value: str) -> Response:
    st = state(request)
    with st.sessions() as session:
        who = signed_in(request, session)
        if who is None:
            session.commit()
            return to_login(request)
        forbid(who, Action.read)
        try:
            identity = Identity.of(kind, value)
            digest = identity_hash(st.tenant_id, identity)
        except InvalidIdentity:
            return page(
                request,
                "console/subjects.html",
                who,
                {"section": "subjects", "kind": kind},
                messages=[("error", text(request, "console.subjects.invalid", kind=kind))],
                status_code=400,
            )
        context: dict[str, object] = {"section": "subjects", "kind": kind, "looked_up": True, "found": False}
        try:
            key = subject_key(session, st.tenant_id, identity)
            context.update(
                found=True,
                state=state_at(session, st.tenant_id, key),
                events=[
                    {**e, "at": e["at"][:16].replace("T", " ") + " UTC"} for e in history(session, st.tenant_id, key)
                ],
            )
        except NotFoundError:
            key = None
        context["requests"] = [
            v for v in lifecycle.list_requests(session, st.tenant_id, include_closed=True) if v.identity_hash == digest
        ]
        audit.append(
            session,
            st.tenant_id,
            "staff.subject_viewed",
            {"user": who.user_id, "subject": key or digest, "found": key is not None},
            actor=who.actor,
        )
        session.commit()
    return page(request, "console/subjects.html", who, context)


@router.post("/subjects")
async def subjects_lookup(request: Request) -> Response:
    """Look a person up by email or phone (hashed at once) and show their consent history."""
    values = await read_form(request, "console-subjects", required=("kind", "value"), limits={"value": 254})
    if values["kind"] not in ("email", "phone"):
        raise WebError(400, "console.bad_filter", value=values["kind"][:40])
    return await run_in_threadpool(_lookup, request, values["kind"], values["value"])


# ---------------------------------------------------------------- the audit chain


@router.get("/audit")
def audit_page(request: Request) -> Response:
    """Walk the chain now and show whether it is intact, with the latest entries (kind and actor only)."""
    st = state(request)
    with st.sessions() as session:
        who = signed_in(request, session)
        session.commit()
        if who is None:
            return to_login(request)
        forbid(who, Action.read)
        result = audit.verify(session, st.tenant_id)
        entries = [
            {"seq": e.seq, "at": show(e.at, controller_zone(request)), "kind": e.kind, "actor": e.actor}
            for e in audit.entries(session, st.tenant_id, limit=30)
        ]
    return page(request, "console/audit.html", who, {"section": "audit", "result": result, "entries": entries})


# ---------------------------------------------------------------- staff accounts (admin)


def _users_page(
    request: Request, who: Principal, messages: list[tuple[str, str]] | None = None, status_code: int = 200
) -> Response:
    with state(request).sessions() as session:
        users = staff.list_users(session, state(request).tenant_id)
    return page(
        request,
        "console/users.html",
        who,
        {"section": "users", "users": users, "roles": [r.value for r in staff.Role], "now": utcnow()},
        messages=messages,
        status_code=status_code,
    )


def _admin(request: Request) -> Principal | Response:
    return allowed(request, Action.users)


@router.get("/users")
def users(request: Request) -> Response:
    who = _admin(request)
    return who if isinstance(who, Response) else _users_page(request, who)


def _add_user(request: Request, who: Principal, email: str, role: str) -> Response:
    try:
        with state(request).sessions() as session:
            user, password = staff.create_user(session, state(request).tenant_id, email, role, actor=who.actor)
            session.commit()
    except JagaError as exc:
        return _users_page(request, who, [("error", text(request, "console.failed", message=exc.message))], 400)
    note = text(request, "console.users.password_once", email=user.email, password=password)
    return _users_page(request, who, [("ok", note)])


@router.post("/users")
async def add_user(request: Request) -> Response:
    who = await run_in_threadpool(_admin, request)
    if isinstance(who, Response):
        return who
    values = await read_form(request, "console-users", required=("email", "role"), limits={"email": 254})
    return await run_in_threadpool(_add_user, request, who, values["email"], values["role"])


def _change_user(request: Request, who: Principal, user_id: int, op: str) -> Response:
    st = state(request)
    with st.sessions() as session:
        row = session.scalar(select(StaffUser).where(StaffUser.id == user_id, StaffUser.tenant_id == st.tenant_id))
        if row is None:
            raise WebError(404)
        if op == "disable" and row.id == who.user_id:
            return _users_page(request, who, [("error", text(request, "console.users.self"))], 400)
        if op == "reset":
            user, password = staff.reset_password(session, st.tenant_id, row.email, actor=who.actor)
            session.commit()
            note = text(request, "console.users.password_once", email=user.email, password=password)
            return _users_page(request, who, [("ok", note)])
        staff.set_disabled(session, st.tenant_id, row.email, op == "disable", actor=who.actor)
        session.commit()
    return _users_page(request, who, [("ok", text(request, "console.users.changed"))])


@router.post("/users/{user_id}/{op}")
async def change_user(request: Request, user_id: int, op: str) -> Response:
    if op not in ("disable", "enable", "reset"):
        raise WebError(404)
    who = await run_in_threadpool(_admin, request)
    if isinstance(who, Response):
        return who
    await read_form(request, "console-users")
    return await run_in_threadpool(_change_user, request, who, user_id, op)
