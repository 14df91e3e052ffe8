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

Fides' own keys are honoured as Fides does (``fidesops_meta`` is read as ``fides_meta``): a dataset's
``namespace: {schema, database_name}`` and ``after``; a collection's ``after``, ``erase_after``,
``skip_processing`` and ``masking_strategy_override: {strategy: delete}``; a field's ``identity``,
``primary_key``, ``references``, ``data_type``, ``length``, ``read_only`` and
``masking_strategy_override`` (``null_rewrite``, ``string_rewrite``). Names and descriptions only
describe. Any other key is an error at its line (:mod:`jaga.datamap.fides`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jaga.datamap import fides
from jaga.datamap.erasure import read_erasure
from jaga.datamap.links import link_problems
from jaga.datamap.model import Collection, DataMap, Dataset, Direction, Field, Reference, Strategy
from jaga.datamap.reading import PathKey, Reader
from jaga.errors import JagaError
from jaga.policy import Taxonomy, Trigger, default_taxonomy
from jaga.policy.yamlsource import Problem, ProblemsError, compose, suggest


class DataMapInvalid(ProblemsError):
    """The data map has one or more problems; ``problems`` lists each with ``file:line:column``."""


_COLLECTION_JAGA = {"erase", "legal_hold", "hold_from", "hold_keeps", "retention_trigger", "restrict_column", "owner"}
# Spellings used by other jaga tools and the sample map; "delete" on a field means "no opinion if the
# row must stay" (the row itself goes when it can).
_STRATEGY_ALIASES = {"hmac": "hash", "generalise_year": "generalise", "generalize": "generalise"}
_FIELD_JAGA = {"erase", "value", "about"}


class _Reader(Reader):
    """Turns the composed document into model objects, collecting every problem on the way."""

    def dataset(self, raw: Any, path: PathKey, connections: dict[str, str]) -> Dataset | None:
        data = self.mapping(raw, path, "a dataset")
        key = self.text(data, "fides_key", path, required=True)
        if key is None:
            return None
        self.keys(data, path, fides.DATASET_KEYS, "dataset")
        meta = self.meta(data, path, fides.DATASET_META, "dataset")
        meta_path = (*path, "fides_meta" if "fides_meta" in data else "fidesops_meta")
        namespace = self.mapping(meta.get("namespace"), (*meta_path, "namespace"), "namespace")
        self.keys(namespace, (*meta_path, "namespace"), fides.NAMESPACE, "namespace")
        schema = self.text(namespace, "schema", (*meta_path, "namespace"))
        database_name = self.text(namespace, "database_name", (*meta_path, "namespace"))
        ext = self.extension(data, path, {"connection"})
        collections = [
            c
            for i, raw_c in enumerate(self.listing(data.get("collections"), (*path, "collections"), "collections"))
            if (c := self.collection(raw_c, (*path, "collections", i), key)) is not None
        ]
        connection = ext.get("connection") or connections.get(key)
        return Dataset(
            key,
            tuple(collections),
            self.pos.at(path),
            str(connection) if connection else None,
            schema,
            database_name,
            self.names(meta.get("after"), (*meta_path, "after"), 1),
        )

    def collection(self, raw: Any, path: PathKey, dataset: str) -> Collection | None:
        data = self.mapping(raw, path, "a collection")
        name = self.text(data, "name", path, required=True)
        if name is None:
            return None
        self.keys(data, path, fides.COLLECTION_KEYS, "collection")
        meta = self.meta(data, path, fides.COLLECTION_META, "collection")
        meta_path = (*path, "fides_meta" if "fides_meta" in data else "fidesops_meta")
        ext = self.extension(data, path, _COLLECTION_JAGA)
        erase = ext.get("erase")
        override = meta.get("masking_strategy_override")
        if override is not None:
            over = self.mapping(override, (*meta_path, "masking_strategy_override"), "masking_strategy_override")
            if over.get("strategy") != "delete" or set(over) - {"strategy"}:
                self.problem(
                    (*meta_path, "masking_strategy_override"),
                    "a collection's masking_strategy_override can only be {strategy: delete}",
                    "as in Fides: delete the rows; say how to mask each field on the field itself",
                )
            elif erase not in (None, "delete"):
                self.problem((*path, "jaga", "erase"), "jaga erase contradicts masking_strategy_override", "keep one")
            else:
                erase = "delete"
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
            self.names(meta.get("after"), (*meta_path, "after"), 2),
            self.names(meta.get("erase_after"), (*meta_path, "erase_after"), 2),
            self.flag(meta, "skip_processing", meta_path),
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

    def field(self, raw: Any, path: PathKey, dataset: str, collection: str) -> Field | None:
        data = self.mapping(raw, path, "a field")
        name = self.text(data, "name", path, required=True)
        if name is None:
            return None
        self.keys(data, path, fides.FIELD_KEYS, "field")
        if data.get("fields"):
            self.problem(
                (*path, "fields"),
                "nested (object) fields are not supported",
                "map each column of a relational table as its own field",
            )
        cats_path = (*path, "data_categories")
        categories = [str(c) for c in self.listing(data.get("data_categories"), cats_path, "data_categories")]
        self.known(categories, cats_path)
        meta = self.meta(data, path, fides.FIELD_META, "field")
        meta_path = (*path, "fides_meta" if "fides_meta" in data else "fidesops_meta")
        refs = tuple(
            r
            for i, raw_r in enumerate(self.listing(meta.get("references"), (*meta_path, "references"), "references"))
            if (r := self.reference(raw_r, (*meta_path, "references", i), dataset)) is not None
        )
        ext = self.extension(data, path, _FIELD_JAGA)
        strategy: Strategy | None = None
        fixed = None if ext.get("value") is None else str(ext["value"])
        if meta.get("masking_strategy_override") is not None:
            if "erase" in ext:
                self.problem((*path, "jaga", "erase"), "jaga erase contradicts masking_strategy_override", "keep one")
            strategy, fixed = self.masking(meta["masking_strategy_override"], (*meta_path, "masking_strategy_override"))
        elif "erase" in ext and str(ext["erase"]) != "delete":
            try:
                strategy = Strategy(_STRATEGY_ALIASES.get(str(ext["erase"]), str(ext["erase"])))
            except ValueError:
                self.problem(
                    (*path, "jaga", "erase"),
                    f"unknown erase strategy {ext['erase']!r}",
                    "use one of: " + ", ".join(s.value for s in Strategy),
                )
        identity = meta.get("identity")
        data_type = self.text(meta, "data_type", meta_path)
        if data_type is not None and data_type not in fides.DATA_TYPES:
            self.problem(
                (*meta_path, "data_type"),
                f"data_type {data_type!r} is not supported by jaga",
                "use one of: " + ", ".join(fides.DATA_TYPES) + " (jaga maps relational columns)",
            )
        length = meta.get("length")
        if length is not None and (not isinstance(length, int) or isinstance(length, bool) or length < 1):
            self.problem((*meta_path, "length"), "length must be a positive whole number", "write e.g. 40")
            length = None
        return Field(
            name=name,
            categories=tuple(categories),
            where=self.pos.at(path),
            identity=str(identity) if identity else None,
            primary_key=bool(meta.get("primary_key")),
            references=refs,
            strategy=strategy,
            fixed_value=fixed,
            about=str(ext["about"]) if ext.get("about") else None,
            category_where=tuple(self.pos.at((*cats_path, i)) for i in range(len(categories))),
            data_type=data_type,
            length=length,
            read_only=self.flag(meta, "read_only", meta_path),
        )

    def masking(self, raw: Any, path: PathKey) -> tuple[Strategy | None, str | None]:
        """A field's Fides ``masking_strategy_override`` as a jaga strategy (and fixed value)."""
        data = self.mapping(raw, path, "masking_strategy_override")
        self.keys(data, path, frozenset({"strategy", "configuration"}), "masking_strategy_override")
        name = str(data.get("strategy"))
        if name in fides.SECRET_MASKING:
            self.problem(
                (*path, "strategy"),
                f"masking strategy {name!r} needs secret keys, which Fides refuses in a field's override",
                "use null_rewrite or string_rewrite, or jaga: {erase: hash} for jaga's keyed hash",
            )
            return None, None
        if name not in fides.FIELD_MASKING:
            self.problem(
                (*path, "strategy"),
                f"masking strategy {name!r} is not supported by jaga",
                "use one of: " + ", ".join(fides.FIELD_MASKING),
            )
            return None, None
        strategy, allowed = fides.FIELD_MASKING[name]
        config = self.mapping(data.get("configuration"), (*path, "configuration"), "configuration")
        self.keys(config, (*path, "configuration"), allowed, f"{name} configuration")
        value, wrong = fides.fixed_value(name, config)
        if wrong:
            self.problem((*path, "configuration"), wrong, "change the configuration or the strategy")
        return strategy, value

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
        if key not in ("dataset", "connections", "jaga"):
            reader.problem(
                (key,), f"unknown top-level key {key!r}", "a data map has dataset:, connections: and jaga:", key=True
            )
    erase_cats, erase_masks = read_erasure(reader, data.get("jaga"))
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
    datamap = DataMap(tuple(datasets), source, digest, connections, erase_cats, erase_masks)
    problems = link_problems(datamap) if check_links else []
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
        except UnicodeDecodeError:
            raise JagaError("not UTF-8 text (a binary file?)", where=str(file), hint="save the file as UTF-8") from None
        except OSError as exc:
            raise JagaError(f"cannot read data map ({exc.strerror})", where=str(file), hint="check the path") from None
        maps.append(parse_datamap(text, str(file), taxonomy, check_links=len(files) == 1))
    if len(maps) == 1:
        return maps[0]
    digest = hashlib.sha256("".join(m.digest for m in maps).encode()).hexdigest()
    scopes = {(m.erasure_categories, m.erasure_masking) for m in maps if m.erasure_categories or m.erasure_masking}
    if len(scopes) > 1:
        raise JagaError(
            "the files set different default erasure scopes (jaga: erasure:)",
            where=",".join(m.source for m in maps),
            hint="set it in one file only",
        )
    cats, masks = scopes.pop() if scopes else ((), ())
    merged = DataMap(
        tuple(d for m in maps for d in m.datasets),
        ",".join(m.source for m in maps),
        digest,
        {k: v for m in maps for k, v in m.connections.items()},
        cats,
        masks,
    )
    problems = link_problems(merged)
    if problems:
        raise DataMapInvalid(problems)
    return merged
