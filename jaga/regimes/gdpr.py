"""The EU General Data Protection Regulation (Regulation 2016/679) as data.

Answers are due "without undue delay and in any event within one month", extendable "by two further
months where necessary" with notice to the person within the first month (art. 12(3)).
"""

from __future__ import annotations

from jaga.policy.duration import Duration
from jaga.policy.model import LegalBasis, Right, Safeguard
from jaga.regimes.model import BreachRule, Regime, RightRule, TransferRule

_MONTH = Duration(1, "months")
_TWO_MONTHS = Duration(2, "months")


def _right(right: Right, article: str) -> RightRule:
    return RightRule(
        right=right,
        article=article,
        deadline=_MONTH,
        deadline_article="GDPR art. 12(3)",
        extension=_TWO_MONTHS,
        extension_article="GDPR art. 12(3)",
        pausable=True,
        note="the clock may wait for information needed to identify the person (art. 12(6))",
    )


_EEA = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
}
# Commission adequacy decisions under art. 45 (US only for Data Privacy Framework participants).
_ADEQUATE = {"AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY", "US"}

GDPR = Regime(
    key="gdpr",
    name="General Data Protection Regulation (EU) 2016/679",
    name_id="Regulasi Umum Pelindungan Data Uni Eropa 2016/679",
    territory=frozenset(_EEA),
    rights={
        Right.information: RightRule(
            Right.information, "GDPR art. 13, 14", deadline=_MONTH, deadline_article="GDPR art. 14(3)(a)"
        ),
        Right.access: _right(Right.access, "GDPR art. 15"),
        Right.rectification: _right(Right.rectification, "GDPR art. 16"),
        Right.erasure: _right(Right.erasure, "GDPR art. 17"),
        Right.restriction: _right(Right.restriction, "GDPR art. 18"),
        Right.portability: _right(Right.portability, "GDPR art. 20"),
        Right.objection: _right(Right.objection, "GDPR art. 21"),
        Right.automated_decision_review: _right(Right.automated_decision_review, "GDPR art. 22(3)"),
        Right.withdraw_consent: _right(Right.withdraw_consent, "GDPR art. 7(3)"),
        Right.complaint: RightRule(Right.complaint, "GDPR art. 77", deadline=None, statutory_deadline=False),
    },
    bases={
        LegalBasis.consent: "GDPR art. 6(1)(a)",
        LegalBasis.explicit_consent: "GDPR art. 9(2)(a)",
        LegalBasis.contract: "GDPR art. 6(1)(b)",
        LegalBasis.legal_obligation: "GDPR art. 6(1)(c)",
        LegalBasis.vital_interest: "GDPR art. 6(1)(d)",
        LegalBasis.public_task: "GDPR art. 6(1)(e)",
        LegalBasis.legitimate_interest: "GDPR art. 6(1)(f)",
    },
    special_data_article="GDPR art. 9(1), 10",
    # Art. 9(2): plain consent and legitimate interest are not enough; contract alone is not either.
    # Legal obligation maps to 9(2)(b) (employment and social security law) and needs special_basis.
    special_data_bases={
        LegalBasis.explicit_consent: "GDPR art. 9(2)(a)",
        LegalBasis.vital_interest: "GDPR art. 9(2)(c)",
        LegalBasis.legal_obligation: "GDPR art. 9(2)(b)",
        LegalBasis.public_task: "GDPR art. 9(2)(g)",
    },
    child_age=16,
    child_article="GDPR art. 8(1)",
    breach=BreachRule(
        authority="the competent supervisory authority",
        authority_id="otoritas pengawas yang berwenang",
        authority_deadline=Duration(72, "hours"),
        authority_article="GDPR art. 33(1)",
        subjects_deadline=None,
        subjects_article="GDPR art. 34(1)",
        subjects_only_if_high_risk=True,
        required_content=("nature_of_breach", "dpo_contact", "likely_consequences", "measures_taken"),
        content_article="GDPR art. 33(3), 34(2)",
    ),
    transfer=TransferRule(
        article="GDPR art. 44-49",
        adequate_countries=frozenset(_EEA | _ADEQUATE),
        allowed_safeguards=frozenset(
            {
                Safeguard.adequacy,
                Safeguard.standard_contractual_clauses,
                Safeguard.binding_corporate_rules,
                Safeguard.consent,
            }
        ),
        safeguard_article="GDPR art. 45, 46, 47, 49(1)(a)",
    ),
    dpo_article="GDPR art. 37(1)",
    dpo_required_for_special_data=True,
    direct_marketing_objection_article="GDPR art. 21(2)-(3)",
    objection_article="GDPR art. 21(1)",
    automated_decision_article="GDPR art. 22",
    legitimate_interest_article="GDPR art. 6(1)(f)",
    records_article="GDPR art. 30",
    information_article="GDPR art. 13, 14",
    consent_withdrawal_article="GDPR art. 7(3)",
    restriction_article="GDPR art. 18",
    # collected for specified, explicit and legitimate purposes, not further processed incompatibly
    purpose_limitation_article="GDPR art. 5(1)(b)",
    extra={"dpia": "GDPR art. 35", "processor": "GDPR art. 28", "security": "GDPR art. 32"},
)
