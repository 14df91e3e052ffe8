"""Breach deadlines in the controller's zone: counted in elapsed hours, shown with the zone they are in.

The register once printed local wall-clock times under a "UTC" heading (a 72-hour deadline read seven
hours late in Jakarta) and counted 72 hours on Berlin's wall clock (71 real hours across the March DST
change). Jakarta, Berlin and a policy that states no zone are checked through the CLI a DPO uses.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from jaga.cli._base import console, new_app
from jaga.cli.incidents import app as incident_app
from jaga.incidents import deadlines, parse_time
from jaga.store import create_tenant, make_engine, migrate, session_scope

CLEAN = Path(__file__).resolve().parents[1] / "fixtures_clean_policy.yaml"
BERLIN = ZoneInfo("Europe/Berlin")


def _policy(tmp_path: Path, zone: str | None) -> Path:
    text = CLEAN.read_text(encoding="utf-8")
    text = text.replace("  timezone: Asia/Jakarta\n", f"  timezone: {zone}\n" if zone else "")
    path = tmp_path / f"policy-{(zone or 'none').replace('/', '-')}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 240)


@pytest.mark.parametrize(
    ("zone", "discovered", "shown", "wrong"),
    [
        # 22:00 WIB on 31 January (month end, across midnight UTC+7): due 3 February 22:00 WIB = 15:00 UTC
        ("Asia/Jakarta", "2026-01-31T22:00", "2026-02-03 22:00 WIB", "2026-02-03 15:00 WIB"),
        # 10:00 CET on Friday 27 March; clocks go forward on the 29th: 72 hours later is 11:00 CEST
        ("Europe/Berlin", "2026-03-27T10:00", "2026-03-30 11:00 CEST", "2026-03-30 10:00 CEST"),
        # no zone in the policy: the time is read and shown as UTC, and says so
        (None, "2026-01-31T22:00", "2026-02-03 22:00 UTC", "2026-02-03 15:00"),
    ],
)
def test_cli_shows_breach_deadlines_in_the_controllers_zone(
    jaga_env: Path, tmp_path: Path, zone: str | None, discovered: str, shown: str, wrong: str
) -> None:
    root = new_app("test")
    root.add_typer(incident_app, name="incident")
    migrate(make_engine())
    with session_scope() as session:  # the only tenant, so the commands need no --tenant
        create_tenant(session, "acme")
    runner = CliRunner()
    opened = runner.invoke(root, [
        "incident", "open", "--policy", str(_policy(tmp_path, zone)), "--title", "Leak", "--description", "Sent",
        "--occurred", discovered, "--discovered", discovered, "--table", "sample_hr.payslips",
    ])  # fmt: skip
    assert opened.exit_code == 0, opened.output
    assert shown in opened.output and wrong not in opened.output
    assert "due (UTC)" not in opened.output
    listed = runner.invoke(root, ["incident", "list"]).output
    utc = parse_time(discovered, ZoneInfo(zone or "UTC")).astimezone(UTC)
    assert f"{utc:%Y-%m-%d %H:%M} UTC" in listed  # the register's own column is labelled with its zone


def test_seventy_two_hours_are_elapsed_hours_across_dst() -> None:
    discovered = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)  # the day before clocks go forward
    for d in deadlines(discovered, ["uu_pdp", "gdpr"], high_risk=True):
        if d.due is not None:
            assert d.due - discovered == timedelta(hours=72)
            assert d.due.utcoffset() == timedelta(0)
