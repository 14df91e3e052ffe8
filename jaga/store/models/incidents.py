"""The breach register's table: one row per personal-data breach (UU PDP art. 46, GDPR art. 33(5)).

Lists (systems, tables, categories, regimes) are JSON so one column type serves SQLite, PostgreSQL
and MariaDB. Free text written by staff lives here only; the audit chain gets ids, counts and keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_tenant_status", "tenant_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    tables: Mapped[list[str]] = mapped_column(JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    regimes: Mapped[list[str]] = mapped_column(JSON, default=list)
    containment: Mapped[str] = mapped_column(Text, default="")
    consequences: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    authority_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    subjects_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
