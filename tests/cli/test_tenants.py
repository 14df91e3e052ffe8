"""Every command acts for the tenant ``--tenant``/``JAGA_TENANT`` names, and never creates one on the way.

Before, most commands silently created a tenant from a typo (or a "default" tenant nobody's console
showed), and ``incident`` and ``requests run`` ignored ``JAGA_TENANT`` altogether. Now an unknown tenant
is one message with exit code 2 that says how to create one; with no name, the only tenant is meant,
and several are an error rather than a guess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from typer.testing import CliRunner

from examples.sample import DATAMAP
from jaga.cli import app
from jaga.store import make_engine, session_scope
from tests.retention.conftest import POLICY as RETENTION_POLICY

ROOT = Path(__file__).resolve().parents[2]
POLICY = str(ROOT / "examples" / "bpo7-benemica" / "policy.yaml")
WHEN = "2026-11-30T08:00:00+07:00"
runner = CliRunner()


@pytest.fixture
def company(jaga_env: Path, company_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store with the tenants acme and beta, made with `jaga tenant create`; the sample company's URL."""
    monkeypatch.delenv("JAGA_TENANT", raising=False)
    for slug in ("acme", "beta"):
        made = runner.invoke(app, ["tenant", "create", slug])
        assert made.exit_code == 0 and f"tenant {slug} created" in made.output, made.output
    return company_db


def commands(url: str) -> dict[str, list[str]]:
    """One valid call of every command that acts for a tenant (only the tenant can be wrong)."""
    email, p, m = "--email ani@contoh.co.id", f"-p {POLICY}", f"-m {DATAMAP} --db {url}"
    engine = sa.create_engine(url)
    with engine.connect() as conn:  # a customer of the sample company: an erasure matching nobody exits 1
        customer = conn.execute(sa.text("SELECT email FROM customers ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    lines = {
        "consent give": f"consent give --purpose newsletter_and_promotions {email} --policy {POLICY}",
        "consent state": f"consent state {email}",
        "ledger rebuild": "ledger rebuild",
        "decide": f"decide --purpose newsletter_and_promotions -c user.contact.email {email} --policy {POLICY}",
        "audit verify": "audit verify",
        "dsr submit": "dsr submit --right access --identity email=ani@contoh.co.id",
        "dsr list": "dsr list",
        "incident open": f"incident open {p} --title t --description d --occurred {WHEN} --discovered {WHEN}",
        "incident list": "incident list",
        "requests run": f"requests run --type access -i email={customer} {m} {p}",
        "requests resume": "requests resume",
        "retention run": f"retention run -p {RETENTION_POLICY} {m} --now 2026-11-01",
        "retention resume": "retention resume",
        "staff add": "staff add dpo@contoh.co.id --role dpo",
        "staff list": "staff list",
        "apikey create": "apikey create --role service",
    }
    return {name: line.split() for name, line in lines.items()}


def _slugs() -> list[str]:
    with session_scope() as session:
        return list(session.scalars(text("SELECT slug FROM tenants ORDER BY id")))


def test_an_unknown_or_missing_tenant_is_one_message_and_creates_nothing(company: str) -> None:
    """Every command, in one store (setting one up per command would cost a minute)."""
    for name, args in commands(company).items():
        for extra, env in ((["--tenant", "nope"], {}), ([], {"JAGA_TENANT": "nope"})):
            result = runner.invoke(app, [*args, *extra], env=env)
            assert result.exit_code == 2, f"{name} {extra or env}: {result.output}"
            assert "unknown tenant 'nope' (tenants: acme, beta)" in result.output, f"{name}: {result.output}"
            assert "jaga tenant create NAME" in result.output and "Traceback" not in result.output
        several = runner.invoke(app, args)
        assert several.exit_code == 2, f"{name}: {several.output}"
        assert "several tenants exist (tenants: acme, beta)" in several.output, f"{name}: {several.output}"
        assert "--tenant NAME or the JAGA_TENANT" in several.output
    assert _slugs() == ["acme", "beta"]


def _count(table: str, slug: str) -> int:
    with session_scope() as session:
        tenant_id = session.scalar(text("SELECT id FROM tenants WHERE slug = :s"), {"s": slug})
        return int(session.scalar(text(f"SELECT COUNT(*) FROM {table} WHERE tenant_id = :t"), {"t": tenant_id}) or 0)


WRITES = {
    "incident open": "incidents",
    "requests run": "dsr_batches",
    "staff add": "staff_users",
    "dsr submit": "subject_requests",
    "consent give": "ledger_events",
    "apikey create": "api_keys",
}


def test_each_command_acts_for_the_tenant_jaga_tenant_or_tenant_names(company: str) -> None:
    for name, table in WRITES.items():
        before = _count(table, "acme"), _count(table, "beta")
        result = runner.invoke(app, commands(company)[name], env={"JAGA_TENANT": "beta"})
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert (_count(table, "acme"), _count(table, "beta")) == (before[0], before[1] + 1), name
        again = runner.invoke(app, [*commands(company)[name], "--tenant", "acme"], env={"JAGA_TENANT": "beta"})
        assert again.exit_code == 0, f"{name}: {again.output}"
        after = before[0] + 1, before[1] + 1  # --tenant wins over the variable
        assert (_count(table, "acme"), _count(table, "beta")) == after, name


def test_with_one_tenant_it_is_meant_and_with_none_the_message_says_how_to_make_one(jaga_env: Path) -> None:
    none = runner.invoke(app, ["staff", "list"])
    assert none.exit_code == 2 and "the store is not set up yet" in none.output and "jaga tenant create" in none.output
    empty = runner.invoke(app, ["tenant", "list"])
    assert empty.exit_code == 2, empty.output  # no store yet: the same clear message
    make_engine().dispose()
    assert runner.invoke(app, ["store", "migrate"]).exit_code == 0
    assert "no tenant yet" in runner.invoke(app, ["tenant", "list"]).output
    zero = runner.invoke(app, ["audit", "verify"])
    assert zero.exit_code == 2 and "there is no tenant yet" in zero.output and "jaga tenant create NAME" in zero.output
    assert runner.invoke(app, ["tenant", "create", "acme", "--name", "PT Acme"]).exit_code == 0
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    listed = runner.invoke(app, ["tenant", "list"])
    assert "acme" in listed.output and "PT Acme" in listed.output
    for bad, message in (("acme", "already exists"), ("Bad Name", "not a valid tenant name"), ("x_y", "not a valid")):
        refused = runner.invoke(app, ["tenant", "create", bad])
        assert refused.exit_code == 2 and message in refused.output, refused.output
    assert _slugs() == ["acme"]
