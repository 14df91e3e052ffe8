"""The CLI twins: consent give/withdraw/state, decide, ledger rebuild, apikey create."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.ledger.ledger_fixtures import POLICY_YAML, cli_root


def test_consent_cli_round_trip(cli_env: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY_YAML)
    run = CliRunner().invoke
    root, t = cli_root(), ["--tenant", cli_env]
    given = run(
        root,
        [
            "consent",
            "give",
            "--email",
            "Rina@Example.com",
            "--purpose",
            "newsletter",
            "--at",
            "2024-01-01T00:00:00+07:00",
            "--policy",
            str(policy),
            *t,
        ],
    )
    assert given.exit_code == 0, given.output
    assert "rina" not in given.output.lower()
    out = run(
        root,
        [
            "consent",
            "withdraw",
            "--email",
            "rina@example.com",
            "--purpose",
            "newsletter",
            "--at",
            "2024-02-01T00:00:00+07:00",
            *t,
        ],
    )
    assert out.exit_code == 0, out.output
    state = run(root, ["consent", "state", "--email", "rina@example.com", "--at", "2024-01-15T00:00:00Z", *t])
    assert json.loads(state.output)["state"]["purposes"]["newsletter"]["consent"] is True
    yes = run(
        root,
        [
            "decide",
            "--email",
            "rina@example.com",
            "--purpose",
            "newsletter",
            "-c",
            "user.contact.email",
            "--policy",
            str(policy),
            "--at",
            "2024-01-15T00:00:00Z",
            *t,
        ],
    )
    no = run(
        root,
        [
            "decide",
            "--email",
            "rina@example.com",
            "--purpose",
            "newsletter",
            "-c",
            "user.contact.email",
            "--policy",
            str(policy),
            *t,
        ],
    )
    assert yes.exit_code == 0 and no.exit_code == 1 and "no_consent" in no.output
    assert run(root, ["ledger", "rebuild", *t]).exit_code == 0
    key = run(root, ["apikey", "create", "--role", "service", *t])
    assert key.exit_code == 0 and key.output.strip().splitlines()[-1].startswith("jaga_")


def test_cli_bad_input_exit_2(cli_env: str) -> None:
    run, root = CliRunner().invoke, cli_root()
    bad = run(root, ["consent", "give", "--phone", "12345", "--purpose", "x", "--tenant", cli_env])
    assert bad.exit_code == 2 and "malformed phone number" in bad.output and "12345" not in bad.output
    none = run(root, ["consent", "state", "--tenant", cli_env])
    assert none.exit_code == 2
