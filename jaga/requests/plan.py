"""The traversal plan: from a request's identities to every row of the subject, across databases.

Traversal is semi-naive: each round queries a table only with key values it has not seen before, so
reference cycles end by themselves and a batch of many subjects costs one query per table and chunk,
not one per subject. Every found row is attributed to the subjects whose keys reached it, which keeps a
second person with the same name or the same family-card number out of the result (those columns are
not identities and never carry keys).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Literal, NamedTuple

from sqlalchemy import Column, Engine, Select, func, select

from jaga.actions.holds import holds
from jaga.actions.strategies import column_plan
from jaga.actions.target import Hold, Key, Mode, Schema, TablePlan, chunks, side_by_side
from jaga.datamap import DataMap
from jaga.datamap.fides import DATA_TYPES
from jaga.datamap.graph import Edge, Links, Node, waves
from jaga.datamap.graph import links as map_links
from jaga.identity import normalise
from jaga.policy import Policy
from jaga.requests.match import attribute, by_form, candidates, where_matches
from jaga.requests.scope import Scope, scoped_columns
from jaga.store.db import python_type

Kind = Literal["access", "erasure", "rectification", "restriction"]


@dataclass(frozen=True)
class Subject:
    """One request inside a batch: ``sid`` is its index, ``identities`` maps type -> normalised values."""

    sid: int
    request_id: str
    identities: Mapping[str, tuple[str, ...]]


@dataclass
class Plan:
    """A printable graph of what a batch will read or change; executing it is :mod:`execute`'s job."""

    kind: Kind
    subjects: list[Subject]
    tables: list[TablePlan]
    identity_hits: dict[str, set[Key]] = field(default_factory=dict)

    def table(self, name: str) -> TablePlan | None:
        return next((t for t in self.tables if t.name == name), None)


def _coerce(column: Column[Any], value: str, data_type: str | None = None) -> Any:
    """An identity value in the column's type, or in the field's Fides ``data_type`` when the map names
    one; None when it cannot be one (it then finds no rows)."""
    try:
        kind = DATA_TYPES.get(data_type) if data_type else column.type.python_type
    except NotImplementedError:
        return value
    if kind is None:
        return value
    if kind is int:
        return int(value) if value.lstrip("-").isdigit() else None
    return value if kind is str else None


Seeds = dict[Node, tuple[str, dict[Any, set[int]]]]
"""Deferred table -> (its column pointing at the parent, the parent's values -> subject ids)."""


Linked = dict[Node, dict[str, dict[Key, set[int]]]]
"""Table -> link column -> key of a row that is not the subjects' own but points at them -> subject ids."""


class Traversal(NamedTuple):
    rows: dict[Node, dict[Key, set[int]]]
    hits: dict[Node, set[Key]]
    how: dict[Node, set[str]]
    seeds: Seeds
    linked: Linked


