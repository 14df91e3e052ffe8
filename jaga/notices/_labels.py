"""Words a notice shows people, in English and Bahasa Indonesia, kept apart from the layout.

Legal-basis and right names follow the wording of UU PDP (art. 5-13, 20(2)) so that an Indonesian
reader recognises the statute's own terms; a lawyer can review this one file without reading code.
"""

from __future__ import annotations

from typing import Literal

from jaga.policy import Duration, LegalBasis, RecipientRole, RetentionAction, Right, Safeguard, Text, Trigger

Lang = Literal["en", "id"]
LANGS: tuple[Lang, ...] = ("en", "id")

#: (English, Indonesian) pairs keyed by the enum value they name.
BASIS: dict[LegalBasis, tuple[str, str]] = {
    LegalBasis.consent: ("Consent", "Persetujuan"),
    LegalBasis.explicit_consent: ("Explicit consent", "Persetujuan eksplisit"),
    LegalBasis.contract: ("Performance of a contract", "Pemenuhan kewajiban perjanjian"),
    LegalBasis.legal_obligation: ("Compliance with a legal obligation", "Pemenuhan kewajiban hukum"),
    LegalBasis.vital_interest: ("Protection of vital interests", "Pelindungan kepentingan vital"),
    LegalBasis.public_task: (
        "Public task or official authority",
        "Pelaksanaan tugas dalam rangka kepentingan umum atau pelayanan publik",
    ),
    LegalBasis.legitimate_interest: ("Legitimate interests", "Kepentingan yang sah"),
}

RIGHT: dict[Right, tuple[str, str]] = {
    Right.information: ("Right to be informed", "Hak mendapatkan informasi"),
    Right.access: ("Right of access and to a copy", "Hak mengakses dan memperoleh salinan"),
    Right.rectification: ("Right to rectification", "Hak melengkapi, memperbarui dan memperbaiki"),
    Right.erasure: ("Right to erasure", "Hak mengakhiri pemrosesan, menghapus dan/atau memusnahkan"),
    Right.restriction: ("Right to restriction", "Hak menunda atau membatasi pemrosesan"),
    Right.portability: ("Right to data portability", "Hak mendapatkan dan menggunakan data dalam format umum"),
    Right.objection: ("Right to object", "Hak mengajukan keberatan"),
    Right.withdraw_consent: ("Right to withdraw consent", "Hak menarik kembali persetujuan"),
    Right.automated_decision_review: (
        "Right not to be subject to automated decisions",
        "Hak mengajukan keberatan atas keputusan yang hanya didasarkan pada pemrosesan otomatis",
    ),
    Right.complaint: ("Right to lodge a complaint", "Hak mengajukan pengaduan"),
    Right.compensation: ("Right to compensation", "Hak menggugat dan menerima ganti rugi"),
}

ROLE: dict[RecipientRole, tuple[str, str]] = {
    RecipientRole.processor: ("Processor", "Prosesor Data Pribadi"),
    RecipientRole.sub_processor: ("Sub-processor", "Subprosesor Data Pribadi"),
    RecipientRole.joint_controller: ("Joint controller", "Pengendali Data Pribadi bersama"),
    RecipientRole.independent_controller: ("Independent controller", "Pengendali Data Pribadi mandiri"),
    RecipientRole.authority: ("Public authority", "Instansi pemerintah"),
    RecipientRole.affiliate: ("Affiliate", "Perusahaan terafiliasi"),
}

SAFEGUARD: dict[Safeguard, tuple[str, str]] = {
    Safeguard.none: ("no additional safeguard", "tanpa pelindungan tambahan"),
    Safeguard.adequacy: ("adequate level of protection", "tingkat pelindungan yang setara"),
    Safeguard.standard_contractual_clauses: ("standard contractual clauses", "klausul kontrak standar"),
    Safeguard.binding_corporate_rules: ("binding corporate rules", "aturan perusahaan yang mengikat"),
    Safeguard.contract: ("a contract with the recipient", "perjanjian dengan penerima"),
    Safeguard.consent: ("your consent", "persetujuan Anda"),
    Safeguard.client_authorisation: ("our client's authorisation", "otorisasi dari klien kami"),
    Safeguard.unspecified: ("safeguard not specified", "pelindungan tidak disebutkan"),
}

