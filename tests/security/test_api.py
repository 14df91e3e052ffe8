"""The JSON API as an attacker sees it: bodies it must not read, hosts it must not answer, tenants it must
not reveal.

Bodies are sent by hand (tests/security/asgi.py) so that each test can tell how many bytes the server
pulled: a body without a key must not be read at all, a body past its endpoint's limit not much past it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jaga.api import create_api_key, create_app
from jaga.api.app import served_hosts
from jaga.policy import Policy
from jaga.settings import get_settings
from tests.ledger.ledger_fixtures import new_tenant, sessions_for
from tests.security.asgi import MB, call, megabytes


@pytest.fixture
def app(sqlite_engine: Engine, policy: Policy) -> FastAPI:
    return create_app(sqlite_engine, policy)


@pytest.fixture
def key(sqlite_engine: Engine) -> dict[str, str]:
    with sessions_for(sqlite_engine)() as session:
        raw = create_api_key(session, new_tenant(sqlite_engine), "admin")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JAGA_MAX_BODY_BYTES", str(64 * 1024))
    monkeypatch.setenv("JAGA_MAX_UPLOAD_BYTES", str(3 * MB))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("path", ["/v1/ledger/events", "/v1/decide", "/v1/requests/batches", "/v1/decide/batch"])
def test_a_huge_body_without_a_key_is_never_read(app: FastAPI, path: str) -> None:
    declared = call(app, path, megabytes(300), declared=300 * MB)
    assert declared.status == 413 and declared.pulled == 0, declared
    chunked = call(app, path, megabytes(300))
    assert chunked.status == 401 and chunked.pulled == 0, chunked
    assert b"API key" in chunked.body


@pytest.mark.parametrize("path", ["/v1/ledger/events", "/v1/decide", "/v1/apikeys"])
def test_a_huge_body_with_a_key_is_cut_off_at_the_limit(app: FastAPI, key: dict[str, str], path: str) -> None:
    declared = call(app, path, megabytes(300), headers=key, declared=300 * MB)
    assert declared.status == 413 and declared.pulled == 0, declared
    chunked = call(app, path, megabytes(300), headers=key)
    assert chunked.status == 413, chunked
    assert chunked.pulled <= 2 * MB  # the 1 MB default and the chunk that crossed it
    assert b"larger than" in chunked.body


def test_the_public_unsubscribe_is_capped_too(app: FastAPI) -> None:
    declared = call(app, "/v1/unsubscribe/anyone", megabytes(300), query="token=x", declared=300 * MB)
    assert declared.status == 413 and declared.pulled == 0
    chunked = call(app, "/v1/unsubscribe/anyone", megabytes(300), query="token=x")
    assert chunked.status == 403 and chunked.pulled <= 2 * MB  # the endpoint reads no body


def test_limits_are_per_endpoint_and_configured(small_limits: None, app: FastAPI, key: dict[str, str]) -> None:
    # 1 MB: too much for an ordinary JSON endpoint, fine for the bulk one (which then reads it as bad JSON)
    ordinary = call(app, "/v1/ledger/events", megabytes(1), headers=key)
    assert ordinary.status == 413 and ordinary.pulled <= MB
    bulk = call(app, "/v1/requests/batches", megabytes(1), headers=key)
    assert bulk.status == 422, bulk
    over = call(app, "/v1/requests/batches", megabytes(10), headers=key)
    assert over.status == 413 and over.pulled <= 4 * MB


def test_an_ordinary_request_still_passes(app: FastAPI, key: dict[str, str]) -> None:
    with TestClient(app) as client:
        answer = client.post("/v1/decide", headers=key, json={"subject": {"key": "x"}, "purpose": "nope"})
    assert answer.status_code in (200, 404, 422), answer.text


def test_an_unknown_tenant_looks_like_a_bad_link(app: FastAPI, sqlite_engine: Engine) -> None:
    with sessions_for(sqlite_engine)() as session:
        from jaga.store import ensure_tenant

        real = ensure_tenant(session, "real-shop").slug
    with TestClient(app) as client:
        known = client.post(f"/v1/unsubscribe/{real}", params={"token": "forged"})
        unknown = client.post("/v1/unsubscribe/no-such-shop", params={"token": "forged"})
    assert known.status_code == unknown.status_code == 403
    assert known.json() == unknown.json()


def test_serve_answers_only_its_hosts(sqlite_engine: Engine, policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_PUBLIC_URL", "https://api.example.com")
    monkeypatch.setenv("JAGA_TRUSTED_HOSTS", "internal.example")
    get_settings.cache_clear()
    try:
        hosts = served_hosts("0.0.0.0")
    finally:
        get_settings.cache_clear()
    assert hosts == ["api.example.com", "internal.example"]
    app = create_app(sqlite_engine, policy, allowed_hosts=hosts)
    with TestClient(app, base_url="https://api.example.com") as good:
        assert good.get("/healthz").status_code == 200
    with TestClient(app, base_url="https://evil.example") as bad:
        assert bad.get("/healthz").status_code == 400
        assert bad.post("/v1/decide", json={}).status_code == 400
