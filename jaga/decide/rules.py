"""The rules of the decision point, split in two so that batches stay fast.

:func:`plan` checks everything that does not depend on the person (purpose declared, categories within
it, special categories, recipient, transfer abroad) once per question. :func:`evaluate` then applies
the person's :class:`~jaga.ledger.Snapshot` (consent, objections, restriction, do-not-contact, child,
erasure). Every "no" carries a :class:`Reason` naming the policy path and the article it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jaga.ledger import Snapshot
from jaga.policy import LegalBasis, Policy, Purpose, Right, Safeguard, covers, taxonomy_for
from jaga.regimes import Regime, get_regime

CONSENT_BASES = frozenset({LegalBasis.consent, LegalBasis.explicit_consent})
MARKETING_BASES = CONSENT_BASES | {LegalBasis.legitimate_interest}


class Operation(StrEnum):
    """What is done with the data; a restricted subject's data may only be stored or used for claims."""

    use = "use"
    store = "store"
    legal_claims = "legal_claims"


@dataclass(frozen=True)
class Reason:
    """Why a decision is "no": a stable code, a message, the policy path and the article."""

    code: str
    message: str
    policy: str
    citation: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "policy": self.policy, "citation": self.citation}


@dataclass(frozen=True)
class Decision:
    """The answer: ``allowed`` and, when not, every reason; ``citations`` lists the articles relied on."""

    allowed: bool
    basis: LegalBasis | None
    reasons: tuple[Reason, ...] = ()
    citations: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "basis": self.basis.value if self.basis else None,
            "reasons": [r.as_dict() for r in self.reasons],
            "citations": list(self.citations),
        }


@dataclass(frozen=True)
class Plan:
    """A question with its person-independent part answered."""

    purpose_key: str
    purpose: Purpose | None
    path: str
    regimes: tuple[Regime, ...]
    static_reasons: tuple[Reason, ...]
    basis_citations: tuple[str, ...]
    channel: str | None
    operation: Operation
    child_needs_parent: bool
    needs_explicit: bool
    transfer_needs_consent: bool
    gpc_applies: bool
    citations: tuple[str, ...] = field(default=())


def _cite(regimes: Sequence[Regime], pick: Any) -> str:
    return "; ".join(dict.fromkeys(str(pick(r)) for r in regimes))


def plan(
    policy: Policy,
    purpose_key: str,
    categories: Sequence[str],
    *,
    recipient: str | None = None,
    country: str | None = None,
    channel: str | None = None,
    operation: Operation = Operation.use,
) -> Plan:
    """Answer the person-independent part of a question about processing."""
    regimes = tuple(get_regime(key) for key in policy.controller.regimes)
    reasons: list[Reason] = []
    index = next((i for i, p in enumerate(policy.purposes) if p.key == purpose_key), None)
    limitation = _cite(regimes, lambda r: r.purpose_limitation_article)
    if index is None:
        reasons.append(
            Reason(
                "purpose_undeclared", f"purpose {purpose_key!r} is not declared in the policy", "purposes", limitation
            )
        )
        return Plan(
            purpose_key, None, "purposes", regimes, tuple(reasons), (), channel, operation, False, False, False, False
        )
    purpose = policy.purposes[index]
    path = f"purposes[{index}] ({purpose.key})"
    basis = purpose.basis
    taxonomy = taxonomy_for(policy)
    needs_explicit = basis == LegalBasis.explicit_consent
    for cat in categories:
        if not any(covers(declared, cat) for declared in purpose.categories):
            reasons.append(
                Reason(
                    "category_outside_purpose",
                    f"category {cat!r} is not declared for purpose {purpose.key!r}",
                    f"{path}.categories",
                    limitation,
                )
            )
        for regime in regimes:
            article = taxonomy.sensitivity(cat, regime.key)
            if article is None:
                continue
            if basis in CONSENT_BASES:
                needs_explicit = needs_explicit or regime.key == "gdpr" or basis == LegalBasis.explicit_consent
            if basis not in regime.special_data_bases:
                reasons.append(
                    Reason(
                        "special_category_basis",
                        f"category {cat!r} is specific/special data; basis {basis.value!r} is not enough for it",
                        f"{path}.basis",
                        f"{article}; {regime.special_data_article}",
                    )
                )
    if purpose.direct_marketing and basis not in MARKETING_BASES:
        reasons.append(
            Reason(
                "marketing_basis",
                f"direct marketing cannot rest on basis {basis.value!r}",
                f"{path}.basis",
                _cite(regimes, lambda r: r.direct_marketing_objection_article),
            )
        )
    transfer_needs_consent = False
    destination = country
    rec = policy.recipient(recipient) if recipient is not None else None
    if recipient is not None:
        if rec is None:
            reasons.append(
                Reason(
                    "recipient_undeclared",
                    f"recipient {recipient!r} is not declared in the policy",
                    "recipients",
                    limitation,
                )
            )
        else:
            destination = country or rec.country
            if recipient not in purpose.recipients:
                reasons.append(
                    Reason(
                        "recipient_outside_purpose",
                        f"recipient {recipient!r} is not a recipient of purpose {purpose.key!r}",
                        f"{path}.recipients",
                        limitation,
                    )
                )
            for cat in categories:
                if rec.categories and not any(covers(c, cat) for c in rec.categories):
                    reasons.append(
                        Reason(
                            "category_not_for_recipient",
                            f"category {cat!r} is not declared for recipient {recipient!r}",
                            f"recipients ({recipient}).categories",
                            limitation,
                        )
                    )
    if destination is not None and destination != policy.controller.jurisdiction:
        safeguard = rec.safeguard if rec is not None else Safeguard.none
        for regime in regimes:
            rule = regime.transfer
            if destination in regime.territory or destination in rule.adequate_countries:
                continue
            if safeguard in rule.allowed_safeguards:
                transfer_needs_consent = transfer_needs_consent or safeguard == Safeguard.consent
                continue
            reasons.append(
                Reason(
                    "transfer_unsafe",
                    f"transfer to {destination} is not to an adequate country and has no valid safeguard "
                    f"(safeguard: {safeguard.value})",
                    f"recipients ({recipient}).safeguard" if recipient else "recipients",
                    f"{rule.article}; {rule.safeguard_article}",
                )
            )
    children = policy.children
    return Plan(
        purpose_key=purpose.key,
        purpose=purpose,
        path=path,
        regimes=regimes,
        static_reasons=tuple(reasons),
        basis_citations=tuple(dict.fromkeys(r.bases[basis] for r in regimes if basis in r.bases)),
        channel=channel,
        operation=operation,
        child_needs_parent=basis in CONSENT_BASES or purpose.parental_consent or children.parental_consent,
        needs_explicit=needs_explicit,
        transfer_needs_consent=transfer_needs_consent,
        gpc_applies=purpose.direct_marketing or purpose.use.startswith(("marketing", "third_party_sharing")),
    )