def traverse(
    datamap: DataMap, schema: Schema, subjects: Sequence[Subject], defer: Set[Node] = frozenset()
) -> Traversal:
    """Every row (primary key -> subject ids) reachable from the subjects' identities.

    A row is the subject's own only when it is found through a field its table is owned through
    (:func:`jaga.datamap.graph.owners`); a row found any other way (a ticket through the employee who
    handled it) goes to ``linked`` under the column that points at the subject, and the traversal does
    not go on from it: nothing hanging off another person's row is this subject's.

    Returns the rows, the rows hit directly through an identity column, how each table was reached,
    for the ``defer`` tables (:func:`deferrable`) not their rows but the parent values that lead
    there, and the linked rows.
    """
    graph = schema.links()
    outs: dict[Node, list[Any]] = {}
    for e in graph.edges:
        outs.setdefault(e.src, []).append(e)
    referring = {(e.dst, e.dst_field) for e in graph.edges if e.refers}
    known: dict[tuple[Node, str], dict[Any, set[int]]] = {}
    pending: dict[tuple[Node, str], dict[Any, set[int]]] = {}
    how: dict[Node, set[str]] = {}
    identity_fields: set[tuple[Node, str]] = set()

    def add(target: tuple[Node, str], value: Any, sids: set[int]) -> None:
        have = known.setdefault(target, {}).setdefault(value, set())
        new = sids - have
        if new:
            have |= new
            pending.setdefault(target, {}).setdefault(value, set()).update(new)

    # identity columns compared by their stored form (any spelling of an email, phone or ID number)
    forms: dict[tuple[Node, str], str] = {}
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        for fld in coll.fields:
            if not fld.identity:
                continue
            column = schema.table(node).c[fld.name]
            if by_form(schema, node, fld.name, fld.identity):
                forms[(node, fld.name)] = fld.identity
            for subject in subjects:
                for value in subject.identities.get(fld.identity, ()):
                    for spelling in candidates(fld.identity, value):
                        coerced = spelling if (node, fld.name) in forms else _coerce(column, spelling, fld.data_type)
                        if coerced is not None:
                            identity_fields.add((node, fld.name))
                            how.setdefault(node, set()).add(f"identity {fld.identity} = {coll.name}.{fld.name}")
                            add((node, fld.name), coerced, {subject.sid})
    rows: dict[Node, dict[Key, set[int]]] = {}
    hits: dict[Node, set[Key]] = {}
    linked: Linked = {}
    while pending:
        batch, pending = pending, {}
        # one round's queries are independent (each reads one table with keys already known): they run
        # side by side on a database server, then their rows are attributed here one table at a time
        rounds = list(batch.items())
        wanted_by: list[list[str]] = []
        jobs: list[Callable[[], list[Any]]] = []
        for (node, fname), delta in rounds:
            table = schema.table(node)
            wanted = list(dict.fromkeys([*schema.pk(node), fname, *(e.src_field for e in outs.get(node, []))]))
            kind = forms.get((node, fname))
            queries = [
                select(*(table.c[n] for n in wanted)).where(
                    schema.where_in(node, fname, chunk)
                    if kind is None
                    else where_matches(schema, node, fname, kind, chunk)
                )
                for chunk in chunks(delta, schema.chunk_size(node))
            ]
            wanted_by.append(wanted)
            jobs.append(partial(_fetch, schema.conns.engine(node[0]), queries))
        fetched = side_by_side(jobs, concurrent=schema.concurrent(node for (node, _), _ in rounds))
        for ((node, fname), delta), wanted, result in zip(rounds, wanted_by, fetched, strict=True):
            at = {n: i for i, n in enumerate(wanted)}
            key_at, match_at = [at[n] for n in schema.pk(node)], at[fname]
            kind = forms.get((node, fname))
            if fname not in graph.owners.get(node, frozenset()):
                # not the subjects' own rows: only a link column pointing at them is theirs (a row
                # their row points at holds nothing of theirs), and nothing leads on
                if (node, fname) not in referring:
                    continue
                link = linked.setdefault(node, {}).setdefault(fname, {})
                for row in result:
                    sids = delta.get(row[match_at] if kind is None else attribute(kind, row[match_at]))
                    if sids is not None:  # a spelling we cannot place is nobody's we could name
                        link.setdefault(tuple(row[i] for i in key_at), set()).update(sids)
                continue
            out_edges = outs.get(node, [])
            # per edge: the column it follows and the target's seen/pending values, looked up once here
            # rather than for every row (the loop below runs for every row of every subject)
            follow = [
                (
                    e,
                    at[e.src_field],
                    known.setdefault((e.dst, e.dst_field), {}),
                    pending.setdefault((e.dst, e.dst_field), {}),
                    forms.get((e.dst, e.dst_field)),
                )
                for e in out_edges
            ]
            used: set[int] = set()  # edges that led somewhere from these rows
            found = rows.setdefault(node, {})
            direct = hits.setdefault(node, set()) if (node, fname) in identity_fields else None
            for row in result:
                matched = delta.get(row[match_at] if kind is None else attribute(kind, row[match_at]))
                if matched is None:
                    continue  # the database matched a spelling we cannot place: never guess whose it is
                sids = matched
                key = tuple(row[i] for i in key_at)
                found.setdefault(key, set()).update(sids)
                if direct is not None:
                    direct.add(key)
                for j, (_, i, seen, todo, to_form) in enumerate(follow):
                    raw = row[i]
                    if raw is None:
                        continue
                    used.add(j)
                    for value in (raw,) if to_form is None else candidates(to_form, str(raw)):
                        have = seen.get(value)
                        if have is None:
                            seen[value], todo[value] = set(sids), set(sids)
                        elif not sids <= have:
                            new = sids - have
                            have |= new
                            todo.setdefault(value, set()).update(new)
            for j in used:
                e = follow[j][0]
                how.setdefault(e.dst, set()).add(f"{node[1]}.{e.src_field} -> {e.dst[1]}.{e.dst_field}")
        pending = {target: delta for target, delta in pending.items() if delta and target[0] not in defer}
    seeds = {node: (fname, values) for (node, fname), values in known.items() if node in defer and values}
    return Traversal(
        {n: r for n, r in rows.items() if r},
        {n: h for n, h in hits.items() if h},
        how,
        seeds,
        {n: {c: k for c, k in cols.items() if k} for n, cols in linked.items() if any(cols.values())},
    )


