"""Do the policy and the map agree? The personal data categories the map says are held, those the policy
does not declare, and those the policy declares that the map locates nowhere.

One rule for ``jaga datamap check`` and for the manifest of every access export: a category counts
when it is personal (``user`` or below it) and annotates a column that is not a key. ``system.*``
categories describe the company's own bookkeeping, and a key column (primary key or reference) is
how rows are joined; neither is something a privacy notice declares.
"""

from __future__ import annotations

from collections.abc import Iterable

from jaga.datamap.model import Collection, DataMap
from jaga.policy import Policy, Problem, covers


def personal(category: str) -> bool:
    """Whether a category is data about a person (``user`` or a key below it)."""
    return category == "user" or category.startswith("user.")


def held(coll: Collection) -> dict[str, list[tuple[str, str]]]:
    """Personal categories of the table's non-key columns -> (column, ``file:line``) annotated with it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for fld in coll.fields:
        if fld.primary_key or fld.references:
            continue
        for cat, where in zip(fld.categories, fld.category_where or ("",) * len(fld.categories), strict=True):
            if personal(cat):
                out.setdefault(cat, []).append((fld.name, where))
    return out


def undeclared(categories: Iterable[str], declared: Iterable[str]) -> list[str]:
    """The categories no declared category covers (itself or an ancestor), sorted."""
    keys = list(declared)
    return sorted({c for c in categories if not any(covers(d, c) for d in keys)})


def undeclared_problems(datamap: DataMap, policy: Policy) -> list[Problem]:
    """One problem per column annotated with a personal category the policy does not declare: the data
    is held, so the policy must say so (UU PDP art. 7 and GDPR art. 15 give access to all of it)."""
    problems: list[Problem] = []
    for _, coll in datamap.collections():
        for cat, places in held(coll).items():
            if undeclared([cat], policy.categories):
                problems.extend(
                    Problem(
                        where,
                        f"category {cat!r} of {coll.name}.{column} is held but not declared in the policy",
                        "declare it in the policy's categories (or a parent key), or fix the annotation",
                    )
                    for column, where in places
                )
    return problems


def unlocated_notes(datamap: DataMap, policy: Policy) -> list[Problem]:
    """Declared categories the map locates in no column: a note, not a disagreement, since a policy also
    covers data kept outside the mapped databases (camera recordings, paper files)."""
    located = {c for _, coll in datamap.collections() for f in coll.fields for c in f.categories}
    return [
        Problem(
            datamap.source,
            f"the policy declares category {cat!r} but the map locates it in no mapped table",
            "annotate the column that holds it, or keep this note if it is held outside these databases",
        )
        for cat in policy.categories
        if not any(covers(cat, m) or covers(m, cat) for m in located)
    ]
