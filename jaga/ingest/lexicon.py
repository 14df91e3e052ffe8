"""Words and phrases, in English and Bahasa Indonesia, that name the things a policy promises.

General vocabulary of privacy policies, not phrases of any one text: each entry maps a pattern to a
taxonomy key (categories, subjects, uses), a legal basis, a right, a recipient kind or a country.
Order matters where the first match wins (uses, bases): more specific entries come first.
"""

# ruff: noqa: E501  (one pattern per line reads best as a table; splitting them hides the alternatives)

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: How many distinct texts each lexicon remembers its answer for (a long policy repeats its sentences,
#: and the extractors ask about the same sentence several times).
_REMEMBERED = 1 << 15


class Lexicon(list[tuple[str, re.Pattern[str]]]):
    """Ordered (key, pattern) entries, plus one compiled alternation of every pattern so that a text none
    of them can match costs one scan instead of one per entry, and a memory of recent answers.

    The alternation only decides whether any entry matches (exact: it matches where some entry does);
    which keys match is still decided entry by entry, so the answers are those of the plain loop.
    """

    def __init__(self, entries: Iterable[tuple[str, re.Pattern[str]]]) -> None:
        super().__init__(entries)
        self.any = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in self), re.IGNORECASE)
        self.keys_in = lru_cache(maxsize=_REMEMBERED)(self._keys_in)

    def _keys_in(self, text: str) -> tuple[str, ...]:
        if not self.any.search(text):
            return ()
        return tuple(key for key, pattern in self if pattern.search(text))


def _lex(entries: Iterable[tuple[str, str]]) -> Lexicon:
    return Lexicon((key, re.compile(pattern, re.IGNORECASE)) for key, pattern in entries)


def matches(lexicon: Lexicon, text: str) -> list[str]:
    """Every key whose pattern occurs in ``text``, in lexicon order, each once."""
    return list(lexicon.keys_in(text))


def first(lexicon: Lexicon, text: str) -> str | None:
    found = lexicon.keys_in(text)
    return found[0] if found else None


