"""Deterministic labelled corpus for the discovery benchmark and tests.

Every document is assembled from pieces, so gold spans are exact by construction: a piece is either
plain text or an entity with its taxonomy label. Hard negatives (order numbers, invoices, timestamps,
product codes, NIK-shaped numbers with impossible dates) are plain text and must not be reported.
The same seed always gives the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from faker import Faker

from jaga.discover import _model as m
from jaga.discover._checks import card_ok, luhn_ok, provinces

Span = tuple[int, int, str]


@dataclass
class Doc:
    """One labelled text: ``spans`` are ``(start, end, category)`` over ``text``."""

    kind: str
    text: str = ""
    spans: list[Span] = field(default_factory=list)

    def say(self, *pieces: str | tuple[str, str]) -> Doc:
        """Append plain strings and ``(value, category)`` entities."""
        for piece in pieces:
            if isinstance(piece, tuple):
                value, label = piece
                self.spans.append((len(self.text), len(self.text) + len(value), label))
                self.text += value
            else:
                self.text += piece
        return self


class Gen:
    """Entity values with valid structure, drawn from one seeded random source."""

    HEALTH = (
        "diabetes",
        "hipertensi",
        "asma",
        "TBC",
        "kanker payudara",
        "stroke",
        "depresi",
        "hepatitis B",
        "gagal ginjal",
        "demam berdarah",
        "asthma",
        "hypertension",
        "cancer",
        "epilepsy",
        "kidney failure",
    )
    BANKS: ClassVar[dict[str, int]] = {"BCA": 10, "Mandiri": 13, "BRI": 15, "BNI": 10, "BSI": 10, "CIMB Niaga": 13}
    MOBILE = (
        "811",
        "812",
        "813",
        "821",
        "822",
        "852",
        "853",
        "857",
        "858",
        "877",
        "878",
        "881",
        "895",
        "896",
        "838",
        "831",
    )

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.fake_en = Faker("en_US")
        self.fake_en.seed_instance(seed + 1)
        self.provs = list(provinces().values())

    def digits(self, n: int) -> str:
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def _region(self) -> str:
        p = self.r.choice(self.provs)
        kota = p.max_kota >= 71 and self.r.random() < 0.3
        reg = self.r.randint(71, p.max_kota) if kota else self.r.randint(1, p.max_kabupaten)
        return f"{p.code:02d}{reg:02d}{self.r.randint(1, 30):02d}"

    def nik(self, *, valid_date: bool = True) -> str:
        day, month = self.r.randint(1, 28), self.r.randint(1, 12)
        if self.r.random() < 0.5:
            day += 40
        if not valid_date:
            day, month = self.r.choice([(self.r.randint(32, 40), month), (day, self.r.randint(13, 99))])
        return f"{self._region()}{day:02d}{month:02d}{self.r.randint(0, 99):02d}{self.r.randint(1, 9999):04d}"

    def kk(self) -> str:
        issued = f"{self.r.randint(1, 28):02d}{self.r.randint(1, 12):02d}{self.r.randint(5, 24):02d}"
        return f"{self._region()}{issued}{self.r.randint(1, 9999):04d}"

    def npwp(self) -> str:
        head = f"{self.r.choice(['01', '02', '08', '09', '15', '24', '47', '54', '72', '84'])}{self.digits(6)}"
        check = next(str(c) for c in range(10) if luhn_ok(head + str(c)))
        d = head + check + self.digits(3) + "000"
        if self.r.random() < 0.7:
            return f"{d[:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:]}"
        return d

    def phone(self) -> str:
        if self.r.random() < 0.15:
            area, local = self.r.choice([("21", 8), ("22", 7), ("31", 7), ("274", 6), ("61", 7)])
            n = str(self.r.randint(2, 8)) + self.digits(local - 1)
            return self.r.choice([f"(0{area}) {n}", f"0{area}-{n}", f"+62 {area} {n}"])
        p, rest = self.r.choice(self.MOBILE), self.digits(self.r.choice([7, 8]))
        return self.r.choice(
            [
                f"08{p[1:]}{rest}",
                f"0{p}-{rest[:4]}-{rest[4:]}",
                f"+62{p}{rest}",
                f"+62 {p}-{rest[:4]}-{rest[4:]}",
                f"62{p}{rest}",
                f"0{p} {rest[:4]} {rest[4:]}",
            ]
        )

    def card(self) -> str:
        number = ""
        while not card_ok(number):  # Faker's JCB prefix 35 is wider than the real IIN range 3528-3589
            number = self.fake_en.credit_card_number(card_type=self.r.choice(["visa16", "mastercard", "amex", "jcb"]))
        if len(number) == 16 and self.r.random() < 0.5:
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))
        return number

    def phone_shaped_code(self) -> str:
        """An activation code shaped like a mobile number, which is not one."""
        return f"08{self.r.choice(self.MOBILE)[1:]}-{self.digits(4)}-{self.digits(4)}"

    def bank(self) -> tuple[str, str]:
        name, length = self.r.choice(list(self.BANKS.items()))
        return name, str(self.r.randint(1, 9)) + self.digits(length - 1)

    def dob(self) -> str:
        d = self.fake.date_of_birth(minimum_age=18, maximum_age=80)
        months = [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ]
        return self.r.choice(
            [d.strftime("%d-%m-%Y"), d.strftime("%d/%m/%Y"), d.isoformat(), f"{d.day} {months[d.month - 1]} {d.year}"]
        )

    def name(self) -> str:
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def address(self) -> str:
        return str(self.fake.address()).replace("\n", ", ")

    def salary(self) -> str:
        amount = self.r.randint(30, 400) * 100_000
        return self.r.choice([f"Rp {amount:,}".replace(",", "."), f"Rp{amount:,}".replace(",", "."), f"IDR {amount:,}"])

    def hard_negative(self) -> str:
        """A number that looks like an identifier but is not one."""
        kind = self.r.randrange(8)
        if kind == 0:
            return f"nomor pesanan {self.digits(16)}"
        if kind == 1:
            return f"invoice INV/{self.r.randint(2019, 2025)}/{self.r.randint(1, 12):02d}/{self.digits(5)}"
        if kind == 2:
            day = f"{self.r.randint(2019, 2025)}{self.r.randint(1, 12):02d}{self.r.randint(1, 28):02d}"
            return f"timestamp {day}{self.digits(6)}"
        if kind == 3:
            return f"kode produk SKU-{self.digits(4)}-{self.digits(4)}"
        if kind == 4:
            return f"order {self.nik(valid_date=False)}"
        if kind == 5:
            return f"resi JNE {self.digits(12)}"
        if kind == 6:
            return f"epoch {self.r.randint(1_500_000_000, 1_800_000_000)}"
        return f"barcode {self.digits(13)}"


def _document(g: Gen, i: int) -> Doc:
    """One document; the template rotates so each entity appears in several phrasings.

    The last three templates are the hard ones: identifier-shaped numbers that are not personal data
    and carry no telling context word, personal data with no cue word, and unusual formats. They are
    there so the F1 figure is not flattered by a corpus built from the detectors' own phrasings.
    """
    r = g.r
    t = i % 17
    if t == 14:
        return Doc("note").say(
            f"Nomor kontrak {g.nik()} berlaku sampai {r.randint(1, 28)} Desember {r.randint(2025, 2030)}. ",
            f"Kode aktivasi {g.phone_shaped_code()}, seri {g.digits(13)}.",
        )
    if t == 15:
        return Doc("ticket").say(
            (g.name(), m.NAME),
            " minta invoice dikirim ulang ke ",
            (g.fake.email().upper() if r.random() < 0.3 else g.fake.email(), m.EMAIL),
            ", bisa dihubungi di ",
            (g.phone(), m.PHONE),
            ".",
        )
    if t == 16:
        nik = g.nik()
        grouped = " ".join(nik[k : k + 4] for k in range(0, 16, 4))
        card = g.card().replace(" ", "")
        return Doc("form").say(
            "No. KTP ",
            (grouped, m.NIK),
            "; kartu ",
            ("-".join(card[k : k + 4] for k in range(0, len(card), 4)) if len(card) == 16 else card, m.CARD),
            "; tel. ",
            (g.phone().replace("-", "."), m.PHONE),
        )
    if t == 0:
        return Doc("ticket").say(
            "Halo admin, nama saya ",
            (g.name(), m.NAME),
            ". NIK saya ",
            (g.nik(), m.NIK),
            " dan nomor HP ",
            (g.phone(), m.PHONE),
            ". Mohon dibantu verifikasi akun.",
        )
    if t == 1:
        return Doc("ticket").say(
            "Hi, my email is ",
            (g.fake.email(), m.EMAIL),
            " and my phone is ",
            (g.phone(), m.PHONE),
            ". I was charged twice, ",
            g.hard_negative(),
            ".",
        )
    if t == 2:
        bank, acct = g.bank()
        return Doc("chat").say(
            f"tolong refund ke rek {bank} ",
            (acct, m.BANK),
            " a.n. ",
            (g.name(), m.NAME),
            " ya kak, ",
            g.hard_negative(),
        )
    if t == 3:
        return Doc("form").say("Alamat: ", (g.address(), m.ADDRESS), ". Tgl lahir: ", (g.dob(), m.DOB), ".")
    if t == 4:
        return Doc("ticket").say(
            "NPWP perusahaan kami ", (g.npwp(), m.NPWP), ", tolong cek faktur pajak. ", g.hard_negative(), "."
        )
    if t == 5:
        kes = "000" + g.digits(10)
        return Doc("hr").say(
            "No BPJS Kesehatan: ",
            (kes, m.BPJS_KES),
            ", BPJS Ketenagakerjaan: ",
            (g.digits(11), m.BPJS_TK),
            ". Gaji pokok ",
            (g.salary(), m.SALARY),
            " per bulan.",
        )
    if t == 6:
        return Doc("ticket").say(
            "Pembayaran dengan kartu kredit ",
            (g.card(), m.CARD),
            " gagal, ",
            g.hard_negative(),
            ". Login dari IP ",
            (g.fake.ipv4_public(), m.IP),
            ".",
        )
    if t == 7:
        return Doc("chat").say(
            "Pasien ",
            (g.name(), m.NAME) if r.random() < 0.5 else "tersebut",
            " punya riwayat ",
            (r.choice(g.HEALTH), m.HEALTH),
            ", kontrol rutin tiap bulan.",
        )
    if t == 8:
        return Doc("form").say(
            "Paspor ",
            (f"{r.choice('ABCX')}{g.digits(7)}", m.PASSPORT),
            ", SIM ",
            (str(r.randint(1, 9)) + g.digits(11), m.SIM),
            ", KK ",
            (g.kk(), m.KK),
            ".",
        )
    if t == 9:
        return Doc("ticket").say(
            "Dear support, I am ",
            (g.fake_en.name(), m.NAME) if r.random() < 0.3 else "a customer",
            ", born on ",
            (g.dob(), m.DOB),
            ". Please update my address to ",
            (g.address(), m.ADDRESS),
            ". Ref ",
            g.hard_negative(),
            ".",
        )
    if t == 10:
        return Doc("chat").say(
            "wa aku di ", (g.phone(), m.PHONE), " atau email ", (g.fake.email(), m.EMAIL), " aja, ", g.hard_negative()
        )
    if t == 11:
        return Doc("ticket").say(
            "Transfer via IBAN ",
            (g.fake_en.iban(), m.BANK),
            " from server ",
            (g.fake.ipv6(), m.IP),
            " failed at ",
            g.hard_negative(),
            ".",
        )
    if t == 12:
        return Doc("note").say(
            "Rapat tim jam 10:30 membahas rilis versi 2.4.1, target 1500 pengguna baru dan ",
            g.hard_negative(),
            ". Tidak ada data pribadi di catatan ini.",
        )
    return Doc("form").say(
        "KTP: ",
        (g.nik(), m.NIK),
        " | Nama: ",
        (g.name(), m.NAME),
        " | Email: ",
        (g.fake.email(), m.EMAIL),
        " | Telp: ",
        (g.phone(), m.PHONE),
    )


def corpus(n: int = 2000, seed: int = 20240501) -> list[Doc]:
    """``n`` labelled documents, identical for identical arguments."""
    g = Gen(seed)
    return [_document(g, i) for i in range(n)]


ColumnMaker = Callable[[Gen], object]

TABLES: dict[str, dict[str, tuple[str | None, ColumnMaker]]] = {
    "pelanggan": {
        "id": (None, lambda g: g.r.randint(1, 10**6)),
        "nama": (m.NAME, lambda g: g.name()),
        "no_ktp": (m.NIK, lambda g: g.nik()),
        "tgl_lahir": (m.DOB, lambda g: g.fake.date_of_birth(minimum_age=18, maximum_age=80).isoformat()),
        "no_hp": (m.PHONE, lambda g: g.phone()),
        "email": (m.EMAIL, lambda g: g.fake.email()),
        "alamat": (m.ADDRESS, lambda g: g.address()),
        "no_pesanan": (None, lambda g: g.digits(16)),
    },
    "karyawan": {
        "nik": (m.NIK, lambda g: g.nik()),
        "npwp": (m.NPWP, lambda g: g.npwp()),
        "gaji": (m.SALARY, lambda g: g.r.randint(30, 400) * 100_000),
        "no_rekening": (m.BANK, lambda g: g.bank()[1]),
        "bpjs_kes": (m.BPJS_KES, lambda g: "000" + g.digits(10)),
        "kode_cabang": (None, lambda g: f"CBG-{g.digits(3)}"),
        "created_at": (None, lambda g: g.fake.date_time_this_decade().isoformat()),
    },
}


def table_rows(table: str, n: int, seed: int = 7) -> tuple[list[str], list[tuple[object, ...]]]:
    """``n`` rows of a fixture table with realistic Indonesian values."""
    g = Gen(seed)
    spec = TABLES[table]
    return list(spec), [tuple(make(g) for _, make in spec.values()) for _ in range(n)]
