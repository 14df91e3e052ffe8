"""Indonesia's Personal Data Protection Law (UU No. 27 Tahun 2022, "UU PDP") as data.

Deadlines of 3x24 hours are calendar hours (the law says "paling lambat 3 x 24 (tiga kali dua puluh
empat) jam"). Where the statute fixes no period for a right, jaga applies the same 3x24 hours as the
prudent default and marks the deadline as not statutory, so a company can see which it is.
"""

from __future__ import annotations

from jaga.policy.duration import Duration
from jaga.policy.model import LegalBasis, Right, Safeguard
from jaga.regimes.model import BreachRule, Regime, RightRule, TransferRule

_72H = Duration(72, "hours")


def _right(right: Right, article: str, deadline_article: str | None, **extra: object) -> RightRule:
    statutory = deadline_article is not None
    return RightRule(
        right=right,
        article=article,
        deadline=_72H,
        deadline_article=deadline_article,
        statutory_deadline=statutory,
        note=None if statutory else "no period fixed in the statute; jaga applies 3x24 hours as the default",
        **extra,  # type: ignore[arg-type]
    )


UU_PDP = Regime(
    key="uu_pdp",
    name="Indonesia Personal Data Protection Law (Law 27/2022)",
    name_id="Undang-Undang Pelindungan Data Pribadi (UU 27/2022)",
    territory=frozenset({"ID"}),
    rights={
        Right.information: _right(Right.information, "UU PDP art. 5", None),
        Right.rectification: _right(Right.rectification, "UU PDP art. 6", "UU PDP art. 30"),
        Right.access: _right(Right.access, "UU PDP art. 7", "UU PDP art. 32(2)"),
        Right.erasure: _right(Right.erasure, "UU PDP art. 8", None),
        Right.withdraw_consent: _right(Right.withdraw_consent, "UU PDP art. 9", "UU PDP art. 40"),
        Right.automated_decision_review: _right(Right.automated_decision_review, "UU PDP art. 10", None),
        Right.restriction: _right(Right.restriction, "UU PDP art. 11", "UU PDP art. 41(1)"),
        Right.compensation: RightRule(Right.compensation, "UU PDP art. 12", deadline=None, statutory_deadline=False),
        Right.portability: _right(Right.portability, "UU PDP art. 13", None),
        Right.objection: _right(Right.objection, "UU PDP art. 10", None),
        Right.complaint: RightRule(Right.complaint, "UU PDP art. 64", deadline=None, statutory_deadline=False),
    },
    bases={
        LegalBasis.consent: "UU PDP art. 20(2)(a)",
        LegalBasis.explicit_consent: "UU PDP art. 20(2)(a)",
        LegalBasis.contract: "UU PDP art. 20(2)(b)",
        LegalBasis.legal_obligation: "UU PDP art. 20(2)(c)",
        LegalBasis.vital_interest: "UU PDP art. 20(2)(d)",
        LegalBasis.public_task: "UU PDP art. 20(2)(e)",
        LegalBasis.legitimate_interest: "UU PDP art. 20(2)(f)",
    },
    special_data_article="UU PDP art. 4(2)",
    # UU PDP does not confine specific data to explicit consent the way GDPR art. 9 does; it demands a
    # DPIA (art. 34(2)(b)) and a DPO for large scale (art. 53(1)(c)). Consent must be explicit anyway
    # (art. 22(1)), so the lint flags only legitimate interest for specific data.
    special_data_bases={
        LegalBasis.consent: "UU PDP art. 20(2)(a), 22(1)",
        LegalBasis.explicit_consent: "UU PDP art. 20(2)(a), 22(1)",
        LegalBasis.contract: "UU PDP art. 20(2)(b)",
        LegalBasis.legal_obligation: "UU PDP art. 20(2)(c)",
        LegalBasis.vital_interest: "UU PDP art. 20(2)(d)",
        LegalBasis.public_task: "UU PDP art. 20(2)(e)",
    },
    child_age=18,
    child_article="UU PDP art. 25(2); child under 18 per UU 35/2014 art. 1(1)",
    breach=BreachRule(
        authority="the Personal Data Protection agency (Lembaga Pelindungan Data Pribadi)",
        authority_id="Lembaga Pelindungan Data Pribadi",
        authority_deadline=_72H,
        authority_article="UU PDP art. 46(1)(b)",
        subjects_deadline=_72H,
        subjects_article="UU PDP art. 46(1)(a)",
        subjects_only_if_high_risk=False,
        required_content=("data_disclosed", "when_and_how", "handling_and_recovery"),
        content_article="UU PDP art. 46(2)",
    ),
    transfer=TransferRule(
        article="UU PDP art. 56",
        # The agency has published no list of countries of equal protection (art. 56(2)); until it does,
        # a transfer needs a safeguard (art. 56(3)) or the subject's consent (art. 56(4)).
        adequate_countries=frozenset(),
        allowed_safeguards=frozenset(
            {
                Safeguard.standard_contractual_clauses,
                Safeguard.binding_corporate_rules,
                Safeguard.contract,
                Safeguard.consent,
            }
        ),
        safeguard_article="UU PDP art. 56(3)-(4)",
    ),
    dpo_article="UU PDP art. 53(1)",
    dpo_required_for_special_data=True,
    direct_marketing_objection_article="UU PDP art. 10, 9",
    objection_article="UU PDP art. 10",
    automated_decision_article="UU PDP art. 10(1)",
    legitimate_interest_article="UU PDP art. 20(2)(f)",
    records_article="UU PDP art. 31",
    information_article="UU PDP art. 5, 21",
    consent_withdrawal_article="UU PDP art. 9, 40",
    restriction_article="UU PDP art. 11, 41",
    # processing limited to its purpose, in a specific, lawful and transparent way
    purpose_limitation_article="UU PDP art. 16(2)(b)",
    extra={"dpia": "UU PDP art. 34", "processor": "UU PDP art. 51", "security": "UU PDP art. 35, 39"},
)
