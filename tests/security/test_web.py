"""The privacy centre as an attacker sees it: forged Host headers, forged client addresses, cookies sent
in clear.

The app runs in process (TestClient) over a fresh store; messages land in the data directory's outbox.
"""

from __future__ import annotations

import email
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from jaga.cli import app as cli
from jaga.cli.serve import UVICORN_OPTIONS
from jaga.cli.up import web_config
from jaga.errors import ConfigError
from jaga.policy import Policy, load_policy
from jaga.settings import get_settings
from jaga.store import make_engine, migrate
from jaga.web import WebConfig, create_web_app
from tests.security.asgi import call, megabytes
from tests.web.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://privacy.example.com"
Make = Callable[[WebConfig | None], FastAPI]


@pytest.fixture(scope="module")
def example_policy() -> Policy:
    return load_policy(ROOT / "examples/bpo7-benemica/policy.yaml")


@pytest.fixture
def store(jaga_env: Path) -> Iterator[Engine]:
    engine = make_engine()
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def make(store: Engine, example_policy: Policy) -> Make:
    def build(config: WebConfig | None) -> FastAPI:
        return create_web_app(store, example_policy, tenant="shop", config=config, mount_console=False)

    return build


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set ``JAGA_*`` variables for one test (settings re-read)."""

    def setenv(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"JAGA_{name.upper()}", value)
        get_settings.cache_clear()

    yield setenv
    get_settings.cache_clear()


def _csrf(client: TestClient, path: str = "/consent") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"no form on {path}"
    return match.group(1)


def _ask_link(client: TestClient, **headers: str) -> int:
    data = {"csrf_token": _csrf(client), "kind": "email", "identity": "dewi@example.com"}
    return client.post("/consent/link", data=data, headers=headers, follow_redirects=False).status_code


def _mails(data_dir: Path) -> list[str]:
    texts = []
    for path in sorted((data_dir / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        texts.append(payload.decode(message.get_content_charset() or "utf-8"))
    return texts


def _links(data_dir: Path) -> list[str]:
    return [m.group(0) for text in _mails(data_dir) for m in re.finditer(r"\S+/consent/open/\S+", text)]


def test_a_forged_host_gets_no_link_and_links_use_the_public_url(make: Make, jaga_env: Path) -> None:
    app = make(WebConfig(public_url=PUBLIC))
    with TestClient(app, base_url=PUBLIC) as client:
        assert _ask_link(client, host="evil.example") == 400
        assert not any("evil.example" in text for text in _mails(jaga_env))
        # a proxy-style header is not a way around it either
        assert _ask_link(client, **{"x-forwarded-host": "evil.example"}) == 303
    links = _links(jaga_env)
    assert len(links) == 1 and links[0].startswith(f"{PUBLIC}/consent/open/"), links


def test_the_link_does_not_follow_an_allowed_alias_host(make: Make, jaga_env: Path) -> None:
    app = make(WebConfig(public_url=PUBLIC, trusted_hosts=("internal.example",)))
    with TestClient(app, base_url="http://internal.example") as client:
        assert _ask_link(client) == 303
    with TestClient(app, base_url="http://other.example") as client:
        assert client.get("/").status_code == 400
    assert [link.startswith(f"{PUBLIC}/") for link in _links(jaga_env)] == [True]


def test_the_mounted_api_is_behind_the_host_check_and_its_body_limit(make: Make) -> None:
    app = make(WebConfig(public_url=PUBLIC))
    assert call(app, "/api/healthz", [], method="GET", host="evil.example").status == 400
    answer = call(app, "/api/v1/ledger/events", megabytes(300), host="privacy.example.com")
    assert answer.status == 401 and answer.pulled == 0


@pytest.mark.parametrize(
    ("settings", "secure"),
    [
        ({"public_url": PUBLIC}, True),
        ({"public_url": "http://127.0.0.1:8000"}, False),
        ({"public_url": "http://127.0.0.1:8000", "secure_cookies": "true"}, True),
        ({"public_url": PUBLIC, "secure_cookies": "false"}, False),
    ],
)
def test_cookies_are_secure_as_the_public_url_or_setting_says(
    make: Make, env: Callable[..., None], jaga_env: Path, settings: dict[str, str], secure: bool
) -> None:
    env(**settings)
    # the client speaks https (as behind a TLS proxy) so that it sends back cookies marked Secure
    base = get_settings().public_base().replace("http://", "https://")
    with TestClient(make(None), base_url=base) as client:
        csrf = client.get("/consent").headers.get_list("set-cookie")
        assert _ask_link(client) == 303
        opened = client.get(_links(jaga_env)[-1], follow_redirects=False)
    subject = [c for c in opened.headers.get_list("set-cookie") if c.startswith("jaga_subject=")]
    assert csrf and subject
    for cookie in [*csrf, *subject]:
        assert ("; secure" in cookie.lower()) is secure, cookie


def test_jaga_up_serves_links_and_cookies_as_configured(env: Callable[..., None]) -> None:
    env(data_dir="unused")
    demo = web_config("0.0.0.0", 8123)
    assert demo.public_url == "http://127.0.0.1:8123" and not demo.secure_cookies
    assert demo.allowed_hosts() == ["127.0.0.1", "localhost", "::1"]
    env(public_url=PUBLIC + "/", trusted_hosts="a.example, b.example", trusted_proxies="10.0.0.0/8")
    production = web_config("127.0.0.1", 8000)
    assert production.public_url == PUBLIC and production.secure_cookies
    assert production.allowed_hosts() == ["privacy.example.com", "a.example", "b.example"]
    assert production.trusted_proxies == ("10.0.0.0/8",)


@pytest.mark.parametrize("url", ["ftp://x.example", "https://x.example/?next=evil", "privacy.example.com"])
def test_a_bad_public_url_is_one_clear_error(env: Callable[..., None], url: str) -> None:
    env(public_url=url)
    with pytest.raises(ConfigError, match="JAGA_PUBLIC_URL"):
        web_config("127.0.0.1", 8000)


@pytest.mark.parametrize("hosts", ["*", "a.example,*", "ev*il.example", "host:8000"])
def test_a_bad_trusted_host_is_one_clear_error(env: Callable[..., None], hosts: str) -> None:
    env(trusted_hosts=hosts)
    with pytest.raises(ConfigError, match="JAGA_TRUSTED_HOSTS"):
        web_config("127.0.0.1", 8000).allowed_hosts()


def _flood(app: FastAPI, peer: str, forwarded: Callable[[int], str], tries: int = 11) -> list[int]:
    """POSTs to a form from ``peer`` (no CSRF token: each counts against the rate limit, then 403)."""
    with TestClient(app, base_url="http://127.0.0.1", client=(peer, 40000)) as client:
        return [
            client.post("/consent/link", data={"identity": "x"}, headers={"x-forwarded-for": forwarded(i)}).status_code
            for i in range(tries)
        ]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(make: Make) -> None:
    app = make(WebConfig(trusted_proxies=("10.0.0.1",)))
    statuses = _flood(app, "192.0.2.7", lambda i: f"198.51.100.{i}")
    assert statuses[:10] == [403] * 10 and statuses[10] == 429


def test_forwarded_for_from_a_trusted_proxy_names_the_client(make: Make) -> None:
    app = make(WebConfig(trusted_proxies=("10.0.0.0/8",)))
    assert 429 not in _flood(app, "10.0.0.1", lambda i: f"198.51.100.{i}")
    # the client may prepend anything; the address the proxy appended counts
    assert _flood(app, "10.0.0.1", lambda i: f"203.0.113.{i}, 198.51.100.200, 10.0.0.2")[10] == 429


def test_no_trusted_proxies_by_default(make: Make) -> None:
    assert WebConfig().trusted_proxies == () and get_settings().trusted_proxies == []
    assert _flood(make(None), "127.0.0.1", lambda i: f"198.51.100.{i}")[10] == 429


def test_the_served_app_does_not_let_a_local_client_pick_its_address(make: Make) -> None:
    """uvicorn as ``jaga up`` / ``jaga serve`` run it: a client on the same machine cannot pose as many
    through ``X-Forwarded-For`` (uvicorn's own proxy handling believes any local client)."""
    port = _free_port()
    app = make(WebConfig(public_url=f"http://127.0.0.1:{port}"))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", **UVICORN_OPTIONS)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            statuses = [
                client.post(
                    "/consent/link", data={"identity": "x"}, headers={"x-forwarded-for": f"198.51.100.{i}"}
                ).status_code
                for i in range(11)
            ]
    finally:
        server.should_exit = True
        thread.join(10)
    assert statuses[10] == 429, statuses


@pytest.mark.parametrize(("name", "value"), [("SECURE_COOKIES", "maybe"), ("MAX_BODY_BYTES", "lots")])
def test_a_setting_that_does_not_parse_is_one_clear_error(env: Callable[..., None], name: str, value: str) -> None:
    env(**{name.lower(): value})
    result = CliRunner().invoke(cli, ["store", "migrate"])
    assert result.exit_code == 2 and f"JAGA_{name}" in result.output and value not in result.output
