"""The lint rules: each compares one kind of promise in the policy with what a regime requires.

A rule is a function registered with its id, severity and a one-line title; it yields findings for one
regime at a time, so a company under both UU PDP and GDPR sees each shortfall with the right article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from jaga.check.finding import Finding, Severity
from jaga.policy import (
    AutomatedDecision,
    LegalBasis,
    Policy,
    Purpose,
    Right,
    Safeguard,
    Taxonomy,
    taxonomy_for,
)
from jaga.regimes import Regime


@dataclass(frozen=True)
class Context:
    policy: Policy
    regime: Regime
    taxonomy: Taxonomy

    def special(self, purpose: Purpose) -> list[tuple[str, str]]:
        """The purpose's categories that are specific/special under this regime, with the article."""
        found = []
        for cat in purpose.categories:
            article = self.taxonomy.sensitivity(cat, self.regime.key)
            if article:
                found.append((cat, article))
        return found

    def finding(self, rule: RuleInfo, article: str, en: str, id_: str, *path: str | int) -> Finding:
        return Finding(rule.id, rule.severity, self.regime.key, article, en, id_, tuple(path))


Check = Callable[[Context, "RuleInfo"], Iterator[Finding]]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    severity: Severity
    title: str
    check: Check


RULES: list[RuleInfo] = []


