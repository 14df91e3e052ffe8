"""The policy's retention rules compiled, per table of the data map, into SQL predicates.

A row is **due** when every retention rule covering its data has run out. A rule's clock is read from
the table's own trigger column (``jaga.retention_trigger`` in the map) or, when the table has none for
that trigger, from its parent's row through the foreign key, so a payslip follows its employee's
contract end. A table no rule covers follows its parent's subject. A due row is **held** while a legal
hold on it still runs (the map's ``legal_hold`` or the rule's own ``legal_hold``, both naming the law).

Due rows that nobody holds are deleted, or anonymised when a rule says so. Tables are processed
children first; a due row still referenced by a kept child row cannot be deleted without breaking a
foreign key, so it is anonymised instead (the same choice erasure makes for rows that must stay).

Everything is a set-based predicate over reflected tables: no row is read into Python to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from sqlalchemy import Column, Date, DateTime, Table, and_, case, exists, false, func, literal, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement, False_, True_

from jaga.actions.holds import holds as map_holds
from jaga.actions.strategies import ColumnPlan, column_plan
from jaga.actions.target import Schema
from jaga.datamap import Collection, DataMap, children_first
from jaga.datamap.graph import Node
from jaga.datamap.model import Field, Strategy
from jaga.errors import ConfigError
from jaga.policy import Duration, Policy, RetentionAction, RetentionRule, covers
from jaga.retention._sql import token, year_start

Mode = Literal["delete", "anonymise"]

#: Categories that identify a person on their own: anonymisation erases every column holding one.
DIRECT: tuple[str, ...] = (
    "user.name",
    "user.contact",
    "user.government_id",
    "user.unique_id",
    "user.account",
    "user.authorization",
    "user.device",
    "user.financial.bank_account",
    "user.financial.credit_card",
    "user.communication",
    "user.content",
    "user.biometrics",
    "user.genetic",
    "user.location.precise",
)
#: Coarse places kept by anonymisation, so statistics by region survive.
REGION: tuple[str, ...] = (
    "user.contact.address.city",
    "user.contact.address.state",
    "user.contact.address.postal_code",
    "user.contact.address.country",
)
#: Quasi-identifiers that anonymisation coarsens instead of erasing (a birth date becomes its year).
QUASI: tuple[str, ...] = ("user.demographic.date_of_birth",)


def _under(category: str, keys: tuple[str, ...]) -> bool:
    return any(covers(k, category) for k in keys)


def is_direct(fld: Field) -> bool:
    """Whether a column holds a direct identifier (a region column alone does not)."""
    return any(_under(c, DIRECT) and not _under(c, REGION) for c in fld.categories)


def is_region(fld: Field) -> bool:
    return any(_under(c, REGION) for c in fld.categories) and not is_direct(fld)


def before(duration: Duration, now: datetime) -> datetime:
    """The moment ``duration`` before ``now`` on the calendar: rows older than this are past it."""
    steps = {
        "hours": relativedelta(hours=duration.amount),
        "days": relativedelta(days=duration.amount),
        "months": relativedelta(months=duration.amount),
        "years": relativedelta(years=duration.amount),
    }
    return now - steps[duration.unit]


def stamp(column: Column[Any], when: datetime) -> date | datetime:
    """``when`` as the column stores it: a date, an aware timestamp, or naive UTC wall-clock time."""
    if isinstance(column.type, DateTime):
        return when if getattr(column.type, "timezone", False) else when.astimezone(UTC).replace(tzinfo=None)
    return when.astimezone(UTC).date()


@dataclass(frozen=True)
class Link:
    """A foreign key of a child table to a parent table holding personal data."""

    column: str
    parent: Node
    parent_column: str
    nullable: bool


@dataclass(frozen=True)
class HoldSpec:
    """A legal hold as it applies to one table: the law, its length and the column it runs from."""

    law: str
    duration: Duration
    column: str | None
    source: str


@dataclass
class TableSweep:
    """One table's part of a sweep: its rules, what happens to its due rows, and why."""

    node: Node
    pk: tuple[str, ...]
    rules: tuple[RetentionRule, ...]
    mode: Mode
    export: bool
    holds: tuple[HoldSpec, ...]
    parents: tuple[Link, ...]
    children: tuple[tuple[Node, Link], ...]
    columns: tuple[ColumnPlan, ...]  # what anonymisation writes
    direct: tuple[ColumnPlan, ...]  # the direct identifiers among them (checked afterwards)
    region: tuple[str, ...]
    clock: str | None  # own trigger column of the first rule, for "oldest"
    follows: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.node[0]}.{self.node[1]}"

    @property
    def laws(self) -> list[str]:
        return sorted({h.law for h in self.holds})


