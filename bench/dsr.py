"""Benchmark: a batch of erasures and a batch of access exports on the sample company, against
hand-written SQL doing exactly the same deletes/updates for the same number of subjects, starting
like jaga from the email addresses the people gave.

    python -m bench.dsr --db postgres --customers 1000000 --batch 1000

Prints ONE JSON line: wall times, the jaga/hand-written ratio (goal <= 1.5), rows touched per second,
peak memory and one single request's end-to-end time (goal < 1 s); beside it, the hand-written SQL
followed by the checks jaga's verification pass makes (``hand_verified_s``). With ``--reps N`` each of the N
repetitions erases a fresh set of subjects with jaga, another by hand and a third by hand with the
checks; medians are
reported (the first jaga batch of a process also pays one-off costs: parsing the policy and map,
reflecting the tables). The database is ANALYZEd after loading, as any production database is, so
both sides get index plans instead of whatever the planner guesses without statistics.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, bindparam, text

from examples.sample import DATAMAP, create_schema, generate
from jaga.requests import RequestSpec, run_requests
from jaga.settings import get_settings
from jaga.store import make_engine, migrate

POLICY = Path(__file__).parents[1] / "tests" / "requests" / "policy.yaml"
SERVERS = {"postgres": "postgresql://postgres@127.0.0.1:5432/test", "mariadb": "mysql://root@127.0.0.1:3306/test"}


def _database(kind: str, work: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{work / 'company.db'}", lambda: None
    name = f"jaga_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(SERVERS[kind]).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "postgres" else "")))

    return SERVERS[kind].rsplit("/", 1)[0] + "/" + name, drop


def _analyze(engine: Engine, kind: str) -> None:
    """Planner statistics for the freshly loaded tables (autovacuum would get there later, or not)."""
    from examples.sample import TABLES

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if kind == "mariadb":
            conn.execute(text("ANALYZE TABLE " + ", ".join(TABLES)))
        else:
            conn.execute(text("ANALYZE"))


def _reset_peak() -> None:
    """Forget the peak RSS so far (Linux), so peak memory is that of the DSR runs, not of generating."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1)


_KEY = "bench-hand-key"


def _hashed(dialect: str, column: str, width: int) -> str:
    """The SQL a DBA would write for the keyed hash jaga stores (the key prefixed, SHA-256, hex)."""
    if dialect == "postgresql":
        return f"left(encode(sha256(convert_to('{_KEY}' || {column}, 'UTF8')), 'hex'), {width})"
    if dialect == "mysql":
        return f"LEFT(SHA2(CONCAT('{_KEY}', {column}), 256), {width})"
    return f"substr(hex(randomblob(32)), 1, {width})"  # SQLite has no hash function in SQL


def _year(dialect: str, column: str, *, date_only: bool = False) -> str:
    if dialect == "postgresql":
        return f"date_trunc('year', {column})" + ("::date" if date_only else "")
    if dialect == "mysql":
        return f"MAKEDATE(YEAR({column}), 1)"
    return f"strftime('%Y-01-01', {column})" if date_only else f"strftime('%Y-01-01 00:00:00.000000', {column})"


def _hand_written(engine: Engine, emails: list[str]) -> tuple[int, str]:
    """What a DBA would write for exactly the same erasure jaga performs: look the people up by the
    email they gave, delete their children, blank the kept parents with the same values jaga writes
    (keyed hash, pseudonym, fixed text, NULL, cut to the year), one statement per table for the whole
    batch, in one transaction; then list the invoices kept under the legal hold."""
    touched = 0
    dialect = engine.dialect.name
    pseudonym = (
        "CONCAT('p', MD5(RAND()))"
        if dialect == "mysql"
        else ("'p' || md5(random()::text)" if dialect == "postgresql" else "'p' || hex(randomblob(16))")
    )
    with engine.begin() as conn:
        found = conn.execute(
            text("SELECT id FROM customers WHERE email IN :emails").bindparams(bindparam("emails", expanding=True)),
            {"emails": emails},
        )
        idl = ",".join(str(row[0]) for row in found) or "NULL"
        for table in ("contacts", "marketing_subscriptions", "support_tickets", "web_events"):
            touched += conn.execute(text(f"DELETE FROM {table} WHERE customer_id IN ({idl})")).rowcount
        touched += conn.execute(
            text(
                f"UPDATE orders SET total = 0, created_at = {_year(dialect, 'created_at')} WHERE customer_id IN ({idl})"
            )
        ).rowcount
        touched += conn.execute(
            text(
                f"UPDATE customers SET customer_no = {_hashed(dialect, 'customer_no', 20)}, full_name = {pseudonym}, "
                f"email = {_hashed(dialect, 'email', 64)}, phone = '[erased]', nik = NULL, kk_number = NULL, "
                f"date_of_birth = {_year(dialect, 'date_of_birth', date_only=True)}, city = '[erased]', "
                f"province = '[erased]', last_activity_at = {_year(dialect, 'last_activity_at')} WHERE id IN ({idl})"
            )
        ).rowcount
        touched += len(
            conn.execute(
                text(f"SELECT i.id FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id IN ({idl})")
            ).all()
        )
    return touched, idl


