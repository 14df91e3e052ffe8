"""A hash chain over everything jaga does, so a company can prove what happened and when.

Each entry's hash covers its canonical JSON and the previous entry's hash; changing, removing or
inserting an entry breaks every hash after it. The per-tenant head row is locked on append so that
concurrent writers cannot fork the chain, and verification compares the walk's end with that head so a
truncated tail is caught too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from jaga.store.base import utcnow
from jaga.store.models.audit import AuditEntry, AuditHead

GENESIS = "0" * 64


def canonical(data: Mapping[str, Any]) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept; the bytes that are hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _entry_hash(prev_hash: str, seq: int, at: datetime, kind: str, actor: str, payload: str) -> str:
    body = canonical({"seq": seq, "at": at.isoformat(), "kind": kind, "actor": actor, "payload": payload})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append(
    session: Session,
    tenant_id: int,
    kind: str,
    payload: Mapping[str, Any],
    *,
    actor: str = "system",
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry to the tenant's chain in the caller's transaction.

    ``payload`` must hold no raw personal data: identities appear only as their HMAC keys.
    """
    at = at or utcnow()
    head = _locked_head(session, tenant_id)
    text = canonical(payload)
    seq = head.seq + 1
    digest = _entry_hash(head.hash, seq, at, kind, actor, text)
    entry = AuditEntry(
        tenant_id=tenant_id, seq=seq, at=at, kind=kind, actor=actor, payload=text, prev_hash=head.hash, hash=digest
    )
    session.add(entry)
    head.seq, head.hash = seq, digest
    session.flush()
    return entry


def _locked_head(session: Session, tenant_id: int) -> AuditHead:
    """The tenant's head row, locked until the caller's transaction ends (created on first use)."""
    head = session.scalar(select(AuditHead).where(AuditHead.tenant_id == tenant_id).with_for_update())
    if head is None:
        head = AuditHead(tenant_id=tenant_id, seq=0, hash=GENESIS)
        session.add(head)
    return head


def append_many(
    session: Session,
    tenant_id: int,
    items: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    actor: str = "system",
    at: datetime | None = None,
) -> int:
    """Add many ``(kind, payload)`` entries to the tenant's chain in the caller's transaction.

    The same chain as calling :func:`append` for each item, but the head is locked and updated once
    and the rows go in with one multi-row INSERT, so a batch of a thousand requests costs a few
    statements instead of a thousand round trips. Returns how many entries were added.
    """
    at = at or utcnow()
    head = _locked_head(session, tenant_id)
    seq, prev = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    for kind, payload in items:
        seq += 1
        text = canonical(payload)
        digest = _entry_hash(prev, seq, at, kind, actor, text)
        rows.append(
            {
                "tenant_id": tenant_id,
                "seq": seq,
                "at": at,
                "kind": kind,
                "actor": actor,
                "payload": text,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if rows:
        session.execute(insert(cast(Table, AuditEntry.__table__)), rows)  # Core: no per-row ORM work
        head.seq, head.hash = seq, prev
        session.flush()
    return len(rows)


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of walking a chain: ``first_bad_seq`` names the first entry that does not fit."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None


def _walk(session: Session, tenant_id: int, batch: int = 5000) -> Iterator[AuditEntry]:
    last_id = -1
    while True:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.tenant_id == tenant_id, AuditEntry.id > last_id)
            .order_by(AuditEntry.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify(session: Session, tenant_id: int) -> VerifyResult:
    """Walk the tenant's chain in write order and report the first changed, removed or inserted entry."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in _walk(session, tenant_id):
        if entry.seq != expected_seq:
            what = "removed" if entry.seq > expected_seq else "inserted or reordered"
            return VerifyResult(False, checked, expected_seq, f"entry {expected_seq} {what}")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.seq, f"entry {entry.seq} does not link to the one before")
        if _entry_hash(prev_hash, entry.seq, entry.at, entry.kind, entry.actor, entry.payload) != entry.hash:
            return VerifyResult(False, checked, entry.seq, f"entry {entry.seq} was changed after it was written")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = session.scalar(select(AuditHead).where(AuditHead.tenant_id == tenant_id))
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (checked, prev_hash):
        return VerifyResult(
            False,
            checked,
            checked + 1 if head_seq > checked else head_seq,
            "the chain ends before its recorded head: entries were removed from the end"
            if head_seq > checked
            else "the chain does not end at its recorded head",
        )
    return VerifyResult(True, checked, head_hash=prev_hash)


def entries(session: Session, tenant_id: int, kind: str | None = None, limit: int = 100) -> list[AuditEntry]:
    """The newest entries of a tenant's chain, optionally of one kind."""
    query = select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    if kind:
        query = query.where(AuditEntry.kind == kind)
    return list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
