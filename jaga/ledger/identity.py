"""Identities of a subject, normalised so that one person typed two ways is still one person.

Only an HMAC of ``kind:normal_form`` with the tenant's identity key is ever stored: the same email at two
tenants gives two unrelated hashes, and a stolen database cannot be matched against a mailing list
without the master secret. Error messages never repeat the value that was given.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers

from jaga.errors import JagaError
from jaga.store.secrets import tenant_secret


class IdentityKind(StrEnum):
    email = "email"
    phone = "phone"
    nik = "nik"
    customer_id = "customer_id"


class InvalidIdentity(JagaError):
    """An identity value that cannot be normalised; the message names the kind, never the value."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_NIK_NOISE = re.compile(r"[\s.\-]")


def _email(value: str) -> str:
    text = value.strip().lower()
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidIdentity("malformed email address", hint="give an address like name@example.com")
    return text


def _phone(value: str) -> str:
    try:
        number = phonenumbers.parse(value.strip(), "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidIdentity(
            "malformed phone number", hint="give a number such as 0812-3456-7890 or +62 812 3456 7890"
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _nik(value: str) -> str:
    digits = _NIK_NOISE.sub("", value)
    if not (len(digits) == 16 and digits.isdigit()):
        raise InvalidIdentity("malformed NIK", hint="a NIK (Nomor Induk Kependudukan) has exactly 16 digits")
    return digits


def _customer_id(value: str) -> str:
    text = value.strip()
    if not text or len(text) > 200:
        raise InvalidIdentity("malformed customer id", hint="give 1 to 200 characters")
    return text


_NORMALISERS = {
    IdentityKind.email: _email,
    IdentityKind.phone: _phone,
    IdentityKind.nik: _nik,
    IdentityKind.customer_id: _customer_id,
}


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
        return _NORMALISERS[self.kind](self.value)


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
