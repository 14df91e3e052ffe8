"""Failure counters with back-off, for anything a guesser can retry (staff sign-in, one-time codes).

A row counts the failures of one ``owner`` (an account, an identity, a whole tenant) from one ``client``
(a network address, or ``*`` for all of them) in one ``scope``. Both are stored only as HMACs with the
tenant's throttle key: the table holds no addresses and no identities.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow


class Throttle(Base):
    __tablename__ = "throttles"
    __table_args__ = (Index("ix_throttles_key", "tenant_id", "scope", "owner", "client", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    scope: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
