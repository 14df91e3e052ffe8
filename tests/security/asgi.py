"""Drive an ASGI app by hand, to see how much of a request body it pulled before answering."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import anyio

MB = 1024 * 1024


@dataclass
class Answer:
    status: int
    body: bytes
    pulled: int
    """Bytes of the request body the app asked for before (or while) it answered."""


def call(
    app: Any,
    path: str,
    chunks: Iterable[bytes],
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    declared: int | None = None,
    host: str = "testserver",
    query: str = "",
) -> Answer:
    """One request; ``chunks`` is consumed lazily, so a 300 MB body costs nothing unless it is read."""
    source = iter(chunks)
    pulled = 0
    ended = False
    out: dict[str, Any] = {"status": 0, "body": b""}
    sent = [(b"host", host.encode()), (b"content-type", b"application/json")]
    sent += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if declared is not None:
        sent.append((b"content-length", str(declared).encode()))
    scope: MutableMapping[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": sent,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> dict[str, Any]:
        nonlocal pulled, ended
        if ended:
            await anyio.sleep(3600)  # no disconnect: the client is still there
        chunk = next(source, None)
        if chunk is None:
            ended = True
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    async def main() -> None:
        with anyio.fail_after(60):
            await app(scope, receive, send)

    # in a thread of its own: Playwright's sync API leaves an event loop on the main thread, so a test
    # run after the browser tests could not start one there ("Already running asyncio in this thread")
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, main).result()
    return Answer(out["status"], out["body"], pulled)


def megabytes(count: int) -> Iterable[bytes]:
    """``count`` MB of body, one MB at a time, made only when asked for."""
    return (b" " * MB for _ in range(count))
