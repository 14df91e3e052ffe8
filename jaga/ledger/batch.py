"""Set-based reads of many subjects' state for one purpose, for batch decisions.

A decision over a marketing list of a million people must not ask the database a million times, and it
must not pay an ORM's per-row price either. This module reads the materialised state with one
hand-written statement per chunk of keys (or one streaming scan of the tenant when the list is large),
straight from the driver's cursor, and folds events only for the few subjects whose state changed after
the decision time.

Each subject's ten facts come back packed in an ``int`` (a *state code*: nine flag bits and, above them,
the index of its do-not-contact channels in a small process-wide table). Equal states have equal codes,
so a million subjects collapse to a handful of distinct decisions and a code costs a machine word to
keep. :class:`Snapshot` is the readable form of the same facts.

:func:`changed_since` reads which subjects' state may have changed after a position of the tenant's
audit chain: every ledger write appends a ``ledger.*`` entry naming the subject in the same
transaction, and the chain's sequence numbers are gapless and commit-ordered (the head row is locked
until commit), which is what lets a process keep states in memory and still see another process's
write at once.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from jaga.ledger.state import EventRecord, SubjectState, fold
from jaga.store.db import placeholders
from jaga.store.models.ledger import LedgerEvent, LedgerState


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

# ---------------------------------------------------------------- state codes

MARKETING_OBJECTED, GPC, RESTRICTED, CHILD, ERASED, CONSENT, EXPLICIT, OBJECTED, PARENTAL = (1 << i for i in range(9))
_CHANNEL_SHIFT = 9
EMPTY_CODE = 0
"""The code of a subject who never said anything (and of one the ledger does not know)."""


class _Channels:
    """Do-not-contact channel sets (``"email,sms"``) numbered in first-seen order, per process.

    There are only a few distinct sets in any ledger, so numbering them keeps a state code an ``int``.
    Numbers are never reused, so a code stays valid for the life of the process.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {"": 0}
        self._names: list[str] = [""]
        self._lock = threading.Lock()

    def id(self, channels: str) -> int:
        found = self._ids.get(channels)
        if found is None:
            with self._lock:
                found = self._ids.get(channels)
                if found is None:
                    found = len(self._names)
                    self._names.append(channels)  # before publishing the id, so readers find the name
                    self._ids[channels] = found
        return found

    def name(self, number: int) -> str:
        return self._names[number]


_CHANNELS = _Channels()


def encode(s: Snapshot) -> int:
    """The state code of a snapshot."""
    flags = (
        (MARKETING_OBJECTED, s.marketing_objected),
        (GPC, s.gpc),
        (RESTRICTED, s.restricted),
        (CHILD, s.is_child),
        (ERASED, s.erased),
        (CONSENT, s.consent),
        (EXPLICIT, s.explicit),
        (OBJECTED, s.objected),
        (PARENTAL, s.parental_consent),
    )
    return sum(bit for bit, on in flags if on) | _CHANNELS.id(s.do_not_contact) << _CHANNEL_SHIFT


def decode(code: int) -> Snapshot:
    """The snapshot behind a state code (decisions decode once per distinct code, not per subject)."""
    return Snapshot(
        bool(code & MARKETING_OBJECTED),
        bool(code & GPC),
        bool(code & RESTRICTED),
        _CHANNELS.name(code >> _CHANNEL_SHIFT),
        bool(code & CHILD),
        bool(code & ERASED),
        bool(code & CONSENT),
        bool(code & EXPLICIT),
        bool(code & OBJECTED),
        bool(code & PARENTAL),
    )


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


# ---------------------------------------------------------------- SQL, written once per shape

_BITS = " + ".join(
    [
        *(
            f"CASE WHEN {col} THEN {bit} ELSE 0 END"
            for col, bit in (
                ("st.marketing_objected", MARKETING_OBJECTED),
                ("st.gpc", GPC),
                ("st.restricted", RESTRICTED),
                ("st.is_child", CHILD),
                ("st.erased_at IS NOT NULL", ERASED),
                ("ps.consent", CONSENT),
                ("ps.explicit", EXPLICIT),
                ("ps.objected", OBJECTED),
                ("ps.parental_consent", PARENTAL),
            )
        )
    ]
)


