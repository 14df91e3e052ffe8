"""Benchmark: a retention sweep on PostgreSQL against the hand-written ``DELETE … WHERE created_at < …``
doing the same work, in the same run, on identical copies of the table.

    python -m bench.retention                 # 1,000,000 customers, 3 repeats
    python -m bench.retention --rows 100000   # a quick run

The table is the sample company's ``customers`` (same columns, keys and indexes), filled in SQL; the
policy keeps customer records six years from collection, so about half the rows are due. jaga's time
is the whole ``jaga.retention.run``: loading policy and map, reflecting, counting, the chunked deletes
with a progress record per chunk, the verification and the audit entries. Before each measurement
the table is refilled from a template, vacuumed and checkpointed, so both sides start from the
same state.

Prints ONE JSON line: medians over the repeats, rows swept per second for both, and the ratio
jaga / hand-written (goal <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from examples.sample import build_metadata
from jaga import retention
from jaga.settings import get_settings
from jaga.store import make_engine, migrate

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
KEEP_YEARS = 6
SPAN_S = 12 * 365 * 86_400

POLICY = f"""
jaga: 1
version: "bench"
controller: {{legal_name: PT Bench, address: Jakarta, contact: {{email: dpo@bench.example}}}}
subjects: [customer]
categories: [user]
purposes:
  - {{key: sales, use: essential.service, description: {{en: Sales}}, basis: contract,
     categories: [user.name, user.contact, user.government_id, user.unique_id, user.demographic],
     subjects: [customer], retention: customer_records}}
retention:
  - {{key: customer_records, categories: [user.name, user.contact, user.government_id, user.unique_id],
     duration: {KEEP_YEARS} years, trigger: collection, action: delete}}
rights: {{offered: [access, erasure]}}
"""

DATAMAP = """
dataset:
  - fides_key: bench_crm
    collections:
      - name: customers
        jaga: {retention_trigger: {collection: created_at}}
        fields:
          - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
          - {name: customer_no, data_categories: [user.unique_id], fides_meta: {identity: customer_no}}
          - {name: full_name, data_categories: [user.name]}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: phone, data_categories: [user.contact.phone_number]}
          - {name: nik, data_categories: [user.government_id.nik]}
          - {name: kk_number, data_categories: [user.government_id.kk]}
          - {name: date_of_birth, data_categories: [user.demographic.date_of_birth]}
          - {name: city, data_categories: [user.contact.address.city]}
          - {name: province, data_categories: [user.contact.address.state]}
          - {name: created_at, data_categories: [system.operations]}
          - {name: last_activity_at, data_categories: [user.behavior]}
          - {name: closed_at, data_categories: [system.operations]}
"""

FILL = """
INSERT INTO customers_src
SELECT i::int, 'PLG-' || lpad(i::text, 8, '0'), 'Pelanggan ' || i, 'pelanggan' || i || '@example.co.id',
       '+62812' || lpad((i * 7919 % 100000000)::text, 8, '0'),
       CASE WHEN i % 5 < 3 THEN '31' || lpad(i::text, 14, '0') END,
       CASE WHEN i % 4 = 0 THEN '32' || lpad((i / 4)::text, 14, '0') END,
       date '1960-01-01' + (i * 31 % 15000)::int,
       (ARRAY['Jakarta Selatan', 'Bandung', 'Surabaya', 'Medan', 'Makassar'])[1 + (i % 5)::int],
       (ARRAY['DKI Jakarta', 'Jawa Barat', 'Jawa Timur', 'Sumatera Utara', 'Sulawesi Selatan'])[1 + (i % 5)::int],
       c, c + ((i * 104729 % 1000) / 1000.0) * (:now - c), NULL
FROM (SELECT n::bigint AS i, :now - make_interval(secs => (n::bigint * 2654435761 % :span)) AS c
      FROM generate_series(1, :rows) AS n) AS g
"""


def _database() -> tuple[str, Callable[[], None]]:
    name = f"jaga_bench_ret_{uuid.uuid4().hex[:8]}"
    admin = make_engine(SERVER).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return SERVER.rsplit("/", 1)[0] + "/" + name, drop


def _prepare(engine: Engine, rows: int) -> None:
    """The sample's customers table (keys, unique constraints, indexes) and an index-free template."""
    build_metadata().tables["customers"].create(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE UNLOGGED TABLE customers_src (LIKE customers)"))
        conn.execute(text(FILL), {"now": NOW, "span": SPAN_S, "rows": rows})


def _refill(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE customers"))
        conn.execute(text("INSERT INTO customers SELECT * FROM customers_src"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE customers"))
        conn.execute(text("CHECKPOINT"))  # the refill's WAL must not be flushed during a measurement


def _hand_written(engine: Engine) -> int:
    cutoff = NOW.replace(year=NOW.year - KEEP_YEARS)
    with engine.begin() as conn:
        return int(conn.execute(text("DELETE FROM customers WHERE created_at < :c"), {"c": cutoff}).rowcount)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers in the table")
    parser.add_argument("--reps", type=int, default=3, help="measurements per side (median reported)")
    parser.add_argument("--chunk", type=int, default=retention.CHUNK_ROWS, help="rows/chunk")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jaga-bench-retention-"))
    os.environ.update(
        JAGA_DATA_DIR=str(work / "data"), JAGA_DATABASE_URL=f"sqlite:///{work / 'jaga.db'}", JAGA_SECRET_KEY="b" * 40
    )
    get_settings.cache_clear()
    migrate(make_engine())
    (work / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (work / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    url, drop = _database()
    jaga_s: list[float] = []
    hand_s: list[float] = []
    swept = hand_rows = 0
    try:
        engine = make_engine(url)
        t0 = time.perf_counter()
        _prepare(engine, args.rows)
        fill_s = time.perf_counter() - t0
        for _ in range(args.reps):
            _refill(engine)
            t = time.perf_counter()
            out = retention.run(
                work / "policy.yaml",
                work / "datamap.yaml",
                now=NOW,
                connections={"*": url},
                chunk_rows=args.chunk,
                actor="bench",
            )
            jaga_s.append(time.perf_counter() - t)
            assert out.status == "done", out.verification
            swept = out.deleted
            _refill(engine)
            t = time.perf_counter()
            hand_rows = _hand_written(engine)
            hand_s.append(time.perf_counter() - t)
            assert hand_rows == swept, (hand_rows, swept)  # the same work
        engine.dispose()
    finally:
        drop()
    j, h = statistics.median(jaga_s), statistics.median(hand_s)
    print(
        json.dumps(
            {
                "bench": "retention",
                "db": "postgres",
                "customers": args.rows,
                "rows_swept": swept,
                "chunk_rows": args.chunk,
                "reps": args.reps,
                "fill_s": round(fill_s, 2),
                "jaga_sweep_s": round(j, 3),
                "hand_written_s": round(h, 3),
                "jaga_rows_per_s": round(swept / j),
                "hand_rows_per_s": round(hand_rows / h),
                "ratio": round(j / h, 3),
                "goal_ratio": 1.5,
                "jaga_runs_s": [round(x, 3) for x in jaga_s],
                "hand_runs_s": [round(x, 3) for x in hand_s],
            }
        )
    )


if __name__ == "__main__":
    main()
