"""Each detector: a valid value is found, a broken checksum or structure is not, hard negatives stay quiet."""

from __future__ import annotations

import pytest

from jaga.discover import _model as m
from jaga.discover import scan_text
from jaga.discover._checks import card_ok, iban_ok, kk_ok, luhn_ok, nik_ok, npwp15_ok, provinces


def found(text: str) -> list[tuple[str, str]]:
    return [(f.category, text[f.start : f.end]) for f in scan_text(text)]


def with_luhn(prefix: str, length: int) -> str:
    body = prefix + "0" * (length - len(prefix) - 1)
    return next(body + str(d) for d in range(10) if luhn_ok(body + str(d)))


VALID = [
    ("NIK saya 3174051205900012 ya", m.NIK, "3174051205900012"),
    ("no ktp: 3174055205900012", m.NIK, "3174055205900012"),  # woman: day + 40
    ("3201010101010001", m.NIK, "3201010101010001"),  # no context, still valid structure
    ("No. KK 3174050101200001", m.KK, "3174050101200001"),
    ("NPWP 01.312.166.0-091.000", m.NPWP, "01.312.166.0-091.000"),
    ("npwp: 016090524017000", m.NPWP, "016090524017000"),
    ("NPWP 3174051205900012", m.NPWP, "3174051205900012"),  # 16-digit NPWP = NIK
    ("BPJS Kesehatan 0001234567890", m.BPJS_KES, "0001234567890"),
    ("no KIS 0002345678901", m.BPJS_KES, "0002345678901"),
    ("KPJ 12345678901", m.BPJS_TK, "12345678901"),
    ("BPJS Ketenagakerjaan: 12345678901", m.BPJS_TK, "12345678901"),
    ("nomor paspor B1234567", m.PASSPORT, "B1234567"),
    ("passport X7654321", m.PASSPORT, "X7654321"),
    ("SIM A 123456789012", m.SIM, "123456789012"),
    ("hp 0812-3456-7890", m.PHONE, "0812-3456-7890"),
    ("call +62 812 3456 7890 now", m.PHONE, "+62 812 3456 7890"),
    ("kantor (021) 5551234", m.PHONE, "(021) 5551234"),
    ("wa 6281234567890", m.PHONE, "6281234567890"),
    ("email Budi.Santoso+promo@mail.co.id.", m.EMAIL, "Budi.Santoso+promo@mail.co.id"),
    ("login from 203.0.113.45", m.IP, "203.0.113.45"),
    ("ip 2001:db8::8a2e:370:7334.", m.IP, "2001:db8::8a2e:370:7334"),
    ("kartu kredit 4111 1111 1111 1111", m.CARD, "4111 1111 1111 1111"),
    ("card 5555555555554444", m.CARD, "5555555555554444"),
    ("amex 378282246310005", m.CARD, "378282246310005"),
    ("IBAN GB82 WEST 1234 5698 7654 32", m.BANK, "GB82 WEST 1234 5698 7654 32"),
    ("transfer ke rek BCA 1234567890 a/n Budi", m.BANK, "1234567890"),
    ("rekening Mandiri 1230001234567", m.BANK, "1230001234567"),
    ("tgl lahir 12-05-1990", m.DOB, "12-05-1990"),
    ("Tanggal Lahir: 12 Mei 1990", m.DOB, "12 Mei 1990"),
    ("born on March 3, 1985", m.DOB, "March 3, 1985"),
    ("TTL: Bandung, 1990-05-12", m.DOB, "1990-05-12"),
    ("nama: Budi Santoso", m.NAME, "Budi Santoso"),
    ("mohon bantu Bapak Agus Salim", m.NAME, "Agus Salim"),
    ("alamat: Jl. Merdeka No. 5, Bandung 40111. Terima kasih", m.ADDRESS, "Jl. Merdeka No. 5, Bandung 40111"),
    ("gaji pokok Rp 7.500.000 per bulan", m.SALARY, "Rp 7.500.000"),
    ("pasien didiagnosis diabetes", m.HEALTH, "diabetes"),
]


@pytest.mark.parametrize(("text", "category", "value"), VALID)
def test_valid_values_are_found(text: str, category: str, value: str) -> None:
    assert (category, value) in found(text)


