"""Who must be told of a breach, by when, counted from discovery, under each regime and the policy.

The laws' numbers come from ``jaga.regimes`` (UU PDP art. 46(1): 3x24 hours to subjects and the
agency; GDPR art. 33(1): 72 hours to the authority, art. 34(1): subjects without undue delay when the
risk is high); a policy that promises faster adds its own, stricter, deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from jaga.policy import Duration, Policy
from jaga.regimes import get_regime

Audience = Literal["authority", "subjects"]


@dataclass(frozen=True)
class Deadline:
    """One duty to notify; ``due`` is None for "without undue delay"."""

    regime: str
    audience: Audience
    required: bool
    due: datetime | None
    article: str
    note: str = ""

    def status(self, notified_at: datetime | None, now: datetime) -> str:
        """``done``, ``late`` (done after due), ``overdue``, ``pending`` or ``not required``."""
        if not self.required:
            return "not required"
        if notified_at is not None:
            return "late" if self.due is not None and notified_at > self.due else "done"
        return "overdue" if self.due is not None and now > self.due else "pending"


def deadlines(
    discovered_at: datetime, regimes: Sequence[str], high_risk: bool, policy: Policy | None = None
) -> list[Deadline]:
    """Every notification duty for a breach discovered at ``discovered_at``.

    Counted on UTC: 72 hours are 72 elapsed hours, also across a DST change (adding hours to a local
    Berlin time would add wall-clock hours and give 71 on the last Sunday of March).
    """
    if discovered_at.tzinfo is None:
        raise ValueError("naive datetime; jaga works in timezone-aware UTC")
    discovered_at = discovered_at.astimezone(UTC)
    result = []
    for key in regimes:
        rule = get_regime(key).breach
        result.append(
            Deadline(
                key,
                "authority",
                True,
                rule.authority_deadline.add_to(discovered_at),
                rule.authority_article,
                rule.authority,
            )
        )
        subjects_required = high_risk or not rule.subjects_only_if_high_risk
        due = rule.subjects_deadline.add_to(discovered_at) if rule.subjects_deadline else None
        note = "" if rule.subjects_deadline else "without undue delay"
        if rule.subjects_only_if_high_risk:
            note = f"{note}; only if the breach is likely to result in a high risk".strip("; ")
        result.append(Deadline(key, "subjects", subjects_required, due, rule.subjects_article, note))
    if policy is not None:
        promise = policy.breach
        promises: tuple[tuple[Audience, Duration | None], ...] = (
            ("authority", promise.notify_authority_within),
            ("subjects", promise.notify_subjects_within),
        )
        for audience, within in promises:
            if within is not None:
                result.append(
                    Deadline(
                        "policy",
                        audience,
                        True,
                        within.add_to(discovered_at),
                        f"policy breach.notify_{audience}_within",
                        f"promised {within}",
                    )
                )
    return result
