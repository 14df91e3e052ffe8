"""Replace findings in free text while leaving every other character exactly as it was."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Literal

from jaga.discover._model import EMAIL, Finding
from jaga.errors import JagaError

Mode = Literal["label", "mask", "pseudonym"]
MODES: tuple[Mode, ...] = ("label", "mask", "pseudonym")


def _normalise(category: str, value: str) -> str:
    """The form two spellings of one identifier share, so both get the same pseudonym."""
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
