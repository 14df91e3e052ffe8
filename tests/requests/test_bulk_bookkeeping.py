"""What the set-based batch path relies on: many audit entries and many ledger erasures written in one
go leave exactly the chain and the ledger that one-at-a-time calls leave (SQLite and PostgreSQL
stores); a batch naming one person twice still finishes verified; an access batch splits the rows it
reads per person; and a table reflection reused across batches is dropped when the table changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from examples.sample import DATAMAP, TWINS
from jaga import audit, ledger
from jaga.actions import read_export
from jaga.actions.target import Schema
from jaga.datamap import Connections, load_datamap
from jaga.errors import JagaError
from jaga.ledger import Identity
from jaga.policy import load_policy, taxonomy_for
from jaga.requests import RequestSpec, run_requests
from jaga.store import ensure_tenant, make_engine, migrate, session_scope
from jaga.store.models.dsr import DsrRestriction
from jaga.store.models.ledger import LedgerEvent, LedgerIdentity, LedgerSubject
from tests.requests.conftest import PG, POLICY, connections
from tests.requests.test_dsr import _subject_rows


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, store: str) -> Iterator[str]:
    """jaga's own store: the per-test SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield store
        return
    admin = make_engine(PG)
    try:
        with admin.begin() as conn:
            schema = f"jaga_bulk_{uuid.uuid4().hex[:10]}"
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        pytest.skip(f"PostgreSQL unreachable: {type(exc).__name__}")
    url = f"{PG.replace('postgresql://', 'postgresql+psycopg://')}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        migrate(engine, "ledger@head")
        yield url
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _tenant(url: str) -> int:
    with session_scope(url) as s:
        return ensure_tenant(s, f"t-{uuid.uuid4().hex[:10]}").id


def test_append_many_continues_the_chain_like_single_appends(store_url: str) -> None:
    tenant = _tenant(store_url)
    with session_scope(store_url) as s:
        assert audit.append_many(s, tenant, []) == 0
        audit.append(s, tenant, "one", {"n": 1})
        added = audit.append_many(s, tenant, [("many", {"n": i}) for i in range(2, 5)], actor="dsr")
        audit.append(s, tenant, "five", {"n": 5})
    assert added == 3
    with session_scope(store_url) as s:
        result = audit.verify(s, tenant)
        newest = audit.entries(s, tenant)
    assert result.ok and result.checked == 5
    assert [(e.seq, e.kind) for e in reversed(newest)] == [
        (1, "one"),
        (2, "many"),
        (3, "many"),
        (4, "many"),
        (5, "five"),
    ]
    assert [e.actor for e in reversed(newest)][1:4] == ["dsr"] * 3


def _people() -> list[list[Identity]]:
    return [
        [Identity.of("email", "ani@contoh.example")],
        [Identity.of("email", "budi@contoh.example"), Identity.of("phone", "0812-1111-2222")],
        [Identity.of("email", "ANI@contoh.example")],  # the first person again, typed differently
        [Identity.of("email", "citra@contoh.example")],  # already in the ledger
        [Identity.of("email", "ani@contoh.example"), Identity.of("nik", "3174011234560001")],  # split
    ]


def _counts(s: Session, tenant: int) -> tuple[int, int, int]:
    return (
        s.scalar(select(func.count()).select_from(LedgerSubject).where(LedgerSubject.tenant_id == tenant)) or 0,
        s.scalar(select(func.count()).select_from(LedgerIdentity).where(LedgerIdentity.tenant_id == tenant)) or 0,
        s.scalar(select(func.count()).select_from(LedgerEvent).where(LedgerEvent.tenant_id == tenant)) or 0,
    )


def _seed(s: Session, tenant: int) -> None:
    ledger.identify(s, tenant, [Identity.of("email", "citra@contoh.example")])
    ledger.identify(s, tenant, [Identity.of("nik", "3174011234560001")])


