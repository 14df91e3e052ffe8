"""Benchmark jaga's PII discovery against Presidio's pattern recognisers on the same labelled corpus.

Run from the repository root: ``python -m bench.discover [--docs N] [--rows N] [--reps N]``.
Prints one JSON line: precision/recall/F1 per category and overall for both engines, text throughput
(MB/s), column-scan throughput (rows/s), their ratios, and the time and peak memory of a full scan of
a large SQLite table (run in a child process so its peak RSS is its own). Figures are medians; both
engines are timed on the same texts and values, alternating round by round.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.data.corpus import TABLES, Doc, Gen, corpus, table_rows
from jaga.discover import _model as m
from jaga.discover import discover_database, scan_text
from jaga.discover._columns import ColumnStats
from jaga.discover._text import Scanner

Span = tuple[int, int, str]
Detector = Callable[[str], list[Span]]


def _jaga(text: str) -> list[Span]:
    return [(f.start, f.end, f.category) for f in scan_text(text)]


def _presidio() -> tuple[Detector, frozenset[str]]:
    """Presidio's predefined pattern recognisers (no NLP model), mapped to jaga's taxonomy keys."""
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    recognisers = [
        (EmailRecognizer(), m.EMAIL),
        (PhoneRecognizer(supported_regions=("ID",)), m.PHONE),
        (CreditCardRecognizer(), m.CARD),
        (IpRecognizer(), m.IP),
        (IbanRecognizer(), m.BANK),
    ]

    def detect(text: str) -> list[Span]:
        spans: list[Span] = []
        for rec, label in recognisers:
            for res in rec.analyze(text, rec.supported_entities, None):
                if res.score >= 0.3:
                    spans.append((res.start, res.end, label))
        return spans

    detect("warm-up a@b.co 0812-3456-7890")  # tldextract's suffix list loads on first use
    return detect, frozenset(label for _, label in recognisers)


def _score(docs: Sequence[Doc], detect: Detector, labels: frozenset[str] | None = None) -> dict[str, Any]:
    """Span-level P/R/F1: a prediction is correct if it overlaps an unmatched gold span of its label."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for doc in docs:
        gold = [s for s in doc.spans if labels is None or s[2] in labels]
        used = [False] * len(gold)
        for ps, pe, pl in detect(doc.text):
            if labels is not None and pl not in labels:
                continue
            for i, (gs, ge, gl) in enumerate(gold):
                if not used[i] and gl == pl and ps < ge and gs < pe:
                    used[i] = True
                    tp[pl] += 1
                    break
            else:
                fp[pl] += 1
        for flag, (_, _, gl) in zip(used, gold, strict=True):
            if not flag:
                fn[gl] += 1

    def prf(t: int, p: int, n: int) -> dict[str, float]:
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"p": round(precision, 3), "r": round(recall, 3), "f1": round(f1, 3)}

    per = {lab.rsplit(".", 1)[-1]: prf(tp[lab], fp[lab], fn[lab]) for lab in sorted(set(tp) | set(fp) | set(fn))}
    return {"overall": prf(sum(tp.values()), sum(fp.values()), sum(fn.values())), "per_category": per}


def _paired_seconds(engines: Sequence[Callable[[Any], object]], chunks: Sequence[Any], reps: int) -> list[float]:
    """Median over ``reps`` rounds of each engine's total time, the engines taking turns chunk by chunk.

    On a shared machine load comes and goes within a second: timing one engine for a whole round and
    then the other lets a burst land on either, and the ratio swings by half. Alternating on small
    chunks of the same input (which engine goes first alternates too) exposes both to the same
    load, so the ratio stays honest even while the absolute figures wander.
    """
    totals = [[0.0] * reps for _ in engines]
    for rep in range(reps):
        for i, chunk in enumerate(chunks):
            order = range(len(engines)) if i % 2 == 0 else range(len(engines) - 1, -1, -1)
            for k in order:
                start = time.perf_counter()
                engines[k](chunk)
                totals[k][rep] += time.perf_counter() - start
    return [statistics.median(t) for t in totals]


def _column_values(rows: int) -> list[tuple[str, list[object]]]:
    out: list[tuple[str, list[object]]] = []
    for table in TABLES:
        names, data = table_rows(table, rows)
        out.extend((name, [row[i] for row in data]) for i, name in enumerate(names))
    return out


def _columns_jaga(columns: list[tuple[str, list[object]]]) -> None:
    scanner = Scanner(0.5)
    for name, values in columns:
        stats = ColumnStats("t", name)
        for v in values:
            stats.add(v, scanner)
        stats.proposal()


