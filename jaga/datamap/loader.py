"""Read a data map (Fides dataset YAML plus ``jaga:`` keys) and name the file and line of every mistake.

The YAML is composed with the policy loader's position-keeping helper, so a reference to an unknown
collection, a category the taxonomy lacks or a reference cycle with no identity to start from all point
at the line the person typed.

Format (a superset of Fides' dataset files; everything under ``jaga:`` is optional)::

    connections: {shop: JAGA_DB_SHOP_URL}      # dataset -> env var holding its SQLAlchemy URL
    dataset:
      - fides_key: shop
        collections:
          - name: customers
            jaga: {erase: update, legal_hold: tax_records, hold_from: created_at, restrict_column: restricted,
                   retention_trigger: {collection: created_at, account_closure: closed_at}}
            fields:
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email}
                jaga: {erase: hash}            # keep | null | fixed | hash | pseudonym | generalise
              - name: id
                fides_meta: {primary_key: true}
          - name: orders
            jaga: {owner: customer_id}         # rows are the subject's only through these field(s)
            fields:
              - name: customer_id
                fides_meta: {references: [{dataset: shop, field: customers.id, direction: from}]}
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jaga.datamap.model import Collection, DataMap, Dataset, Direction, Field, Reference, Strategy
from jaga.errors import JagaError
from jaga.policy import Taxonomy, Trigger, default_taxonomy
from jaga.policy.yamlsource import Positions, Problem, ProblemsError, compose, suggest

PathKey = tuple[str | int, ...]


class DataMapInvalid(ProblemsError):
    """The data map has one or more problems; ``problems`` lists each with ``file:line:column``."""


_COLLECTION_JAGA = {"erase", "legal_hold", "hold_from", "hold_keeps", "retention_trigger", "restrict_column", "owner"}
# Spellings used by other jaga tools and the sample map; "delete" on a field means "no opinion if the
# row must stay" (the row itself goes when it can).
_STRATEGY_ALIASES = {"hmac": "hash", "generalise_year": "generalise", "generalize": "generalise"}
_FIELD_JAGA = {"erase", "value", "about"}


class _Reader:
    """Turns the composed document into model objects, collecting every problem on the way."""

    def __init__(self, pos: Positions, taxonomy: Taxonomy) -> None:
        self.pos = pos
        self.taxonomy = taxonomy
        self.problems: list[Problem] = []

    def problem(self, path: PathKey, message: str, hint: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.pos.at(path, key=key), message, hint))

    def mapping(self, value: Any, path: PathKey, what: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        if value is not None:
            self.problem(path, f"{what} must be a mapping", "write key: value pairs here")
        return {}

    def listing(self, value: Any, path: PathKey, what: str) -> list[Any]:
        if isinstance(value, list):
            return value
        if value is not None:
            self.problem(path, f"{what} must be a list", "start each entry with '- '")
        return []

    def text(self, data: dict[str, Any], key: str, path: PathKey, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, f"missing required key {key!r}", "add it")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.problem((*path, key), f"{key} must be text", "write a plain word")
            return None
        return str(value)

    def extension(self, data: dict[str, Any], path: PathKey, allowed: set[str]) -> dict[str, Any]:
        ext = self.mapping(data.get("jaga"), (*path, "jaga"), "jaga:")
        for key in ext:
            if key not in allowed:
                self.problem(
                    (*path, "jaga", key),
                    f"unknown jaga key {key!r}",
                    suggest(key, allowed) + f"allowed here: {', '.join(sorted(allowed))}",
                    key=True,
                )
        return ext

    def dataset(self, raw: Any, path: PathKey, connections: dict[str, str]) -> Dataset | None:
        data = self.mapping(raw, path, "a dataset")
        key = self.text(data, "fides_key", path, required=True)
        if key is None:
            return None
        ext = self.extension(data, path, {"connection"})
        collections = [
            c
            for i, raw_c in enumerate(self.listing(data.get("collections"), (*path, "collections"), "collections"))
            if (c := self.collection(raw_c, (*path, "collections", i), key)) is not None
        ]
        connection = ext.get("connection") or connections.get(key)
        return Dataset(key, tuple(collections), self.pos.at(path), str(connection) if connection else None)

    def collection(self, raw: Any, path: PathKey, dataset: str) -> Collection | None:
        data = self.mapping(raw, path, "a collection")
        name = self.text(data, "name", path, required=True)
        if name is None:
            return None
        ext = self.extension(data, path, _COLLECTION_JAGA)
        erase = ext.get("erase")
        if erase not in (None, "delete", "update"):
            self.problem(
                (*path, "jaga", "erase"),
                f"collection erase must be delete or update, not {erase!r}",
                "use delete (remove rows) or update (erase columns, keep rows)",
            )
        fields = [
            f
            for i, raw_f in enumerate(self.listing(data.get("fields"), (*path, "fields"), "fields"))
            if (f := self.field(raw_f, (*path, "fields", i), dataset, name)) is not None
        ]
        if erase is None and any(f.strategy not in (None, Strategy.keep) for f in fields if f.personal):
            erase = "update"  # a field says how to erase it in place: the row is meant to stay
        triggers = self.triggers(ext.get("retention_trigger"), (*path, "jaga", "retention_trigger"))
        keeps_path = (*path, "jaga", "hold_keeps")
        keeps = (
            [str(c) for c in self.listing(ext["hold_keeps"], keeps_path, "hold_keeps")] if "hold_keeps" in ext else None
        )
        self.known(keeps or [], keeps_path)
        owner = ext.get("owner")
        owners = [owner] if isinstance(owner, str) else owner if isinstance(owner, list) else []
        if owner is not None and (not owners or not all(isinstance(o, str) and o for o in owners)):
            self.problem(
                (*path, "jaga", "owner"),
                "owner must name a field, or a list of fields, of this collection",
                "e.g. jaga: {owner: customer_id}: the reference through which rows belong to the subject",
            )
            owners = []
        return Collection(
            name,
            tuple(fields),
            self.pos.at(path),
            erase,
            ext.get("legal_hold"),
            ext.get("hold_from") or dict(triggers).get("*") or dict(triggers).get("collection"),
            ext.get("restrict_column"),
            triggers,
            tuple(str(o) for o in owners),
            tuple(keeps) if keeps is not None else None,
        )

    def triggers(self, raw: Any, path: PathKey) -> tuple[tuple[str, str], ...]:
        """``retention_trigger: col`` (one column for every trigger) or ``{trigger: col, ...}``."""
        if raw is None:
            return ()
        if isinstance(raw, str):
            return (("*", raw),)
        allowed = {t.value for t in Trigger}
        out = []
        for key, column in self.mapping(raw, path, "retention_trigger").items():
            if key not in allowed:
                self.problem(
                    (*path, key),
                    f"unknown retention trigger {key!r}",
                    suggest(str(key), allowed) + f"use one of: {', '.join(sorted(allowed))}",
                    key=True,
                )
            elif not isinstance(column, str):
                self.problem((*path, key), "a retention trigger names one column", "write trigger: column_name")
            else:
                out.append((str(key), column))
        return tuple(out)

    def known(self, categories: list[str], path: PathKey) -> None:
        """A problem for each category the taxonomy lacks, at its place in the list."""
        for i, cat in enumerate(categories):
            if cat not in self.taxonomy.data_categories:
                self.problem(
                    (*path, i),
                    f"unknown data category {cat!r}",
                    suggest(cat, self.taxonomy.data_categories)
                    + "use a key from `jaga taxonomy categories` or the policy's custom_categories",
                )

    def field(self, raw: Any, path: PathKey, dataset: str, collection: str) -> Field | None:
        data = self.mapping(raw, path, "a field")
        name = self.text(data, "name", path, required=True)
        if name is None:
            return None
        if data.get("fields"):
            self.problem(
                (*path, "fields"),
                "nested (object) fields are not supported",
                "map each column of a relational table as its own field",
            )
        cats_path = (*path, "data_categories")
        categories = [str(c) for c in self.listing(data.get("data_categories"), cats_path, "data_categories")]
        self.known(categories, cats_path)
        meta = self.mapping(data.get("fides_meta"), (*path, "fides_meta"), "fides_meta")
        refs = tuple(
            r
            for i, raw_r in enumerate(
                self.listing(meta.get("references"), (*path, "fides_meta", "references"), "references")
            )
            if (r := self.reference(raw_r, (*path, "fides_meta", "references", i), dataset)) is not None
        )
        ext = self.extension(data, path, _FIELD_JAGA)
        strategy: Strategy | None = None
        if "erase" in ext and str(ext["erase"]) != "delete":
            try:
                strategy = Strategy(_STRATEGY_ALIASES.get(str(ext["erase"]), str(ext["erase"])))
            except ValueError:
                self.problem(
                    (*path, "jaga", "erase"),
                    f"unknown erase strategy {ext['erase']!r}",
                    "use one of: " + ", ".join(s.value for s in Strategy),
                )
        identity = meta.get("identity")
        return Field(
            name=name,
            categories=tuple(categories),
            where=self.pos.at(path),
            identity=str(identity) if identity else None,
            primary_key=bool(meta.get("primary_key")),
            references=refs,
            strategy=strategy,
            fixed_value=None if ext.get("value") is None else str(ext["value"]),
            about=str(ext["about"]) if ext.get("about") else None,
            category_where=tuple(self.pos.at((*cats_path, i)) for i in range(len(categories))),
        )

    def reference(self, raw: Any, path: PathKey, dataset: str) -> Reference | None:
        data = self.mapping(raw, path, "a reference")
        target = self.text(data, "field", path, required=True)
        if target is None:
            return None
        if target.count(".") != 1:
            self.problem(
                (*path, "field"), f"reference field {target!r} must be collection.field", "write e.g. customers.id"
            )
            return None
        coll, fld = target.split(".")
        direction = data.get("direction") or "both"
        if direction not in ("from", "to", "both"):
            self.problem(
                (*path, "direction"),
                f"direction must be from or to, not {direction!r}",
                "from: the referenced values find rows here; to: the other way round",
            )
            return None
        return Reference(str(data.get("dataset") or dataset), coll, fld, Direction(direction), self.pos.at(path))


def _check_links(datamap: DataMap) -> list[Problem]:
    """References must name existing collections/fields; cycles must have an identity to start from."""
    problems: list[Problem] = []
    for ds, coll in datamap.collections():
        for fld in coll.fields:
            for ref in fld.references:
                other = datamap.dataset(ref.dataset)
                target = other.collection(ref.collection) if other else None
                if other is None:
                    problems.append(
                        Problem(
                            ref.where,
                            f"reference to unknown dataset {ref.dataset!r}",
                            suggest(ref.dataset, [d.key for d in datamap.datasets])
                            + "declare the dataset or fix its fides_key",
                        )
                    )
                elif target is None:
                    problems.append(
                        Problem(
                            ref.where,
                            f"reference to unknown table {ref.collection!r}",
                            suggest(ref.collection, [c.name for c in other.collections])
                            + f"declare it under dataset {other.key!r} or fix the name",
                        )
                    )
                elif target.field(ref.field) is None:
                    problems.append(
                        Problem(
                            ref.where,
                            f"reference to unknown column {ref.collection}.{ref.field!r}",
                            suggest(ref.field, [f.name for f in target.fields])
                            + f"declare the field under {ref.collection!r} or fix the name",
                        )
                    )
        for name in (coll.hold_from, coll.restrict_column, *(c for _, c in coll.retention_trigger), *coll.owner):
            if name and coll.field(name) is None:
                problems.append(
                    Problem(
                        coll.where,
                        f"jaga key names unknown column {name!r} of {coll.name!r}",
                        "declare that field in the collection",
                    )
                )
        for fld in coll.fields:
            if fld.about and coll.field(fld.about) is None:
                problems.append(
                    Problem(
                        fld.where,
                        f"jaga.about of {coll.name}.{fld.name} names unknown column {fld.about!r}",
                        "name the link column (e.g. employee_id) whose person this field describes",
                    )
                )
        del ds
    if problems:
        return problems
    from jaga.datamap.graph import unseeded_cycles

    for cycle in unseeded_cycles(datamap):
        names = " -> ".join(f"{d.key}.{c.name}" for d, c in cycle)
        problems.append(
            Problem(
                cycle[0][1].where,
                f"reference cycle with no identity key: {names}",
                "mark a field of one of these tables with fides_meta.identity, or link the "
                "cycle to a table that has one",
            )
        )
    return problems


def parse_datamap(
    text: str, source: str = "<datamap>", taxonomy: Taxonomy | None = None, *, check_links: bool = True
) -> DataMap:
    """Parse and validate a data map; raise :class:`DataMapInvalid` listing every problem.

    ``check_links=False`` defers checking references, for maps split over several files.
    """
    try:
        data, pos = compose(text, source, "data map")
    except ProblemsError as exc:
        raise DataMapInvalid(exc.problems) from None
    reader = _Reader(pos, taxonomy or default_taxonomy())
    raw_conn = reader.mapping(data.get("connections"), ("connections",), "connections")
    connections = {str(k): str(v) for k, v in raw_conn.items()}
    for key in data:
        if key not in ("dataset", "connections"):
            reader.problem(
                (key,), f"unknown top-level key {key!r}", "a data map has dataset: and connections:", key=True
            )
    raw_sets = reader.listing(data.get("dataset"), ("dataset",), "dataset")
    if "dataset" not in data:
        reader.problem((), "missing top-level key 'dataset'", "write `dataset:` followed by a list of datasets")
    datasets = [d for i, raw in enumerate(raw_sets) if (d := reader.dataset(raw, ("dataset", i), connections))]
    seen: set[tuple[str, ...]] = set()
    for d in datasets:
        for c in d.collections:
            if (d.key, c.name) in seen:
                reader.problems.append(Problem(c.where, f"table {c.name!r} is declared twice", "keep one"))
            seen.add((d.key, c.name))
    if reader.problems:
        raise DataMapInvalid(reader.problems)
    digest = hashlib.sha256(text.encode()).hexdigest()
    datamap = DataMap(tuple(datasets), source, digest, connections)
    problems = _check_links(datamap) if check_links else []
    if problems:
        raise DataMapInvalid(problems)
    return datamap


def load_datamap(paths: str | Path | Iterable[str | Path], taxonomy: Taxonomy | None = None) -> DataMap:
    """Read one data-map file (or several, merged); failures name the file and line."""
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    maps = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise JagaError(f"cannot read data map ({exc.strerror})", where=str(file), hint="check the path") from None
        maps.append(parse_datamap(text, str(file), taxonomy, check_links=len(files) == 1))
    if len(maps) == 1:
        return maps[0]
    digest = hashlib.sha256("".join(m.digest for m in maps).encode()).hexdigest()
    merged = DataMap(
        tuple(d for m in maps for d in m.datasets),
        ",".join(m.source for m in maps),
        digest,
        {k: v for m in maps for k, v in m.connections.items()},
    )
    problems = _check_links(merged)
    if problems:
        raise DataMapInvalid(problems)
    return merged