def test_record_erasures_leaves_what_one_at_a_time_calls_leave(store_url: str) -> None:
    one, many = _tenant(store_url), _tenant(store_url)
    with session_scope(store_url) as s:
        _seed(s, one)
        _seed(s, many)
    expected: list[bool] = []
    with session_scope(store_url) as s:
        for person in _people():
            try:
                key = ledger.identify(s, one, person, create=True)
            except JagaError:
                expected.append(False)
                continue
            ledger.record_erasure(s, one, key)
            expected.append(True)
    with session_scope(store_url) as s:
        keys = ledger.record_erasures(s, many, _people())
    assert [k is not None for k in keys] == expected == [True, True, True, True, False]
    assert keys[0] == keys[2] != keys[1]
    with session_scope(store_url) as s:
        assert _counts(s, many) == _counts(s, one)
        for person, found in zip(_people(), keys, strict=True):
            if found is not None:
                assert ledger.subject_key(s, many, person[0]) == found
                assert ledger.state_at(s, many, found).erased_at is not None
        assert ledger.subject_key(s, many, Identity.of("phone", "+6281211112222")) == keys[1]
        assert audit.verify(s, many).ok and audit.verify(s, many).checked == audit.verify(s, one).checked


def test_a_batch_naming_one_person_twice_finishes_verified(company: str, store: str) -> None:
    engine = make_engine(company)
    with engine.connect() as conn:
        email = str(conn.execute(text("SELECT email FROM customers WHERE id = 7")).scalar())
        other = str(conn.execute(text("SELECT email FROM customers WHERE id = 8")).scalar())
    engine.dispose()
    specs = [RequestSpec("erasure", {"email": e}) for e in (email, other, email.upper())]
    result = run_requests(specs, datamap=DATAMAP, policy=POLICY, connections=connections(company))
    assert result.status == "done"
    assert all(r.status == "done" and r.result["verification"]["verified"] for r in result.requests)
    assert result.requests[0].result["tables"] == result.requests[2].result["tables"]
    with session_scope(store) as s:
        tenant = ensure_tenant(s, "default").id
        assert audit.verify(s, tenant).ok
        kinds = [e.kind for e in audit.entries(s, tenant, limit=20)]
        assert kinds.count("dsr.erasure.completed") == 3 and kinds.count("ledger.erasure_done") == 3
        held = s.scalars(select(DsrRestriction.request_id)).all()
        assert set(held) <= {r.request_id for r in result.requests}


def test_an_access_batch_gives_each_person_their_own_rows(company: str, tmp_path: Path) -> None:
    me, twin = TWINS.customers
    engine = make_engine(company)
    with engine.connect() as conn:
        emails = {
            i: str(conn.execute(text("SELECT email FROM customers WHERE id = :i"), {"i": i}).scalar())
            for i in (me, twin)
        }
    engine.dispose()
    result = run_requests(
        [RequestSpec("access", {"email": emails[i]}) for i in (me, twin)],
        datamap=DATAMAP,
        policy=POLICY,
        connections=connections(company),
        out_dir=tmp_path / "out",
    )
    assert result.status == "done"
    for person, request in zip((me, twin), result.requests, strict=True):
        export = read_export(Path(request.result["export"]))
        data = export["data"]["sample_crm"]
        for table, ids in _subject_rows(company, person).items():
            assert {row["id"] for row in data.get(table, [])} == ids, table
            assert export["manifest"]["tables"][f"sample_crm.{table}"] == len(ids), table
    assert not list((tmp_path / "out" / ".staging").glob("*/*"))  # working files are gone


def test_reflection_is_reused_until_a_table_changes(company: str) -> None:
    pol = load_policy(POLICY)
    dmap = load_datamap(DATAMAP, taxonomy_for(pol))
    node = ("sample_crm", "customers")

    def reflected() -> Table:
        conns = Connections(dmap, connections(company))
        try:
            return Schema(dmap, conns).table(node)
        finally:
            conns.dispose()

    first, again = reflected(), reflected()
    assert "note" not in first.c
    if not company.startswith("mysql"):
        assert again is first  # unchanged tables: the reflection of the earlier batch is reused
    engine = make_engine(company)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE customers ADD COLUMN note VARCHAR(20)"))
    engine.dispose()
    assert "note" in reflected().c
