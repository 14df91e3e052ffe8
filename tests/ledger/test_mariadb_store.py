"""jaga's store on MariaDB: the ledger's hand-written writes (``key`` is a reserved word there)
and the audit chain's timestamps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select, text

from jaga.ledger import EventIn, EventKind, Identity, IdentityKind, record, record_erasures
from jaga.store import make_engine, migrate
from jaga.store.models.ledger import LedgerSubject
from tests.ledger.ledger_fixtures import LEDGER_HEAD, new_tenant, sessions_for


@pytest.fixture
def mariadb_store(mariadb_server: str) -> Iterator[Engine]:
    name = f"jaga_store_{uuid.uuid4().hex[:10]}"
    admin = make_engine(mariadb_server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(mariadb_server.rsplit("/", 1)[0] + "/" + name)
    try:
        migrate(engine, LEDGER_HEAD)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.mark.mariadb
def test_new_subjects_are_registered_on_mariadb(mariadb_store: Engine) -> None:
    """One event for a new person, and a DSR batch's erasures for two more: each becomes a subject."""
    tenant = new_tenant(mariadb_store)
    people = [Identity(IdentityKind.email, f"{who}@example.com") for who in ("budi", "sari", "dewi")]
    with sessions_for(mariadb_store)() as s:
        first = record(s, tenant, people[0], EventIn(kind=EventKind.erasure_done)).subject
    with sessions_for(mariadb_store)() as s:
        keys = record_erasures(s, tenant, [[people[1]], [people[2]]])
    with sessions_for(mariadb_store)() as s:
        stored = set(s.scalars(select(LedgerSubject.key).where(LedgerSubject.tenant_id == tenant)))
    assert stored == {first, *keys} and len(stored) == 3


@pytest.mark.mariadb
def test_audit_chain_verifies_on_mariadb(mariadb_store: Engine) -> None:
    """Entries written at sub-second times hash their timestamps with microseconds; the store must keep
    them, or every entry reads back changed (MariaDB's plain DATETIME rounds to the second)."""
    from jaga import audit

    tenant = new_tenant(mariadb_store)
    at = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC)
    with sessions_for(mariadb_store)() as s:
        audit.append_many(s, tenant, [("test.one", {"n": 1}), ("test.two", {"n": 2})], at=at)
    with sessions_for(mariadb_store)() as s:
        record(s, tenant, Identity(IdentityKind.email, "budi@example.com"), EventIn(kind=EventKind.erasure_done))
    with sessions_for(mariadb_store)() as s:
        result = audit.verify(s, tenant)
    assert result.ok and result.checked == 3, result
