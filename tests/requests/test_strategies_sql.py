"""Erased values computed by the database server (:func:`in_sql`) are exactly those Python computes:
the keyed hash byte for byte on any text, so a value hashed by either path joins; pseudonyms in the
same form and never repeated."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import CHAR, Column, Engine, Integer, MetaData, String, Table, select

from jaga.actions.strategies import ColumnPlan, compute, in_sql
from jaga.datamap.model import Strategy
from jaga.store import make_engine

KEY = bytes(range(32))
LONG_KEY = b"k" * 100  # longer than SHA-256's block: HMAC hashes the key first
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)


@pytest.fixture(
    params=[pytest.param("postgres", marks=pytest.mark.postgres), pytest.param("mariadb", marks=pytest.mark.mariadb)]
)
def server(request: pytest.FixtureRequest) -> Iterator[Engine]:
    url = request.getfixturevalue("pg_server" if request.param == "postgres" else "mariadb_server")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def table(server: Engine) -> Iterator[Table]:
    meta = MetaData()
    kwargs = {"mysql_charset": "utf8mb4"} if server.dialect.name != "postgresql" else {}
    t = Table(
        f"jaga_strat_{uuid.uuid4().hex[:8]}",
        meta,
        Column("id", Integer, primary_key=True),
        Column("v", String(200)),
        Column("short", String(20)),
        Column("fixed", CHAR(10)),
        **kwargs,
    )
    meta.create_all(server)
    yield t
    meta.drop_all(server)


def _roundtrip(engine: Engine, table: Table, values: list[str | None], plan: ColumnPlan, key: bytes) -> list[object]:
    with engine.begin() as conn:
        conn.execute(table.delete())
        conn.execute(table.insert(), [{"id": i, "v": v} for i, v in enumerate(values, start=1)])
        expression = in_sql(plan, table.c.v, conn.dialect, key)
        assert expression is not None
        conn.execute(table.update().values(v=expression))
        return list(conn.execute(select(table.c.v).order_by(table.c.id)).scalars())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=15), long_key=st.booleans())
def test_keyed_hash_in_sql_is_the_python_hmac(
    server: Engine, table: Table, values: list[str | None], long_key: bool
) -> None:
    key = LONG_KEY if long_key else KEY
    plan = ColumnPlan("v", Strategy.hash)
    got = _roundtrip(server, table, values, plan, key)
    assert got == [compute(plan, v, key, table.c.v) for v in values]


def test_hash_is_cut_to_the_column_width_and_char_columns_stay_in_python(server: Engine, table: Table) -> None:
    plan = ColumnPlan("short", Strategy.hash)
    with server.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "short": "andi@contoh.co.id"}])
        conn.execute(table.update().values(short=in_sql(plan, table.c.short, conn.dialect, KEY)))
        got = conn.execute(select(table.c.short)).scalar()
        assert in_sql(ColumnPlan("fixed", Strategy.hash), table.c.fixed, conn.dialect, KEY) is None
    assert got == compute(plan, "andi@contoh.co.id", KEY, table.c.short) and len(str(got)) == 20


def test_pseudonyms_in_sql_have_the_python_form_and_differ(server: Engine, table: Table) -> None:
    plan = ColumnPlan("v", Strategy.pseudonym)
    got = _roundtrip(server, table, ["Budi Santoso"] * 50 + [None], plan, KEY)
    python = compute(plan, "Budi Santoso", KEY, table.c.v)
    assert got[-1] is None and len(set(got[:-1])) == 50
    assert all(re.fullmatch(r"p[0-9a-f]{32}", str(v)) for v in [*got[:-1], python])
