"""The column classifier: a column's name and a sample of its values vote on its data category.

Neither alone is enough. ``nik`` in a payroll table is often the employee number (nomor induk
karyawan), and a column called ``kode`` may hold phone numbers; 13-digit values mean nothing until the
name says ``bpjs``. So the name supplies a prior and a context cue for the detectors, the values
supply a hit rate, and the two are combined into one confidence a reviewer can sort by.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from jaga.discover import _model as m
from jaga.discover._context import Cue
from jaga.discover._model import ColumnProposal
from jaga.discover._text import Scanner

_RULES: dict[str, tuple[str, float]] = {}
for _cat, _score, _names in (
    (m.NIK, 0.8, "nik"),
    (m.NIK, 0.92, "ktp no_ktp nomor_ktp nik_ktp noktp national_id nomor_induk_kependudukan e_ktp ektp"),
    (m.KK, 0.9, "kk no_kk nomor_kk kartu_keluarga family_card nokk"),
    (m.NPWP, 0.93, "npwp no_npwp nomor_npwp tax_id tin"),
    (m.BPJS_KES, 0.75, "bpjs no_bpjs nomor_bpjs"),
    (m.BPJS_KES, 0.9, "bpjs_kes bpjs_kesehatan jkn kis no_jkn askes"),
    (m.BPJS_TK, 0.9, "bpjs_tk bpjs_ketenagakerjaan jamsostek kpj bpjstk no_kpj"),
    (m.PASSPORT, 0.9, "paspor passport no_paspor passport_no passport_number nomor_paspor"),
    (m.SIM, 0.7, "sim"),
    (m.SIM, 0.88, "no_sim nomor_sim driving_license drivers_license driver_license license_number"),
    (
        m.PHONE,
        0.88,
        "hp no_hp nohp telp no_telp telepon phone mobile msisdn handphone ponsel whatsapp "
        "wa tlp phone_number nomor_hp tel telephone mobile_phone cell",
    ),
    (m.EMAIL, 0.92, "email e_mail surel mail email_address alamat_email"),
    (m.IP, 0.88, "ip ip_address ip_addr client_ip remote_addr ipaddress remote_ip last_ip"),
    (m.CARD, 0.88, "cc card_number no_kartu kartu_kredit credit_card pan cc_number nomor_kartu card_no"),
    (
        m.BANK,
        0.88,
        "rekening rek no_rek norek no_rekening bank_account account_number acct_no iban nomor_rekening account_no",
    ),
    (m.DOB, 0.92, "tgl_lahir tanggal_lahir dob birth_date date_of_birth birthday lahir birthdate ttl"),
    (
        m.NAME,
        0.85,
        "nama name nama_lengkap full_name first_name last_name nama_depan nama_belakang fullname firstname lastname "
        "account_holder holder_name card_holder cardholder nama_pemilik pemilik_rekening atas_nama nama_pemegang",
    ),
    (m.ADDRESS, 0.88, "alamat address addr street alamat_lengkap domisili street_address alamat_rumah"),
    # parts of an address, found by name only (a city's name is no identifier): see _GENERIC
    (m.CITY, 0.9, "city kota kabupaten kota_kabupaten regency kabupaten_kota town"),
    (m.STATE, 0.9, "province provinsi propinsi"),
    (m.POSTAL, 0.9, "kode_pos kodepos postal_code postcode zip zip_code zipcode"),
    (m.SALARY, 0.9, "gaji salary upah penghasilan income wage thp gaji_pokok take_home_pay pendapatan"),
    (
        m.HEALTH,
        0.88,
        "diagnosa diagnosis penyakit riwayat_penyakit medical kesehatan health alergi allergy "
        "golongan_darah blood_type disease kondisi_medis medical_condition medical_history "
        "rekam_medis",
    ),
):
    for _name in _names.split():
        _RULES[_name] = (_cat, _score)

# A name token next to one of these describes a thing, not a person ("nama_produk", "bank_name").
_VETO: Final = frozenset(
    [
        "produk",
        "product",
        "barang",
        "item",
        "toko",
        "store",
        "shop",
        "company",
        "perusahaan",
        "file",
        "kategori",
        "category",
        "bank",
        "kota",
        "city",
        "jalan",
        "host",
        "table",
        "tabel",
        "merchant",
        "brand",
        "merek",
        "vendor",
        "supplier",
        "project",
        "proyek",
        "sekolah",
        "school",
        "event",
        "kurir",
        "courier",
        "layanan",
        "service",
        "paket",
        "package",
        "card",
        "sim_card",
        "kartu_sim",
        "domain",
        "user",
        "server",
        "provinsi",
        "province",
        "negara",
        "country",
        "kecamatan",
        "kelurahan",
        "jabatan",
        "title",
    ]
)
_CUE_FOR: dict[str, Cue] = {
    m.NIK: Cue.NIK, m.KK: Cue.KK, m.NPWP: Cue.NPWP, m.BPJS_KES: Cue.BPJS_KES, m.BPJS_TK: Cue.BPJS_TK,
    m.PASSPORT: Cue.PASSPORT, m.SIM: Cue.SIM, m.PHONE: Cue.PHONE, m.CARD: Cue.CARD, m.BANK: Cue.ACCOUNT,
    m.IP: Cue.IP,
}  # fmt: skip
# Categories whose values have no checkable structure: the name proposes, the shape of values confirms.
_SHAPED: Final = frozenset({m.NAME, m.ADDRESS, m.DOB, m.SALARY, m.HEALTH, m.CITY, m.STATE, m.POSTAL})
# Categories whose bare column name (``name``, ``city``) is as common for things as for people: in a table
# of things (``marketing_lists.name``, ``branches.city``) they are not personal data.
_GENERIC: Final = frozenset({m.NAME, m.CITY, m.STATE, m.POSTAL})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NAME_SHAPE = re.compile(r"[A-Z][A-Za-z'’.\-]+(?:,? [A-Za-z][A-Za-z'’.\-]*){0,5}")
_PLACE_SHAPE = re.compile(r"[A-Za-z][A-Za-z .'’\-]{1,60}")
_POSTAL_SHAPE = re.compile(r"[0-9]{5}")
_ADDRESS_SHAPE = re.compile(
    r"(?i)(?<!\w)(?:jl|jln|jalan|gang|gg|rt|rw|kel|kec|kab|kota|no|blok|komplek|perum|street|st|road|rd|ave)\b"
)
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_AMOUNT_SHAPE = re.compile(r"(?i)(?:rp\.?|idr)?\s?\d[\d.,]*(?:,-)?")
_FREE_TEXT_LENGTH: Final = 60
_MAX_VALUE_CHARS: Final = 4000


def name_tokens(column: str) -> list[str]:
    """``noKTP``, ``No-KTP`` and ``NO_KTP`` all become ``['no', 'ktp']``."""
    return [t for t in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", column).lower()) if t]


# Tables whose rows are things, not people: their bare ``name`` column names a list, a product, a branch.
_THING_WORDS: Final = (
    "list lists product products produk item items barang category categories kategori tag tags group groups grup "
    "role roles peran department departments departemen divisi division branch branches cabang company companies "
    "perusahaan organization organisasi bank banks plan plans paket campaign campaigns kampanye channel channels "
    "city cities kota province provinsi country countries negara region wilayah status type types tipe jenis "
    "setting settings permission permissions project projects proyek course courses menu service services layanan "
    "store stores outlet outlets warehouse gudang brand brands merek file files document documents template "
    "templates segment segments"
)
_THINGS: Final = frozenset(_THING_WORDS.split())


def _names_things(table: str) -> bool:
    """Whether a table's name says its rows are things (``marketing_lists``, ``produk``), so that a column
    called just ``name`` there is not a person's name."""
    return bool(_THINGS.intersection(name_tokens(table)))


