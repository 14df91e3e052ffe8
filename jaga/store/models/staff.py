"""Staff accounts of the admin console and their server-side sessions.

Staff are the company's own people, not data subjects: their email is kept in clear so an admin can see
who has access, but the audit chain only ever gets the account id and a keyed hash of the email. Only an
argon2id hash of the password is stored; sessions are random tokens of which only a SHA-256 is kept, so
a copy of the database cannot be replayed as a login.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jaga.store.base import Base, UTCDateTime, utcnow


class StaffUser(Base):
    """One person who may sign in to the console of one tenant, with one role."""

    __tablename__ = "staff_users"
    __table_args__ = (Index("ix_staff_users_tenant_email", "tenant_id", "email", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StaffSession(Base):
    """A signed-in browser: found by the SHA-256 of its cookie token, ended by expiry, idleness or logout."""

    __tablename__ = "staff_sessions"
    __table_args__ = (
        Index("ix_staff_sessions_token_hash", "token_hash", unique=True),
        Index("ix_staff_sessions_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
