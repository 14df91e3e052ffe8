"""Write a proposal as Fides dataset YAML, read an existing map, and list what it fails to declare.

The confidence goes into each field's ``description``: the data-map loader accepts only its own
``jaga:`` keys, and a reviewer reading the YAML sees the number next to the proposal anyway.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from jaga.discover import _model as m
from jaga.discover._model import ColumnProposal, DataMapProposal
from jaga.errors import JagaError
from jaga.policy import load_yaml

_KEY = re.compile(r"[^A-Za-z0-9_]+")
# The identities a data-subject request is searched by (``--identity email=…``), proposed for the columns
# that hold them, so the map can serve requests as written. Not for a column named for somebody else:
# erasing a person by phone must not find the row that lists them as another's emergency contact.
_IDENTITIES = {m.EMAIL: "email", m.PHONE: "phone", m.NIK: "nik"}
_SOMEONE_ELSE = re.compile(
    r"darurat|emergency|kerabat|keluarga|family|wali|guardian|ayah|ibu_|father|mother|suami|istri|spouse|"
    r"pasangan|partner|penerima|recipient|pengirim|sender|atasan|manager|referen|referr|pic_|sales|agen|agent",
    re.IGNORECASE,
)


def fides_key(name: str) -> str:
    """A Fides key (letters, digits, underscores) derived from a database or file name."""
    return _KEY.sub("_", name).strip("_") or "discovered"


def _field(column: ColumnProposal, dataset: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"data_type": column.data_type}
    if column.primary_key:
        meta["primary_key"] = True
    if column.references:
        meta["references"] = [
            {"dataset": dataset, "field": f"{table}.{target}", "direction": "from"}
            for table, target in column.references
        ]
    identity = _IDENTITIES.get(column.category or "") if not _SOMEONE_ELSE.search(column.column) else None
    if identity:
        meta["identity"] = identity
    field: dict[str, Any] = {"name": column.column}
    if column.categories:
        field["description"] = (
            f"Proposed by jaga discover: {', '.join(column.categories)} "
            f"(confidence {column.confidence:.2f}; name {column.name_score:.2f}, "
            f"values {column.value_score:.2f}, {column.sampled} sampled)"
            + (f"; identity {identity}: requests find the person by it" if identity else "")
        )
        field["data_categories"] = list(column.categories)
    else:
        field["data_categories"] = []
    field["fides_meta"] = meta
    return field


def to_fides(proposal: DataMapProposal) -> dict[str, Any]:
    """The proposal as a Fides ``dataset:`` document (every column, PII or not, in scan order)."""
    collections: dict[str, list[dict[str, Any]]] = {}
    key = fides_key(proposal.name)
    for column in proposal.columns:
        collections.setdefault(column.table, []).append(_field(column, key))
    return {
        "dataset": [
            {
                "fides_key": key,
                "name": proposal.name,
                "description": "Data map proposed by jaga discover; review every category before use.",
                "collections": [{"name": name, "fields": fields} for name, fields in collections.items()],
            }
        ]
    }


def dump_fides(proposal: DataMapProposal) -> str:
    """The Fides YAML text of a proposal."""
    return yaml.safe_dump(to_fides(proposal), sort_keys=False, allow_unicode=True, width=110)


def declared_categories(path: str | Path) -> dict[tuple[str, str], set[str]]:
    """``(collection, field) -> categories`` declared in an existing Fides dataset file."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise JagaError("cannot read the existing data map", where=str(path)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("dataset"), list):
        raise JagaError(
            "the existing data map has no `dataset:` list", where=str(path), hint="pass a Fides dataset YAML file"
        )
    declared: dict[tuple[str, str], set[str]] = {}

    def walk(collection: str, prefix: str, fields: Any) -> None:
        for field in fields or []:
            if not isinstance(field, dict) or "name" not in field:
                continue
            name = f"{prefix}{field['name']}"
            declared.setdefault((collection, name), set()).update(map(str, field.get("data_categories") or []))
            walk(collection, f"{name}.", field.get("fields"))

    for dataset in data["dataset"]:
        for collection in (dataset or {}).get("collections") or []:
            if isinstance(collection, dict) and "name" in collection:
                walk(str(collection["name"]), "", collection.get("fields"))
    return declared


def _covered(category: str, declared: set[str]) -> bool:
    """A declared category covers itself and its descendants (``user.contact`` covers email)."""
    return any(category == d or category.startswith(d + ".") for d in declared)


def undeclared(proposal: DataMapProposal, existing: str | Path) -> list[ColumnProposal]:
    """Columns proposed to hold personal data that the existing map does not declare as such."""
    declared = declared_categories(existing)
    missing: list[ColumnProposal] = []
    for column in proposal.personal():
        have = declared.get((column.table, column.column), set())
        if not all(_covered(c, have) for c in column.categories):
            missing.append(column)
    return missing
