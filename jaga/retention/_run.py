"""Plan and run retention sweeps: a counting dry run, and chunked, resumable, audited changes.

A run is frozen when it starts (the clock, the policy and map digests, every table's key range) and
stored in jaga's store. Chunks walk each table's primary key in ranges, children before parents, with
the whole due-and-not-held predicate in one DELETE or UPDATE per range (no row goes through Python);
each range is widened or narrowed so a chunk changes about ``chunk_rows`` rows. Each chunk is one
transaction on the company database, and its position is recorded in the store. The chunk's counts
are written to the store *before* that transaction commits and confirmed after, so after ``kill -9``
at any instant :func:`resume` redoes at most one chunk and still reports exact counts: a redo that
finds nothing left means the first attempt had committed, and its recorded counts stand.
Re-running a chunk is harmless (deleting deleted rows, re-writing erased values), and tokens are
derived from row keys, so a resumed run ends in exactly the state an uninterrupted one would.
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, literal, not_, select, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from jaga import audit
from jaga.actions.target import Schema
from jaga.datamap import Connections, DataMap, load_datamap
from jaga.datamap.graph import Node
from jaga.errors import JagaError, NotFoundError
from jaga.policy import Policy, load_policy, policy_digest, taxonomy_for
from jaga.retention._sql import month
from jaga.retention._sweep import Sweep, _is_false
from jaga.settings import get_settings
from jaga.store import ensure_tenant, session_scope, utcnow
from jaga.store.models.retention import RetentionRun, RetentionStep

CRASH_ENV = "JAGA_RETENTION_CRASH"
"""``<table>:<chunk>:<before|prepared|committed>``: the runner SIGKILLs itself there (crash tests)."""

CHUNK_ROWS = 100_000
"""Rows per transaction: big enough that commits cost little next to the deletes, small enough that a
chunk holds its row locks for a fraction of a second."""
MAX_GROWTH = 8


def _next_step(step: int, changed: int, target: int) -> int:
    """The next chunk's width in keys, aiming at ``target`` changed rows: a chunk where few rows were
    due widens the next one (at most ``MAX_GROWTH`` times, so a dense region after a sparse one never
    makes one huge transaction), a chunk with more than the target narrows it."""
    if changed <= 0:
        return step * MAX_GROWTH
    return max(1, min(step * MAX_GROWTH, step * target // changed))


SCAN_ROWS = 200

Progress = Callable[[str, int, float], None]
"""Called as ``progress(table, rows_changed_so_far, fraction_of_the_sweep_done)`` after every chunk."""

Paths = str | Path | Sequence[str | Path]


@dataclass(frozen=True)
class TableDue:
    """One table in a plan: what is due, what a law keeps, and the SQL that will run."""

    table: str
    mode: str
    export: bool
    rules: tuple[str, ...]
    follows: tuple[str, ...]
    due: int
    held: int
    laws: tuple[str, ...]
    oldest: str | None
    sql: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetentionPlan:
    """A dry run: per table, the rows whose time is up and those a legal hold keeps."""

    now: datetime
    policy_version: str
    tables: tuple[TableDue, ...]
    unused_rules: tuple[str, ...]

    @property
    def due(self) -> int:
        return sum(t.due for t in self.tables)

    @property
    def held(self) -> int:
        return sum(t.held for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "policy_version": self.policy_version,
            "due": self.due,
            "held": self.held,
            "tables": [asdict(t) for t in self.tables],
            "unused_rules": list(self.unused_rules),
        }


@dataclass
class RunOutcome:
    """A run as stored: per table counts, the verification, and where returned data was written."""

    run_id: str
    status: str
    now: datetime
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    export_dir: str | None = None

    @property
    def deleted(self) -> int:
        return sum(int(t.get("deleted", 0)) for t in self.tables.values())

    @property
    def anonymised(self) -> int:
        return sum(int(t.get("anonymised", 0)) for t in self.tables.values())

    @property
    def held(self) -> int:
        return sum(int(t.get("held", 0)) for t in self.tables.values())


# -- inputs -------------------------------------------------------------------------------------------
def _paths(datamap: Paths) -> list[str]:
    return [str(datamap)] if isinstance(datamap, str | Path) else [str(p) for p in datamap]


def _clock(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise JagaError("the sweep's clock has no time zone", hint="give an aware time, e.g. 2026-11-01T00:00:00+07:00")
    return now


class _Inputs:
    """Policy, map, connections, reflected tables and the compiled sweep, built once per process."""

    def __init__(self, policy: Policy, datamap: DataMap, connections: Mapping[str, str] | None, now: datetime) -> None:
        self.policy, self.datamap, self.now = policy, datamap, now
        urls = dict(connections or {})
        if "*" in urls:  # one URL for every dataset, unless a dataset is named on its own
            every = urls.pop("*")
            urls = {**{d.key: every for d in datamap.datasets}, **urls}
        self.conns = Connections(datamap, urls)
        try:
            self.schema = Schema(datamap, self.conns)
            self.sweep = Sweep(policy, datamap, self.schema, now)
        except BaseException:
            self.conns.dispose()
            raise

    @classmethod
    def load(cls, policy: str | Path, datamap: Paths, connections: Mapping[str, str] | None, now: datetime) -> _Inputs:
        pol = load_policy(policy)
        return cls(pol, load_datamap(_paths(datamap), taxonomy_for(pol)), connections, now)

    def dialect(self, node: Node) -> str:
        return self.conns.engine(node[0]).dialect.name


# -- survey (plan) -------------------------------------------------------------------------------------
def _int_key(table: Table, pk: tuple[str, ...]) -> bool:
    if len(pk) != 1:
        return False
    try:
        return table.c[pk[0]].type.python_type is int
    except NotImplementedError:
        return False


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _survey(inputs: _Inputs, *, count: bool) -> list[dict[str, Any]]:
    """Per table (children first): what it does and the laws holding it; with ``count`` (the plan) the
    rows to change and their oldest trigger time, without (a run) the key range to sweep instead.

    A run does not count first: that would be a full pass over every table before the work. Its
    chunks walk the key range with the full predicate and report what they changed; the held rows are
    counted only for tables a law holds.
    """
    sweep = inputs.sweep
    out = []
    for node in sweep.order:
        ts = sweep.tables[node]
        table = sweep.table(node)
        todo = sweep.todo(node)
        info: dict[str, Any] = {
            "table": ts.name,
            "mode": ts.mode,
            "export": ts.export,
            "rules": [r.key for r in ts.rules],
            "follows": list(ts.follows),
            "laws": ts.laws,
            "notes": list(ts.notes),
            "due": 0,
            "held": 0,
            "oldest": None,
        }
        with inputs.conns.engine(node[0]).connect() as conn:
            if not _is_false(todo) and count:
                clock = table.c[ts.clock] if ts.clock else literal(None)
                row = conn.execute(select(func.count(), func.min(clock)).where(todo)).one()
                info["due"], info["oldest"] = int(row[0] or 0), _plain(row[1])
            elif not _is_false(todo):
                keyed = _int_key(table, ts.pk)
                info["keyset"] = not keyed
                if keyed:  # the primary key's index answers at once
                    key = table.c[ts.pk[0]]
                    lo, hi = conn.execute(select(func.min(key), func.max(key))).one()
                    info["active"] = lo is not None
                    info.update(lo=lo, hi=hi)
                else:
                    info["active"] = True
            held = sweep.held(node)
            if not _is_false(held):
                info["held"] = int(conn.execute(select(func.count()).where(and_(sweep.due(node), held))).scalar() or 0)
        out.append(info)
    return out


def _sql(inputs: _Inputs, node: Node) -> str:
    """The statement that does the table's main work, as the database will see it (bounds literal)."""
    sweep = inputs.sweep
    ts, table = sweep.tables[node], sweep.table(node)
    values = sweep.values(node)
    if ts.mode == "delete":
        referenced = sweep.referenced(node)
        where = sweep.base(node) if _is_false(referenced) else and_(sweep.base(node), not_(referenced))
        stmt: Any = delete(table).where(where)
    elif values:
        stmt = update(table).where(sweep.todo(node)).values(values)
    elif not _is_false(sweep.stranded(node)):
        stmt = delete(table).where(and_(sweep.base(node), sweep.stranded(node)))
    else:
        return "-- nothing to change: no direct identifier here, and every link leads to an anonymised row"
    dialect = inputs.conns.engine(node[0]).dialect
    try:
        text = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    except Exception:  # a type without a literal renderer: show the parameter names instead
        text = str(stmt.compile(dialect=dialect))
    return " ".join(text.split())