CATEGORIES = _lex(
    [
        (
            "user.name",
            r"\b(?:full |first |last |your )?names?\b(?! of (?:the|our))|\bnama\b(?! (?:pengguna|perusahaan))",
        ),
        ("user.workplace", r"enterprise name|company name|employer|workplace|nama perusahaan|tempat (?:kerja|bekerja)"),
        ("user.job_title", r"job (?:title|position)|\boccupation|\bjabatan|\bprofesi"),
        ("user.contact.email", r"e-?mail(?: address)?|\bsurel\b|surat elektronik"),
        ("user.contact.phone_number", r"(?:tele)?phone|mobile number|nomor (?:telepon|ponsel|hp|handphone|whatsapp)"),
        (
            "user.contact.address.street",
            r"(?<!e-mail )(?<!email )(?<!ip )\b(?:postal |home |mailing |billing |shipping )?address(?:es)?\b"
            r"(?! book)|\balamat\b(?! (?:e-?mail|ip|surel|surat elektronik))",
        ),
        ("user.contact.address.country", r"\bcountry\b|\bnegara\b"),
        ("user.contact.address.state", r"\bprovince|\bprovinsi"),
        ("user.contact.address.city", r"\bcity\b|\bkota\b"),
        ("user.contact.address.postal_code", r"postal code|zip code|kode pos"),
        ("user.demographic.date_of_birth", r"date of birth|birth ?date|tanggal lahir"),
        ("user.demographic.place_of_birth", r"place of birth|tempat lahir"),
        ("user.demographic.age_range", r"\bage\b|\busia\b|\bumur\b"),
        ("user.demographic.gender", r"\bgender|\bsex\b|jenis kelamin"),
        ("user.demographic.marital_status", r"marital status|status (?:perkawinan|pernikahan)"),
        ("user.demographic.religious_belief", r"religio|\bagama\b|keyakinan"),
        ("user.demographic.race_ethnicity", r"\brac(?:e|ial)\b|ethnic|\bsuku\b|\bras\b"),
        ("user.demographic.political_opinion", r"political|pandangan politik"),
        ("user.demographic.sexual_orientation", r"sexual orientation|sex life|orientasi seksual|kehidupan seksual"),
        ("user.demographic.citizenship_or_immigration_status", r"nationality|citizenship|kewarganegaraan"),
        ("user.health_and_medical", r"\bhealth|medical|(?<!bpjs )kesehatan|rekam medis|\bmedis\b"),
        ("user.biometrics", r"biometri|fingerprint|sidik jari|facial recognition|face (?:scan|recognition)"),
        ("user.genetic", r"genetic|genetik"),
        ("user.criminal_history", r"criminal|catatan kejahatan|\bSKCK\b"),
        ("user.financial.bank_account", r"bank (?:account|details)|account number|\brekening\b"),
        ("user.financial.tax", r"tax (?:number|information|data|records)|data pajak|bukti potong"),
        ("user.financial.credit_card", r"credit card|debit card|card number|kartu (?:kredit|debit)"),
        ("user.financial.salary", r"salary|payroll|\bgaji\b|\bupah\b|penggajian"),
        ("user.financial", r"financial (?:information|data)|payment (?:information|details|data)|data keuangan"),
        ("user.government_id.nik", r"\bNIK\b|nomor induk kependudukan"),
        (
            "user.government_id.national_identification_number",
            r"\be-?KTP\b|kartu tanda penduduk|identity card|\bID card|national (?:id|identity)",
        ),
        ("user.government_id.kk", r"\bKK\b|kartu keluarga|family card"),
        ("user.government_id.npwp", r"\bNPWP\b|nomor pokok wajib pajak|tax (?:identification|registration) number"),
        ("user.government_id.bpjs_kesehatan", r"\bBPJS\b(?! ?(?:Ketenagakerjaan|TK))"),
        ("user.government_id.bpjs_ketenagakerjaan", r"\bBPJS\b(?! ?Kesehatan)|jamsostek"),
        ("user.government_id.passport_number", r"passport|paspor"),
        (
            "user.government_id.drivers_license_number",
            r"driv(?:er'?s|ing) licen[cs]e|\bSIM\b|surat izin mengemudi",
        ),
        ("user.location.precise", r"\bGPS\b|precise location|geolocation|geolokasi|lokasi (?:tepat|akurat)"),
        ("user.location", r"\blocation\b|\blokasi\b"),
        ("user.device.ip_address", r"\bIP address|alamat IP"),
        ("user.device.device_id", r"device (?:id|identifier)|\bIMEI\b|advertising (?:id|identifier)"),
        ("user.device", r"device information|browser type|informasi perangkat|jenis peramban"),
        ("user.device.cookie_id", r"\bcookies?\b"),
        (
            "user.behavior.browsing_history",
            r"browsing|pages? (?:you )?visit|how you (?:interact|use)|usage (?:data|information)|"
            r"riwayat (?:penelusuran|penjelajahan)|halaman yang (?:anda )?kunjungi",
        ),
        (
            "user.behavior.purchase_history",
            r"purchase|order history|transaction (?:history|data|information|record)|riwayat (?:pembelian|transaksi)",
        ),
        ("user.behavior.search_history", r"search (?:history|quer)|riwayat pencarian"),
        (
            "user.account",
            r"account (?:information|details|data)|registration (?:information|data)|data akun|informasi akun",
        ),
        ("user.account.username", r"user ?name|nama pengguna"),
        ("user.authorization.password", r"password|kata sandi"),
        (
            "user.communication",
            r"messages? you send|content of (?:the )?messages|correspondence|\bpesan\b|korespondensi",
        ),
        ("user.content", r"(?:data|content|files?) you (?:upload|post|share)|konten yang anda|unggahan"),
        ("user.content.self_image", r"\bphoto|\bfoto\b|\bCCTV\b|video (?:recording|surveillance)|rekaman video"),
        (
            "user.employment",
            r"employment (?:history|information|data)|employee (?:personal )?(?:information|data)|riwayat pekerjaan|data (?:kepegawaian|karyawan)",
        ),
        ("user.contact", r"contact (?:data|details|information)|data kontak|informasi kontak"),
        ("user.children", r"children'?s (?:data|information)|data (?:pribadi )?anak"),
    ]
)

