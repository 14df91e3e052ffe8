"""Random valid policies survive load -> dump -> load unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaga.policy import (
    AutomatedDecision,
    LegalBasis,
    RecipientRole,
    Right,
    Safeguard,
    Trigger,
    default_taxonomy,
    dump_policy,
    parse_policy,
)

TAX = default_taxonomy()
CATEGORIES = sorted(TAX.data_categories)
SUBJECTS = sorted(TAX.data_subjects)
USES = sorted(TAX.data_uses)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
key = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
duration = st.builds(
    lambda n, u: f"{n} {u}", st.integers(0, 500), st.sampled_from(["hours", "days", "months", "years"])
)


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=6, unique=True))
    subjects = draw(st.lists(st.sampled_from(SUBJECTS), min_size=1, max_size=4, unique=True))
    rec_keys = draw(st.lists(key, max_size=3, unique=True))
    recipients = [
        {
            "key": k,
            "name": draw(text),
            "kind": draw(key),
            "role": draw(st.sampled_from(list(RecipientRole))).value,
            "country": draw(st.sampled_from(["ID", "SG", "US", "DE"])),
            "safeguard": draw(st.sampled_from(list(Safeguard))).value,
        }
        for k in rec_keys
    ]
    ret_keys = draw(st.lists(key, max_size=3, unique=True))
    retention = [
        {
            "key": k,
            "categories": draw(st.lists(st.sampled_from(categories), min_size=1, unique=True)),
            "duration": draw(duration),
            "trigger": draw(st.sampled_from(list(Trigger))).value,
            **({"legal_hold": {"law": draw(text), "duration": draw(duration)}} if draw(st.booleans()) else {}),
        }
        for k in ret_keys
    ]
    purposes = []
    for k in draw(st.lists(key, min_size=1, max_size=4, unique=True)):
        purpose: dict[str, Any] = {
            "key": k,
            "use": draw(st.sampled_from(USES)),
            "description": {"en": draw(text), "id": draw(text)},
            "basis": draw(st.sampled_from(list(LegalBasis))).value,
            "categories": draw(st.lists(st.sampled_from(categories), min_size=1, unique=True)),
            "subjects": draw(st.lists(st.sampled_from(subjects), min_size=1, unique=True)),
            "direct_marketing": draw(st.booleans()),
            "automated_decision": draw(st.sampled_from(list(AutomatedDecision))).value,
            "recipients": draw(st.lists(st.sampled_from(rec_keys), unique=True)) if rec_keys else [],
        }
        if ret_keys and draw(st.booleans()):
            purpose["retention"] = draw(st.sampled_from(ret_keys))
        if draw(st.booleans()):
            purpose["balancing_note"] = draw(text)
        purposes.append(purpose)
    return {
        "jaga": 1,
        "version": draw(text),
        "controller": {
            "legal_name": draw(text),
            "address": draw(text),
            "contact": {"email": "a@b.id"},
            "regimes": draw(st.lists(st.sampled_from(["uu_pdp", "gdpr"]), min_size=1, unique=True)),
        },
        "subjects": subjects,
        "categories": categories,
        "purposes": purposes,
        "recipients": recipients,
        "retention": retention,
        "rights": {
            "offered": draw(st.lists(st.sampled_from([r.value for r in Right]), min_size=1, unique=True)),
            "response_time": {"default": draw(duration)},
        },
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_load_dump_load_is_identity(data: dict[str, Any]) -> None:
    import yaml

    first = parse_policy(yaml.safe_dump(data, allow_unicode=True))
    second = parse_policy(dump_policy(first))
    assert second == first
    assert dump_policy(second) == dump_policy(first)
