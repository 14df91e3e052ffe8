"""ledger: subjects, identity hashes, guardians, events, current state; API keys

Revision ID: 0003_ledger
Revises: 0002_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import jaga.store.base

revision: str = "0003_ledger"
down_revision: str | Sequence[str] | None = "0002_audit"
branch_labels: str | Sequence[str] | None = ("ledger",)
depends_on: str | Sequence[str] | None = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = jaga.store.base.UTCDateTime


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants"))


def _subject_fk(table: str, column: str = "subject_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["ledger_subjects.id"], name=op.f(f"fk_{table}_{column}_ledger_subjects"))


def upgrade() -> None:
    op.create_table(
        "ledger_subjects",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        _tenant_fk("ledger_subjects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_subjects")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_ledger_subjects_tenant_id")),
    )
    op.create_table(
        "ledger_identities",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", BIGID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        _tenant_fk("ledger_identities"),
        _subject_fk("ledger_identities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_identities")),
        sa.UniqueConstraint("tenant_id", "hash", name=op.f("uq_ledger_identities_tenant_id")),
    )
    op.create_index(op.f("ix_ledger_identities_subject_id"), "ledger_identities", ["subject_id"])
    op.create_table(
        "ledger_guardians",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("child_id", BIGID, nullable=False),
        sa.Column("guardian_id", BIGID, nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        _tenant_fk("ledger_guardians"),
        _subject_fk("ledger_guardians", "child_id"),
        _subject_fk("ledger_guardians", "guardian_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_guardians")),
        sa.UniqueConstraint("child_id", "guardian_id", name=op.f("uq_ledger_guardians_child_id")),
    )
    op.create_table(
        "ledger_events",
        sa.Column("id", BIGID, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", BIGID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(120), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("recorded_at", UTC(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        _tenant_fk("ledger_events"),
        _subject_fk("ledger_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_events")),
    )
    op.create_index("ix_ledger_events_subject_at", "ledger_events", ["subject_id", "at", "id"])
    op.create_index(op.f("ix_ledger_events_tenant_id"), "ledger_events", ["tenant_id"])
    op.create_table(
        "ledger_state",
        sa.Column("subject_id", BIGID, nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("marketing_objected", sa.Boolean(), nullable=False),
        sa.Column("gpc", sa.Boolean(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("restriction_reason", sa.String(200), nullable=True),
        sa.Column("do_not_contact", sa.String(200), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("erased_at", UTC(), nullable=True),
        sa.Column("last_at", UTC(), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        _tenant_fk("ledger_state"),
        _subject_fk("ledger_state"),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_ledger_state")),
    )
    op.create_index(op.f("ix_ledger_state_tenant_id"), "ledger_state", ["tenant_id"])
    op.create_table(
        "ledger_purpose_state",
        sa.Column("subject_id", BIGID, nullable=False),
        sa.Column("purpose", sa.String(120), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("consent_at", UTC(), nullable=True),
        sa.Column("notice_version", sa.String(64), nullable=True),
        sa.Column("withdrawn_at", UTC(), nullable=True),
        sa.Column("objected", sa.Boolean(), nullable=False),
        sa.Column("parental_consent", sa.Boolean(), nullable=False),
        _tenant_fk("ledger_purpose_state"),
        _subject_fk("ledger_purpose_state"),
        sa.PrimaryKeyConstraint("subject_id", "purpose", name=op.f("pk_ledger_purpose_state")),
    )
    op.create_index(op.f("ix_ledger_purpose_state_tenant_id"), "ledger_purpose_state", ["tenant_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("revoked_at", UTC(), nullable=True),
        _tenant_fk("api_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_index(op.f("ix_api_keys_tenant_id"), "api_keys", ["tenant_id"])


def downgrade() -> None:
    for table in (
        "api_keys",
        "ledger_purpose_state",
        "ledger_state",
        "ledger_events",
        "ledger_guardians",
        "ledger_identities",
        "ledger_subjects",
    ):
        op.drop_table(table)
