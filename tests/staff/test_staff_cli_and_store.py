"""``jaga staff`` commands, and the staff tables on a store migrated with every branch (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from jaga import staff
from jaga.cli import app
from jaga.store import make_engine, migrate, session_scope
from tests.staff.conftest import Store, make_store

runner = CliRunner()


def test_cli_add_list_disable_reset(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_DATABASE_URL", store.url)
    monkeypatch.setenv("JAGA_TENANT", "acme")
    from jaga.settings import get_settings

    get_settings.cache_clear()
    added = runner.invoke(app, ["staff", "add", "Op@Acme.example", "--role", "operator"])
    assert added.exit_code == 0, added.output
    password = added.stdout.strip().splitlines()[-1]
    assert len(password) >= 24
    with store.session() as session:
        assert staff.authenticate(session, store.tenant_id, "op@acme.example", password) is not None
        session.commit()

    listed = runner.invoke(app, ["staff", "list"])
    assert listed.exit_code == 0 and "op@acme.example" in listed.stdout and "operator" in listed.stdout
    assert "argon2" not in listed.stdout and password not in listed.stdout

    assert runner.invoke(app, ["staff", "disable", "op@acme.example"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["staff", "list"]).stdout
    assert runner.invoke(app, ["staff", "disable", "op@acme.example", "--enable"]).exit_code == 0

    reset = runner.invoke(app, ["staff", "reset-password", "op@acme.example"])
    assert reset.exit_code == 0
    new = reset.stdout.strip().splitlines()[-1]
    assert new != password
    with store.session() as session:
        assert staff.authenticate(session, store.tenant_id, "op@acme.example", new) is not None
        session.commit()

    typed = runner.invoke(
        app, ["staff", "add", "v@acme.example", "--role", "viewer", "--prompt"], input="x" * 14 + "\n" + "x" * 14 + "\n"
    )
    assert typed.exit_code == 0, typed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["staff", "add", "x@acme.example", "--role", "root"], "unknown role"),
        (["staff", "add", "nope", "--role", "viewer"], "not an email"),
        (["staff", "disable", "ghost@acme.example"], "no staff account"),
        (["staff", "reset-password", "ghost@acme.example"], "no staff account"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(
    store: Store, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setenv("JAGA_DATABASE_URL", store.url)
    from jaga.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_on_an_unmigrated_store_says_what_to_do(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JAGA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    from jaga.settings import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["staff", "list"])
    assert result.exit_code == 2 and "jaga store migrate" in result.output


def _check_tables(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)  # every head, the way `jaga up` and `jaga store migrate` do it
    migrate(engine)  # and again: a no-op
    names = set(inspect(engine).get_table_names())
    assert {"staff_users", "staff_sessions", "subject_requests", "ledger_events", "audit_entries"} <= names
    with session_scope(url) as session:
        from jaga.store import ensure_tenant

        tenant_id = ensure_tenant(session, "acme").id
        staff.create_user(session, tenant_id, "a@acme.example", "admin", "long enough password")
    with session_scope(url) as session:
        assert staff.login(session, tenant_id, "a@acme.example", "long enough password") is not None
    engine.dispose()


def test_all_heads_migrate_on_sqlite(env: Path, tmp_path: Path) -> None:
    _check_tables(f"sqlite:///{tmp_path / 'all.db'}")


@pytest.mark.postgres
def test_all_heads_migrate_on_postgres(env: Path, pg_schema_url: str) -> None:
    _check_tables(pg_schema_url)


def test_staff_branch_alone(env: Path, tmp_path: Path) -> None:
    built = make_store(f"sqlite:///{tmp_path / 'branch.db'}")
    assert "staff_users" in inspect(built.engine).get_table_names()
    built.engine.dispose()
