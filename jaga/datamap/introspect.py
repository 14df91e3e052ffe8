"""Draft a data map from a live database, and check a map against the database and the policy."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml
from sqlalchemy import Engine, inspect, make_url
from sqlalchemy.exc import SQLAlchemyError

from jaga.datamap.connect import Connections
from jaga.datamap.coverage import undeclared_problems
from jaga.datamap.graph import reachable
from jaga.datamap.model import DataMap
from jaga.errors import ConfigError
from jaga.policy import Policy, Problem
from jaga.store import check_connection, existing_database, make_engine, redact_url

# Column names that almost always mean one thing; everything else is left for a person (or discover/).
_GUESSES: list[tuple[str, str, str | None]] = [
    (r"e_?mail", "user.contact.email", "email"),
    (r"phone|mobile|hp|telepon", "user.contact.phone_number", "phone_number"),
    (r"^nik$", "user.government_id.nik", None),
    (r"npwp", "user.government_id.npwp", None),
    (r"(birth|dob|tanggal_lahir)", "user.demographic.date_of_birth", None),
    (r"(^|_)(full_)?name$|^nama", "user.name", None),
    (r"address|alamat", "user.contact.address", None),
    (r"ip_?addr", "user.device.ip_address", None),
]


def _guess(column: str) -> tuple[list[str], str | None]:
    for pattern, category, identity in _GUESSES:
        if re.search(pattern, column, re.IGNORECASE):
            return [category], identity
    return [], None


def introspect(url: str, dataset: str | None = None) -> str:
    """A draft data map (YAML) of every table, column, primary key and foreign key at ``url``.

    Categories are guessed only from unambiguous column names; the draft is meant to be reviewed.
    """
    engine = make_engine(existing_database(url))
    check_connection(engine)
    key = dataset or re.sub(r"[^a-z0-9_]", "_", (make_url(url).database or "db").split("/")[-1].lower())
    key = key.removesuffix("_db").removesuffix(".db") or "db"
    try:
        insp = inspect(engine)
        collections: list[dict[str, Any]] = []
        for table in sorted(insp.get_table_names()):
            pk = set(insp.get_pk_constraint(table).get("constrained_columns") or [])
            refs: dict[str, list[dict[str, str]]] = {}
            for fk in insp.get_foreign_keys(table):
                for col, target in zip(fk["constrained_columns"], fk["referred_columns"], strict=False):
                    refs.setdefault(col, []).append(
                        {"dataset": key, "field": f"{fk['referred_table']}.{target}", "direction": "from"}
                    )
            fields = []
            for column in insp.get_columns(table):
                name = column["name"]
                categories, identity = _guess(name)
                entry: dict[str, Any] = {"name": name}
                if categories:
                    entry["data_categories"] = categories
                meta: dict[str, Any] = {}
                if identity:
                    meta["identity"] = identity
                if name in pk:
                    meta["primary_key"] = True
                if name in refs:
                    meta["references"] = refs[name]
                if meta:
                    entry["fides_meta"] = meta
                fields.append(entry)
            collections.append({"name": table, "fields": fields})
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot read the schema of {redact_url(url)}: {type(exc).__name__}") from None
    finally:
        engine.dispose()
    doc = {"dataset": [{"fides_key": key, "name": key, "collections": collections}]}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def _schema(engine: Engine, namespace: str | None = None) -> dict[str, set[str]]:
    insp = inspect(engine)
    if namespace is not None and namespace not in insp.get_schema_names():
        return {}
    return {
        t: {c["name"] for c in insp.get_columns(t, schema=namespace)}
        for t in [*insp.get_table_names(schema=namespace), *insp.get_view_names(schema=namespace)]
    }


def check_datamap(
    datamap: DataMap,
    policy: Policy | None = None,
    connections: Mapping[str, str] | None = None,
    *,
    live: bool = True,
) -> list[Problem]:
    """Problems of the map against the live databases (tables and columns exist) and the policy (every
    personal category held in a non-key column is declared, :mod:`jaga.datamap.coverage`); declared
    categories the map locates nowhere are :func:`~jaga.datamap.coverage.unlocated_notes`, not problems."""
    problems: list[Problem] = []
    if live:
        conns = Connections(datamap, connections)
        try:
            for ds in datamap.datasets:
                engine = conns.engine(ds.key)
                check_connection(engine)
                schema = _schema(engine, ds.schema)
                for coll in ds.collections:
                    if coll.skip_processing:
                        continue
                    if coll.name not in schema:
                        where = f" (schema {ds.schema!r})" if ds.schema else ""
                        problems.append(
                            Problem(
                                coll.where,
                                f"unknown table {coll.name!r} in dataset {ds.key!r}{where}",
                                "fix the name or remove the collection; "
                                "`jaga datamap introspect` lists the real tables",
                            )
                        )
                        continue
                    for fld in coll.fields:
                        if fld.name not in schema[coll.name]:
                            problems.append(
                                Problem(
                                    fld.where,
                                    f"unknown column {coll.name}.{fld.name}",
                                    "fix the name or remove the field",
                                )
                            )
        finally:
            conns.dispose()
    if policy is not None:
        problems.extend(undeclared_problems(datamap, policy))
    reach = reachable(datamap)
    for ds, coll in datamap.collections():
        if (ds.key, coll.name) not in reach and any(f.personal for f in coll.fields):
            problems.append(
                Problem(
                    coll.where,
                    f"table {coll.name!r} holds personal data but no identity or reference leads to it",
                    "add a reference to a table with an identity",
                )
            )
    return problems