def plan(
    policy: str | Path,
    datamap: Paths,
    *,
    now: datetime | None = None,
    connections: Mapping[str, str] | None = None,
) -> RetentionPlan:
    """Dry run: per table the rows due, the oldest trigger time, the rows held (and the law), the SQL."""
    clock = _clock(now)
    inputs = _Inputs.load(policy, datamap, connections, clock)
    try:
        survey = _survey(inputs, count=True)
        tables = tuple(
            TableDue(
                table=i["table"],
                mode=i["mode"],
                export=i["export"],
                rules=tuple(i["rules"]),
                follows=tuple(i["follows"]),
                due=i["due"],
                held=i["held"],
                laws=tuple(i["laws"]),
                oldest=i["oldest"],
                sql=_sql(inputs, node),
                notes=tuple(i["notes"]),
            )
            for i, node in zip(survey, inputs.sweep.order, strict=True)
        )
    except SQLAlchemyError as exc:
        raise _db_error("the plan", exc) from None
    finally:
        inputs.conns.dispose()
    return RetentionPlan(clock, policy_digest(inputs.policy), tables, tuple(inputs.sweep.unused))


def _db_error(what: str, exc: SQLAlchemyError) -> JagaError:
    """A database failure as a clear message; the driver's text is left out (it may quote row values)."""
    cause = getattr(exc, "orig", None)
    orig = type(cause).__name__ if cause is not None else type(exc).__name__
    return JagaError(
        f"the database refused {what} ({orig})",
        hint="check the data map against the database (`jaga datamap check`), then `jaga retention resume`",
    )


