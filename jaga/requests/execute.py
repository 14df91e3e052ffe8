"""Run a batch of data-subject requests as recorded, resumable steps.

Every step is written to jaga's store as ``running`` before it starts and ``done`` (with its counts)
after. The steps that change data run in one transaction per company database, in plan order
(children first), so a database refusing one step leaves nothing of the batch changed there; other
databases run side by side in their own transactions, and the error names which finished. After
``kill -9`` anywhere, :func:`resume` re-runs the unfinished steps: a rolled-back transaction is simply
redone, and a committed one is redone harmlessly (deleting deleted rows, re-nulling nulls, re-hashing
a hash), so nothing is lost, no row is half-erased and nothing that matters happens twice. The
traversal is frozen in the store (sealed) before the first change, so resume never depends on data
already erased; for a leaf table an erasure only deletes from (:func:`~jaga.requests.plan.deferrable`)
what is frozen is the parent's keys, and its ``DELETE … RETURNING`` tells which rows went. A leaf step
redone after a crash that came after its commit finds its rows already gone: it reports what it
deleted then, and the verification pass still proves that nothing is left.

A batch is set-based end to end, so a thousand requests cost little more than one: the traversal and
every table step run one statement per table and chunk for all requests together, and the bookkeeping
(request rows, restrictions, audit entries, ledger events) goes in a few multi-row statements per
batch. The parsed policy and map, and the reflected tables, are reused by later batches of the same
process while the files and table definitions are unchanged. A batch that fails for a reason no retry
mends (a key type jaga cannot record, an internal fault) is marked failed with the reason, so it never
blocks the batches behind it.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import hmac
import json
import os
import signal
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any, cast

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Table, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jaga import audit
from jaga.actions.erase import (
    clear_links,
    coerce_value,
    delete_rows,
    leftovers,
    rectify_rows,
    restrict_rows,
    update_rows,
)
from jaga.actions.export import ExportMeta, Staging, export_table, package, visible_columns
from jaga.actions.frozen import UnsupportedKeyType, freeze, thaw
from jaga.actions.target import settle, side_by_side
from jaga.datamap import Connections, DataMap, held, load_datamap, undeclared
from jaga.errors import JagaError, NotFoundError
from jaga.identity import InvalidIdentity, normalise
from jaga.policy import Policy, load_policy, policy_digest, taxonomy_for
from jaga.requests.plan import (
    Kind,
    Plan,
    Schema,
    Subject,
    TablePlan,
    assemble,
    deferrable,
    hold_until,
    render,
    traverse,
)
from jaga.requests.scope import Scope, make_scope, scope_of
from jaga.settings import get_settings
from jaga.store import ensure_tenant, session_scope, tenant_secret, utcnow
from jaga.store.db import driver
from jaga.store.models.dsr import DsrBatch, DsrRequest, DsrRestriction, DsrStep

CRASH_ENV = "JAGA_DSR_CRASH"
"""``<step seq or name>:<before|during|after>``: the runner kills itself with SIGKILL there (crash tests)."""


@dataclass(frozen=True)
class RequestSpec:
    """One request as submitted: identities (type -> value(s)), and for rectification the new values
    keyed ``table.column`` (or ``dataset.table.column``)."""

    kind: Kind
    identities: Mapping[str, str | Sequence[str]]
    changes: Mapping[str, str] = field(default_factory=dict)
    categories: Sequence[str] | None = None
    """An erasure's scope: only these data categories are erased (default: all personal data)."""
    masking: Mapping[str, str] = field(default_factory=dict)
    """An erasure's masking per category (``{"user.contact": "hash"}``); a masked category is in scope."""


NO_MATCH = "no_match"
"""The status of an erasure, rectification or restriction whose identities matched no row."""


@dataclass
class RequestOutcome:
    request_id: str
    status: str
    result: dict[str, Any]


@dataclass
class BatchOutcome:
    batch_id: str | None
    kind: str
    status: str
    requests: list[RequestOutcome]
    plan_text: str | None = None
    error: str | None = None
    """Why the batch did not finish (``resume`` goes on with the next batch and reports this one)."""


class _Sealer:
    """Encrypts what a batch must keep about its requests (identities, the frozen plan) with the
    tenant's sealing key.

    AES-GCM, one call per value: a thousand requests are sealed in a few milliseconds, where Fernet
    (AES-CBC plus a separate HMAC and base64 of the whole token) took about 60 µs each, 6% of a whole
    batch of erasures. Tokens written by earlier versions (Fernet, ``gAAAA…``) still open.
    """

    PREFIX = "g1."

    def __init__(self, tenant_id: int) -> None:
        key = tenant_secret(tenant_id, "dsr-seal")
        self._aead = AESGCM(key)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, data: Any) -> str:
        """``data`` as JSON, compressed only when large (a frozen plan): setting up zlib costs more than
        it saves on one request's identities."""
        raw = json.dumps(data, separators=(",", ":")).encode()
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, zlib.compress(raw) if len(raw) > 1024 else raw, None)
        return self.PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def unseal(self, token: str) -> Any:
        if token.startswith(self.PREFIX):
            blob = base64.urlsafe_b64decode(token[len(self.PREFIX) :])
            raw = self._aead.decrypt(blob[:12], blob[12:], None)
        else:
            raw = self._fernet.decrypt(token.encode())
        return json.loads(raw if raw[:1] in (b"{", b"[") else zlib.decompress(raw))  # zlib data starts 0x78


