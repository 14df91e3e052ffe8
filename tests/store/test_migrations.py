"""Migrations create every table on SQLite and PostgreSQL, and downgrade cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

import jaga.store.models  # noqa: F401
from jaga.errors import ConfigError
from jaga.store import Base, downgrade, ensure_tenant, make_engine, migrate


def _roundtrip(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with Session(engine) as session:
        tenant = ensure_tenant(session, "acme", "Acme")
        assert ensure_tenant(session, "acme").id == tenant.id
        session.commit()
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_sqlite(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'jaga.db'}")


@pytest.mark.postgres
def test_postgresql(pg_schema_url: str) -> None:
    _roundtrip(pg_schema_url)


def test_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        make_engine("not a url")


def test_unreachable_server_is_a_config_error() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigError, match="cannot reach database"):
        migrate(engine)