# -- statistics ---------------------------------------------------------------------------------------
def _stats(conn: Connection, table: Table, month_of: str | None, by: Sequence[str]) -> dict[str, int]:
    keys: list[ColumnElement[Any]] = []
    if month_of:
        keys.append(month(table.c[month_of], conn.dialect.name).label("month"))
    keys += [table.c[c] for c in by]
    if not keys:
        return {"*": int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)}
    rows = conn.execute(select(*keys, func.count()).group_by(*keys))
    return {"|".join("" if v is None else str(v) for v in row[:-1]): int(row[-1]) for row in rows}


def statistics(url: str, table: str, *, month_of: str | None = None, by: Sequence[str] = ()) -> dict[str, int]:
    """Row counts of ``table`` by month of ``month_of`` and by the ``by`` columns (``'2024-05|Jawa Barat'``).

    Counts only, no values of people: the aggregate a statistics purpose keeps after anonymisation.
    """
    from sqlalchemy import MetaData

    from jaga.store import make_engine

    engine = make_engine(url)
    try:
        reflected = Table(table, MetaData(), autoload_with=engine)
        with engine.connect() as conn:
            return _stats(conn, reflected, month_of, by)
    except SQLAlchemyError as exc:
        raise _db_error("the statistics query", exc) from None
    finally:
        engine.dispose()


def _stats_spec(inputs: _Inputs, node: Node) -> tuple[str | None, list[str]]:
    ts = inputs.sweep.tables[node]
    coll = inputs.sweep.schema.collection(node)
    return coll.trigger_column("collection") or ts.clock, list(ts.region)


# -- running ------------------------------------------------------------------------------------------
def _crash(table: str, chunk: int, phase: str, attempt: int) -> None:
    if attempt == 1 and os.environ.get(CRASH_ENV, "") == f"{table}:{chunk}:{phase}":
        os.kill(os.getpid(), signal.SIGKILL)


