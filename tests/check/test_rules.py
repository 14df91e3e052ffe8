"""Every lint rule fires on a policy that breaks it, and stays quiet on one that does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from jaga.check import RULES, Finding, Severity, check_source
from jaga.policy import PolicyInvalid, parse_policy_source

Mutation = Callable[[dict[str, Any]], None]


def _purpose(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in doc["purposes"] if p["key"] == key)


def _set(path: list[str | int], value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = (
                _purpose(doc, str(part))
                if part in {p["key"] for p in doc["purposes"]} and target is doc
                else target[part]
            )
        target[path[-1]] = value

    return mutate


def _add_child_purpose(doc: dict[str, Any]) -> None:
    doc["subjects"].append("child")
    doc["purposes"].append(
        {
            "key": "kids_club",
            "use": "essential.service",
            "basis": "consent",
            "retention": "marketing",
            "description": {"en": "Kids club", "id": "Klub anak"},
            "categories": ["user.name"],
            "subjects": ["child"],
        }
    )


def _drop_right(right: str) -> Mutation:
    return lambda doc: doc["rights"]["offered"].remove(right)


CASES: dict[str, tuple[Mutation, str, str]] = {
    # rule id: (mutation, regime expected, text expected in the English message)
    "JG001": (_set(["health_check", "basis"], "contract"), "gdpr", "user.health_and_medical"),
    "JG002": (_add_child_purpose, "uu_pdp", "without parental consent"),
    "JG003": (_set(["recipients", 0, "safeguard"], "none"), "uu_pdp", "without a recognised safeguard"),
    "JG004": (lambda d: _purpose(d, "fraud").pop("retention"), "uu_pdp", "no retention rule"),
    "JG005": (lambda d: _purpose(d, "fraud").pop("balancing_note"), "gdpr", "records no balancing"),
    "JG006": (lambda d: _purpose(d, "newsletter").pop("opt_out"), "gdpr", "no way to object"),
    "JG007": (
        lambda d: _purpose(d, "fraud").update(automated_decision="decision_without_human_review", legal_effect=True),
        "gdpr",
        "no human review",
    ),
    "JG008": (_drop_right("portability"), "uu_pdp", "right of portability"),
    "JG009": (_set(["rights", "response_time", "default"], "1 month"), "uu_pdp", "promises 1 month"),
    "JG010": (lambda d: d["controller"].pop("dpo"), "uu_pdp", "no data protection officer"),
    "JG011": (lambda d: _purpose(d, "service").update(recipients=[]), "uu_pdp", "declared but no purpose"),
    "JG012": (_set(["breach", "notify_authority_within"], "5 days"), "uu_pdp", "requires 72 hours"),
    "JG013": (_set(["cookies", 0, "consent_required"], False), "gdpr", "set without consent"),
    "JG014": (lambda d: _purpose(d, "fraud")["description"].pop("id"), "uu_pdp", "no Indonesian description"),
    "JG015": (lambda d: d["controller"].pop("address"), "gdpr", "publishes no address"),
    "JG016": (_set(["service", "basis_stated"], False), "uu_pdp", "does not state the legal basis"),
    "JG017": (lambda d: d["controller"].pop("timezone"), "uu_pdp", "shown in UTC"),
}


def _check(doc: dict[str, Any]) -> list[Finding]:
    return check_source(parse_policy_source(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "p.yaml"))


def test_every_rule_has_a_case() -> None:
    assert {r.id for r in RULES} == set(CASES)


def test_clean_policy_has_no_findings(clean_policy_text: str) -> None:
    assert _check(yaml.safe_load(clean_policy_text)) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires(rule_id: str, clean_policy_text: str) -> None:
    mutate, regime, text = CASES[rule_id]
    doc = yaml.safe_load(clean_policy_text)
    mutate(doc)
    findings = _check(doc)
    assert {f.rule for f in findings} == {rule_id}, [f.message for f in findings]
    hit = next(f for f in findings if f.regime == regime)
    assert text in hit.message
    assert hit.article and hit.message_id and hit.message_id != hit.message
    assert hit.where.startswith("p.yaml:")
    info = next(r for r in RULES if r.id == rule_id)
    assert hit.severity is info.severity


def test_special_data_on_legal_obligation_needs_a_named_exception_under_gdpr(clean_policy_text: str) -> None:
    doc = yaml.safe_load(clean_policy_text)
    _purpose(doc, "health_check").update(basis="legal_obligation", legal_obligation="UU 13/2003 art. 86")
    findings = _check(doc)
    assert [(f.rule, f.regime) for f in findings] == [("JG001", "gdpr")]
    assert findings[0].severity is Severity.error


def test_adequacy_counts_for_gdpr_only(clean_policy_text: str) -> None:
    doc = yaml.safe_load(clean_policy_text)
    doc["recipients"][0].update(country="JP", safeguard="none")
    findings = _check(doc)
    assert [(f.rule, f.regime) for f in findings] == [("JG003", "uu_pdp")]


def test_no_response_time_at_all(clean_policy_text: str) -> None:
    doc = yaml.safe_load(clean_policy_text)
    doc["rights"].pop("response_time")
    assert {f.message for f in _check(doc)} == {"the policy promises no response time for requests"}


def test_processor_purposes_skip_controller_basis_rules(clean_policy_text: str) -> None:
    doc = yaml.safe_load(clean_policy_text)
    doc["controller"]["processor_for"] = [{"name": "Client Co", "categories": ["user.financial.salary"]}]
    _purpose(doc, "health_check").update(basis="legitimate_interest", on_behalf_of="Client Co")
    assert _check(doc) == []
    _purpose(doc, "health_check").update(on_behalf_of="Unknown Client")
    with pytest.raises(PolicyInvalid, match=r"not listed under controller\.processor_for"):
        _check(doc)


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "said"),
    [("DE", "Europe/Berlin", "inferred from the country"), ("ID", "UTC", "shown in UTC"), (None, "UTC", "in UTC")],
)
def test_timezone_inferred_only_from_a_stated_single_zone_country(
    jurisdiction: str | None, zone: str, said: str, clean_policy_text: str
) -> None:
    """Indonesia has three zones (WIB, WITA, WIT): a stated "ID" does not say which, so UTC and a finding."""
    doc = yaml.safe_load(clean_policy_text)
    doc["controller"].pop("timezone")
    doc["controller"].pop("jurisdiction")
    if jurisdiction:
        doc["controller"]["jurisdiction"] = jurisdiction
    source = parse_policy_source(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "p.yaml")
    assert source.policy.controller.zone.name == zone
    findings = [f for f in check_source(source) if f.rule == "JG017"]
    assert len(findings) == 1 and said in findings[0].message


def test_unknown_timezone_is_a_policy_error(clean_policy_text: str) -> None:
    doc = yaml.safe_load(clean_policy_text)
    doc["controller"]["timezone"] = "Asia/Jakata"
    with pytest.raises(PolicyInvalid, match=r"p\.yaml:\d+:\d+: .*unknown time zone 'Asia/Jakata'"):
        _check(doc)