def evaluate(p: Plan, s: Snapshot) -> Decision:
    """Apply one subject's snapshot to a plan; pure, so equal snapshots give equal decisions."""
    reasons = list(p.static_reasons)
    purpose = p.purpose
    if purpose is None:
        return Decision(False, None, tuple(reasons), tuple(dict.fromkeys(r.citation for r in reasons)))
    basis, path, regimes = purpose.basis, p.path, p.regimes
    if s.erased and basis != LegalBasis.legal_obligation:
        reasons.append(
            Reason(
                "erased",
                "the subject's data has been erased",
                path,
                _cite(regimes, lambda r: r.rights[Right.erasure].article),
            )
        )
    if s.restricted and p.operation == Operation.use:
        reasons.append(
            Reason(
                "restricted",
                "processing is restricted: only storage and legal claims are allowed",
                path,
                _cite(regimes, lambda r: r.restriction_article),
            )
        )
    parent_ok = s.parental_consent
    if s.is_child and p.child_needs_parent and not parent_ok:
        reasons.append(
            Reason(
                "child_without_parental_consent",
                "the subject is a child and no parent or guardian has consented to this purpose",
                path,
                _cite(regimes, lambda r: r.child_article),
            )
        )
    if basis in CONSENT_BASES and not (s.is_child and parent_ok):
        if not s.consent:
            reasons.append(
                Reason(
                    "no_consent",
                    "no valid consent at this time (never given or withdrawn)",
                    f"{path}.basis",
                    _cite(regimes, lambda r: f"{r.bases[basis]}; {r.consent_withdrawal_article}"),
                )
            )
        elif p.needs_explicit and not s.explicit:
            reasons.append(
                Reason(
                    "consent_not_explicit",
                    "the consent given was not explicit",
                    f"{path}.basis",
                    _cite(
                        regimes, lambda r: r.special_data_bases.get(LegalBasis.explicit_consent, r.special_data_article)
                    ),
                )
            )
    elif p.transfer_needs_consent and not s.consent:
        reasons.append(
            Reason(
                "transfer_without_consent",
                "the transfer abroad rests on consent, which is missing",
                f"{path}.recipients",
                _cite(regimes, lambda r: r.transfer.safeguard_article),
            )
        )
    if basis == LegalBasis.legitimate_interest and s.objected and not purpose.direct_marketing:
        reasons.append(
            Reason(
                "objected",
                "the subject objected to this processing",
                path,
                _cite(regimes, lambda r: r.objection_article),
            )
        )
    if purpose.direct_marketing:
        if s.marketing_objected or s.objected:
            reasons.append(
                Reason(
                    "marketing_objected",
                    "the subject objected to direct marketing",
                    path,
                    _cite(regimes, lambda r: r.direct_marketing_objection_article),
                )
            )
        channels = s.channels
        if channels and (p.channel is None or p.channel in channels or "all" in channels):
            where = "any channel" if p.channel is None or "all" in channels else f"channel {p.channel!r}"
            reasons.append(
                Reason(
                    "do_not_contact",
                    f"the subject is on the do-not-contact list for {where}",
                    f"{path}.opt_out",
                    _cite(regimes, lambda r: r.direct_marketing_objection_article),
                )
            )
    if s.gpc and p.gpc_applies:
        reasons.append(
            Reason(
                "gpc",
                "a Global Privacy Control signal opts the subject out of this use",
                path,
                _cite(regimes, lambda r: r.objection_article),
            )
        )
    if reasons:
        return Decision(False, basis, tuple(reasons), tuple(dict.fromkeys(r.citation for r in reasons)))
    return Decision(True, basis, (), p.basis_citations)
