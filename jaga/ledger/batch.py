"""Set-based reads of many subjects' state for one purpose, for batch decisions.

A decision over a marketing list of a million people must not ask the database a million times. This
module reads the materialised state with one query per chunk of keys (or one streaming scan of the
tenant when the list is large), and folds events only for the few subjects whose state changed after the
decision time. Each subject comes back as a :class:`Snapshot`: the ten facts a decision needs, a plain
tuple so that equal states can share one decision.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, and_, case, false, func, literal, select
from sqlalchemy.orm import Session

from jaga.ledger.state import EventRecord, SubjectState, fold
from jaga.store.models.ledger import LedgerEvent, LedgerIdentity, LedgerPurposeState, LedgerState, LedgerSubject


class Snapshot(NamedTuple):
    """What a decision needs to know about one subject for one purpose."""

    marketing_objected: bool
    gpc: bool
    restricted: bool
    do_not_contact: str
    is_child: bool
    erased: bool
    consent: bool
    explicit: bool
    objected: bool
    parental_consent: bool

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(c for c in self.do_not_contact.split(",") if c)


EMPTY = Snapshot(False, False, False, "", False, False, False, False, False, False)


def snapshot(state: SubjectState, purpose: str) -> Snapshot:
    """The snapshot of a folded state (single decisions and point-in-time corrections use this)."""
    p = state.purpose(purpose)
    return Snapshot(
        state.marketing_objected,
        state.gpc,
        state.restricted,
        ",".join(sorted(state.do_not_contact)),
        state.is_child,
        state.erased_at is not None,
        p.consent,
        p.explicit,
        p.objected,
        p.parental_consent,
    )


def _query(tenant_id: int, purpose: str, at: datetime | None, by_identity: bool) -> Select[Any]:
    s, st, ps = LedgerSubject, LedgerState, LedgerPurposeState
    no = false()
    match = LedgerIdentity.hash if by_identity else s.key
    stale = case((st.last_at > at, 1), else_=0) if at is not None else literal(0)
    query = select(
        match,
        s.id,
        stale,
        func.coalesce(st.marketing_objected, no),
        func.coalesce(st.gpc, no),
        func.coalesce(st.restricted, no),
        func.coalesce(st.do_not_contact, ""),
        func.coalesce(st.is_child, no),
        case((st.erased_at.is_(None), False), else_=True),
        func.coalesce(ps.consent, no),
        func.coalesce(ps.explicit, no),
        func.coalesce(ps.objected, no),
        func.coalesce(ps.parental_consent, no),
    )
    if by_identity:
        query = query.select_from(LedgerIdentity).join(s, s.id == LedgerIdentity.subject_id)
        query = query.where(LedgerIdentity.tenant_id == tenant_id)
    else:
        query = query.select_from(s).where(s.tenant_id == tenant_id)
    return query.outerjoin(st, st.subject_id == s.id).outerjoin(ps, and_(ps.subject_id == s.id, ps.purpose == purpose))


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_snapshots(
    session: Session,
    tenant_id: int,
    refs: Sequence[str],
    purpose: str,
    at: datetime | None = None,
    *,
    by_identity: bool = False,
    chunk: int = 5000,
    scan_above: int = 50_000,
) -> dict[str, tuple[Any, ...]]:
    """Snapshot tuples keyed by subject key (or by identity hash if ``by_identity``) for known subjects.

    Unknown subjects are absent (the caller treats them as :data:`EMPTY`: nothing was ever said).
    Lists longer than ``scan_above`` are answered by one streaming scan of the tenant instead of
    chunked ``IN`` lookups, which is faster once most subjects are asked for.
    """
    query = _query(tenant_id, purpose, at, by_identity)
    match_col = LedgerIdentity.hash if by_identity else LedgerSubject.key
    wanted = set(refs)
    found: dict[str, tuple[Any, ...]] = {}
    stale: dict[int, str] = {}
    conn = session.connection()

    def take(rows: Iterable[Any]) -> None:
        for row in rows:
            key = row[0]
            if key in wanted:
                found[key] = tuple(row[3:])
                if row[2]:
                    stale[row[1]] = key

    if len(wanted) > scan_above:
        take(conn.execute(query.execution_options(yield_per=50_000)))
    else:
        for part in _chunks(sorted(wanted), chunk):
            take(conn.execute(query.where(match_col.in_(part))))
    if stale and at is not None:
        for subject_id, state in _fold_many(session, list(stale), at).items():
            found[stale[subject_id]] = tuple(snapshot(state, purpose))
    return found


def _fold_many(session: Session, subject_ids: Sequence[int], at: datetime) -> dict[int, SubjectState]:
    """Fold the events up to ``at`` of several subjects with one query per chunk."""
    events: dict[int, list[EventRecord]] = defaultdict(list)
    for part in _chunks(subject_ids, 5000):
        rows = session.execute(
            select(
                LedgerEvent.subject_id,
                LedgerEvent.id,
                LedgerEvent.kind,
                LedgerEvent.purpose,
                LedgerEvent.channel,
                LedgerEvent.at,
                LedgerEvent.data,
            ).where(LedgerEvent.subject_id.in_(part), LedgerEvent.at <= at)
        )
        for sid, eid, kind, purpose, channel, ev_at, data in rows:
            events[sid].append(EventRecord(eid, kind, purpose, channel, ev_at, json.loads(data)))
    return {sid: fold(events.get(sid, [])) for sid in subject_ids}
