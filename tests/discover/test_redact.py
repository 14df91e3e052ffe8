"""Redaction keeps every character outside the replaced spans and handles each mode."""

from __future__ import annotations

import pytest

from jaga.discover import redact, scan_text
from jaga.errors import JagaError

TEXT = "Halo 👋 nama: Budi Santoso, email budi@example.com, HP 0812-3456-7890. Terima kasih — ✓"


def test_label_mode() -> None:
    out = redact(TEXT)
    assert out == ("Halo 👋 nama: [user.name], email [user.contact.email], HP [user.contact.phone_number]. "
                   "Terima kasih — ✓")  # fmt: skip


def test_mask_keeps_length_and_outside_bytes() -> None:
    out = redact(TEXT, "mask")
    assert len(out) == len(TEXT)
    spans = scan_text(TEXT)
    inside = {i for f in spans for i in range(f.start, f.end)}
    for i, (a, b) in enumerate(zip(TEXT, out, strict=True)):
        assert b == "*" if i in inside else a == b


def test_pseudonym_is_keyed_and_stable() -> None:
    a = redact("email budi@example.com", "pseudonym", key="k1")
    assert a == redact("email BUDI@example.com", "pseudonym", key="k1")  # normalised
    assert a != redact("email budi@example.com", "pseudonym", key="k2")
    assert "budi" not in a and a.startswith("email [user.contact.email:")
    assert redact("hp 0812-3456-7890", "pseudonym", key="k") == redact("hp 081234567890", "pseudonym", key="k")


def test_pseudonym_needs_key_and_mode_must_exist() -> None:
    with pytest.raises(JagaError):
        redact(TEXT, "pseudonym")
    with pytest.raises(JagaError):
        redact(TEXT, "shred")  # type: ignore[arg-type]


def test_categories_filter() -> None:
    assert redact(TEXT, categories=["user.contact"]).count("[user.name]") == 0


def test_overlaps_resolved_higher_confidence_wins() -> None:
    # "Jl." starts an address that contains nothing else; the phone after it is its own finding.
    text = "alamat: Jl. Merdeka No. 5, Bandung 40111, hp 081234567890"
    cats = [f.category for f in scan_text(text)]
    assert cats == ["user.contact.address", "user.contact.phone_number"]
