"""throttles: failure counters with back-off per (owner, client), for sign-in and one-time codes

Revision ID: 0009_throttles
Revises: 0001_base
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0009_throttles"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("throttle",)
depends_on: str | Sequence[str] | None = None

_T = jaga.store.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", _T(), nullable=True),
        sa.Column("updated_at", _T(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_throttles_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttles")),
    )
    op.create_index("ix_throttles_key", "throttles", ["tenant_id", "scope", "owner", "client"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_throttles_key", table_name="throttles")
    op.drop_table("throttles")
