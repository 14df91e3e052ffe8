"""Replace findings in free text while leaving every other character exactly as it was."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Literal

from jaga.discover._model import EMAIL, KK, NIK, NPWP, PHONE, Finding
from jaga.errors import JagaError
from jaga.identity import InvalidIdentity, normalise

Mode = Literal["label", "mask", "pseudonym"]
MODES: tuple[Mode, ...] = ("label", "mask", "pseudonym")


_IDENTITY_TYPES = {EMAIL: "email", PHONE: "phone", NIK: "nik", KK: "kk", NPWP: "npwp"}


def _normalise(category: str, value: str) -> str:
    """The form two spellings of one identifier share, so both get the same pseudonym: the identity's
    one normal form (:mod:`jaga.identity`; ``0812-3456-7890`` and ``+62 812 3456 7890`` are one
    number) where the finding is an identity, else its digits or its words."""
    kind = _IDENTITY_TYPES.get(category)
    if kind is not None:
        try:
            return normalise(kind, value)
        except InvalidIdentity:
            pass  # a near-miss the detector still flagged: fall back to the plain rule below
    if category == EMAIL:
        return value.strip().lower()
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if len(digits) >= 7 else " ".join(value.split()).lower()


def pseudonym(category: str, value: str, key: bytes) -> str:
    """A keyed, stable token: equal values stay linkable, the value cannot be recovered without the key."""
    digest = hmac.new(key, f"{category}\x00{_normalise(category, value)}".encode(), hashlib.sha256)
    return f"[{category}:{digest.hexdigest()[:12]}]"


def apply(text: str, findings: Sequence[Finding], mode: Mode, key: bytes | None) -> str:
    """``text`` with each (non-overlapping, sorted) finding replaced according to ``mode``."""
    if mode not in MODES:
        raise JagaError(f"unknown redaction mode {mode!r}", hint="use one of: " + ", ".join(MODES))
    if mode == "pseudonym" and not key:
        raise JagaError("pseudonym mode needs a key", hint="pass key=... or set JAGA_SECRET_KEY")
    parts: list[str] = []
    pos = 0
    for f in findings:
        parts.append(text[pos : f.start])
        value = text[f.start : f.end]
        if mode == "label":
            parts.append(f"[{f.category}]")
        elif mode == "mask":
            parts.append("*" * len(value))
        else:
            assert key is not None
            parts.append(pseudonym(f.category, value, key))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)
