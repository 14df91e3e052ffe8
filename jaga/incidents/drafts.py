"""Draft breach notices to people and to the authority, holding every element the law requires.

Each regime lists the content it demands (``BreachRule.required_content``: UU PDP art. 46(2) data
disclosed, when and how, handling and recovery; GDPR art. 33(3)/34(2) nature, DPO contact, likely
consequences, measures). A draft is built element by element from those keys, so a missing fact is
an error before anything is sent, and a test can check each element on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import jinja2

from jaga.errors import JagaError
from jaga.incidents.assess import Assessment
from jaga.policy import Contact, Policy, taxonomy_for
from jaga.regimes import get_regime
from jaga.store.models.incidents import Incident

Lang = str

#: Element key -> (English label, Indonesian label).
ELEMENTS: dict[str, tuple[str, str]] = {
    "nature_of_breach": ("Nature of the breach", "Sifat kegagalan pelindungan data pribadi"),
    "data_disclosed": ("Personal data concerned", "Data pribadi yang terungkap"),
    "when_and_how": ("When and how it happened", "Kapan dan bagaimana data pribadi terungkap"),
    "likely_consequences": ("Likely consequences", "Kemungkinan akibat"),
    "handling_and_recovery": ("How we are handling it and recovering", "Upaya penanganan dan pemulihan"),
    "measures_taken": (
        "Measures taken or proposed, including to limit possible harm",
        "Langkah yang diambil atau diusulkan, termasuk untuk mengurangi dampak",
    ),
    "dpo_contact": ("Contact of our Data Protection Officer", "Kontak Pejabat Pelindungan Data Pribadi"),
}
#: Extra fields the authority's form asks for beyond the content elements (GDPR art. 33(3)(a), (1)).
FORM_FIELDS: dict[str, tuple[str, str]] = {
    "controller": ("Controller", "Pengendali Data Pribadi"),
    "reference": ("Incident reference", "Nomor referensi insiden"),
    "occurred_at": ("Occurred at", "Waktu terjadi"),
    "discovered_at": ("Discovered at", "Waktu diketahui"),
    "subjects_count": ("Approximate number of people concerned", "Perkiraan jumlah subjek data pribadi"),
    "records_count": ("Approximate number of records concerned", "Perkiraan jumlah catatan data pribadi"),
    "special_data": ("Specific/special data involved", "Data pribadi yang bersifat spesifik"),
    "delay_reason": ("Reasons for the delay", "Alasan keterlambatan"),
}
_LANG_OF_REGIME = {"uu_pdp": "id", "gdpr": "en"}


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Draft:
    """One notice: who it is for, its language, subject line, body and the elements it contains."""

    audience: str  # "subjects" or "authority:<regime>"
    lang: Lang
    subject: str
    body: str
    elements: dict[str, str]
    articles: str


@cache
def _env() -> jinja2.Environment:
    # Plain-text e-mail: nothing to escape, but undefined names must fail loudly.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("jaga.incidents", "templates"),
        autoescape=False,
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "en" else pair[1]


def _when(moment: datetime, policy: Policy) -> str:
    return moment.astimezone(policy.controller.zone.zone).strftime("%Y-%m-%d %H:%M %Z (UTC%z)")


def _contact(person: Contact | None) -> str:
    if person is None:
        return ""
    return ", ".join(x for x in (person.name, person.email, person.phone, person.address) if x)


class _Facts:
    """The texts each element is made of, in one language, with a clear error for what is missing."""

    def __init__(self, incident: Incident, assessment: Assessment, policy: Policy, lang: Lang) -> None:
        self.incident, self.assessment, self.policy, self.lang = incident, assessment, policy, lang
        self.taxonomy = taxonomy_for(policy)

    def need(self, value: str, what: str, article: str) -> str:
        if not value.strip():
            raise JagaError(
                f"incident {self.incident.id}: {what} is missing, and the notice must state it ({article})",
                hint="record it with `jaga incident open` or update the incident before notifying",
            )
        return value.strip()

    def name(self, key: str) -> str:
        term = self.taxonomy.data_categories.get(key)
        return (term.name if self.lang == "en" else term.name_id) if term else key

    def categories(self) -> str:
        return ", ".join(self.name(k) for k in self.assessment.categories)

    def special(self, regimes: Sequence[str]) -> str:
        """Specific/special categories under ``regimes``, by name, with the article that makes them so."""
        found: dict[str, list[str]] = {}
        for regime in regimes:
            for key, article in self.assessment.special.get(regime, {}).items():
                found.setdefault(key, []).append(article)
        entries = [f"{self.name(k)} ({'; '.join(v)})" for k, v in found.items()]
        return "; ".join(entries) or _pick(("none", "tidak ada"), self.lang)

    def element(self, key: str) -> str:
        i, lang = self.incident, self.lang
        if key == "data_disclosed":
            if not self.assessment.categories:
                raise JagaError(
                    f"incident {i.id}: no affected data categories known", hint="run `jaga incident assess`"
                )
            special = _pick(("Specific/special data among them", "Termasuk data pribadi yang bersifat spesifik"), lang)
            return f"{self.categories()}.\n{special}: {self.special(self.incident.regimes)}."
        if key in ("when_and_how", "nature_of_breach"):
            happened = _pick(("It happened on", "Kejadian terjadi pada"), lang)
            found = _pick(("; we discovered it on", " dan kami ketahui pada"), lang)
            description = self.need(i.description, "what happened", "UU PDP art. 46(2); GDPR art. 33(3)(a)")
            text = f"{happened} {_when(i.occurred_at, self.policy)}{found} {_when(i.discovered_at, self.policy)}.\n"
            text += description
            if key == "nature_of_breach":
                people = _pick(("People concerned (approx.)", "Perkiraan jumlah orang"), lang)
                records = _pick(("records", "catatan"), lang)
                text += (
                    f"\n{people}: {self.assessment.total_subjects}; "
                    f"{sum(self.assessment.records.values())} {records}.\n{self.categories()}."
                )
            return text
        if key == "likely_consequences":
            return self.need(i.consequences, "the likely consequences", "GDPR art. 33(3)(c), 34(2)")
        if key in ("handling_and_recovery", "measures_taken"):
            containment = self.need(i.containment, "the containment", "UU PDP art. 46(2); GDPR art. 33(3)(d)")
            return f"{containment}\n{i.measures}".strip()
        if key == "dpo_contact":
            contact = _contact(self.policy.controller.dpo) or _contact(self.policy.controller.contact)
            return self.need(contact, "a DPO or contact in the policy", "GDPR art. 33(3)(b), 34(2)")
        raise JagaError(f"unknown notice element {key!r}")


def _element_keys(regimes: Sequence[str]) -> list[str]:
    keys: list[str] = []
    for r in regimes:
        keys += [k for k in get_regime(r).breach.required_content if k not in keys]
    return keys


def subject_regimes(incident: Incident) -> list[str]:
    """The regimes under which people themselves must be told (GDPR art. 34 only at high risk)."""
    return [r for r in incident.regimes if incident.high_risk or not get_regime(r).breach.subjects_only_if_high_risk]


def subject_notice(incident: Incident, assessment: Assessment, policy: Policy, lang: Lang) -> Draft:
    """The notice to each affected person, in ``lang`` (en|id), as a mail-merge template."""
    regimes = subject_regimes(incident)
    if not regimes:
        raise JagaError(
            f"incident {incident.id}: no regime requires telling people (GDPR art. 34: only at high risk)",
            hint="mark the incident --high-risk if it is likely to result in a high risk to people",
        )
    facts = _Facts(incident, assessment, policy, lang)
    elements = [Element(k, _pick(ELEMENTS[k], lang), facts.element(k)) for k in _element_keys(regimes)]
    articles = "; ".join(
        f"{get_regime(r).breach.subjects_article}, {get_regime(r).breach.content_article}" for r in regimes
    )
    controller = policy.controller.trade_name or policy.controller.legal_name
    body = (
        _env()
        .get_template(f"subjects.{lang}.txt.j2")
        .render(
            recipient="{{ name }}" if lang == "en" else "Bapak/Ibu {{ name }}",
            controller=controller,
            articles=articles,
            elements=elements,
            contact=_contact(policy.controller.dpo) or _contact(policy.controller.contact),
            reference=f"INC-{incident.id}",
        )
    )
    subject = _pick(
        ("Important: a personal data breach concerning you", "Penting: kegagalan pelindungan data pribadi Anda"), lang
    )
    return Draft("subjects", lang, f"{subject} ({controller})", body, {e.key: e.text for e in elements}, articles)


def authority_notice(
    incident: Incident, assessment: Assessment, policy: Policy, regime: str, now: datetime, delay_reason: str = ""
) -> Draft:
    """The authority's form under ``regime`` (UU PDP in Indonesian, GDPR in English), field by field."""
    rule = get_regime(regime).breach
    lang = _LANG_OF_REGIME.get(regime, "en")
    facts = _Facts(incident, assessment, policy, lang)
    due = rule.authority_deadline.add_to(incident.discovered_at)
    form = {
        "controller": f"{policy.controller.legal_name}, {_contact(policy.controller.contact)}".strip(", "),
        "reference": f"INC-{incident.id}",
        "occurred_at": _when(incident.occurred_at, policy),
        "discovered_at": _when(incident.discovered_at, policy),
        "subjects_count": str(assessment.total_subjects),
        "records_count": str(sum(assessment.records.values())),
        "special_data": facts.special([regime]),
    }
    if now > due:
        if not delay_reason.strip():
            raise JagaError(
                f"incident {incident.id}: the authority deadline has passed; the notice must give the reasons for "
                f"the delay ({rule.authority_article}; GDPR art. 33(1))",
                hint="pass --delay-reason TEXT",
            )
        form["delay_reason"] = delay_reason.strip()
    elements = [Element(k, _pick(FORM_FIELDS[k], lang), v) for k, v in form.items()]
    elements += [Element(k, _pick(ELEMENTS[k], lang), facts.element(k)) for k in rule.required_content]
    heading = _pick(
        ("Notification of a personal data breach", "Pemberitahuan kegagalan pelindungan data pribadi"), lang
    )
    articles = f"{rule.authority_article}; {rule.content_article}"
    body = (
        _env()
        .get_template("authority.txt.j2")
        .render(
            heading=heading,
            addressee=policy.controller.supervisory_authority or rule.authority_in(lang),
            articles=articles,
            elements=elements,
        )
    )
    return Draft(
        f"authority:{regime}", lang, f"{heading} — INC-{incident.id}", body, {e.key: e.text for e in elements}, articles
    )
