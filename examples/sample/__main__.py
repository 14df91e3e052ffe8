"""``python -m examples.sample --url URL --customers N --employees M``: create and fill the sample."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from examples.sample.generate import generate
from examples.sample.schema import create_schema, drop_schema


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m examples.sample", description="Create and fill the jaga sample databases."
    )
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, e.g. postgresql+psycopg://u@h/db")
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--drop", action="store_true", help="drop the sample tables first")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    try:
        engine = create_engine(args.url)
        if args.drop:
            drop_schema(engine)
        create_schema(engine)
        started = time.perf_counter()
        counts = generate(
            engine,
            customers=args.customers,
            employees=args.employees,
            seed=args.seed,
            progress=False if args.quiet else None,
        )
    except (SQLAlchemyError, ValueError) as exc:
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    total = sum(counts.values())
    for table, n in counts.items():
        print(f"{table:<24} {n:>12,}")
    print(f"{'total':<24} {total:>12,}  in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