def _plain_link(schema: Schema, node: Node, link: Edge) -> bool:
    """Whether a deferred delete can run on ``node`` through ``link``: its database returns deleted rows
    (PostgreSQL, SQLite, MariaDB; not MySQL), and the link and key values are plain integers or text of
    the same kind on both sides, so they survive being frozen as JSON and compare as Python values."""
    child, parent = schema.table(node), schema.table(link.src)  # reflecting connects: the dialect knows itself
    if not schema.conns.engine(node[0]).dialect.delete_returning:
        return False
    kinds = {python_type(child.c[link.dst_field].type), python_type(parent.c[link.src_field].type)}
    keys = {python_type(child.c[name].type) for name in schema.pk(node)}
    return len(kinds) == 1 and kinds <= {int, str} and keys <= {int, str}


def deferrable(datamap: DataMap, policy: Policy, schema: Schema | None = None) -> set[Node]:
    """Tables an erasure need not read before it deletes from them.

    A table whose rows are all deleted, that holds no identity, is reached by exactly one reference,
    its owner, and leads nowhere personal is found by its own ``DELETE … WHERE parent_column IN (…)
    RETURNING key`` at erase time: reading it first would only look up the same rows twice (measured at
    about a quarter of a batch's database time). Its parent's values are frozen in the plan instead of
    its rows, so a resumed step deletes exactly the same rows, and verification counts what is left by
    the same column. The database's own foreign keys count as references (:meth:`Schema.links`).
    """
    graph = schema.links() if schema is not None else map_links(datamap)
    modes = erase_modes(datamap, policy, graph)
    links = graph.edges
    personal = {(d.key, c.name) for d, c in datamap.collections() if any(f.personal for f in c.fields)}
    out: set[Node] = set()
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        incoming = [e for e in links if e.dst == node]
        onward = {e.dst for e in links if e.src == node}
        if (
            modes.get(node) == "delete"
            and not any(f.identity for f in coll.fields)
            and len(incoming) == 1
            and incoming[0].src != node
            and incoming[0].dst_field in graph.owners.get(node, frozenset())
            and not any(n in personal or any(e.src == n for e in links) for n in onward)
            and (schema is None or _plain_link(schema, node, incoming[0]))
        ):
            out.add(node)
    return out


def _fetch(engine: Engine, queries: Sequence[Select[Any]]) -> list[Any]:
    """All rows of one table's chunked queries, on one connection of its own (one fetchall per chunk)."""
    with engine.connect() as conn:
        return [row for query in queries for row in conn.execute(query).all()]


