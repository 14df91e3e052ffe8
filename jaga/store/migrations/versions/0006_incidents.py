"""incidents: the breach register

Revision ID: 0006_incidents
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0006_incidents"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("incidents",)
depends_on: str | Sequence[str] | None = None

UTC = jaga.store.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occurred_at", UTC(), nullable=False),
        sa.Column("discovered_at", UTC(), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("regimes", sa.JSON(), nullable=False),
        sa.Column("containment", sa.Text(), nullable=False),
        sa.Column("consequences", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("high_risk", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("assessed_at", UTC(), nullable=True),
        sa.Column("authority_notified_at", UTC(), nullable=True),
        sa.Column("subjects_notified_at", UTC(), nullable=True),
        sa.Column("closed_at", UTC(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_incidents_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index("ix_incidents_tenant_status", "incidents", ["tenant_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_incidents_tenant_status", table_name="incidents")
    op.drop_table("incidents")
