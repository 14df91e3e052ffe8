"""Erase, restrict and rectify one table for a whole batch, in one transaction, set-based.

Each function takes every subject's row keys for the table, walks them in key-ordered chunks and issues
one statement per chunk (``DELETE … WHERE pk IN (…)``, ``UPDATE … SET … WHERE pk IN (…)``, and for values
computed per row ``UPDATE … FROM (SELECT unnest(keys), unnest(values))`` on PostgreSQL or
``UPDATE … SET col = CASE pk …`` elsewhere), never one statement per row or subject. On PostgreSQL a
chunk's keys travel as one array parameter (:meth:`Schema.where_in`), so chunks are large and the
statement text is the same for every chunk. The caller commits the transaction, so a crash leaves the
table either untouched or fully done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, case, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from jaga.actions.strategies import ColumnPlan, compute, in_sql
from jaga.actions.target import Schema, TablePlan, attribute, chunks, fold
from jaga.errors import JagaError

Tick = Callable[[], None]


def _noop() -> None:
    return None


def delete_rows(conn: Connection, schema: Schema, tp: TablePlan, tick: Tick = _noop) -> int:
    """Delete the subjects' rows of a table; returns how many went."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    total = 0
    if tp.via is not None:
        return _delete_via(conn, schema, tp, tick)
    for chunk in chunks(tp.keys, schema.chunk_size(node)):
        total += conn.execute(table.delete().where(schema.where_keys(node, chunk))).rowcount or 0
        tick()
    return total


def _delete_via(conn: Connection, schema: Schema, tp: TablePlan, tick: Tick) -> int:
    """A deferred table: delete by the parent's values and learn from ``RETURNING`` which rows went and
    whose they were (``tp.keys``), instead of reading the same rows first."""
    assert tp.via is not None
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    column, seeds = tp.via
    pk = [table.c[name] for name in schema.pk(node)]
    folded = {fold(k): v for k, v in seeds.items()}
    for chunk in chunks(seeds, schema.chunk_size(node)):
        stmt = table.delete().where(schema.where_in(node, column, chunk)).returning(*pk, table.c[column])
        for row in conn.execute(stmt).all():
            tp.keys.setdefault(tuple(row[:-1]), set()).update(attribute(seeds, row[-1], folded))
        tick()
    return len(tp.keys)


def _single_pk(schema: Schema, node: tuple[str, str]) -> str:
    pk = schema.pk(node)
    if len(pk) != 1:
        raise JagaError(
            f"computed erase strategies need a one-column primary key on {node[1]!r}",
            hint="use erase: null or fixed for this table's columns",
        )
    return pk[0]


def _pk_case(table: Table, pk: str, values: Mapping[Any, Any], column: str) -> ColumnElement[Any]:
    return case({k: v for k, v in values.items()}, value=table.c[pk], else_=table.c[column])


def _update_from_arrays(
    conn: Connection, table: Table, pk: str, new: Mapping[str, Mapping[Any, Any]], constant: Mapping[str, Any]
) -> int:
    """PostgreSQL: one ``UPDATE … FROM (SELECT unnest(:keys), unnest(:values)…)`` for a chunk, the
    set-based form of per-row values; its text is the same for every chunk."""
    keys = list(next(iter(new.values())))
    src = select(
        func.unnest(bindparam(None, keys, type_=ARRAY(table.c[pk].type))).label("jaga_key"),
        *(
            func.unnest(bindparam(None, [vals[k] for k in keys], type_=ARRAY(table.c[col].type))).label(f"jaga_{i}")
            for i, (col, vals) in enumerate(new.items())
        ),
    ).subquery("jaga_new")
    values: dict[str, Any] = dict(constant)
    values.update({col: src.c[f"jaga_{i}"] for i, col in enumerate(new)})
    return conn.execute(table.update().where(table.c[pk] == src.c.jaga_key).values(values)).rowcount or 0


def update_rows(conn: Connection, schema: Schema, tp: TablePlan, key: bytes, tick: Tick = _noop) -> int:
    """Erase the planned columns of the subjects' rows and keep the rows (referenced or partly held)."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    constant: dict[str, Any] = {c.name: c.value for c in tp.columns if c.constant}
    for cp in tp.columns:
        expression = None if cp.constant else in_sql(cp, table.c[cp.name], conn.dialect, key)
        if expression is not None:
            constant[cp.name] = expression
    computed = [c for c in tp.columns if c.name not in constant]
    total = 0
    if not tp.columns:
        return 0
    pk = _single_pk(schema, node) if computed else ""
    for chunk in chunks(tp.keys, schema.chunk_size(node)):
        where = schema.where_keys(node, chunk)
        if not computed:
            total += conn.execute(table.update().where(where).values(constant)).rowcount or 0
            tick()
            continue
        rows = conn.execute(select(table.c[pk], *(table.c[c.name] for c in computed)).where(where)).all()
        new = {
            cp.name: {r[0]: compute(cp, r[i], key, table.c[cp.name]) for r in rows}
            for i, cp in enumerate(computed, start=1)
        }
        if rows and schema.arrays(node):
            total += _update_from_arrays(conn, table, pk, new, constant)
        elif rows:
            values: dict[str, Any] = dict(constant)
            values.update({col: _pk_case(table, pk, vals, col) for col, vals in new.items()})
            total += conn.execute(table.update().where(where).values(values)).rowcount or 0
        tick()
    return total


def clear_links(conn: Connection, schema: Schema, tp: TablePlan, tick: Tick = _noop) -> int:
    """Clear the link to the subjects in rows that are not theirs (:attr:`TablePlan.masks`): one
    ``UPDATE … SET link = NULL WHERE pk IN (…)`` per link column and chunk; the rest of the row stays."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    total = 0
    for cp, rows in tp.masked():
        for chunk in chunks(rows, schema.chunk_size(node)):
            stmt = table.update().where(schema.where_keys(node, chunk)).values({cp.name: cp.value})
            total += conn.execute(stmt).rowcount or 0
            tick()
    return total


