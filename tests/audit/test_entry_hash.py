"""The entry hash is computed from a hand-written rendering of the canonical JSON; it must stay the very
bytes :func:`jaga.audit.chain.canonical` gives, or every chain written before would stop verifying."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from jaga.audit.chain import _entry_hash, canonical

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)  # quotes, backslashes, controls, emoji


@given(
    seq=st.integers(min_value=1, max_value=2**53),
    at=st.datetimes(timezones=st.just(UTC)),
    kind=_TEXT,
    actor=_TEXT,
    payload=_TEXT,
)
def test_entry_hash_covers_the_canonical_json(seq: int, at: datetime, kind: str, actor: str, payload: str) -> None:
    body = canonical({"seq": seq, "at": at.isoformat(), "kind": kind, "actor": actor, "payload": payload})
    assert (
        _entry_hash("ab" * 32, seq, at, kind, actor, payload) == hashlib.sha256(("ab" * 32 + body).encode()).hexdigest()
    )


def test_a_known_entry_keeps_its_hash() -> None:
    """Pinned: a stored chain written by any version verifies with this function."""
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    payload = canonical({"request": "r-1", "note": 'kata "kutip" \\ ü\n'})
    digest = _entry_hash("0" * 64, 7, at, "dsr.erasure.completed", "system", payload)
    body = canonical(
        {"seq": 7, "at": at.isoformat(), "kind": "dsr.erasure.completed", "actor": "system", "payload": payload}
    )
    assert digest == hashlib.sha256(("0" * 64 + body).encode()).hexdigest()