def erase_modes(datamap: DataMap, policy: Policy, graph: Links | None = None) -> dict[Node, Mode]:
    """Per table: delete rows, update (erase columns, keep rows) or hold (keep, restrict).

    A row that must stay keeps its parents too: any table a kept table references is updated, not
    deleted, so no foreign key ever breaks. Rows of a table with no personal data stay as well (an
    erasure never touches them: ``orders`` mapped as mere bookkeeping still point at their customer),
    and so do the rows of ``graph.pinned`` tables (something the erasure must not change points at
    them). Fixpoint over the reference graph (``graph``: the map's and the database's keys). A table
    with a Fides ``read_only`` field is only ever updated (its read-only columns kept), and one whose
    personal fields are all read-only is left as it is.
    """
    graph = graph or map_links(datamap)
    table_holds, column_holds = holds(datamap, policy)
    modes: dict[Node, Mode] = {}
    untouched: set[Node] = set()
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        personal = [f.name for f in coll.fields if f.personal and not f.read_only]
        if not personal:
            untouched.add(node)
        held = column_holds.get(node, {})
        # a table-wide hold keeps its rows but only the columns its law needs (in ``held``): the rest of
        # them is erased in place (see jaga.actions.holds)
        if (personal and all(p in held for p in personal)) or (node in table_holds and not personal):
            modes[node] = "hold"
        elif held or coll.erase == "update" or node in graph.pinned or any(f.read_only for f in coll.fields):
            modes[node] = "update"
        else:
            modes[node] = "delete"
    ups = graph.parents
    changed = True
    while changed:
        changed = False
        for child, targets in ups.items():
            if modes.get(child) in ("hold", "update") or child in untouched:
                for parent in targets:
                    if modes.get(parent) == "delete":
                        modes[parent] = "update"
                        changed = True
    return modes


def build_plan(
    kind: Kind,
    datamap: DataMap,
    policy: Policy,
    schema: Schema,
    subjects: Sequence[Subject],
) -> Plan:
    """Traverse and decide, per table, what the request kind does there (nothing is changed)."""
    rows, hits, how, _, linked = traverse(datamap, schema, subjects)
    return assemble(kind, datamap, policy, schema, subjects, rows, hits, how, linked=linked)


def assemble(
    kind: Kind,
    datamap: DataMap,
    policy: Policy,
    schema: Schema,
    subjects: Sequence[Subject],
    rows: dict[Node, dict[Key, set[int]]],
    hits: dict[Node, set[Key]],
    how: dict[Node, set[str]],
    seeds: Seeds | None = None,
    linked: Linked | None = None,
    scope: Scope | None = None,
) -> Plan:
    """A plan from traversal results (fresh, or frozen in the store and read back on resume).

    A table's ``linked`` rows (not the subjects' own) get ``masks`` in an erasure: the link columns
    that are cleared, each by :func:`~jaga.actions.strategies.link_mask`. An erasure with a ``scope``
    updates only the in-scope columns of the subjects' own rows (:mod:`jaga.requests.scope`) and
    deletes nothing."""
    seeds, linked = seeds or {}, linked or {}
    graph = schema.links()
    modes = erase_modes(datamap, policy, graph) if kind == "erasure" else {}
    if kind == "erasure" and scope:
        modes = {node: "hold" if mode == "hold" else "update" for node, mode in modes.items()}
    # children before parents; inside a wave, tables that change before those only held, so that the
    # runner can group a wave's erasures and run them side by side
    order = [
        node
        for wave in waves(datamap, set(rows) | set(seeds) | set(linked), graph.parents)
        for node in sorted(wave, key=lambda n: modes.get(n) == "hold")
    ]
    table_holds, column_holds = holds(datamap, policy)
    tables = []
    for node in order:
        coll = schema.collection(node)
        if not any(f.personal for f in coll.fields):
            continue  # a lookup table reached on the way (e.g. marketing lists): nobody's personal data
        mode: Mode = modes.get(node, "read")
        plan = TablePlan(node[0], node[1], mode, schema.pk(node), rows.get(node, {}), sorted(how.get(node, ())))
        plan.via = seeds.get(node)
        plan.linked = linked.get(node, {})
        if kind == "erasure" and mode != "hold" and node not in table_holds and not scope:  # held: links too
            plan.masks = schema.masks(node, plan.linked)
        plan.hold = table_holds.get(node)
        plan.held_columns = dict(column_holds.get(node, {}))
        if kind == "erasure" and scope:
            plan.columns = scoped_columns(coll, schema.table(node), scope, plan.held_columns)
            if not plan.columns:
                continue  # nothing of the scope here: the table is not touched
            if mode == "hold":
                plan.columns = []
        elif mode == "update":
            table = schema.table(node)
            plan.columns = [
                cp
                for f in coll.fields
                if f.name not in plan.held_columns
                if (cp := column_plan(f, table.c[f.name])).strategy != "keep"
            ]
        tables.append(plan)
    return Plan(kind, list(subjects), tables, {f"{n[0]}.{n[1]}": k for n, k in hits.items()})


