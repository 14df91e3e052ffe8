"""Data-subject request execution: batches, their requests, every step, and restrictions.

Steps are written before and after they run so a killed process can be resumed exactly where it stopped.
Identities are kept only as HMAC keys plus one sealed (encrypted) copy that resume needs and that is
cleared when the request finishes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow


class DsrBatch(Base):
    __tablename__ = "dsr_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="received")
    map_paths: Mapped[str] = mapped_column(Text)
    map_digest: Mapped[str] = mapped_column(String(64))
    policy_path: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(64))
    out_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    plan_sealed: Mapped[str | None] = mapped_column(Text().with_variant(mysql.LONGTEXT(), "mysql"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DsrRequest(Base):
    __tablename__ = "dsr_requests"
    __table_args__ = (Index("ix_dsr_requests_batch", "batch_id", "sid"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    batch_id: Mapped[str] = mapped_column(ForeignKey("dsr_batches.id"))
    sid: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="received")
    identity_keys: Mapped[str] = mapped_column(Text)
    sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DsrStep(Base):
    __tablename__ = "dsr_steps"
    __table_args__ = (Index("ix_dsr_steps_batch_seq", "batch_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("dsr_batches.id"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)


class DsrRestriction(Base):
    """Rows kept under a legal hold or restricted on request, when the table has no flag column."""

    __tablename__ = "dsr_restrictions"
    __table_args__ = (Index("ix_dsr_restrictions_request", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("dsr_requests.id"))
    dataset: Mapped[str] = mapped_column(String(120))
    collection: Mapped[str] = mapped_column(String(120))
    row_keys: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
