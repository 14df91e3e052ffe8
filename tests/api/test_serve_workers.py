"""``jaga serve --workers 2``: several processes answer, each with the same policy and store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from jaga.api.auth import Role, create_api_key
from jaga.store import make_engine, migrate, session_scope
from jaga.store.secrets import ensure_tenant
from tests.ledger.ledger_fixtures import POLICY_YAML


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_workers_serve_decisions_from_one_store(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'jaga.db'}"
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY_YAML, encoding="utf-8")
    env = {**os.environ, "JAGA_DATABASE_URL": store, "JAGA_DATA_DIR": str(tmp_path), "JAGA_SECRET_KEY": "w" * 40}
    migrate(make_engine(store))
    with session_scope(store) as s:
        tenant = ensure_tenant(s, "acme").id
        key = create_api_key(s, tenant, Role.service, "test")
    port = _port()
    cmd = [sys.executable, "-m", "jaga", "serve", "--policy", str(policy), "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("jaga serve --workers 2 did not start")
        answers = [
            httpx.post(
                f"{base}/v1/decide",
                json={"subject": {"key": f"{i:064x}"}, "purpose": "newsletter", "categories": ["user.contact.email"]},
                headers={"Authorization": f"Bearer {key}"},
                timeout=5,
            )
            for i in range(20)
        ]
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200][:1]
        assert all(a.json()["allowed"] is False for a in answers)  # nobody has consented to the newsletter
        refused = httpx.post(f"{base}/v1/decide", json={}, headers={"Authorization": "Bearer nope"}, timeout=5)
        assert refused.status_code == 401
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    assert "2 workers" in out


def test_served_workers_run_requests_on_the_mapped_databases(tmp_path: Path) -> None:
    """``--map`` reaches every worker: a DPO's erasure over HTTP runs on the database the environment names."""
    from sqlalchemy import text

    from examples.sample import DATAMAP, create_schema, generate

    company = f"sqlite:///{tmp_path / 'company.db'}"
    engine = make_engine(company)
    create_schema(engine)
    generate(engine, customers=6, employees=2, seed=3)
    with engine.connect() as conn:
        email = conn.execute(text("SELECT email FROM customers WHERE id = 2")).scalar_one()
    store = f"sqlite:///{tmp_path / 'jaga.db'}"
    migrate(make_engine(store))
    with session_scope(store) as s:
        key = create_api_key(s, ensure_tenant(s, "acme").id, Role.dpo, "test")
    env = {
        **os.environ,
        "JAGA_DATABASE_URL": store,
        "JAGA_DATA_DIR": str(tmp_path),
        "JAGA_SECRET_KEY": "w" * 40,
        "JAGA_DB_SAMPLE_CRM_URL": company,
        "JAGA_DB_SAMPLE_HR_URL": company,
    }
    policy = Path(__file__).parents[1] / "requests" / "policy.yaml"
    port = _port()
    cmd = [sys.executable, "-m", "jaga", "serve", "--policy", str(policy), "--map", str(DATAMAP)]
    server = subprocess.Popen(
        [*cmd, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("jaga serve --map did not start")
        answer = httpx.post(
            f"{base}/v1/requests/batches",
            json={"type": "erasure", "requests": [{"identities": {"email": email}}]},
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["requests"][0]["result"]["verification"]["verified"] is True
    finally:
        server.terminate()
        server.communicate(timeout=20)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM customers WHERE email = :e"), {"e": email}).scalar() == 0
    engine.dispose()


def test_a_map_needs_the_policy_it_is_checked_against(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from examples.sample import DATAMAP
    from jaga.cli import app

    result = CliRunner().invoke(app, ["serve", "--map", str(DATAMAP)], env={"JAGA_POLICY": ""})
    assert result.exit_code == 2 and "--map needs --policy" in result.output
