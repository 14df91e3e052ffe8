"""API keys of the tenant (admins): list, create, revoke and rotate, each recorded in the audit chain.

A new key is shown once, on the page that answers the POST, and never again (only its hash is kept).
The key functions are :mod:`jaga.api.auth`'s, shared with the HTTP API and ``jaga apikey``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jaga.api.auth import Role, issue_api_key, list_api_keys, revoke_api_key, rotate_api_key
from jaga.errors import JagaError, NotFoundError
from jaga.staff import Principal
from jaga.web._common import WebError, read_form
from jaga.web.console._admin import _admin
from jaga.web.console._base import page, state, text

router = APIRouter()


def _keys_page(
    request: Request, who: Principal, messages: list[tuple[str, str]] | None = None, status_code: int = 200
) -> Response:
    with state(request).sessions() as session:
        keys = list_api_keys(session, state(request).tenant_id)
    return page(
        request,
        "console/keys.html",
        who,
        {"section": "keys", "keys": keys, "roles": [r.value for r in Role]},
        messages=messages,
        status_code=status_code,
    )


@router.get("/keys")
def keys(request: Request) -> Response:
    who = _admin(request)
    return who if isinstance(who, Response) else _keys_page(request, who)


def _change(request: Request, who: Principal, op: str, key_id: int | None, role: str, name: str) -> Response:
    tenant_id = state(request).tenant_id
    try:
        with state(request).sessions() as session:
            if op == "create":
                raw = issue_api_key(session, tenant_id, role, name, actor=who.actor)[1]
            elif op == "rotate" and key_id is not None:
                raw = rotate_api_key(session, tenant_id, key_id, actor=who.actor)[2]
            else:
                assert key_id is not None
                revoke_api_key(session, tenant_id, key_id, actor=who.actor)
                raw = ""
            session.commit()
    except NotFoundError:
        raise WebError(404) from None
    except JagaError as exc:
        return _keys_page(request, who, [("error", text(request, "console.failed", message=exc.message))], 400)
    note = text(request, "console.keys.once", secret=raw) if raw else text(request, "console.keys.revoked")
    return _keys_page(request, who, [("ok", note)])


@router.post("/keys")
async def add_key(request: Request) -> Response:
    who = await run_in_threadpool(_admin, request)
    if isinstance(who, Response):
        return who
    values = await read_form(request, "console-keys", required=("role",), limits={"name": 120})
    return await run_in_threadpool(_change, request, who, "create", None, values["role"], values.get("name", ""))


@router.post("/keys/{key_id}/{op}")
async def change_key(request: Request, key_id: int, op: str) -> Response:
    if op not in ("revoke", "rotate"):
        raise WebError(404)
    who = await run_in_threadpool(_admin, request)
    if isinstance(who, Response):
        return who
    await read_form(request, "console-keys")
    return await run_in_threadpool(_change, request, who, op, key_id, "", "")
