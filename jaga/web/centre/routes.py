"""The privacy centre's pages: thin over :mod:`jaga.requests`, :mod:`jaga.ledger` and :mod:`jaga.notices`.

Who may see what: nothing about a person is shown before they prove control of an email or phone. Proof
is kept in one signed cookie (``jaga_subject``) holding only keys (the identity's HMAC and the ledger
key), never the address; verifying another identity replaces it, so a browser only ever sees one
person's requests. Export downloads and unsubscribes work through signed links instead, because they are
sent to the person and opened elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from jaga.errors import JagaError
from jaga.ledger import (
    ConsentForm,
    EventIn,
    EventKind,
    Identity,
    IdentityKind,
    InvalidIdentity,
    identity_hash,
    record,
    state_at,
    subject_key,
    unsubscribe,
    unsubscribe_token,
)
from jaga.notices import render_notice
from jaga.policy import LegalBasis, Policy, Right, show
from jaga.requests import lifecycle, outbox, send_code, verify_code
from jaga.requests.lifecycle import REQUESTABLE, RequestView, Status
from jaga.requests.outbox import Message
from jaga.requests.summaries import answer
from jaga.web._common import (
    LANGS,
    Lang,
    WebError,
    WebState,
    check_rate,
    client_ip,
    current_lang,
    read_form,
    render,
    t,
    web_state,
)
from jaga.web._zone import controller_zone

router = APIRouter()

SUBJECT_COOKIE = "jaga_subject"
SUBJECT_MAX_AGE = 2 * 3600
CONSENT_LINK_MAX_AGE = 3600
AUTO_RIGHTS = frozenset({Right.access, Right.portability, Right.information, Right.objection, Right.withdraw_consent})
"""Rights carried out right after verification; erasure, rectification and restriction wait for staff."""

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_CODE = re.compile(r"^\s*(\d{6})\s*$")


# ---------------------------------------------------------------- who the visitor is


@dataclass(frozen=True)
class Visitor:
    """A verified person in this browser: the identity's HMAC and the ledger key (no address)."""

    identity_hash: str
    ledger_key: str


def _visitor(request: Request) -> Visitor | None:
    data = web_state(request).links.peek("subject", request.cookies.get(SUBJECT_COOKIE), max_age=SUBJECT_MAX_AGE)
    if isinstance(data, dict) and isinstance(data.get("h"), str) and isinstance(data.get("k"), str):
        return Visitor(data["h"], data["k"])
    return None


def _remember(request: Request, response: Response, session: Session, identity: Identity) -> None:
    """Mark this browser as the verified ``identity``, replacing anyone verified before."""
    state = web_state(request)
    key = subject_key(session, state.tenant_id, identity, create=True)
    token = state.links.sign("subject", {"h": identity_hash(state.tenant_id, identity), "k": key})
    response.set_cookie(
        SUBJECT_COOKIE,
        token,
        max_age=SUBJECT_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=state.config.secure_cookies,
    )


# ---------------------------------------------------------------- helpers


def _policy(state: WebState) -> Policy:
    if state.policy is None:
        raise WebError(404)
    return cast(Policy, state.policy)


def _text(value: Any, lang: Lang) -> str:
    """A policy text (a plain string or an ``{en, id}`` mapping) in ``lang``."""
    if isinstance(value, str):
        return value
    for code in (lang, "en", "id"):
        found = getattr(value, code, None) if not isinstance(value, dict) else value.get(code)
        if found:
            return str(found)
    return str(value)


def _regimes(state: WebState) -> list[str]:
    policy = state.policy
    regimes = [str(getattr(r, "value", r)) for r in getattr(getattr(policy, "controller", None), "regimes", [])]
    return regimes or ["uu_pdp"]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _request_view(session: Session, state: WebState, request_id: str) -> RequestView:
    if not _REQUEST_ID.match(request_id):
        raise WebError(404)
    return lifecycle.get(session, state.tenant_id, request_id)  # NotFoundError → 404 page


def _export_name(session: Session, state: WebState, view: RequestView) -> str | None:
    if view.status != Status.completed:
        return None
    for step in reversed(lifecycle.timeline(session, state.tenant_id, view.id)):
        name = step.data.get("export")
        if step.to_status == Status.completed and isinstance(name, str):
            return name
    return None