def _hand_verified(engine: Engine, emails: list[str]) -> None:
    """The hand-written erasure followed by the check a careful DBA would add and that jaga always
    makes (the issue's verification pass): nobody is found by their email any more, no child row is
    left, and the kept rows hold the erased values. Reported beside the plain baseline, so the figures
    say how much of the gap is the proof rather than overhead."""
    _, idl = _hand_written(engine, emails)
    by_email = text("SELECT COUNT(*) FROM customers WHERE email IN :emails").bindparams(
        bindparam("emails", expanding=True)
    )
    checks = [
        *(
            f"SELECT COUNT(*) FROM {t} WHERE customer_id IN ({idl})"
            for t in ("contacts", "marketing_subscriptions", "support_tickets", "web_events")
        ),
        f"SELECT COUNT(*) FROM orders WHERE customer_id IN ({idl}) AND total <> 0",
        f"SELECT COUNT(*) FROM customers WHERE id IN ({idl}) AND (phone <> '[erased]' OR nik IS NOT NULL)",
    ]
    with engine.connect() as conn:
        assert not conn.execute(by_email, {"emails": emails}).scalar()
        for sql in checks:
            assert not conn.execute(text(sql)).scalar(), sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["postgres", "sqlite", "mariadb"], default="postgres")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--employees", type=int, default=None)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--singles", type=int, default=3, help="single requests timed (median reported)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jaga-bench-"))
    os.environ.update(
        JAGA_DATA_DIR=str(work / "data"), JAGA_DATABASE_URL=f"sqlite:///{work / 'jaga.db'}", JAGA_SECRET_KEY="b" * 40
    )
    get_settings.cache_clear()
    migrate(make_engine())
    url, drop = _database(args.db, work)
    try:
        engine = make_engine(url)
        create_schema(engine)
        t0 = time.perf_counter()
        generate(engine, customers=args.customers, employees=args.employees or max(10, args.customers // 100))
        _analyze(engine, args.db)
        gen_s = time.perf_counter() - t0
        _reset_peak()
        wanted = args.batch * (3 * args.reps + 1) + args.singles
        with engine.connect() as conn:
            count = conn.execute(text("SELECT COUNT(*) FROM customers WHERE id > 10")).scalar() or 0
            step = max(1, count // (wanted + 1))
            pool = conn.execute(  # spread over the whole table; only these rows are held in memory
                text("SELECT id, email FROM customers WHERE id > 10 AND MOD(id, :step) = 0 ORDER BY id LIMIT :n"),
                {"step": step, "n": wanted},
            ).all()
        conns = {"sample_hr": url, "sample_crm": url}
        jaga_s: list[float] = []
        hand_s: list[float] = []
        checked_s: list[float] = []
        touched_j, touched_h = 0, 0
        for rep in range(args.reps):
            a, b, v = (pool[(3 * rep + i) * args.batch : (3 * rep + i + 1) * args.batch] for i in range(3))
            t = time.perf_counter()
            out = run_requests(
                [RequestSpec("erasure", {"email": p[1]}) for p in a], datamap=DATAMAP, policy=POLICY, connections=conns
            )
            jaga_s.append(time.perf_counter() - t)
            touched_j = sum(sum(r.result["tables"].values()) for r in out.requests)
            assert all(r.result["verification"]["verified"] for r in out.requests)
            t = time.perf_counter()
            touched_h = _hand_written(engine, [p[1] for p in b])[0]
            hand_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            _hand_verified(engine, [p[1] for p in v])
            checked_s.append(time.perf_counter() - t)
        c = pool[3 * args.reps * args.batch : (3 * args.reps + 1) * args.batch]
        t = time.perf_counter()
        run_requests(
            [RequestSpec("access", {"email": p[1]}) for p in c],
            datamap=DATAMAP,
            policy=POLICY,
            connections=conns,
            out_dir=work / "exports",
        )
        access_s = time.perf_counter() - t
        single_s = []
        for single in pool[-args.singles :]:
            t = time.perf_counter()
            run_requests(
                [RequestSpec("erasure", {"email": single[1]})], datamap=DATAMAP, policy=POLICY, connections=conns
            )
            single_s.append(time.perf_counter() - t)
        engine.dispose()
    finally:
        drop()
    j, h, hv = statistics.median(jaga_s), statistics.median(hand_s), statistics.median(checked_s)
    print(
        json.dumps(
            {
                "bench": "dsr",
                "db": args.db,
                "customers": args.customers,
                "batch": args.batch,
                "reps": args.reps,
                "generate_s": round(gen_s, 2),
                "erasure_batch_s": round(j, 3),
                "erasure_runs_s": [round(x, 3) for x in jaga_s],
                "hand_written_s": round(h, 4),
                "hand_runs_s": [round(x, 4) for x in hand_s],
                "ratio": round(j / h, 2) if h else None,
                "goal_ratio": 1.5,
                "hand_verified_s": round(hv, 4),
                "ratio_vs_hand_verified": round(j / hv, 2) if hv else None,
                "rows_touched": touched_j,
                "rows_touched_per_s": round(touched_j / j),
                "hand_rows_touched": touched_h,
                "hand_rows_touched_per_s": round(touched_h / h) if h else None,
                "access_batch_s": round(access_s, 3),
                "single_request_s": round(statistics.median(single_s), 3),
                "goal_single_s": 1.0,
                "peak_rss_mb": _peak_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
