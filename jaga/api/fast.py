"""The decision endpoint's fast path: ``POST /v1/decide`` answered without FastAPI's per-request machinery.

A decision is tens of microseconds of work around one read of the store; routing, dependency solving,
request and response models and JSON encoding through FastAPI cost several times that, and at
thousands of decisions a second that is most of a core. This path handles only the ordinary request:
a key in the verified-key cache, a body that validates, a purpose the policy declares and a decision
without error. Anything else (first use of a key, bad input, an error) is handed to the FastAPI app
unchanged, body included, so every answer other than a plain decision, every error message and status
included, comes from the one implementation in :mod:`jaga.api.decide`.

On SQLite the decision runs in the event loop: the read is a few tens of microseconds of CPU in
process, cheaper than a hop to a thread. On a server database it runs in the decide threads (the
round trip would block the loop).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from typing import Any

from anyio import to_thread
from pydantic import ValidationError

from jaga.api.auth import Scope
from jaga.api.deps import ApiState
from jaga.api.schemas import DecideIn
from jaga.errors import JagaError

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_PATH = "/v1/decide"
_HEADERS = [(b"content-type", b"application/json")]


async def _body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole request body, and the messages it came in (to replay them to the app)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return b"", messages
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), messages


def bearer(scope: MutableMapping[str, Any]) -> str | None:
    """The API key of ``Authorization: Bearer ...``, read from the headers alone."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            text = value.decode("latin-1")
            scheme, _, token = text.partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


def _answer(state: ApiState, raw: str, body: bytes) -> bytes | None:
    """The decision as JSON, or None when the ordinary endpoint must answer (it reports the problem)."""
    caller = state.known_caller(raw)
    if caller is None or not caller.can(Scope.decide):
        return None
    try:
        question = DecideIn.model_validate_json(body)
    except ValidationError:
        return None
    try:
        point = state.point(caller)
        if point.policy.purpose(question.purpose) is None:
            return None
        decision = point.decide(
            question.subject.ref(),
            question.purpose,
            question.categories,
            question.recipient,
            question.country,
            question.at,
            channel=question.channel,
            operation=question.operation,
            actor=caller.actor,
        )
    except JagaError:
        return None
    return json.dumps(decision.as_dict(), separators=(",", ":")).encode()


def own_path(scope: MutableMapping[str, Any]) -> str:
    """The path below where this app is mounted: under ``jaga up`` the API sits at ``/api``, and
    Starlette passes a mounted app the full path with the mount point in ``root_path``."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def fast_decide(app: ASGIApp, state: Callable[[], ApiState]) -> ASGIApp:
    """``app`` with ``POST /v1/decide`` answered directly when the request is an ordinary one."""

    async def handle(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or own_path(scope) != _PATH or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        raw = bearer(scope)
        body, messages = await _body(receive)
        answer: bytes | None = None
        if raw is not None and messages[-1]["type"] == "http.request":
            api = state()
            if api.inline_decisions:
                answer = _answer(api, raw, body)
            else:
                answer = await to_thread.run_sync(partial(_answer, api, raw, body), limiter=api.decide_limiter())
        if answer is None:
            replay = iter(messages)

            async def again() -> Message:
                return next(replay, None) or await receive()

            await app(scope, again, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_HEADERS, (b"content-length", str(len(answer)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    return handle
