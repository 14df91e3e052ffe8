"""Independent structural checks for the identifiers the generator makes (not shared with it)."""

from __future__ import annotations

from datetime import date

# Kemendagri province codes (38 provinces) -> number of kabupaten; kota codes are 71..79.
PROVINCES = {
    11: 18, 12: 25, 13: 12, 14: 10, 15: 9, 16: 13, 17: 9, 18: 13, 19: 6, 21: 5, 31: 1, 32: 18,
    33: 29, 34: 4, 35: 29, 36: 4, 51: 8, 52: 8, 53: 21, 61: 12, 62: 13, 63: 11, 64: 11, 65: 4,
    71: 11, 72: 12, 73: 26, 74: 15, 75: 5, 76: 6, 81: 9, 82: 8, 91: 29, 92: 13, 93: 4, 94: 36,
    95: 8, 96: 6,
}  # fmt: skip


def region_ok(digits: str) -> bool:
    kabupaten = PROVINCES.get(int(digits[:2]))
    regency, district = int(digits[2:4]), int(digits[4:6])
    return kabupaten is not None and (1 <= regency <= kabupaten or 71 <= regency <= 79) and district >= 1


def nik_birth(digits: str) -> tuple[int, int, int, bool] | None:
    """``(day, month, yy, female)`` if ``digits`` is a structurally valid NIK, else None."""
    if len(digits) != 16 or not digits.isdigit() or digits[12:] == "0000" or not region_ok(digits):
        return None
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    female = day > 40
    day -= 40 if female else 0
    try:
        date(2000 + yy if yy % 4 == 0 else 2001, month, day)
    except ValueError:
        return None
    return day, month, yy, female


def kk_ok(digits: str) -> bool:
    if len(digits) != 16 or not digits.isdigit() or digits[12:] == "0000" or not region_ok(digits):
        return False
    try:
        date(2000 + int(digits[10:12]), int(digits[8:10]), int(digits[6:8]))
    except ValueError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def npwp_ok(value: str, nik: str) -> bool:
    """15 digits (printed or bare, with a Luhn check digit 9th), ``0`` + 15 digits, or the NIK."""
    bare = value.replace(".", "").replace("-", "")
    if value == nik:
        return True
    if len(bare) == 16 and bare[0] == "0":
        bare = bare[1:]
    return len(bare) == 15 and bare.isdigit() and luhn_ok(bare[:9])
