"""What a legal hold kept, told to the person in their language: each kept field, the law and the day
it may go (UU PDP art. 8 and GDPR art. 17(3)(b) allow keeping what a law requires; the person is told
what and for how long, GDPR art. 12(4))."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_LINE = {
    "en": "Kept because {law} requires it, until {until}: {fields} ({table}, {rows} row(s)).",
    "id": "Disimpan karena diwajibkan {law}, hingga {until}: {fields} ({table}, {rows} baris).",
}
_HEAD = {
    "en": "Some of your data must be kept by law; everything else was erased:",
    "id": "Sebagian data Anda wajib disimpan menurut undang-undang; selebihnya telah dihapus:",
}


def held_note(result: Mapping[str, Any], language: str) -> str:
    """One line per held table of an erasure's result, in ``language`` (``en`` or ``id``); empty when
    nothing was held. The until date is the UTC calendar day the hold ends."""
    lang = "id" if language == "id" else "en"
    lines = []
    for held in result.get("held", []):
        if not held.get("law"):
            continue  # restricted on request, not a hold
        columns = held.get("columns")
        fields = ", ".join(columns) if isinstance(columns, list) and columns else "-"
        until = str(held.get("until") or "")[:10] or "-"
        lines.append(
            _LINE[lang].format(law=held["law"], until=until, fields=fields, table=held["table"], rows=held["rows"])
        )
    return "\n".join([_HEAD[lang], *lines]) if lines else ""


__all__ = ["held_note"]