def _export_dir(state: WebState) -> Path:
    company = state.extras.get("company")
    folder = getattr(company, "export_dir", None)
    return Path(folder) if folder else state.data_dir / "exports"


def _consent_purposes(policy: Policy) -> list[Any]:
    return [p for p in policy.purposes if p.basis in (LegalBasis.consent, LegalBasis.explicit_consent)]


# ---------------------------------------------------------------- pages: home and notice


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """The front page: the eight rights, the notice, consent."""
    return render(request, "centre/home.html", {"rights": REQUESTABLE})


_NOTICE_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)


@router.get("/notice", response_class=HTMLResponse)
def notice(request: Request) -> Response:
    """The privacy notice generated from the policy, in the visitor's language."""
    state = web_state(request)
    rendered = render_notice(_policy(state), current_lang(request), "html")
    match = _NOTICE_BODY.search(rendered.text)
    body = match.group(1) if match else rendered.text
    # the notice is generated by jaga from the policy file (escaped by its own templates), not user input
    return render(request, "centre/notice.html", {"notice": Markup(body), "version": rendered.version})


# ---------------------------------------------------------------- making a request


def _request_form(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    state = web_state(request)
    return render(
        request,
        "centre/request.html",
        {
            "rights": REQUESTABLE,
            "regimes": _regimes(state),
            "values": values,
            "error": error,
            "messages": [("error", error)] if error else [],
        },
        status_code=status,
    )


@router.get("/request", response_class=HTMLResponse)
def request_form(request: Request, right: str = "") -> Response:
    """The request form, with ``?right=`` preselected when it names a right."""
    chosen = right if right in {r.value for r in REQUESTABLE} else ""
    return _request_form(request, {"right": chosen, "kind": "email", "language": current_lang(request)})


def _parse_changes(text: str) -> dict[str, str]:
    changes: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep:
            name, sep, value = line.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise ValueError("bad line")
        changes[name.strip()] = value.strip()
    return changes


@router.post("/request", response_class=HTMLResponse)
async def request_submit(request: Request) -> Response:
    """Record the request, send the code, and go to the code page."""
    state = web_state(request)
    lang = current_lang(request)
    form = await read_form(request, "request", limits={"identity": 254, "right": 40, "changes": 2000})
    values = {k: form.get(k, "") for k in ("right", "kind", "identity", "language", "regime", "changes")}
    values["kind"] = values["kind"] or "email"
    right = values["right"]
    if right not in {r.value for r in REQUESTABLE}:
        return _request_form(request, values, t("request.error.right", lang), 400)
    if values["kind"] not in ("email", "phone"):
        return _request_form(request, values, t("request.error.kind", lang), 400)
    if not values["identity"].strip():
        return _request_form(request, values, t("error.field_missing", lang, field=t("request.identity", lang)), 400)
    language = values["language"] or lang
    if language not in LANGS:
        return _request_form(request, values, t("request.error.language", lang), 400)
    regimes = _regimes(state)
    regime = values["regime"] or regimes[0]
    if regime not in regimes:
        return _request_form(request, values, t("request.error.regime", lang), 400)
    identity = Identity(IdentityKind(values["kind"]), values["identity"].strip())
    try:
        identity.normalised()
    except InvalidIdentity:
        kind = t(f"request.kind.{values['kind']}", lang)
        return _request_form(request, values, t("request.error.identity", lang, kind=kind), 400)
    changes: dict[str, str] | None = None
    if right == Right.rectification.value:
        try:
            changes = _parse_changes(values["changes"])
        except ValueError:
            changes = None
        if not changes:
            return _request_form(request, values, t("request.error.changes", lang), 400)
    with state.sessions.begin() as session:
        view = lifecycle.submit(
            session,
            state.tenant_id,
            right=right,
            identity=identity,
            regime=regime,
            language=cast(Any, language),
            changes=changes,
            actor="subject:web",
            zone=controller_zone(request),
        )
        send_code(session, state.tenant_id, view.id, actor="subject:web")
    return _redirect(f"/verify/{view.id}")


# ---------------------------------------------------------------- verifying


def _verify_page(request: Request, view: RequestView, error: str | None = None, status: int = 200) -> Response:
    return render(
        request,
        "centre/verify.html",
        {"view": view, "messages": [("error", error)] if error else []},
        status_code=status,
    )


def _awaiting_code(view: RequestView) -> bool:
    return view.status == Status.received or (view.status == Status.waiting_on_person and view.verified_at is None)


@router.get("/verify/{request_id}", response_class=HTMLResponse)
def verify_form(request: Request, request_id: str, resent: int = 0) -> Response:
    """The code form; a request already verified goes to its status page."""
    check_rate(request, "lookup")
    state = web_state(request)
    with state.sessions() as session:
        view = _request_view(session, state, request_id)
    if not _awaiting_code(view):
        return _redirect(f"/status/{view.id}")
    if resent:
        return render(
            request,
            "centre/verify.html",
            {"view": view, "messages": [("ok", t("verify.resent", current_lang(request)))]},
        )
    return _verify_page(request, view)


@router.post("/verify/{request_id}/resend", response_class=HTMLResponse)
async def verify_resend(request: Request, request_id: str) -> Response:
    """A fresh code (earlier ones stop working); limited per request by the lifecycle, per client here."""
    state = web_state(request)
    await read_form(request, "verify_resend")
    with state.sessions.begin() as session:
        view = _request_view(session, state, request_id)
        if not _awaiting_code(view):
            return _redirect(f"/status/{view.id}")
        try:
            send_code(session, state.tenant_id, view.id, actor="subject:web")
        except JagaError:
            session.rollback()
            return _verify_page(request, view, t("verify.too_many_codes", current_lang(request)), 429)
    return _redirect(f"/verify/{view.id}?resent=1")


@router.post("/verify/{request_id}", response_class=HTMLResponse)
async def verify_submit(request: Request, request_id: str) -> Response:
    """Check the code; on success remember the person in this browser and carry out automatic rights."""
    state = web_state(request)
    lang = current_lang(request)
    form = await read_form(request, "verify", limits={"code": 20})
    match = _CODE.match(form.get("code", ""))
    with state.sessions() as session:
        view = _request_view(session, state, request_id)
        if not _awaiting_code(view):
            return _redirect(f"/status/{view.id}")
        if match is None:
            return _verify_page(request, view, t("verify.failed.wrong", lang, left="?"), 400)
        outcome = verify_code(session, state.tenant_id, view.id, match.group(1), actor="subject:web")
        session.commit()  # failed attempts must count
        if not outcome.ok:
            key = f"verify.failed.{outcome.result.value}"
            return _verify_page(request, outcome.request, t(key, lang, left=outcome.attempts_left), 400)
        subject = lifecycle.verified_subject(session, state.tenant_id, view.id)
        response = _redirect(f"/status/{view.id}?verified=1")
        _remember(request, response, session, subject.identity())
        session.commit()
    if subject.right in AUTO_RIGHTS:
        _carry_out(state, view.id)
    return response


def _carry_out(state: WebState, request_id: str) -> None:
    """Run the right's handler now; a failure leaves the request open for staff (shown on the status page)."""
    hooks = state.extras.get("hooks")
    if not isinstance(hooks, lifecycle.Hooks):
        return
    with state.sessions() as session:
        try:
            lifecycle.execute(session, state.tenant_id, request_id, hooks, actor="system:privacy-centre")
            session.commit()
        except JagaError:
            session.rollback()


# ---------------------------------------------------------------- status


@router.get("/status", response_class=HTMLResponse)
def status_index(request: Request, request_id: str = "") -> Response:
    """The visitor's own requests, or a form to look one up by its number."""
    state = web_state(request)
    if request_id.strip():
        if not _REQUEST_ID.match(request_id.strip()):
            raise WebError(404)
        return _redirect(f"/status/{request_id.strip()}")
    visitor = _visitor(request)
    mine: list[RequestView] = []
    if visitor is not None:
        with state.sessions() as session:
            every = lifecycle.list_requests(session, state.tenant_id, include_closed=True)
        mine = [v for v in every if v.identity_hash == visitor.identity_hash]
    return render(request, "centre/status_index.html", {"visitor": visitor, "mine": mine})


@router.get("/status/{request_id}", response_class=HTMLResponse)
def status(request: Request, request_id: str, verified: int = 0) -> Response:
    """One request's status and deadline, for the verified person only."""
    check_rate(request, "lookup")
    state = web_state(request)
    lang = current_lang(request)
    visitor = _visitor(request)
    with state.sessions() as session:
        view = _request_view(session, state, request_id)
        if visitor is None or visitor.identity_hash != view.identity_hash:
            if _awaiting_code(view):
                return _redirect(f"/verify/{view.id}")
            return render(request, "centre/status_locked.html", {"request_id": view.id}, status_code=403)
        steps = lifecycle.timeline(session, state.tenant_id, view.id)
        export = _export_name(session, state, view)
    download = state.links.sign("export", {"r": view.id, "f": export}) if export else None
    policy = state.policy
    marketing = (
        [
            (p, unsubscribe_token(state.tenant_id, visitor.ledger_key, p.key))
            for p in policy.purposes
            if p.direct_marketing
        ]
        if policy is not None
        else []
    )
    messages = [("ok", t("status.verified", lang))] if verified else []
    right = Right(view.right)
    return render(
        request,
        "centre/status.html",
        {
            "view": view,
            "steps": steps,
            "answer": answer(steps, lang),
            "download": download,
            "link_days": max(1, state.config.link_max_age // 86400),
            "staff_review": right not in AUTO_RIGHTS and view.status not in lifecycle.CLOSED,
            "manual": right in AUTO_RIGHTS and view.status in (Status.in_progress, Status.identity_verified),
            "is_information": right == Right.information,
            "marketing": marketing,
            "text": _text,
            "local": lambda moment: show(moment, view.zone),
            "messages": messages,
        },
    )


@router.get("/download/{token}")
def download(request: Request, token: str) -> Response:
    """The access export of a completed request, through its signed, expiring link."""
    check_rate(request, "lookup")
    state = web_state(request)
    data = state.links.load("export", token)
    if not (isinstance(data, dict) and isinstance(data.get("r"), str) and isinstance(data.get("f"), str)):
        raise WebError(400, "error.link_invalid")
    with state.sessions() as session:
        view = _request_view(session, state, data["r"])
        name = _export_name(session, state, view)
    if name is None or name != data["f"] or Path(name).name != name:
        raise WebError(404)
    path = _export_dir(state) / name
    if not path.is_file():
        raise WebError(404)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"{view.id}-data.zip",
        headers={"Cache-Control": "no-store"},
    )


# ---------------------------------------------------------------- consent and unsubscribe


def _consent_page(
    request: Request, visitor: Visitor | None, messages: list[tuple[str, str]], status: int = 200
) -> Response:
    state = web_state(request)
    policy = _policy(state)
    rows: list[tuple[Any, str]] = []
    marketing: list[tuple[Any, str]] = []
    if visitor is not None:
        with state.sessions() as session:
            try:
                current = state_at(session, state.tenant_id, visitor.ledger_key)
            except JagaError:
                current = None
        for purpose in _consent_purposes(policy):
            ps = current.purpose(purpose.key) if current is not None else None
            label = "given" if ps and ps.consent else "withdrawn" if ps and ps.withdrawn_at else "none"
            rows.append((purpose, label))
        marketing = [
            (p, unsubscribe_token(state.tenant_id, visitor.ledger_key, p.key))
            for p in policy.purposes
            if p.direct_marketing
        ]
    return render(
        request,
        "centre/consent.html",
        {"visitor": visitor, "rows": rows, "marketing": marketing, "text": _text, "messages": messages},
        status_code=status,
    )


@router.get("/consent", response_class=HTMLResponse)
def consent(request: Request, saved: str = "", sent: int = 0) -> Response:
    """Consent per purpose for the verified visitor; otherwise the form that sends a personal link."""
    lang = current_lang(request)
    messages: list[tuple[str, str]] = []
    if saved in ("given", "withdrawn"):
        messages.append(("ok", t(f"consent.saved.{saved}", lang)))
    if sent:
        messages.append(("ok", t("consent.link_sent", lang)))
    return _consent_page(request, _visitor(request), messages)


@router.post("/consent/link", response_class=HTMLResponse)
async def consent_link(request: Request) -> Response:
    """Send a personal, one-hour link to the email or phone given; its holder proves control of it."""
    state = web_state(request)
    lang = current_lang(request)
    form = await read_form(request, "consent_link", limits={"identity": 254})
    kind = form.get("kind", "email") or "email"
    if kind not in ("email", "phone"):
        return _consent_page(request, None, [("error", t("request.error.kind", lang))], 400)
    value = form.get("identity", "").strip()
    if not value:
        return _consent_page(
            request, None, [("error", t("error.field_missing", lang, field=t("request.identity", lang)))], 400
        )
    identity = Identity(IdentityKind(kind), value)
    try:
        normal = identity.normalised()
    except InvalidIdentity:
        error = t("request.error.identity", lang, kind=t(f"request.kind.{kind}", lang))
        return _consent_page(request, None, [("error", error)], 400)
    token = state.links.sign("consent-open", {"s": lifecycle.seal(state.tenant_id, f"{kind}:{normal}")})
    link = state.config.link(f"/consent/open/{token}?lang={lang}")
    controller = _text(
        getattr(_policy(state).controller, "trade_name", None) or _policy(state).controller.legal_name, lang
    )
    message = Message(
        to=normal,
        channel="email" if kind == "email" else "sms",
        subject=t("consent.mail.subject", lang),
        body=t("consent.mail.body", lang, controller=controller, link=link),
        language=lang,
        template="consent-link",
        request_id="consent",
    )
    outbox.send(message)
    return _redirect("/consent?sent=1")


@router.get("/consent/open/{token}")
def consent_open(request: Request, token: str) -> Response:
    """The personal link: remember the person in this browser, then show their consent."""
    check_rate(request, "lookup")
    state = web_state(request)
    data = state.links.load("consent-open", token, max_age=CONSENT_LINK_MAX_AGE)
    if not (isinstance(data, dict) and isinstance(data.get("s"), str)):
        raise WebError(400, "error.link_invalid")
    try:
        kind, _, value = lifecycle.unseal(state.tenant_id, data["s"]).partition(":")
        identity = Identity(IdentityKind(kind), value)
    except (JagaError, ValueError):
        raise WebError(400, "error.link_invalid") from None
    response = _redirect("/consent")
    with state.sessions.begin() as session:
        _remember(request, response, session, identity)
    return response


@router.post("/consent", response_class=HTMLResponse)
async def consent_change(request: Request) -> Response:
    """Give or withdraw consent for one purpose, as an event in the ledger (and so in the audit chain)."""
    state = web_state(request)
    lang = current_lang(request)
    form = await read_form(request, "consent", limits={"purpose": 120, "action": 20})
    visitor = _visitor(request)
    if visitor is None:
        raise WebError(403, "consent.error.login")
    policy = _policy(state)
    keys = {p.key for p in _consent_purposes(policy)}
    purpose = form.get("purpose", "")
    if purpose not in keys:
        return _consent_page(request, visitor, [("error", t("consent.error.purpose", lang))], 400)
    action = form.get("action", "")
    if action not in ("give", "withdraw"):
        return _consent_page(request, visitor, [("error", t("consent.error.action", lang))], 400)
    version = render_notice(policy, lang, "md").version
    event = EventIn(
        kind=EventKind.consent_given if action == "give" else EventKind.consent_withdrawn,
        purpose=purpose,
        form=ConsentForm.electronic if action == "give" else None,
        notice_version=version if action == "give" else None,
        ip=client_ip(request)[:64],
        user_agent=request.headers.get("user-agent", "")[:1000] or None,
        evidence="privacy centre /consent",
    )
    with state.sessions.begin() as session:
        record(session, state.tenant_id, visitor.ledger_key, event, actor="subject:privacy-centre", policy=policy)
    return _redirect(f"/consent?saved={'given' if action == 'give' else 'withdrawn'}")


@router.post("/consent/forget")
async def consent_forget(request: Request) -> Response:
    """Forget the verified person in this browser (a shared computer)."""
    await read_form(request, "forget")
    response = _redirect("/")
    response.delete_cookie(SUBJECT_COOKIE)
    return response


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, token: str) -> Response:
    """A confirmation page: a GET never changes anything (mail scanners open links)."""
    check_rate(request, "lookup")
    if len(token) > 500:
        raise WebError(400, "error.link_invalid")
    return render(request, "centre/unsubscribe.html", {"token": token, "done": False})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_confirm(request: Request, token: str) -> Response:
    """Record the opt-out named by the signed link (that person, that purpose, nothing else)."""
    state = web_state(request)
    await read_form(request, "unsubscribe")
    if len(token) > 500:
        raise WebError(400, "error.link_invalid")
    with state.sessions.begin() as session:
        try:
            unsubscribe(session, state.tenant_id, token, actor="subject:unsubscribe-link")
        except JagaError:
            raise WebError(400, "error.link_invalid") from None
    return render(request, "centre/unsubscribe.html", {"token": token, "done": True})
