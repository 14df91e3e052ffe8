"""Just enough of a Fides dataset file to size a breach: tables, their categories, identities, links.

A breach assessment must work on any Fides dataset a company already has, including extension keys
other tools add, so this reader takes only the Fides core keys and ignores everything else instead
of validating the whole file (that is ``jaga.datamap``'s job).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jaga.errors import JagaError
from jaga.policy import load_yaml


@dataclass(frozen=True)
class Column:
    name: str
    categories: tuple[str, ...]
    identity: str | None
    primary_key: bool
    parent: tuple[str, str, str] | None  # (dataset, collection, field) whose rows own this row


@dataclass(frozen=True)
class Table:
    dataset: str
    name: str
    columns: tuple[Column, ...]

    @property
    def qualified(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def identities(self) -> list[Column]:
        return [c for c in self.columns if c.identity]

    @property
    def key(self) -> str | None:
        """The column that names one subject when this table is a subject's root row."""
        pk = next((c.name for c in self.columns if c.primary_key), None)
        return pk or next((c.name for c in self.identities), None)

    @property
    def parent(self) -> Column | None:
        return next((c for c in self.columns if c.parent), None)


@dataclass(frozen=True)
class Map:
    tables: tuple[Table, ...]
    source: str

    def find(self, name: str) -> Table:
        """``dataset.table`` or a bare table name that only one dataset has."""
        dataset, _, table = name.rpartition(".")
        hits = [t for t in self.tables if t.name == table and (not dataset or t.dataset == dataset)]
        if len(hits) == 1:
            return hits[0]
        known = ", ".join(t.qualified for t in self.tables)
        problem = "is in several datasets; write dataset.table" if hits else "is not in the data map"
        raise JagaError(f"table {name!r} {problem}", where=self.source, hint=f"known tables: {known}")


def _parent(meta: dict[str, object], dataset: str) -> tuple[str, str, str] | None:
    for ref in meta.get("references") or []:  # type: ignore[attr-defined]
        if isinstance(ref, dict) and ref.get("direction", "from") in ("from", "both"):
            collection, _, field = str(ref.get("field", "")).rpartition(".")
            if collection and field:
                return str(ref.get("dataset") or dataset), collection, field
    return None


def read_map(path: str | Path) -> Map:
    """Read the tables of a Fides dataset YAML file; a file that is not one is a :class:`JagaError`."""
    file = Path(path)
    try:
        data = load_yaml(file.read_text(encoding="utf-8"), str(file))
    except OSError as exc:
        raise JagaError(f"cannot read data map ({exc.strerror})", where=str(file), hint="check the path") from None
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), list):
        raise JagaError("not a Fides dataset file", where=str(file), hint="the file needs a top-level `dataset:` list")
    tables = []
    for ds in data["dataset"]:
        key = str(ds.get("fides_key", ""))
        for coll in ds.get("collections") or []:
            columns = []
            for f in coll.get("fields") or []:
                meta = f.get("fides_meta") or {}
                columns.append(
                    Column(
                        name=str(f["name"]),
                        categories=tuple(f.get("data_categories") or ()),
                        identity=meta.get("identity"),
                        primary_key=bool(meta.get("primary_key")),
                        parent=_parent(meta, key),
                    )
                )
            tables.append(Table(key, str(coll["name"]), tuple(columns)))
    return Map(tuple(tables), str(file))
