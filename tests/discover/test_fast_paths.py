"""The scanner's shortcuts read text exactly as the plain way they replace does."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaga.discover import Finding, scan_text
from jaga.discover._checks import iban_ok, ipv4_ok, ipv6_ok, luhn_ok
from jaga.discover._context import Cue, CueIndex, cue_index, lower_same_length
from jaga.discover._text import (
    _NUMBER,
    _POSTAL,
    _SCAN,
    _SCAN_ASCII,
    _WORDS,
    _WORDS_ASCII,
    _id_phone_pattern,
    _kept,
    _phone,
    _read_words,
    _resolve,
    _words_apart,
)

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
    assert _read_words(low, text.isascii()) == _words_apart(low)


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


@settings(max_examples=400, deadline=None)
@given(st.one_of(words_text, number_text).filter(str.isascii))
def test_ascii_passes_read_ascii_text_like_the_unicode_ones(text: str) -> None:
    low = " " + lower_same_length(text)
    assert [m.span(1) for m in _WORDS_ASCII.finditer(low)] == [m.span(1) for m in _WORDS.finditer(low)]
    assert [(m.span(), m.lastindex) for m in _SCAN_ASCII.finditer(text)] == [
        (m.span(), m.lastindex) for m in _SCAN.finditer(text)
    ]


_GUARD = r"(?<![0-9a-z_.,/+\-][0-9])"
_UNGUARDED_SCAN = re.compile(_SCAN.pattern.replace(_GUARD, "", 1))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789+(:.-/ ,_)aAzZfFéБ٣", max_size=40))
def test_scan_guard_only_turns_away_what_no_branch_takes(text: str) -> None:
    assert _UNGUARDED_SCAN.pattern != _SCAN.pattern
    assert [(m.span(), m.lastindex) for m in _SCAN.finditer(text)] == [
        (m.span(), m.lastindex) for m in _UNGUARDED_SCAN.finditer(text)
    ]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789 x٣", max_size=24), st.integers(0, 24), st.integers(0, 24))
def test_postal_pattern_is_five_digits_alone(text: str, start: int, end: int) -> None:
    plain = re.compile(r"(?<!\d)\d{5}(?!\d)").search(text, start, end)
    ours = _POSTAL.search(text, start, end)
    assert (ours and ours.span()) == (plain and plain.span())


def _phone_one_pattern_at_a_time(national: str) -> str | None:
    md = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    assert md is not None and md.general_desc is not None
    if not re.fullmatch(md.general_desc.national_number_pattern, national):
        return None
    for label, desc in (("mobile", md.mobile), ("fixed_line", md.fixed_line), ("phone", md.voip),
                        ("phone", md.uan), ("phone", md.toll_free)):  # fmt: skip
        if desc is not None and desc.national_number_pattern and re.fullmatch(desc.national_number_pattern, national):
            return label
    return None


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(["", "8", "81", "21", "22", "61", "619", "1500", "8071", "177", "800", "001803", "31", "9"]),
    st.text(alphabet="0123456789", max_size=14),
)
def test_one_phone_pattern_answers_like_each_in_turn(prefix: str, rest: str) -> None:
    national = (prefix + rest)[:16]
    _id_phone_pattern()
    assert _phone("0" + national, international=False) == (
        None if not national or national[0] == "0" else _phone_one_pattern_at_a_time(national)
    )


candidates = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from([0.3, 0.5, 0.6, 0.9]), st.sampled_from("abc")).map(
        lambda t: Finding(t[0], t[0] + t[1], "c", t[2], t[3])
    ),
    max_size=6,
)


@settings(max_examples=1000, deadline=None)
@given(candidates, st.sampled_from([0.0, 0.5, 0.7]))
def test_kept_candidates_are_the_filtered_and_resolved_ones(found: list[Finding], floor: float) -> None:
    assert _kept(list(found), floor) == _resolve([c for c in found if c[3] >= floor])


def test_in_order_candidates_are_kept_as_they_are_and_others_resolved() -> None:
    apart = [Finding(0, 3, "a", 0.9, "d"), Finding(5, 9, "b", 0.6, "d")]
    assert _kept(apart, 0.5) is apart
    assert _kept(list(apart), 0.7) == apart[:1]
    assert _kept(apart[::-1], 0.5) == apart
    overlapping = [Finding(0, 6, "a", 0.6, "d"), Finding(5, 9, "b", 0.9, "d")]
    assert _kept(overlapping, 0.5) == overlapping[1:]
    tied = [Finding(2, 6, "a", 0.6, "d"), Finding(0, 1, "c", 0.6, "d"), Finding(2, 6, "b", 0.6, "d")]
    assert _kept(list(tied), 0.5) == tied[1:2] + tied[:1]  # of equal rivals, the first found stays


def test_a_bank_name_behind_the_governing_cue_is_still_read() -> None:
    text = "transfer BCA no rek 1234567890"
    index = cue_index(text)
    assert index.banks
    ctx = index.at(20, 30)
    assert (ctx.cue, ctx.near, ctx.bank) == (Cue.ACCOUNT, True, "bca")
    plain = cue_index("transfer no rek 1234567890")
    assert not plain.banks and plain.at(16, 26).bank is None


@pytest.mark.parametrize("digit", ["5", "٥"])
def test_a_digit_between_cue_and_number_breaks_their_tie_in_any_script(digit: str) -> None:
    text = f"nik {digit} 3174051205900012"
    assert cue_index(text).at(7, 23).cue is None
    assert cue_index("nik - 3174051205900012").at(6, 22).cue is Cue.NIK
    assert CueIndex(text, [], [], [], Cue.SIM).at(7, 23).cue is Cue.SIM


def test_findings_are_immutable_named_tuples() -> None:
    [found] = scan_text("email budi@example.com")
    assert found == Finding(6, 22, "user.contact.email", 0.97, "email")
    assert found._asdict()["detail"] is None
    with pytest.raises(AttributeError):
        found.start = 0  # type: ignore[misc]
