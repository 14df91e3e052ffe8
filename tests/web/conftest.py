"""The whole web app, live: the demo set up once per session (as ``jaga up`` does) in a temporary data
directory and served by uvicorn in a background thread on a free port; plus Debian's Chromium driven by
Playwright. Screenshots go to ``tests/web/artifacts/`` (gitignored)."""

from __future__ import annotations

import email
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from jaga.cli.up import Demo, prepare
from jaga.settings import get_settings
from jaga.store import make_engine
from jaga.web import create_web_app
from jaga.web._common import WebConfig

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")


@dataclass(frozen=True)
class LiveDemo:
    """The running demo: where it is served and where its files are."""

    base_url: str
    data_dir: Path
    outbox: Path
    sample_db: Path
    admin_email: str
    admin_password: str
    demo: Demo
    app: FastAPI

    def customer_emails(self, limit: int = 20) -> list[str]:
        """Emails of sample customers that belong to exactly one customer (so exports are clear-cut)."""
        with sqlite3.connect(self.sample_db) as conn:
            rows = conn.execute(
                "SELECT email FROM customers WHERE email IS NOT NULL GROUP BY email HAVING count(*) = 1 "
                "ORDER BY min(id) LIMIT ?",
                (limit,),
            ).fetchall()
        return [r[0] for r in rows]

    def messages(self, request_id: str, template: str) -> list[Message]:
        """The outbox messages of one request and template, oldest first."""
        paths = sorted(self.outbox.glob(f"*-{request_id}-{template}-*.eml"))
        return [email.message_from_bytes(p.read_bytes()) for p in paths]

    def latest_code(self, request_id: str) -> str:
        """The one-time code of the newest code message of ``request_id``."""
        found = self.messages(request_id, "code")
        assert found, f"no code message for {request_id}"
        body = _body(found[-1])
        match = re.search(r"\b(\d{6})\b", body)
        assert match, "no 6-digit code in the message"
        return match.group(1)


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def message_body(message: Message) -> str:
    """The decoded text of an outbox message."""
    return _body(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDemo]:
    """The demo company served on a free port for the whole session."""
    patch = pytest.MonkeyPatch()
    patch.delenv("JAGA_DATABASE_URL", raising=False)
    patch.delenv("JAGA_SECRET_KEY", raising=False)
    patch.delenv("JAGA_SMTP_URL", raising=False)
    data_dir = tmp_path_factory.mktemp("jaga-up")
    patch.setenv("JAGA_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    demo = prepare(data_dir, customers=120, employees=20)
    assert demo.admin_password is not None
    engine = make_engine()
    port = _free_port()
    # trusting the local proxy's X-Forwarded-For lets the flood test act as its own client without
    # starving the others; links in messages name where this server really is
    config = WebConfig(public_url=f"http://127.0.0.1:{port}", trusted_proxies=("127.0.0.1",))
    app = create_web_app(
        engine, tenant=demo.tenant, company=demo.company(), config=config, data_dir=demo.data_dir, mount_console=False
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield LiveDemo(
            base_url=f"http://127.0.0.1:{port}",
            data_dir=demo.data_dir,
            outbox=demo.data_dir / "outbox",
            sample_db=demo.sample_db,
            admin_email=demo.admin_email,
            admin_password=demo.admin_password,
            demo=demo,
            app=app,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
        patch.undo()
        get_settings.cache_clear()


_client_counter = iter(range(1, 250))


@pytest.fixture
def client(live: LiveDemo) -> Iterator[httpx.Client]:
    """An HTTP client acting as its own visitor (own cookies, own address for the rate limits)."""
    address = f"10.0.0.{next(_client_counter)}"
    with httpx.Client(base_url=live.base_url, headers={"X-Forwarded-For": address}, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (skipped, saying why, only if it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (own cookies) and page; each test gets its own forwarded address."""
    address = f"10.1.0.{next(_client_counter)}"
    context = browser.new_context(
        accept_downloads=True, extra_http_headers={"X-Forwarded-For": address}, viewport={"width": 1100, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