SUBJECTS = _lex(
    [
        ("customer", r"\bcustomers?\b|\bclients?\b|\busers?\b|pelanggan|konsumen|nasabah|pengguna|anggota"),
        ("visitor", r"\bvisitors?\b|\bwebsites?\b|pengunjung|situs web|laman"),
        ("employee", r"\bemployees?\b|\bstaff\b|karyawan|pegawai"),
        ("job_applicant", r"applicants?\b|candidates?\b|job application|pelamar|kandidat"),
        ("child", r"\bchild(?:ren)?\b|\bminors?\b|\banak\b|di bawah umur"),
        ("patient", r"\bpatients?\b|\bpasien\b"),
        ("healthcare_professional", r"\bdoctors?\b|physician|dokter|tenaga (?:kesehatan|medis)"),
        ("supplier_contact", r"\bsuppliers?\b|\bvendors?\b|pemasok"),
        ("business_partner", r"business partners?|mitra (?:bisnis|usaha)"),
        ("prospect", r"\bprospect|potential customers?|calon pelanggan"),
        ("tenant", r"\btenants?\b|\bresidents?\b|penyewa|penghuni"),
    ]
)

USES = _lex(
    [
        ("employment.recruitment", r"recruit|job application|rekrutmen|lamaran kerja"),
        ("employment.payroll", r"payroll|penggajian"),
        ("marketing.advertising", r"advertis|\biklan|periklanan"),
        ("marketing.communications", r"marketing|promotion|newsletter|pemasaran|promosi|penawaran"),
        (
            "essential.legal_obligation",
            r"comply with|legal (?:obligation|requirement)|required by law|kewajiban hukum|peraturan perundang",
        ),
        ("essential.service.security", r"security|fraud|keamanan|penipuan|kecurangan"),
        ("essential.service.payment_processing", r"payment|billing|invoice|pembayaran|tagihan"),
        ("personalize", r"personali[sz]|customi[sz]ed|tailor|personalisasi|menyesuaikan"),
        ("analytics.reporting", r"analy[sz]|statistic|research|market share|analisis|statistik|riset"),
        (
            "essential.service.upgrades",
            r"improv|develop(?:ing)? (?:new |our )?(?:products|services)|meningkatkan|mengembangkan",
        ),
        (
            "essential.service.authentication",
            r"creat(?:e|ing) (?:an |your )?account|log ?in|verify your identity|membuat akun|verifikasi identitas",
        ),
    ]
)
DEFAULT_USE = "essential.service"

BASES = _lex(
    [
        ("explicit_consent", r"explicit consent|persetujuan (?:yang )?(?:sah secara )?(?:tegas|eksplisit)"),
        (
            "consent",
            r"(?:with|based on|upon) (?:your )?(?:prior )?consent|your consent|persetujuan anda|atas persetujuan",
        ),
        (
            "contract",
            r"(?:fulfil+|perform(?:ance)?|execution) (?:of )?(?:the |a |our )?contract|our contract|pemenuhan (?:kewajiban )?perjanjian|perjanjian dengan anda",
        ),
        (
            "legal_obligation",
            r"legal obligation|required by law|comply with (?:applicable |the )?(?:laws?|legal)|kewajiban hukum",
        ),
        ("legitimate_interest", r"legitimate interest|kepentingan (?:yang )?sah"),
        ("vital_interest", r"vital interest|kepentingan vital"),
        ("public_task", r"public (?:interest|task)|kepentingan umum|pelayanan publik"),
    ]
)

