"""Retention sweeps: one row per run, one per step (a table, the verification, the finish).

A step records where it stands chunk by chunk (``cursor``) and the counts of the chunk whose company
transaction may or may not have committed (``pending``), so a run killed at any instant resumes with
exact counts and without touching a row twice. Nothing here holds personal data: table names, key
bounds, counts and laws only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow

_LONG = Text().with_variant(mysql.LONGTEXT(), "mysql")


class RetentionRun(Base):
    __tablename__ = "retention_runs"
    __table_args__ = (Index("ix_retention_runs_tenant_status", "tenant_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    clock: Mapped[datetime] = mapped_column(UTCDateTime())
    map_paths: Mapped[str] = mapped_column(Text)
    map_digest: Mapped[str] = mapped_column(String(64))
    policy_path: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(64))
    out_dir: Mapped[str | None] = mapped_column(Text, nullable=True)
    chunk_rows: Mapped[int] = mapped_column(Integer)
    plan: Mapped[str] = mapped_column(_LONG)
    result: Mapped[str | None] = mapped_column(_LONG, nullable=True)
    actor: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RetentionStep(Base):
    __tablename__ = "retention_steps"
    __table_args__ = (Index("ix_retention_steps_run_seq", "run_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("retention_runs.id"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    pending: Mapped[str | None] = mapped_column(Text, nullable=True)
    counts: Mapped[str | None] = mapped_column(_LONG, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
