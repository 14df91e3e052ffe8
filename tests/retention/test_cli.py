"""``jaga retention plan|run|resume`` on the sample company, and every bad input as one clear message
with exit code 2 (never a traceback, never a half-done sweep)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples.sample import DATAMAP
from jaga.cli import app
from tests.retention.conftest import POLICY, snapshot

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console is made once per process; an earlier test may have left it narrow."""
    from jaga.cli._base import console

    monkeypatch.setattr(console, "width", 200)


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["retention", *args], env={"COLUMNS": "200"})
    if result.exit_code not in (0, 1, 2):
        raise AssertionError(result.output) from result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def url(new_company: Callable[[str], str]) -> str:
    assert runner.invoke(app, ["tenant", "create", "acme"]).exit_code == 0  # the only tenant: no --tenant needed
    return new_company("sqlite")


def test_plan_shows_due_held_law_and_sql_then_run_sweeps(url: str) -> None:
    code, out = _invoke("plan", "-p", str(POLICY), "-m", str(DATAMAP), "--db", url, "--now", "2026-11-01")
    assert code == 0, out
    assert "sample_crm.web_events" in out and "UU KUP art. 28(11)" in out
    assert "DELETE FROM web_events WHERE" in out and "row(s) due" in out
    code, out = _invoke(
        "plan",
        "-p",
        str(POLICY),
        "-m",
        str(DATAMAP),
        "--db",
        url,
        "--now",
        "2026-11-01T07:00:00+07:00",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["now"] == "2026-11-01T07:00:00+07:00" and data["due"] > 0 and data["held"] > 0
    before = snapshot(url)
    code, out = _invoke("run", "-p", str(POLICY), "-m", str(DATAMAP), "--db", url, "--now", "2026-11-01")
    assert code == 0, out
    assert ": done" in out and "anonymised" in out and "held by law" in out
    after = snapshot(url)
    assert len(after["web_events"]) < len(before["web_events"])
    code, out = _invoke("resume", "--db", url)
    assert code == 0 and "0 unfinished run(s)" in out


def _policy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = POLICY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _map_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DATAMAP.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "datamap.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bad_input_is_one_clear_message_and_changes_nothing(url: str, tmp_path: Path) -> None:
    before = snapshot(url)
    base = ["-p", str(POLICY), "-m", str(DATAMAP), "--db", url]
    unknown = _policy_with(
        tmp_path, "categories: [user.device, user.behavior", "categories: [user.devise, user.behavior"
    )
    cases: list[tuple[list[str], str]] = [
        (["run", "-p", str(unknown), "-m", str(DATAMAP), "--db", url], "unknown data category 'user.devise'"),
        (["plan", *base, "--now", "last tuesday"], "is not an ISO date or time"),
        (["run", *base, "--now", "2999-01-01"], "clock is in the future"),
        (["plan", *base, "--format", "xml"], "unknown format"),
        (["run", "-p", str(POLICY), "-m", str(DATAMAP), "--now", "2026-11-01"], "no database URL for dataset"),
        (["run", *base, "--chunk", "0"], "chunk size must be at least 1"),
        (
            [
                "run",
                "-p",
                str(POLICY),
                "-m",
                str(_map_with(tmp_path, "{collection: at}", "{collection: path}")),
                "--db",
                url,
            ],
            "web_events.path is not a date or time column",
        ),
    ]
    for args, message in cases:
        code, out = _invoke(*args)
        assert code == 2, (args, out)
        assert message in " ".join(out.split()), (args, out)
        assert "Traceback" not in out
    assert "policy.yaml:" in _invoke(*cases[0][0])[1]  # the rule's file and line are named
    bad_trigger = _map_with(tmp_path, "{collection: at}", "{colection: at}")
    code, out = _invoke("plan", "-p", str(POLICY), "-m", str(bad_trigger), "--db", url)
    assert code == 2 and "unknown retention trigger 'colection'" in out and "datamap.yaml:" in out
    assert snapshot(url) == before
