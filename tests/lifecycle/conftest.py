"""Fixtures for the request lifecycle: an isolated data directory, a migrated store, a tenant.

Only the ``requests`` migration branch is applied, so a sibling branch under construction cannot break
these tests. Times are fixed so deadlines are exact.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from jaga.ledger.identity import clear_key_cache
from jaga.settings import get_settings
from jaga.store import ensure_tenant, make_engine, migrate
from jaga.store.models.audit import AuditEntry

BRANCH = "requests@head"
ALICE = "Alice.Wijaya@Contoh.example"
BOB = "bob@contoh.example"
PHONE = "0812-3456-7890"
T0 = datetime(2025, 1, 31, 3, 0, tzinfo=UTC)  # 10:00 WIB, Friday 31 January 2025


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    data = tmp_path / "data"
    monkeypatch.setenv("JAGA_DATA_DIR", str(data))
    monkeypatch.setenv("JAGA_SECRET_KEY", "k" * 40)
    monkeypatch.delenv("JAGA_DATABASE_URL", raising=False)
    monkeypatch.delenv("JAGA_SMTP_URL", raising=False)
    monkeypatch.delenv("JAGA_TIMEZONE", raising=False)
    get_settings.cache_clear()
    clear_key_cache()
    yield data
    get_settings.cache_clear()
    clear_key_cache()


@dataclass
class Store:
    engine: Engine
    factory: sessionmaker[Session]
    tenant_id: int
    data_dir: Path

    def session(self) -> Session:
        return self.factory()

    def audit_payloads(self) -> list[tuple[str, str]]:
        with self.factory() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.tenant_id == self.tenant_id))
            return [(row.kind, row.payload) for row in rows]

    def outbox(self) -> list[Path]:
        folder = self.data_dir / "outbox"
        return sorted(folder.glob("*.eml")) if folder.exists() else []

    def last_mail(self, template: str | None = None) -> Message:
        files = [p for p in self.outbox() if template is None or f"-{template}-" in p.name]
        assert files, f"no {template} message in the outbox"
        return message_from_bytes(files[-1].read_bytes())

    def last_code(self) -> str:
        mail = self.last_mail("code")
        return str(mail["Subject"]).rsplit(" ", 1)[-1]


def make_store(url: str, data_dir: Path, *, upgrade: bool = True) -> Store:
    engine = make_engine(url)
    if upgrade:
        migrate(engine, BRANCH)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        tenant_id = ensure_tenant(session, "acme", "PT Acme").id
        session.commit()
    return Store(engine, factory, tenant_id, data_dir)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (migrating per test is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "jaga.db"
    make_store(f"sqlite:///{path}", path.parent).engine.dispose()
    return path


@pytest.fixture
def store(env: Path, tmp_path: Path, migrated_sqlite: Path) -> Iterator[Store]:
    target = tmp_path / "jaga.db"
    shutil.copyfile(migrated_sqlite, target)
    built = make_store(f"sqlite:///{target}", env, upgrade=False)
    yield built
    built.engine.dispose()
