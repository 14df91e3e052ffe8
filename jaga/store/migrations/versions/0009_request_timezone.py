"""requests: the zone each request's deadline is counted and shown in

Revision ID: 0009_request_timezone
Revises: 0005_requests

A request remembers the controller's zone (from the policy) it was received under, so every later
recomputation (pauses, extension) counts on the same calendar even if the policy changes. Rows from
before this revision were counted in Asia/Jakarta (the old process-wide default) and keep it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_request_timezone"
down_revision: str | Sequence[str] | None = "0005_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("subject_requests", sa.Column("timezone", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("subject_requests", "timezone")
