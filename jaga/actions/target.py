"""Access to the company's tables for one batch: reflected tables, row keys per subject, key chunks.

Shared by the executors here and the planner in :mod:`jaga.requests.plan` (which imports this module,
never the other way round).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import Connection, MetaData, Table, and_, any_, bindparam, or_, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from jaga.actions.strategies import ColumnPlan, column_plan, link_mask
from jaga.datamap import Collection, Connections, DataMap, edges
from jaga.datamap.graph import Links, Node
from jaga.datamap.graph import links as map_links
from jaga.datamap.live import foreign_keys
from jaga.errors import ConfigError, JagaError
from jaga.policy import Duration

Mode = Literal["read", "delete", "update", "hold"]
Key = tuple[Any, ...]
CHUNK = 500
"""Keys per statement where each key is its own bound parameter (``IN (...)`` lists)."""
ARRAY_CHUNK = 10_000
"""Keys per statement on PostgreSQL, where a whole chunk is one array parameter."""
WORKERS = 4
"""Statements on different tables run side by side on this many connections at most."""
T = TypeVar("T")

_PG_FINGERPRINT = text(
    """
    SELECT c.relname, c.oid::bigint,
           (SELECT string_agg(a.xmin::text, ',' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid),
           (SELECT string_agg(i.xmin::text, ',' ORDER BY i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid),
           (SELECT string_agg(k.xmin::text, ',' ORDER BY k.oid) FROM pg_constraint k WHERE k.conrelid = c.oid)
    FROM pg_class c
    WHERE c.relname = ANY(:names) AND c.relnamespace = COALESCE(:schema, current_schema())::regnamespace
    ORDER BY c.relname
    """
)
_reflected: dict[tuple[str, str, tuple[str, ...]], tuple[tuple[Any, ...], dict[str, Table]]] = {}
_reflected_lock = threading.Lock()


def _schema_mark(conn: Connection, names: Sequence[str], schema: str | None = None) -> tuple[Any, ...] | None:
    """A value that changes whenever the definition of one of these tables changes, read with one cheap
    catalogue query: PostgreSQL's row versions of the tables' catalogue entries (columns, indexes,
    constraints; a re-created table has a new oid), SQLite's ``schema_version``. ``None`` where there is
    no such value (MariaDB/MySQL): those databases are reflected on every run.

    The table's own ``pg_class`` row is left out on purpose: ``TRUNCATE``, ``VACUUM FULL`` and
    ``CLUSTER`` rewrite it without changing a column, and re-reflecting after each cost a retention
    sweep 0.18 s (a tenth of its time). A rename changes the name it is looked up by."""
    if conn.dialect.name == "postgresql":
        return tuple(tuple(row) for row in conn.execute(_PG_FINGERPRINT, {"names": list(names), "schema": schema}))
    if conn.dialect.name == "sqlite":
        return (conn.exec_driver_sql("PRAGMA schema_version").scalar(),)
    return None


@dataclass(frozen=True)
class Hold:
    """A legal hold on a table or column: the law, and how long from which column it runs."""

    rule: str
    law: str
    duration: Duration
    hold_from: str | None = None
    keeps: tuple[str, ...] | None = None
    """The data categories the law needs kept (``None``: :data:`~jaga.actions.holds.RECORD_KEEPING`)."""


@dataclass
class TablePlan:
    """One table's part of a plan: which rows (by primary key) belong to which subjects, and what to do."""

    dataset: str
    collection: str
    mode: Mode
    pk: tuple[str, ...]
    keys: dict[Key, set[int]] = field(default_factory=dict)
    found_by: list[str] = field(default_factory=list)
    columns: list[ColumnPlan] = field(default_factory=list)
    held_columns: dict[str, Hold] = field(default_factory=dict)
    hold: Hold | None = None
    via: tuple[str, dict[Any, set[int]]] | None = None
    """For a deferred table: its column pointing at the parent and the parent's values -> subject ids;
    ``keys`` then fill in as the erasing statement returns the rows it deleted."""
    linked: dict[str, dict[Key, set[int]]] = field(default_factory=dict)
    """Rows that are not the subjects' own but point at them: link column -> row key -> subject ids.
    Only that column is theirs: an export shows it, an erasure clears it (``masks``)."""
    masks: list[tuple[str, ColumnPlan]] = field(default_factory=list)
    """(link column, how one column is cleared): the link itself, and the fields that describe the
    person it points at (``jaga.about``)."""

    def masked(self) -> list[tuple[ColumnPlan, dict[Key, set[int]]]]:
        """Each column an erasure clears with the rows to clear it in (rows it deletes left out)."""
        gone = self.keys if self.mode == "delete" else {}
        return [
            (cp, {k: s for k, s in self.linked[link].items() if k not in gone})
            for link, cp in self.masks
            if self.linked.get(link)
        ]

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.collection}"

    def by_subject(self) -> dict[int, list[Key]]:
        """Subject id -> its row keys (inverted once, so per-request reporting stays linear)."""
        out: dict[int, list[Key]] = {}
        for key, sids in self.keys.items():
            for sid in sids:
                out.setdefault(sid, []).append(key)
        return out

    def counts(self) -> dict[int, int]:
        """Subject id -> how many of its rows the table holds."""
        out: dict[int, int] = {}
        for sids in self.keys.values():
            for sid in sids:
                out[sid] = out.get(sid, 0) + 1
        return out


class Schema:
    """Reflected tables of the company's databases, so SQL is built (and quoted) by SQLAlchemy."""

    def __init__(self, datamap: DataMap, conns: Connections) -> None:
        self.datamap = datamap
        self.conns = conns
        self._tables: dict[Node, Table] = {}
        self._reflected: set[str] = set()
        self._links: Links | None = None

    def links(self) -> Links:
        """The map's references and the databases' own foreign keys (read once per batch), with the
        tables that must keep their rows because a link to them cannot be cleared (:func:`link_mask`)."""
        if self._links is None:
            found = map_links(self.datamap, foreign_keys(self.datamap, self.conns))
            for e in found.edges:
                if e.dst_field in found.owners[e.dst] or not e.refers:
                    continue  # an owner link, or the referenced side of a "to" reference
                if self.link_mask(e.dst, e.dst_field) is None:
                    found.pinned.add(e.src)
            self._links = found
        return self._links

    def link_mask(self, node: Node, column: str) -> ColumnPlan | None:
        return link_mask(self.collection(node).field(column), self.table(node).c[column])

    def masks(self, node: Node, links: Iterable[str]) -> list[tuple[str, ColumnPlan]]:
        """How an erasure clears each of ``links`` and the fields that describe their person
        (:attr:`TablePlan.masks`); a column that cannot be cleared with a constant is left out."""
        table = self.table(node)
        out: list[tuple[str, ColumnPlan]] = []
        for link in links:
            plan = self.link_mask(node, link)
            out += [(link, plan)] if plan is not None else []
            for fld in self.collection(node).fields:
                if fld.about == link:
                    cp = link_mask(fld, table.c[fld.name]) or column_plan(fld, table.c[fld.name])
                    out += [(link, cp)] if cp.constant else []
        return out

    def table(self, node: Node) -> Table:
        if node not in self._tables:
            self._reflect_dataset(node[0])
        if node not in self._tables:
            coll = self.collection(node)
            try:
                self._tables[node] = Table(
                    node[1], MetaData(), autoload_with=self.conns.engine(node[0]), schema=self.namespace(node[0])
                )
            except NoSuchTableError:
                raise ConfigError(
                    f"table {node[1]!r} of dataset {node[0]!r} does not exist",
                    where=coll.where,
                    hint="run `jaga datamap check` and fix the map",
                ) from None
            except SQLAlchemyError as exc:
                raise ConfigError(
                    f"cannot read table {node[1]!r} of dataset {node[0]!r}: {type(exc).__name__}", where=coll.where
                ) from None
            missing = [f for f in coll.fields if f.name not in self._tables[node].c]
            if missing:
                raise ConfigError(
                    f"unknown column {node[1]}.{missing[0].name}",
                    where=missing[0].where,
                    hint="run `jaga datamap check` and fix the map",
                )
        return self._tables[node]

    def _reflect_dataset(self, dataset: str) -> None:
        """Reflect every mapped table of a dataset in one go, and reuse that reflection in later batches
        of this process while the tables' definitions are unchanged (:func:`_schema_mark`).

        Reflection reads the catalogue with several queries and took 0.2-0.4 s per batch on PostgreSQL,
        more than the erasures of a thousand people; checking that nothing changed is one query. Any
        problem (a missing table) is left to the per-table path, which names it."""
        if dataset in self._reflected:
            return
        self._reflected.add(dataset)
        ds = self.datamap.dataset(dataset)
        if ds is None:
            return
        names = sorted(c.name for c in ds.collections if not c.skip_processing)
        engine = self.conns.engine(dataset)
        key = (engine.url.render_as_string(hide_password=True), dataset, (ds.schema or "", *names))
        try:
            with engine.connect() as conn:
                mark = _schema_mark(conn, names, ds.schema)
                with _reflected_lock:
                    cached = _reflected.get(key)
                if mark is not None and cached is not None and cached[0] == mark:
                    tables = cached[1]
                else:
                    metadata = MetaData()
                    metadata.reflect(bind=conn, only=names, views=True, schema=ds.schema)
                    tables = {n: metadata.tables[f"{ds.schema}.{n}" if ds.schema else n] for n in names}
                    if mark is not None:
                        with _reflected_lock:
                            _reflected[key] = (mark, tables)
        except SQLAlchemyError:
            return
        for coll in ds.collections:
            table = tables.get(coll.name)
            if table is not None and all(f.name in table.c for f in coll.fields):
                self._tables[(dataset, coll.name)] = table

    def namespace(self, dataset: str) -> str | None:
        """The schema a dataset's tables live in (Fides ``fides_meta.namespace.schema``), None for the
        connection's default: every statement names it, so tables of the same name elsewhere are never
        touched."""
        ds = self.datamap.dataset(dataset)
        return ds.schema if ds else None

    def collection(self, node: Node) -> Collection:
        ds = self.datamap.dataset(node[0])
        coll = ds.collection(node[1]) if ds else None
        if coll is None:
            raise JagaError(f"unknown table {node[0]}.{node[1]}")
        return coll

    def pk(self, node: Node) -> tuple[str, ...]:
        """The columns that address one row: the declared or reflected primary key; for a table with
        none, as Fides does, every column the subject's rows are found by (its identities and the
        columns of its references)."""
        coll = self.collection(node)
        declared = coll.primary_key
        if declared:
            return declared
        reflected = tuple(c.name for c in self.table(node).primary_key.columns)
        if reflected:
            return reflected
        # every column a row can be found by, so that a row found through one of them with NULL in
        # another is still told apart from other people's rows holding NULL there
        found_by = tuple(
            dict.fromkeys(
                [
                    *(f.name for f in coll.fields if f.identity),
                    *(
                        name
                        for e in edges(self.datamap)
                        for name in ((e.dst_field,) if e.dst == node else (e.src_field,) if e.src == node else ())
                    ),
                ]
            )
        )
        if not found_by:
            raise ConfigError(
                f"table {node[1]!r} has no primary key and no identity or reference to address its rows by",
                where=coll.where,
                hint="mark its key column with fides_meta.primary_key: true",
            )
        return found_by

    def key_clause(self, node: Node, keys: Sequence[Key]) -> ColumnElement[bool]:
        """``pk IN (...)`` for one chunk of keys (a row-value IN for composite keys); portable SQL that
        renders the same on every database, for callers that print or compile it themselves."""
        table = self.table(node)
        cols = [table.c[name] for name in self.pk(node)]
        if any(v is None for k in keys for v in k):  # rows addressed without a primary key may hold NULLs
            return or_(
                *(and_(*(c.is_(None) if v is None else c == v for c, v in zip(cols, k, strict=True))) for k in keys)
            )
        if len(cols) == 1:
            return cols[0].in_([k[0] for k in keys])
        return tuple_(*cols).in_(keys)

    def arrays(self, node: Node) -> bool:
        """Whether ``node``'s database takes a list of keys as one array parameter (PostgreSQL)."""
        return self.conns.engine(node[0]).dialect.name == "postgresql"

    def concurrent(self, nodes: Iterable[Node]) -> bool:
        """Whether statements on these tables may run side by side on several connections: on a
        database server, yes (it works on them at once while Python waits); on SQLite, no (one writer
        at a time, and a second connection would only queue behind the first)."""
        return all(self.conns.engine(node[0]).dialect.name != "sqlite" for node in nodes)

    def chunk_size(self, node: Node) -> int:
        return ARRAY_CHUNK if self.arrays(node) else CHUNK

    def where_in(self, node: Node, column: str, values: Sequence[Any]) -> ColumnElement[bool]:
        """``column`` equal to one of ``values``, the fastest way the database offers.

        On PostgreSQL this is ``column = ANY(:array)``: one bound parameter whatever the chunk size, so
        the statement text never changes (SQLAlchemy's compiled cache and the server's prepared plan
        are reused) and ten thousand keys cost no more parsing than one. Elsewhere ``IN (...)``.
        """
        col = self.table(node).c[column]
        if self.arrays(node):
            return col == any_(bindparam(None, list(values), type_=ARRAY(col.type)))
        return col.in_(list(values))

    def where_keys(self, node: Node, keys: Sequence[Key]) -> ColumnElement[bool]:
        """:meth:`where_in` for primary keys (composite keys fall back to a row-value ``IN``)."""
        pk = self.pk(node)
        if len(pk) == 1 and all(k[0] is not None for k in keys):
            return self.where_in(node, pk[0], [k[0] for k in keys])
        return self.key_clause(node, keys)


def settle(jobs: Sequence[Callable[[], T]], *, concurrent: bool) -> list[T | Exception]:
    """Each job's result or the exception it raised, in order; run on threads at once when
    ``concurrent`` (each job opens its own connection, and the driver lets go of the GIL while the
    server works), else one after another. Every job runs to its end, so no transaction is left open
    and the caller can record what did succeed before it reports what did not."""
    if not concurrent or len(jobs) < 2:
        out: list[T | Exception] = []
        for job in jobs:
            try:
                out.append(job())
            except Exception as exc:  # handed back to the caller, which raises it
                out.append(exc)
        return out
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(jobs)), thread_name_prefix="jaga-sql") as pool:
        futures = [pool.submit(job) for job in jobs]
        wait_all(futures)
    return [cast(Exception, error) if (error := f.exception()) is not None else f.result() for f in futures]


