"""The articles jaga cites, pinned against the statutes' text.

A wrong citation sends a DPO to the wrong paragraph in front of an authority, so each one a reader acts
on is pinned here: UU PDP art. 4(2) lists specific data as (a) health, (b) biometric, (c) genetic,
(d) criminal records, (e) children, (f) personal financial data, (g) other as set by law; political
opinion, religion, race and sexual orientation are GDPR art. 9(1) special categories but not UU PDP
specific data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jaga.check import check_source
from jaga.policy import LegalBasis, Right, default_taxonomy, parse_policy_source
from jaga.regimes import get_regime

UU_PDP_SPECIFIC = {
    "user.health_and_medical": "UU PDP art. 4(2)(a)",
    "user.biometrics": "UU PDP art. 4(2)(b)",
    "user.biometrics.fingerprint": "UU PDP art. 4(2)(b)",
    "user.genetic": "UU PDP art. 4(2)(c)",
    "user.criminal_history": "UU PDP art. 4(2)(d)",
    "user.children": "UU PDP art. 4(2)(e)",
    "user.financial": "UU PDP art. 4(2)(f)",
    "user.financial.bank_account": "UU PDP art. 4(2)(f)",
    "user.financial.credit_card": "UU PDP art. 4(2)(f)",
    "user.financial.salary": "UU PDP art. 4(2)(f)",
    "user.financial.tax": "UU PDP art. 4(2)(f)",
}
GDPR_ONLY = (
    "user.demographic.political_opinion",
    "user.demographic.sexual_orientation",
    "user.demographic.religious_belief",
    "user.demographic.race_ethnicity",
    "user.demographic.philosophical_belief",
    "user.demographic.union_membership",
)


@pytest.mark.parametrize(("category", "article"), sorted(UU_PDP_SPECIFIC.items()))
def test_uu_pdp_specific_data_letters(category: str, article: str) -> None:
    assert default_taxonomy().sensitivity(category, "uu_pdp") == article


@pytest.mark.parametrize("category", GDPR_ONLY)
def test_gdpr_special_categories_are_not_uu_pdp_specific_data(category: str) -> None:
    taxonomy = default_taxonomy()
    assert taxonomy.sensitivity(category, "uu_pdp") is None
    assert taxonomy.sensitivity(category, "gdpr") == "GDPR art. 9(1)"


def test_no_uu_pdp_citation_uses_letter_g_for_a_listed_kind() -> None:
    """(g) is "other specific data as set by law": nothing jaga ships is that."""
    taxonomy = default_taxonomy()
    cited = {k: t.sensitivity.get("uu_pdp") for k, t in taxonomy.data_categories.items()}
    assert not [k for k, a in cited.items() if a == "UU PDP art. 4(2)(g)"]


@pytest.mark.parametrize(
    ("right", "article", "deadline_article"),
    [
        (Right.information, "UU PDP art. 5", None),
        (Right.rectification, "UU PDP art. 6", "UU PDP art. 30"),
        (Right.access, "UU PDP art. 7", "UU PDP art. 32(2)"),
        (Right.erasure, "UU PDP art. 8", None),
        (Right.withdraw_consent, "UU PDP art. 9", "UU PDP art. 40"),
        (Right.automated_decision_review, "UU PDP art. 10", None),
        (Right.restriction, "UU PDP art. 11", "UU PDP art. 41(1)"),
        (Right.compensation, "UU PDP art. 12", None),
        (Right.portability, "UU PDP art. 13", None),
    ],
)
def test_uu_pdp_rights_and_deadlines(right: Right, article: str, deadline_article: str | None) -> None:
    rule = get_regime("uu_pdp").rights[right]
    assert (rule.article, rule.deadline_article) == (article, deadline_article)


@pytest.mark.parametrize(
    ("right", "article"),
    [
        (Right.access, "GDPR art. 15"),
        (Right.rectification, "GDPR art. 16"),
        (Right.erasure, "GDPR art. 17"),
        (Right.restriction, "GDPR art. 18"),
        (Right.portability, "GDPR art. 20"),
        (Right.objection, "GDPR art. 21"),
        (Right.automated_decision_review, "GDPR art. 22(3)"),
        (Right.withdraw_consent, "GDPR art. 7(3)"),
    ],
)
def test_gdpr_rights_answer_within_art_12_3(right: Right, article: str) -> None:
    rule = get_regime("gdpr").rights[right]
    assert (rule.article, rule.deadline_article, rule.extension_article) == (
        article,
        "GDPR art. 12(3)",
        "GDPR art. 12(3)",
    )


def test_bases_breach_and_transfers() -> None:
    uu, gdpr = get_regime("uu_pdp"), get_regime("gdpr")
    letters = "abcdef"
    order = [
        LegalBasis.consent,
        LegalBasis.contract,
        LegalBasis.legal_obligation,
        LegalBasis.vital_interest,
        LegalBasis.public_task,
        LegalBasis.legitimate_interest,
    ]
    for letter, basis in zip(letters, order, strict=True):
        assert uu.bases[basis] == f"UU PDP art. 20(2)({letter})"
        assert gdpr.bases[basis] == f"GDPR art. 6(1)({letter})"
    assert gdpr.bases[LegalBasis.explicit_consent] == "GDPR art. 9(2)(a)"
    assert (uu.breach.authority_article, uu.breach.subjects_article, uu.breach.content_article) == (
        "UU PDP art. 46(1)(b)",
        "UU PDP art. 46(1)(a)",
        "UU PDP art. 46(2)",
    )
    assert (gdpr.breach.authority_article, gdpr.breach.subjects_article) == ("GDPR art. 33(1)", "GDPR art. 34(1)")
    assert uu.transfer.article == "UU PDP art. 56" and gdpr.transfer.article == "GDPR art. 44-49"
    assert (uu.records_article, gdpr.records_article) == ("UU PDP art. 31", "GDPR art. 30")
    assert (uu.extra["processor"], gdpr.extra["processor"]) == ("UU PDP art. 51", "GDPR art. 28")


CLEAN = Path(__file__).parents[1] / "fixtures_clean_policy.yaml"


def test_political_opinion_is_a_gdpr_finding_only() -> None:
    """Legitimate interest for political opinion breaks GDPR art. 9, not UU PDP (not art. 4(2) data)."""
    doc = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    fraud = next(p for p in doc["purposes"] if p["key"] == "fraud")
    fraud["categories"] = ["user.demographic.political_opinion", "user.demographic.sexual_orientation"]
    doc["categories"] += fraud["categories"]
    source = parse_policy_source(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "p.yaml")
    findings = [f for f in check_source(source) if f.rule == "JG001"]
    assert [f.regime for f in findings] == ["gdpr"]
    assert "UU PDP" not in findings[0].article
