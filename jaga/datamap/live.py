"""The foreign keys the company's databases really have, next to the references the map declares.

A map is written by hand and falls behind the schema. A foreign key it does not declare made an
erasure fail half-way (the child's rows were never found, so the parent's delete was refused). The
planner reads the live keys with SQLAlchemy's inspector (a couple of catalogue queries per database)
and plans with them (:func:`jaga.datamap.graph.links`); ``jaga datamap check`` warns about them.
"""

from __future__ import annotations

from sqlalchemy import inspect

from jaga.datamap.connect import Connections
from jaga.datamap.graph import ForeignKey, Node, links
from jaga.datamap.model import DataMap
from jaga.policy.yamlsource import Problem


def foreign_keys(datamap: DataMap, conns: Connections) -> list[ForeignKey]:
    """Every single-column foreign key that points at a mapped table, from a mapped table or not.

    Datasets on the same database (same URL) are read once, and a table is matched to whichever of
    them lists it. Composite keys are left out: a map can only reference single columns.
    """
    by_url: dict[tuple[str, str | None], list[str]] = {}
    for ds in datamap.datasets:  # a dataset with a Fides namespace is read in its schema
        url = conns.engine(ds.key).url.render_as_string(hide_password=False)
        by_url.setdefault((url, ds.schema), []).append(ds.key)
    out: list[ForeignKey] = []
    for (_, namespace), keys in by_url.items():
        nodes: dict[str, Node] = {}
        for key in reversed(keys):  # the first dataset listing a table wins
            found = datamap.dataset(key)
            nodes.update({c.name: (key, c.name) for c in found.collections} if found else {})
        with conns.engine(keys[0]).connect() as conn:
            live = inspect(conn).get_multi_foreign_keys(schema=namespace)
        for (schema, table), fks in sorted(live.items(), key=lambda item: str(item[0])):
            if schema != namespace:
                continue
            for fk in fks:
                parent = nodes.get(fk["referred_table"])
                elsewhere = fk.get("referred_schema") not in (None, namespace)
                if elsewhere or parent is None or len(fk["constrained_columns"]) != 1:
                    continue
                column, target = fk["constrained_columns"][0], fk["referred_columns"][0]
                out.append(ForeignKey(nodes.get(table), column, parent, target, table))
    return out


def undeclared_problems(datamap: DataMap, conns: Connections) -> list[Problem]:
    """Warnings for the live foreign keys the map does not declare (planned with, but worth writing
    down), and for tables whose rows no erasure will delete because the map names no owner."""
    graph = links(datamap, foreign_keys(datamap, conns))
    out: list[Problem] = []
    for ds, coll in datamap.collections():
        into = sorted({e.dst_field for e in graph.edges if e.dst == (ds.key, coll.name) and e.refers})
        if len(into) > 1 and not graph.owners[(ds.key, coll.name)] and any(f.personal for f in coll.fields):
            out.append(
                Problem(
                    coll.where,
                    f"rows of {coll.name!r} are reached through {', '.join(into)} and the map names no owner: "
                    "erasures never delete them, they only clear the link to the person",
                    f"if a row belongs to the person one of them points at, say so: jaga: {{owner: {into[0]}}}",
                )
            )
    for fk in graph.undeclared:
        parent = datamap.dataset(fk.parent[0])
        target = parent.collection(fk.parent[1]) if parent else None
        where = target.where if target else datamap.source
        if fk.child is None:
            out.append(
                Problem(
                    where,
                    f"table {fk.table!r}, not in the map, points at {fk.parent[1]}.{fk.field} "
                    f"(foreign key {fk.table}.{fk.column}): erasures keep {fk.parent[1]} rows, erased in place",
                    f"add {fk.table!r} to the map with a reference to {fk.parent[1]}.{fk.field}",
                )
            )
        else:
            out.append(
                Problem(
                    where,
                    f"foreign key {fk.child[1]}.{fk.column} -> {fk.parent[1]}.{fk.field} is not declared in the map",
                    f"declare it on {fk.child[1]}.{fk.column}: fides_meta.references "
                    f"[{{dataset: {fk.parent[0]}, field: {fk.parent[1]}.{fk.field}, direction: from}}]",
                )
            )
    return out