class Sweep:
    """The compiled sweep for one policy, data map and clock; builds the SQL of each table."""

    def __init__(self, policy: Policy, datamap: DataMap, schema: Schema, now: datetime) -> None:
        if now.tzinfo is None:
            raise ConfigError("the sweep's clock has no time zone", hint="give an aware time, e.g. ...T00:00:00+07:00")
        self.policy, self.datamap, self.schema, self.now = policy, datamap, schema, now
        self._due: dict[Node, ColumnElement[bool]] = {}
        self._held: dict[Node, ColumnElement[bool]] = {}
        self.tables: dict[Node, TableSweep] = {}
        self.skipped: dict[Node, list[str]] = {}
        self._hold_terms: dict[Node, list[tuple[str, int, str]]] = {}
        personal = {(d.key, c.name) for d, c in datamap.collections() if any(f.personal for f in c.fields)}
        self.personal = personal
        self._links = self._all_links()
        table_holds, _ = map_holds(datamap, policy)
        rules_seen: set[str] = set()
        order = children_first(datamap, personal)
        for node in reversed(order):  # parents first, so children can inherit their mode
            self.tables[node] = self._table(node, table_holds.get(node), rules_seen)
        self.order = order
        self.unused = [r.key for r in policy.retention if r.key not in rules_seen]

    # -- structure --------------------------------------------------------------------------------
    def _coll(self, node: Node) -> Collection:
        return self.schema.collection(node)

    def _all_links(self) -> dict[Node, list[Link]]:
        """Child -> its links to personal parents in the same database (cross-database joins are not SQL)."""
        out: dict[Node, list[Link]] = {}
        for ds, coll in self.datamap.collections():
            node = (ds.key, coll.name)
            for fld in coll.fields:
                for ref in fld.references:
                    parent = (ref.dataset, ref.collection)
                    if parent == node or parent not in self.personal:  # any direction: the key is here
                        continue
                    if node not in self.personal:
                        continue
                    if not self._same_database(node, parent):
                        raise ConfigError(
                            f"{coll.name}.{fld.name} references {ref.dataset}.{ref.collection} in another database",
                            where=ref.where,
                            hint="retention follows parents with SQL joins; keep linked tables in one database",
                        )
                    column = self.schema.table(node).c[fld.name]
                    out.setdefault(node, []).append(Link(fld.name, parent, ref.field, bool(column.nullable)))
        return out

    def _same_database(self, a: Node, b: Node) -> bool:
        if a[0] == b[0]:
            return True
        return bool(self.schema.conns.engine(a[0]).url == self.schema.conns.engine(b[0]).url)

    def _evaluable(self, node: Node, trigger: str, seen: frozenset[Node] = frozenset()) -> bool:
        """Whether the table, or a parent up its foreign keys, names a column for ``trigger``."""
        if self._coll(node).trigger_column(trigger) is not None:
            return True
        return any(
            self._evaluable(link.parent, trigger, seen | {node})
            for link in self._links.get(node, ())
            if link.parent not in seen
        )

    def _covering(self, coll: Collection) -> list[RetentionRule]:
        cats = [c for f in coll.fields if f.personal and not f.primary_key and not f.references for c in f.categories]
        return [r for r in self.policy.retention if any(covers(k, c) for k in r.categories for c in cats)]

    def _table(self, node: Node, map_hold: Any, rules_seen: set[str]) -> TableSweep:
        coll = self._coll(node)
        table = self.schema.table(node)
        parents = tuple(self._links.get(node, ()))
        rules = []
        for rule in self._covering(coll):
            if self._evaluable(node, rule.trigger.value):
                rules.append(rule)
            else:
                notes_skipped = (
                    f"rule {rule.key} covers data here, but no column records {rule.trigger.value} for this table "
                    "or its parents: not applied (name one with jaga.retention_trigger)"
                )
                self.skipped.setdefault(node, []).append(notes_skipped)
        rules_seen.update(r.key for r in rules)
        children = tuple((child, link) for child, links in self._links.items() for link in links if link.parent == node)
        notes: list[str] = [] if rules else list(self.skipped.get(node, ()))
        follows: tuple[str, ...] = ()
        if rules:
            actions = {r.action for r in rules}
            mode: Mode = "anonymise" if RetentionAction.anonymise in actions else "delete"
            export = RetentionAction.return_to_client in actions
        else:
            follows = tuple(f"{p.parent[1]}" for p in parents)
            ups = [self.tables[p.parent] for p in parents if p.parent in self.tables]
            mode = "anonymise" if any(u.mode == "anonymise" for u in ups) else "delete"
            export = any(u.export for u in ups)
            if not parents:
                notes.append("no retention rule covers this table's data and it has no parent: never due")
        for rule in rules:
            column = coll.trigger_column(rule.trigger.value)
            if column is not None:
                self._check_temporal(coll, table, column)
        plans, direct, kept = [], [], False
        for fld in coll.fields:
            if not fld.personal or fld.primary_key or fld.references:
                continue
            cp = self._anonymise_plan(fld, table.c[fld.name])
            if cp.strategy is Strategy.keep:
                kept = True
                continue
            plans.append(cp)
            if is_direct(fld):
                direct.append(cp)
            else:
                kept = True
        if mode == "anonymise" and not kept:
            mode = "delete"
            notes.append("anonymised rows would keep nothing but keys: due rows are deleted instead")
        holds = [HoldSpec(h.law, h.duration, h.hold_from, "map") for h in ([map_hold] if map_hold is not None else [])]
        for rule in rules:
            if rule.legal_hold is not None:
                column = coll.trigger_column(rule.legal_hold.trigger.value) or coll.hold_from
                holds.append(HoldSpec(rule.legal_hold.law, rule.legal_hold.duration, column, rule.key))
        self._hold_terms[node] = sorted({(h.column or "", h.duration.amount, h.duration.unit) for h in holds})
        for hold in holds:
            if hold.column is None:
                notes.append(f"legal hold ({hold.law}) names no column to run from: every due row is held")
            else:
                self._check_temporal(coll, table, hold.column)
        clock = next((c for r in rules if (c := coll.trigger_column(r.trigger.value))), None)
        return TableSweep(
            node,
            self.schema.pk(node),
            tuple(rules),
            mode,
            export,
            tuple(holds),
            parents,
            children,
            tuple(plans),
            tuple(direct),
            tuple(f.name for f in coll.fields if is_region(f)),
            clock,
            follows,
            notes,
        )

    @staticmethod
    def _check_temporal(coll: Collection, table: Table, column: str) -> None:
        if column not in table.c or not isinstance(table.c[column].type, Date | DateTime):
            raise ConfigError(
                f"retention column {coll.name}.{column} is not a date or time column",
                where=coll.where,
                hint="point jaga.retention_trigger / hold_from at a DATE or TIMESTAMP column",
            )

    @staticmethod
    def _anonymise_plan(fld: Field, column: Column[Any]) -> ColumnPlan:
        """The erase strategy (map or default) made fit for anonymisation: a keyed hash is only a
        pseudonym, so hashed and pseudonymised identifiers get an unlinkable token derived from the
        row key instead; anything else the strategies would keep of a direct identifier is erased."""
        if not is_direct(fld):
            if any(_under(c, QUASI) for c in fld.categories) and isinstance(column.type, Date | DateTime):
                return ColumnPlan(fld.name, Strategy.generalise)
            return ColumnPlan(fld.name, Strategy.keep)
        base = column_plan(fld, column)
        if base.strategy in (Strategy.null, Strategy.fixed):
            return base
        if base.strategy is Strategy.generalise and isinstance(column.type, Date | DateTime):
            return base
        if column.nullable:
            return ColumnPlan(fld.name, Strategy.null)
        return ColumnPlan(fld.name, Strategy.pseudonym)

    # -- predicates -------------------------------------------------------------------------------
    def table(self, node: Node) -> Table:
        return self.schema.table(node)

    def expired(self, node: Node, rule: RetentionRule, seen: frozenset[Node] = frozenset()) -> ColumnElement[bool]:
        """Rows of ``node`` whose clock under ``rule`` has run out (read here or through a parent)."""
        coll, table = self._coll(node), self.table(node)
        column = coll.trigger_column(rule.trigger.value)
        if column is not None:
            col = table.c[column]
            return and_(col.is_not(None), self._older(node, col, before(rule.duration, self.now)))
        ups = [link for link in self._links.get(node, ()) if link.parent not in seen]
        if not ups:
            return false()
        return or_(*(self._via(node, link, self.expired(link.parent, rule, seen | {node})) for link in ups))

    def _older(self, node: Node, col: Column[Any], when: datetime) -> ColumnElement[bool]:
        """``col < when``. SQLite keeps timestamps as text, and other writers use other layouts
        (``T`` or a space, with or without fractions or a zone), so there the instants are compared."""
        if isinstance(col.type, DateTime) and self.schema.conns.engine(node[0]).dialect.name == "sqlite":
            instant = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            return func.julianday(col) < func.julianday(instant)
        return col < stamp(col, when)

    def _via(self, node: Node, link: Link, parent_pred: ColumnElement[bool]) -> ColumnElement[bool]:
        parent = self.table(link.parent)
        sub = select(parent.c[link.parent_column]).where(parent_pred).correlate(None)
        return self.table(node).c[link.column].in_(sub)

    def due(self, node: Node, seen: frozenset[Node] = frozenset()) -> ColumnElement[bool]:
        """Rows of ``node`` every covering rule is done with (or whose subject's record is due)."""
        if node in self._due and not seen:
            return self._due[node]
        ts = self.tables[node]
        if ts.rules:
            pred = and_(*(self.expired(node, r) for r in ts.rules))
        else:
            ups = [link for link in ts.parents if link.parent not in seen]
            via = [self._via(node, link, self._going(link.parent, seen | {node})) for link in ups]
            pred = or_(*via) if via else false()
        if not seen:
            self._due[node] = pred
        return pred

    def _going(self, node: Node, seen: frozenset[Node]) -> ColumnElement[bool]:
        """Due and not held: a table no rule covers follows its parent's record out, not into a hold."""
        held = self.held(node)
        due = self.due(node, seen)
        return due if _is_false(held) else and_(due, not_(held))

    def held(self, node: Node) -> ColumnElement[bool]:
        """Rows a legal hold still keeps (a hold with no column keeps every row)."""
        if node not in self._held:
            table = self.table(node)
            parts: list[ColumnElement[bool]] = []
            for column, amount, unit in self._hold_terms[node]:  # two laws with one period: one test
                if not column:
                    parts.append(true())
                    continue
                col = table.c[column]
                since = before(Duration(amount, unit), self.now)  # type: ignore[arg-type]
                parts.append(or_(col.is_(None), not_(self._older(node, col, since))))
            self._held[node] = or_(*parts) if parts else false()
        return self._held[node]

    def base(self, node: Node) -> ColumnElement[bool]:
        """Due and not held: the rows this sweep deletes or anonymises."""
        return self._going(node, frozenset())

    def referenced(self, node: Node) -> ColumnElement[bool]:
        """Rows some child row still points at: deleting them would break a foreign key."""
        table = self.table(node)
        parts = []
        for child, link in self.tables[node].children:
            ct = self.table(child)
            parts.append(exists().where(ct.c[link.column] == table.c[link.parent_column]).correlate(table))
        return or_(*parts) if parts else false()

    def anonymous(self, node: Node) -> ColumnElement[bool]:
        """Rows whose every direct identifier already holds its erased form."""
        ts, table = self.tables[node], self.table(node)
        parts: list[ColumnElement[bool]] = []
        for cp in ts.direct:
            col = table.c[cp.name]
            if cp.strategy is Strategy.null:
                parts.append(col.is_(None))
            elif cp.strategy is Strategy.fixed:
                parts.append(col == cp.value)
            elif cp.strategy is Strategy.pseudonym:
                parts.append(col == token(table, ts.pk, col))
        return and_(*parts) if parts else true()

    def stranded(self, node: Node) -> ColumnElement[bool]:
        """Rows that would stay linked (by a NOT NULL key) to a person whose record is not going."""
        parts = [self._not_going(node, link) for link in self.tables[node].parents if not link.nullable]
        return or_(*parts) if parts else false()

    def loose(self, node: Node) -> ColumnElement[bool]:
        """Rows with a nullable link to a person whose record is not going: the link is cleared."""
        table = self.table(node)
        parts = [
            and_(table.c[link.column].is_not(None), self._not_going(node, link))
            for link in self.tables[node].parents
            if link.nullable
        ]
        return or_(*parts) if parts else false()

    def _not_going(self, node: Node, link: Link) -> ColumnElement[bool]:
        return not_(self._via(node, link, self.base(link.parent)))

    def todo(self, node: Node) -> ColumnElement[bool]:
        """The rows a run still has to change (re-running a finished sweep finds none)."""
        ts = self.tables[node]
        done = self.anonymous(node)
        if ts.mode == "anonymise":
            parts = [] if _is_true(done) else [not_(done)]
            parts += [p for p in (self.stranded(node), self.loose(node)) if not _is_false(p)]
            return and_(self.base(node), or_(*parts)) if parts else false()
        if not ts.children:
            return self.base(node)
        return and_(self.base(node), or_(not_(self.referenced(node)), not_(done)))

    def values(self, node: Node) -> dict[str, Any]:
        """``SET`` values of the anonymising UPDATE, all computed in SQL (no row goes through Python)."""
        ts, table = self.tables[node], self.table(node)
        dialect = self.schema.conns.engine(node[0]).dialect.name
        out: dict[str, Any] = {}
        for cp in ts.columns:
            col = table.c[cp.name]
            if cp.strategy is Strategy.null:
                out[cp.name] = None
            elif cp.strategy is Strategy.fixed:
                out[cp.name] = cp.value
            elif cp.strategy is Strategy.pseudonym:
                out[cp.name] = token(table, ts.pk, col)
            elif cp.strategy is Strategy.generalise:
                out[cp.name] = year_start(col, dialect) if isinstance(col.type, Date | DateTime) else col
        if ts.mode == "anonymise":
            for link in ts.parents:
                if link.nullable:
                    going = self._via(node, link, self.base(link.parent))
                    out[link.column] = case((going, table.c[link.column]), else_=literal(None))
        return out


def _is_false(pred: ColumnElement[bool]) -> bool:
    return isinstance(pred, False_)


def _is_true(pred: ColumnElement[bool]) -> bool:
    return isinstance(pred, True_)
