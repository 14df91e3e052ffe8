"""Links inside a data map: references, ``after`` orderings and ``jaga:`` column names must name tables and
columns the map declares, and reference cycles need an identity to start from."""

from __future__ import annotations

from jaga.datamap.model import DataMap
from jaga.policy.yamlsource import Problem, suggest


def link_problems(datamap: DataMap) -> list[Problem]:
    """References must name existing collections/fields; cycles must have an identity to start from."""
    problems: list[Problem] = []
    for coll in (c for d in datamap.datasets for c in d.collections):
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
        for address in (*coll.after, *coll.erase_after):
            ds_key, _, table = address.partition(".")
            other = datamap.dataset(ds_key)
            if other is None or other.collection(table) is None:
                problems.append(
                    Problem(coll.where, f"{coll.name!r} is ordered after unknown table {address!r}", "fix the name")
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
    for ds in datamap.datasets:
        problems.extend(
            Problem(ds.where, f"dataset {ds.key!r} is ordered after unknown dataset {before!r}", "fix the name")
            for before in ds.after
            if datamap.dataset(before) is None
        )
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
