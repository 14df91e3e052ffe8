"""What changed between two versions of a policy, in plain words, and which changes need fresh consent.

UU PDP art. 21(2) requires telling people before the information in a notice changes; consent covers
only the purpose, data and recipients it was given for (UU PDP art. 22, GDPR art. 4(11), 7), so a new
consent purpose, new data or a new recipient for a consent purpose needs the person to agree again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jaga.notices import _labels as L
from jaga.policy import LegalBasis, Policy, Purpose, Recipient

_CONSENT = {LegalBasis.consent, LegalBasis.explicit_consent}
_RECONSENT_WHY = "consent covers only the purposes, data and recipients it was given for (UU PDP art. 22, GDPR art. 7)"


class ChangeKind(StrEnum):
    purpose_added = "purpose_added"
    purpose_removed = "purpose_removed"
    purpose_categories_added = "purpose_categories_added"
    purpose_categories_removed = "purpose_categories_removed"
    purpose_subjects_added = "purpose_subjects_added"
    basis_changed = "basis_changed"
    purpose_recipients_added = "purpose_recipients_added"
    recipient_added = "recipient_added"
    recipient_removed = "recipient_removed"
    recipient_country_changed = "recipient_country_changed"
    safeguard_changed = "safeguard_changed"
    retention_longer = "retention_longer"
    retention_shorter = "retention_shorter"
    right_added = "right_added"
    right_removed = "right_removed"
    response_time_longer = "response_time_longer"
    controller_changed = "controller_changed"
    cookie_added = "cookie_added"
    cookie_removed = "cookie_removed"


@dataclass(frozen=True)
class Change:
    """One change; ``reconsent`` says whether people who consented must be asked again."""

    kind: ChangeKind
    key: str
    message: str
    reconsent: bool = False

    def __str__(self) -> str:
        flag = " [fresh consent needed]" if self.reconsent else ""
        return f"{self.message}{flag}"


def _is_consent(p: Purpose | None) -> bool:
    return p is not None and p.basis in _CONSENT


def _retention_hours(policy: Policy, p: Purpose) -> float | None:
    rule = policy.retention_rule(p.retention) if p.retention else None
    return rule.duration.approx_hours() if rule else None


def _purposes(old: Policy, new: Policy) -> list[Change]:
    changes: list[Change] = []
    before = {p.key: p for p in old.purposes}
    after = {p.key: p for p in new.purposes}
    for key in after.keys() - before.keys():
        p = after[key]
        basis = L.pick(L.BASIS[p.basis], "en").lower()
        changes.append(
            Change(
                ChangeKind.purpose_added, key, f"new purpose '{key}' ({p.description.en}) on {basis}", _is_consent(p)
            )
        )
    changes += [Change(ChangeKind.purpose_removed, k, f"purpose '{k}' removed") for k in before.keys() - after.keys()]
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        consent = _is_consent(b)
        if added := sorted(set(b.categories) - set(a.categories)):
            changes.append(
                Change(
                    ChangeKind.purpose_categories_added,
                    key,
                    f"purpose '{key}' now also uses {', '.join(added)}",
                    consent,
                )
            )
        if removed := sorted(set(a.categories) - set(b.categories)):
            changes.append(
                Change(
                    ChangeKind.purpose_categories_removed, key, f"purpose '{key}' no longer uses {', '.join(removed)}"
                )
            )
        if subjects := sorted(set(b.subjects) - set(a.subjects)):
            changes.append(
                Change(
                    ChangeKind.purpose_subjects_added, key, f"purpose '{key}' now covers {', '.join(subjects)}", consent
                )
            )
        if a.basis != b.basis:
            changes.append(
                Change(
                    ChangeKind.basis_changed,
                    key,
                    f"purpose '{key}' basis changed from {a.basis.value} to {b.basis.value}",
                    consent,  # moving onto consent: nobody has given it yet
                )
            )
        if recipients := sorted(set(b.recipients) - set(a.recipients)):
            changes.append(
                Change(
                    ChangeKind.purpose_recipients_added,
                    key,
                    f"purpose '{key}' now shares data with {', '.join(recipients)}",
                    consent,
                )
            )
        old_hours, new_hours = _retention_hours(old, a), _retention_hours(new, b)
        if old_hours is not None and new_hours is not None and new_hours != old_hours:
            longer = new_hours > old_hours
            changes.append(
                Change(
                    ChangeKind.retention_longer if longer else ChangeKind.retention_shorter,
                    key,
                    f"purpose '{key}' keeps data {'longer' if longer else 'shorter'}",
                )
            )
    return changes


def _users(policy: Policy, recipient: str) -> list[Purpose]:
    return [p for p in policy.purposes if recipient in p.recipients]


def _recipients(old: Policy, new: Policy) -> list[Change]:
    changes: list[Change] = []
    before: dict[str, Recipient] = {r.key: r for r in old.recipients}
    after: dict[str, Recipient] = {r.key: r for r in new.recipients}
    home = new.controller.jurisdiction
    for key in sorted(after.keys() - before.keys()):
        r = after[key]
        where = f" in {r.country} (transfer abroad)" if r.country != home else f" in {r.country}"
        consent = any(_is_consent(p) for p in _users(new, key))
        changes.append(Change(ChangeKind.recipient_added, key, f"new recipient {r.name}{where}", consent))
    changes += [
        Change(ChangeKind.recipient_removed, k, f"recipient {before[k].name} removed")
        for k in sorted(before.keys() - after.keys())
    ]
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        consent = any(_is_consent(p) for p in _users(new, key))
        if a.country != b.country:
            changes.append(
                Change(
                    ChangeKind.recipient_country_changed,
                    key,
                    f"recipient {b.name} moved from {a.country} to {b.country}",
                    consent and b.country != home,
                )
            )
        if a.safeguard != b.safeguard:
            changes.append(
                Change(
                    ChangeKind.safeguard_changed,
                    key,
                    f"transfer safeguard for {b.name} changed from {a.safeguard.value} to {b.safeguard.value}",
                )
            )
    return changes


def _rights(old: Policy, new: Policy) -> list[Change]:
    changes = [
        Change(ChangeKind.right_removed, r.value, f"right removed: {L.pick(L.RIGHT[r], 'en')}")
        for r in old.rights.offered
        if r not in new.rights.offered
    ]
    changes += [
        Change(ChangeKind.right_added, r.value, f"right added: {L.pick(L.RIGHT[r], 'en')}")
        for r in new.rights.offered
        if r not in old.rights.offered
    ]
    for r in new.rights.offered:
        a, b = old.rights.promised(r), new.rights.promised(r)
        if a and b and b.approx_hours() > a.approx_hours():
            changes.append(
                Change(
                    ChangeKind.response_time_longer,
                    r.value,
                    f"answer time for {L.pick(L.RIGHT[r], 'en').lower()} longer: {a} → {b}",
                )
            )
    return changes


def _other(old: Policy, new: Policy) -> list[Change]:
    changes: list[Change] = []
    a, b = old.controller, new.controller
    for field in ("legal_name", "contact", "dpo", "address"):
        if getattr(a, field) != getattr(b, field):
            changes.append(
                Change(ChangeKind.controller_changed, field, f"controller {field.replace('_', ' ')} changed")
            )
    before = {c.name for c in old.cookies}
    after = {c.name for c in new.cookies}
    changes += [Change(ChangeKind.cookie_added, n, f"new cookie {n}") for n in sorted(after - before)]
    changes += [Change(ChangeKind.cookie_removed, n, f"cookie {n} removed") for n in sorted(before - after)]
    return changes


def diff_policies(old: Policy, new: Policy) -> list[Change]:
    """Every change from ``old`` to ``new``; those needing fresh consent first."""
    changes = _purposes(old, new) + _recipients(old, new) + _rights(old, new) + _other(old, new)
    return sorted(changes, key=lambda c: (not c.reconsent, c.kind.value, c.key))


def reconsent_reason() -> str:
    """Why flagged changes need fresh consent, with the articles, for the CLI footer."""
    return _RECONSENT_WHY
