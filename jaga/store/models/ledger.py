"""The consent ledger's tables: subjects, their identity hashes, guardians, events and current state.

Events are the truth and are only ever inserted. The two ``*_state`` tables are a cache of the fold of
those events (``jaga ledger rebuild`` recomputes them) so that decisions over millions of subjects read
one row per subject instead of replaying history. No raw identity is stored anywhere: only HMACs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow

_BIGID = BigInteger().with_variant(Integer, "sqlite")


class LedgerSubject(Base):
    """A person as the ledger knows them: an opaque key (an identity HMAC) and nothing else."""

    __tablename__ = "ledger_subjects"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerIdentity(Base):
    """One identity (email, phone, NIK, customer id...) of a subject, as an HMAC of its normal form."""

    __tablename__ = "ledger_identities"
    __table_args__ = (UniqueConstraint("tenant_id", "hash"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerGuardian(Base):
    """A parent or guardian who may consent for a child (UU PDP art. 25(2), GDPR art. 8(1))."""

    __tablename__ = "ledger_guardians"
    __table_args__ = (UniqueConstraint("child_id", "guardian_id"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"))
    guardian_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LedgerEvent(Base):
    """Something a subject said or a fact about them, effective at ``at``; never updated or deleted."""

    __tablename__ = "ledger_events"
    __table_args__ = (Index("ix_ledger_events_subject_at", "subject_id", "at", "id"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"))
    kind: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    data: Mapped[str] = mapped_column(Text, default="{}")


class LedgerState(Base):
    """Current subject-wide state (cache of the events); ``last_at`` lets past-time reads trust it."""

    __tablename__ = "ledger_state"

    subject_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    marketing_objected: Mapped[bool] = mapped_column(Boolean, default=False)
    gpc: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    restriction_reason: Mapped[str | None] = mapped_column(String(200))
    do_not_contact: Mapped[str] = mapped_column(String(200), default="")
    is_child: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerPurposeState(Base):
    """Current state of one subject for one purpose (cache of the events)."""

    __tablename__ = "ledger_purpose_state"

    subject_id: Mapped[int] = mapped_column(ForeignKey("ledger_subjects.id"), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(120), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_version: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    objected: Mapped[bool] = mapped_column(Boolean, default=False)
    parental_consent: Mapped[bool] = mapped_column(Boolean, default=False)
