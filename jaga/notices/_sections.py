"""The privacy notice as format-neutral sections: heading, the articles it satisfies, and blocks.

Content is decided here once; the Markdown and HTML templates only lay the blocks out, so the two
formats can never say different things. Every value placed in a block is plain text; the templates
escape it for their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jaga.notices import _labels as L
from jaga.notices._labels import Lang
from jaga.policy import Policy, Purpose, Right, Taxonomy, taxonomy_for
from jaga.regimes import get_regime


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Block:
    """One paragraph, bullet list or table; exactly one of the three is set."""

    paragraph: str | None = None
    items: list[str] | None = None
    table: Table | None = None


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    articles: list[str]
    blocks: list[Block] = field(default_factory=list)


#: Section key -> (English heading, Indonesian heading, {regime: article the section satisfies}).
SECTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "collect": (
        "What personal data we collect",
        "Data pribadi yang kami kumpulkan",
        {"uu_pdp": "UU PDP art. 21(1)(c), (e)", "gdpr": "GDPR art. 13(1), 14(1)(d)"},
    ),
    "purposes": (
        "Why we use it and on which legal basis",
        "Tujuan dan dasar hukum pemrosesan",
        {"uu_pdp": "UU PDP art. 20(2), 21(1)(a)-(b)", "gdpr": "GDPR art. 13(1)(c)-(d), 13(2)(e)-(f)"},
    ),
    "recipients": (
        "Who receives it",
        "Pihak yang menerima data pribadi",
        {"uu_pdp": "UU PDP art. 21(1)(e)", "gdpr": "GDPR art. 13(1)(e)"},
    ),
    "transfers": (
        "Transfers abroad",
        "Transfer data pribadi ke luar negeri",
        {"uu_pdp": "UU PDP art. 56", "gdpr": "GDPR art. 13(1)(f), 44-49"},
    ),
    "retention": (
        "How long we keep it",
        "Jangka waktu penyimpanan",
        {"uu_pdp": "UU PDP art. 21(1)(d), (f)", "gdpr": "GDPR art. 13(2)(a)"},
    ),
    "rights": (
        "Your rights and how to use them",
        "Hak Anda dan cara menggunakannya",
        {"uu_pdp": "UU PDP art. 5-13, 21(1)(g)", "gdpr": "GDPR art. 13(2)(b)-(d)"},
    ),
    "security": (
        "How we protect it",
        "Keamanan data pribadi",
        {"uu_pdp": "UU PDP art. 35, 39", "gdpr": "GDPR art. 32"},
    ),
    "children": (
        "Children",
        "Data pribadi anak",
        {"uu_pdp": "UU PDP art. 25", "gdpr": "GDPR art. 8"},
    ),
    "cookies": (
        "Cookies",
        "Cookie",
        {"uu_pdp": "UU PDP art. 20(2)(a), 21", "gdpr": "GDPR art. 6(1)(a), 7"},
    ),
    "contact": (
        "Contact and Data Protection Officer",
        "Kontak dan Pejabat Pelindungan Data Pribadi",
        {"uu_pdp": "UU PDP art. 5, 53", "gdpr": "GDPR art. 13(1)(a)-(b)"},
    ),
    "changes": (
        "Changes to this notice and the prevailing language",
        "Perubahan pemberitahuan ini dan bahasa yang berlaku",
        {"uu_pdp": "UU PDP art. 21(2)", "gdpr": "GDPR art. 12(1), 13(3)"},
    ),
}


def heading(key: str, lang: Lang) -> str:
    en, indonesian, _ = SECTIONS[key]
    return en if lang == "en" else indonesian


def category_name(taxonomy: Taxonomy, key: str, lang: Lang) -> str:
    term = taxonomy.data_categories.get(key)
    return (term.name if lang == "en" else term.name_id) if term else key


def subject_name(taxonomy: Taxonomy, key: str, lang: Lang) -> str:
    term = taxonomy.data_subjects.get(key)
    return (term.name if lang == "en" else term.name_id) if term else key


def basis_text(policy: Policy, purpose: Purpose, lang: Lang) -> str:
    """Basis name with its article under each regime, e.g. ``Persetujuan (UU PDP art. 20(2)(a))``."""
    articles = [get_regime(r).bases[purpose.basis] for r in policy.controller.regimes]
    return f"{L.pick(L.BASIS[purpose.basis], lang)} ({'; '.join(articles)})"


def retention_text(policy: Policy, purpose: Purpose, lang: Lang) -> str:
    """How long a purpose's data is kept, the event the clock runs from, and any legal hold."""
    rule = policy.retention_rule(purpose.retention) if purpose.retention else None
    if rule is None:
        return L.word("not_stated", lang)
    parts = [f"{L.duration(rule.duration, lang)} {L.pick(L.TRIGGER[rule.trigger], lang)}"]
    parts.append(L.pick(L.ACTION[rule.action], lang))
    text = ", ".join(parts)
    if rule.legal_hold:
        hold = rule.legal_hold
        text += f"; {L.word('legal_hold', lang)}: {L.duration(hold.duration, lang)} ({hold.law})"
    return text


