"""Checksums and structural validators for identifiers.

A regex only says "this looks like digits"; these checks are what lets the scanner tell a NIK from a
16-digit order number, so they are pure functions of the digit string, cheap enough to run on every
candidate, and exhaustively unit-tested.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import ascii_lowercase, ascii_uppercase

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class Province:
    """A Kemendagri province code and the highest regency codes it has ever issued.

    Regency codes are numbered ``01..max_kabupaten`` for kabupaten and ``71..max_kota`` for kota
    (0 = no kota). The maxima are deliberately lenient: NIKs keep the code of the province that
    issued them, so regencies that later moved province (Kaltim -> Kaltara, the Papua split) stay valid.
    """

    code: int
    name: str
    max_kabupaten: int
    max_kota: int

    def has_regency(self, regency: int) -> bool:
        """Whether ``regency`` (the two digits after the province) can exist in this province."""
        return 1 <= regency <= self.max_kabupaten or 71 <= regency <= self.max_kota


@cache
def provinces() -> dict[int, Province]:
    """The shipped province table, read once from ``data/regions.csv``."""
    text = resources.files("jaga.discover").joinpath("data/regions.csv").read_text(encoding="utf-8")
    table: dict[int, Province] = {}
    for row in csv.DictReader(text.splitlines()):
        code = int(row["code"])
        table[code] = Province(code, row["name"], int(row["max_kabupaten"]), int(row["max_kota"]))
    return table


# Each digit's byte doubled, the digits of the result summed: "7" -> 14 -> "5".
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_ok(digits: str) -> bool:
    """The Luhn mod-10 check used by payment cards and the NPWP check digit.

    The digits are summed as bytes, every second one from the right through a translation table
    that doubles it, so the whole check runs in C: it sits on the path of every 13-19 digit
    candidate in free text. ``bytes.translate`` reads a 256-byte table, where ``str.translate``
    looks every character up in a dict: the check takes a third of the instructions.
    """
    if not digits.isascii():
        return _luhn_slow(digits)
    raw = digits.encode()
    total = sum(raw[-1::-2]) + sum(raw[-2::-2].translate(_DOUBLED)) - 48 * len(raw)
    return total % 10 == 0


def _luhn_slow(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i & 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def plausible_date(day: int, month: int, year2: int | None = None) -> bool:
    """Day and month exist; 29 February is accepted only if some century makes ``year2`` a leap year."""
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return False
    if month == 2 and day == 29 and year2 is not None:
        # 00 is a leap year in 2000 and not in 1900, so any multiple of 4 is possible.
        return year2 % 4 == 0
    return True


@cache
def _regencies() -> frozenset[str]:
    """Every plausible ``PPRR`` (province + regency) prefix, so a lookup replaces four ``int()`` calls."""
    out: set[str] = set()
    for code, province in provinces().items():
        for regency in range(1, 100):
            if province.has_regency(regency):
                out.add(f"{code:02d}{regency:02d}")
    return frozenset(out)


_REGENCIES = _regencies()
_DDMM = frozenset(f"{d:02d}{mo:02d}" for mo in range(1, 13) for d in range(1, _DAYS_IN_MONTH[mo - 1] + 1))
_DDMM_NIK = _DDMM | frozenset(f"{int(x[:2]) + 40:02d}{x[2:]}" for x in _DDMM)  # women: day + 40
_LEAP_DAYS = frozenset(("2902", "6902"))  # 29 February, for men and for women


def region_ok(digits: str) -> bool:
    """Province, regency and district (kecamatan) codes of a NIK or KK are plausible."""
    return digits[0:4] in _REGENCIES and "01" <= digits[4:6] <= "69" and digits[4:6].isdigit()


def _structure_ok(digits: str, dates: frozenset[str]) -> bool:
    """Shared NIK/KK structure: region codes, a DDMM from ``dates``, a leap-year 29 Feb, serial not 0000.

    The cheapest test that rejects most 16-digit strings (the province-regency lookup) goes first.
    """
    if len(digits) != 16 or digits[0:4] not in _REGENCIES or not "01" <= digits[4:6] <= "69":
        return False
    if digits[12:] == "0000" or not digits.isdigit():
        return False
    ddmm = digits[6:10]
    if ddmm not in dates:
        return False
    if ddmm in _LEAP_DAYS:  # one lookup (the hash is already cached) instead of two slices
        # 00 is a leap year in 2000 and not in 1900, so any multiple of 4 is possible.
        return int(digits[10:12]) % 4 == 0
    return True


def nik_ok(digits: str) -> bool:
    """A 16-digit NIK: region codes, birth date DDMMYY (+40 on the day for women), serial not 0000."""
    return _structure_ok(digits, _DDMM_NIK)


def kk_ok(digits: str) -> bool:
    """A 16-digit family-card number: region codes, an issue date DDMMYY without the +40, serial."""
    return _structure_ok(digits, _DDMM)


def npwp15_ok(digits: str) -> bool:
    """The 15-digit NPWP: the ninth digit is a Luhn check digit over the first eight."""
    return len(digits) == 15 and digits.isdigit() and digits[:9] != "000000000" and luhn_ok(digits[:9])


def card_brand(digits: str) -> str | None:
    """The scheme of a card number whose IIN and length fit a known scheme, else ``None``.

    Only the Luhn-valid number with a known IIN is a card; 16 random digits pass Luhn one time in ten.
    Prefixes are compared as strings (equal-width digit strings order like their numbers), which
    spares an ``int()`` per range on a check that runs for every 13-19 digit candidate. No two
    schemes share a prefix, so the first digit tells which one to try: every slice and comparison
    is a few hundred instructions of the interpreter's.
    """
    n = len(digits)
    if not 13 <= n <= 19 or digits[0] not in "234569" or not digits.isdigit():
        return None  # no scheme's IIN starts with 0, 1, 7 or 8 (most NIKs and phone numbers do)
    first = digits[0]
    if first == "4":
        return "visa" if n in (13, 16, 19) else None
    if first == "5" or first == "2":
        return "mastercard" if n == 16 and ("51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720") else None
    p2 = digits[:2]
    if first == "3":
        if p2 in ("34", "37"):
            return "amex" if n == 15 else None
        if "3528" <= digits[:4] <= "3589":
            return "jcb" if n >= 16 else None
        return "diners" if n == 14 and (p2 in ("36", "38", "39") or "300" <= digits[:3] <= "305") else None
    if n < 16:
        return None  # the schemes of 6 and 9 all want 16 to 19 digits
    if first == "9":
        return "gpn" if digits[:4] == "9360" else None
    if p2 == "62":
        return "unionpay"
    return "discover" if digits[:4] == "6011" or p2 == "65" or "644" <= digits[:3] <= "649" else None


def card_ok(digits: str) -> str | None:
    """The card scheme if ``digits`` is a Luhn-valid number with a known IIN."""
    brand = card_brand(digits)
    return brand if brand and luhn_ok(digits) else None


# ISO 13616 IBAN lengths by country; an IBAN from a country not listed is rejected.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


# ISO 13616 turns letters into numbers A=10 .. Z=35 before the mod-97 check.
_IBAN_LETTERS = str.maketrans({c: str(10 + i % 26) for i, c in enumerate(ascii_uppercase + ascii_lowercase)})


def iban_ok(compact: str) -> bool:
    """ISO 13616: country length and the mod-97 check over the rearranged number."""
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = (compact[4:] + compact[:4]).translate(_IBAN_LETTERS)
    if not (rearranged.isascii() and rearranged.isdigit()):
        return False
    return int(rearranged) % 97 == 1


def ipv4_ok(address: str) -> bool:
    """Dotted-quad IPv4 exactly as :mod:`ipaddress` accepts it (no leading zeros, octets <= 255).

    ``ipaddress.ip_address`` spends several microseconds, most of them building the exception for
    a string that is no address; this check answers the same in a fraction of that.
    """
    octets = address.split(".")
    if len(octets) != 4:
        return False
    for octet in octets:
        if not octet or len(octet) > 3 or not (octet.isascii() and octet.isdigit()):
            return False
        if (octet[0] == "0" and len(octet) > 1) or int(octet) > 255:
            return False
    return True


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def ipv6_ok(address: str) -> bool:
    """IPv6 (with ``::`` and an IPv4 tail) exactly as :mod:`ipaddress` accepts it, scope ids aside."""
    parts = address.split(":")
    if len(parts) < 3:
        return False
    if "." in parts[-1]:
        if not ipv4_ok(parts.pop()):
            return False
        parts += ["0", "0"]  # the IPv4 tail stands for two hextets
    if len(parts) > 9:
        return False
    skip: int | None = None
    for i in range(1, len(parts) - 1):
        if not parts[i]:
            if skip is not None:
                return False  # two "::"
            skip = i
    if skip is not None:
        high, low = skip, len(parts) - skip - 1
        if not parts[0]:
            high -= 1
            if high:
                return False  # a leading ":" needs "::"
        if not parts[-1]:
            low -= 1
            if low:
                return False  # a trailing ":" needs "::"
        if high + low > 7:
            return False  # "::" must stand for at least one hextet
        hextets = parts[:high] + (parts[-low:] if low else [])
    else:
        if len(parts) != 8 or not parts[0] or not parts[-1]:
            return False
        hextets = parts
    return all(0 < len(h) <= 4 and _HEX_DIGITS.issuperset(h) for h in hextets)
