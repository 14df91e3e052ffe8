"""Erase strategies: what happens to one column of a row that must stay (it is referenced, or part of it
is under a legal hold). The map may name a strategy per field; otherwise the category decides.

Computed values are derived in the ``UPDATE`` itself where the database can give exactly what Python
gives (:func:`in_sql`: HMAC-SHA256 built from the server's own SHA-256, random pseudonyms, dates cut to
the year on PostgreSQL and MariaDB/MySQL), and otherwise in Python and written back set-based, so the
same plan runs on SQLite too without database extensions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import CHAR, Column, Date, Dialect, LargeBinary, Text, case, cast, func, literal, literal_column
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
    or UNIQUE constraint: identifiers are hashed, names fixed, dates of birth cut to the year. A field
    the map marks ``read_only`` is kept whatever else it says."""
    if fld.read_only:
        return Strategy.keep
    if fld.strategy is not None:
        return fld.strategy
    if fld.primary_key or column.primary_key or fld.references or not fld.personal:
        return Strategy.keep  # the database's own key too, when the map does not mark it
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


def _length(column: Column[Any], declared: int | None = None) -> int | None:
    """The most characters an erased value may have: the column's width, or the map's Fides ``length``
    when that is smaller (a column wider than the application accepts)."""
    widths = [w for w in (getattr(column.type, "length", None), declared) if w]
    return min(widths) if widths else None


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is erased; ``constant`` strategies become a plain ``SET col = value``."""

    name: str
    strategy: Strategy
    value: Any = None
    length: int | None = None  # the map's Fides ``length`` for this field

    @property
    def constant(self) -> bool:
        return self.strategy in (Strategy.null, Strategy.fixed)


def column_plan(fld: Field, column: Column[Any]) -> ColumnPlan:
    """Resolve the strategy and, for fixed values, the value that fits the column."""
    strategy = default_strategy(fld, column)
    if strategy is Strategy.fixed:
        if _is_text(column):
            text = fld.fixed_value if fld.fixed_value is not None else ERASED
            return ColumnPlan(fld.name, strategy, text[: _length(column, fld.length) or len(text)], fld.length)
        if _is_temporal(column):
            return ColumnPlan(fld.name, Strategy.generalise, length=fld.length)
        return ColumnPlan(fld.name, strategy, _coerce_number(fld.fixed_value), fld.length)
    return ColumnPlan(fld.name, strategy, length=fld.length)


def link_mask(fld: Field | None, column: Column[Any]) -> ColumnPlan | None:
    """How a link to the subject is cleared in a row that is not theirs: the map's constant strategy
    for that field, else null; None when it cannot be (``NOT NULL`` and nothing else named)."""
    if fld is not None and fld.strategy in (Strategy.null, Strategy.fixed):
        plan = column_plan(fld, column)
        if plan.constant and (plan.value is not None or column.nullable):
            return plan
    return ColumnPlan(column.name, Strategy.null) if column.nullable else None


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
    length = _length(column, plan.length) or 64
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


def in_sql(plan: ColumnPlan, column: Column[Any], dialect: Dialect, key: bytes) -> ColumnElement[Any] | None:
    """The erased value as an expression the database computes in the ``UPDATE`` itself, where that is
    exactly what :func:`compute` gives, or None to compute it in Python.

    It spares reading every row's value first and sending it back: a round trip, a second pass over
    the rows and, for a thousand customers, more Python time than the whole ``UPDATE``. Dates are cut
    to the start of their year; a keyed hash of a text column is HMAC-SHA256 assembled from the
    server's own SHA-256 (RFC 2104, byte for byte the Python digest, so a value hashed either way
    joins); a pseudonym comes from the server's strong random source. SQLite keeps the Python path:
    it has no SHA-256, and its dates are text in whatever format the application wrote. Fixed-width
    ``CHAR`` columns keep it too, since servers differ on whether their padding is part of the value.

    The tenant's erasure key travels to the company's server as a bound parameter of the statement
    (the server that holds the values being hashed); a server set to log statement parameters would
    log it, as it would log the identities a request looks people up by.
    """
    name = "mysql" if dialect.name in ("mysql", "mariadb") else dialect.name
    if plan.strategy is Strategy.generalise and _is_temporal(column):
        return _year_sql(column, name)
    if not _is_text(column) or isinstance(column.type, CHAR) or name not in ("postgresql", "mysql"):
        return None
    width = _length(column, plan.length) or 64
    if plan.strategy is Strategy.hash:
        return func.left(_hmac_sql(column, name, key), max(8, min(width, 64)))
    if plan.strategy is Strategy.pseudonym and _has_random(dialect, name):
        hex32 = (
            func.md5(cast(func.gen_random_uuid(), Text))
            if name == "postgresql"
            else func.lower(func.hex(func.random_bytes(16)))
        )
        return case((column.is_(None), None), else_=func.left(func.concat("p", hex32), max(8, min(width, 33))))
    return None


def _year_sql(column: Column[Any], dialect: str) -> ColumnElement[Any] | None:
    if dialect == "postgresql":
        year = func.date_trunc("year", column)
        return year if issubclass(column.type.python_type, datetime) else cast(year, Date)
    if dialect == "mysql":
        return func.makedate(func.year(column), 1)
    return None


def _hmac_sql(column: Column[Any], dialect: str, key: bytes) -> ColumnElement[Any]:
    """HMAC-SHA256 of the column's UTF-8 bytes as lowercase hex: H((K^opad) || H((K^ipad) || m))."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    ipad, opad = bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)
    if dialect == "postgresql":
        inner = func.sha256(literal(ipad, LargeBinary).op("||")(func.convert_to(column, "UTF8")), type_=LargeBinary)
        return func.encode(func.sha256(literal(opad, LargeBinary).op("||")(inner), type_=LargeBinary), "hex")
    # the pads travel as hex text: MySQL drivers would send raw bytes as a string in the connection's
    # character set, which the server refuses as invalid UTF-8
    utf8 = func.convert(column, literal_column("CHAR CHARACTER SET utf8mb4"))
    inner = func.unhex(func.sha2(func.concat(func.unhex(ipad.hex()), utf8), 256))
    return func.sha2(func.concat(func.unhex(opad.hex()), inner), 256)


def _has_random(dialect: Dialect, name: str) -> bool:
    """``gen_random_uuid()`` is core PostgreSQL from 13; ``RANDOM_BYTES()`` is MySQL's from 5.6.17 and
    MariaDB's from 10.10."""
    version = dialect.server_version_info or ()
    if name == "postgresql":
        return version >= (13,)
    return version >= ((10, 10) if getattr(dialect, "is_mariadb", False) else (5, 6, 17))