def name_rule(column: str) -> tuple[str | None, float]:
    """The category a column name suggests and how strongly; whole name first, then word pairs, then words."""
    tokens = name_tokens(column)
    if not tokens:
        return None, 0.0
    joined = "_".join(tokens)
    candidates = [joined]
    candidates += ["_".join(tokens[i : i + 2]) for i in range(len(tokens) - 1)]
    candidates += tokens
    for candidate in candidates:
        rule = _RULES.get(candidate)
        if rule is None:
            continue
        category, score = rule
        own = candidate.split("_")  # the rule's own words ("city", "kota") do not veto it
        if any(t in _VETO and t not in own for t in tokens) and not (category == m.PHONE and "user" in tokens):
            return None, 0.0
        return category, score if candidate == joined else score * 0.95
    return None, 0.0


class ColumnStats:
    """Streaming evidence about one column: constant memory however many rows are sampled."""

    __slots__ = (
        "column",
        "data_type",
        "hint",
        "hits",
        "name_category",
        "name_score",
        "nonnull",
        "presence",
        "primary_key",
        "sampled",
        "settle_after",
        "settled",
        "shape",
        "table",
        "text_chars",
    )

    def __init__(
        self,
        table: str,
        column: str,
        data_type: str = "string",
        primary_key: bool = False,
        settle_after: int | None = None,
    ) -> None:
        self.table = table
        self.settle_after = settle_after
        self.settled = False
        self.column = column
        self.data_type = data_type
        self.primary_key = primary_key
        self.name_category, self.name_score = name_rule(column)
        if self.name_category in _GENERIC and len(name_tokens(column)) == 1 and _names_things(table):
            self.name_category, self.name_score = None, 0.0
        self.hint = _CUE_FOR.get(self.name_category or "")
        self.sampled = 0
        self.nonnull = 0
        self.text_chars = 0
        self.hits: Counter[str] = Counter()  # values that ARE the identifier (it covers most of them)
        self.presence: Counter[str] = Counter()  # values that CONTAIN it (free text)
        self.shape = 0  # values shaped like the name-suggested category

    def add(self, value: object, scanner: Scanner) -> None:
        """Account for one sampled value."""
        self.sampled += 1
        if self.settled or value is None or isinstance(value, bytes | bytearray | memoryview):
            return
        self.nonnull += 1
        if self.settle_after is not None and self.nonnull >= self.settle_after and self.nonnull % 1000 == 0:
            self.settled = self._clear()
        if isinstance(value, dt.date):
            self.shape += self.name_category == m.DOB and 1920 <= value.year <= dt.date.today().year
            return
        if isinstance(value, bool):
            return
        if isinstance(value, int | float | Decimal):
            text = str(value)
            self.shape += self.name_category == m.SALARY
        else:
            text = str(value)[:_MAX_VALUE_CHARS]
            self.shape += self._shaped(text)
        stripped = text.strip()
        if not stripped:
            return
        self.text_chars += len(stripped)
        findings = scanner.scan_value(stripped, self.hint)
        if not findings:
            return
        covered: dict[str, int] = {}
        for f in findings:
            covered[f.category] = covered.get(f.category, 0) + f.end - f.start
        for category, chars in covered.items():
            self.presence[category] += 1
            if chars * 2 >= len(stripped):
                self.hits[category] += 1

    def _clear(self) -> bool:
        """Whether more values cannot change the verdict: the hit rate is far from every threshold.

        The classifier's thresholds sit at 20 % (free text) and 50 % (values), so once thousands of
        values put the rate below 10 % or above 90 % more values cannot move it across; a full scan
        of a huge table then stops running detectors on that column while still streaming every row.
        Shape rates only scale the confidence and are equally settled by then.
        """
        top = max(self.presence.values(), default=0) / self.nonnull
        return top <= 0.1 or top >= 0.9

    def _shaped(self, text: str) -> bool:
        category = self.name_category
        if category == m.NAME:
            return _NAME_SHAPE.fullmatch(text.strip()) is not None
        if category == m.ADDRESS:
            return len(_ADDRESS_SHAPE.findall(text)) >= 1 and any(ch.isdigit() for ch in text)
        if category == m.DOB:
            return _DATE_SHAPE.match(text.strip()) is not None
        if category == m.SALARY:
            return _AMOUNT_SHAPE.fullmatch(text.strip()) is not None
        if category == m.HEALTH:
            return any(ch.isalpha() for ch in text)
        if category in (m.CITY, m.STATE):
            return _PLACE_SHAPE.fullmatch(text.strip()) is not None
        if category == m.POSTAL:
            return _POSTAL_SHAPE.fullmatch(text.strip()) is not None
        return False

    def proposal(self, min_confidence: float = 0.4) -> ColumnProposal:
        """Combine name and values into categories and one confidence."""
        n_cat, n = self.name_category, self.name_score
        seen = self.nonnull
        value_cat: str | None = None
        v = 0.0
        if seen:
            value_cat, count = max(self.hits.items(), key=lambda kv: kv[1], default=(None, 0))
            v = count / seen
        emails, phones = self.hits[m.EMAIL], self.hits[m.PHONE]
        if seen and min(emails, phones) >= 0.2 * seen and emails + phones >= 0.5 * seen:
            # emails and phones mixed (``contacts.value``): contact data, whichever each row holds
            value_cat, v = m.CONTACT, (emails + phones) / seen
        extra: list[str] = []
        if seen and self.text_chars / seen >= _FREE_TEXT_LENGTH:
            # Free text (support tickets, notes): every category present in a fifth of the values counts.
            extra = [c for c, k in self.presence.most_common() if k / seen >= 0.2]
            if not value_cat or v < 0.5:
                value_cat = extra[0] if extra else None
                v = self.presence[value_cat] / seen if value_cat else 0.0
        confidence = 0.0
        category: str | None = None
        if n_cat and value_cat == n_cat:
            category, confidence = n_cat, 1 - (1 - n) * (1 - v)
        elif value_cat and v >= 0.5 and (not n_cat or v >= 0.6):
            category, confidence = value_cat, 0.5 + 0.45 * v
        elif n_cat:
            category = n_cat
            if not seen:
                confidence = n * 0.8
            elif n_cat in _SHAPED:
                confidence = n * (0.55 + 0.45 * self.shape / seen)
            else:
                confidence = n * (0.45 + 0.55 * self.hits[n_cat] / seen)
        if category is None or confidence < min_confidence:
            return ColumnProposal(
                self.table,
                self.column,
                (),
                round(confidence, 3),
                n,
                round(v, 3),
                self.sampled,
                self.data_type,
                self.primary_key,
            )
        categories = (category, *(c for c in extra if c != category))
        return ColumnProposal(
            self.table,
            self.column,
            categories,
            round(confidence, 3),
            n,
            round(v, 3),
            self.sampled,
            self.data_type,
            self.primary_key,
        )


def classify_column(
    column: str,
    values: Iterable[object],
    *,
    table: str = "",
    scanner: Scanner | None = None,
    min_confidence: float = 0.4,
) -> ColumnProposal:
    """Classify one column from its name and values (already sampled by the caller)."""
    stats = ColumnStats(table, column)
    scan = scanner or Scanner()
    for value in values:
        stats.add(value, scan)
    return stats.proposal(min_confidence)