@lru_cache(maxsize=64)
def _state_sql(paramstyle: str, by_identity: bool, at: bool, keys: int | None, *, array: bool = False) -> str:
    """The statement reading state codes; ``keys`` is the number of keys asked for, None for a scan
    (with ``array`` they come as one PostgreSQL array parameter).

    Parameters, in order: the decision time (if ``at``), the purpose, the tenant, then the keys. Only
    subjects with a state row come back: a subject without one has never said anything. A scan starts
    from the tenant's state rows, whose order (subject id) keeps the joined lookups local; a lookup
    starts from the keys. Flags are summed into bits in SQL so each row is three small values.
    """
    stale = ", CASE WHEN st.last_at > ? THEN st.subject_id END" if at else ""
    if by_identity:
        match, source, tenant = (
            "i.hash",
            "ledger_identities i JOIN ledger_state st ON st.subject_id = i.subject_id",
            "i",
        )
    elif keys is None:
        match, source, tenant = "s.key", "ledger_state st JOIN ledger_subjects s ON s.id = st.subject_id", "st"
    else:
        match, source, tenant = "s.key", "ledger_subjects s JOIN ledger_state st ON st.subject_id = s.id", "s"
    sql = (
        f"SELECT {match}, {_BITS}, NULLIF(st.do_not_contact, ''){stale} FROM {source}"
        " LEFT JOIN ledger_purpose_state ps ON ps.subject_id = st.subject_id AND ps.purpose = ?"
        f" WHERE {tenant}.tenant_id = ?"
    )
    if keys is not None:
        sql += f" AND {match} = ANY(?)" if array else f" AND {match} IN ({', '.join('?' * keys)})"
    return placeholders(sql, paramstyle)


_FETCH = 20_000


def _rows(conn: Connection, sql: str, params: Sequence[Any], *, stream: bool = False) -> Iterator[Sequence[Any]]:
    """Rows straight from the driver's cursor: plain tuples, no per-row work by SQLAlchemy.

    ``stream`` reads a large result through a server-side cursor on PostgreSQL so memory stays bounded
    (SQLite cursors stream anyway). The statement runs in the session's transaction.
    """
    raw: Any = conn.connection.driver_connection
    cursor = raw.cursor(name="jaga_states") if stream and conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(_FETCH):
            yield from chunk
    finally:
        cursor.close()


def _bind_at(conn: Connection, at: datetime) -> Any:
    """``at`` as the store keeps timestamps (SQLite compares text, so the format must match exactly)."""
    kind = LedgerState.__table__.c.last_at.type
    process = kind.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(at) if process else at


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- reads


def _collect(rows: Iterable[Sequence[Any]], found: dict[str, int], wanted: set[str] | None) -> None:
    channel = _CHANNELS.id
    if wanted is None:
        for key, bits, dnc in rows:
            found[key] = bits | channel(dnc) << _CHANNEL_SHIFT if dnc else bits
        return
    for key, bits, dnc in rows:
        if key in wanted:
            found[key] = bits | channel(dnc) << _CHANNEL_SHIFT if dnc else bits


def _collect_at(rows: Iterable[Sequence[Any]], found: dict[str, int], wanted: set[str], stale: dict[int, str]) -> None:
    channel = _CHANNELS.id
    for key, bits, dnc, stale_id in rows:
        if key in wanted:
            found[key] = bits | channel(dnc) << _CHANNEL_SHIFT if dnc else bits
            if stale_id is not None:
                stale[stale_id] = key


