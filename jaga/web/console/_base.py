"""What every console page shares: who is signed in, the role check, and how pages are rendered.

A console page is never cached (it shows personal-data decisions) and always names the signed-in
person, so every route starts with :func:`signed_in` and a role check; a missing or ended session
sends the browser to the sign-in page, a role without the permission gets the 403 page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jaga import staff
from jaga.staff import Action, Principal
from jaga.web._common import WebError, WebState, current_lang, render, t, web_state
from jaga.web.console import _strings  # noqa: F401  (registers the console's EN/ID strings)

COOKIE = "jaga_staff"
PATH = "/console"
NO_STORE = {"Cache-Control": "no-store"}


def state(request: Request) -> WebState:
    return web_state(request)


def signed_in(request: Request, session: Session) -> Principal | None:
    """The staff member behind this browser's session cookie, if the session is live."""
    return staff.resolve(session, state(request).tenant_id, request.cookies.get(COOKIE))


def to_login(request: Request) -> RedirectResponse:
    """Send the browser to sign in, coming back to this page afterwards."""
    here = request.url.path
    target = f"{PATH}/login" + (f"?next={quote(here)}" if here.startswith(PATH + "/") else "")
    return RedirectResponse(target, status_code=303, headers=NO_STORE)


def safe_next(value: str | None) -> str:
    """Only console paths are followed after sign-in (an open redirect would help phishing)."""
    if value and value.startswith(PATH + "/") and "//" not in value and "\\" not in value and "\n" not in value:
        return value
    return f"{PATH}/requests"


def forbid(who: Principal, action: Action) -> None:
    """The 403 page unless ``who`` may perform ``action``."""
    if not who.can(action):
        raise WebError(403, "console.forbidden", role=who.role.value)


def allowed(request: Request, action: Action) -> Principal | Response:
    """The signed-in person if they may perform ``action``; the sign-in redirect when nobody is signed in
    (checked before a form is read, so a large upload is not taken from someone who may not send it)."""
    with state(request).sessions() as session:
        who = signed_in(request, session)
        session.commit()
    if who is None:
        return to_login(request)
    forbid(who, action)
    return who


def secure(request: Request) -> bool:
    """Cookies are Secure when the site is served over https (or configured so behind a proxy)."""
    return state(request).config.secure_cookies or request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(staff.SESSION_TTL.total_seconds()),
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=secure(request),
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="lax", secure=secure(request))


def text(request: Request, key: str, **values: Any) -> str:
    """A catalogue string in the visitor's language."""
    return t(key, current_lang(request), **values)


def page(
    request: Request,
    name: str,
    who: Principal | None,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    messages: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    """Render a console template with the signed-in person and flash messages; never cached."""
    full: dict[str, Any] = {"who": who, "messages": messages or []}
    full.update(context or {})
    return render(request, name, full, status_code=status_code, headers=NO_STORE)


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: show the result with GET, so a reload does not repeat the action."""
    return RedirectResponse(url, status_code=303, headers=NO_STORE)