def _identity_keys(secret: bytes, identities: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    return {
        kind: [hmac.new(secret, f"{kind}:{v}".encode(), hashlib.sha256).hexdigest() for v in values]
        for kind, values in identities.items()
    }


def normalised(spec: RequestSpec, where: str | None = None) -> dict[str, list[str]]:
    """The request's identities in their one normal form (:mod:`jaga.identity`); a malformed one is
    refused before anything runs, naming the request and the type, never the value."""
    out: dict[str, list[str]] = {}
    for kind, value in spec.identities.items():
        values = [value] if isinstance(value, str) else list(value)
        try:
            out[kind] = sorted({normalise(kind, v) for v in values if v and v.strip()})
        except InvalidIdentity as exc:
            raise InvalidIdentity(f"{kind}: {exc.message}", where=where, hint=exc.hint) from None
    if not any(out.values()):
        raise JagaError("a request needs at least one identity", hint="give e.g. --identity email=...")
    return out


def _digests(paths: Sequence[str | Path]) -> tuple[str, ...] | None:
    try:
        return tuple(hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths)
    except OSError:
        return None  # the loaders report the unreadable file with its name


def _load(policy_path: str | Path, map_paths: Sequence[str | Path]) -> tuple[Policy, DataMap, str]:
    pol = load_policy(policy_path)
    return pol, load_datamap(list(map_paths), taxonomy_for(pol)), policy_digest(pol)


@lru_cache(maxsize=8)
def _parsed(policy_path: str, map_paths: tuple[str, ...], digests: tuple[str, ...]) -> tuple[Policy, DataMap, str]:
    return _load(policy_path, map_paths)


def load_config(policy_path: str | Path, map_paths: Sequence[str | Path]) -> tuple[Policy, DataMap, str]:
    """The policy and data map, parsed once per process for the same file contents.

    Parsing and validating both YAML files takes a few tenths of a second, more than a whole
    single-request erasure should; a batch used to pay it twice (plan, then runner) and every request
    again. The cache key is the files' SHA-256, so an edited file is always parsed afresh. Returns the
    policy, the map and the policy's digest (its version in the store).
    """
    paths = [str(policy_path), *(str(p) for p in map_paths)]
    digests = _digests(paths)
    if digests is None:
        return _load(policy_path, map_paths)
    return _parsed(paths[0], tuple(paths[1:]), digests)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch runs.

    A batch holds hundreds of thousands of small long-lived objects (row keys, subject sets, fetched
    rows), and the collector walks all of them again every few hundred allocations: measured at 7-10%
    of a 1,000-request erasure, for nothing, since a batch makes no garbage cycles that matter before
    it ends. Reference counting still frees everything else at once; the collector's previous state is
    restored afterwards, whatever happens.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _crash(seq: int, phase: str, attempts: int, name: str = "") -> None:
    wanted = os.environ.get(CRASH_ENV, "")
    if attempts == 1 and wanted in (f"{seq}:{phase}", f"{name}:{phase}"):
        os.kill(os.getpid(), signal.SIGKILL)


def _ticker(seq: int, attempts: int, name: str = "") -> Callable[[], None]:
    """Called after each chunk of a table step: the first call is the ``during`` crash point."""
    fired = False

    def tick() -> None:
        nonlocal fired
        if not fired:
            fired = True
            _crash(seq, "during", attempts, name)

    return tick


class _Runner:
    """Drives one batch from its stored state to the end; used for a new run and for resume alike."""

    def __init__(
        self,
        batch_id: str,
        store_url: str | None,
        connections: Mapping[str, str] | None,
        actor: str,
        submitted: Mapping[int, tuple[str, Any]] | None = None,
    ) -> None:
        """``submitted`` (sid -> request id and unsealed data) is given by :func:`run_requests`, which has
        just sealed the same data: decrypting it back from the store would only cost time. Resume reads
        the store."""
        self.batch_id = batch_id
        self.store_url = store_url
        self.finished: BatchOutcome | None = None
        """What :meth:`_finish` stored, so a batch finished here is not read back from the store."""
        self._store_turn = threading.Lock()
        self.actor = actor
        with session_scope(store_url) as s:
            batch = s.get(DsrBatch, batch_id)
            if batch is None:
                raise NotFoundError("unknown batch", where=batch_id)
            self.tenant_id, self.kind = batch.tenant_id, batch.kind
            self.map_paths, self.policy_path = json.loads(batch.map_paths), batch.policy_path
            self.map_digest, self.policy_version = batch.map_digest, batch.policy_version
            self.out_dir = Path(batch.out_dir) if batch.out_dir else get_settings().data_dir / "exports"
            self.sealer = _Sealer(self.tenant_id)
            if submitted is not None:
                self.requests = dict(sorted(submitted.items()))
            else:
                requests = s.execute(
                    select(DsrRequest.sid, DsrRequest.id, DsrRequest.sealed)
                    .where(DsrRequest.batch_id == batch_id)
                    .order_by(DsrRequest.sid)
                ).all()
                self.requests = {
                    sid: (rid, self.sealer.unseal(sealed) if sealed else None) for sid, rid, sealed in requests
                }
            self.plan_sealed = batch.plan_sealed
        first = next(iter(self.requests.values()), ("", None))[1] or {}
        self.scope: Scope | None = first.get("scope")
        """The batch's erasure scope, sealed with each of its requests (``None``: all personal data)."""
        self.policy, self.datamap, digest = load_config(self.policy_path, self.map_paths)
        if self.datamap.digest != self.map_digest or digest != self.policy_version:
            raise JagaError(
                "the data map or policy changed since this batch was planned",
                where=batch_id,
                hint="restore the files the batch was planned with, then resume",
            )
        self.conns = Connections(self.datamap, connections, shared=True)
        self.schema = Schema(self.datamap, self.conns)
        self.staging = Staging(self.out_dir / ".staging" / batch_id)

    # -- plan ---------------------------------------------------------------------------------------
    def subjects(self) -> list[Subject]:
        return [
            Subject(sid, rid, {k: tuple(v) for k, v in (sealed or {}).get("identities", {}).items()})
            for sid, (rid, sealed) in self.requests.items()
        ]

    @cached_property
    def defer(self) -> set[tuple[str, str]]:
        """Tables an erasure finds by deleting from them (:func:`deferrable`); every other kind reads all."""
        if self.kind != "erasure" or self.scope:
            return set()  # a scoped erasure deletes nothing, so nothing is found by deleting
        return deferrable(self.datamap, self.policy, self.schema)

    def plan(self) -> Plan:
        subjects = self.subjects()
        build = partial(assemble, self.kind, self.datamap, self.policy, self.schema, scope=self.scope)  # type: ignore[arg-type]
        if self.plan_sealed is None:
            rows, hits, how, seeds, linked = traverse(self.datamap, self.schema, subjects, self.defer)
            # keys and values of every SQL type, written so they read back exactly (:mod:`frozen`)
            frozen = {
                "rows": [[n[0], n[1], [[freeze(k), sorted(s)] for k, s in keys.items()]] for n, keys in rows.items()],
                "hits": [[n[0], n[1], [freeze(k) for k in keys]] for n, keys in hits.items()],
                "how": [[n[0], n[1], sorted(h)] for n, h in how.items()],
                "seeds": [
                    [n[0], n[1], col, [[freeze(v), sorted(s)] for v, s in values.items()]]
                    for n, (col, values) in seeds.items()
                ],
                "linked": [
                    [n[0], n[1], col, [[freeze(k), sorted(s)] for k, s in keys.items()]]
                    for n, cols in linked.items()
                    for col, keys in cols.items()
                ],
            }
            plan = build(subjects, rows, hits, how, seeds, linked)
            with session_scope(self.store_url) as s:
                batch = s.get(DsrBatch, self.batch_id)
                assert batch is not None
                batch.plan_sealed, batch.status = self.sealer.seal(frozen), "planned"
                for seq, name in enumerate(self.step_names(plan), start=1):
                    s.add(DsrStep(batch_id=self.batch_id, seq=seq, name=name, status="pending", attempts=0))
                audit.append(
                    s,
                    self.tenant_id,
                    "dsr.planned",
                    {
                        "batch": self.batch_id,
                        "kind": self.kind,
                        "requests": [r for r, _ in self.requests.values()],
                        "tables": {t.name: len(t.keys) for t in plan.tables if t.via is None},
                        # a deferred table's rows are found by the delete itself; what the plan holds is
                        # the parent values that lead there (the rows deleted are in the step results)
                        "found_when_erased": {
                            t.name: {"by": t.via[0], "parents": len(t.via[1])} for t in plan.tables if t.via is not None
                        },
                    },
                    actor=self.actor,
                )
            self.plan_sealed = "stored"
            return plan
        frozen = self.sealer.unseal(self._sealed_plan())
        rows = {(d, c): {thaw(k): set(s) for k, s in keys} for d, c, keys in frozen["rows"]}
        hits = {(d, c): {thaw(k) for k in keys} for d, c, keys in frozen["hits"]}
        how = {(d, c): set(h) for d, c, h in frozen["how"]}
        seeds = {(d, c): (col, {thaw(v): set(s) for v, s in values}) for d, c, col, values in frozen.get("seeds", [])}
        links: dict[tuple[str, str], dict[str, dict[Any, set[int]]]] = {}
        for d, c, col, keys in frozen.get("linked", []):
            links.setdefault((d, c), {})[col] = {thaw(k): set(s) for k, s in keys}
        return build(subjects, rows, hits, how, seeds, links)

    def _sealed_plan(self) -> str:
        with session_scope(self.store_url) as s:
            batch = s.get(DsrBatch, self.batch_id)
            assert batch is not None and batch.plan_sealed is not None
            return batch.plan_sealed

    def step_names(self, plan: Plan) -> list[str]:
        if self.kind == "access":
            return [f"export:{t.name}" for t in plan.tables] + ["package", "finish"]
        if self.kind == "erasure":
            return [f"{'restrict' if t.mode == 'hold' else 'erase'}:{t.name}" for t in plan.tables] + [
                "verify",
                "finish",
            ]
        if self.kind == "rectification":
            return [f"rectify:{t.name}" for t in plan.tables if self._changes_for(t)] + ["finish"]
        return [f"restrict:{t.name}" for t in plan.tables] + ["finish"]

    # -- steps --------------------------------------------------------------------------------------
    def run(self) -> BatchOutcome:
        with _collector_paused():
            return self._run()

    def _run(self) -> BatchOutcome:
        try:
            return self._steps()
        except UnsupportedKeyType as exc:
            raise self._give_up(exc.message) from None
        except (JagaError, SQLAlchemyError):
            raise
        except Exception as exc:  # a fault no retry mends: the batch must not block those behind it
            raise self._give_up(f"internal error {type(exc).__name__}") from None
        finally:
            self.conns.dispose()

    def _steps(self) -> BatchOutcome:
        try:
            plan = self.plan()
        except SQLAlchemyError as exc:
            raise self._failed("planning", exc) from None
        with session_scope(self.store_url) as s:
            steps = [
                (st.seq, st.name, st.status, st.attempts)
                for st in s.scalars(select(DsrStep).where(DsrStep.batch_id == self.batch_id).order_by(DsrStep.seq))
            ]
        pending = [(seq, name, a + 1) for seq, name, status, a in steps if status != "done"]
        changes = [st for st in pending if st[1].partition(":")[0] in _CHANGES]
        if changes:
            self._run_changes(plan, changes)
        for group in self._groups(plan, [st for st in pending if st not in changes]):
            try:
                if len(group) == 1:
                    self._run_step(plan, *group[0])
                else:
                    self._run_wave(plan, group)
            except SQLAlchemyError as exc:
                raise self._failed("step " + " + ".join(name for _, name, _ in group), exc) from None
        return self.finished or outcome(self.batch_id, self.store_url)

    def _give_up(self, reason: str) -> JagaError:
        """Mark the batch and its requests failed, with ``reason`` (no personal data in it): ``resume``
        skips the batch from now on, so the batches behind it run."""
        with session_scope(self.store_url) as s:
            batch = s.get(DsrBatch, self.batch_id)
            assert batch is not None
            batch.status, batch.error, batch.finished_at, batch.plan_sealed = "failed", reason, utcnow(), None
            s.execute(
                update(DsrRequest)
                .where(DsrRequest.batch_id == self.batch_id)
                .values(status="failed", result=json.dumps({"kind": self.kind, "error": reason}), finished_at=utcnow())
            )
            audit.append(s, self.tenant_id, "dsr.failed", {"batch": self.batch_id, "reason": reason}, actor=self.actor)
        return JagaError(
            f"the batch cannot be carried out ({reason}); it is marked failed and does not hold up other batches",
            where=f"batch {self.batch_id}",
            hint="fix the cause, then submit its requests again",
        )

    def _run_changes(self, plan: Plan, steps: list[tuple[int, str, int]]) -> None:
        """Every step that changes data, in one transaction per database: the steps on one database
        commit together or not at all. Databases run side by side on servers; when one refuses, the
        others still commit, their steps are recorded done, and the error names both."""
        by_db: dict[str, list[tuple[int, str, int]]] = {}
        for step in steps:
            tp = plan.table(step[1].partition(":")[2])
            assert tp is not None
            self.schema.table((tp.dataset, tp.collection))  # reflected here, not on the worker threads
            by_db.setdefault(self._database(tp.dataset), []).append(step)
        self._mark([seq for seq, _, _ in steps], "running", {seq: attempt for seq, _, attempt in steps})
        jobs = [partial(self._database_steps, plan, group) for group in by_db.values()]
        outcomes = settle(jobs, concurrent=self.schema.concurrent((t.dataset, t.collection) for t in plan.tables))
        done = {seq: r for result in outcomes if not isinstance(result, Exception) for seq, r in result.items()}
        if done:  # a database that committed stays done even when another refused
            self._mark(list(done), "done", results=done)
        failed = [(db, r) for db, r in zip(by_db, outcomes, strict=True) if isinstance(r, Exception)]
        if not failed:
            return
        refused = failed[0][1]
        if not isinstance(refused, _Refused):
            raise refused
        finished = [db for db, r in zip(by_db, outcomes, strict=True) if not isinstance(r, Exception)]
        message = (
            f"step {refused.step} failed in the database ({_detail(refused.error)}); nothing of this batch "
            "changed in the "
            + ", ".join(db for db, _ in failed)
            + (f"; the {', '.join(finished)} finished" if finished else "")
        )
        with session_scope(self.store_url) as s:
            batch = s.get(DsrBatch, self.batch_id)
            assert batch is not None
            batch.error = message
        raise JagaError(message, where=f"batch {self.batch_id}", hint="fix the cause, then run `jaga requests resume`")

    def _database(self, dataset: str) -> str:
        """The database a dataset lives in, named by the datasets it holds (a URL may carry a password)."""
        url = self.conns.engine(dataset).url
        return "database of " + " + ".join(d.key for d in self.datamap.datasets if self.conns.engine(d.key).url == url)

    def _database_steps(self, plan: Plan, steps: list[tuple[int, str, int]]) -> dict[int, Any]:
        """One database's steps in plan order (children first) on one connection, in one transaction."""
        first = plan.table(steps[0][1].partition(":")[2])
        assert first is not None
        results: dict[int, Any] = {}
        with self.conns.engine(first.dataset).begin() as conn:
            for seq, name, attempt in steps:
                _crash(seq, "before", attempt, name)
                action, _, table = name.partition(":")
                tp = plan.table(table)
                assert tp is not None
                try:
                    results[seq] = self._change(conn, action, tp, _ticker(seq, attempt, name))
                except SQLAlchemyError as exc:
                    raise _Refused(name, exc) from exc
        for seq, name, attempt in steps:
            _crash(seq, "after", attempt, name)
        return results

    def _failed(self, what: str, exc: SQLAlchemyError) -> JagaError:
        """A database's refusal as a user error that says what to do: the batch is recorded, so once the
        cause is fixed (a trigger, a permission, a full disk) ``resume`` finishes it."""
        return JagaError(
            f"{what} failed in the database ({_detail(exc)}); its transaction was rolled back",
            where=f"batch {self.batch_id}",
            hint="fix the cause, then run `jaga requests resume` to finish the batch",
        )

    def _groups(self, plan: Plan, steps: list[tuple[int, str, int]]) -> list[list[tuple[int, str, int]]]:
        """Consecutive exports on database servers form one group and run side by side (they only read);
        every other step runs alone. Steps that change data never get here (:meth:`_run_changes`)."""
        groups: list[list[tuple[int, str, int]]] = []
        joining = False
        for step in steps:
            action, _, table = step[1].partition(":")
            tp = plan.table(table) if table else None
            free = action == "export" and tp is not None and self.schema.concurrent([(tp.dataset, tp.collection)])
            if free and joining:
                groups[-1].append(step)
            else:
                groups.append([step])
            joining = free
        return groups

    def _mark(
        self,
        seqs: Sequence[int],
        status: str,
        attempts: Mapping[int, int] | None = None,
        results: Mapping[int, Any] | None = None,
    ) -> None:
        """Record several steps as running (with their attempt) or done (with their result) at once."""
        with session_scope(self.store_url) as s:
            now = utcnow()
            for step in s.scalars(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.seq.in_(seqs))):
                step.status = status
                if status == "running":
                    step.attempts, step.started_at = (attempts or {})[step.seq], now
                else:
                    step.finished_at, step.result = now, json.dumps((results or {})[step.seq], default=str)
            if status == "running":
                batch = s.get(DsrBatch, self.batch_id)
                assert batch is not None
                batch.status = "running"

    def _run_wave(self, plan: Plan, group: list[tuple[int, str, int]]) -> None:
        """Exports side by side, each on its own connection: the database server reads several tables
        at once while Python waits. The steps are marked running together before and done together
        after; a crash in between re-runs all of them, which is harmless (they only read)."""
        self._mark([seq for seq, _, _ in group], "running", {seq: attempt for seq, _, attempt in group})
        jobs: list[Callable[[], dict[str, Any]]] = []
        for seq, name, attempt in group:
            _crash(seq, "before", attempt, name)
            action, _, table = name.partition(":")
            tp = plan.table(table)
            assert tp is not None
            self.schema.table((tp.dataset, tp.collection))  # reflected here, not on the worker threads
            jobs.append(partial(self._table_step, action, tp, _ticker(seq, attempt, name)))
        outcomes = settle(jobs, concurrent=True)
        for seq, name, attempt in group:
            _crash(seq, "after", attempt, name)
        done = {seq: r for (seq, _, _), r in zip(group, outcomes, strict=True) if not isinstance(r, Exception)}
        if done:  # what succeeded stays done even when a sibling failed
            self._mark(list(done), "done", results=done)
        failed = next((r for r in outcomes if isinstance(r, Exception)), None)
        if failed is not None:
            raise failed

    def _results(self) -> dict[str, Any]:
        with session_scope(self.store_url) as s:
            return {
                st.name: json.loads(st.result)
                for st in s.scalars(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.status == "done"))
                if st.result
            }

    def _run_step(self, plan: Plan, seq: int, name: str, attempt: int) -> None:
        self._mark([seq], "running", {seq: attempt})
        _crash(seq, "before", attempt, name)
        tick = _ticker(seq, attempt, name)
        action, _, table = name.partition(":")
        tp = plan.table(table) if table else None
        if action == "finish":
            self._finish(plan, seq)
            return
        if action == "verify":
            result = self._verify(plan)
        elif action == "package":
            result = self._package(plan)
        else:
            assert tp is not None
            result = self._table_step(action, tp, tick)
        _crash(seq, "after", attempt, name)
        self._mark([seq], "done", results={seq: result})

    def _table_step(self, action: str, tp: TablePlan, tick: Callable[[], None]) -> dict[str, Any]:
        """An export (reads only; the steps that change data run in :meth:`_run_changes`)."""
        coll = self.schema.collection((tp.dataset, tp.collection))
        with self.conns.engine(tp.dataset).connect() as conn:
            n = export_table(conn, self.schema, tp, visible_columns(coll), self.staging)
        tick()
        return {"rows": n, "per_request": _per_request(tp)}

    def _change(self, conn: Connection, action: str, tp: TablePlan, tick: Callable[[], None]) -> dict[str, Any]:
        """One table's erase, restrict or rectify step on ``conn``, inside its database's transaction."""
        coll = self.schema.collection((tp.dataset, tp.collection))
        deferred = action == "erase" and tp.via is not None
        if deferred:
            tp.keys.update(self._returned(tp))  # rows an earlier attempt deleted and committed
        cleared = 0
        if action == "erase" and tp.mode == "delete":
            n = delete_rows(conn, self.schema, tp, tick)
            if deferred:
                self._remember(tp)  # before the company commit: a crash after it loses nothing
        elif action == "erase":
            n = update_rows(conn, self.schema, tp, tenant_secret(self.tenant_id, "dsr-erase"), tick)
            if tp.hold is not None and coll.restrict_column:  # held rows, erased but what the law needs
                restrict_rows(conn, self.schema, tp, coll.restrict_column, tick)
        elif action == "rectify":
            n = rectify_rows(conn, self.schema, tp, self._validated_changes(tp), tick)
        elif coll.restrict_column:
            n = restrict_rows(conn, self.schema, tp, coll.restrict_column, tick)
        else:
            n = len(tp.keys)
            tick()
        if action == "erase":
            cleared = clear_links(conn, self.schema, tp, tick)
        held = self._held(tp, action)
        return {"rows": n, "links_cleared": cleared, "per_request": _per_request(tp), "held": held}

    def _remember(self, tp: TablePlan) -> None:
        """Keep the rows a deferred delete returned (their keys and subjects, not their data) on its step,
        so a re-run after the company commit, which finds them gone, still reports them."""
        kept = json.dumps({"returned": [[freeze(k), sorted(s)] for k, s in tp.keys.items()]})
        # steps of a wave finish at about the same time; taking turns here is far quicker than SQLite's
        # busy handler, which sleeps up to 100 ms between tries while a company transaction waits open
        with self._store_turn, session_scope(self.store_url) as s:
            s.execute(
                update(DsrStep)
                .where(DsrStep.batch_id == self.batch_id, DsrStep.name == f"erase:{tp.name}")
                .values(result=kept)
            )

    def _returned(self, tp: TablePlan) -> dict[tuple[Any, ...], set[int]]:
        with session_scope(self.store_url) as s:
            kept = s.scalar(
                select(DsrStep.result).where(DsrStep.batch_id == self.batch_id, DsrStep.name == f"erase:{tp.name}")
            )
        rows = json.loads(kept).get("returned", []) if kept else []
        return {thaw(k): set(sids) for k, sids in rows}

    def _held(self, tp: TablePlan, action: str) -> dict[str, Any]:
        """Held rows and columns per request, with the law and the day they may go; recorded in the store
        as restrictions (idempotently: a re-run replaces its own records)."""
        hold = tp.hold or next(iter(tp.held_columns.values()), None)
        if action == "rectify" or (hold is None and action != "restrict"):
            return {}
        now = utcnow()
        until = hold_until(self.schema, tp, hold, now) if hold else None
        reason = f"{hold.law} (retention rule {hold.rule}, {hold.duration})" if hold else "restricted on request"
        out: dict[str, Any] = {}
        rows: list[dict[str, Any]] = []
        mine = tp.by_subject()
        for sid, (rid, _) in self.requests.items():
            keys = [freeze(k) for k in sorted(mine.get(sid, []))]
            if not keys:
                continue
            rows.append(
                {
                    "tenant_id": self.tenant_id,
                    "request_id": rid,
                    "dataset": tp.dataset,
                    "collection": tp.collection,
                    "row_keys": json.dumps(keys),
                    "reason": reason,
                    "until": until,
                    "created_at": now,
                }
            )
            out[str(sid)] = {
                "table": tp.name,
                "rows": len(keys),
                "law": hold.law if hold else None,
                "rule": hold.rule if hold else None,
                "until": until.isoformat() if until else None,
                "columns": sorted(tp.held_columns),  # every field kept (a held table keeps what its law needs)
            }
        with self._store_turn, session_scope(self.store_url) as s:  # steps of a wave take turns (_remember)
            for part in _chunked([r["request_id"] for r in rows]):
                s.execute(
                    delete(DsrRestriction).where(
                        DsrRestriction.request_id.in_(part),
                        DsrRestriction.dataset == tp.dataset,
                        DsrRestriction.collection == tp.collection,
                    )
                )
            driver(s).insert_rows(cast(Table, DsrRestriction.__table__), rows)
        return out

    def _changes_for(self, tp: TablePlan) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for sid, (_, sealed) in self.requests.items():
            for target, value in ((sealed or {}).get("changes") or {}).items():
                parts = target.split(".")
                table, column = parts[-2], parts[-1]
                if table == tp.collection and (len(parts) == 2 or parts[0] == tp.dataset):
                    out.setdefault(sid, {})[column] = value
        return out

    def _validated_changes(self, tp: TablePlan) -> dict[int, dict[str, Any]]:
        return validate_changes(self.schema, tp, self._changes_for(tp))

    def _verify(self, plan: Plan) -> dict[str, Any]:
        """Re-run the traversal from the identities and prove nothing is left outside legal holds."""
        rows, hits, _, seeds, _ = traverse(self.datamap, self.schema, plan.subjects, self.defer)
        left: dict[str, dict[str, int]] = {str(sid): {} for sid in self.requests}
        for tp in plan.tables:
            node = (tp.dataset, tp.collection)
            fresh = {k: s for k, s in rows.get(node, {}).items() if k not in tp.keys}
            tp.keys.update(fresh)  # rows that appeared since planning count too
            if tp.via is not None and node in seeds:  # and parents found afresh lead to their rows
                for value, sids in seeds[node][1].items():
                    tp.via[1].setdefault(value, set()).update(sids)
        nodes = [(tp.dataset, tp.collection) for tp in plan.tables]
        for node in nodes:
            self.schema.table(node)  # reflected here, not on the worker threads
        jobs = [partial(self._leftovers, tp, self._erased_hits(tp, hits)) for tp in plan.tables]
        for tp, counts in zip(plan.tables, side_by_side(jobs, concurrent=self.schema.concurrent(nodes)), strict=True):
            for sid in self.requests:
                left[str(sid)][tp.name] = counts.get(sid, 0)
        return {"left": left}

    def _erased_hits(self, tp: TablePlan, hits: Mapping[tuple[str, str], set[Any]]) -> set[Any]:
        """Rows still found through an identity column count as left over, unless a scoped erasure left
        every identity column of the table alone (out of its scope, the row is meant to be found)."""
        found = hits.get((tp.dataset, tp.collection), set())
        if self.scope is None:
            return found
        erased = {c.name for c in tp.columns}
        identity = [f.name for f in self.schema.collection((tp.dataset, tp.collection)).fields if f.identity]
        return found if any(name in erased for name in identity) else set()

    def _leftovers(self, tp: TablePlan, hits: set[Any]) -> dict[int, int]:
        with self.conns.engine(tp.dataset).connect() as conn:
            return leftovers(conn, self.schema, tp, hits)

    def _package(self, plan: Plan) -> dict[str, Any]:
        tables = [(t.name, visible_columns(self.schema.collection((t.dataset, t.collection)))) for t in plan.tables]
        shown = [(n, c) for n, c in tables if c]
        version = f"{self.policy.version} ({self.policy_version[:12]})"
        # per table once: whose rows it holds and the personal categories of its columns (for the manifest)
        present = [(set(t.counts()), held(self.schema.collection((t.dataset, t.collection)))) for t in plan.tables]
        out: dict[str, Any] = {}
        try:
            for sid, (rid, _) in self.requests.items():
                cats = sorted({c for sids, held_here in present if sid in sids for c in held_here})
                meta = ExportMeta(
                    rid,
                    utcnow().isoformat(),
                    version,
                    shown,
                    tuple(cats),
                    tuple(undeclared(cats, self.policy.categories)),
                )
                path, counts = package(self.staging, sid, meta, self.out_dir)
                out[str(sid)] = {"export": str(path), "tables": counts}
        finally:
            self.staging.close()
        return out

    def _finish(self, plan: Plan, seq: int) -> None:
        """Write each request's result, its audit entry and the ledger's erasure event, all at once: one
        store transaction and a few multi-row statements for the whole batch (:func:`audit.append_many`,
        ``ledger.record_erasures``), not a dozen statements per request."""
        results = self._results()
        verify = results.get("verify", {}).get("left", {})
        packaged = results.get("package", {})
        counts = [(t.name, _counts(t, results)) for t in plan.tables]
        now = utcnow()
        updates: list[dict[str, Any]] = []
        entries: list[tuple[str, dict[str, Any]]] = []
        erased: list[Mapping[str, Sequence[str]]] = []
        done: list[RequestOutcome] = []
        for sid, (rid, sealed) in self.requests.items():
            key = str(sid)
            tables = {name: per[sid] for name, per in counts if per.get(sid)}
            held = [r["held"][key] for r in results.values() if key in r.get("held", {})]
            result: dict[str, Any] = {"kind": self.kind, "tables": tables, "held": held}
            status = "done"
            if self.kind == "erasure":
                left = verify.get(key, {})
                result["verification"] = {"left": left, "verified": not any(left.values())}
                status = "done" if not any(left.values()) else "unverified"
            if self.kind != "access" and not tables and not held:
                status = NO_MATCH  # nothing was changed: never report an erasure of nobody as done
            if key in packaged:
                result["export"] = packaged[key]["export"]
            updates.append(
                {"id": rid, "result": json.dumps(result), "status": status, "finished_at": now, "sealed": None}
            )
            done.append(RequestOutcome(rid, status, result))
            entries.append(
                (
                    f"dsr.{self.kind}.completed",
                    {
                        "request": rid,
                        "batch": self.batch_id,
                        "status": status,
                        "tables": tables,
                        "held": [{k: h[k] for k in ("table", "rows", "law", "until")} for h in held],
                        **({"verification": result["verification"]} if "verification" in result else {}),
                    },
                )
            )
            if self.kind == "erasure" and status == "done" and not self.scope:  # scoped: only a part is gone
                erased.append((sealed or {}).get("identities", {}))
        with session_scope(self.store_url) as s:
            driver(s).update_rows(cast(Table, DsrRequest.__table__), "id", updates)
            audit.append_many(s, self.tenant_id, entries, actor=self.actor, at=now)
            _ledger_erasures(s, self.tenant_id, erased)
            step = s.scalar(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.seq == seq))
            batch = s.get(DsrBatch, self.batch_id)
            assert step is not None and batch is not None
            step.status, step.finished_at = "done", utcnow()
            batch.status, batch.finished_at, batch.plan_sealed = "done", utcnow(), None
        self.staging.root.exists() and _rmtree(self.staging.root)
        self.finished = BatchOutcome(self.batch_id, self.kind, "done", done)


