"""Run a batch of data-subject requests as recorded, resumable steps.

Every step is written to jaga's store as ``running`` before it starts and ``done`` (with its counts)
after; each table step runs in one transaction on the company database. After ``kill -9`` anywhere,
:func:`resume` re-runs the first unfinished step: a rolled-back transaction is simply redone, and a
committed one is redone harmlessly (deleting deleted rows, re-nulling nulls, re-hashing a hash), so
nothing is lost, no row is half-erased and nothing that matters happens twice. The traversal is frozen
in the store (sealed) before the first change, so resume never depends on data already erased.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from jaga import audit
from jaga.actions.erase import coerce_value, delete_rows, leftovers, rectify_rows, restrict_rows, update_rows
from jaga.actions.export import ExportMeta, Staging, export_table, package, visible_columns
from jaga.datamap import Connections, DataMap, load_datamap
from jaga.errors import JagaError, NotFoundError
from jaga.policy import Policy, load_policy, policy_digest, taxonomy_for
from jaga.requests.plan import Kind, Plan, Schema, Subject, TablePlan, assemble, hold_until, normalise, render, traverse
from jaga.settings import get_settings
from jaga.store import ensure_tenant, session_scope, tenant_secret, utcnow
from jaga.store.models.dsr import DsrBatch, DsrRequest, DsrRestriction, DsrStep

CRASH_ENV = "JAGA_DSR_CRASH"
"""``<step seq>:<before|during|after>``: the runner kills itself with SIGKILL there (crash tests)."""


@dataclass(frozen=True)
class RequestSpec:
    """One request as submitted: identities (type -> value(s)), and for rectification the new values
    keyed ``table.column`` (or ``dataset.table.column``)."""

    kind: Kind
    identities: Mapping[str, str | Sequence[str]]
    changes: Mapping[str, str] = field(default_factory=dict)
    categories: Sequence[str] | None = None


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


def _fernet(tenant_id: int) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(tenant_secret(tenant_id, "dsr-seal")))


def _seal(tenant_id: int, data: Any) -> str:
    raw = zlib.compress(json.dumps(data, separators=(",", ":")).encode())
    return _fernet(tenant_id).encrypt(raw).decode()


def _unseal(tenant_id: int, token: str) -> Any:
    return json.loads(zlib.decompress(_fernet(tenant_id).decrypt(token.encode())))


def _identity_keys(tenant_id: int, identities: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    import hashlib
    import hmac

    secret = tenant_secret(tenant_id, "identity")
    return {
        kind: [hmac.new(secret, f"{kind}:{v}".encode(), hashlib.sha256).hexdigest() for v in values]
        for kind, values in identities.items()
    }


def _normalised(spec: RequestSpec) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, value in spec.identities.items():
        values = [value] if isinstance(value, str) else list(value)
        out[kind] = sorted({normalise(kind, v) for v in values if v and v.strip()})
    if not any(out.values()):
        raise JagaError("a request needs at least one identity", hint="give e.g. --identity email=...")
    return out


def _crash(seq: int, phase: str, attempts: int) -> None:
    wanted = os.environ.get(CRASH_ENV, "")
    if attempts == 1 and wanted == f"{seq}:{phase}":
        os.kill(os.getpid(), signal.SIGKILL)


class _Runner:
    """Drives one batch from its stored state to the end; used for a new run and for resume alike."""

    def __init__(self, batch_id: str, store_url: str | None, connections: Mapping[str, str] | None, actor: str) -> None:
        self.batch_id = batch_id
        self.store_url = store_url
        self.actor = actor
        with session_scope(store_url) as s:
            batch = s.get(DsrBatch, batch_id)
            if batch is None:
                raise NotFoundError("unknown batch", where=batch_id)
            self.tenant_id, self.kind = batch.tenant_id, batch.kind
            self.map_paths, self.policy_path = json.loads(batch.map_paths), batch.policy_path
            self.map_digest, self.policy_version = batch.map_digest, batch.policy_version
            self.out_dir = Path(batch.out_dir) if batch.out_dir else get_settings().data_dir / "exports"
            requests = s.scalars(
                select(DsrRequest).where(DsrRequest.batch_id == batch_id).order_by(DsrRequest.sid)
            ).all()
            self.requests = {r.sid: (r.id, _unseal(r.tenant_id, r.sealed) if r.sealed else None) for r in requests}
            self.plan_sealed = batch.plan_sealed
        self.policy = load_policy(self.policy_path)
        self.datamap = load_datamap(self.map_paths, taxonomy_for(self.policy))
        if self.datamap.digest != self.map_digest or policy_digest(self.policy) != self.policy_version:
            raise JagaError(
                "the data map or policy changed since this batch was planned",
                where=batch_id,
                hint="restore the files the batch was planned with, then resume",
            )
        self.conns = Connections(self.datamap, connections)
        self.schema = Schema(self.datamap, self.conns)
        self.staging = Staging(self.out_dir / ".staging" / batch_id)

    # -- plan ---------------------------------------------------------------------------------------
    def subjects(self) -> list[Subject]:
        return [
            Subject(sid, rid, {k: tuple(v) for k, v in (sealed or {}).get("identities", {}).items()})
            for sid, (rid, sealed) in self.requests.items()
        ]

    def plan(self) -> Plan:
        subjects = self.subjects()
        if self.plan_sealed is None:
            rows, hits, how = traverse(self.datamap, self.schema, subjects)
            frozen = {
                "rows": [[n[0], n[1], [[list(k), sorted(s)] for k, s in keys.items()]] for n, keys in rows.items()],
                "hits": [[n[0], n[1], [list(k) for k in keys]] for n, keys in hits.items()],
                "how": [[n[0], n[1], sorted(h)] for n, h in how.items()],
            }
            plan = assemble(self.kind, self.datamap, self.policy, self.schema, subjects, rows, hits, how)  # type: ignore[arg-type]
            with session_scope(self.store_url) as s:
                batch = s.get(DsrBatch, self.batch_id)
                assert batch is not None
                batch.plan_sealed, batch.status = _seal(self.tenant_id, frozen), "planned"
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
                        "tables": {t.name: len(t.keys) for t in plan.tables},
                    },
                    actor=self.actor,
                )
            self.plan_sealed = "stored"
            return plan
        frozen = _unseal(self.tenant_id, self._sealed_plan())
        rows = {(d, c): {tuple(k): set(s) for k, s in keys} for d, c, keys in frozen["rows"]}
        hits = {(d, c): {tuple(k) for k in keys} for d, c, keys in frozen["hits"]}
        how = {(d, c): set(h) for d, c, h in frozen["how"]}
        return assemble(self.kind, self.datamap, self.policy, self.schema, subjects, rows, hits, how)  # type: ignore[arg-type]

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
        try:
            plan = self.plan()
            with session_scope(self.store_url) as s:
                steps = [
                    (st.seq, st.name, st.status, st.attempts)
                    for st in s.scalars(select(DsrStep).where(DsrStep.batch_id == self.batch_id).order_by(DsrStep.seq))
                ]
            for seq, name, status, attempts in steps:
                if status != "done":
                    self._run_step(plan, seq, name, attempts + 1)
            return outcome(self.batch_id, self.store_url)
        finally:
            self.conns.dispose()

    def _results(self) -> dict[str, Any]:
        with session_scope(self.store_url) as s:
            return {
                st.name: json.loads(st.result)
                for st in s.scalars(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.status == "done"))
                if st.result
            }

    def _run_step(self, plan: Plan, seq: int, name: str, attempt: int) -> None:
        with session_scope(self.store_url) as s:
            step = s.scalar(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.seq == seq))
            assert step is not None
            step.status, step.attempts, step.started_at = "running", attempt, utcnow()
            batch = s.get(DsrBatch, self.batch_id)
            assert batch is not None
            batch.status = "running"
        _crash(seq, "before", attempt)
        fired = False

        def tick() -> None:
            nonlocal fired
            if not fired:
                fired = True
                _crash(seq, "during", attempt)

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
        _crash(seq, "after", attempt)
        with session_scope(self.store_url) as s:
            step = s.scalar(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.seq == seq))
            assert step is not None
            step.status, step.finished_at, step.result = "done", utcnow(), json.dumps(result, default=str)

    def _table_step(self, action: str, tp: TablePlan, tick: Callable[[], None]) -> dict[str, Any]:
        coll = self.schema.collection((tp.dataset, tp.collection))
        engine = self.conns.engine(tp.dataset)
        rows = {str(sid): len(keys) for sid, keys in tp.by_subject().items()}
        if action == "export":
            allowed = self._allowed()
            with engine.connect() as conn:
                n = export_table(conn, self.schema, tp, visible_columns(coll, allowed), self.staging)
            return {"rows": n, "per_request": rows}
        with engine.begin() as conn:
            if action == "erase" and tp.mode == "delete":
                n = delete_rows(conn, self.schema, tp, tick)
            elif action == "erase":
                n = update_rows(conn, self.schema, tp, tenant_secret(self.tenant_id, "dsr-erase"), tick)
            elif action == "rectify":
                n = rectify_rows(conn, self.schema, tp, self._validated_changes(tp), tick)
            elif coll.restrict_column:
                n = restrict_rows(conn, self.schema, tp, coll.restrict_column, tick)
            else:
                n = len(tp.keys)
                tick()
        held = self._held(tp, action)
        return {"rows": n, "per_request": rows, "held": held}

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
        with session_scope(self.store_url) as s:
            mine = tp.by_subject()
            for sid, (rid, _) in self.requests.items():
                keys = sorted([list(k) for k in mine.get(sid, [])])
                if not keys:
                    continue
                for old in s.scalars(
                    select(DsrRestriction).where(
                        DsrRestriction.request_id == rid,
                        DsrRestriction.dataset == tp.dataset,
                        DsrRestriction.collection == tp.collection,
                    )
                ):
                    s.delete(old)
                s.add(
                    DsrRestriction(
                        tenant_id=self.tenant_id,
                        request_id=rid,
                        dataset=tp.dataset,
                        collection=tp.collection,
                        row_keys=json.dumps(keys, default=str),
                        reason=reason,
                        until=until,
                    )
                )
                out[str(sid)] = {
                    "table": tp.name,
                    "rows": len(keys),
                    "law": hold.law if hold else None,
                    "rule": hold.rule if hold else None,
                    "until": until.isoformat() if until else None,
                    "columns": sorted(tp.held_columns) if tp.mode == "update" else "all",
                }
        return out

    def _allowed(self) -> list[str]:
        return [c for c in self.policy.categories if c == "user" or c.startswith("user.")]

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
        rows, hits, _ = traverse(self.datamap, self.schema, plan.subjects)
        left: dict[str, dict[str, int]] = {str(sid): {} for sid in self.requests}
        for tp in plan.tables:
            node = (tp.dataset, tp.collection)
            fresh = {k: s for k, s in rows.get(node, {}).items() if k not in tp.keys}
            tp.keys.update(fresh)  # rows that appeared since planning count too
            with self.conns.engine(tp.dataset).connect() as conn:
                counts = leftovers(conn, self.schema, tp, hits.get(node, set()))
            for sid in self.requests:
                left[str(sid)][tp.name] = counts.get(sid, 0)
        return {"left": left}

    def _package(self, plan: Plan) -> dict[str, Any]:
        allowed = self._allowed()
        tables = [
            (t.name, visible_columns(self.schema.collection((t.dataset, t.collection)), allowed)) for t in plan.tables
        ]
        out: dict[str, Any] = {}
        for sid, (rid, _) in self.requests.items():
            meta = ExportMeta(
                rid,
                utcnow().isoformat(),
                f"{self.policy.version} ({self.policy_version[:12]})",
                [(n, c) for n, c in tables if c],
            )
            path, counts = package(self.staging, sid, meta, self.out_dir)
            out[str(sid)] = {"export": str(path), "tables": counts}
        return out

    def _finish(self, plan: Plan, seq: int) -> None:
        """Write each request's result, the audit entries and the ledger's erasure event, all at once."""
        results = self._results()
        verify = results.get("verify", {}).get("left", {})
        packaged = results.get("package", {})
        counts = [(t.name, {sid: len(k) for sid, k in t.by_subject().items()}) for t in plan.tables]
        with session_scope(self.store_url) as s:
            for sid, (rid, sealed) in self.requests.items():
                req = s.get(DsrRequest, rid)
                assert req is not None
                key = str(sid)
                tables = {name: per[sid] for name, per in counts if per.get(sid)}
                held = [r["held"][key] for r in results.values() if key in r.get("held", {})]
                result: dict[str, Any] = {"kind": self.kind, "tables": tables, "held": held}
                status = "done"
                if self.kind == "erasure":
                    left = verify.get(key, {})
                    result["verification"] = {"left": left, "verified": not any(left.values())}
                    status = "done" if not any(left.values()) else "unverified"
                if key in packaged:
                    result["export"] = packaged[key]["export"]
                req.result, req.status, req.finished_at, req.sealed = json.dumps(result), status, utcnow(), None
                audit.append(
                    s,
                    self.tenant_id,
                    f"dsr.{self.kind}.completed",
                    {
                        "request": rid,
                        "batch": self.batch_id,
                        "status": status,
                        "tables": tables,
                        "held": [{k: h[k] for k in ("table", "rows", "law", "until")} for h in held],
                        **({"verification": result["verification"]} if "verification" in result else {}),
                    },
                    actor=self.actor,
                )
                if self.kind == "erasure" and status == "done":
                    _ledger_erasure(s, self.tenant_id, (sealed or {}).get("identities", {}))
            step = s.scalar(select(DsrStep).where(DsrStep.batch_id == self.batch_id, DsrStep.seq == seq))
            batch = s.get(DsrBatch, self.batch_id)
            assert step is not None and batch is not None
            step.status, step.finished_at = "done", utcnow()
            batch.status, batch.finished_at, batch.plan_sealed = "done", utcnow(), None
        self.staging.root.exists() and _rmtree(self.staging.root)


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


def _ledger_erasure(session: Session, tenant_id: int, identities: Mapping[str, Sequence[str]]) -> None:
    """Tell the consent ledger the subject's data is erased (``jaga.ledger.record_erasure``); the
    ledger keeps only HMACs, so this does not bring back what was erased."""
    try:
        from jaga.ledger import Identity, IdentityKind, InvalidIdentity, identify, record_erasure
    except ImportError:  # the ledger is optional for the DSR engine
        return
    ids = []
    for kind, values in identities.items():
        if kind in _LEDGER_KINDS:
            for value in values:
                try:
                    ids.append(Identity(IdentityKind(_LEDGER_KINDS[kind]), value))
                except InvalidIdentity:
                    continue
    if not ids:
        return
    try:
        key = identify(session, tenant_id, ids, create=True)
    except JagaError:
        return  # identities split across ledger subjects: a DPO must merge them first
    record_erasure(session, tenant_id, key)


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
    pol = load_policy(policy)
    paths = [str(datamap)] if isinstance(datamap, str | Path) else [str(p) for p in datamap]
    dmap = load_datamap(paths, taxonomy_for(pol))
    identities = [_normalised(s) for s in specs]
    if dry_run:
        return _dry_run(kind, dmap, pol, identities, connections)
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
                policy_version=policy_digest(pol),
                out_dir=str(Path(out_dir).resolve()) if out_dir else None,
            )
        )
        s.flush()
        for sid, (spec, ids) in enumerate(zip(specs, identities, strict=True)):
            s.add(
                DsrRequest(
                    id=str(uuid.uuid4()),
                    tenant_id=tenant_id,
                    batch_id=batch_id,
                    sid=sid,
                    kind=kind,
                    status="received",
                    identity_keys=json.dumps(_identity_keys(tenant_id, ids)),
                    sealed=_seal(tenant_id, {"identities": ids, "changes": dict(spec.changes)}),
                )
            )
    return _Runner(batch_id, store_url, connections, actor).run()


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
) -> BatchOutcome:
    conns = Connections(dmap, connections)
    try:
        schema = Schema(dmap, conns)
        subjects = [
            Subject(i, f"dry-run-{i}", {k: tuple(v) for k, v in ids.items()}) for i, ids in enumerate(identities)
        ]
        rows, hits, how = traverse(dmap, schema, subjects)
        plan = assemble(kind, dmap, pol, schema, subjects, rows, hits, how)
        text = render(plan, schema)
    finally:
        conns.dispose()
    reqs = [
        RequestOutcome(s.request_id, "dry-run", {"tables": {t.name: t.rows_for(s.sid) for t in plan.tables}})
        for s in subjects
    ]
    return BatchOutcome(None, kind, "dry-run", reqs, text)


def resume(
    *, store_url: str | None = None, connections: Mapping[str, str] | None = None, actor: str = "system"
) -> list[BatchOutcome]:
    """Finish every batch a crash left unfinished, in the order they were started."""
    with session_scope(store_url) as s:
        ids = list(s.scalars(select(DsrBatch.id).where(DsrBatch.status != "done").order_by(DsrBatch.created_at)))
    return [_Runner(bid, store_url, connections, actor).run() for bid in ids]


def outcome(batch_id: str, store_url: str | None = None) -> BatchOutcome:
    """A batch's state and each request's result as stored."""
    with session_scope(store_url) as s:
        batch = s.get(DsrBatch, batch_id)
        if batch is None:
            raise NotFoundError("unknown batch", where=batch_id)
        reqs = s.scalars(select(DsrRequest).where(DsrRequest.batch_id == batch_id).order_by(DsrRequest.sid))
        return BatchOutcome(
            batch_id,
            batch.kind,
            batch.status,
            [RequestOutcome(r.id, r.status, json.loads(r.result) if r.result else {}) for r in reqs],
        )
