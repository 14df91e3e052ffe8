"""The sample company on SQLite, PostgreSQL and MariaDB (a uniquely named database per test, dropped
afterwards), jaga's store as a fresh SQLite file, and helpers that read every row back typed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, select, text

from examples.sample import AS_OF, TABLES, create_schema, generate
from jaga.settings import get_settings
from jaga.store import make_engine, migrate

POLICY = Path(__file__).with_name("policy.yaml")
NOW = AS_OF  # 2026-11-01T00:00Z, the day the sample data was generated against
SERVERS = {"postgres": "postgresql://postgres@127.0.0.1:5432/test", "mariadb": "mysql://root@127.0.0.1:3306/test"}
CUSTOMERS, EMPLOYEES = 300, 40

Rows = dict[str, dict[int, dict[str, Any]]]


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'jaga.db'}"
    monkeypatch.setenv("JAGA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JAGA_DATABASE_URL", url)
    monkeypatch.setenv("JAGA_SECRET_KEY", "r" * 40)
    get_settings.cache_clear()
    migrate(make_engine(url))
    yield url
    get_settings.cache_clear()


def _reachable(url: str) -> str | None:
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"server unreachable at {url}: {type(exc).__name__}"


@pytest.fixture
def new_company(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``new_company(kind)``: URL of a freshly generated sample company on that kind of database."""
    made: list[tuple[str, str]] = []

    def make(kind: str) -> str:
        name = f"jaga_ret_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            reason = _reachable(SERVERS[kind])
            if reason:
                pytest.skip(reason)
            admin = make_engine(SERVERS[kind]).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name}"))
            admin.dispose()
            made.append((kind, name))
            url = SERVERS[kind].rsplit("/", 1)[0] + "/" + name
        engine = make_engine(url)
        create_schema(engine)
        generate(engine, customers=CUSTOMERS, employees=EMPLOYEES, seed=42)
        engine.dispose()
        return url

    yield make
    for kind, name in made:
        admin = make_engine(SERVERS[kind]).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            force = " WITH (FORCE)" if kind == "postgres" else ""
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ]
)
def company(request: pytest.FixtureRequest, new_company: Callable[[str], str]) -> str:
    return new_company(request.param)


def connections(url: str) -> dict[str, str]:
    return {"*": url}


def _plain(value: Any) -> Any:
    """Values compared across databases: timestamps as aware UTC, everything else as read."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return value
    return value


def snapshot(url: str) -> Rows:
    """Every row of every sample table, typed by the database's own reflected columns."""
    engine = make_engine(url)
    md = MetaData()
    out: Rows = {}
    with engine.connect() as conn:
        for name in TABLES:
            table = Table(name, md, autoload_with=conn)
            out[name] = {
                int(r["id"]): {k: _plain(v) for k, v in r.items()}
                for r in conn.execute(select(table).order_by(table.c.id)).mappings()
            }
    engine.dispose()
    return out


__all__ = ["CUSTOMERS", "EMPLOYEES", "NOW", "POLICY", "Rows", "connections", "snapshot"]
