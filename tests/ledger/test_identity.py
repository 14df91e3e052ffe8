"""Identities normalise to one form per person, and malformed ones fail without echoing the value."""

from __future__ import annotations

import pytest

from jaga.ledger import Identity, IdentityKind, InvalidIdentity, identity_hash


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("email", "Budi.Santoso@Example.COM ", "budi.santoso@example.com"),
        ("phone", "0812-3456-7890", "+62 812 3456 7890"),
        ("phone", "(0812) 34567890", "6281234567890"),
        ("nik", "3174 0112 3456 0001", "3174011234560001"),
    ],
)
def test_same_person_same_hash(kind: str, a: str, b: str, tenant_id: int) -> None:
    assert identity_hash(tenant_id, Identity.of(kind, a)) == identity_hash(tenant_id, Identity.of(kind, b))


def test_phone_is_e164() -> None:
    assert Identity(IdentityKind.phone, "0812-3456-7890").normalised() == "+6281234567890"


def test_hash_differs_between_tenants(tenant_id: int) -> None:
    ident = Identity.of("email", "a@example.com")
    assert identity_hash(tenant_id, ident) != identity_hash(tenant_id + 1000, ident)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("email", "not-an-email"),
        ("phone", "99"),
        ("nik", "31740112345"),
        ("nik", "3174O11234560001"),
        ("customer_id", "  "),
    ],
)
def test_malformed_identity(kind: str, value: str) -> None:
    with pytest.raises(InvalidIdentity) as info:
        Identity.of(kind, value).normalised()
    assert not value.strip() or value.strip() not in str(info.value)
    assert kind.replace("_", " ") in str(info.value).lower()


def test_unknown_kind_and_hidden_repr() -> None:
    with pytest.raises(InvalidIdentity):
        Identity.of("passport", "X1")
    assert "secret@example.com" not in repr(Identity.of("email", "secret@example.com"))