RIGHTS = _lex(
    [
        (
            "information",
            r"right (?:to (?:be )?|of )inform|right to information|hak (?:untuk )?(?:mendapatkan |memperoleh )?informasi",
        ),
        (
            "access",
            r"right (?:of |to )access|access (?:to )?(?:your|the) (?:personal )?(?:data|information)|\bhak akses|mengakses|salinan data",
        ),
        ("rectification", r"rectif|\bcorrection\b|right to correct|memperbaiki|memperbarui|melengkapi|pembetulan"),
        ("erasure", r"erasure|\bdelet(?:e|ion)\b|right to be forgotten|menghapus|penghapusan|pemusnahan"),
        ("restriction", r"restrict|limitation of processing|menunda|membatasi|pembatasan"),
        ("portability", r"portab|transferability|interoperab|memindahkan data"),
        ("objection", r"right (?:of |to )object|\bobjection\b|\bto object\b|keberatan"),
        ("withdraw_consent", r"withdraw|revoke|revocation|menarik (?:kembali )?persetujuan|pencabutan persetujuan"),
        ("automated_decision_review", r"automated (?:individual )?decision|pemrosesan (?:secara )?otomatis"),
        ("complaint", r"complain|lodge|supervisory authorit|data protection authorit|pengaduan|mengadu"),
        ("compensation", r"compensation|damages|ganti rugi|menggugat"),
    ]
)

RECIPIENT_KINDS = _lex(
    [
        ("cloud_hosting", r"cloud|hosting|data cent(?:er|re)|pusat data|komputasi awan"),
        ("payment", r"payment (?:provider|processor|gateway|service)|penyedia (?:jasa )?pembayaran|\bbanks?\b"),
        ("logistics", r"logistic|shipping|courier|\bkurir|ekspedisi|jasa pengiriman"),
        ("tax_authority", r"tax (?:office|authorit)|direktorat jenderal pajak|kantor pajak"),
        ("social_security", r"\bBPJS\b|jamsostek|social security"),
        ("labour_authority", r"ministry of manpower|\bMoMP\b|kemnaker|disnaker|labou?r (?:office|authorit|ministry)"),
        (
            "law_enforcement",
            r"law enforcement|government|authorit|\bcourts?\b|police|regulator|penegak hukum|pemerintah|instansi|kepolisian|pengadilan",
        ),
        ("affiliate", r"affiliat|subsidiar|group compan|afiliasi|anak perusahaan"),
        ("acquirer", r"merger|acquisition|restructur|bankruptcy|liquidation|penggabungan|pengambilalihan|akuisisi"),
        ("marketing", r"advertis|ad networks?|marketing (?:agenc|partner|service provider)|periklanan"),
        ("social_media", r"social (?:media|network)|media sosial|facebook|instagram|linkedin"),
        ("analytics", r"analytics (?:provider|service)|google analytics|analitik"),
        ("professional_advisor", r"auditor|lawyer|legal advis|accountant|konsultan hukum|penasihat"),
        (
            "it_services",
            r"\bIT (?:service|provider)|software (?:provider|vendor)|technology (?:provider|partner)|penyedia (?:teknologi|TI)\b",
        ),
        (
            "service_provider",
            r"service providers?|vendors?|contractors?|penyedia (?:jasa|layanan)|pihak ketiga yang kami tunjuk",
        ),
        ("business_partner", r"\bpartners?\b|\bmitra\b"),
    ]
)
KIND_ROLES = {
    "law_enforcement": "authority",
    "tax_authority": "authority",
    "social_security": "authority",
    "labour_authority": "authority",
    "affiliate": "affiliate",
    "acquirer": "independent_controller",
    "social_media": "independent_controller",
    "professional_advisor": "independent_controller",
    "business_partner": "independent_controller",
}
KIND_NAMES = {
    "cloud_hosting": "Cloud hosting providers",
    "payment": "Payment providers and banks",
    "logistics": "Logistics and delivery providers",
    "tax_authority": "Tax authority",
    "social_security": "Social security agency (BPJS)",
    "labour_authority": "Labour authority",
    "law_enforcement": "Law enforcement and government authorities",
    "affiliate": "Affiliated companies",
    "acquirer": "Parties to a merger, acquisition or restructuring",
    "marketing": "Marketing and advertising partners",
    "social_media": "Social media platforms",
    "analytics": "Analytics providers",
    "professional_advisor": "Professional advisers and auditors",
    "it_services": "IT service providers",
    "service_provider": "Service providers",
    "business_partner": "Business partners",
}
NAMED_RECIPIENTS = _lex(
    [
        (
            "cloud_hosting",
            r"Amazon Web Services|\bAWS\b|Google Cloud|Microsoft Azure|Alibaba Cloud|Huawei Cloud|Biznet Gio",
        ),
        ("payment", r"\bMidtrans\b|\bXendit\b|\bDOKU\b|\bStripe\b|\bPayPal\b|\bGoPay\b|\bOVO\b|\bShopeePay\b"),
        ("analytics", r"Google Analytics|\bMixpanel\b|\bAmplitude\b|\bHotjar\b"),
        ("logistics", r"\bJNE\b|\bJ&T\b|\bSiCepat\b|Pos Indonesia|\bGoSend\b"),
        ("law_enforcement", r"Kementerian \w+|\bOJK\b|Otoritas Jasa Keuangan"),
        ("tax_authority", r"Direktorat Jenderal Pajak|\bDJP\b"),
    ]
)

