"""Erasure scoped to data categories, as a Fides erasure policy is: erase only ``user.contact`` (say), and
choose how each category is masked.

An erasure without a scope erases all of the person's personal data (rows deleted where they may go).
A scoped one deletes no row at all: a row also holds data outside the scope, so every table holding an
in-scope column is updated, only those columns, each by the strategy the request names for its
category (or the map's / the default one); every other column and table stays byte for byte as it was.
Legal holds still win over the scope.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import Table

from jaga.actions.strategies import ColumnPlan, column_plan
from jaga.actions.target import Hold
from jaga.datamap import Collection
from jaga.datamap.model import Strategy
from jaga.errors import JagaError
from jaga.policy import Taxonomy, covers

Scope = dict[str, str | None]
"""Category -> masking strategy for it (``None``: the map's or the default strategy)."""

_ALIASES = {"hmac": "hash", "generalise_year": "generalise", "generalize": "generalise"}


def make_scope(
    categories: Sequence[str] | None, masking: Mapping[str, str] | None, taxonomy: Taxonomy | None = None
) -> Scope | None:
    """The scope of an erasure from the categories and per-category masking a request names (``None``:
    erase everything). Unknown categories and strategies are refused, naming them."""
    cats = [c.strip() for c in categories or () if c.strip()]
    masks = dict(masking or {})
    if not cats and not masks:
        return None
    scope: Scope = dict.fromkeys(cats)
    for category, strategy in masks.items():
        name = _ALIASES.get(strategy.strip().lower(), strategy.strip().lower())
        if name not in {s.value for s in Strategy} or name == Strategy.keep.value:
            raise JagaError(
                f"unknown masking strategy {strategy!r} for {category}",
                hint="use null, fixed, hash, pseudonym or generalise",
            )
        scope[category.strip()] = name
    for category in scope:
        if not (category == "user" or category.startswith("user.")):
            raise JagaError(f"an erasure scope names personal data categories (user.*), not {category!r}")
        if taxonomy is not None and category not in taxonomy.data_categories:
            raise JagaError(f"unknown data category {category!r}", hint="use a key of the policy's taxonomy")
    return scope


def scope_of(scopes: Sequence[Scope | None]) -> Scope | None:
    """The one scope of a batch: requests with different scopes are different batches."""
    first = scopes[0] if scopes else None
    if any(s != first for s in scopes):
        raise JagaError("a batch holds erasures of one scope", hint="run each set of categories as its own batch")
    return first


def _category(scope: Scope, categories: Sequence[str]) -> str | None:
    """The most specific scope category covering one of a field's categories, if any."""
    found = [s for s in scope for c in categories if covers(s, c)]
    return max(found, key=len) if found else None


def scoped_columns(coll: Collection, table: Table, scope: Scope, held: Mapping[str, Hold]) -> list[ColumnPlan]:
    """The columns a scoped erasure changes in one table, each with its strategy; never a key."""
    out: list[ColumnPlan] = []
    for fld in coll.fields:
        if fld.name in held or fld.primary_key or fld.references or not fld.personal:
            continue
        category = _category(scope, fld.categories)
        if category is None:
            continue
        strategy = scope[category]
        chosen = replace(fld, strategy=Strategy(strategy)) if strategy else fld
        plan = column_plan(chosen, table.c[fld.name])
        if plan.strategy is not Strategy.keep:  # a column the map says to keep stays
            out.append(plan)
    return out


__all__ = ["Scope", "make_scope", "scope_of", "scoped_columns"]
