"""Access to the company's tables for one batch: reflected tables, row keys per subject, key chunks.

Shared by the executors here and the planner in :mod:`jaga.requests.plan` (which imports this module,
never the other way round).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import MetaData, Table, tuple_
from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from jaga.actions.strategies import ColumnPlan
from jaga.datamap import Collection, Connections, DataMap
from jaga.datamap.graph import Node
from jaga.errors import ConfigError, JagaError
from jaga.policy import Duration

Mode = Literal["read", "delete", "update", "hold"]
Key = tuple[Any, ...]
CHUNK = 500


@dataclass(frozen=True)
class Hold:
    """A legal hold on a table or column: the law, and how long from which column it runs."""

    rule: str
    law: str
    duration: Duration
    hold_from: str | None = None


@dataclass
class TablePlan:
    """One table's part of a plan: which rows (by primary key) belong to which subjects, and what to do."""

    dataset: str
    collection: str
    mode: Mode
    pk: tuple[str, ...]
    keys: dict[Key, set[int]] = field(default_factory=dict)
    found_by: list[str] = field(default_factory=list)
    columns: list[ColumnPlan] = field(default_factory=list)
    held_columns: dict[str, Hold] = field(default_factory=dict)
    hold: Hold | None = None

    @property
    def name(self) -> str:
        return f"{self.dataset}.{self.collection}"

    def by_subject(self) -> dict[int, list[Key]]:
        """Subject id -> its row keys (inverted once, so per-request reporting stays linear)."""
        out: dict[int, list[Key]] = {}
        for key, sids in self.keys.items():
            for sid in sids:
                out.setdefault(sid, []).append(key)
        return out

    def rows_for(self, sid: int) -> int:
        return len(self.by_subject().get(sid, ()))


class Schema:
    """Reflected tables of the company's databases, so SQL is built (and quoted) by SQLAlchemy."""

    def __init__(self, datamap: DataMap, conns: Connections) -> None:
        self.datamap = datamap
        self.conns = conns
        self._tables: dict[Node, Table] = {}

    def table(self, node: Node) -> Table:
        if node not in self._tables:
            coll = self.collection(node)
            try:
                self._tables[node] = Table(node[1], MetaData(), autoload_with=self.conns.engine(node[0]))
            except NoSuchTableError:
                raise ConfigError(
                    f"table {node[1]!r} of dataset {node[0]!r} does not exist",
                    where=coll.where,
                    hint="run `jaga datamap check` and fix the map",
                ) from None
            except SQLAlchemyError as exc:
                raise ConfigError(
                    f"cannot read table {node[1]!r} of dataset {node[0]!r}: {type(exc).__name__}", where=coll.where
                ) from None
            missing = [f for f in coll.fields if f.name not in self._tables[node].c]
            if missing:
                raise ConfigError(
                    f"unknown column {node[1]}.{missing[0].name}",
                    where=missing[0].where,
                    hint="run `jaga datamap check` and fix the map",
                )
        return self._tables[node]

    def collection(self, node: Node) -> Collection:
        ds = self.datamap.dataset(node[0])
        coll = ds.collection(node[1]) if ds else None
        if coll is None:
            raise JagaError(f"unknown table {node[0]}.{node[1]}")
        return coll

    def pk(self, node: Node) -> tuple[str, ...]:
        declared = self.collection(node).primary_key
        if declared:
            return declared
        reflected = tuple(c.name for c in self.table(node).primary_key.columns)
        if not reflected:
            raise ConfigError(
                f"table {node[1]!r} has no primary key",
                where=self.collection(node).where,
                hint="mark its key column with fides_meta.primary_key: true",
            )
        return reflected

    def key_clause(self, node: Node, keys: Sequence[Key]) -> ColumnElement[bool]:
        """``pk IN (...)`` for one chunk of keys (a row-value IN for composite keys)."""
        table = self.table(node)
        cols = [table.c[name] for name in self.pk(node)]
        if len(cols) == 1:
            return cols[0].in_([k[0] for k in keys])
        return tuple_(*cols).in_(keys)


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Items sorted (key order keeps lock order stable and index access sequential) in fixed-size chunks."""
    ordered = sorted(
        items, key=lambda v: tuple((str(type(x)), x) for x in v) if isinstance(v, tuple) else (str(type(v)), v)
    )
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]
