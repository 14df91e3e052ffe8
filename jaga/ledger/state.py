"""What a subject's events add up to at a point in time: a pure fold, shared by every reader.

Events are applied in ``(at, id)`` order; the state at ``t`` is the fold of the events with ``at <= t``.
So a withdrawal at ``t_w`` changes nothing for a decision about ``t < t_w`` (UU PDP art. 9, 40 and GDPR
art. 7(3): withdrawal works for the future only). The materialised tables, a point-in-time read and a
rebuild all use :func:`fold`, which is what keeps them equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple


class EventKind(StrEnum):
    consent_given = "consent_given"
    consent_withdrawn = "consent_withdrawn"
    objection = "objection"
    objection_lifted = "objection_lifted"
    restriction_set = "restriction_set"
    restriction_lifted = "restriction_lifted"
    do_not_contact = "do_not_contact"
    do_not_contact_lifted = "do_not_contact_lifted"
    unsubscribed = "unsubscribed"
    gpc_signal = "gpc_signal"
    child_status = "child_status"
    parental_consent_given = "parental_consent_given"
    parental_consent_withdrawn = "parental_consent_withdrawn"
    erasure_done = "erasure_done"


class ConsentForm(StrEnum):
    """How consent was expressed; only ``explicit`` and ``written`` satisfy explicit-consent rules."""

    explicit = "explicit"
    written = "written"
    electronic = "electronic"
    verbal = "verbal"


EXPLICIT_FORMS = frozenset({ConsentForm.explicit.value, ConsentForm.written.value})
PURPOSE_KINDS = frozenset(
    {
        EventKind.consent_given,
        EventKind.consent_withdrawn,
        EventKind.unsubscribed,
        EventKind.parental_consent_given,
        EventKind.parental_consent_withdrawn,
    }
)
CHANNEL_KINDS = frozenset({EventKind.do_not_contact, EventKind.do_not_contact_lifted})


class EventRecord(NamedTuple):
    """The part of a stored event the fold needs."""

    id: int
    kind: str
    purpose: str | None
    channel: str | None
    at: datetime
    data: Mapping[str, Any]


@dataclass
class PurposeState:
    consent: bool = False
    explicit: bool = False
    consent_at: datetime | None = None
    notice_version: str | None = None
    withdrawn_at: datetime | None = None
    objected: bool = False
    parental_consent: bool = False


@dataclass
class SubjectState:
    marketing_objected: bool = False
    gpc: bool = False
    restricted: bool = False
    restriction_reason: str | None = None
    do_not_contact: set[str] = field(default_factory=set)
    is_child: bool = False
    erased_at: datetime | None = None
    last_at: datetime | None = None
    last_event_id: int = 0
    purposes: dict[str, PurposeState] = field(default_factory=dict)

    def purpose(self, key: str) -> PurposeState:
        """The state for ``key``, an empty one (no consent) if nothing was ever said about it."""
        return self.purposes.get(key) or PurposeState()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for the API and CLI (no personal data: there is none in the state)."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "marketing_objected": self.marketing_objected,
            "gpc": self.gpc,
            "restricted": self.restricted,
            "restriction_reason": self.restriction_reason,
            "do_not_contact": sorted(self.do_not_contact),
            "is_child": self.is_child,
            "erased_at": iso(self.erased_at),
            "last_at": iso(self.last_at),
            "purposes": {
                key: {
                    "consent": p.consent,
                    "explicit": p.explicit,
                    "consent_at": iso(p.consent_at),
                    "notice_version": p.notice_version,
                    "withdrawn_at": iso(p.withdrawn_at),
                    "objected": p.objected,
                    "parental_consent": p.parental_consent,
                }
                for key, p in sorted(self.purposes.items())
            },
        }


def _purpose(state: SubjectState, key: str | None) -> PurposeState:
    assert key is not None, "purpose events carry a purpose"
    found = state.purposes.get(key)
    if found is None:
        found = state.purposes[key] = PurposeState()
    return found


def apply(state: SubjectState, event: EventRecord) -> None:
    """Apply one event to ``state`` in place; callers guarantee ``(at, id)`` order."""
    kind, data = event.kind, event.data
    if kind == EventKind.consent_given:
        p = _purpose(state, event.purpose)
        p.consent, p.consent_at, p.objected = True, event.at, False
        p.explicit = data.get("form") in EXPLICIT_FORMS
        p.notice_version = data.get("notice_version")
    elif kind in (EventKind.consent_withdrawn, EventKind.unsubscribed):
        p = _purpose(state, event.purpose)
        p.consent, p.explicit, p.withdrawn_at = False, False, event.at
        if kind == EventKind.unsubscribed:
            p.objected = True
    elif kind in (EventKind.objection, EventKind.objection_lifted):
        on = kind == EventKind.objection
        if event.purpose is None:
            state.marketing_objected = on
        else:
            _purpose(state, event.purpose).objected = on
    elif kind == EventKind.restriction_set:
        state.restricted, state.restriction_reason = True, data.get("reason")
    elif kind == EventKind.restriction_lifted:
        state.restricted, state.restriction_reason = False, None
    elif kind == EventKind.do_not_contact:
        state.do_not_contact.add(event.channel or "all")
    elif kind == EventKind.do_not_contact_lifted:
        state.do_not_contact.discard(event.channel or "all")
    elif kind == EventKind.gpc_signal:
        state.gpc = bool(data.get("enabled", True))
    elif kind == EventKind.child_status:
        state.is_child = bool(data.get("child", True))
    elif kind in (EventKind.parental_consent_given, EventKind.parental_consent_withdrawn):
        _purpose(state, event.purpose).parental_consent = kind == EventKind.parental_consent_given
    elif kind == EventKind.erasure_done:
        state.erased_at = event.at
    else:  # pragma: no cover - kinds are validated before they are stored
        raise ValueError(f"unknown ledger event kind {kind!r}")
    if state.last_at is None or event.at >= state.last_at:
        state.last_at = event.at
    state.last_event_id = max(state.last_event_id, event.id)


def fold(events: Iterable[EventRecord], until: datetime | None = None) -> SubjectState:
    """The state after every event with ``at <= until`` (all events if ``until`` is None)."""
    state = SubjectState()
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        if until is not None and event.at > until:
            break
        apply(state, event)
    return state
