"""Benchmark of the decision point: ``python -m bench.decide [--subjects N] [--dbs sqlite,postgresql]``.

Builds a ledger of N subjects (~5 events each) per database with bulk loads (executemany on SQLite, COPY
on PostgreSQL), rebuilds the materialised state from the events, then measures on one core:
batch decisions/s over every subject, single decisions/s, ledger ingest events/s (with audit), and the
straightforward baseline that queries the latest consent row per decision, in the same run. Batch
figures: ``batch_cold`` reads every state row each time; ``batch`` is a long-lived decision point whose
state cache is refreshed from the audit chain before each batch; ``batch_after_100_writes`` has another
session record 100 events before each batch. HTTP decisions/s and p50/p99 latency come from 32
concurrent keep-alive connections against uvicorn on loopback (``--http-workers`` processes).
Prints one JSON line. The default (200k subjects) finishes in a few minutes on 2 cores; the full run is
``--subjects 1000000``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

POLICY = """
version: "bench"
controller: {legal_name: PT Bench, address: Jakarta, contact: {email: dpo@bench.example}, regimes: [uu_pdp]}
subjects: [customer]
categories: [user.contact, user.account]
purposes:
  - {key: newsletter, use: marketing.communications.email, description: {en: News}, basis: consent,
     direct_marketing: true, categories: [user.contact.email], subjects: [customer]}
  - {key: orders, use: essential.service, description: {en: Orders}, basis: contract,
     categories: [user.contact, user.account], subjects: [customer]}
rights: {offered: [access]}
"""
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
T0 = datetime(2023, 1, 1, tzinfo=UTC)
CATS = ["user.contact.email"]


def _key(i: int) -> str:
    return hashlib.sha256(f"bench-subject-{i}".encode()).hexdigest()


def _events(n: int) -> Iterator[tuple[int, str, str | None, str | None, datetime]]:
    """About five events per subject: consent, some withdrawals, objections, do-not-contact, GPC."""
    rnd = random.Random(42)
    for sid in range(1, n + 1):
        base = T0 + timedelta(seconds=sid)
        yield sid, "consent_given", "newsletter", None, base
        yield sid, "consent_given", "orders", None, base + timedelta(minutes=1)
        r = rnd.random()
        yield sid, "consent_withdrawn" if r < 0.3 else "objection_lifted", "newsletter", None, base + timedelta(days=30)
        yield (
            sid,
            "do_not_contact" if r > 0.9 else "gpc_signal",
            None,
            "sms" if r > 0.9 else None,
            base + timedelta(days=60),
        )
        if r < 0.5:
            yield sid, "consent_given", "newsletter", None, base + timedelta(days=90)


@contextmanager
def _store(kind: str) -> Iterator[Engine]:
    from jaga.store import make_engine, migrate

    if kind == "sqlite":
        tmp = tempfile.mkdtemp(prefix="jaga-bench-")
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine, "ledger@head")
        yield engine
        engine.dispose()
        for f in Path(tmp).iterdir():
            f.unlink()
        Path(tmp).rmdir()
        return
    probe = make_engine(PG_URL)
    schema = f"jaga_bench_{uuid.uuid4().hex[:8]}"
    with probe.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        migrate(engine, "ledger@head")
        yield engine
    finally:
        engine.dispose()
        with probe.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        probe.dispose()


def _bulk_load(engine: Engine, tenant: int, n: int) -> int:
    from jaga.store.models.ledger import LedgerEvent, LedgerSubject

    now = datetime.now(UTC)
    count = 0
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            raw: Any = conn.connection.driver_connection
            with raw.cursor() as cur:
                with cur.copy("COPY ledger_subjects (id, tenant_id, key, created_at) FROM STDIN") as copy:
                    for i in range(1, n + 1):
                        copy.write_row((i, tenant, _key(i), now))
                with cur.copy(
                    "COPY ledger_events (tenant_id, subject_id, kind, purpose, channel, at, recorded_at,"
                    " actor, data) FROM STDIN"
                ) as copy:
                    for sid, kind, purpose, channel, at in _events(n):
                        copy.write_row((tenant, sid, kind, purpose, channel, at, now, "bench", "{}"))
                        count += 1
                cur.execute("SELECT setval(pg_get_serial_sequence('ledger_subjects', 'id'), %s)", (n,))
            return count
        conn.execute(
            insert(LedgerSubject),
            [{"id": i, "tenant_id": tenant, "key": _key(i), "created_at": now} for i in range(1, n + 1)],
        )
        rows: list[dict[str, Any]] = []
        for sid, kind, purpose, channel, at in _events(n):
            rows.append(
                {
                    "tenant_id": tenant,
                    "subject_id": sid,
                    "kind": kind,
                    "purpose": purpose,
                    "channel": channel,
                    "at": at,
                    "recorded_at": now,
                    "actor": "bench",
                    "data": "{}",
                }
            )
            if len(rows) >= 100_000:
                conn.execute(insert(LedgerEvent), rows)
                count += len(rows)
                rows.clear()
        conn.execute(insert(LedgerEvent), rows)
        return count + len(rows)


def _timed(fn: Callable[[], Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _baseline(
    sessions: Callable[[], AbstractContextManager[Session]], tenant: int, keys: list[str], *, each: bool = False
) -> None:
    """The straightforward approach: one query for the latest consent row of each subject, all in one
    transaction (the batch comparison) or, with ``each``, one transaction per decision as a service
    answering one question at a time would run it (the single-decision comparison: jaga's
    ``decide`` also opens its own transaction for each question)."""
    if each:
        for key in keys:
            _baseline(sessions, tenant, [key])
        return
    sql = text(
        "SELECT e.kind FROM ledger_events e JOIN ledger_subjects s ON s.id = e.subject_id "
        "WHERE s.tenant_id = :t AND s.key = :k AND e.purpose = :p "
        "AND e.kind IN ('consent_given', 'consent_withdrawn', 'unsubscribed') ORDER BY e.at DESC, e.id DESC "
        "LIMIT 1"
    )
    with sessions() as s:
        for key in keys:
            _ = s.execute(sql, {"t": tenant, "k": key, "p": "newsletter"}).scalar() == "consent_given"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the load generator: one request in flight at a time."""

    def __init__(self, done: Callable[[_Conn, bytes], None]) -> None:
        self.done = done
        self.buffer = b""
        self.transport: Any = None
        self.started = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # uvloop's transports are not asyncio.Transport subclasses

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].lower()
        length = int(head.split(b"content-length:")[1].split(b"\r\n")[0])
        if len(self.buffer) < end + 4 + length:
            return
        status, self.buffer = self.buffer[9:12], self.buffer[end + 4 + length :]
        self.done(self, status)

    def send(self, payload: bytes) -> None:
        assert self.transport is not None
        self.transport.write(payload)


