"""The shape of a law as jaga needs it: rights and deadlines, bases, breach duties, transfers, DPO.

Laws are data, not code, so that a lawyer can review one file per law and every later feature (lint,
deadlines, breach notices) reads the same numbers with the same citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jaga.policy.duration import Duration
from jaga.policy.model import LegalBasis, Right, Safeguard


@dataclass(frozen=True)
class RightRule:
    """A right the law grants and how fast the controller must answer."""

    right: Right
    article: str
    deadline: Duration | None
    deadline_article: str | None = None
    statutory_deadline: bool = True
    extension: Duration | None = None
    extension_article: str | None = None
    pausable: bool = False
    note: str | None = None


@dataclass(frozen=True)
class BreachRule:
    """Who must be told of a breach and by when, counted from discovery."""

    authority: str
    authority_deadline: Duration
    authority_article: str
    subjects_deadline: Duration | None
    subjects_article: str
    subjects_only_if_high_risk: bool
    required_content: tuple[str, ...]
    content_article: str
    authority_id: str = ""
    """The authority's name in Bahasa Indonesia (``authority`` is the English one)."""

    def authority_in(self, lang: str) -> str:
        return self.authority_id if lang == "id" and self.authority_id else self.authority


@dataclass(frozen=True)
class TransferRule:
    """When personal data may leave the controller's country."""

    article: str
    adequate_countries: frozenset[str]
    allowed_safeguards: frozenset[Safeguard]
    safeguard_article: str


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    name_id: str
    territory: frozenset[str]
    rights: dict[Right, RightRule]
    bases: dict[LegalBasis, str]
    special_data_article: str
    special_data_bases: dict[LegalBasis, str]
    child_age: int
    child_article: str
    breach: BreachRule
    transfer: TransferRule
    dpo_article: str
    dpo_required_for_special_data: bool
    direct_marketing_objection_article: str
    objection_article: str
    automated_decision_article: str
    legitimate_interest_article: str
    records_article: str
    information_article: str
    consent_withdrawal_article: str
    restriction_article: str
    purpose_limitation_article: str
    extra: dict[str, str] = field(default_factory=dict)

    def rule(self, right: Right) -> RightRule | None:
        return self.rights.get(right)
