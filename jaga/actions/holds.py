"""Legal holds: which tables and columns a law requires keeping, read from the policy's retention rules
and the data map's ``jaga.legal_hold`` annotations.

Erasure (:mod:`jaga.requests`) and retention sweeps (:mod:`jaga.retention`) both must skip what a law
keeps, so the holds are computed here, below both, in one place.
"""

from __future__ import annotations

import re

from jaga.actions.target import Hold
from jaga.datamap import Collection, DataMap
from jaga.datamap.graph import Node
from jaga.errors import ConfigError
from jaga.policy import Duration, Policy, covers


def holds(datamap: DataMap, policy: Policy) -> tuple[dict[Node, Hold], dict[Node, dict[str, Hold]]]:
    """Legal holds from the policy's retention rules: whole tables (``jaga.legal_hold``) and columns
    whose categories a rule with a ``legal_hold`` covers."""
    table_holds: dict[Node, Hold] = {}
    column_holds: dict[Node, dict[str, Hold]] = {}
    rules = [r for r in policy.retention if r.legal_hold is not None]
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        if coll.legal_hold:
            table_holds[node] = _table_hold(coll, policy)
        for fld in coll.fields:
            for rule in rules:
                if rule.legal_hold and any(covers(c, f) for c in rule.categories for f in fld.categories):
                    column_holds.setdefault(node, {})[fld.name] = Hold(
                        rule.key, rule.legal_hold.law, rule.legal_hold.duration, coll.hold_from
                    )
                    break
    return table_holds, column_holds


_DURATION_IN_TEXT = re.compile(r"(\d+)\s*(years?|tahun|months?|bulan|days?|hari)\b", re.IGNORECASE)


def _table_hold(coll: Collection, policy: Policy) -> Hold:
    """A table-wide hold: ``jaga.legal_hold`` names a policy retention rule with a ``legal_hold``, or is
    the law itself written out with its period (``"UU KUP art. 28(11) — 10 years"``)."""
    text = coll.legal_hold or ""
    rule = policy.retention_rule(text)
    if rule is not None and rule.legal_hold is not None:
        return Hold(rule.key, rule.legal_hold.law, rule.legal_hold.duration, coll.hold_from)
    match = _DURATION_IN_TEXT.search(text)
    if match is None:
        raise ConfigError(
            f"legal_hold {text!r} names neither a policy retention rule with a legal_hold nor a period",
            where=coll.where,
            hint="write the key of a retention rule, or the law and its period, e.g. 'UU KUP art. 28(11) — 10 years'",
        )
    return Hold("map", text, Duration.parse(f"{match.group(1)} {match.group(2)}"), coll.hold_from)


__all__ = ["holds"]