class _Refused(Exception):
    """A database refused ``step``; the step's whole database transaction was rolled back."""

    def __init__(self, step: str, error: SQLAlchemyError) -> None:
        super().__init__(step)
        self.step, self.error = step, error


_CHANGES = ("erase", "restrict", "rectify")
"""Step actions that change the company's data (run by :meth:`_Runner._run_changes`)."""


def _detail(exc: SQLAlchemyError) -> str:
    """A database error by its class and codes only: a database's own message may quote the values it
    refused."""
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    args = getattr(orig, "args", ())
    codes = [
        getattr(diag, "sqlstate", None),
        getattr(orig, "sqlite_errorname", None),
        args[0] if args and isinstance(args[0], int) else None,
        getattr(diag, "constraint_name", None),
    ]
    return ", ".join(str(c) for c in (type(orig).__name__, *codes) if c)


def _per_request(tp: TablePlan) -> dict[str, int]:
    return {str(sid): n for sid, n in tp.counts().items()}


def _counts(tp: TablePlan, results: Mapping[str, Any]) -> dict[int, int]:
    """Rows per request in a table: from the plan, or for a deferred table (whose rows are learnt only
    as they are deleted, maybe by an earlier process) from its recorded step."""
    if tp.via is None:
        return tp.counts()
    step = results.get(f"erase:{tp.name}", {})
    return {int(sid): n for sid, n in step.get("per_request", {}).items()}