def load_states(
    session: Session,
    tenant_id: int,
    refs: Sequence[str],
    purpose: str,
    at: datetime | None = None,
    *,
    by_identity: bool = False,
    chunk: int = 5000,
    scan_above: int = 50_000,
) -> dict[str, int]:
    """State codes keyed by subject key (or by identity hash if ``by_identity``), current or at ``at``.

    Subjects absent from the answer have :data:`EMPTY_CODE` (unknown, or nothing ever said). Lists
    longer than ``scan_above`` are answered by one streaming scan of the tenant instead of chunked key
    lookups, which is faster once most subjects are asked for.
    """
    conn = session.connection()
    dialect, style = conn.dialect.name, conn.dialect.paramstyle
    wanted = set(refs)
    found: dict[str, int] = {}
    stale: dict[int, str] = {}
    head: list[Any] = [_bind_at(conn, at)] if at is not None else []
    scan = len(wanted) > scan_above
    parts: Iterable[Sequence[str]] = [()] if scan else _chunks(sorted(wanted), chunk)
    for part in parts:
        # PostgreSQL takes many keys as one array; one key as a plain equality, which the planner answers
        # with a unique-index probe instead of an array scan (a single decision twice as fast)
        array = dialect == "postgresql" and len(part) > 1
        keys = None if scan else 1 if array else len(part)
        sql = _state_sql(style, by_identity, at is not None, keys, array=array)
        params = [*head, purpose, tenant_id]
        if not scan:
            params += [list(part)] if array else part
        rows = _rows(conn, sql, params, stream=scan)
        if at is None:
            _collect(rows, found, wanted)
        else:
            _collect_at(rows, found, wanted, stale)
    if stale and at is not None:
        for subject_id, state in _fold_many(session, list(stale), at).items():
            found[stale[subject_id]] = encode(snapshot(state, purpose))
    return found


def scan_states(session: Session, tenant_id: int, purpose: str) -> dict[str, int]:
    """The current state code of every subject of the tenant with any state, keyed by subject key."""
    conn = session.connection()
    sql = _state_sql(conn.dialect.paramstyle, False, False, None)
    found: dict[str, int] = {}
    _collect(_rows(conn, sql, (purpose, tenant_id), stream=True), found, None)
    return found


def count_states(session: Session, tenant_id: int) -> int:
    """How many subjects of the tenant have any state: tells whether a list is most of the tenant."""
    conn = session.connection()
    sql = placeholders("SELECT COUNT(*) FROM ledger_state WHERE tenant_id = ?", conn.dialect.paramstyle)
    row = next(_rows(conn, sql, (tenant_id,)), None)
    return int(row[0]) if row is not None else 0


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
    """:func:`load_states` as :class:`Snapshot` tuples (absent subjects are :data:`EMPTY`)."""
    codes = load_states(
        session, tenant_id, refs, purpose, at, by_identity=by_identity, chunk=chunk, scan_above=scan_above
    )
    return {key: tuple(decode(code)) for key, code in codes.items()}


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


# ---------------------------------------------------------------- what changed since


def audit_position(session: Session, tenant_id: int) -> int:
    """The tenant's last audit sequence number visible to this session (0 for an empty chain)."""
    conn = session.connection()
    sql = placeholders("SELECT MAX(seq) FROM audit_entries WHERE tenant_id = ?", conn.dialect.paramstyle)
    row = next(_rows(conn, sql, (tenant_id,)), None)
    return int(row[0]) if row is not None and row[0] is not None else 0


def changed_since(session: Session, tenant_id: int, position: int) -> tuple[int, set[str] | None]:
    """The new audit position and the keys of subjects whose state may have changed after ``position``.

    Every ledger write appends a ``ledger.*`` entry naming the subject's key in its own transaction, and
    the chain's numbers are gapless and commit-ordered, so the entries after ``position`` that this
    session sees are exactly the writes it had not seen. ``None`` instead of a set means a ledger entry
    named no subject (a rebuild): anything may have changed. One indexed range read; nothing when idle.
    """
    conn = session.connection()
    sql = placeholders(
        "SELECT seq, CASE WHEN kind LIKE ? THEN payload END FROM audit_entries WHERE tenant_id = ? AND seq > ?",
        conn.dialect.paramstyle,
    )
    keys: set[str] | None = set()
    for seq, payload in _rows(conn, sql, ("ledger.%", tenant_id, position)):
        position = max(position, int(seq))
        if payload is not None and keys is not None:
            subject = json.loads(payload).get("subject")
            if isinstance(subject, str):
                keys.add(subject)
            else:
                keys = None
    return position, keys
