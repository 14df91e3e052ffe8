"""Company databases for DSR tests: the sample schema on SQLite, PostgreSQL and MariaDB, each in its own
uniquely named database that is dropped afterwards; jaga's store is a fresh SQLite file per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from examples.sample import create_schema, generate
from jaga.settings import get_settings
from jaga.store import make_engine, migrate

POLICY = Path(__file__).with_name("policy.yaml")
PG = "postgresql://postgres@127.0.0.1:5432/test"
MY = "mysql://root@127.0.0.1:3306/test"


def _server(url: str) -> str | None:
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"server unreachable at {url}: {type(exc).__name__}"


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'jaga.db'}"
    monkeypatch.setenv("JAGA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JAGA_DATABASE_URL", url)
    monkeypatch.setenv("JAGA_SECRET_KEY", "k" * 40)
    get_settings.cache_clear()
    migrate(make_engine(url))
    yield url
    get_settings.cache_clear()


def _company(kind: str, tmp_path: Path) -> Iterator[str]:
    name = f"jaga_dsr_{uuid.uuid4().hex[:10]}"
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'company.db'}"
        return
    admin_url = PG if kind == "postgres" else MY
    reason = _server(admin_url)
    if reason:
        pytest.skip(reason)
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            if kind == "postgres":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


@pytest.fixture(params=BACKENDS)
def company(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly generated sample company (30 customers, 8 employees, twins included)."""
    gen = _company(request.param, tmp_path)
    url = next(gen)
    engine = make_engine(url)
    create_schema(engine)
    generate(engine, customers=30, employees=8, seed=42)
    engine.dispose()
    yield url
    next(gen, None)


@pytest.fixture(params=BACKENDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty company database, for tests that make their own tables."""
    gen = _company(request.param, tmp_path)
    yield next(gen)
    next(gen, None)


def connections(url: str) -> dict[str, str]:
    return {"sample_hr": url, "sample_crm": url}


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in key order: compared before and after to prove what changed."""
    engine = make_engine(url)
    from examples.sample import TABLES

    with engine.connect() as conn:
        out = {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}
    engine.dispose()
    return out


__all__ = ["POLICY", "connections", "create_engine", "snapshot"]
