"""Structurally valid Indonesian identifiers (NIK, KK, NPWP, BPJS, phone numbers) from a seeded RNG.

Everything here is a pure function of the ``random.Random`` it is handed, so the generator stays
deterministic. The NIK layout is ``PPRRDD`` (province, regency, district) + ``DDMMYY`` (birth date,
+40 on the day for women) + a four-digit serial that is never ``0000``.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Final

# (city, province, province code, kota regency code, weight ~ population share)
CITIES: Final[tuple[tuple[str, str, int, int, int], ...]] = (
    ("Jakarta Selatan", "DKI Jakarta", 31, 74, 9),
    ("Jakarta Timur", "DKI Jakarta", 31, 75, 9),
    ("Jakarta Barat", "DKI Jakarta", 31, 73, 8),
    ("Jakarta Utara", "DKI Jakarta", 31, 72, 6),
    ("Jakarta Pusat", "DKI Jakarta", 31, 71, 4),
    ("Bandung", "Jawa Barat", 32, 73, 8),
    ("Bekasi", "Jawa Barat", 32, 75, 8),
    ("Depok", "Jawa Barat", 32, 76, 6),
    ("Bogor", "Jawa Barat", 32, 71, 5),
    ("Tangerang", "Banten", 36, 71, 7),
    ("Tangerang Selatan", "Banten", 36, 74, 5),
    ("Surabaya", "Jawa Timur", 35, 78, 9),
    ("Malang", "Jawa Timur", 35, 73, 4),
    ("Semarang", "Jawa Tengah", 33, 74, 5),
    ("Surakarta", "Jawa Tengah", 33, 72, 3),
    ("Yogyakarta", "DI Yogyakarta", 34, 71, 3),
    ("Medan", "Sumatera Utara", 12, 71, 7),
    ("Palembang", "Sumatera Selatan", 16, 71, 4),
    ("Padang", "Sumatera Barat", 13, 71, 3),
    ("Pekanbaru", "Riau", 14, 71, 3),
    ("Batam", "Kepulauan Riau", 21, 71, 3),
    ("Bandar Lampung", "Lampung", 18, 71, 3),
    ("Jambi", "Jambi", 15, 71, 2),
    ("Banda Aceh", "Aceh", 11, 71, 1),
    ("Denpasar", "Bali", 51, 71, 3),
    ("Mataram", "Nusa Tenggara Barat", 52, 71, 1),
    ("Kupang", "Nusa Tenggara Timur", 53, 71, 1),
    ("Pontianak", "Kalimantan Barat", 61, 71, 2),
    ("Banjarmasin", "Kalimantan Selatan", 63, 71, 2),
    ("Balikpapan", "Kalimantan Timur", 64, 71, 2),
    ("Samarinda", "Kalimantan Timur", 64, 72, 2),
    ("Makassar", "Sulawesi Selatan", 73, 71, 5),
    ("Manado", "Sulawesi Utara", 71, 71, 2),
    ("Ambon", "Maluku", 81, 71, 1),
    ("Jayapura", "Papua", 91, 71, 1),
)

# Province code -> number of kabupaten (regency codes 01..n), from Kemendagri.
KABUPATEN: Final[dict[int, int]] = {
    11: 18, 12: 25, 13: 12, 14: 10, 15: 9, 16: 13, 18: 13, 21: 5, 31: 1, 32: 18, 33: 29, 34: 4,
    35: 29, 36: 4, 51: 8, 52: 8, 53: 21, 61: 12, 63: 11, 64: 7, 71: 11, 73: 24, 81: 9, 91: 9,
}  # fmt: skip

BANKS: Final[tuple[str, ...]] = (
    "Bank Central Asia", "Bank Mandiri", "Bank Rakyat Indonesia", "Bank Negara Indonesia",
    "Bank CIMB Niaga", "Bank Syariah Indonesia", "Bank Danamon", "Bank Permata",
)  # fmt: skip
# Account-number lengths used by each bank above (BCA 10, Mandiri 13, BRI 15, BNI 10, ...).
BANK_DIGITS: Final[tuple[int, ...]] = (10, 13, 15, 10, 14, 10, 10, 10)

_MOBILE_PREFIXES: Final[tuple[str, ...]] = (
    "811", "812", "813", "821", "822", "852", "853", "814", "815", "816", "855", "856", "857",
    "858", "817", "818", "819", "859", "877", "878", "881", "882", "887", "888", "895", "896",
)  # fmt: skip


_IP_FIRST: Final[tuple[int, ...]] = (36, 103, 110, 114, 118, 125, 139, 180, 182, 202)


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10**n)).zfill(n)


def region(rng: random.Random, city: int) -> str:
    """``PPRRDD`` for someone living in ``CITIES[city]``: mostly the kota itself, else a kabupaten."""
    _, _, province, kota, _ = CITIES[city]
    regency = kota if rng.random() < 0.7 else 1 + int(rng.random() * KABUPATEN[province])
    district = 1 + int(rng.random() * 20)
    return f"{province:02d}{regency:02d}{district:02d}"


def nik(rng: random.Random, city: int, born: date, female: bool) -> str:
    """A structurally valid 16-digit NIK (not guaranteed unique: the caller keeps a set)."""
    day = born.day + 40 if female else born.day
    serial = 1 + int(rng.random() * 9999)
    return f"{region(rng, city)}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def kk(rng: random.Random, city: int, issued: date) -> str:
    """A 16-digit family-card (Kartu Keluarga) number: region, issue date DDMMYY, serial."""
    serial = 1 + int(rng.random() * 9999)
    return f"{region(rng, city)}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"


def _luhn_digit(payload: str) -> int:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return (10 - total % 10) % 10


def npwp15(rng: random.Random) -> str:
    """A 15-digit NPWP in its printed form ``XX.XXX.XXX.X-XXX.XXX`` (9th digit is a Luhn check)."""
    head = str(1 + int(rng.random() * 98)).zfill(2) + _digits(rng, 6)
    body = head + str(_luhn_digit(head)) + _digits(rng, 3) + "000"
    return f"{body[0:2]}.{body[2:5]}.{body[5:8]}.{body[8]}-{body[9:12]}.{body[12:15]}"


def npwp(rng: random.Random, nik_digits: str) -> str:
    """An NPWP in one of the forms found in real systems.

    Since 2024 a resident individual's NPWP is their NIK (16 digits); older records keep the
    15-digit form, printed or as bare digits, or the 16-digit ``0`` + 15-digit form.
    """
    roll = rng.random()
    if roll < 0.35:
        return nik_digits
    printed = npwp15(rng)
    if roll < 0.7:
        return printed
    bare = printed.replace(".", "").replace("-", "")
    return bare if roll < 0.85 else "0" + bare


def bpjs_kesehatan(rng: random.Random) -> str:
    """A 13-digit JKN-KIS card number (they start with ``000``)."""
    return "000" + _digits(rng, 10)


def bpjs_ketenagakerjaan(rng: random.Random) -> str:
    """An 11-digit BPJS Ketenagakerjaan (KPJ) membership number."""
    return str(1 + int(rng.random() * 9)) + _digits(rng, 10)


def phone(rng: random.Random) -> str:
    """An Indonesian mobile number in E.164: ``+628`` + operator prefix + 7–8 digits."""
    prefix = _MOBILE_PREFIXES[int(rng.random() * len(_MOBILE_PREFIXES))]
    return "+62" + prefix + _digits(rng, 7 + int(rng.random() * 2))


def bank_account(rng: random.Random) -> tuple[str, str]:
    """``(bank name, account number)`` with the account length that bank uses."""
    i = int(rng.random() * len(BANKS))
    return BANKS[i], str(1 + int(rng.random() * 9)) + _digits(rng, BANK_DIGITS[i] - 1)


def ipv4(rng: random.Random) -> str:
    """A public-looking IPv4 address (Indonesian ISPs' ranges are not needed for a sample)."""
    first = _IP_FIRST[int(rng.random() * len(_IP_FIRST))]
    return f"{first}.{int(rng.random() * 256)}.{int(rng.random() * 256)}.{1 + int(rng.random() * 254)}"
