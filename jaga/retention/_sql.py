"""The few SQL expressions that differ between SQLite, PostgreSQL and MariaDB: a row token, the start
of a date's year, a timestamp's month. Everything else is portable SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

TOKEN_PREFIX = "anon"


def token(table: Table, pk: Sequence[str], column: Column[Any]) -> ColumnElement[Any]:
    """An unlinkable stand-in for an identifier that must stay unique: ``anon`` (``a`` in short
    columns) + the row's key.

    It says nothing the row's kept primary key does not already say, unlike a keyed hash of the old
    value (a pseudonym that anyone holding the key can match), and it is the same on every re-run, so
    a resumed sweep writes exactly what an uninterrupted one would.
    """
    try:
        numeric = column.type.python_type is int
    except NotImplementedError:
        numeric = False
    if numeric:
        first = table.c[pk[0]]
        return first if len(pk) == 1 and _is_int(first) else literal(0, Integer)
    length = getattr(column.type, "length", None)
    expr: ColumnElement[Any] = literal(TOKEN_PREFIX if length is None or length >= 16 else "a", String)
    for i, name in enumerate(pk):
        part = cast(table.c[name], String)
        expr = expr + (part if i == 0 else literal("-", String) + part)
    return expr


def _is_int(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def year_start(column: Column[Any], dialect: str) -> ColumnElement[Any]:
    """1 January of the column's year (a birth date coarsened to the year), computed in the database."""
    is_stamp = isinstance(column.type, DateTime)
    if dialect == "postgresql":
        return cast(func.date_trunc("year", column), column.type if is_stamp else Date())
    if dialect in ("mysql", "mariadb"):
        start = func.makedate(func.year(column), 1)
        return func.timestamp(start) if is_stamp else start
    return func.strftime("%Y-01-01 00:00:00.000000" if is_stamp else "%Y-01-01", column)


def month(column: Column[Any], dialect: str) -> ColumnElement[str]:
    """``YYYY-MM`` of a date or timestamp (UTC for zone-aware timestamps on PostgreSQL)."""
    if dialect == "postgresql":
        zoned = isinstance(column.type, DateTime) and getattr(column.type, "timezone", False)
        return func.to_char(func.timezone("UTC", column) if zoned else column, "YYYY-MM")
    if dialect in ("mysql", "mariadb"):
        return func.date_format(column, "%Y-%m")
    return func.strftime("%Y-%m", column)
