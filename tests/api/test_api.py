"""The HTTP API: tenant isolation, roles, clear 4xx for bad input, decisions and audit over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jaga.api import create_api_key, create_app
from jaga.policy import Policy
from tests.ledger.ledger_fixtures import new_tenant, sessions_for

EMAIL = {"identities": [{"kind": "email", "value": "Dewi@Example.com"}]}


@pytest.fixture
def client(sqlite_engine: Engine, policy: Policy) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_engine, policy), raise_server_exceptions=False) as c:
        yield c


def key_for(engine: Engine, role: str, tenant: int | None = None) -> tuple[int, dict[str, str]]:
    tenant = tenant or new_tenant(engine)
    with sessions_for(engine)() as s:
        raw = create_api_key(s, tenant, role)
    return tenant, {"Authorization": f"Bearer {raw}"}


def test_consent_state_history_decide(client: TestClient, sqlite_engine: Engine) -> None:
    _, h = key_for(sqlite_engine, "operator")
    given = client.post(
        "/v1/ledger/events",
        headers=h,
        json={
            "subject": EMAIL,
            "kind": "consent_given",
            "purpose": "newsletter",
            "at": "2024-01-01T00:00:00Z",
            "form": "explicit",
            "ip": "203.0.113.9",
        },
    )
    assert given.status_code == 201, given.text
    key = given.json()["subject"]
    client.post(
        "/v1/ledger/events",
        headers=h,
        json={
            "subject": {"key": key},
            "kind": "consent_withdrawn",
            "purpose": "newsletter",
            "at": "2024-02-01T00:00:00Z",
        },
    )
    state = client.get(f"/v1/subjects/{key}/state", headers=h, params={"at": "2024-01-15T00:00:00Z"})
    assert state.json()["state"]["purposes"]["newsletter"]["consent"] is True
    history = client.get(f"/v1/subjects/{key}/history", headers=h).json()["events"]
    assert [e["kind"] for e in history] == ["consent_given", "consent_withdrawn"]
    assert "203.0.113.9" not in str(history) and "dewi" not in str(history).lower()
    question = {"purpose": "newsletter", "categories": ["user.contact.email"]}
    past = client.post("/v1/decide", headers=h, json={**question, "subject": EMAIL, "at": "2024-01-15T00:00:00Z"})
    now = client.post("/v1/decide", headers=h, json={**question, "subject": {"key": key}})
    assert past.json()["allowed"] is True and now.json()["allowed"] is False
    assert now.json()["reasons"][0]["code"] == "no_consent" and now.json()["citations"]
    batch = client.post(
        "/v1/decide/batch", headers=h, json={**question, "subjects": [key, "a" * 64], "at": "2024-01-15T00:00:00Z"}
    )
    assert batch.json()["allowed"] == 1 and batch.json()["results"][1]["reasons"] == ["no_consent"]
    assert client.post("/v1/subjects/resolve", headers=h, json=EMAIL).json()["subject"] == key


def test_tenant_isolation(client: TestClient, sqlite_engine: Engine) -> None:
    _, a = key_for(sqlite_engine, "admin")
    _, b = key_for(sqlite_engine, "admin")
    key = client.post(
        "/v1/ledger/events", headers=a, json={"subject": EMAIL, "kind": "consent_given", "purpose": "newsletter"}
    ).json()["subject"]
    assert client.get(f"/v1/subjects/{key}/state", headers=a).status_code == 200
    for path in (f"/v1/subjects/{key}/state", f"/v1/subjects/{key}/history"):
        leaked = client.get(path, headers=b)
        assert leaked.status_code == 404 and "consent" not in leaked.text
    assert client.post("/v1/subjects/resolve", headers=b, json=EMAIL).status_code == 404
    decided = client.post(
        "/v1/decide",
        headers=b,
        json={"subject": {"key": key}, "purpose": "newsletter", "categories": ["user.contact.email"]},
    )
    assert decided.json()["allowed"] is False  # tenant B's ledger has never heard of this person
    assert client.get("/v1/audit/verify", headers=b).json()["checked"] == 1  # only its own denial
    assert client.get("/v1/audit/verify", headers=a).json()["ok"] is True


def test_bad_input_is_a_clear_4xx(client: TestClient, sqlite_engine: Engine) -> None:
    _, h = key_for(sqlite_engine, "operator")
    cases = [
        (
            client.post(
                "/v1/ledger/events",
                headers=h,
                json={"subject": EMAIL, "kind": "consent_given", "purpose": "no_such_purpose"},
            ),
            404,
            "unknown purpose",
        ),
        (
            client.post(
                "/v1/ledger/events",
                headers=h,
                json={"subject": {"identities": [{"kind": "phone", "value": "555"}]}, "kind": "objection"},
            ),
            422,
            "malformed phone",
        ),
        (
            client.post(
                "/v1/ledger/events",
                headers=h,
                json={
                    "subject": {"identities": [{"kind": "email", "value": "victim<attacker@evil.io>"}]},
                    "kind": "objection",
                },
            ),
            422,
            "malformed email address",
        ),
        (
            client.post(
                "/v1/decide", headers=h, json={"subject": EMAIL, "purpose": "nope", "categories": ["user.contact"]}
            ),
            404,
            "unknown purpose",
        ),
        (client.get("/v1/audit/verify", headers={"Authorization": "Bearer jaga_nope_x"}), 401, "invalid API key"),
        (client.get("/v1/audit/verify"), 401, "missing"),
        (client.get("/v1/audit/verify", headers=h), 403, "may not"),
        (client.post("/v1/ledger/events", headers=h, json={"subject": EMAIL, "kind": "teleport"}), 422, "kind"),
        (client.get("/v1/subjects/xyz/state", headers=h), 422, "key"),
        (
            client.post(
                "/v1/ledger/events",
                headers=h,
                json={"subject": EMAIL, "kind": "objection", "at": "2024-01-01T00:00:00"},
            ),
            422,
            "timezone",
        ),
    ]
    for response, status, text in cases:
        assert response.status_code == status, (response.status_code, response.text)
        assert text.lower() in response.text.lower()
        assert "555" not in response.text or status != 422 or "phone" not in text


def test_unsubscribe_link_and_keys(client: TestClient, sqlite_engine: Engine) -> None:
    _, admin = key_for(sqlite_engine, "admin")
    key = client.post(
        "/v1/ledger/events", headers=admin, json={"subject": EMAIL, "kind": "consent_given", "purpose": "newsletter"}
    ).json()["subject"]
    link = client.post(
        "/v1/ledger/unsubscribe-links", headers=admin, json={"subject": {"key": key}, "purpose": "newsletter"}
    ).json()
    assert client.post(link["path"]).status_code == 200
    state = client.get(f"/v1/subjects/{key}/state", headers=admin).json()["state"]
    assert state["purposes"]["newsletter"]["consent"] is False
    assert client.post(link["path"] + "x").status_code == 403
    made = client.post("/v1/apikeys", headers=admin, json={"role": "service"})
    service = {"Authorization": f"Bearer {made.json()['key']}"}
    assert client.get(f"/v1/subjects/{key}/state", headers=service).status_code == 403
    assert client.get("/docs").status_code == 200 and "/v1/decide" in client.get("/openapi.json").text


def test_decide_trusts_a_verified_key_briefly(sqlite_engine: Engine, policy: Policy) -> None:
    """Decisions skip the key lookup for ``caller_ttl`` seconds; a revoked key stops working after it."""
    from sqlalchemy import update

    from jaga.store.base import utcnow
    from jaga.store.models.apikeys import ApiKey

    app = create_app(sqlite_engine, policy)
    question = {"subject": {"key": "a" * 64}, "purpose": "newsletter", "categories": ["user.contact.email"]}
    with TestClient(app, raise_server_exceptions=False) as client:
        _, h = key_for(sqlite_engine, "service")
        assert client.post("/v1/decide", headers=h, json=question).status_code == 200
        with sessions_for(sqlite_engine)() as s:
            s.execute(
                update(ApiKey).values(revoked_at=utcnow()).where(ApiKey.prefix == h["Authorization"].split("_")[1])
            )
        assert client.post("/v1/decide", headers=h, json=question).status_code == 200  # within the TTL
        app.state.jaga.caller_ttl = 0
        app.state.jaga._callers.clear()
        assert client.post("/v1/decide", headers=h, json=question).status_code == 401
        _, dpo = key_for(sqlite_engine, "dpo")
        assert client.post("/v1/decide", headers=dpo, json=question).status_code == 200
        _, wrong = key_for(sqlite_engine, "service")
        bad = {"Authorization": wrong["Authorization"][:-2] + "xx"}
        assert client.post("/v1/decide", headers=bad, json=question).status_code == 401


def test_batch_of_events_is_recorded_in_order_or_not_at_all(client: TestClient, sqlite_engine: Engine) -> None:
    tenant, h = key_for(sqlite_engine, "service")
    events = [
        {"subject": EMAIL, "kind": "consent_given", "purpose": "newsletter", "at": "2024-01-01T00:00:00Z"},
        {
            "subject": {"identities": [{"kind": "phone", "value": "0812-3456-7890"}]},
            "kind": "do_not_contact",
            "channel": "sms",
        },
        {"subject": EMAIL, "kind": "consent_withdrawn", "purpose": "newsletter", "at": "2024-02-01T00:00:00Z"},
    ]
    done = client.post("/v1/ledger/events/batch", headers=h, json={"events": events})
    assert done.status_code == 201, done.text
    recorded = done.json()["events"]
    assert done.json()["recorded"] == 3 and [e["kind"] for e in recorded] == [e["kind"] for e in events]
    assert recorded[0]["subject"] == recorded[2]["subject"] != recorded[1]["subject"]
    assert [e["id"] for e in recorded] == sorted(e["id"] for e in recorded)
    question = {"purpose": "newsletter", "categories": ["user.contact.email"], "subject": EMAIL}
    assert client.post("/v1/decide", headers=h, json=question).json()["allowed"] is False
    bad = [events[0], {**events[2], "purpose": "no_such_purpose"}]
    refused = client.post("/v1/ledger/events/batch", headers=h, json={"events": bad})
    assert refused.status_code == 404 and "no_such_purpose" in refused.json()["error"]
    unknown = client.post(
        "/v1/ledger/events/batch",
        headers=h,
        json={"events": [events[0], {"subject": {"key": "b" * 64}, "kind": "gpc_signal"}]},
    )
    assert unknown.status_code == 404 and unknown.json()["where"] == "events[1]"
    assert client.post("/v1/ledger/events/batch", headers=h, json={"events": []}).status_code == 422
    _, dpo = key_for(sqlite_engine, "dpo", tenant)
    history = client.get(f"/v1/subjects/{recorded[0]['subject']}/history", headers=dpo).json()["events"]
    assert [e["id"] for e in history] == [recorded[0]["id"], recorded[2]["id"]]  # nothing of the refused ones
    assert client.get("/v1/audit/verify", headers=dpo).json()["ok"] is True
    _, other = key_for(sqlite_engine, "operator")
    elsewhere = client.post("/v1/ledger/events/batch", headers=other, json={"events": events[:1]}).json()
    assert elsewhere["events"][0]["subject"] != recorded[0]["subject"]  # another tenant, another key


def test_decide_fast_path_answers_as_the_endpoint_does(client: TestClient, sqlite_engine: Engine) -> None:
    """The first request with a key goes through FastAPI (verifying the key); later ones take the fast
    path and must answer the same; anything unusual falls back to FastAPI with its messages."""
    _, h = key_for(sqlite_engine, "service")
    given = {"subject": EMAIL, "kind": "consent_given", "purpose": "newsletter"}
    assert client.post("/v1/ledger/events", headers=h, json=given).status_code == 201
    question = {"purpose": "newsletter", "categories": ["user.contact.email"], "subject": EMAIL}
    first = client.post("/v1/decide", headers=h, json=question)
    again = client.post("/v1/decide", headers=h, json=question)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and again.json()["allowed"] is True
    assert again.headers["content-type"] == "application/json"
    denied = client.post("/v1/decide", headers=h, json={**question, "categories": ["user.health_and_medical"]})
    assert denied.status_code == 200 and denied.json()["allowed"] is False and denied.json()["reasons"]
    unknown = client.post("/v1/decide", headers=h, json={**question, "purpose": "nope"})
    assert unknown.status_code == 404 and "nope" in unknown.json()["error"]
    assert client.post("/v1/decide", headers=h, content=b"{not json").status_code == 422
    assert client.post("/v1/decide", headers=h, json={**question, "extra": 1}).status_code == 422
    assert client.post("/v1/decide", headers={"Authorization": "Bearer jaga_x_y"}, json=question).status_code == 401
    _, reader = key_for(sqlite_engine, "dpo")
    assert client.post("/v1/decide", headers=reader, json=question).status_code == 200


@pytest.mark.parametrize("mount", ["", "/api"])
def test_decide_fast_path_is_taken_where_the_api_is_mounted(
    sqlite_engine: Engine, policy: Policy, monkeypatch: pytest.MonkeyPatch, mount: str
) -> None:
    """Under ``jaga up`` the API is mounted at ``/api``; plain decisions there must take the fast path too."""
    from fastapi import FastAPI

    from jaga.api import fast

    answered: list[str] = []
    real = fast._answer

    def counting(*args: object) -> bytes | None:
        out = real(*args)  # type: ignore[arg-type]
        answered.append("fast" if out is not None else "fallback")
        return out

    monkeypatch.setattr(fast, "_answer", counting)
    app = create_app(sqlite_engine, policy)
    if mount:
        outer = FastAPI()
        outer.mount(mount, app)
        app = outer
    _, h = key_for(sqlite_engine, "service")
    question = {"purpose": "newsletter", "categories": ["user.contact.email"], "subject": EMAIL}
    with TestClient(app, raise_server_exceptions=False) as c:
        first = c.post(f"{mount}/v1/decide", headers=h, json=question)  # verifies the key through FastAPI
        again = c.post(f"{mount}/v1/decide", headers=h, json=question)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert answered[-1] == "fast"
