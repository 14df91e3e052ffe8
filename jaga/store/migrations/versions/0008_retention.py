"""retention: sweep runs and their resumable steps

Revision ID: 0008_retention
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import jaga.store.base

revision: str = "0008_retention"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("retention",)
depends_on: str | Sequence[str] | None = None

_T = jaga.store.base.UTCDateTime
_LONG = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")


def upgrade() -> None:
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("clock", _T(), nullable=False),
        sa.Column("map_paths", sa.Text(), nullable=False),
        sa.Column("map_digest", sa.String(64), nullable=False),
        sa.Column("policy_path", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=True),
        sa.Column("chunk_rows", sa.Integer(), nullable=False),
        sa.Column("plan", _LONG, nullable=False),
        sa.Column("result", _LONG, nullable=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("finished_at", _T(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_retention_runs_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_index("ix_retention_runs_tenant_status", "retention_runs", ["tenant_id", "status"])
    op.create_table(
        "retention_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("pending", sa.Text(), nullable=True),
        sa.Column("counts", _LONG, nullable=True),
        sa.Column("started_at", _T(), nullable=True),
        sa.Column("finished_at", _T(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["retention_runs.id"], name=op.f("fk_retention_steps_run_id_retention_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_steps")),
    )
    op.create_index("ix_retention_steps_run_seq", "retention_steps", ["run_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_retention_steps_run_seq", table_name="retention_steps")
    op.drop_table("retention_steps")
    op.drop_index("ix_retention_runs_tenant_status", table_name="retention_runs")
    op.drop_table("retention_runs")
