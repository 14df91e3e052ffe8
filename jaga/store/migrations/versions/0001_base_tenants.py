"""base: tenants

Every domain adds its tables on its own branch that starts from this revision (branch label = domain),
so that domains evolve independently; ``migrate`` upgrades all heads.

Revision ID: 0001_base
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0001_base"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("base",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", jaga.store.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
    )


def downgrade() -> None:
    op.drop_table("tenants")
