"""Size a breach from the data map and the live database: which data, whose, how many people.

Counting happens in SQL (``COUNT`` over a ``UNION`` of subject keys) so no personal data enters this
process; only the explicit contacts export reads identity values, and it writes them to a file the
operator named, never to a log.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from jaga.errors import ConfigError, JagaError
from jaga.incidents._datamap import Map, Table
from jaga.policy import Taxonomy
from jaga.store import make_engine, redact_url


@dataclass(frozen=True)
class Assessment:
    """What a breach exposed; JSON-safe so it can be stored on the incident and put in the audit chain."""

    categories: list[str]
    special: dict[str, dict[str, str]]  # regime -> {category: article making it specific/special}
    records: dict[str, int]  # dataset.table -> rows
    subjects: dict[str, int]  # root table -> distinct people
    identities: dict[str, list[str]]  # root table -> identity kinds (e.g. email, nik), never values
    notes: list[str] = field(default_factory=list)

    @property
    def total_subjects(self) -> int:
        return sum(self.subjects.values())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Assessment:
        return cls(**data)


def _sa_table(table: Table) -> sa.TableClause:
    return sa.table(table.name, *(sa.column(c.name) for c in table.columns))


class _Resolver:
    """Turns "rows of table T" into "keys of the people they belong to", following references."""

    def __init__(self, datamap: Map) -> None:
        self.map = datamap

    def root_keys(
        self, table: Table, restrict: tuple[str, sa.Select[Any]] | None = None
    ) -> tuple[Table, sa.Select[Any]]:
        t = _sa_table(table)
        where = t.c[restrict[0]].in_(restrict[1]) if restrict else sa.true()
        parent = table.parent
        if table.identities or parent is None or parent.parent is None:  # a root row: it names the person
            key = table.key
            return table, (sa.select(t.c[key]) if key else sa.select(*t.c)).where(where)
        dataset, collection, target = parent.parent
        owner = self.map.find(f"{dataset}.{collection}")
        return self.root_keys(owner, (target, sa.select(t.c[parent.name]).where(where)))


def _engine_for(urls: Mapping[str, str], dataset: str) -> sa.Engine:
    url = urls.get(dataset) or urls.get("*")
    if not url:
        raise ConfigError(f"no database URL for dataset {dataset!r}", hint="pass --db URL or --db DATASET=URL")
    return make_engine(url)


def _run(engine: sa.Engine, query: sa.Select[Any]) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ConfigError(
            f"cannot count affected rows in {redact_url(str(engine.url))}: {reason}",
            hint="check the URL and that the data map matches the database",
        ) from None


def assess(
    datamap: Map,
    tables: Sequence[str],
    urls: Mapping[str, str],
    taxonomy: Taxonomy,
    regimes: Sequence[str],
    declared: Sequence[str] = (),
) -> Assessment:
    """Categories, specific/special data, rows and distinct people affected by a breach of ``tables``."""
    involved = [datamap.find(name) for name in tables]
    categories = sorted(
        {c for t in involved for col in t.columns for c in col.categories if c == "user" or c.startswith("user.")}
        | set(declared)
    )
    special = {r: {c: a for c in categories if (a := taxonomy.sensitivity(c, r))} for r in regimes}
    resolver = _Resolver(datamap)
    records: dict[str, int] = {}
    by_root: dict[str, tuple[Table, list[sa.Select[Any]]]] = {}
    notes: list[str] = []
    for table in involved:
        engine = _engine_for(urls, table.dataset)
        records[table.qualified] = _run(engine, sa.select(sa.func.count()).select_from(_sa_table(table)))
        root, keys = resolver.root_keys(table)
        if root.key is None:
            notes.append(f"{root.qualified} has no key column: people counted as rows")
        by_root.setdefault(root.qualified, (root, []))[1].append(keys)
    subjects = {}
    for name, (root, selects) in by_root.items():
        union = sa.union(*selects) if len(selects) > 1 else selects[0]
        subjects[name] = _run(_engine_for(urls, root.dataset), sa.select(sa.func.count()).select_from(union.subquery()))
    identities = {name: sorted({str(c.identity) for c in root.identities}) for name, (root, _) in by_root.items()}
    return Assessment(categories, special, records, subjects, identities, notes)


def export_contacts(datamap: Map, tables: Sequence[str], urls: Mapping[str, str], out: str | Path) -> int:
    """Write the identity columns of every affected person to ``out`` (CSV, owner-only); return the rows.

    Only for notifying people (UU PDP art. 46(1)(a)); called on explicit request, never automatically.
    """
    resolver = _Resolver(datamap)
    by_root: dict[str, tuple[Table, list[sa.Select[Any]]]] = {}
    for table in (datamap.find(n) for n in tables):
        root, keys = resolver.root_keys(table)
        by_root.setdefault(root.qualified, (root, []))[1].append(keys)
    path = Path(out)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise JagaError(f"cannot write contacts ({exc.strerror})", where=str(path)) from None
    written = 0
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["table", "identity", "value"])
        for name, (root, selects) in by_root.items():
            if not root.identities or root.key is None:
                continue
            t = _sa_table(root)
            union = sa.union(*selects) if len(selects) > 1 else selects[0]
            query = sa.select(*(t.c[c.name] for c in root.identities)).where(t.c[root.key].in_(union))
            with _engine_for(urls, root.dataset).connect() as conn:
                for row in conn.execute(query):
                    for column, value in zip(root.identities, row, strict=True):
                        writer.writerow([name, column.identity, value])
                    written += 1
    return written