def _columns_presidio(detect: Detector, columns: list[tuple[str, list[object]]]) -> None:
    for _, values in columns:
        hits: Counter[str] = Counter()
        for v in values:
            for _, _, label in detect(str(v)):
                hits[label] += 1


def _build_big_table(path: Path, rows: int) -> None:
    """A ``rows``-row customer table; values come from pools so building it takes seconds."""
    g = Gen(11)
    spec = TABLES["pelanggan"]
    pools = {name: [make(g) for _ in range(5000)] for name, (_, make) in spec.items()}
    names = list(spec)
    rng = random.Random(3)
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE pelanggan ({', '.join(names)})")
        batch = 50_000
        for start in range(0, rows, batch):
            conn.executemany(
                f"INSERT INTO pelanggan VALUES ({', '.join('?' * len(names))})",
                [tuple(rng.choice(pools[n]) for n in names) for _ in range(min(batch, rows - start))],
            )


def _scan_child(db: str) -> None:
    start = time.perf_counter()
    proposal = discover_database(f"sqlite:///{db}", sample=None)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = {c.column: c.category for c in proposal.columns}
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "categories": found}))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000, help="labelled documents in the corpus")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the big-table scan")
    parser.add_argument("--column-rows", type=int, default=200, help="rows per fixture table for rows/s")
    parser.add_argument("--reps", type=int, default=5, help="repetitions; medians are reported")
    parser.add_argument("--scan-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scan_child:
        _scan_child(args.scan_child)
        return

    docs = corpus(args.docs)
    presidio, presidio_labels = _presidio()
    # Both engines read the same texts and the same column values, taking turns (see _paired_seconds).
    texts = [d.text for d in docs]
    mb = len("\n".join(texts).encode()) / 1e6
    text_chunks = [texts[i : i + 50] for i in range(0, len(texts), 50)]
    jaga_s, presidio_s = _paired_seconds(
        [lambda ts: [_jaga(t) for t in ts], lambda ts: [presidio(t) for t in ts]], text_chunks, args.reps
    )

    columns = _column_values(args.column_rows)
    rows = args.column_rows * len(TABLES)
    jaga_cols_s, presidio_cols_s = _paired_seconds(
        [lambda c: _columns_jaga(c), lambda c: _columns_presidio(presidio, c)], [[c] for c in columns], args.reps
    )

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        build_start = time.perf_counter()
        _build_big_table(db, args.rows)
        build_s = time.perf_counter() - build_start
        child = subprocess.run(
            [sys.executable, "-m", "bench.discover", "--scan-child", str(db)],
            capture_output=True,
            text=True,
            check=True,
        )
        big = json.loads(child.stdout.strip().splitlines()[-1])

    jaga_mbs, presidio_mbs = mb / jaga_s, mb / presidio_s
    jaga_rps, presidio_rps = rows / jaga_cols_s, rows / presidio_cols_s
    jaga_all = _score(docs, _jaga)
    presidio_all = _score(docs, presidio)
    result = {
        "benchmark": "discover",
        "docs": len(docs),
        "corpus_mb": round(mb, 3),
        "reps": args.reps,
        "jaga": {
            "f1": jaga_all["overall"],
            "per_category": jaga_all["per_category"],
            "f1_on_presidio_labels": _score(docs, _jaga, presidio_labels)["overall"],
            "text_mb_s": round(jaga_mbs, 3),
            "column_rows_s": round(jaga_rps, 1),
        },
        "presidio": {
            "f1": presidio_all["overall"],
            "per_category": presidio_all["per_category"],
            "f1_on_presidio_labels": _score(docs, presidio, presidio_labels)["overall"],
            "text_mb_s": round(presidio_mbs, 3),
            "column_rows_s": round(presidio_rps, 1),
        },
        "ratio": {
            "text_throughput": round(jaga_mbs / presidio_mbs, 1),
            "column_throughput": round(jaga_rps / presidio_rps, 1),
            "f1": round(jaga_all["overall"]["f1"] / max(presidio_all["overall"]["f1"], 1e-9), 2),
        },
        "big_table": {
            "rows": args.rows,
            "columns": len(TABLES["pelanggan"]),
            "build_s": round(build_s, 2),
            "scan_s": round(big["seconds"], 2),
            "rows_s": round(args.rows / big["seconds"], 1),
            "peak_rss_mb": round(big["peak_rss_mb"], 1),
            "categories": big["categories"],
        },
    }
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
