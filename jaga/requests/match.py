"""Finding a person's rows by identity, whatever spelling the company's database stores it in.

A phone column may hold ``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…`` or ``812…``; an email
column ``Budi@Example.com``. The planner compares such a column in its stored form (:func:`column_form`
of :mod:`jaga.identity`: lower-cased, blanks and digit separators removed, in SQL) with every spelling
the person's normal form may take (:func:`spellings`), in one set-based statement per table and chunk,
and attributes each row it gets back by the same rule in Python (:func:`stored_form`).

Measured on PostgreSQL 1,000,000 rows (under load): an exact lookup through the column's index takes
0.5-5 ms; the stored form without a matching index scans the column, 0.65 s for one person and 0.7 s
for a batch of 1,000 (a batch pays one scan per chunk of 10,000 people, not one per person). With an
index on the same expression (``CREATE INDEX … ON customers (lower(email))``; for a phone column
``((replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''),
')', ''), '/', '')))``) one person takes 0.5 ms again. Where the database already compares without case (a
MariaDB/MySQL ``_ci`` collation, PostgreSQL ``citext``) an email column is compared as it is and keeps
its plain index; a column that is not text (a phone kept as a number) is matched by the numeric
spellings through its index. Correctness first: an exact lookup alone would miss the rows written
another way, and an erasure would report done with the person's data still there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from jaga.actions.target import Schema
from jaga.datamap.graph import Node
from jaga.identity import Form, InvalidIdentity, column_form, form_of, normalise, spellings, stored_form


def _is_text(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is str
    except NotImplementedError:
        return False


def _folds_case(column: Column[Any], dialect: str) -> bool:
    """Whether the database itself compares this column without case (so its index serves)."""
    if dialect in ("mysql", "mariadb"):
        collation = getattr(column.type, "collation", None)
        return collation is None or str(collation).endswith("_ci")
    return type(column.type).__name__.upper() == "CITEXT"


def by_form(schema: Schema, node: Node, fname: str, kind: str) -> bool:
    """Whether identity column ``fname`` of type ``kind`` is compared and attributed by its stored form
    (a text column of an email, phone or ID type); other columns compare their values as they are."""
    return form_of(kind) is not Form.text and _is_text(schema.table(node).c[fname])


def candidates(kind: str, value: str) -> tuple[str, ...]:
    """Every stored form a given identity value may be found under.

    ``value`` is normally already normal (run_requests normalised it); a value frozen by an older
    version (digits and plus) or reached through a reference from another table is normalised here
    first, and kept in its stored form when it cannot be (it may still match exactly). Only a phone
    has more than one stored form, so only a phone is parsed (and checked valid) again: a short or
    broken number must not turn into a few digits that match other people's rows."""
    if form_of(kind) is not Form.phone:
        return (stored_form(kind, value),)
    try:
        return spellings(kind, normalise(kind, value))
    except InvalidIdentity:
        return (stored_form(kind, value),)


def where_matches(schema: Schema, node: Node, fname: str, kind: str, values: Sequence[Any]) -> ColumnElement[bool]:
    """The column's stored form equal to one of ``values`` (as :meth:`Schema.where_in` does for keys).

    An email column the database already compares without case is compared as it is, so its index
    serves; the rows it returns are attributed by their stored form all the same."""
    column = schema.table(node).c[fname]
    folds = form_of(kind) is Form.email and _folds_case(column, schema.conns.engine(node[0]).dialect.name)
    expr = column if folds else column_form(kind, column)
    if schema.arrays(node):
        return expr == any_(bindparam(None, list(values), type_=ARRAY(String())))
    return expr.in_(list(values))


def attribute(kind: str, value: Any) -> Any:
    """The key a fetched row's identity value was matched by (the Python twin of the SQL)."""
    return stored_form(kind, value) if isinstance(value, str) else value


__all__ = ["attribute", "by_form", "candidates", "where_matches"]
