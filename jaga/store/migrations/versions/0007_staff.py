"""staff: console accounts (argon2id password hashes, lockout counters) and server-side sessions

Revision ID: 0007_staff
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0007_staff"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("staff",)
depends_on: str | Sequence[str] | None = "0009_throttles"  # failure counters (jaga.store.throttle)

_T = jaga.store.base.UTCDateTime


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"))


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _T(), nullable=True),
        sa.Column("last_login_at", _T(), nullable=True),
        sa.Column("password_changed_at", _T(), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        _tenant_fk("staff_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
    )
    op.create_index("ix_staff_users_tenant_email", "staff_users", ["tenant_id", "email"], unique=True)
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("last_seen_at", _T(), nullable=False),
        sa.Column("expires_at", _T(), nullable=False),
        sa.Column("ended_at", _T(), nullable=True),
        _tenant_fk("staff_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], name=op.f("fk_staff_sessions_user_id_staff_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    op.create_index("ix_staff_sessions_token_hash", "staff_sessions", ["token_hash"], unique=True)
    op.create_index("ix_staff_sessions_user", "staff_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_sessions_user", table_name="staff_sessions")
    op.drop_index("ix_staff_sessions_token_hash", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_index("ix_staff_users_tenant_email", table_name="staff_users")
    op.drop_table("staff_users")
