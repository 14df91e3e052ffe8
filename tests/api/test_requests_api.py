"""``/v1/requests`` over HTTP: a batch of erasures runs end to end on a real company database, per tenant,
per role; bad input is a clear 4xx; ``resume`` finishes only the caller's tenant's crashed batches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from examples.sample import DATAMAP, create_schema, generate
from jaga.api import create_api_key, create_app
from jaga.policy import load_policy
from jaga.requests.handlers import Company
from jaga.store import ensure_tenant, make_engine, migrate
from tests.ledger.ledger_fixtures import sessions_for

POLICY = Path(__file__).parents[1] / "requests" / "policy.yaml"


@pytest.fixture
def store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'jaga.db'}")
    migrate(engine)
    return engine


@pytest.fixture
def company(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=12, employees=3, seed=5)
    engine.dispose()
    return url


def _company(url: str, tmp_path: Path) -> Company:
    return Company(
        tenant="*",
        policy_path=POLICY,
        datamap_paths=[DATAMAP],
        connections={"sample_hr": url, "sample_crm": url},
        export_dir=tmp_path / "exports",
    )


@pytest.fixture
def client(store: Engine, company: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(store, load_policy(POLICY), company=_company(company, tmp_path))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _key(store: Engine, role: str, slug: str) -> dict[str, str]:
    with sessions_for(store)() as s:
        tenant = ensure_tenant(s, slug).id
    with sessions_for(store)() as s:
        raw = create_api_key(s, tenant, role)
    return {"Authorization": f"Bearer {raw}"}


def _emails(url: str, ids: tuple[int, ...]) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, email FROM customers")).all())
    engine.dispose()
    return [found[i] for i in ids]


def _count(url: str, sql: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text(sql)).scalar() or 0)
    engine.dispose()
    return n


def test_a_dpo_erases_a_batch_and_reads_it_back(client: TestClient, store: Engine, company: str) -> None:
    dpo = _key(store, "dpo", "acme")
    emails = _emails(company, (3, 4))
    body = {"type": "erasure", "requests": [{"identities": {"email": e}} for e in emails]}

    planned = client.post("/v1/requests/batches", headers=dpo, json={**body, "dry_run": True})
    assert planned.status_code == 200, planned.text
    assert planned.json()["status"] == "dry-run" and "customers" in planned.json()["plan"]
    assert _count(company, "SELECT COUNT(*) FROM web_events WHERE customer_id IN (3, 4)") > 0

    done = client.post("/v1/requests/batches", headers=dpo, json=body)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["status"] == "done" and len(answer["requests"]) == 2
    assert all(r["status"] == "done" and r["result"]["verification"]["verified"] for r in answer["requests"])
    assert _count(company, "SELECT COUNT(*) FROM web_events WHERE customer_id IN (3, 4)") == 0
    assert not any(e in json.dumps(answer) for e in emails)  # counts and laws come back, never the data

    again = client.get(f"/v1/requests/batches/{answer['batch']}", headers=dpo)
    assert again.status_code == 200 and again.json()["requests"] == answer["requests"]
    operator = _key(store, "operator", "acme")
    assert client.get(f"/v1/requests/batches/{answer['batch']}", headers=operator).status_code == 200
    other = _key(store, "admin", "other-company")
    assert client.get(f"/v1/requests/batches/{answer['batch']}", headers=other).status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        ("operator", "post", "/v1/requests/batches", 403),
        ("service", "post", "/v1/requests/batches", 403),
        ("service", "get", "/v1/requests/batches/x", 403),
        ("operator", "post", "/v1/requests/batches/resume", 403),
        (None, "post", "/v1/requests/batches", 401),
    ],
)
def test_roles(client: TestClient, store: Engine, role: str | None, method: str, path: str, status: int) -> None:
    headers = _key(store, role, "acme") if role else {}
    body = {"type": "erasure", "requests": [{"identities": {"email": "a@b.id"}}]}
    answer = client.request(method.upper(), path, headers=headers, json=body if method == "post" else None)
    assert answer.status_code == status, answer.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "shred", "requests": [{"identities": {"email": "a@b.id"}}]}, "type"),
        ({"type": "erasure", "requests": []}, "requests"),
        ({"type": "erasure", "requests": [{"identities": {}}]}, "identities"),
        ({"type": "erasure", "requests": [{"identities": {"email": "a@b.id"}, "why": 1}]}, "why"),
        ({"type": "erasure", "requests": [{"identities": {"e-mail": "a@b.id"}}]}, "no table of the data map"),
        ({"type": "erasure", "requests": [{"identities": {"email": "x,attacker@evil.io"}}]}, "malformed email"),
        ({"type": "erasure", "requests": [{"identities": {"email": "victim<attacker@evil.io>"}}]}, "one mailbox"),
        ({"type": "erasure", "requests": [{"identities": {"phone": "0812"}}]}, "malformed phone"),
        (
            {"type": "erasure", "categories": ["user.nonsense"], "requests": [{"identities": {"email": "a@b.id"}}]},
            "unknown data category",
        ),
        (
            {
                "type": "erasure",
                "masking": {"user.contact": "shred"},
                "requests": [{"identities": {"email": "a@b.id"}}],
            },
            "unknown masking strategy",
        ),
    ],
)
def test_bad_input_is_a_clear_422(client: TestClient, store: Engine, body: dict[str, object], message: str) -> None:
    answer = client.post("/v1/requests/batches", headers=_key(store, "dpo", "acme"), json=body)
    assert answer.status_code == 422 and message in answer.text, answer.text


def test_without_a_data_map_the_endpoints_say_how_to_configure(store: Engine) -> None:
    with TestClient(create_app(store, load_policy(POLICY)), raise_server_exceptions=False) as c:
        body = {"type": "access", "requests": [{"identities": {"email": "a@b.id"}}]}
        answer = c.post("/v1/requests/batches", headers=_key(store, "dpo", "acme"), json=body)
    assert answer.status_code == 503 and "--map" in answer.json()["hint"]


_CHILD = """
import json, sys
from jaga.requests import RequestSpec, run_requests
emails, datamap, policy, conns, tenant = json.loads(sys.argv[1])
run_requests([RequestSpec("erasure", {"email": e}) for e in emails], datamap=datamap, policy=policy,
             connections=conns, tenant=tenant)
