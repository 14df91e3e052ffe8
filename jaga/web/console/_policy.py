"""Drafting a policy from the company's existing privacy policy: the DPO uploads the document and reads
the draft (every value quoting its sentence) beside the gap report, as ``jaga ingest`` prints them.

Nothing is stored: the file is read from a temporary file, turned into a draft and dropped; the DPO
copies the draft from the page. Only roles with :attr:`Action.draft` may upload (it is policy work).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jaga.check import Severity
from jaga.ingest import MAX_BYTES, Ingested, IngestError, ingest_bytes
from jaga.staff import Action, Principal
from jaga.web._common import current_lang
from jaga.web._upload import allow_upload, read_upload
from jaga.web.console._base import allowed, page, text

router = APIRouter()
PATH = "/console/policy"
FORM = "console-policy"
allow_upload(PATH, MAX_BYTES)


def _drafter(request: Request) -> Principal | Response:
    return allowed(request, Action.draft)


def _page(
    request: Request, who: Principal, result: Ingested | None = None, error: str | None = None, status: int = 200
) -> Response:
    context: dict[str, object] = {"section": "policy", "max_mb": MAX_BYTES // (1024 * 1024)}
    if result is not None:
        lang = current_lang(request)
        order = {Severity.error: 0, Severity.warning: 1}
        findings = sorted(result.findings, key=lambda f: order.get(f.severity, 2))
        context.update(
            draft=result.draft,
            errors=result.errors,
            findings=[
                {
                    "severity": f.severity.value,
                    "rule": f.rule,
                    "article": f.article,
                    "where": f.where or ".".join(str(p) for p in f.path),
                    "message": f.message_id if lang == "id" else f.message,
                }
                for f in findings
            ],
        )
    messages = [("error", error)] if error else None
    return page(request, "console/policy.html", who, context, messages=messages, status_code=status)


def _in_language(request: Request, message: str) -> str:
    """Ingest messages read ``English / Indonesian``: show the visitor's half."""
    en, _, id_ = message.partition(" / ")
    return id_ if current_lang(request) == "id" and id_ else en


@router.get("/policy")
def policy_form(request: Request) -> Response:
    who = _drafter(request)
    return who if isinstance(who, Response) else _page(request, who)


def _ingest(request: Request, who: Principal, name: str, data: bytes) -> Response:
    try:
        result = ingest_bytes(data, name)
    except IngestError as exc:
        reason = _in_language(request, exc.message)
        return _page(request, who, error=text(request, "console.policy.unreadable", reason=reason), status=400)
    return _page(request, who, result)


@router.post("/policy")
async def policy_upload(request: Request) -> Response:
    """Read the uploaded policy (one file, up to the ingest limit) and show the draft and its gaps."""
    who = await run_in_threadpool(_drafter, request)
    if isinstance(who, Response):
        return who
    name, data = await read_upload(request, FORM, "document")
    return await run_in_threadpool(_ingest, request, who, name, data)
