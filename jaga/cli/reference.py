"""``jaga taxonomy`` and ``jaga regimes``: show the vocabularies and laws a policy is written against."""

from __future__ import annotations

from enum import StrEnum

import typer
from rich.table import Table

from jaga.cli._base import console, new_app
from jaga.policy import default_taxonomy
from jaga.regimes import get_regime

taxonomy_app = new_app("Show the data categories, data uses and data subjects a policy can name.")
regimes_app = new_app("Show what UU PDP and GDPR require, each rule with its article.")


class Vocabulary(StrEnum):
    categories = "categories"
    uses = "uses"
    subjects = "subjects"


@taxonomy_app.command("show")
def taxonomy_show(vocabulary: Vocabulary = typer.Argument(Vocabulary.categories)) -> None:
    """List one vocabulary with English and Indonesian names and sensitivity per regime."""
    tax = default_taxonomy()
    terms = {
        Vocabulary.categories: tax.data_categories,
        Vocabulary.uses: tax.data_uses,
        Vocabulary.subjects: tax.data_subjects,
    }[vocabulary]
    table = Table("key", "name", "nama", "specific/special under")
    for key, term in terms.items():
        table.add_row(key, term.name, term.name_id, "; ".join(term.sensitivity.values()))
    console.print(table)


@regimes_app.command("show")
def regimes_show(regime: str = typer.Argument("uu_pdp", help="uu_pdp or gdpr")) -> None:
    """Rights, deadlines and breach duties of one regime."""
    law = get_regime(regime)
    table = Table("right", "article", "deadline", "deadline article", "extension", title=law.name)
    for right, rule in law.rights.items():
        deadline = f"{rule.deadline}" + ("" if rule.statutory_deadline else " (default)") if rule.deadline else "-"
        table.add_row(
            right.value,
            rule.article,
            deadline,
            rule.deadline_article or "-",
            f"{rule.extension} ({rule.extension_article})" if rule.extension else "-",
        )
    console.print(table)
    b = law.breach
    console.print(
        f"Breach: tell {b.authority} within {b.authority_deadline} ({b.authority_article}); "
        f"the people affected within {b.subjects_deadline or 'without undue delay'} "
        f"({b.subjects_article}{', if high risk' if b.subjects_only_if_high_risk else ''})."
    )
    console.print(
        f"Decisions cite: purpose limitation {law.purpose_limitation_article}; consent withdrawal "
        f"{law.consent_withdrawal_article}; objection {law.objection_article}; direct marketing "
        f"{law.direct_marketing_objection_article}; restriction {law.restriction_article}; children under "
        f"{law.child_age} ({law.child_article})."
    )
