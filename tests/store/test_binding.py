"""The store's bulk writers bind each column's values as SQLAlchemy would, and remember bound times:
a batch stamps thousands of rows with the same few times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Integer
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect

from jaga.store import UTCDateTime
from jaga.store.db import _processors, python_type


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect()], ids=lambda d: d.name)
def test_times_bind_as_sqlalchemy_binds_them_and_are_remembered(dialect: Dialect) -> None:
    kind = UTCDateTime()
    assert python_type(kind) is datetime
    bind = _processors(dialect, kind)[0]
    plain = kind.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
    now = datetime(2026, 12, 6, 3, 4, 5, 678901, tzinfo=UTC)
    jakarta = now.astimezone(timezone(timedelta(hours=7)))  # the same instant: stored alike
    assert bind(now) == plain(now) == bind(jakarta) == plain(jakarta)
    assert bind(now) is bind(now)  # the second time from memory, not formatted again
    assert bind(None) is None
    with pytest.raises(ValueError, match="naive"):
        bind(datetime(2026, 1, 1))  # a naive time is refused, remembered or not


def test_other_types_bind_unchanged() -> None:
    assert python_type(Integer()) is int
    assert _processors(sqlite.dialect(), Integer())[0](7) == 7