INVALID = [
    ("NIK 3174053205900012", "day 32"),
    ("NIK 3174051213900012", "month 13"),
    ("NIK 9974051205900012", "province 99 does not exist"),
    ("NIK 3199051205900012", "regency 99 of DKI does not exist"),
    ("NIK 3174051205900000", "serial 0000"),
    ("NIK 3174002902010001", "district 00"),
    ("NPWP 01.312.166.1-091.000", "NPWP check digit wrong"),
    ("kartu kredit 4111 1111 1111 1112", "Luhn fails"),
    ("card 8800000000000005", "Luhn-valid but unknown IIN (and no province 88)"),
    ("IBAN GB82 WEST 1234 5698 7654 33", "IBAN mod-97 fails"),
    ("server 999.1.1.1", "octet above 255"),
    ("tgl lahir 31-02-1990", "31 February"),
    ("hp 0812-34", "too short for a phone"),
    ("telp 0000 1234 5678", "no Indonesian number starts 000"),
]


@pytest.mark.parametrize(("text", "why"), INVALID)
def test_invalid_checksum_or_structure_is_not_reported(text: str, why: str) -> None:
    assert found(text) == [], why


HARD_NEGATIVES = [
    "nomor pesanan 3174051205900012 sudah dikirim",  # NIK-valid digits, order context
    "order 3174053205900012",  # NIK-shaped, impossible date
    "invoice INV/2024/05/00123",
    "timestamp 20240512103045",
    "epoch 1715500000",
    "resi JNE 081234567890",
    "kode produk SKU-0812-3456",
    "barcode 8991234567890",
    "SKU B1234567",
    "versi 1.2.3.4",
    "rapat jam 10:30:45",
    "0001234567890",  # 13 digits with no BPJS context
    "12345678901",  # 11 digits with no BPJS context
    "Ibu Kota Jakarta",
    "12-05-1990",  # a date with no birth keyword
    "Rp 7.500.000",  # an amount with no salary keyword
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_are_quiet(text: str) -> None:
    assert found(text) == []


def test_every_card_scheme() -> None:
    for prefix, length, brand in [("4", 16, "visa"), ("51", 16, "mastercard"), ("2221", 16, "mastercard"),
                                  ("34", 15, "amex"), ("3528", 16, "jcb"), ("62", 16, "unionpay"),
                                  ("9360", 16, "gpn"), ("6011", 16, "discover")]:  # fmt: skip
        number = with_luhn(prefix, length)
        assert card_ok(number) == brand
    assert card_ok(with_luhn("2720", 16)) == "mastercard"
    assert card_ok(with_luhn("2721", 16)) is None
    assert card_ok(with_luhn("3527", 16)) is None


def test_checks_directly() -> None:
    assert len(provinces()) == 38
    assert {11, 31, 36, 51, 65, 76, 91, 96} <= set(provinces())
    assert nik_ok("3174051205900012") and not nik_ok("3174051205900000")
    assert nik_ok("3174056902000012")  # 29 Feb 2000, woman
    assert not nik_ok("3174052902010012")  # 29 Feb 2001/1901
    assert kk_ok("3174050101200001") and not kk_ok("3174054101200001")
    assert npwp15_ok("013121660091000") and not npwp15_ok("013121661091000")
    assert iban_ok("DE89370400440532013000") and not iban_ok("DE8937040044053201300")


def test_phone_kind_and_gender_detail() -> None:
    [mobile] = scan_text("hp 081234567890")
    [fixed] = scan_text("telp (021) 5551234")
    [woman] = scan_text("NIK 3174055205900012")
    assert (mobile.detail, fixed.detail, woman.detail) == ("mobile", "fixed_line", "female")


def test_context_raises_and_lowers_confidence() -> None:
    [plain] = scan_text("3174051205900012")
    [cued] = scan_text("NIK 3174051205900012")
    assert cued.confidence > plain.confidence
    assert scan_text("order 3174051205900012", min_confidence=0.0)[0].confidence < plain.confidence


def test_two_numbers_run_together_are_split() -> None:
    text = "NIK 3174051205900012 081234567890"
    assert [c for c, _ in found(text)] == [m.NIK, m.PHONE]


def test_multibyte_text_offsets() -> None:
    text = "🙂 Nama: Budi Santoso — 電話 0812-3456-7890 ✉ budi@example.com"
    for category, value in found(text):
        assert value in ("Budi Santoso", "0812-3456-7890", "budi@example.com"), category
    assert len(found(text)) == 3
