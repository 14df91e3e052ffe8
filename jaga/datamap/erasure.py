"""The map's default erasure scope: what an erasure erases when the request names no categories, as the
rules of a Fides erasure policy say (categories, and masking per category). Checked when the map is read,
so a typo is a line in the map rather than a surprise at the first erasure."""

from __future__ import annotations

from typing import Any

from jaga.datamap.model import Strategy
from jaga.datamap.reading import PathKey, Reader

_WAYS = sorted(s.value for s in Strategy if s is not Strategy.keep)


def read_erasure(reader: Reader, raw: Any) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """``jaga: {erasure: {categories: [...], masking: {category: strategy}}}`` as (categories, masking);
    empty when absent (an erasure then takes all personal data)."""
    if raw is None:
        return (), ()
    ext = reader.mapping(raw, ("jaga",), "jaga")
    for key in ext:
        if key != "erasure":
            reader.problem(("jaga", key), f"unknown jaga key {key!r}", "a map's jaga: section has erasure:", key=True)
    path: PathKey = ("jaga", "erasure")
    scope = reader.mapping(ext.get("erasure"), path, "erasure")
    for key in scope:
        if key not in ("categories", "masking"):
            reader.problem((*path, key), f"unknown erasure key {key!r}", "use categories: and masking:", key=True)
    cats = [str(c) for c in reader.listing(scope.get("categories"), (*path, "categories"), "categories")]
    masks = {str(k): str(v) for k, v in reader.mapping(scope.get("masking"), (*path, "masking"), "masking").items()}
    reader.known(cats, (*path, "categories"))
    places = [
        *(((*path, "categories", i), c) for i, c in enumerate(cats)),
        *(((*path, "masking", c), c) for c in masks),
    ]
    for where, cat in places:
        if not (cat == "user" or cat.startswith("user.")):
            reader.problem(where, f"an erasure scope names personal data (user.*), not {cat!r}", "e.g. user.contact")
    for cat, how in masks.items():
        if cat not in reader.taxonomy.data_categories:
            reader.problem((*path, "masking", cat), f"unknown data category {cat!r}", "see `jaga taxonomy categories`")
        if how not in _WAYS:
            reader.problem(
                (*path, "masking", cat), f"unknown masking strategy {how!r}", f"use one of: {', '.join(_WAYS)}"
            )
    return tuple(cats), tuple(sorted(masks.items()))