def rule(id_: str, name: str, severity: Severity, title: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        RULES.append(RuleInfo(id_, name, severity, title, fn))
        return fn

    return register


@rule(
    "JG001",
    "special-data-basis",
    Severity.error,
    "Specific/special data used without explicit consent or another basis the regime allows",
)
def _special_data_basis(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    allowed = ctx.regime.special_data_bases
    for i, purpose in enumerate(ctx.policy.purposes):
        special = ctx.special(purpose)
        if not special or purpose.on_behalf_of:  # a processor acts on its client's basis
            continue
        cats = ", ".join(c for c, _ in special)
        articles = "; ".join(sorted({a for _, a in special}))
        if purpose.basis not in allowed:
            yield ctx.finding(
                info,
                f"{articles}; {ctx.regime.special_data_article}",
                f"purpose {purpose.key!r} uses {cats} on basis {purpose.basis.value!r}, which "
                f"{ctx.regime.key} does not allow for this data; use explicit consent or an exception "
                "the law provides",
                f"tujuan {purpose.key!r} memakai {cats} dengan dasar {purpose.basis.value!r} yang tidak "
                "dibolehkan untuk data ini; gunakan persetujuan eksplisit atau pengecualian yang diatur "
                "undang-undang",
                "purposes",
                i,
                "basis",
            )
        elif (
            purpose.basis not in (LegalBasis.explicit_consent, LegalBasis.consent)
            and not purpose.special_basis
            and ctx.regime.key == "gdpr"
        ):
            yield ctx.finding(
                info,
                allowed[purpose.basis],
                f"purpose {purpose.key!r} relies on {allowed[purpose.basis]} for {cats} but names no "
                "special_basis (the national law or exception relied on)",
                f"tujuan {purpose.key!r} memakai {allowed[purpose.basis]} untuk {cats} tanpa menyebut "
                "special_basis (dasar hukum pengecualiannya)",
                "purposes",
                i,
            )


@rule("JG002", "child-without-parental-consent", Severity.error, "Children's data processed without parental consent")
def _children(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    child_subjects = {k for k, t in ctx.taxonomy.data_subjects.items() if t.is_child}
    for i, purpose in enumerate(ctx.policy.purposes):
        has_child = any(s in child_subjects for s in purpose.subjects) or any(
            c.startswith("user.children") for c in purpose.categories
        )
        if has_child and not (purpose.parental_consent or ctx.policy.children.parental_consent):
            yield ctx.finding(
                info,
                ctx.regime.child_article,
                f"purpose {purpose.key!r} processes children's data (under {ctx.regime.child_age}) "
                "without parental consent",
                f"tujuan {purpose.key!r} memproses data anak (di bawah {ctx.regime.child_age} tahun) "
                "tanpa persetujuan orang tua atau wali",
                "purposes",
                i,
            )
    if ctx.policy.children.served and not ctx.policy.children.parental_consent:
        yield ctx.finding(
            info,
            ctx.regime.child_article,
            "the policy serves children but promises no parental consent",
            "kebijakan melayani anak tetapi tidak menjanjikan persetujuan orang tua atau wali",
            "children",
        )


@rule(
    "JG003",
    "transfer-without-safeguard",
    Severity.error,
    "Transfer abroad to a country without adequacy and without a safeguard",
)
def _transfers(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    home = ctx.policy.controller.jurisdiction
    rule_ = ctx.regime.transfer
    for i, rec in enumerate(ctx.policy.recipients):
        if rec.country == home:
            continue
        adequate = rec.country in rule_.adequate_countries
        if adequate and ctx.regime.key == "gdpr":
            continue
        if rec.safeguard in rule_.allowed_safeguards:
            continue
        claimed = (
            ""
            if rec.safeguard is Safeguard.none
            else f" (safeguard {rec.safeguard.value!r} is not one this regime recognises)"
        )
        yield ctx.finding(
            info,
            f"{rule_.article}; {rule_.safeguard_article}",
            f"recipient {rec.key!r} in {rec.country} receives data from {home} without a recognised safeguard{claimed}",
            f"penerima {rec.key!r} di {rec.country} menerima data dari {home} tanpa pelindungan yang "
            "diakui (klausul kontrak standar, aturan korporasi mengikat, atau persetujuan)",
            "recipients",
            i,
            "safeguard",
        )


@rule("JG004", "purpose-without-retention", Severity.warning, "A purpose with no retention rule")
def _retention(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    article = "UU PDP art. 16(2)(g)" if ctx.regime.key == "uu_pdp" else "GDPR art. 5(1)(e), 13(2)(a)"
    for i, purpose in enumerate(ctx.policy.purposes):
        if purpose.retention is None:
            yield ctx.finding(
                info,
                article,
                f"purpose {purpose.key!r} has no retention rule: say how long its data is kept",
                f"tujuan {purpose.key!r} tidak memiliki aturan masa retensi: nyatakan berapa lama datanya disimpan",
                "purposes",
                i,
            )


@rule(
    "JG005",
    "legitimate-interest-without-balancing",
    Severity.error,
    "Legitimate interest without a recorded balancing note",
)
def _balancing(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    for i, purpose in enumerate(ctx.policy.purposes):
        if (
            purpose.basis is LegalBasis.legitimate_interest
            and not purpose.on_behalf_of
            and not (purpose.balancing_note or "").strip()
        ):
            yield ctx.finding(
                info,
                ctx.regime.legitimate_interest_article,
                f"purpose {purpose.key!r} relies on legitimate interest but records no balancing of the "
                "company's interest against the person's rights",
                f"tujuan {purpose.key!r} berdasar kepentingan yang sah tetapi tidak mencatat penyeimbangan "
                "kepentingan perusahaan dengan hak subjek data",
                "purposes",
                i,
                "basis",
            )


@rule(
    "JG006", "direct-marketing-without-opt-out", Severity.error, "Direct marketing without an objection or opt-out path"
)
def _marketing(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    offered = set(ctx.policy.rights.offered)
    for i, purpose in enumerate(ctx.policy.purposes):
        if not purpose.direct_marketing:
            continue
        if not purpose.opt_out or Right.objection not in offered:
            yield ctx.finding(
                info,
                ctx.regime.direct_marketing_objection_article,
                f"direct-marketing purpose {purpose.key!r} offers no way to object or unsubscribe"
                + ("" if purpose.opt_out else " (set opt_out)")
                + ("" if Right.objection in offered else " (offer the right to object)"),
                f"tujuan pemasaran langsung {purpose.key!r} tidak menyediakan cara menolak atau berhenti berlangganan",
                "purposes",
                i,
            )


@rule(
    "JG007",
    "automated-decision-without-review",
    Severity.error,
    "Automated decisions with legal effect and no human review",
)
def _automated(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    for i, purpose in enumerate(ctx.policy.purposes):
        if purpose.automated_decision is AutomatedDecision.decision_without_human_review and purpose.legal_effect:
            yield ctx.finding(
                info,
                ctx.regime.automated_decision_article,
                f"purpose {purpose.key!r} decides about people by machine with legal effect and no human review",
                f"tujuan {purpose.key!r} mengambil keputusan otomatis yang berakibat hukum tanpa peninjauan manusia",
                "purposes",
                i,
                "automated_decision",
            )


_OPTIONAL_RIGHTS = {Right.compensation}


@rule("JG008", "right-not-offered", Severity.error, "A right the regime grants is not offered")
def _rights(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    offered = set(ctx.policy.rights.offered)
    automated = any(p.automated_decision is not AutomatedDecision.none for p in ctx.policy.purposes)
    uses_consent = any(p.basis in (LegalBasis.consent, LegalBasis.explicit_consent) for p in ctx.policy.purposes)
    for right, rr in ctx.regime.rights.items():
        if right in offered or right in _OPTIONAL_RIGHTS:
            continue
        if right is Right.automated_decision_review and not automated:
            continue
        if right is Right.withdraw_consent and not uses_consent:
            continue
        yield ctx.finding(
            info,
            rr.article,
            f"the policy does not offer the right of {right.value.replace('_', ' ')}",
            f"kebijakan tidak menyediakan hak {_RIGHT_ID[right]}",
            "rights",
            "offered",
        )


_RIGHT_ID = {
    Right.information: "atas informasi",
    Right.access: "akses",
    Right.rectification: "pembetulan",
    Right.erasure: "penghapusan",
    Right.restriction: "pembatasan pemrosesan",
    Right.portability: "portabilitas data",
    Right.objection: "keberatan",
    Right.withdraw_consent: "menarik kembali persetujuan",
    Right.automated_decision_review: "keberatan atas keputusan otomatis",
    Right.complaint: "mengajukan pengaduan",
    Right.compensation: "menggugat dan menerima ganti rugi",
}


@rule("JG009", "response-time-too-long", Severity.error, "A promised response time is longer than the regime allows")
def _response_time(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    rights = ctx.policy.rights
    if not rights.response_time:
        yield ctx.finding(
            info,
            ctx.regime.rights[Right.access].deadline_article or ctx.regime.rights[Right.access].article,
            "the policy promises no response time for requests",
            "kebijakan tidak menjanjikan jangka waktu menanggapi permintaan",
            "rights",
        )
        return
    for right in rights.offered:
        rr = ctx.regime.rule(right)
        promised = rights.promised(right)
        if rr is None or rr.deadline is None or promised is None:
            continue
        if promised.approx_hours() > rr.deadline.approx_hours() + 1e-9:
            key = right.value if right in rights.response_time else "default"
            statutory = "" if rr.statutory_deadline else " (jaga's default; the statute fixes no period)"
            yield ctx.finding(
                info,
                rr.deadline_article or rr.article,
                f"{right.value.replace('_', ' ')}: the policy promises {promised} but {ctx.regime.key} "
                f"allows {rr.deadline}{statutory}",
                f"hak {_RIGHT_ID[right]}: kebijakan menjanjikan {promised}, sedangkan batas waktunya {rr.deadline}",
                "rights",
                "response_time",
                key,
            )


@rule("JG010", "dpo-missing", Severity.error, "No DPO contact where the regime requires one")
def _dpo(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    if ctx.policy.controller.dpo is not None:
        return
    special = any(ctx.special(p) for p in ctx.policy.purposes)
    processor_scale = ctx.policy.controller.role.value != "controller" and ctx.policy.controller.processor_for
    if (special and ctx.regime.dpo_required_for_special_data) or processor_scale:
        why = "specific/special data" if special else "processing for client controllers at scale"
        yield ctx.finding(
            info,
            ctx.regime.dpo_article,
            f"no data protection officer contact, although the policy processes {why}",
            "tidak ada kontak pejabat pelindungan data pribadi, padahal kebijakan memproses "
            + ("data pribadi spesifik" if special else "data untuk pengendali klien dalam skala besar"),
            "controller",
        )


@rule("JG011", "undeclared-recipients", Severity.warning, "Recipients not declared, or declared but tied to no purpose")
def _recipients(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    used: set[str] = set()
    article = ctx.regime.information_article
    for i, purpose in enumerate(ctx.policy.purposes):
        used.update(purpose.recipients)
        if (
            purpose.use.startswith("third_party_sharing") or purpose.use.startswith("marketing.advertising")
        ) and not purpose.recipients:
            yield ctx.finding(
                info,
                article,
                f"purpose {purpose.key!r} shares data but names no recipient category",
                f"tujuan {purpose.key!r} membagikan data tetapi tidak menyebut kategori penerima",
                "purposes",
                i,
                "recipients",
            )
        for key in purpose.recipients:
            rec = ctx.policy.recipient(key)
            if rec and rec.categories:
                extra = [c for c in rec.categories if c not in purpose.categories]
                if extra and not any(
                    key in p.recipients and c in p.categories for p in ctx.policy.purposes for c in extra
                ):
                    yield ctx.finding(
                        info,
                        article,
                        f"recipient {key!r} receives {', '.join(extra)}, which no purpose that uses it declares",
                        f"penerima {key!r} menerima {', '.join(extra)} yang tidak dinyatakan oleh tujuan mana pun",
                        "purposes",
                        i,
                        "recipients",
                    )
    for i, rec in enumerate(ctx.policy.recipients):
        if rec.key not in used:
            yield ctx.finding(
                info,
                article,
                f"recipient {rec.key!r} is declared but no purpose says what it receives and why",
                f"penerima {rec.key!r} dinyatakan tetapi tidak ada tujuan yang menjelaskan data apa yang "
                "diterima dan untuk apa",
                "recipients",
                i,
            )


@rule(
    "JG012",
    "breach-deadline-too-long",
    Severity.error,
    "A promised breach notification period is longer than the regime allows",
)
def _breach(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    breach, law = ctx.policy.breach, ctx.regime.breach
    pairs = [
        ("notify_authority_within", breach.notify_authority_within, law.authority_deadline, law.authority_article),
        ("notify_subjects_within", breach.notify_subjects_within, law.subjects_deadline, law.subjects_article),
    ]
    for field, promised, limit, article in pairs:
        if promised is not None and limit is not None and promised.approx_hours() > limit.approx_hours():
            yield ctx.finding(
                info,
                article,
                f"{field.replace('_', ' ')} {promised}, but {ctx.regime.key} requires {limit}",
                f"pemberitahuan kegagalan pelindungan data dijanjikan dalam {promised}, sedangkan batasnya {limit}",
                "breach",
                field,
            )


@rule(
    "JG013",
    "non-essential-cookie-without-consent",
    Severity.warning,
    "Persistent cookies for a consent-based purpose set without consent",
)
def _cookies(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    for i, cookie in enumerate(ctx.policy.cookies):
        purpose = ctx.policy.purpose(cookie.purpose)
        if (
            purpose
            and purpose.basis in (LegalBasis.consent, LegalBasis.explicit_consent)
            and not cookie.consent_required
        ):
            yield ctx.finding(
                info,
                ctx.regime.bases[purpose.basis],
                f"cookie {cookie.name!r} serves consent-based purpose {purpose.key!r} but is set without consent",
                f"cookie {cookie.name!r} melayani tujuan berbasis persetujuan {purpose.key!r} tetapi dipasang "
                "tanpa persetujuan",
                "cookies",
                i,
                "consent_required",
            )


@rule("JG014", "indonesian-text-missing", Severity.warning, "The notice is not published in Bahasa Indonesia")
def _language(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    if ctx.regime.key != "uu_pdp":
        return
    article = "UU 24/2009 art. 31(1); UU PDP art. 21"
    if "id" not in ctx.policy.controller.languages:
        yield ctx.finding(
            info,
            article,
            "the policy is not published in Bahasa Indonesia",
            "kebijakan tidak diterbitkan dalam Bahasa Indonesia",
            "controller",
            "languages",
        )
        return
    for i, purpose in enumerate(ctx.policy.purposes):
        if not purpose.description.id:
            yield ctx.finding(
                info,
                article,
                f"purpose {purpose.key!r} has no Indonesian description",
                f"tujuan {purpose.key!r} tidak memiliki uraian dalam Bahasa Indonesia",
                "purposes",
                i,
                "description",
            )


@rule("JG015", "controller-contact-missing", Severity.error, "No way to contact the controller is published")
def _contact(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    controller = ctx.policy.controller
    article = "UU PDP art. 5, 21(1)" if ctx.regime.key == "uu_pdp" else "GDPR art. 13(1)(a)"
    if controller.contact is None or not controller.address:
        missing = "contact" if controller.contact is None else "address"
        yield ctx.finding(
            info,
            article,
            f"the policy publishes no {missing} of the controller, so people cannot exercise their rights",
            f"kebijakan tidak mencantumkan {'kontak' if missing == 'contact' else 'alamat'} pengendali data, "
            "sehingga subjek data tidak dapat menggunakan haknya",
            "controller",
        )


@rule("JG016", "basis-not-stated", Severity.error, "A purpose whose legal basis the notice does not state")
def _basis_stated(ctx: Context, info: RuleInfo) -> Iterator[Finding]:
    article = "UU PDP art. 21(1)(a)" if ctx.regime.key == "uu_pdp" else "GDPR art. 13(1)(c)"
    for i, purpose in enumerate(ctx.policy.purposes):
        if not purpose.basis_stated and not purpose.on_behalf_of:
            yield ctx.finding(
                info,
                article,
                f"the notice does not state the legal basis of purpose {purpose.key!r} "
                f"(jaga assumed {purpose.basis.value!r})",
                f"pemberitahuan tidak menyebut dasar hukum tujuan {purpose.key!r}",
                "purposes",
                i,
                "basis_stated",
            )


def run_rules(policy: Policy, regimes: list[Regime]) -> Iterator[Finding]:
    taxonomy = taxonomy_for(policy)
    for regime in regimes:
        ctx = Context(policy, regime, taxonomy)
        for info in RULES:
            yield from info.check(ctx, info)
