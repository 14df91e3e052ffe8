"""Retention: delete or anonymise what the policy no longer allows keeping, except what a law holds.

From the policy's retention rules and the data map's trigger columns, :func:`plan` counts per table the
rows whose time is up, the oldest of them, the rows a legal hold keeps (naming the law) and the SQL that
will run; :func:`run` does it in key-range chunks, resumable after a crash with :func:`resume`, and
records the counts (never values) in the audit chain. Anonymisation erases direct identifiers in SQL
and keeps what statistics need (dates, regions, amounts); the run then proves no direct identifier is
left and that counts by month and region are unchanged.

    >>> outcome = run("policy.yaml", "datamap.yaml", now=datetime(2026, 11, 1, tzinfo=UTC))
    >>> outcome.deleted, outcome.anonymised, outcome.held
"""

from jaga.errors import JagaError
from jaga.retention._run import (
    CHUNK_ROWS,
    CRASH_ENV,
    Progress,
    RetentionPlan,
    RunOutcome,
    TableDue,
    outcome,
    plan,
    resume,
    run,
    statistics,
)
from jaga.retention._sweep import DIRECT, REGION, is_direct

__all__ = [
    "CHUNK_ROWS",
    "CRASH_ENV",
    "DIRECT",
    "REGION",
    "JagaError",
    "Progress",
    "RetentionPlan",
    "RunOutcome",
    "TableDue",
    "is_direct",
    "outcome",
    "plan",
    "resume",
    "run",
    "statistics",
]