TRIGGER: dict[Trigger, tuple[str, str]] = {
    Trigger.collection: ("from collection", "sejak pengumpulan"),
    Trigger.last_interaction: ("from your last interaction with us", "sejak interaksi terakhir Anda dengan kami"),
    Trigger.account_closure: ("from the closure of your account", "sejak akun Anda ditutup"),
    Trigger.contract_end: ("from the end of the contract", "sejak berakhirnya perjanjian"),
    Trigger.purpose_fulfilled: ("from when the purpose is fulfilled", "sejak tujuan pemrosesan tercapai"),
    Trigger.consent_withdrawn: ("from the withdrawal of consent", "sejak persetujuan ditarik kembali"),
}

ACTION: dict[RetentionAction, tuple[str, str]] = {
    RetentionAction.delete: ("then deleted", "kemudian dihapus"),
    RetentionAction.anonymise: ("then anonymised", "kemudian dianonimkan"),
    RetentionAction.return_to_client: ("then returned to our client", "kemudian dikembalikan kepada klien kami"),
}

_UNIT: dict[str, tuple[str, str, str]] = {  # singular EN, plural EN, Indonesian (no plural form)
    "hours": ("hour", "hours", "jam"),
    "days": ("day", "days", "hari"),
    "months": ("month", "months", "bulan"),
    "years": ("year", "years", "tahun"),
}

#: Short words the layout needs (table headers, yes/no, fall-backs).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Privacy Notice", "Pemberitahuan Privasi"),
    "version": ("Version", "Versi"),
    "published": ("Published on", "Diterbitkan pada"),
    "controller": ("Controller", "Pengendali Data Pribadi"),
    "dpo": ("Data Protection Officer", "Pejabat Pelindungan Data Pribadi"),
    "purpose": ("Purpose", "Tujuan"),
    "basis": ("Legal basis", "Dasar pemrosesan"),
    "categories": ("Personal data", "Data pribadi"),
    "subjects": ("Whose data", "Subjek Data Pribadi"),
    "recipients": ("Recipients", "Penerima"),
    "recipient": ("Recipient", "Penerima"),
    "role": ("Role", "Peran"),
    "country": ("Country", "Negara"),
    "safeguard": ("Safeguard", "Pelindungan"),
    "retention": ("Retention", "Jangka waktu penyimpanan"),
    "right": ("Right", "Hak"),
    "response_time": ("We answer within", "Kami menjawab dalam"),
    "article": ("Legal reference", "Dasar hukum"),
    "none": ("none", "tidak ada"),
    "note": ("Note", "Catatan"),
    "not_stated": ("not stated", "tidak disebutkan"),
    "special": ("specific/special data", "data pribadi yang bersifat spesifik"),
    "legal_hold": ("kept longer where the law requires", "disimpan lebih lama jika diwajibkan"),
    "cookie": ("Cookie", "Cookie"),
    "kind": ("Type", "Jenis"),
    "duration": ("Duration", "Durasi"),
    "consent_required": ("Needs your consent", "Memerlukan persetujuan Anda"),
    "yes": ("yes", "ya"),
    "no": ("no", "tidak"),
    "provider": ("Provider", "Penyedia"),
    "session": ("session", "sesi"),
    "persistent": ("persistent", "persisten"),
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """The ``lang`` half of an (English, Indonesian) pair."""
    return pair[0] if lang == "en" else pair[1]


def word(key: str, lang: Lang) -> str:
    return pick(WORDS[key], lang)


def text(value: Text | None, lang: Lang) -> str:
    """A policy text in ``lang``, falling back to English where the company gave no translation."""
    if value is None:
        return ""
    return value.id if lang == "id" and value.id else value.en


def duration(value: Duration | None, lang: Lang) -> str:
    """``Duration(3, 'years')`` -> ``3 years`` / ``3 tahun`` (Indonesian nouns have no plural)."""
    if value is None:
        return word("not_stated", lang)
    one, many, indonesian = _UNIT[value.unit]
    if lang == "id":
        if value.unit == "hours" and value.amount % 24 == 0 and value.amount > 24:
            return f"{value.amount // 24} x 24 jam"  # the statute's own way of writing it (art. 32, 46)
        return f"{value.amount} {indonesian}"
    return f"{value.amount} {one if value.amount == 1 else many}"