def side_by_side(jobs: Sequence[Callable[[], T]], *, concurrent: bool) -> list[T]:
    """:func:`settle`, raising the first failure once every job has ended."""
    results = settle(jobs, concurrent=concurrent)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return cast(list[T], results)


def fold(value: Any) -> Any:
    """A key value as a case- and pad-insensitive collation compares it (MariaDB's default), so a row a
    database matched can be attributed even when its spelling differs from the value that found it."""
    return value.casefold().rstrip() if isinstance(value, str) else value


def attribute(seeds: dict[Any, set[int]], value: Any, folded: dict[Any, set[int]] | None = None) -> set[int]:
    """The subjects a parent value leads to (empty when the database matched a value we cannot place)."""
    found = seeds.get(value)
    if found is None:
        found = (folded if folded is not None else {fold(k): v for k, v in seeds.items()}).get(fold(value), set())
    return found


def _order(v: Any) -> Any:
    return tuple((str(type(x)), x) for x in v) if isinstance(v, tuple) else (str(type(v)), v)


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Items sorted (key order keeps lock order stable and index access sequential) in fixed-size chunks."""
    ordered = list(items)
    try:
        ordered.sort()  # keys of one column share one type: the plain sort is the fast path
    except TypeError:
        ordered.sort(key=_order)  # mixed types (e.g. None beside values): order by type name first
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