"""


def test_resume_finishes_only_the_callers_crashed_batches(
    client: TestClient, store: Engine, company: str, tmp_path: Path
) -> None:
    conns = _company(company, tmp_path).connections
    emails = _emails(company, (5, 6))
    env = {
        **os.environ,
        "JAGA_DSR_CRASH": "2:during",
        "JAGA_DATABASE_URL": str(store.url),
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    args = json.dumps([emails, str(DATAMAP), str(POLICY), dict(conns), "victim"])
    proc = subprocess.run([sys.executable, "-c", _CHILD, args], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]

    bystander = client.post("/v1/requests/batches/resume", headers=_key(store, "dpo", "bystander"))
    assert bystander.status_code == 200 and bystander.json() == {"resumed": []}
    owner = client.post("/v1/requests/batches/resume", headers=_key(store, "dpo", "victim"))
    assert owner.status_code == 200, owner.text
    [batch] = owner.json()["resumed"]
    assert batch["status"] == "done"
    assert all(r["result"]["verification"]["verified"] for r in batch["requests"])
    assert _count(company, "SELECT COUNT(*) FROM web_events WHERE customer_id IN (5, 6)") == 0


def test_the_data_map_and_its_check_over_http(client: TestClient, store: Engine, company: str) -> None:
    operator = _key(store, "operator", "acme")
    shown = client.get("/v1/datamap", headers=operator)
    assert shown.status_code == 200, shown.text
    customers = next(t for t in shown.json()["tables"] if t["table"] == "customers")
    assert customers["identities"]["email"] == "email" and "user.contact.email" in customers["categories"]["email"]
    assert "sample_crm.customers.id -> sample_crm.orders.customer_id" in shown.json()["references"]
    assert client.get("/v1/datamap/check", headers=operator).json() == {
        "ok": True,
        "tables": len(shown.json()["tables"]),
        "problems": [],
        "notes": [],
    }
    engine = make_engine(company)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE web_events"))
    engine.dispose()
    broken = client.get("/v1/datamap/check", headers=operator).json()
    assert broken["ok"] is False and any("web_events" in p["message"] for p in broken["problems"])
    assert client.get("/v1/datamap", headers=_key(store, "service", "acme")).status_code == 403


def test_an_erasure_scoped_over_http_changes_only_its_categories(
    client: TestClient, store: Engine, company: str
) -> None:
    (email,) = _emails(company, (4,))
    names = "SELECT full_name FROM customers ORDER BY id"
    before = _count(company, "SELECT COUNT(*) FROM contacts"), _rows(company, names)
    body = {"type": "erasure", "categories": ["user.contact"], "requests": [{"identities": {"email": email}}]}
    done = client.post("/v1/requests/batches", headers=_key(store, "dpo", "acme"), json=body)
    assert done.status_code == 200 and done.json()["requests"][0]["status"] == "done", done.text
    assert (_count(company, "SELECT COUNT(*) FROM contacts"), _rows(company, names)) == before  # nothing deleted
    assert _count(company, f"SELECT COUNT(*) FROM customers WHERE email = '{email}'") == 0


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows
