"""The one identity normaliser: every way of writing one phone, email or ID number gives one normal form,
the planner's stored forms and spellings agree with it, and hostile email identities are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaga.identity import InvalidIdentity, form_of, normalise, spellings, stored_form
from jaga.requests import plan

# an Indonesian mobile number: 8 + operator digits + subscriber digits (10-12 digits with the trunk 0)
_NSN = st.builds(
    lambda op, rest: f"8{op}{rest}",
    st.sampled_from(["11", "12", "13", "21", "22", "52", "53", "14", "15", "16", "55", "56", "57", "58", "17"]),
    st.text(alphabet="0123456789", min_size=7, max_size=8),
)
_SEP = st.sampled_from(["", " ", "-", ".", " - "])
_PREFIX = st.sampled_from(["0", "+62", "62", "", "+62 ", "0062 ", "(+62) ", "+62 (0)"])


def _grouped(digits: str, sep: str, cut: int) -> str:
    return sep.join(digits[i : i + cut] for i in range(0, len(digits), cut))


@given(nsn=_NSN, prefix=_PREFIX, sep=_SEP, cut=st.integers(min_value=3, max_value=5))
def test_every_spelling_of_an_indonesian_mobile_is_one_e164(nsn: str, prefix: str, sep: str, cut: int) -> None:
    written = prefix + _grouped(nsn, sep, cut)
    normal = normalise("phone", written)
    assert normal == "+62" + nsn
    assert normalise("phone_number", normal) == normal  # idempotent, and any phone type name
    # the planner finds the row whatever spelling the company stored: its stored form is a spelling
    assert stored_form("phone", written) in spellings("phone", normal)


@given(
    local=st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?", fullmatch=True).filter(lambda s: ".." not in s),
    domain=st.sampled_from(["gmail.com", "Contoh.CO.id", "example.com", "Mail.Example.org"]),
    upper=st.booleans(),
)
def test_emails_are_case_insensitive_and_idempotent(local: str, domain: str, upper: bool) -> None:
    written = f"{local.upper() if upper else local}@{domain}"
    normal = normalise("email", f"  {written} ")
    assert normal == f"{local}@{domain}".lower()
    assert normalise("email", normal) == normal
    assert stored_form("email", written) in spellings("email", normal)


@pytest.mark.parametrize(
    "hostile",
    [
        "x,attacker@evil.io",
        "victim<attacker@evil.io>",
        "Victim <victim@contoh.co.id>",
        "victim@contoh.co.id, attacker@evil.io",
        "victim@contoh.co.id;attacker@evil.io",
        '"victim@contoh.co.id"@evil.io',
        "victim@contoh.co.id\nBcc: attacker@evil.io",
        "victim@localhost",
        "a@@b.id",
    ],
)
def test_an_email_identity_is_exactly_one_mailbox(hostile: str) -> None:
    with pytest.raises(InvalidIdentity) as caught:
        normalise("email", hostile)
    assert "attacker" not in str(caught.value) and "victim" not in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "written", "normal"),
    [
        ("nik", "3174 0112.3456-0001", "3174011234560001"),
        ("kk", "3174-0112-3456-0002", "3174011234560002"),
        ("npwp", "01.234.567.8-901.000", "012345678901000"),
        ("npwp", "3174 0112 3456 0001", "3174011234560001"),
    ],
)
def test_id_numbers_are_their_digits(kind: str, written: str, normal: str) -> None:
    assert normalise(kind, written) == normal
    assert stored_form(kind, written) in spellings(kind, normal)


@pytest.mark.parametrize(
    ("kind", "bad"), [("nik", "3174"), ("npwp", "12.345"), ("kk", "31740112345600021"), ("phone", "99")]
)
def test_malformed_numbers_are_refused_without_the_value(kind: str, bad: str) -> None:
    with pytest.raises(InvalidIdentity) as caught:
        normalise(kind, bad)
    assert bad not in str(caught.value)


def test_identity_types_named_by_a_data_map_map_to_one_form() -> None:
    assert {form_of(k).value for k in ("email", "work_email", "EMAIL")} == {"email"}
    assert {form_of(k).value for k in ("phone", "phone_number", "mobile", "whatsapp")} == {"phone"}
    assert form_of("customer_no").value == "text"
    assert normalise("customer_no", "  C-0001 ") == "C-0001"  # other identities: as typed, trimmed


def test_the_planner_has_no_normaliser_of_its_own() -> None:
    """The request planner used to keep phones as digits and plus: '0812…' and '+62 812…' differed."""
    assert plan.normalise("phone", "0812-3456-7890") == plan.normalise("phone", "+62 812 3456 7890")
