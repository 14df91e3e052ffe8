"""Legal holds: which tables and columns a law requires keeping, read from the policy's retention rules
and the data map's ``jaga.legal_hold`` annotations.

Erasure (:mod:`jaga.requests`) and retention sweeps (:mod:`jaga.retention`) both must skip what a law
keeps, so the holds are computed here, below both, in one place.

A hold keeps only what its law needs. A table-wide hold keeps the row (it is restricted, not deleted)
and, in it, the columns of the categories the law names (the rule's ``legal_hold.keeps``, or the
record-keeping default :data:`RECORD_KEEPING`: who the party is, their tax number and address, and the
amounts); an erasure still erases every other personal column of the same rows (email, phone, device,
browsing...), so a tax hold no longer leaves a person's contact details readable for ten years.
"""

from __future__ import annotations

import re

from jaga.actions.target import Hold
from jaga.datamap import Collection, DataMap
from jaga.datamap.graph import Node
from jaga.errors import ConfigError
from jaga.policy import Duration, LegalHold, Policy, covers

RECORD_KEEPING = (
    "user.name",
    "user.government_id",
    "user.unique_id",
    "user.contact.address",
    "user.financial",
    "user.behavior.purchase_history",
)
"""What a record-keeping law (tax, accounting: UU KUP art. 28(11), UU 8/1997 on company documents)
needs kept of a held row when the hold does not say: the party's name, identity and tax numbers,
address, and the amounts and dates of the transactions. Contact channels, devices, behaviour and
content are not records and are erased."""


def kept_by(coll: Collection, hold: Hold) -> list[str]:
    """The personal columns of a held table its law needs kept (the rest of its rows is erased)."""
    needs = hold.keeps if hold.keeps is not None else RECORD_KEEPING
    return [f.name for f in coll.fields if f.personal and any(covers(n, c) for n in needs for c in f.categories)]


def holds(datamap: DataMap, policy: Policy) -> tuple[dict[Node, Hold], dict[Node, dict[str, Hold]]]:
    """Legal holds from the policy's retention rules: whole tables (``jaga.legal_hold``), and columns
    whose categories a rule with a ``legal_hold`` covers or a table's hold needs (:func:`kept_by`)."""
    table_holds: dict[Node, Hold] = {}
    column_holds: dict[Node, dict[str, Hold]] = {}
    rules = [r for r in policy.retention if r.legal_hold is not None]
    for ds, coll in datamap.collections():
        node = (ds.key, coll.name)
        if coll.legal_hold:
            hold = table_holds[node] = _table_hold(coll, policy)
            column_holds[node] = dict.fromkeys(kept_by(coll, hold), hold)
        for fld in coll.fields:
            if fld.name in column_holds.get(node, {}):
                continue
            for rule in rules:
                if rule.legal_hold and any(covers(c, f) for c in rule.categories for f in fld.categories):
                    column_holds.setdefault(node, {})[fld.name] = _hold(rule.key, rule.legal_hold, coll)
                    break
    return table_holds, column_holds


_DURATION_IN_TEXT = re.compile(r"(\d+)\s*(years?|tahun|months?|bulan|days?|hari)\b", re.IGNORECASE)


def _table_hold(coll: Collection, policy: Policy) -> Hold:
    """A table-wide hold: ``jaga.legal_hold`` names a policy retention rule with a ``legal_hold``, or is
    the law itself written out with its period (``"UU KUP art. 28(11) — 10 years"``)."""
    text = coll.legal_hold or ""
    rule = policy.retention_rule(text)
    if rule is not None and rule.legal_hold is not None:
        return _hold(rule.key, rule.legal_hold, coll)
    match = _DURATION_IN_TEXT.search(text)
    if match is None:
        raise ConfigError(
            f"legal_hold {text!r} names neither a policy retention rule with a legal_hold nor a period",
            where=coll.where,
            hint="write the key of a retention rule, or the law and its period, e.g. 'UU KUP art. 28(11) — 10 years'",
        )
    return Hold("map", text, Duration.parse(f"{match.group(1)} {match.group(2)}"), coll.hold_from, coll.hold_keeps)


def _hold(rule: str, legal: LegalHold, coll: Collection) -> Hold:
    """A rule's hold on this table; the map's ``jaga.hold_keeps`` for the table wins over the rule's."""
    keeps = coll.hold_keeps if coll.hold_keeps is not None else tuple(legal.keeps) if legal.keeps is not None else None
    return Hold(rule, legal.law, legal.duration, coll.hold_from, keeps)


__all__ = ["RECORD_KEEPING", "holds", "kept_by"]
