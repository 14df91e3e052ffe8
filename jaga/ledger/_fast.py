"""Recording one event with a handful of hand-written statements: the ledger's ingest hot path.

:func:`jaga.ledger.record` is called once per form submission, click or API call, thousands of times a
minute. Through the ORM it cost a dozen statements and most of a millisecond of Python each. Here, with
the tenant's audit head already locked by the caller, it is one read (the subject, its state and its
state for the event's purpose, joined; on PostgreSQL also the event's id from its sequence) and then
the writes: the event, the subject-wide state row, the purpose state row, the audit entry and the
head, as one statement of data-modifying CTEs on PostgreSQL and five small ones elsewhere.

Only the purpose the event names is read and written: :func:`jaga.ledger.state.apply` touches nothing
else, so the rows written are exactly those a full re-fold would write. An event older than the
subject's latest state falls back to re-folding the subject's events (see ``events._refold_one``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from jaga import audit
from jaga.errors import NotFoundError
from jaga.ledger.identity import Identity, identity_hash
from jaga.ledger.state import EventRecord, PurposeState, SubjectState, apply
from jaga.store.base import UTCDateTime
from jaga.store.db import Driver, driver

_STATE = (
    "marketing_objected",
    "gpc",
    "restricted",
    "restriction_reason",
    "do_not_contact",
    "is_child",
    "erased_at",
    "last_at",
    "last_event_id",
)
_PURPOSE = ("consent", "explicit", "consent_at", "notice_version", "withdrawn_at", "objected", "parental_consent")
_EVENT = ("tenant_id", "subject_id", "kind", "purpose", "channel", "at", "recorded_at", "actor", "data")
_NEXT_EVENT_ID = "nextval(pg_get_serial_sequence('ledger_events', 'id'))"
_TIME = UTCDateTime()


@lru_cache(maxsize=8)
def _read_sql(by_identity: bool, postgresql: bool) -> str:
    """Subject id and key, its state row and its purpose row (all NULL when absent); parameters:
    purpose, tenant, key or identity hash. PostgreSQL also hands out the new event's id."""
    source, where = (
        ("ledger_identities i JOIN ledger_subjects s ON s.id = i.subject_id", "i.tenant_id = ? AND i.hash = ?")
        if by_identity
        else ("ledger_subjects s", "s.tenant_id = ? AND s.key = ?")
    )
    columns = ", ".join(
        ["s.id", "s.key", "st.subject_id", *(f"st.{c}" for c in _STATE)]
        + ["ps.subject_id", *(f"ps.{c}" for c in _PURPOSE)]
        + ([_NEXT_EVENT_ID] if postgresql else [])
    )
    return (
        f"SELECT {columns} FROM {source}"
        " LEFT JOIN ledger_state st ON st.subject_id = s.id"
        " LEFT JOIN ledger_purpose_state ps ON ps.subject_id = s.id AND ps.purpose = ?"
        f" WHERE {where}"
    )


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _update(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    sets = ", ".join(f"{c} = ?" for c in columns)
    return f"UPDATE {table} SET {sets} WHERE {' AND '.join(f'{k} = ?' for k in keys)}"


_INSERT_EVENT = _insert("ledger_events", _EVENT)
_INSERT_EVENT_WITH_ID = _insert("ledger_events", ("id", *_EVENT))
_INSERT_STATE = _insert("ledger_state", ("subject_id", "tenant_id", *_STATE))
_UPDATE_STATE = _update("ledger_state", _STATE, ("subject_id",))
_INSERT_PURPOSE = _insert("ledger_purpose_state", ("subject_id", "purpose", "tenant_id", *_PURPOSE))
_UPDATE_PURPOSE = _update("ledger_purpose_state", _PURPOSE, ("subject_id", "purpose"))


@dataclass
class Found:
    """What the read found: the subject, whether it has state rows, and the state they hold."""

    subject_id: int
    key: str
    state: SubjectState
    has_state: bool
    has_purpose: bool
    event_id: int | None
    """The new event's id, handed out with the read (PostgreSQL), else None until it is inserted."""


def read_statement(db: Driver, tenant_id: int, subject: str | Identity, purpose: str | None) -> tuple[str, list[Any]]:
    """The read of :func:`parse`: the subject (by key or identity), its state and its purpose state."""
    by_identity = isinstance(subject, Identity)
    ref = identity_hash(tenant_id, subject) if isinstance(subject, Identity) else subject
    return _read_sql(by_identity, db.name == "postgresql"), [purpose, tenant_id, ref]


def parse(db: Driver, rows: Sequence[Sequence[Any]], purpose: str | None) -> Found | None:
    """The subject and state the rows of :func:`read_statement` hold, or None for an unknown subject."""
    if not rows:
        return None
    row = rows[0]
    time = db.reader(_TIME)
    state = SubjectState()
    has_state = row[2] is not None
    if has_state:
        mo, gpc, restricted, reason, dnc, child, erased, last_at, last_id = row[3:12]
        state = SubjectState(
            marketing_objected=bool(mo),
            gpc=bool(gpc),
            restricted=bool(restricted),
            restriction_reason=reason,
            do_not_contact={c for c in (dnc or "").split(",") if c},
            is_child=bool(child),
            erased_at=time(erased),
            last_at=time(last_at),
            last_event_id=int(last_id or 0),
        )
    has_purpose = row[12] is not None
    if has_purpose and purpose is not None:
        consent, explicit, consent_at, notice, withdrawn, objected, parental = row[13:20]
        state.purposes[purpose] = PurposeState(
            consent=bool(consent),
            explicit=bool(explicit),
            consent_at=time(consent_at),
            notice_version=notice,
            withdrawn_at=time(withdrawn),
            objected=bool(objected),
            parental_consent=bool(parental),
        )
    event_id = int(row[20]) if len(row) > 20 else None
    return Found(int(row[0]), str(row[1]), state, has_state, has_purpose, event_id)


INSERT_IDENTITY = _insert("ledger_identities", ("tenant_id", "subject_id", "kind", "hash", "created_at"))


def insert_subject(db: Driver) -> str:
    """The ``INSERT`` of a subject (tenant, key, created_at); ``key`` is quoted where the database
    reserves the word (MySQL/MariaDB)."""
    return _insert("ledger_subjects", ("tenant_id", db.dialect.identifier_preparer.quote("key"), "created_at"))


def create(db: Driver, tenant_id: int, identity: Identity, now: datetime) -> Found:
    """Register a new subject known by ``identity`` (its key is the identity's HMAC)."""
    digest = identity_hash(tenant_id, identity)
    stamp = db.binder(_TIME)(now)
    event_id: int | None = None
    if db.name == "postgresql":
        subject_id, event_id = db.execute(
            f"{insert_subject(db)} RETURNING id, {_NEXT_EVENT_ID}", (tenant_id, digest, stamp)
        )[0]
    else:
        subject_id = _insert_id(db, insert_subject(db), (tenant_id, digest, stamp))
    db.execute(INSERT_IDENTITY, (tenant_id, subject_id, identity.kind.value, digest, stamp))
    return Found(int(subject_id), digest, SubjectState(), False, False, event_id)


def find(
    db: Driver, tenant_id: int, subject: str | Identity, purpose: str | None, now: datetime, found: Found | None
) -> Found:
    """``found`` (from :func:`parse`), or the subject registered now if it is named by an identity the
    ledger does not know; an unknown key is an error."""
    if found is not None:
        return found
    if isinstance(subject, Identity):
        return create(db, tenant_id, subject, now)
    raise NotFoundError("unknown subject", hint="check the subject key, or name the subject by an identity")


def _insert_id(db: Driver, statement: str, params: Sequence[Any]) -> int:
    cursor = db.raw.cursor()
    try:
        cursor.execute(db.sql(statement), params)
        return int(cursor.lastrowid)
    finally:
        cursor.close()


def event_params(
    db: Driver, tenant_id: int, subject_id: int, kind: str, purpose: str | None, channel: str | None,
    at: datetime, now: datetime, actor: str, data: Mapping[str, Any],
) -> list[Any]:  # fmt: skip
    time = db.binder(_TIME)
    return [tenant_id, subject_id, kind, purpose, channel, time(at), time(now), actor, json.dumps(data)]


def insert_event(db: Driver, found: Found, params: list[Any]) -> int:
    """Insert the event (``params`` from :func:`event_params`) and return its id."""
    if found.event_id is not None:
        db.execute(_INSERT_EVENT_WITH_ID, [found.event_id, *params])
        return found.event_id
    return _insert_id(db, _INSERT_EVENT, params)


def insert_events(db: Driver, params: Sequence[list[Any]]) -> list[int] | None:
    """Insert many events (``params`` from :func:`event_params`) with one batched statement and return
    their ids in order; ``None`` where the ids cannot be known in advance (MySQL/MariaDB), for the
    caller's portable path.

    A multi-row ``INSERT … RETURNING`` that must return ids in parameter order runs one statement per
    row on SQLite, most of a DSR batch's ledger time. Here the ids are taken first: PostgreSQL's
    sequence hands them out; on SQLite the caller's transaction already holds the database's write
    lock (the audit head's ``UPDATE``), so nobody else can take the ids after ``MAX(id)``, which are the
    ones SQLite would give (the table has no ``AUTOINCREMENT``, and no event is ever deleted).
    """
    if db.name == "postgresql":
        ids = [int(row[0]) for row in db.execute(f"SELECT {_NEXT_EVENT_ID} FROM generate_series(1, ?)", [len(params)])]
    elif db.name == "sqlite":
        start = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_events")[0][0]) + 1
        ids = list(range(start, start + len(params)))
    else:
        return None
    db.execute_many(_INSERT_EVENT_WITH_ID, [[event_id, *p] for event_id, p in zip(ids, params, strict=True)])
    return ids


def _state_values(s: SubjectState, time: Callable[[Any], Any]) -> list[Any]:
    """The ``_STATE`` columns of a subject's state, in order, bound for the driver."""
    return [
        s.marketing_objected,
        s.gpc,
        s.restricted,
        s.restriction_reason,
        ",".join(sorted(s.do_not_contact)),
        s.is_child,
        time(s.erased_at),
        time(s.last_at),
        s.last_event_id,
    ]


def _purpose_values(p: PurposeState, time: Callable[[Any], Any]) -> list[Any]:
    """The ``_PURPOSE`` columns of one purpose's state, in order, bound for the driver."""
    return [
        p.consent,
        p.explicit,
        time(p.consent_at),
        p.notice_version,
        time(p.withdrawn_at),
        p.objected,
        p.parental_consent,
    ]


def save_states(db: Driver, tenant_id: int, states: Mapping[int, SubjectState]) -> None:
    """Replace the materialised state of these subjects: deletes per thousand, then batched inserts.

    Through the driver with values bound once here: SQLAlchemy's per-value type processing (two
    timestamps a row) cost as much as the inserts themselves in a DSR batch's ledger step.
    """
    time = db.binder(_TIME)
    ids = list(states)
    for start in range(0, len(ids), 1000):
        part = ids[start : start + 1000]
        marks = ", ".join("?" * len(part))
        db.execute(f"DELETE FROM ledger_purpose_state WHERE subject_id IN ({marks})", part)
        db.execute(f"DELETE FROM ledger_state WHERE subject_id IN ({marks})", part)
    db.execute_many(_INSERT_STATE, [[sid, tenant_id, *_state_values(st, time)] for sid, st in states.items()])
    db.execute_many(
        _INSERT_PURPOSE,
        [
            [sid, key, tenant_id, *_purpose_values(p, time)]
            for sid, st in states.items()
            for key, p in st.purposes.items()
        ],
    )


def _state_statement(
    tenant_id: int, found: Found, purpose: str | None, time: Callable[[Any], Any]
) -> list[tuple[str, list[Any]]]:
    """The writes that store the subject-wide state and, if the event touched it, the purpose's."""
    s = found.state
    values = _state_values(s, time)
    out = [
        (_UPDATE_STATE, [*values, found.subject_id])
        if found.has_state
        else (_INSERT_STATE, [found.subject_id, tenant_id, *values])
    ]
    p = s.purposes.get(purpose) if purpose is not None else None
    if p is not None:
        pvalues = _purpose_values(p, time)
        out.append(
            (_UPDATE_PURPOSE, [*pvalues, found.subject_id, purpose])
            if found.has_purpose
            else (_INSERT_PURPOSE, [found.subject_id, purpose, tenant_id, *pvalues])
        )
    return out


def advance(
    session: Session,
    head: audit.Head,
    found: Found,
    event: EventRecord,
    event_params: list[Any],
    audit_entry: Callable[[int], tuple[str, Mapping[str, Any]]],
    actor: str,
) -> int:
    """Store an in-order event: the event row, the state it leads to, its audit entry and the head.

    ``audit_entry(event_id)`` gives the entry's kind and payload (the payload names the event's id).
    Returns the event's id.
    """
    db = driver(session)
    tenant_id = head.tenant_id
    time = db.binder(_TIME)
    if found.event_id is None:  # ids come from the insert
        event_id = insert_event(db, found, event_params)
        writes: list[tuple[str, list[Any]]] = []
    else:
        event_id = found.event_id
        writes = [(_INSERT_EVENT_WITH_ID, [event_id, *event_params])]
    apply(found.state, event._replace(id=event_id))
    writes += _state_statement(tenant_id, found, event.purpose, time)
    kind, payload = audit_entry(event_id)
    writes.append(audit.entry_statement(db, audit.next_entry(head, kind, payload, actor=actor)))
    writes.append(audit.head_statement(head))
    if db.name == "postgresql":  # one round trip: every write as a data-modifying CTE
        *ctes, (last, _) = writes
        names = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(ctes))
        db.execute(f"WITH {names} {last}", [p for _, params in writes for p in params])
    else:
        for sql, params in writes:
            db.execute(sql, params)
    head.stored, head.written = True, head.seq
    return event_id