def restrict_rows(conn: Connection, schema: Schema, tp: TablePlan, flag: str, tick: Tick = _noop) -> int:
    """Set the map's restriction flag column on the subjects' rows."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    total = 0
    for chunk in chunks(tp.keys, schema.chunk_size(node)):
        total += conn.execute(table.update().where(schema.where_keys(node, chunk)).values({flag: true()})).rowcount or 0
        tick()
    return total


def leftovers(conn: Connection, schema: Schema, tp: TablePlan, identity_hits: set[Any]) -> dict[int, int]:
    """Per subject, rows of this table still holding their data after erasure (should all be zero).

    Deleted tables must have no row left; updated tables must hold the erased value in every constant
    column and must no longer be found through an erased identity column (``identity_hits`` comes
    from a fresh traversal). Held tables are kept on purpose and not counted.
    """
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    pk = schema.pk(node)
    left: dict[int, int] = {}
    if tp.mode == "hold":
        return left
    if tp.via is not None:  # a deferred table: whatever still points at the parent is left over
        column, seeds = tp.via
        folded = {fold(k): v for k, v in seeds.items()}
        for chunk in chunks(seeds, schema.chunk_size(node)):
            query = select(table.c[column], func.count()).where(schema.where_in(node, column, chunk))
            for value, count in conn.execute(query.group_by(table.c[column])).all():
                # a value the database matched but we cannot place counts against every subject of
                # the chunk: verification must rather fail than miss a leftover
                for sid in attribute(seeds, value, folded) or set().union(*(seeds[k] for k in chunk)):
                    left[sid] = left.get(sid, 0) + count
        return left
    _linked_leftovers(conn, schema, tp, left)
    erasable = [c for c in tp.columns if c.constant]
    # an identity column kept under a legal hold (or read-only) still finds the row: expected, not a leftover
    if any(f.identity and (f.name in tp.held_columns or f.read_only) for f in schema.collection(node).fields):
        identity_hits = set()
    width = len(pk)
    for chunk in chunks(set(tp.keys) | identity_hits, schema.chunk_size(node)):
        query = select(*(table.c[n] for n in pk), *(table.c[c.name] for c in erasable)).where(
            schema.where_keys(node, chunk)
        )
        for row in conn.execute(query).all():
            key = tuple(row[:width])
            dirty = (
                tp.mode == "delete"
                or key in identity_hits
                or any(not _erased(c, v) for c, v in zip(erasable, row[width:], strict=True))
            )
            if dirty:
                for sid in tp.keys.get(key, {-1}):
                    left[sid] = left.get(sid, 0) + 1
    return left


def _linked_leftovers(conn: Connection, schema: Schema, tp: TablePlan, left: dict[int, int]) -> None:
    """Rows not the subjects' own whose link to them was to be cleared and still is not."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    pk = schema.pk(node)
    for cp, rows in tp.masked():
        for chunk in chunks(rows, schema.chunk_size(node)):
            query = select(*(table.c[n] for n in pk), table.c[cp.name]).where(schema.where_keys(node, chunk))
            for row in conn.execute(query).all():
                if not _erased(cp, row[-1]):
                    for sid in rows.get(tuple(row[:-1]), {-1}):
                        left[sid] = left.get(sid, 0) + 1


def _erased(cp: ColumnPlan, value: Any) -> bool:
    if cp.strategy == "null":
        return value is None
    return bool(value == cp.value)


def coerce_value(column: Any, raw: str) -> Any:
    """A rectified value converted to the column's type; ``ValueError`` names the type, not the value."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return raw
    if kind is str:
        length = getattr(column.type, "length", None)
        if length and len(raw) > length:
            raise ValueError(f"longer than the column allows ({length} characters)")
        return raw
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    if kind is datetime:
        return datetime.fromisoformat(raw)
    if kind is date:
        return date.fromisoformat(raw)
    if kind is bool:
        return raw.lower() in ("1", "true", "yes", "y")
    return raw


def rectify_rows(
    conn: Connection, schema: Schema, tp: TablePlan, changes: Mapping[int, Mapping[str, Any]], tick: Tick = _noop
) -> int:
    """Apply each subject's validated new values to their rows of this table (one UPDATE per subject
    and chunk, since the values differ per subject)."""
    node = (tp.dataset, tp.collection)
    table = schema.table(node)
    total = 0
    by_subject = tp.by_subject()
    for sid, values in sorted(changes.items()):
        if not values:
            continue
        for chunk in chunks(by_subject.get(sid, []), schema.chunk_size(node)):
            total += (
                conn.execute(table.update().where(schema.where_keys(node, chunk)).values(dict(values))).rowcount or 0
            )
            tick()
    return total