def _rmtree(path: Path) -> bool:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    return True


_LEDGER_KINDS = {
    "email": "email",
    "phone": "phone",
    "phone_number": "phone",
    "nik": "nik",
    "customer_id": "customer_id",
}


def _ledger_erasures(session: Session, tenant_id: int, people: Sequence[Mapping[str, Sequence[str]]]) -> None:
    """Tell the consent ledger these subjects' data is erased (``jaga.ledger.record_erasures``, one
    set of statements for the batch); the ledger keeps only HMACs, so this does not bring back what was
    erased. A person whose identities are split across ledger subjects is skipped by the ledger: a DPO
    must merge them first."""
    try:
        from jaga.ledger import Identity, IdentityKind, InvalidIdentity, record_erasures
    except ImportError:  # the ledger is optional for the DSR engine
        return
    named: list[list[Identity]] = []
    for identities in people:
        ids = []
        for kind, values in identities.items():
            if kind in _LEDGER_KINDS:
                for value in values:
                    try:
                        ident = Identity(IdentityKind(_LEDGER_KINDS[kind]), value)
                        ident.normalised()
                    except InvalidIdentity:
                        continue
                    ids.append(ident)
        if ids:
            named.append(ids)
    if named:
        record_erasures(session, tenant_id, named)


def _chunked(items: Sequence[Any], size: int = 1000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def validate_changes(
    schema: Schema, tp: TablePlan, changes: Mapping[int, Mapping[str, str]]
) -> dict[int, dict[str, Any]]:
    """Rectification values checked against the map (a personal, non-key column) and the column type."""
    coll = schema.collection((tp.dataset, tp.collection))
    table = schema.table((tp.dataset, tp.collection))
    out: dict[int, dict[str, Any]] = {}
    for sid, values in changes.items():
        for column, raw in values.items():
            fld = coll.field(column)
            if fld is None or column not in table.c:
                raise JagaError(
                    f"cannot rectify unknown column {tp.collection}.{column}",
                    hint="name a column of the data map as table.column",
                )
            if fld.primary_key or fld.references or not fld.personal:
                raise JagaError(
                    f"{tp.collection}.{column} is not personal data that a person may correct",
                    hint="rectify personal fields only; keys and system columns are not editable",
                )
            if any(c.startswith("user.contact.email") for c in fld.categories) and "@" not in raw:
                raise JagaError(f"the new value for {tp.collection}.{column} is not an email address")
            try:
                out.setdefault(sid, {})[column] = coerce_value(table.c[column], raw)
            except ValueError as exc:
                raise JagaError(
                    f"bad value for {tp.collection}.{column}: {exc.__class__.__name__}",
                    hint=str(exc) if "longer" in str(exc) else "give a value of the column's type",
                ) from None
    return out


# -- public entry points ----------------------------------------------------------------------------
def run_requests(
    specs: Sequence[RequestSpec],
    *,
    datamap: str | Path | Sequence[str | Path],
    policy: str | Path,
    tenant: str = "default",
    store_url: str | None = None,
    connections: Mapping[str, str] | None = None,
    out_dir: str | Path | None = None,
    dry_run: bool = False,
    actor: str = "system",
) -> BatchOutcome:
    """Execute a batch of requests of one kind, set-based; ``dry_run`` only plans and counts."""
    if not specs:
        raise JagaError("no requests given")
    kinds = {s.kind for s in specs}
    if len(kinds) != 1:
        raise JagaError("a batch holds requests of one kind", hint="run each kind as its own batch")
    kind = specs[0].kind
    paths = [str(datamap)] if isinstance(datamap, str | Path) else [str(p) for p in datamap]
    pol, dmap, version = load_config(policy, paths)
    identities = [normalised(s, f"request {i + 1}" if len(specs) > 1 else None) for i, s in enumerate(specs)]
    _check_identity_types(dmap, identities)
    taxonomy = taxonomy_for(pol)
    # a request that names no scope takes the map's default one (itself empty: all personal data)
    default = (dmap.erasure_categories, dict(dmap.erasure_masking)) if kind == "erasure" else ((), {})
    asked = [(s.categories, s.masking) if s.categories or s.masking else default for s in specs]
    scope = scope_of([make_scope(cats, masks, taxonomy) for cats, masks in asked])
    if scope is not None and kind != "erasure":
        raise JagaError("only an erasure can be limited to categories", hint="leave out --category and --mask")
    if dry_run:
        return _dry_run(kind, dmap, pol, identities, connections, scope)
    if kind == "rectification":
        for spec in specs:
            _check_targets(dmap, spec.changes)
    batch_id = str(uuid.uuid4())
    with session_scope(store_url) as s:
        tenant_id = ensure_tenant(s, tenant).id
        s.add(
            DsrBatch(
                id=batch_id,
                tenant_id=tenant_id,
                kind=kind,
                status="received",
                map_paths=json.dumps([str(Path(p).resolve()) for p in paths]),
                map_digest=dmap.digest,
                policy_path=str(Path(policy).resolve()),
                policy_version=version,
                out_dir=str(Path(out_dir).resolve()) if out_dir else None,
            )
        )
        s.flush()
        sealer, secret, now = _Sealer(tenant_id), tenant_secret(tenant_id, "identity"), utcnow()
        submitted: dict[int, tuple[str, dict[str, Any]]] = {
            sid: (
                str(uuid.uuid4()),
                {"identities": ids, "changes": dict(spec.changes), **({"scope": scope} if scope else {})},
            )
            for sid, (spec, ids) in enumerate(zip(specs, identities, strict=True))
        }
        driver(s).insert_rows(
            cast(Table, DsrRequest.__table__),
            [
                {
                    "id": rid,
                    "tenant_id": tenant_id,
                    "batch_id": batch_id,
                    "sid": sid,
                    "kind": kind,
                    "status": "received",
                    "identity_keys": json.dumps(_identity_keys(secret, data["identities"])),
                    "sealed": sealer.seal(data),
                    "created_at": now,
                }
                for sid, (rid, data) in submitted.items()
            ],
        )
    return _Runner(batch_id, store_url, connections, actor, submitted).run()


def _check_identity_types(dmap: DataMap, identities: Sequence[Mapping[str, Sequence[str]]]) -> None:
    """Refuse a request with an identity type no table of the map is searched by: that identity would
    find nothing (a misspelt header, a value under the wrong type) and an erasure would skip the person."""
    known = {f.identity for _, c in dmap.collections() for f in c.fields if f.identity}
    for i, ids in enumerate(identities):
        given = {kind for kind, values in ids.items() if values}
        unknown = given - known
        if unknown:
            raise JagaError(
                f"no table of the data map is searched by {', '.join(sorted(unknown))}",
                where=f"request {i + 1}" if len(identities) > 1 else None,
                hint=f"identity types the map knows: {', '.join(sorted(known)) or 'none (mark identity fields)'}",
            )


def _check_targets(dmap: DataMap, changes: Mapping[str, str]) -> None:
    if not changes:
        raise JagaError("a rectification needs at least one change", hint="give --set table.column=value")
    for target in changes:
        parts = target.split(".")
        if len(parts) not in (2, 3) or not any(
            c.name == parts[-2] and c.field(parts[-1]) and (len(parts) == 2 or d.key == parts[0])
            for d, c in dmap.collections()
        ):
            raise JagaError(f"unknown field {target!r}", hint="name a column of the data map as table.column")


def _dry_run(
    kind: Kind,
    dmap: DataMap,
    pol: Policy,
    identities: list[dict[str, list[str]]],
    connections: Mapping[str, str] | None,
    scope: Scope | None = None,
) -> BatchOutcome:
    conns = Connections(dmap, connections)
    try:
        schema = Schema(dmap, conns)
        subjects = [
            Subject(i, f"dry-run-{i}", {k: tuple(v) for k, v in ids.items()}) for i, ids in enumerate(identities)
        ]
        rows, hits, how, _, linked = traverse(dmap, schema, subjects)
        plan = assemble(kind, dmap, pol, schema, subjects, rows, hits, how, linked=linked, scope=scope)
        text = render(plan, schema)
    finally:
        conns.dispose()
    counts = [(t.name, t.counts()) for t in plan.tables]  # once per table, not once per request
    reqs = [
        RequestOutcome(s.request_id, "dry-run", {"tables": {name: n.get(s.sid, 0) for name, n in counts}})
        for s in subjects
    ]
    return BatchOutcome(None, kind, "dry-run", reqs, text)


def resume(
    *,
    store_url: str | None = None,
    connections: Mapping[str, str] | None = None,
    actor: str = "system",
    tenant_id: int | None = None,
) -> list[BatchOutcome]:
    """Finish every batch a crash left unfinished (of one tenant, if given), in the order they were started.

    A batch that cannot finish now (a database refuses, a file changed) or ever (marked failed) does
    not stop the ones behind it: its outcome carries ``error`` and the next batch runs. Batches marked
    failed are not tried again."""
    query = select(DsrBatch.id).where(DsrBatch.status.not_in(("done", "failed"))).order_by(DsrBatch.created_at)
    if tenant_id is not None:
        query = query.where(DsrBatch.tenant_id == tenant_id)
    with session_scope(store_url) as s:
        ids = list(s.scalars(query))
    out: list[BatchOutcome] = []
    for bid in ids:
        try:
            out.append(_Runner(bid, store_url, connections, actor).run())
        except JagaError as exc:
            stopped = outcome(bid, store_url)
            stopped.error = str(exc)
            out.append(stopped)
    return out


def outcome(batch_id: str, store_url: str | None = None) -> BatchOutcome:
    """A batch's state and each request's result as stored."""
    with session_scope(store_url) as s:
        batch = s.get(DsrBatch, batch_id)
        if batch is None:
            raise NotFoundError("unknown batch", where=batch_id)
        reqs = s.execute(
            select(DsrRequest.id, DsrRequest.status, DsrRequest.result)
            .where(DsrRequest.batch_id == batch_id)
            .order_by(DsrRequest.sid)
        )
        return BatchOutcome(
            batch_id,
            batch.kind,
            batch.status,
            [RequestOutcome(rid, status, json.loads(result) if result else {}) for rid, status, result in reqs],
            error=batch.error if batch.status != "done" else None,
        )
