"""API keys are listed, revoked and rotated (HTTP, CLI), audited; a revoked key stops writing at once and
stops reading within a second, whatever the worker's cache holds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from jaga.api import create_app
from jaga.cli import app as cli
from jaga.policy import Policy
from jaga.store.models.audit import AuditEntry
from tests.api.test_api import EMAIL, key_for
from tests.ledger.ledger_fixtures import sessions_for

EVENT = {"subject": EMAIL, "kind": "consent_given", "purpose": "newsletter"}
QUESTION = {"subject": {"key": "a" * 64}, "purpose": "newsletter", "categories": ["user.contact.email"]}


def _kinds(engine: Engine, tenant: int) -> list[str]:
    with sessions_for(engine)() as s:
        return list(s.scalars(select(AuditEntry.kind).where(AuditEntry.tenant_id == tenant).order_by(AuditEntry.id)))


def test_a_revoked_key_stops_writing_at_once_and_reading_within_a_second(sqlite_engine: Engine, policy: Policy) -> None:
    with TestClient(create_app(sqlite_engine, policy), raise_server_exceptions=False) as client:
        tenant, admin = key_for(sqlite_engine, "admin")
        made = client.post("/v1/apikeys", headers=admin, json={"role": "service", "name": "shop"})
        assert made.status_code == 201
        service = {"Authorization": f"Bearer {made.json()['key']}"}
        assert client.post("/v1/ledger/events", headers=service, json=EVENT).status_code == 201
        assert client.post("/v1/decide", headers=service, json=QUESTION).status_code == 200  # now cached

        listed = client.get("/v1/apikeys", headers=admin).json()
        mine = next(k for k in listed if k["id"] == made.json()["id"])
        assert mine["name"] == "shop" and mine["revoked_at"] is None and "key" not in mine
        assert made.json()["key"] not in str(listed)

        assert client.post(f"/v1/apikeys/{mine['id']}/revoke", headers=admin).status_code == 204
        assert client.post("/v1/ledger/events", headers=service, json=EVENT).status_code == 401  # at once
        time.sleep(1.05)
        assert client.post("/v1/decide", headers=service, json=QUESTION).status_code == 401  # within a second
        assert client.post(f"/v1/apikeys/{mine['id']}/revoke", headers=admin).status_code == 422
        assert "apikey.revoked" in _kinds(sqlite_engine, tenant)


def test_rotate_replaces_a_key_and_keys_stay_in_their_tenant(sqlite_engine: Engine, policy: Policy) -> None:
    with TestClient(create_app(sqlite_engine, policy), raise_server_exceptions=False) as client:
        tenant, admin = key_for(sqlite_engine, "admin")
        old = client.post("/v1/apikeys", headers=admin, json={"role": "dpo", "name": "crm"}).json()
        rotated = client.post(f"/v1/apikeys/{old['id']}/rotate", headers=admin)
        assert rotated.status_code == 201 and rotated.json()["role"] == "dpo"
        new = {"Authorization": f"Bearer {rotated.json()['key']}"}
        assert client.post("/v1/ledger/events", headers=new, json=EVENT).status_code == 201
        stale = {"Authorization": f"Bearer {old['key']}"}
        assert client.post("/v1/ledger/events", headers=stale, json=EVENT).status_code == 401
        assert "apikey.rotated" in _kinds(sqlite_engine, tenant)

        _, other_admin = key_for(sqlite_engine, "admin")  # another tenant: the key does not exist for it
        assert client.post(f"/v1/apikeys/{rotated.json()['id']}/revoke", headers=other_admin).status_code == 404
        assert client.get("/v1/apikeys", headers=new).status_code == 403  # a dpo key manages no keys
        assert client.post(f"/v1/apikeys/{rotated.json()['id']}/revoke", headers=new).status_code == 403


def test_cli_lists_revokes_and_rotates(jaga_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_DATABASE_URL", f"sqlite:///{tmp_path / 'jaga.db'}")
    runner = CliRunner()
    assert runner.invoke(cli, ["tenant", "create", "acme"]).exit_code == 0  # commands never create a tenant
    created = runner.invoke(cli, ["apikey", "create", "--role", "service", "--name", "pos", "--tenant", "acme"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    listed = runner.invoke(cli, ["apikey", "list", "--tenant", "acme"])
    assert listed.exit_code == 0 and "pos" in listed.output and "active" in listed.output and key not in listed.output
    key_id = listed.output.split()[0]
    rotated = runner.invoke(cli, ["apikey", "rotate", key_id, "--tenant", "acme"])
    assert rotated.exit_code == 0 and rotated.stdout.strip().splitlines()[-1].startswith("jaga_")
    again = runner.invoke(cli, ["apikey", "revoke", key_id, "--tenant", "acme"])
    assert again.exit_code == 2 and "already revoked" in again.output
    missing = runner.invoke(cli, ["apikey", "revoke", "9999", "--tenant", "acme"])
    assert missing.exit_code == 2 and "no API key 9999" in missing.output and "Traceback" not in missing.output
    assert "revoked" in runner.invoke(cli, ["apikey", "list", "--tenant", "acme"]).output
