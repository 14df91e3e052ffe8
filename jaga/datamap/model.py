"""The data map as plain frozen objects: where each data category of a subject lives.

Every object keeps ``where`` (``file:line:column``) so that problems found later — a table missing from
the live database, a category the policy does not declare — still point at the line the person typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    """Which way subject keys flow along a reference (Fides ``fides_meta.references.direction``)."""

    from_ = "from"  # the referenced field's values select rows here
    to = "to"  # this field's values select rows in the referenced collection
    both = "both"


class Strategy(StrEnum):
    """How one column is erased when its row must stay (see :mod:`jaga.actions.strategies`)."""

    keep = "keep"
    null = "null"
    fixed = "fixed"
    hash = "hash"
    pseudonym = "pseudonym"
    generalise = "generalise"


@dataclass(frozen=True)
class Reference:
    """A link from one field to another, possibly in another dataset (database)."""

    dataset: str
    collection: str
    field: str
    direction: Direction
    where: str


@dataclass(frozen=True)
class Field:
    """One column: its categories, whether it identifies the subject, and how to erase it."""

    name: str
    categories: tuple[str, ...]
    where: str
    identity: str | None = None
    primary_key: bool = False
    references: tuple[Reference, ...] = ()
    strategy: Strategy | None = None
    fixed_value: str | None = None
    category_where: tuple[str, ...] = ()
    about: str | None = None
    """``jaga.about``: the link column whose person this field describes (``handler_name`` about
    ``employee_id``): cleared with that link in rows that are not the person's own."""
    data_type: str | None = None  # Fides ``data_type``: identity and reference values are cast to it
    length: int | None = None  # Fides ``length``: no erased value written here is longer
    read_only: bool = False  # Fides ``read_only``: never changed or deleted, only shown

    @property
    def personal(self) -> bool:
        """Whether the column holds data about a person (any ``user.*`` category)."""
        return any(c == "user" or c.startswith("user.") for c in self.categories)


@dataclass(frozen=True)
class Collection:
    """One table. ``legal_hold`` names a policy retention rule that keeps whole rows."""

    name: str
    fields: tuple[Field, ...]
    where: str
    erase: str | None = None  # "delete" | "update" | None (decided from holds and references)
    legal_hold: str | None = None
    hold_from: str | None = None
    restrict_column: str | None = None
    # (trigger, column) pairs: the column a retention clock runs from; trigger "*" serves every trigger
    retention_trigger: tuple[tuple[str, str], ...] = ()
    # ``jaga.owner``: the fields (identities or references) through which a row is the subject's own;
    # empty: decided from identities and references (:func:`jaga.datamap.graph.owners`)
    owner: tuple[str, ...] = ()
    # Fides ``fides_meta``: "dataset.collection" addresses this table is read / erased after, and
    # ``skip_processing`` (the table is left out of every request, as if it were not in the map)
    after: tuple[str, ...] = ()
    erase_after: tuple[str, ...] = ()
    skip_processing: bool = False
    # the data categories the table's legal hold needs kept (None: the hold's own, or the default)
    hold_keeps: tuple[str, ...] | None = None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def trigger_column(self, trigger: str) -> str | None:
        """The column recording ``trigger`` (a policy ``Trigger`` value) for this table, if the map names one."""
        named = dict(self.retention_trigger)
        return named.get(trigger) or named.get("*")

    @property
    def primary_key(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.primary_key)


@dataclass(frozen=True)
class Dataset:
    """One database; ``connection`` is the name of the environment variable holding its URL."""

    key: str
    collections: tuple[Collection, ...]
    where: str
    connection: str | None = None
    # Fides ``fides_meta.namespace``: the schema its tables live in, and the database the URL must name
    schema: str | None = None
    database_name: str | None = None
    after: tuple[str, ...] = ()  # Fides ``fides_meta.after``: datasets processed before this one

    def collection(self, name: str) -> Collection | None:
        return next((c for c in self.collections if c.name == name), None)


@dataclass(frozen=True)
class DataMap:
    """Every dataset of a company, read from one or more YAML files."""

    datasets: tuple[Dataset, ...]
    source: str
    digest: str = ""
    connections: dict[str, str] = field(default_factory=dict)
    # ``jaga: {erasure: ...}``: the scope an erasure takes when the request names none, as a Fides
    # erasure policy's rules do (categories; masking per category); empty: all personal data
    erasure_categories: tuple[str, ...] = ()
    erasure_masking: tuple[tuple[str, str], ...] = ()

    def dataset(self, key: str) -> Dataset | None:
        return next((d for d in self.datasets if d.key == key), None)

    def collections(self) -> list[tuple[Dataset, Collection]]:
        """Every table a request processes: those marked ``skip_processing`` are left out."""
        return [(d, c) for d in self.datasets for c in d.collections if not c.skip_processing]

    def skipped(self, dataset: str, collection: str) -> bool:
        """Whether the map marks this table ``skip_processing`` (nothing reads or changes it)."""
        ds = self.dataset(dataset)
        coll = ds.collection(collection) if ds else None
        return coll is not None and coll.skip_processing

    def categories(self) -> set[str]:
        return {cat for _, c in self.collections() for f in c.fields for cat in f.categories}
