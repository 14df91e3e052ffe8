"""Fixtures for staff accounts: a migrated SQLite store per test (copied from one template), a tenant,
and a cheap argon2 profile so the suite stays fast (one test checks the production parameters).

Only the ``staff`` migration branch is applied, so a sibling branch under construction cannot break these
tests.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jaga import staff
from jaga.settings import get_settings
from jaga.store import ensure_tenant, make_engine, migrate
from jaga.store.models.audit import AuditEntry

BRANCH = "staff@head"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_hasher() -> Iterator[None]:
    staff.use_hasher(FAST)
    yield
    staff.use_hasher(PasswordHasher())


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    monkeypatch.setenv("JAGA_DATA_DIR", str(data))
    monkeypatch.setenv("JAGA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("JAGA_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@dataclass
class Store:
    engine: Engine
    factory: sessionmaker[Session]
    tenant_id: int
    url: str

    def session(self) -> Session:
        return self.factory()

    def audit(self, prefix: str = "staff.") -> list[tuple[str, str, dict[str, Any]]]:
        """(kind, actor, payload) of the tenant's audit entries whose kind starts with ``prefix``."""
        with self.factory() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.tenant_id == self.tenant_id).order_by(AuditEntry.seq)
            )
            return [(r.kind, r.actor, json.loads(r.payload)) for r in rows if r.kind.startswith(prefix)]

    def raw_audit(self) -> str:
        with self.factory() as session:
            return "\n".join(r.actor + r.payload for r in session.scalars(select(AuditEntry)))


def make_store(url: str, *, upgrade: bool = True, branch: str = BRANCH) -> Store:
    engine = make_engine(url)
    if upgrade:
        migrate(engine, branch)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        tenant_id = ensure_tenant(session, "acme", "PT Acme").id
        session.commit()
    return Store(engine, factory, tenant_id, url)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("staff-template") / "jaga.db"
    make_store(f"sqlite:///{path}").engine.dispose()
    return path


@pytest.fixture
def store(env: Path, tmp_path: Path, migrated_sqlite: Path) -> Iterator[Store]:
    target = tmp_path / "jaga.db"
    shutil.copyfile(migrated_sqlite, target)
    built = make_store(f"sqlite:///{target}", upgrade=False)
    yield built
    built.engine.dispose()
