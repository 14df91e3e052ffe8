"""The scanner's shortcuts read text exactly as the plain way they replace does."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from jaga.discover import scan_text
from jaga.discover._checks import iban_ok, ipv4_ok, ipv6_ok, luhn_ok
from jaga.discover._context import lower_same_length
from jaga.discover._text import _NUMBER, _SCAN, _read_words, _words_apart

# Text salted with words of both vocabularies where their rules part: separators only one accepts,
# hyphens after cues, words hiding another vocabulary's word ("alamat ip", "sim a.n.").
words_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["alamat", "alamat ip", "ip address", "address", "sim a", "a.n.", "nama", "nama saya", "no kk",
             "kk", "sku", "-", "!", "?", "|", "@", "+", "(", ".", ",", ":", " ", "\n", "e-ktp", "ktp", "rek",
             "bca", "tgl. lahir", "lahir", "order", "İ", "—", "gaji pokok", "x"]
        ),
        st.text(max_size=6),
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(words_text)
def test_union_pass_reads_words_like_the_two_passes(text: str) -> None:
    low = " " + lower_same_length(text)
    assert _read_words(low) == _words_apart(low)


number_text = st.text(alphabet="0123456789 .-()+:/,aZ", max_size=40)


@settings(max_examples=400, deadline=None)
@given(number_text)
def test_scan_pass_finds_every_number_the_number_pattern_finds(text: str) -> None:
    plain = [m.span() for m in _NUMBER.finditer(text) if m.end() - m.start() >= 7]
    merged = [m.span() for m in _SCAN.finditer(text) if m.lastindex is None and m.end() - m.start() >= 7]
    assert merged == plain


ip_text = st.text(alphabet="0123456789abcdefABCDEF:.g%", max_size=45)


def _version(candidate: str) -> int | None:
    try:
        return ipaddress.ip_address(candidate).version
    except ValueError:
        return None


@settings(max_examples=1000, deadline=None)
@given(st.one_of(ip_text, st.ip_addresses().map(str)))
def test_ip_checks_agree_with_ipaddress(candidate: str) -> None:
    ours = 4 if ipv4_ok(candidate) else 6 if ipv6_ok(candidate) else None
    assert ours == _version(candidate)


def test_iban_and_luhn() -> None:
    assert iban_ok("GB82WEST12345698765432") and iban_ok("gb82west12345698765432".upper())
    assert not iban_ok("GB82WEST12345698765433") and not iban_ok("GB82WEST1234569876543")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


def test_negative_cue_numbers_are_skipped_only_above_their_ceiling() -> None:
    text = "order 3174051205900012"
    assert scan_text(text) == []
    [low] = scan_text(text, min_confidence=0.0)
    assert low.category == "user.government_id.nik" and low.confidence < 0.5


def test_one_colon_and_dates_are_not_addresses_or_accounts() -> None:
    assert scan_text("rapat jam 10:30, rilis 1990-05-12") == []
    assert [f.category for f in scan_text("rek BCA 12345678")] == ["user.financial.bank_account"]