def _add(total: dict[str, int], counts: Mapping[str, int]) -> dict[str, int]:
    return {k: int(total.get(k, 0)) + int(counts.get(k, 0)) for k in {*total, *counts}}


class _Runner:
    """Drives one stored run to its end; the same code serves a fresh run and a resume."""

    def __init__(
        self,
        run_id: str,
        store_url: str | None,
        connections: Mapping[str, str] | None,
        actor: str,
        progress: Progress | None,
        inputs: _Inputs | None = None,
    ) -> None:
        self.run_id, self.store_url, self.actor, self.progress = run_id, store_url, actor, progress
        with session_scope(store_url) as s:
            run = s.get(RetentionRun, run_id)
            if run is None:
                raise NotFoundError("unknown retention run", where=run_id)
            self.tenant_id, self.now, self.chunk_rows = run.tenant_id, run.clock, run.chunk_rows
            self.plan: dict[str, Any] = json.loads(run.plan)
            paths, policy_path, map_digest, version = (
                json.loads(run.map_paths),
                run.policy_path,
                run.map_digest,
                run.policy_version,
            )
            self.out_dir = Path(run.out_dir) if run.out_dir else get_settings().data_dir / "retention" / run_id
        self.inputs = inputs or _Inputs.load(policy_path, paths, connections, self.now)
        if self.inputs.datamap.digest != map_digest or policy_digest(self.inputs.policy) != version:
            self.inputs.conns.dispose()
            raise JagaError(
                "the data map or policy changed since this retention run started",
                where=run_id,
                hint="restore the files the run started with, then resume",
            )
        self.sweep = self.inputs.sweep
        self.nodes = {ts.name: node for node, ts in self.sweep.tables.items()}
        self.done_rows = 0
        self.active = [t["table"] for t in self.plan["tables"] if t.get("active")]

    def execute(self) -> RunOutcome:
        try:
            with session_scope(self.store_url) as s:
                mine = s.query(RetentionStep).filter(RetentionStep.run_id == self.run_id)
                steps = [(st.id, st.name, st.status, st.attempts) for st in mine.order_by(RetentionStep.seq)]
                for st in mine:
                    if st.status == "done" and st.name.startswith("table:") and st.counts:
                        self.done_rows += sum(
                            v for k, v in json.loads(st.counts).items() if k in ("deleted", "anonymised")
                        )
            for step_id, name, status, attempts in steps:
                if status != "done":
                    self._step(step_id, name, attempts + 1)
            return outcome(self.run_id, self.store_url)
        finally:
            self.inputs.conns.dispose()

    def _step(self, step_id: int, name: str, attempt: int) -> None:
        with session_scope(self.store_url) as s:
            step = s.get(RetentionStep, step_id)
            run = s.get(RetentionRun, self.run_id)
            assert step is not None and run is not None
            step.status, step.attempts, step.started_at = "running", attempt, step.started_at or utcnow()
            run.status = "running"
        kind, _, table = name.partition(":")
        if kind == "table":
            try:
                self._table(step_id, table, attempt)
            except SQLAlchemyError as exc:
                raise _db_error(f"the sweep of {table}", exc) from None
            return
        if kind == "verify":
            result = self._verify()
            with session_scope(self.store_url) as s:
                step = s.get(RetentionStep, step_id)
                assert step is not None
                step.status, step.finished_at, step.counts = "done", utcnow(), json.dumps(result)
            return
        self._finish(step_id)

    # -- one table, chunk by chunk ----------------------------------------------------------------
    def _table(self, step_id: int, name: str, attempt: int) -> None:
        info = next(t for t in self.plan["tables"] if t["table"] == name)
        node = self.nodes[name]
        table = self.sweep.table(node)
        pk = self.sweep.tables[node].pk
        with session_scope(self.store_url) as s:
            step = s.get(RetentionStep, step_id)
            assert step is not None
            cursor: dict[str, Any] = json.loads(step.cursor or "{}")
            pending: dict[str, Any] | None = json.loads(step.pending) if step.pending else None
            totals: dict[str, int] = json.loads(step.counts or "{}")
        chunk = int(cursor.get("chunk", 0))
        last = cursor.get("last")
        lo = int(cursor.get("lo", info.get("lo") or 0))
        step_keys = int(cursor.get("step", self.chunk_rows))
        while True:
            if info.get("keyset"):
                keys = self._next_keys(node, table, pk, last, pending)
                if not keys:
                    break
                clause = self.sweep.schema.key_clause(node, keys)
                new_last: Any = list(keys[-1])
                fraction = 0.5
            else:
                if lo > int(info["hi"]):
                    break
                col = table.c[pk[0]]
                clause = and_(col >= lo, col < lo + step_keys)
                new_last = None
                span = int(info["hi"]) - int(info["lo"]) + 1
                fraction = min(1.0, (lo + step_keys - int(info["lo"])) / span)
            prior = pending if pending is not None and int(pending["chunk"]) == chunk else None
            counts = self._chunk(step_id, node, name, chunk, clause, new_last, prior, attempt)
            pending = None
            totals = _add(totals, counts)
            changed = counts.get("deleted", 0) + counts.get("anonymised", 0)
            chunk, last, lo = chunk + 1, new_last, lo + step_keys
            step_keys = _next_step(step_keys, changed, self.chunk_rows)
            with session_scope(self.store_url) as s:
                step = s.get(RetentionStep, step_id)
                assert step is not None
                step.cursor = json.dumps({"chunk": chunk, "last": last, "lo": lo, "step": step_keys})
                step.pending, step.counts = None, json.dumps(totals)
            self.done_rows += changed
            if self.progress is not None:
                done = self.active.index(name) if name in self.active else 0
                self.progress(name, self.done_rows, (done + fraction) / max(1, len(self.active)))
        with session_scope(self.store_url) as s:
            step = s.get(RetentionStep, step_id)
            assert step is not None
            step.status, step.finished_at = "done", utcnow()
            step.counts = json.dumps({**{"deleted": 0, "anonymised": 0, "exported": 0}, **totals})

    def _next_keys(
        self, node: Node, table: Table, pk: tuple[str, ...], last: Any, pending: dict[str, Any] | None
    ) -> list[tuple[Any, ...]]:
        """Keyset paging for tables without one integer key; a pending chunk is redone up to its end."""
        cols = [table.c[n] for n in pk]
        where = self.sweep.todo(node)
        if last is not None:
            where = and_(where, tuple_(*cols) > tuple_(*last) if len(cols) > 1 else cols[0] > last[0])
        if pending is not None and pending.get("last") is not None:
            end = pending["last"]
            where = and_(where, tuple_(*cols) <= tuple_(*end) if len(cols) > 1 else cols[0] <= end[0])
        with self.inputs.conns.engine(node[0]).connect() as conn:
            rows = conn.execute(select(*cols).where(where).order_by(*cols).limit(self.chunk_rows)).all()
        if not rows and pending is not None and pending.get("last") is not None:
            return [tuple(pending["last"])]  # the pending chunk committed: replay it to confirm its counts
        return [tuple(r) for r in rows]

    def _chunk(
        self,
        step_id: int,
        node: Node,
        name: str,
        chunk: int,
        clause: ColumnElement[bool],
        last: Any,
        prior: dict[str, Any] | None,
        attempt: int,
    ) -> dict[str, int]:
        _crash(node[1], chunk, "before", attempt)
        with self.inputs.conns.engine(node[0]).connect() as conn:
            trans = conn.begin()
            try:
                counts = self._apply(conn, node, name, chunk, clause)
                if prior is not None and not any(counts.values()):
                    counts = {k: int(v) for k, v in prior["counts"].items()}  # the first attempt committed
                with session_scope(self.store_url) as s:
                    step = s.get(RetentionStep, step_id)
                    assert step is not None
                    step.pending = json.dumps({"chunk": chunk, "last": last, "counts": counts})
                _crash(node[1], chunk, "prepared", attempt)
                trans.commit()
            except BaseException:
                trans.rollback()
                raise
        _crash(node[1], chunk, "committed", attempt)
        return counts

    def _apply(
        self, conn: Connection, node: Node, name: str, chunk: int, clause: ColumnElement[bool]
    ) -> dict[str, int]:
        """One chunk, set-based: at most one export SELECT, one UPDATE and one DELETE."""
        sweep = self.sweep
        ts, table = sweep.tables[node], sweep.table(node)
        base = and_(sweep.base(node), clause)
        values = sweep.values(node)
        counts = {"deleted": 0, "anonymised": 0, "exported": 0}
        if ts.export:
            counts["exported"] = self._export(conn, table, name, chunk, and_(sweep.todo(node), clause))
        referenced = sweep.referenced(node)
        if ts.mode == "delete":
            if values and not _is_false(referenced):
                stmt = update(table).where(and_(base, referenced, not_(sweep.anonymous(node)))).values(values)
                counts["anonymised"] = int(conn.execute(stmt).rowcount or 0)
            where = base if _is_false(referenced) else and_(base, not_(referenced))
            counts["deleted"] = int(conn.execute(delete(table).where(where)).rowcount or 0)
            return counts
        stranded = sweep.stranded(node)
        if not _is_false(stranded):
            where = and_(base, stranded) if _is_false(referenced) else and_(base, stranded, not_(referenced))
            counts["deleted"] = int(conn.execute(delete(table).where(where)).rowcount or 0)
        if values:
            todo = and_(sweep.todo(node), clause)
            counts["anonymised"] = int(conn.execute(update(table).where(todo).values(values)).rowcount or 0)
        return counts

    def _export(self, conn: Connection, table: Table, name: str, chunk: int, where: ColumnElement[bool]) -> int:
        """Rows returned to the client controller: one JSON Lines file per chunk, written before the
        rows change; a redo that finds nothing leaves the earlier file in place."""
        rows = conn.execute(select(table).where(where)).mappings().all()
        if rows:
            folder = self.out_dir / name
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".part-{chunk:06d}.jsonl"
            with tmp.open("w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps(dict(row), default=_plain, ensure_ascii=False) + "\n")
            tmp.replace(folder / f"part-{chunk:06d}.jsonl")
        return len(rows)

    # -- verification and the end -----------------------------------------------------------------
    def _verify(self) -> dict[str, Any]:
        """Prove the sweep: nothing due is left identified, nothing stays linked to a person, kept text
        holds no identifier the PII detectors find, and anonymised tables keep their statistics."""
        out: dict[str, Any] = {}
        with session_scope(self.store_url) as s:
            steps = {st.name: st.counts for st in s.query(RetentionStep).filter(RetentionStep.run_id == self.run_id)}
        for info in self.plan["tables"]:
            done = json.loads(steps.get(f"table:{info['table']}") or "{}")
            if not (done.get("deleted") or done.get("anonymised")):
                continue
            node = self.nodes[info["table"]]
            ts, table, sweep = self.sweep.tables[node], self.sweep.table(node), self.sweep
            check: dict[str, Any] = {"left_identified": 0, "still_linked": 0, "pii_found": {}}
            if ts.mode == "delete" and not ts.children:
                # keeps no row: every key present at the start was swept with the full predicate, so
                # a second pass over the whole table would only repeat the DELETE's own condition
                check["verified"] = True
                out[info["table"]] = check
                continue
            with self.inputs.conns.engine(node[0]).connect() as conn:
                remaining = sweep.base(node)
                kept = int(conn.execute(select(func.count()).where(remaining)).scalar() or 0)
                if kept and ts.direct:
                    identified = and_(remaining, not_(sweep.anonymous(node)))
                    check["left_identified"] = int(conn.execute(select(func.count()).where(identified)).scalar() or 0)
                stranded = sweep.stranded(node)
                if kept and ts.mode == "anonymise" and not _is_false(stranded):
                    linked = and_(remaining, stranded)
                    check["still_linked"] = int(conn.execute(select(func.count()).where(linked)).scalar() or 0)
                erased = {p.name for p in ts.columns}
                texts = [
                    c
                    for c in self.inputs.schema.collection(node).fields
                    if c.personal and not c.primary_key and not c.references
                    if c.name not in erased and _is_text(table, c.name)
                ]
                found: dict[str, int] = check["pii_found"]
                if kept and texts:  # a sample of what anonymisation kept, through the PII detectors
                    from jaga.discover import scan_text

                    cols = [table.c[c.name] for c in texts]
                    for row in conn.execute(select(*cols).where(remaining).limit(SCAN_ROWS)):
                        for value in row:
                            for finding in scan_text(str(value)) if value else ():
                                found[finding.category] = found.get(finding.category, 0) + 1
                before = self.plan.get("statistics", {}).get(info["table"])
                if before is not None:
                    month_of, by = before["month_of"], before["by"]
                    check["statistics_kept"] = _stats(conn, table, month_of, by) == before["counts"]
            problems = check["left_identified"] or check["still_linked"] or found
            check["verified"] = not problems and check.get("statistics_kept", True)
            out[info["table"]] = check
        return out

    def _finish(self, step_id: int) -> None:
        with session_scope(self.store_url) as s:
            steps = {st.name: st for st in s.query(RetentionStep).filter(RetentionStep.run_id == self.run_id)}
            verify = json.loads(steps["verify"].counts or "{}")
            tables: dict[str, dict[str, Any]] = {}
            for info in self.plan["tables"]:
                st = steps.get(f"table:{info['table']}")
                counts = json.loads(st.counts) if st is not None and st.counts else {}
                changed = int(counts.get("deleted", 0)) + int(counts.get("anonymised", 0))
                if not (changed or info["held"]):
                    continue
                tables[info["table"]] = {
                    "mode": info["mode"],
                    "due": changed,
                    "deleted": int(counts.get("deleted", 0)),
                    "anonymised": int(counts.get("anonymised", 0)),
                    "exported": int(counts.get("exported", 0)),
                    "held": info["held"],
                    "laws": info["laws"],
                }
            verified = all(v.get("verified") for v in verify.values())
            status = "done" if verified else "unverified"
            result = {"tables": tables, "verification": verify}
            run = s.get(RetentionRun, self.run_id)
            step = steps["finish"]
            assert run is not None
            run.result, run.status, run.finished_at = json.dumps(result), status, utcnow()
            step.status, step.finished_at = "done", utcnow()
            audit.append(
                s,
                self.tenant_id,
                "retention.completed",
                {
                    "run": self.run_id,
                    "clock": self.now.isoformat(),
                    "status": status,
                    "deleted": sum(t["deleted"] for t in tables.values()),
                    "anonymised": sum(t["anonymised"] for t in tables.values()),
                    "held": sum(t["held"] for t in tables.values()),
                    "tables": tables,
                    "verified": verified,
                },
                actor=self.actor,
            )


def _is_text(table: Table, column: str) -> bool:
    try:
        return table.c[column].type.python_type is str
    except NotImplementedError:
        return False


# -- public entry points ------------------------------------------------------------------------------
def run(
    policy: str | Path,
    datamap: Paths,
    *,
    now: datetime | None = None,
    connections: Mapping[str, str] | None = None,
    tenant: str = "default",
    store_url: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
    actor: str = "system",
) -> RunOutcome:
    """Sweep every table: delete or anonymise the rows whose time is up, keep held rows, audit the
    counts. Refuses to start while an earlier run of the tenant is unfinished (resume that first)."""
    clock = _clock(now)
    if clock > utcnow() + timedelta(minutes=5):
        raise JagaError(
            "the sweep's clock is in the future: rows would be deleted before their time",
            hint="omit --now, or give a time that has passed",
        )
    if chunk_rows < 1:
        raise JagaError("chunk size must be at least 1 row")
    with session_scope(store_url) as s:
        tenant_id = ensure_tenant(s, tenant).id
        open_run = (
            s.query(RetentionRun.id)
            .filter(RetentionRun.tenant_id == tenant_id, RetentionRun.status.in_(("planned", "running")))
            .first()
        )
    if open_run is not None:
        raise JagaError(
            "an earlier retention run did not finish",
            where=open_run[0],
            hint="finish it first with `jaga retention resume`",
        )
    inputs = _Inputs.load(policy, datamap, connections, clock)
    try:
        survey = _survey(inputs, count=False)
        stats: dict[str, Any] = {}
        for info, node in zip(survey, inputs.sweep.order, strict=True):
            if info.get("active") and info["mode"] == "anonymise":
                month_of, by = _stats_spec(inputs, node)
                with inputs.conns.engine(node[0]).connect() as conn:
                    counts = _stats(conn, inputs.sweep.table(node), month_of, by)
                stats[info["table"]] = {"month_of": month_of, "by": by, "counts": counts}
    except SQLAlchemyError as exc:
        inputs.conns.dispose()
        raise _db_error("the plan", exc) from None
    except BaseException:
        inputs.conns.dispose()
        raise
    run_id = str(uuid.uuid4())
    plan_data = {"tables": survey, "statistics": stats, "unused_rules": inputs.sweep.unused}
    with session_scope(store_url) as s:
        s.add(
            RetentionRun(
                id=run_id,
                tenant_id=tenant_id,
                status="planned",
                clock=clock,
                map_paths=json.dumps([str(Path(p).resolve()) for p in _paths(datamap)]),
                map_digest=inputs.datamap.digest,
                policy_path=str(Path(policy).resolve()),
                policy_version=policy_digest(inputs.policy),
                out_dir=str(Path(out_dir).resolve()) if out_dir else None,
                chunk_rows=chunk_rows,
                plan=json.dumps(plan_data, default=str),
                actor=actor,
            )
        )
        s.flush()
        names = [f"table:{i['table']}" for i in survey if i.get("active")] + ["verify", "finish"]
        for seq, name in enumerate(names, start=1):
            s.add(RetentionStep(run_id=run_id, seq=seq, name=name, status="pending", attempts=0))
        audit.append(
            s,
            tenant_id,
            "retention.started",
            {
                "run": run_id,
                "clock": clock.isoformat(),
                "policy_version": policy_digest(inputs.policy),
                "map_digest": inputs.datamap.digest,
                "tables": {i["table"]: {"mode": i["mode"], "held": i["held"], "laws": i["laws"]} for i in survey},
            },
            actor=actor,
        )
    return _Runner(run_id, store_url, connections, actor, progress, inputs).execute()


def resume(
    *,
    store_url: str | None = None,
    connections: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    actor: str = "system",
    tenant_id: int | None = None,
) -> list[RunOutcome]:
    """Finish every run a crash or kill left unfinished (of one tenant, if given), oldest first, with its
    original clock."""
    with session_scope(store_url) as s:
        query = s.query(RetentionRun.id).filter(RetentionRun.status.in_(("planned", "running")))
        if tenant_id is not None:
            query = query.filter(RetentionRun.tenant_id == tenant_id)
        ids = [r for (r,) in query.order_by(RetentionRun.created_at)]
    return [_Runner(rid, store_url, connections, actor, progress).execute() for rid in ids]


def outcome(run_id: str, store_url: str | None = None) -> RunOutcome:
    """A run's state and, once finished, its counts and verification."""
    with session_scope(store_url) as s:
        run = s.get(RetentionRun, run_id)
        if run is None:
            raise NotFoundError("unknown retention run", where=run_id)
        result = json.loads(run.result) if run.result else {}
        export = run.out_dir or str(get_settings().data_dir / "retention" / run_id)
        exported = any(t.get("exported") for t in result.get("tables", {}).values())
        return RunOutcome(
            run.id,
            run.status,
            run.clock,
            result.get("tables", {}),
            result.get("verification", {}),
            export if exported else None,
        )


__all__ = [
    "CRASH_ENV",
    "Progress",
    "RetentionPlan",
    "RunOutcome",
    "TableDue",
    "outcome",
    "plan",
    "resume",
    "run",
    "statistics",
]
