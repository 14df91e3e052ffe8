"""Data-subject requests as a lifecycle: the request, every state change, and one-time codes.

Kept apart from ``dsr.py`` (the execution engine's batches and steps): a request lives for weeks and is
answered by people, while an execution batch is a machine run. Identities are stored only as tenant-keyed
HMACs; the one address needed to reply is sealed (Fernet) and never appears in the audit chain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow


class SubjectRequest(Base):
    """One request from a person; ``due_at`` is kept current so overdue lists are a single indexed query."""

    __tablename__ = "subject_requests"
    __table_args__ = (
        Index("ix_subject_requests_tenant_status_due", "tenant_id", "status", "due_at"),
        Index("ix_subject_requests_tenant_identity", "tenant_id", "identity_hash"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    regime: Mapped[str] = mapped_column(String(16))
    right: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(24))
    identity_kind: Mapped[str] = mapped_column(String(16))
    identity_hash: Mapped[str] = mapped_column(String(64))
    contact_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    changes_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: before 0009, Asia/Jakarta
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    resume_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    verified_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SubjectRequestEvent(Base):
    """One state change of a request: who, when, why (and the article, for refusals)."""

    __tablename__ = "subject_request_events"
    __table_args__ = (Index("ix_subject_request_events_request_seq", "request_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("subject_requests.id"))
    seq: Mapped[int] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    article: Mapped[str | None] = mapped_column(String(120), nullable=True)
    data: Mapped[str] = mapped_column(Text, default="{}")


class SubjectRequestCode(Base):
    """A one-time code sent to the request's address; only its keyed hash is kept."""

    __tablename__ = "subject_request_codes"
    __table_args__ = (Index("ix_subject_request_codes_request", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("subject_requests.id"))
    identity_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