def hold_until(schema: Schema, plan: TablePlan, hold: Hold, now: datetime) -> datetime:
    """The day held rows may go: the latest ``hold_from`` among them plus the hold's duration.

    Without a ``hold_from`` column the period is counted from today, which can only keep data longer.
    """
    if not hold.hold_from or not plan.keys:
        return hold.duration.add_to(now)
    node = (plan.dataset, plan.collection)
    table = schema.table(node)
    latest: Any = None
    with schema.conns.engine(plan.dataset).connect() as conn:
        for chunk in chunks(plan.keys, schema.chunk_size(node)):
            value = conn.scalar(select(func.max(table.c[hold.hold_from])).where(schema.where_keys(node, chunk)))
            latest = value if latest is None or (value is not None and value > latest) else latest
    if latest is None:
        return hold.duration.add_to(now)
    if not isinstance(latest, datetime):
        latest = datetime(latest.year, latest.month, latest.day, tzinfo=now.tzinfo)
    elif latest.tzinfo is None:
        latest = latest.replace(tzinfo=now.tzinfo)
    return hold.duration.add_to(latest)


def render(plan: Plan, schema: Schema) -> str:
    """The plan as text: every table, how it was reached, the SQL it will run and the rows it touches.

    Key values are never printed (they are personal data); only their count.
    """
    lines = [f"{plan.kind} plan for {len(plan.subjects)} request(s); tables in execution order:"]
    for tp in plan.tables:
        node = (tp.dataset, tp.collection)
        table = schema.table(node)
        where = schema.where_keys(node, list(tp.keys)[:1] or [tuple(None for _ in tp.pk)])
        dialect = schema.conns.engine(tp.dataset).dialect
        if tp.mode == "delete":
            stmt: Any = table.delete().where(where)
        elif tp.mode == "update" and tp.columns:
            stmt = table.update().where(where).values({c.name: c.name for c in tp.columns})
        else:
            stmt = select(table).where(where)
        sql = " ".join(str(stmt.compile(dialect=dialect)).split())
        lines.append(f"- {tp.name}: {tp.mode}, {len(tp.keys)} row(s)")
        for reason in tp.found_by:
            lines.append(f"    reached by {reason}")
        if tp.columns:
            lines.append("    columns: " + ", ".join(f"{c.name}={c.strategy.value}" for c in tp.columns))
        for link, cp in tp.masks:
            lines.append(f"    {cp.name} cleared ({cp.strategy.value}) where {link} links rows not the subject's")
        for col, hold in sorted(tp.held_columns.items()):
            lines.append(f"    kept column {col}: {hold.law} ({hold.duration})")
        if tp.hold:
            kept = "all columns" if tp.mode == "hold" else "the kept columns above"
            lines.append(f"    legal hold: {tp.hold.law} ({tp.hold.duration}); rows are restricted, keeping {kept}")
        lines.append(f"    SQL (chunks of {schema.chunk_size(node)} keys): {sql}")
    return "\n".join(lines)


__all__ = [
    "Hold",
    "Kind",
    "Linked",
    "Mode",
    "Plan",
    "Schema",
    "Seeds",
    "Subject",
    "TablePlan",
    "Traversal",
    "assemble",
    "build_plan",
    "chunks",
    "deferrable",
    "erase_modes",
    "hold_until",
    "holds",
    "normalise",
    "render",
    "traverse",
]
