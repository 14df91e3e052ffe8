"""requests: data-subject request lifecycle, its state changes and one-time codes

Revision ID: 0005_requests
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0005_requests"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("requests",)
depends_on: str | Sequence[str] | None = "0009_throttles"  # failure counters (jaga.store.throttle)

_T = jaga.store.base.UTCDateTime


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"))


def _request_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["request_id"], ["subject_requests.id"], name=op.f(f"fk_{table}_request_id_subject_requests")
    )


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("regime", sa.String(16), nullable=False),
        sa.Column("right", sa.String(32), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("identity_kind", sa.String(16), nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=False),
        sa.Column("contact_sealed", sa.Text(), nullable=True),
        sa.Column("changes_sealed", sa.Text(), nullable=True),
        sa.Column("received_at", _T(), nullable=False),
        sa.Column("due_at", _T(), nullable=False),
        sa.Column("paused_since", _T(), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("resume_status", sa.String(24), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("verified_at", _T(), nullable=True),
        sa.Column("verified_by", sa.String(128), nullable=True),
        sa.Column("closed_at", _T(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        _tenant_fk("subject_requests"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
    )
    op.create_index("ix_subject_requests_tenant_status_due", "subject_requests", ["tenant_id", "status", "due_at"])
    op.create_index("ix_subject_requests_tenant_identity", "subject_requests", ["tenant_id", "identity_hash"])
    op.create_table(
        "subject_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(24), nullable=True),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("at", _T(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("article", sa.String(120), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        _tenant_fk("subject_request_events"),
        _request_fk("subject_request_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request_events")),
    )
    op.create_index(
        "ix_subject_request_events_request_seq", "subject_request_events", ["request_id", "seq"], unique=True
    )
    op.create_table(
        "subject_request_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", _T(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", _T(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_at", _T(), nullable=False),
        _tenant_fk("subject_request_codes"),
        _request_fk("subject_request_codes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request_codes")),
    )
    op.create_index("ix_subject_request_codes_request", "subject_request_codes", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_subject_request_codes_request", table_name="subject_request_codes")
    op.drop_table("subject_request_codes")
    op.drop_index("ix_subject_request_events_request_seq", table_name="subject_request_events")
    op.drop_table("subject_request_events")
    op.drop_index("ix_subject_requests_tenant_identity", table_name="subject_requests")
    op.drop_index("ix_subject_requests_tenant_status_due", table_name="subject_requests")
    op.drop_table("subject_requests")
