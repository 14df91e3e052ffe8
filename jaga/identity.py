"""Identities of a data subject in one normal form, so one person typed two ways is still one person.

Every part of jaga that takes an identity (the ledger, the request planner and lifecycle, the privacy
centre, the API, the CLI, batch files, discovery's pseudonyms) normalises it here and nowhere else:

- email: exactly one mailbox, checked by ``email-validator`` (no display names, lists, quoted local
  parts or reserved domains: ``x,attacker@evil.io`` and ``victim<attacker@evil.io>`` are refused,
  so mail can never go to an address the person did not type), then lower-cased;
- phone: E.164 by ``phonenumbers`` from any Indonesian or international spelling, default region ID
  (``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…`` and ``812…`` are all ``+6281234567890``);
- NIK, KK, NPWP: their digits, of the length the law gives them;
- anything else (a customer number): the text without surrounding blanks.

An identity is stored only as an HMAC of ``kind:normal_form`` under the tenant's identity key: the same
email at two tenants gives two unrelated hashes, and a stolen database cannot be matched against a
mailing list without the master secret. Messages never repeat the value that was given.

The company's own databases store identities however their applications wrote them, so this module
also gives the planner the other half: :func:`column_form` (a column compared without case, blanks or digit
separators, in SQL), its Python twin :func:`stored_form`, and :func:`spellings` (every such form the
normal value may be stored as).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from jaga.errors import JagaError
from jaga.store.secrets import tenant_secret


class IdentityKind(StrEnum):
    """The identity kinds the consent ledger and the privacy centre accept."""

    email = "email"
    phone = "phone"
    nik = "nik"
    customer_id = "customer_id"


class Form(StrEnum):
    """How an identity type is normalised; data maps name types freely (``phone_number``, ``npwp``)."""

    email = "email"
    phone = "phone"
    digits = "digits"
    text = "text"


class InvalidIdentity(JagaError):
    """An identity value that cannot be normalised; the message names the kind, never the value."""


DEFAULT_REGION = "ID"
SEPARATORS = " -.()/"
"""Characters :func:`stored_form` drops: how people group the digits of phone, NIK, KK and NPWP numbers."""

_DIGIT_LENGTHS = {"nik": (16,), "kk": (16,), "npwp": (15, 16)}
_DIGIT_NAMES = {
    "nik": "NIK (Nomor Induk Kependudukan)",
    "kk": "KK (Kartu Keluarga) number",
    "npwp": "NPWP (Nomor Pokok Wajib Pajak)",
}
_PHONE_WORDS = ("phone", "mobile", "msisdn", "whatsapp", "telepon")


def form_of(kind: str) -> Form:
    """The normal form of an identity type, from its name as a data map or a request gives it."""
    name = kind.strip().lower()
    if "email" in name:
        return Form.email
    if name in _DIGIT_LENGTHS:
        return Form.digits
    if any(word in name for word in _PHONE_WORDS) or name in ("hp", "no_hp", "nomor_hp"):
        return Form.phone
    return Form.text


def _email(value: str) -> str:
    text = value.strip()
    if len(text) > 254:
        raise InvalidIdentity("malformed email address", hint="give an address like name@example.com")
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidIdentity(
            "malformed email address: give exactly one mailbox, without a name, brackets or commas",
            hint="give an address like name@example.com / tulis satu alamat seperti nama@contoh.co.id",
        ) from None
    return str(checked.normalized).lower()


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    text = value.strip()
    if len(text) > 40:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    candidates = [text]
    if not text.startswith("+") and len(digits) >= 10:
        if digits.startswith("62"):
            candidates.append("+" + digits)  # "62812…": the country code written without its plus
        elif digits.startswith("00"):
            candidates.append("+" + digits[2:])  # "0062 812…", "0049 30…": the common international prefix
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def _phone(value: str) -> str:
    number = _parse_phone(value)
    if number is None:
        raise InvalidIdentity(
            "malformed phone number",
            hint="give a number such as 0812-3456-7890 or +62 812 3456 7890 / tulis nomor seperti 0812-3456-7890",
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _digits(kind: str, value: str) -> str:
    digits = "".join(ch for ch in value if ch not in SEPARATORS)
    lengths = _DIGIT_LENGTHS[kind]
    if not (digits.isascii() and digits.isdigit() and len(digits) in lengths):
        size = " or ".join(str(n) for n in lengths)
        raise InvalidIdentity(f"malformed {_DIGIT_NAMES[kind]}", hint=f"it has exactly {size} digits / {size} angka")
    return digits


def _text(kind: str, value: str) -> str:
    text = value.strip()
    # a control or line-separator character is no part of an identifier: it is a file's broken quoting
    if not text or len(text) > 200 or any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
        raise InvalidIdentity(
            f"malformed {kind.replace('_', ' ')}", hint="give 1 to 200 characters / 1 sampai 200 karakter"
        )
    return text


def normalise(kind: str, value: str) -> str:
    """``value`` of identity type ``kind`` in its one normal form; :class:`InvalidIdentity` if malformed."""
    form = form_of(kind)
    if form is Form.email:
        return _email(value)
    if form is Form.phone:
        return _phone(value)
    if form is Form.digits:
        return _digits(kind.strip().lower(), value)
    return _text(kind, value)


def stored_form(kind: str, value: str) -> str:
    """How the planner compares a value stored in the company's database: emails lower-cased, phone
    and ID numbers without blanks or separators, other identities as they are. The
    Python twin of :func:`column_form`, so a row the database matched is attributed to the same
    person here."""
    form = form_of(kind)
    if form is Form.email:
        return value.lower()
    if form is Form.text:
        return value
    out = value
    for ch in SEPARATORS:
        out = out.replace(ch, "")
    return out


def column_form(kind: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """:func:`stored_form` as SQL (``lower`` and ``replace`` exist alike on SQLite, PostgreSQL and
    MariaDB); an index on the same expression serves it. Other identities get the plain column, so
    their lookups keep using its index."""
    form = form_of(kind)
    if form is Form.email:
        return func.lower(column)  # the expression of the usual ``CREATE INDEX … (lower(email))``
    if form is Form.text:
        return column
    out: ColumnElement[Any] = column
    for ch in SEPARATORS:  # constants written into the SQL, not bound: an expression index must match
        out = func.replace(out, literal_column(f"'{ch}'"), literal_column("''"))
    return out


def spellings(kind: str, normal: str) -> tuple[str, ...]:
    """Every :func:`stored_form` a company database may hold ``normal`` as.

    Emails and other identities are stored as themselves (case aside). A phone may be stored with or
    without its country code, with a ``+``, ``00``, a trunk ``0`` or none: for an Indonesian number
    ``+6281234567890``, ``6281234567890``, ``006281234567890``, ``081234567890``, ``81234567890`` (and
    ``+62 (0) 812…``). National spellings are only tried for the default region, where they are not
    ambiguous.
    """
    form = form_of(kind)
    if form is Form.email:
        return (normal,)
    if form is not Form.phone:
        return (normal,)
    number = phonenumbers.parse(normal, None)
    cc, nsn = str(number.country_code), phonenumbers.national_significant_number(number)
    forms = [f"+{cc}{nsn}", f"{cc}{nsn}", f"00{cc}{nsn}"]
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        forms += [f"0{nsn}", nsn, f"+{cc}0{nsn}", f"{cc}0{nsn}"]
    return tuple(forms)


@dataclass(frozen=True)
class Identity:
    """A raw identity as given by a person or a system; ``repr`` hides the value."""

    kind: IdentityKind
    value: str

    def __repr__(self) -> str:
        return f"Identity(kind={self.kind.value!r}, value=<hidden>)"

    @classmethod
    def of(cls, kind: str, value: str) -> Identity:
        try:
            parsed = IdentityKind(kind)
        except ValueError:
            raise InvalidIdentity(
                f"unknown identity kind {kind!r}", hint=f"use one of {', '.join(k.value for k in IdentityKind)}"
            ) from None
        return cls(parsed, value)

    def normalised(self) -> str:
        return normalise(self.kind.value, self.value)


@lru_cache(maxsize=64)
def _key(tenant_id: int) -> bytes:
    return tenant_secret(tenant_id, "identity")


def identity_hash(tenant_id: int, identity: Identity) -> str:
    """The HMAC under which ``identity`` is stored for this tenant (hex, 64 characters)."""
    message = f"{identity.kind.value}:{identity.normalised()}".encode()
    return hmac.new(_key(tenant_id), message, hashlib.sha256).hexdigest()


@lru_cache(maxsize=64)
def _proof_key(tenant_id: int) -> bytes:
    return tenant_secret(tenant_id, "proof")


def proof_hash(tenant_id: int, value: str) -> str:
    """An HMAC of consent evidence (IP address, user agent): provable later, useless if leaked."""
    return hmac.new(_proof_key(tenant_id), value.encode(), hashlib.sha256).hexdigest()


def clear_key_cache() -> None:
    """Forget cached tenant keys (tests that change ``JAGA_SECRET_KEY`` call this)."""
    _key.cache_clear()
    _proof_key.cache_clear()


__all__ = [
    "DEFAULT_REGION",
    "SEPARATORS",
    "Form",
    "Identity",
    "IdentityKind",
    "InvalidIdentity",
    "clear_key_cache",
    "column_form",
    "form_of",
    "identity_hash",
    "normalise",
    "proof_hash",
    "spellings",
    "stored_form",
]
