"""Erase strategies: what happens to one column of a row that must stay (it is referenced, or part of it
is under a legal hold). The map may name a strategy per field; otherwise the category decides.

Computed values are derived in Python and written back set-based, so the same code runs on SQLite,
PostgreSQL and MariaDB without database extensions (HMAC is not portable SQL).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, cast, func
from sqlalchemy.sql.elements import ColumnElement

from jaga.datamap.model import Field, Strategy

ERASED = "[erased]"

# Categories whose values must stay unique (identifiers often carry UNIQUE constraints): keyed hash.
_HASHED = (
    "user.contact.email",
    "user.government_id",
    "user.unique_id",
    "user.account",
    "user.device",
    "user.financial.bank_account",
    "user.financial.credit_card",
)
_GENERALISED = ("user.demographic.date_of_birth",)
_FIXED = ("user.name",)


def _under(categories: tuple[str, ...], prefixes: tuple[str, ...]) -> bool:
    return any(c == p or c.startswith(p + ".") for c in categories for p in prefixes)


def default_strategy(fld: Field, column: Column[Any]) -> Strategy:
    """The strategy for a field the map leaves unspecified, chosen so the UPDATE cannot fail a NOT NULL
    or UNIQUE constraint: identifiers are hashed, names fixed, dates of birth cut to the year."""
    if fld.strategy is not None:
        return fld.strategy
    if fld.primary_key or fld.references or not fld.personal:
        return Strategy.keep
    if _under(fld.categories, _GENERALISED) and _is_temporal(column):
        return Strategy.generalise
    if _under(fld.categories, _HASHED) and _is_text(column):
        return Strategy.hash
    if _under(fld.categories, _FIXED) and _is_text(column):
        return Strategy.fixed
    if column.nullable:
        return Strategy.null
    if _is_text(column):
        return Strategy.fixed
    if _is_temporal(column):
        return Strategy.generalise
    return Strategy.fixed


def _is_text(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:
        return False


def _is_temporal(column: Column[Any]) -> bool:
    try:
        return issubclass(column.type.python_type, date)
    except NotImplementedError:
        return False


def _length(column: Column[Any]) -> int | None:
    return getattr(column.type, "length", None)


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is erased; ``constant`` strategies become a plain ``SET col = value``."""

    name: str
    strategy: Strategy
    value: Any = None

    @property
    def constant(self) -> bool:
        return self.strategy in (Strategy.null, Strategy.fixed)


def column_plan(fld: Field, column: Column[Any]) -> ColumnPlan:
    """Resolve the strategy and, for fixed values, the value that fits the column."""
    strategy = default_strategy(fld, column)
    if strategy is Strategy.fixed:
        if _is_text(column):
            text = fld.fixed_value if fld.fixed_value is not None else ERASED
            return ColumnPlan(fld.name, strategy, text[: _length(column) or len(text)])
        if _is_temporal(column):
            return ColumnPlan(fld.name, Strategy.generalise)
        return ColumnPlan(fld.name, strategy, _coerce_number(fld.fixed_value))
    return ColumnPlan(fld.name, strategy)


def _coerce_number(value: str | None) -> int | float:
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        return float(value)


def compute(plan: ColumnPlan, value: Any, key: bytes, column: Column[Any]) -> Any:
    """The erased form of ``value`` for a computed strategy (hash, pseudonym, generalise)."""
    if value is None:
        return None
    length = _length(column) or 64
    if plan.strategy is Strategy.hash:
        digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
        return digest[: max(8, min(length, 64))] if isinstance(value, str) else int(digest[:12], 16)
    if plan.strategy is Strategy.pseudonym:
        return (
            ("p" + secrets.token_hex(16))[: max(8, min(length, 33))]
            if isinstance(value, str)
            else secrets.randbelow(2**31)
        )
    if plan.strategy is Strategy.generalise:
        if isinstance(value, datetime):
            return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        if isinstance(value, date):
            return date(value.year, 1, 1)
        if isinstance(value, int):
            return value - value % 10
        return ERASED[:length]
    return value


def in_sql(plan: ColumnPlan, column: Column[Any], dialect: str) -> ColumnElement[Any] | None:
    """The erased value as an expression the database computes in the ``UPDATE`` itself, where that is
    exactly what :func:`compute` gives: a date or time cut to the start of its year on PostgreSQL and
    MariaDB/MySQL. It spares reading every row's value first and sending it back (a round trip and a
    second pass over the rows). Hashes and pseudonyms stay in Python (no portable HMAC in SQL); SQLite
    keeps the Python path, since its dates are text in whatever format the application wrote."""
    if plan.strategy is not Strategy.generalise or not _is_temporal(column):
        return None
    if dialect == "postgresql":
        year = func.date_trunc("year", column)
        return year if issubclass(column.type.python_type, datetime) else cast(year, Date)
    if dialect in ("mysql", "mariadb"):
        return func.makedate(func.year(column), 1)
    return None


def is_erased(plan: ColumnPlan, value: Any) -> bool | None:
    """Whether a constant strategy's column already holds its erased value (``None``: cannot tell)."""
    if plan.strategy is Strategy.null:
        return value is None
    if plan.strategy is Strategy.fixed:
        return bool(value == plan.value)
    return None
