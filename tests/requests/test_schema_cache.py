"""Reflection is reused across batches while a table's definition is unchanged, and only then."""

from __future__ import annotations

from sqlalchemy import Table, text

from examples.sample import DATAMAP
from jaga.actions.target import Schema
from jaga.datamap import Connections, load_datamap
from jaga.store import make_engine
from tests.requests.conftest import connections

NODE = ("sample_crm", "marketing_subscriptions")


def _reflected(url: str) -> Table:
    conns = Connections(load_datamap([DATAMAP]), connections(url))
    try:
        return Schema(conns.datamap, conns).table(NODE)
    finally:
        conns.dispose()


def test_reflection_follows_definitions_not_contents(company: str) -> None:
    """Emptying a table (``TRUNCATE`` rewrites PostgreSQL's catalogue row) keeps what was reflected; a
    new column is seen by the next batch on every database."""
    engine = make_engine(company)
    first = _reflected(company)
    empty = (
        "DELETE FROM marketing_subscriptions" if engine.dialect.name == "sqlite" else "TRUNCATE marketing_subscriptions"
    )
    with engine.begin() as conn:
        conn.execute(text(empty))
    again = _reflected(company)
    if engine.dialect.name != "mysql":  # MariaDB offers no cheap definition mark: it is reflected each time
        assert again is first
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE marketing_subscriptions ADD COLUMN jaga_probe INTEGER"))
    assert set(_reflected(company).c.keys()) == set(first.c.keys()) | {"jaga_probe"}
    engine.dispose()
