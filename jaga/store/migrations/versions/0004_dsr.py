"""dsr: data-subject request batches, requests, steps and restrictions

Revision ID: 0004_dsr
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

import jaga.store.base

revision: str = "0004_dsr"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("dsr",)
depends_on: str | Sequence[str] | None = None

_T = jaga.store.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "dsr_batches",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("map_paths", sa.Text(), nullable=False),
        sa.Column("map_digest", sa.String(64), nullable=False),
        sa.Column("policy_path", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=True),
        sa.Column("plan_sealed", sa.Text().with_variant(mysql.LONGTEXT(), "mysql"), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("finished_at", _T(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_dsr_batches_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsr_batches")),
    )
    op.create_table(
        "dsr_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("sid", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("identity_keys", sa.Text(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("finished_at", _T(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_dsr_requests_tenant_id_tenants")),
        sa.ForeignKeyConstraint(["batch_id"], ["dsr_batches.id"], name=op.f("fk_dsr_requests_batch_id_dsr_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsr_requests")),
    )
    op.create_index("ix_dsr_requests_batch", "dsr_requests", ["batch_id", "sid"])
    op.create_table(
        "dsr_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", _T(), nullable=True),
        sa.Column("finished_at", _T(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["dsr_batches.id"], name=op.f("fk_dsr_steps_batch_id_dsr_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsr_steps")),
    )
    op.create_index("ix_dsr_steps_batch_seq", "dsr_steps", ["batch_id", "seq"], unique=True)
    op.create_table(
        "dsr_restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("dataset", sa.String(120), nullable=False),
        sa.Column("collection", sa.String(120), nullable=False),
        sa.Column("row_keys", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("until", _T(), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_dsr_restrictions_tenant_id_tenants")),
        sa.ForeignKeyConstraint(
            ["request_id"], ["dsr_requests.id"], name=op.f("fk_dsr_restrictions_request_id_dsr_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsr_restrictions")),
    )
    op.create_index("ix_dsr_restrictions_request", "dsr_restrictions", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_dsr_restrictions_request", table_name="dsr_restrictions")
    op.drop_table("dsr_restrictions")
    op.drop_index("ix_dsr_steps_batch_seq", table_name="dsr_steps")
    op.drop_table("dsr_steps")
    op.drop_index("ix_dsr_requests_batch", table_name="dsr_requests")
    op.drop_table("dsr_requests")
    op.drop_table("dsr_batches")
