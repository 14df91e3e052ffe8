"""Shortfalls only a reading of the text shows, each quoting the sentence at ``file:line``.

These complement the ``jaga check`` findings of the draft: a YAML field cannot say that consent is
bundled with the terms of use or that "appropriate measures" protect a transfer. Findings use the
same :class:`Finding` type so the table, JSON and SARIF outputs of ``jaga check`` apply unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jaga.check import Finding, Severity
from jaga.ingest.draft import quote
from jaga.ingest.lexicon import ABROAD
from jaga.ingest.text import Sentence


@dataclass(frozen=True)
class TextRule:
    id: str
    severity: Severity
    article: str
    pattern: re.Pattern[str]
    en: str
    id_: str
    unless: re.Pattern[str] | None = None
    context: re.Pattern[str] | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_CONSENT = _re(r"consent|persetujuan|opt[ -]in")
TEXT_RULES = [
    TextRule(
        "JGI01",
        Severity.error,
        "UU PDP art. 22(2); GDPR art. 7(2), 7(4)",
        _re(
            r"by (?:using|accessing|continuing|registering|visiting|signing up)[^.]{0,100}\b(?:agree|consent|accept)|"
            r"dengan (?:menggunakan|mengakses|mendaftar|mengunjungi)[^.]{0,100}(?:menyetujui|setuju|dianggap)"
        ),
        "consent is bundled with acceptance of the terms or use of the service",
        "persetujuan digabung dengan penerimaan syarat atau penggunaan layanan",
    ),
    TextRule(
        "JGI02",
        Severity.error,
        "UU PDP art. 20(2)(a), 22; GDPR art. 4(11), 7",
        _re(
            r"(?:automatically|by default)[^.]{0,60}(?:subscri|newsletter|marketing|promotion)|"
            r"(?:subscri|newsletter|marketing|promotion)[^.]{0,60}(?:automatically|by default)|pre-?(?:ticked|checked)|"
            r"otomatis[^.]{0,60}(?:berlangganan|pemasaran|promosi)"
        ),
        "marketing subscription is on by default",
        "langganan pemasaran aktif secara bawaan",
    ),
    TextRule(
        "JGI03",
        Severity.warning,
        "UU PDP art. 20(2)(a); GDPR art. 6(1)(a)",
        _re(
            r"(?:submit|fill)[^.]{0,60}\bform[^.]{0,160}(?:track|cookie|pixel|analytics|associate|link|combine)|"
            r"(?:track|pixel|cookie)[^.]{0,160}(?:submit|fill)[^.]{0,40}\bform|"
            r"mengisi formulir[^.]{0,160}(?:melacak|pelacakan|cookie|menghubungkan)"
        ),
        "tracking is linked to a submitted form without separate consent",
        "pelacakan dikaitkan dengan formulir yang dikirim tanpa persetujuan terpisah",
        unless=_CONSENT,
    ),
    TextRule(
        "JGI04",
        Severity.warning,
        "UU PDP art. 16(2)(e), 21(1)(d); GDPR art. 13(2)(a)",
        _re(
            r"as long as (?:is |it is |reasonably )?(?:necessary|needed|required)|no longer than (?:is )?necessary|"
            r"selama (?:yang )?(?:diperlukan|dibutuhkan)|for (?:a|the) (?:reasonable|necessary) period"
        ),
        "retention period is vague: no duration is given",
        "masa retensi tidak jelas: tidak ada jangka waktu",
    ),
    TextRule(
        "JGI05",
        Severity.warning,
        "UU PDP art. 56; GDPR art. 13(1)(f), 46",
        _re(
            r"appropriate (?:measures|safeguards|steps|protection)|adequate (?:measures|protection|safeguards)|"
            r"reasonable (?:steps|measures)|langkah(?:-langkah)? (?:yang )?(?:sesuai|wajar|memadai|tepat)"
        ),
        "transfer abroad is protected only by vague 'appropriate measures'",
        "transfer ke luar negeri hanya dilindungi 'langkah yang sesuai' yang tidak jelas",
        context=ABROAD,
    ),
    TextRule(
        "JGI06",
        Severity.warning,
        "UU PDP art. 5, 21; GDPR art. 14",
        _re(
            r"(?:obtain|receive|collect)\w*[^.]{0,80}from (?:third[- ]part|other sources|(?:our )?partners|"
            r"publicly (?:available|accessible))|dari (?:pihak ketiga|sumber lain|mitra)"
        ),
        "data is obtained from third parties with no notice to the person",
        "data diperoleh dari pihak ketiga tanpa pemberitahuan kepada orang yang bersangkutan",
        unless=_re(r"notify you|inform you|let you know|memberitahu anda|memberi tahu anda"),
    ),
]


def text_findings(items: list[Sentence], where: str) -> list[Finding]:
    """One finding per rule per sentence that shows the shortfall, quoting it."""
    findings: list[Finding] = []
    for rule in TEXT_RULES:
        for s in items:
            if not rule.pattern.search(s.text):
                continue
            if rule.unless is not None and rule.unless.search(s.text):
                continue
            if rule.context is not None and not (rule.context.search(s.text) or rule.context.search(s.section)):
                continue
            findings.append(
                Finding(
                    rule.id,
                    rule.severity,
                    "text",
                    rule.article,
                    f"{rule.en}: {quote(s)}",
                    f"{rule.id_}: {quote(s)}",
                    ("text", s.line),
                    f"{where}:{s.line}:1",
                )
            )
    return findings
