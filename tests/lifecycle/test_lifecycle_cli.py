"""``jaga dsr``: the commands drive the lifecycle end to end and never print the address or the code."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jaga.cli._base import console
from jaga.cli.dsr import app
from jaga.store import create_tenant, make_engine, migrate, session_scope
from tests.lifecycle.conftest import ALICE

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 240)  # tables must not wrap the words the tests look for


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _last(data: Path, template: str) -> str:
    files = sorted((data / "outbox").glob(f"*-{template}-*.eml"))
    return str(message_from_bytes(files[-1].read_bytes())["Subject"])


def test_cli_flow(env: Path) -> None:
    engine = make_engine()
    migrate(engine, "requests@head")
    engine.dispose()
    with session_scope() as session:  # the only tenant, so the commands need no --tenant
        create_tenant(session, "acme")
    policy = str(Path(__file__).parents[1] / "fixtures_clean_policy.yaml")  # controller.timezone: Asia/Jakarta
    submit = ("submit", "--right", "access", "--identity", f"email={ALICE}", "--regime", "uu_pdp", "--lang", "id")
    assert "UTC" in _run(*submit, "--no-code")  # no policy, no zone: UTC, and labelled so
    out = _run(*submit, "--policy", policy)
    rid = out.split()[0]
    assert rid.startswith("REQ-") and ALICE not in out and "WIB" in out
    code = _last(env, "code").rsplit(" ", 1)[-1]
    assert code not in out
    wrong = _run("verify", rid, f"{(int(code) + 1) % 1_000_000:06d}", code=2)
    assert "not right" in wrong and "4 attempt" in wrong
    _run("verify", rid, code)
    assert "identity_verified" in _run("list")
    assert rid not in _run("list", "--overdue")
    assert rid in _run("list", "--due-soon", "--within", "100")
    refused = _run("extend", rid, "--reason", "busy", code=2)
    assert "no extension" in refused and "UU PDP" in refused
    _run("start", rid)
    _run("complete", rid, "--summary", "Terlampir.")
    shown = _run("show", rid)
    for step in ("received", "identity_verified", "in_progress", "completed"):
        assert step in shown
    assert "illegal" not in _run("refuse", rid, "--reason", "x", "--article", "UU PDP art. 8", code=2)
    assert "request(s)" in _run("list", "--all")


def test_cli_staff_verification_and_refusal(env: Path) -> None:
    engine = make_engine()
    migrate(engine, "requests@head")
    engine.dispose()
    with session_scope() as session:  # the only tenant, so the commands need no --tenant
        create_tenant(session, "acme")
    rid = _run(
        "submit",
        "--right",
        "rectification",
        "--identity",
        "phone=0812-3456-7890",
        "--regime",
        "gdpr",
        "--lang",
        "en",
        "--change",
        "address=Jl. Melati 7",
        "--no-code",
    ).split()[0]
    _run("verify-staff", rid, "--note", "KTP seen in person", "--actor", "dpo")
    shown = _run("show", rid)
    assert "KTP seen in person" in shown and "address" in shown and "Melati" not in shown
    _run("wait", rid, "--reason", "which address?")
    _run("resume", rid)
    _run("refuse", rid, "--reason", "cannot confirm the address", "--article", "GDPR art. 12(5)")
    assert "no request" in _run("show", "REQ-NOPE", code=2)
    assert "key=value" in _run("submit", "--right", "access", "--identity", "nope", code=2)