def _requests(api_key: str, keys: list[str], n: int) -> list[bytes]:
    auth = f"Authorization: Bearer {api_key}\r\n".encode()
    out = []
    for i in range(n):
        question = {"subject": {"key": keys[i % len(keys)]}, "purpose": "newsletter", "categories": CATS}
        body = json.dumps(question).encode()
        out.append(
            b"POST /v1/decide HTTP/1.1\r\nHost: bench\r\n"
            + auth
            + b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
    return out


async def _load(
    port: int, api_key: str, keys: list[str], requests: int, clients: int = 32, rate: float | None = None
) -> tuple[list[float], float]:
    """Latencies of ``requests`` decisions over ``clients`` keep-alive connections, and the seconds taken.

    With ``rate`` the load is open-loop (as wrk2 does): request i is due at ``i / rate`` seconds and its
    latency counts from then, so a server that falls behind is charged for the queue it builds (no
    coordinated omission). Without it, each connection sends its next request as soon as it has an
    answer (closed loop: the most the server can do). The client is a bare asyncio protocol on uvloop
    with the requests pre-encoded, a few microseconds of CPU a request, so that on a small machine it
    takes as little as possible from the server it measures (httpx took more CPU per request than the
    server did).
    """
    loop = asyncio.get_running_loop()
    payloads = _requests(api_key, keys, requests)
    latencies: list[float] = []
    idle: list[_Conn] = []
    queue: list[int] = []
    due: dict[int, float] = {}
    finished = loop.create_future()
    sent = 0
    errors: list[bytes] = []

    def start(conn: _Conn, i: int) -> None:
        conn.started = due.get(i, 0.0) or time.perf_counter()
        conn.send(payloads[i])

    def done(conn: _Conn, status: bytes) -> None:
        nonlocal sent
        latencies.append(time.perf_counter() - conn.started)
        if status != b"200":
            errors.append(status)
        if queue:
            start(conn, queue.pop(0))
        elif rate is None and sent < requests:
            sent += 1
            start(conn, sent - 1)
        else:
            idle.append(conn)
        if len(latencies) == requests and not finished.done():
            finished.set_result(None)

    conns = []
    for _ in range(clients):
        transport, proto = await loop.create_connection(lambda: _Conn(done), "127.0.0.1", port)
        proto.transport = transport
        conns.append(proto)
    begin = time.perf_counter()
    if rate is None:
        for conn in conns:
            if sent < requests:
                sent += 1
                start(conn, sent - 1)
    else:
        idle.extend(conns)
        for i in range(requests):
            at = begin + i / rate
            delay = at - time.perf_counter()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            due[i] = at
            if idle:
                start(idle.pop(), i)
            else:
                queue.append(i)
    await finished
    elapsed = time.perf_counter() - begin
    for conn in conns:
        if conn.transport is not None:
            conn.transport.close()
    if errors:
        raise RuntimeError(f"decide answered {errors[0].decode()}")
    return latencies, elapsed


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far (Linux /proc)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _run_load(port: int, api_key: str, keys: list[str], requests: int, rate: float | None) -> tuple[list[float], float]:
    try:
        import uvloop

        return uvloop.run(_load(port, api_key, keys, requests, rate=rate))
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        return asyncio.run(_load(port, api_key, keys, requests, rate=rate))


def _http(
    url: str, policy_path: str, api_key: str, keys: list[str], requests: int, workers: int = 1, rate: float = 2000
) -> dict[str, float]:
    import httpx

    port = _free_port()
    env = {**os.environ, "JAGA_BENCH_DB": url, "JAGA_BENCH_POLICY": policy_path, "JAGA_BENCH_WORKERS": str(workers)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.decide", "--serve", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        _run_load(port, api_key, keys, 500, None)  # warm-up: connections, key cache, prepared plans
        out: dict[str, float] = {}
        # closed loop: the most the server answers with 32 connections, and its CPU per request
        cpu, client = _cpu_seconds(server.pid), time.process_time()
        latencies, elapsed = _run_load(port, api_key, keys, requests, None)
        server_cpu, client_cpu = _cpu_seconds(server.pid) - cpu, time.process_time() - client
        q = statistics.quantiles(latencies, n=100)
        out["http_max_decisions_per_s"] = round(requests / elapsed)
        out["http_max_p50_ms"] = round(q[49] * 1000, 2)
        out["http_max_p99_ms"] = round(q[98] * 1000, 2)
        out["http_server_us_per_request"] = round(server_cpu / requests * 1e6)
        out["http_client_us_per_request"] = round(client_cpu / requests * 1e6)
        # open loop at a fixed rate (the goal: p99 < 10 ms at 2,000 req/s, 32 connections)
        n = max(requests, int(rate * 5))
        latencies, elapsed = _run_load(port, api_key, keys, n, rate)
        q = statistics.quantiles(latencies, n=100)
        out["http_target_rate"] = rate
        out["http_decisions_per_s"] = round(n / elapsed)
        out["http_p50_ms"] = round(q[49] * 1000, 2)
        out["http_p99_ms"] = round(q[98] * 1000, 2)
        return out
    finally:
        server.terminate()
        server.wait(10)


def _app() -> Any:
    """The served app (a factory, so that each uvicorn worker process builds its own)."""
    from jaga.api import create_app
    from jaga.policy import load_policy
    from jaga.store import make_engine

    return create_app(
        make_engine(os.environ["JAGA_BENCH_DB"]), load_policy(os.environ["JAGA_BENCH_POLICY"]), audit_mode="off"
    )


def _serve(port: int) -> None:
    import uvicorn

    workers = int(os.environ.get("JAGA_BENCH_WORKERS", "1"))
    uvicorn.run(
        "bench.decide:_app",
        factory=True,
        workers=workers,
        loop="uvloop",
        http="httptools",
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


def run_db(
    kind: str, n: int, http_requests: int, policy_path: str, http_workers: int = 1, http_rate: float = 2000
) -> dict[str, Any]:
    from jaga import audit, ledger
    from jaga.api import create_api_key
    from jaga.decide import DecisionPoint
    from jaga.ledger import EventIn, EventKind
    from jaga.policy import load_policy
    from jaga.store import ensure_tenant

    policy = load_policy(policy_path)
    out: dict[str, Any] = {}
    with _store(kind) as engine:
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions.begin() as s:
            tenant = ensure_tenant(s, "bench").id
        start = time.perf_counter()
        events = _bulk_load(engine, tenant, n)
        out["bulk_load_events_per_s"] = round(events / (time.perf_counter() - start))
        start = time.perf_counter()
        with sessions.begin() as s:
            ledger.rebuild(s, tenant)
        out["rebuild_events_per_s"] = round(events / (time.perf_counter() - start))
        if kind == "postgresql":  # planner statistics, as autovacuum would have them on a live server
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        out["events"] = events
        keys = [_key(i) for i in range(1, n + 1)]
        cold = DecisionPoint(policy, sessions.begin, tenant, audit_mode="off", cache=False)
        out["batch_cold_decisions_per_s"] = round(
            n / statistics.median(_timed(lambda: cold.decide_many(keys, "newsletter", CATS), 3))
        )
        point = DecisionPoint(policy, sessions.begin, tenant, audit_mode="off")
        point.decide_many(keys, "newsletter", CATS)  # loads the state cache (as fast as a cold batch)
        batch_times = _timed(lambda: point.decide_many(keys, "newsletter", CATS), 3)
        out["batch_decisions_per_s"] = round(n / statistics.median(batch_times))
        changed = random.Random(2).sample(keys, min(100, n))
        batch_times = []
        for _ in range(3):  # another session records 100 events before each batch: re-read just those
            with sessions.begin() as s:
                for key in changed:
                    ledger.record(s, tenant, key, EventIn(kind=EventKind.objection_lifted))
            batch_times += _timed(lambda: point.decide_many(keys, "newsletter", CATS), 1)
        out["batch_after_100_writes_decisions_per_s"] = round(n / statistics.median(batch_times))
        past = T0 + timedelta(days=45)
        out["batch_pit_decisions_per_s"] = round(
            n
            / statistics.median(_timed(lambda: point.decide_many(keys[: n // 10], "newsletter", CATS, at=past), 1))
            / 10
        )
        sample = random.Random(1).sample(keys, min(3000, n))
        single = statistics.median(_timed(lambda: [point.decide(k, "newsletter", CATS) for k in sample], 3))
        out["single_decisions_per_s"] = round(len(sample) / single)
        base = statistics.median(_timed(lambda: _baseline(sessions.begin, tenant, sample), 3))
        out["baseline_decisions_per_s"] = round(len(sample) / base)
        each = statistics.median(_timed(lambda: _baseline(sessions.begin, tenant, sample, each=True), 3))
        out["baseline_single_decisions_per_s"] = round(len(sample) / each)
        out["single_vs_baseline"] = round(out["single_decisions_per_s"] / out["baseline_single_decisions_per_s"], 2)
        out["batch_vs_baseline"] = round(out["batch_decisions_per_s"] / out["baseline_decisions_per_s"], 1)
        out["batch_cold_vs_baseline"] = round(out["batch_cold_decisions_per_s"] / out["baseline_decisions_per_s"], 1)
        ingest = sample[:1000]
        consent = EventIn(kind=EventKind.consent_given, purpose="newsletter")
        start = time.perf_counter()
        for key in ingest:  # one event per transaction (a form submission, an API call)
            with sessions.begin() as s:
                ledger.record(s, tenant, key, consent)
        out["ingest_events_per_s"] = round(len(ingest) / (time.perf_counter() - start))
        start = time.perf_counter()
        for part in range(0, len(ingest), 100):  # 100 record() calls per transaction
            with sessions.begin() as s:
                for key in ingest[part : part + 100]:
                    ledger.record(s, tenant, key, consent)
        out["ingest_batched_events_per_s"] = round(len(ingest) / (time.perf_counter() - start))
        for size in (100, 1000):  # record_many: an import or a form backend's queue, one transaction each
            many = sample[: max(size * 3, 1000)]
            start = time.perf_counter()
            for part in range(0, len(many), size):
                with sessions.begin() as s:
                    ledger.record_many(s, tenant, [(key, consent) for key in many[part : part + size]])
            out[f"ingest_record_many_{size}_events_per_s"] = round(len(many) / (time.perf_counter() - start))
        with sessions.begin() as s:
            assert audit.verify(s, tenant).ok
        if http_requests:
            with sessions.begin() as s:
                api_key = create_api_key(s, tenant, "service")
            url = engine.url.render_as_string(hide_password=False)
            out.update(_http(url, policy_path, api_key, sample, http_requests, http_workers, http_rate))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subjects", type=int, default=200_000)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--http-requests", type=int, default=3000, help="0 skips the HTTP part")
    parser.add_argument(
        "--http-workers", type=int, default=os.cpu_count() or 1, help="uvicorn worker processes (default: one per core)"
    )
    parser.add_argument("--http-rate", type=float, default=2000, help="open-loop request rate (req/s)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    os.environ.setdefault("JAGA_SECRET_KEY", "bench-" + "k" * 40)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(POLICY)
    try:
        result: dict[str, Any] = {"bench": "decide", "subjects": args.subjects}
        for kind in args.dbs.split(","):
            result[kind] = run_db(
                kind, args.subjects, args.http_requests, handle.name, args.http_workers, args.http_rate
            )
    finally:
        os.unlink(handle.name)
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
