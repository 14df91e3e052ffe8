"""Shared fixtures: real database servers (skipped with a visible reason only when truly absent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("JAGA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_URL = os.environ.get("JAGA_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
ROOT = Path(__file__).resolve().parent.parent


def _reachable(url: str) -> str | None:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "not available here"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server URL, or a skip naming why it is unreachable."""
    reason = _reachable(PG_URL)
    if reason:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")
    return PG_URL


@pytest.fixture(scope="session")
def mariadb_server() -> str:
    reason = _reachable(MARIADB_URL)
    if reason:
        pytest.skip(f"MariaDB not reachable at 127.0.0.1:3306 ({reason})")
    return MARIADB_URL


@pytest.fixture
def pg_schema_url(pg_server: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards; the URL sets the search_path."""
    schema = f"jaga_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_server}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def mariadb_db_url(mariadb_server: str) -> Iterator[str]:
    """A fresh MariaDB database for one test, dropped afterwards (MariaDB has no schemas inside one)."""
    name = f"jaga_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(mariadb_server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield mariadb_server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture
def jaga_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated data directory and settings for one test."""
    from jaga.settings import get_settings

    monkeypatch.setenv("JAGA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("JAGA_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.fixture
def clean_policy_text() -> str:
    return (ROOT / "tests" / "fixtures_clean_policy.yaml").read_text(encoding="utf-8")
