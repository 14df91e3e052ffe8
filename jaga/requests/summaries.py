"""What a carried-out request did, in the person's language: the answer on the status page and in the
completion message ("access: 14 row(s) in 7 table(s)" was English on Indonesian pages and mails).

Only counts and purpose keys go in; a summary never holds personal data.
"""

from __future__ import annotations

from collections.abc import Sequence

from jaga.requests.outbox import Language

TEXTS: dict[str, dict[Language, str]] = {
    "access": {"en": "access", "id": "akses"},
    "erasure": {"en": "erasure", "id": "penghapusan"},
    "rectification": {"en": "rectification", "id": "pembetulan"},
    "restriction": {"en": "restriction", "id": "pembatasan"},
    "rows": {"en": "{kind}: {rows} row(s) in {tables} table(s)", "id": "{kind}: {rows} baris dalam {tables} tabel"},
    "held": {
        "en": "{held} row(s) kept under a legal hold",
        "id": "{held} baris tetap disimpan karena kewajiban hukum",
    },
    "objection": {
        "en": "objection to direct marketing recorded",
        "id": "keberatan atas pemasaran langsung telah dicatat",
    },
    "withdrawn": {
        "en": "consent withdrawn for {count} purpose(s): {purposes}",
        "id": "persetujuan ditarik untuk {count} tujuan: {purposes}",
    },
    "none_held": {"en": "none held", "id": "tidak ada"},
}


def rows_summary(kind: str, rows: int, tables: int, held: int, lang: Language) -> str:
    """``erasure: 14 row(s) in 7 table(s); 2 row(s) kept under a legal hold`` in ``lang``."""
    name = TEXTS.get(kind, {}).get(lang, kind)
    text = TEXTS["rows"][lang].format(kind=name, rows=rows, tables=tables)
    return text + (f"; {TEXTS['held'][lang].format(held=held)}" if held else "")


def objection_summary(lang: Language) -> str:
    return TEXTS["objection"][lang]


def withdrawal_summary(purposes: Sequence[str], lang: Language) -> str:
    listed = ", ".join(purposes) or TEXTS["none_held"][lang]
    return TEXTS["withdrawn"][lang].format(count=len(purposes), purposes=listed)