COUNTRIES = _lex(
    [
        ("SG", r"\bSingapor|\bSingapura"),
        ("US", r"United States|\bU\.?S\.?A?\b|Amerika Serikat"),
        ("JP", r"\bJapan|\bJepang"),
        ("DE", r"\bGermany|\bJerman\b"),
        ("NL", r"Netherlands|\bBelanda\b"),
        ("IE", r"\bIreland|\bIrlandia"),
        ("AU", r"\bAustralia"),
        ("MY", r"\bMalaysia"),
        ("CN", r"\bChina\b|\bTiongkok"),
        ("IN", r"\bIndia\b"),
        ("HK", r"Hong Kong"),
        ("GB", r"United Kingdom|Britania Raya"),
        ("KR", r"South Korea|Korea Selatan"),
    ]
)
ABROAD = re.compile(
    r"outside (?:of )?(?:Indonesia|your country|the country)|other countries|abroad|cross-border|"
    r"international(?:ly)? transfer|luar (?:negeri|wilayah)|negara lain|lintas batas|"
    r"third[- ](?:party )?countr|international organi[sz]ation|negara ketiga",
    re.IGNORECASE,
)
SAFEGUARDS = _lex(
    [
        ("standard_contractual_clauses", r"standard contractual clauses|klausul kontrak standar|\bSCCs?\b"),
        ("binding_corporate_rules", r"binding corporate rules|aturan korporasi yang mengikat"),
        ("adequacy", r"adequacy decision|equivalent level of protection|tingkat pelindungan (?:yang )?setara"),
        ("consent", r"with your (?:explicit )?consent|dengan persetujuan anda"),
    ]
)

POLICY_CUES = _lex(
    [
        ("personal_data", r"personal (?:data|information)|data pribadi|informasi pribadi"),
        ("privacy", r"privacy|privasi"),
        ("collect", r"\bcollect|mengumpulkan|pengumpulan|memperoleh"),
        ("process", r"\bprocess(?:ing)?\b|pemrosesan|memproses|pengolahan"),
        ("rights", r"your rights|hak anda|hak subjek"),
        ("consent", r"consent|persetujuan"),
        ("share", r"\bshare|disclos|third part|pihak ketiga|mengungkapkan|membagikan"),
        ("cookies", r"cookie"),
        ("retention", r"\bretain|retention|penyimpanan|menyimpan"),
        ("contact", r"contact us|hubungi kami"),
        ("purpose", r"purposes?\b|tujuan"),
    ]
)