def _names(keys: list[str], name: dict[str, str]) -> str:
    return ", ".join(name.get(k, k) for k in keys)


class _Builder:
    """Builds each section for one policy in one language."""

    def __init__(self, policy: Policy, lang: Lang) -> None:
        self.policy = policy
        self.lang = lang
        self.taxonomy = taxonomy_for(policy)
        self.regimes = [get_regime(r) for r in policy.controller.regimes]

    def w(self, key: str) -> str:
        return L.word(key, self.lang)

    def say(self, en: str, indonesian: str) -> Block:
        return Block(paragraph=en if self.lang == "en" else indonesian)

    def section(self, key: str, blocks: list[Block]) -> Section:
        articles = [SECTIONS[key][2][r] for r in self.policy.controller.regimes if r in SECTIONS[key][2]]
        return Section(key, heading(key, self.lang), articles, blocks)

    def categories(self, keys: list[str]) -> str:
        return ", ".join(category_name(self.taxonomy, k, self.lang) for k in keys)

    def subjects(self, keys: list[str]) -> str:
        return ", ".join(subject_name(self.taxonomy, k, self.lang) for k in keys)

    def collect(self) -> Section:
        rows = []
        for key in self.policy.categories:
            special = [a for r in self.policy.controller.regimes if (a := self.taxonomy.sensitivity(key, r))]
            note = f"{self.w('special')} ({'; '.join(special)})" if special else ""
            rows.append([category_name(self.taxonomy, key, self.lang), note])
        intro = self.say(
            f"We process personal data of: {self.subjects(self.policy.subjects)}.",
            f"Kami memproses data pribadi milik: {self.subjects(self.policy.subjects)}.",
        )
        sources = sorted({s for p in self.policy.purposes for s in p.sources})
        blocks = [intro, Block(table=Table([self.w("categories"), self.w("note")], rows))]
        if sources:
            blocks.append(
                self.say(f"Where it comes from: {', '.join(sources)}.", f"Sumber data: {', '.join(sources)}.")
            )
        return self.section("collect", blocks)

    def purposes(self) -> Section:
        rows = []
        notes: list[str] = []
        for p in self.policy.purposes:
            rows.append(
                [
                    L.text(p.description, self.lang),
                    basis_text(self.policy, p, self.lang),
                    self.categories(p.categories),
                    self.subjects(p.subjects),
                ]
            )
            desc = L.text(p.description, self.lang)
            if p.balancing_note:
                notes.append(f"{desc}: {p.balancing_note}")
            if p.legal_obligation:
                notes.append(f"{desc}: {p.legal_obligation}")
            if p.opt_out:
                notes.append(f"{desc}: {p.opt_out}")
            if p.if_not_provided:
                notes.append(f"{desc}: {p.if_not_provided}")
        headers = [self.w("purpose"), self.w("basis"), self.w("categories"), self.w("subjects")]
        blocks = [Block(table=Table(headers, rows))]
        if notes:
            blocks.append(Block(items=notes))
        if any(p.basis.value.endswith("consent") for p in self.policy.purposes):
            blocks.append(
                self.say(
                    "Where we rely on your consent you may withdraw it at any time; this does not affect "
                    "processing that took place before.",
                    "Jika kami mengandalkan persetujuan Anda, Anda dapat menarik kembali persetujuan tersebut "
                    "kapan saja; hal ini tidak memengaruhi pemrosesan yang telah dilakukan sebelumnya.",
                )
            )
        return self.section("purposes", blocks)

    def recipients(self) -> Section:
        if not self.policy.recipients:
            return self.section(
                "recipients",
                [self.say("We do not share your personal data.", "Kami tidak membagikan data pribadi Anda.")],
            )
        headers = [self.w("recipient"), self.w("role"), self.w("country")]
        rows = [[r.name, L.pick(L.ROLE[r.role], self.lang), r.country] for r in self.policy.recipients]
        return self.section("recipients", [Block(table=Table(headers, rows))])

    def transfers(self) -> Section:
        home = self.policy.controller.jurisdiction
        abroad = [r for r in self.policy.recipients if r.country != home]
        if not abroad:
            return self.section(
                "transfers",
                [
                    self.say(
                        "We do not transfer personal data outside the country.",
                        "Kami tidak mentransfer data pribadi ke luar negeri.",
                    )
                ],
            )
        headers = [self.w("recipient"), self.w("country"), self.w("safeguard")]
        rows = [[r.name, r.country, L.pick(L.SAFEGUARD[r.safeguard], self.lang)] for r in abroad]
        return self.section("transfers", [Block(table=Table(headers, rows))])

    def retention(self) -> Section:
        headers = [self.w("purpose"), self.w("retention")]
        rows = [
            [L.text(p.description, self.lang), retention_text(self.policy, p, self.lang)] for p in self.policy.purposes
        ]
        return self.section("retention", [Block(table=Table(headers, rows))])

    def rights(self) -> Section:
        rights = self.policy.rights
        rows = []
        for right in rights.offered:
            articles = [rule.article for reg in self.regimes if (rule := reg.rule(right))]
            answer = L.duration(rights.promised(right), self.lang) if right is not Right.complaint else "—"
            rows.append([L.pick(L.RIGHT[right], self.lang), answer, "; ".join(articles)])
        headers = [self.w("right"), self.w("response_time"), self.w("article")]
        blocks = [Block(table=Table(headers, rows))]
        if rights.channels:
            blocks.append(
                self.say(
                    f"To use a right, contact us through: {', '.join(rights.channels)}.",
                    f"Untuk menggunakan hak Anda, hubungi kami melalui: {', '.join(rights.channels)}.",
                )
            )
        blocks.append(
            self.say("Using your rights is free of charge.", "Penggunaan hak Anda tidak dipungut biaya.")
            if rights.free_of_charge
            else self.say(
                "We may charge a fee for some requests.", "Kami dapat memungut biaya untuk permintaan tertentu."
            )
        )
        if rights.fees or rights.conditions:
            blocks.append(
                Block(
                    items=[
                        f"{L.pick(L.RIGHT[r], self.lang)}: {v}" for r, v in {**rights.fees, **rights.conditions}.items()
                    ]
                )
            )
        authority = self.policy.controller.supervisory_authority
        complaint = authority or ", ".join(reg.breach.authority_in(self.lang) for reg in self.regimes)
        blocks.append(
            self.say(
                f"You may also complain to the supervisory authority: {complaint}.",
                f"Anda juga dapat mengajukan pengaduan kepada otoritas pengawas: {complaint}.",
            )
        )
        return self.section("rights", blocks)

    def security(self) -> Section:
        blocks = [
            self.say(
                "We protect personal data with these measures:",
                "Kami melindungi data pribadi dengan langkah-langkah berikut:",
            )
        ]
        blocks.append(Block(items=list(self.policy.security) or [self.w("not_stated")]))
        breach = self.policy.breach
        if breach.notify_subjects_within:
            within = L.duration(breach.notify_subjects_within, self.lang)
            blocks.append(
                self.say(
                    f"If a breach affects your data we tell you within {within}.",
                    f"Jika terjadi kegagalan pelindungan data pribadi Anda, kami memberi tahu Anda "
                    f"paling lambat {within}.",
                )
            )
        return self.section("security", blocks)

    def children(self) -> Section:
        kids = self.policy.children
        if not kids.served:
            block = self.say(
                "Our services are not directed at children and we do not knowingly collect their data.",
                "Layanan kami tidak ditujukan untuk anak dan kami tidak dengan sengaja mengumpulkan data anak.",
            )
        else:
            age = kids.minimum_age if kids.minimum_age is not None else min(r.child_age for r in self.regimes)
            parental = (
                ("with the consent of a parent or guardian", "dengan persetujuan orang tua atau wali")
                if kids.parental_consent
                else ("", "")
            )
            block = self.say(
                f"We process data of children under {age} {parental[0]}.".replace("  ", " ").replace(" .", "."),
                f"Kami memproses data anak di bawah {age} tahun {parental[1]}.".replace("  ", " ").replace(" .", "."),
            )
        return self.section("children", [block])

    def cookies(self) -> Section:
        if not self.policy.cookies:
            return self.section("cookies", [self.say("We do not use cookies.", "Kami tidak menggunakan cookie.")])
        headers = [self.w("cookie"), self.w("purpose"), self.w("kind"), self.w("duration"), self.w("consent_required")]
        rows = []
        for c in self.policy.cookies:
            purpose = self.policy.purpose(c.purpose)
            rows.append(
                [
                    c.name + (f" ({c.provider})" if c.provider else ""),
                    L.text(purpose.description, self.lang) if purpose else c.purpose,
                    self.w(c.kind),
                    L.duration(c.duration, self.lang) if c.duration else "—",
                    self.w("yes" if c.consent_required else "no"),
                ]
            )
        blocks = [Block(table=Table(headers, rows))]
        if self.policy.cookie_policy_url:
            blocks.append(
                self.say(f"More: {self.policy.cookie_policy_url}", f"Selengkapnya: {self.policy.cookie_policy_url}")
            )
        return self.section("cookies", blocks)

    def contact(self) -> Section:
        c = self.policy.controller
        items = [c.legal_name + (f" ({c.trade_name})" if c.trade_name else "")]
        if c.address:
            items.append(c.address)
        for label, person in ((self.w("controller"), c.contact), (self.w("dpo"), c.dpo)):
            if person:
                reach = ", ".join(x for x in (person.name, person.email, person.phone, person.address) if x)
                items.append(f"{label}: {reach}")
        if c.dpo is None:
            items.append(
                L.pick(
                    ("We have not appointed a DPO.", "Kami belum menunjuk pejabat pelindungan data pribadi."), self.lang
                )
            )
        return self.section("contact", [Block(items=items)])

    def changes(self) -> Section:
        blocks = []
        if self.policy.changes:
            blocks.append(Block(paragraph=L.text(self.policy.changes, self.lang)))
        blocks.append(
            self.say(
                "We tell you before we change the information in this notice.",
                "Kami akan memberi tahu Anda sebelum terjadi perubahan informasi dalam pemberitahuan ini.",
            )
        )
        prevailing = {"id": ("Bahasa Indonesia", "Bahasa Indonesia"), "en": ("English", "bahasa Inggris")}
        name = L.pick(prevailing[self.policy.controller.prevailing_language], self.lang)
        blocks.append(
            self.say(
                f"This notice is published in several languages; if they differ, the {name} version prevails.",
                f"Pemberitahuan ini diterbitkan dalam beberapa bahasa; jika terdapat perbedaan, versi {name} "
                "yang berlaku.",
            )
        )
        return self.section("changes", blocks)


def build_sections(policy: Policy, lang: Lang) -> list[Section]:
    """Every section of the notice, in the order of ``SECTIONS``."""
    builder = _Builder(policy, lang)
    return [getattr(builder, key)() for key in SECTIONS]
