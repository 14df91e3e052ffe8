"""What a batch keeps about its requests is sealed: round trip, old Fernet tokens, tampering."""

from __future__ import annotations

import base64

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from jaga.requests.execute import _Sealer
from jaga.store import tenant_secret

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=40,
)


@given(st.dictionaries(st.text(), json_values))
def test_sealed_values_open_to_what_was_sealed(data: dict[str, object]) -> None:
    sealer = _Sealer(1)
    token = sealer.seal(data)
    assert token.startswith(_Sealer.PREFIX)
    assert sealer.unseal(token) == data


def test_large_values_are_compressed_and_identities_never_appear_in_the_token() -> None:
    sealer = _Sealer(1)
    data = {"identities": {"email": [f"person{i}@example.co.id" for i in range(200)]}}
    token = sealer.seal(data)
    assert "example" not in token and len(token) < len(str(data))
    assert sealer.unseal(token) == data


def test_tokens_of_earlier_versions_still_open() -> None:
    fernet = Fernet(base64.urlsafe_b64encode(tenant_secret(1, "dsr-seal")))
    assert _Sealer(1).unseal(fernet.encrypt(b'{"a":1}').decode()) == {"a": 1}


def test_a_changed_token_or_another_tenant_does_not_open() -> None:
    token = _Sealer(1).seal({"identities": {"email": ["a@b.co"]}})
    blob = bytearray(base64.urlsafe_b64decode(token[len(_Sealer.PREFIX) :]))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        _Sealer(1).unseal(_Sealer.PREFIX + base64.urlsafe_b64encode(bytes(blob)).decode())
    with pytest.raises(InvalidTag):
        _Sealer(2).unseal(token)
