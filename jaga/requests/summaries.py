"""What a carried-out request did, in any language: the answer in the completion message, on the status
page and in the console ("access: 14 row(s) in 7 table(s)" was English on Indonesian pages and mails).

The answer is built from the facts the completion recorded (counts, purpose keys; never personal data),
so each page can say it in its own language instead of repeating the text stored once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jaga.requests.lifecycle import Status, TransitionView
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
    "kept_head": {
        "en": "Some of your data must be kept by law; everything else was erased:",
        "id": "Sebagian data Anda wajib disimpan menurut undang-undang; selebihnya telah dihapus:",
    },
    "kept": {
        "en": "Kept because {law} requires it, until {until}: {fields} ({table}, {rows} row(s)).",
        "id": "Disimpan karena diwajibkan {law}, hingga {until}: {fields} ({table}, {rows} baris).",
    },
}
HELD_FACTS = ("table", "rows", "law", "until", "columns")
"""What a completion records of each legal hold (UU PDP art. 8, GDPR art. 17(3)(b)): the person is told
each kept field, the law and the day it may go (GDPR art. 12(4))."""


def rows_summary(kind: str, rows: int, tables: int, held: int, lang: Language) -> str:
    """``erasure: 14 row(s) in 7 table(s); 2 row(s) kept under a legal hold`` in ``lang``."""
    name = TEXTS.get(kind, {}).get(lang, kind)
    text = TEXTS["rows"][lang].format(kind=name, rows=rows, tables=tables)
    return text + (f"; {TEXTS['held'][lang].format(held=held)}" if held else "")


def held_note(facts: Mapping[str, Any], lang: Language) -> str:
    """One line per legal hold in ``facts["held"]`` (:data:`HELD_FACTS`), in ``lang``; empty when
    nothing was held. The date is the UTC calendar day the hold ends."""
    lines = []
    for held in facts.get("held") or []:
        if not held.get("law"):
            continue  # restricted on request, not kept by a law
        columns = held.get("columns")
        fields = ", ".join(columns) if isinstance(columns, list) and columns else "-"
        until = str(held.get("until") or "")[:10] or "-"
        text = TEXTS["kept"][lang]
        lines.append(text.format(law=held["law"], until=until, fields=fields, table=held["table"], rows=held["rows"]))
    return "\n".join([TEXTS["kept_head"][lang], *lines]) if lines else ""


def objection_summary(lang: Language) -> str:
    return TEXTS["objection"][lang]


def withdrawal_summary(purposes: Sequence[str], lang: Language) -> str:
    listed = ", ".join(purposes) or TEXTS["none_held"][lang]
    return TEXTS["withdrawn"][lang].format(count=len(purposes), purposes=listed)


def describe(facts: Mapping[str, Any], lang: Language) -> str | None:
    """The answer a handler's ``facts`` stand for, in ``lang``; None for facts of another kind."""
    if "kind" in facts and isinstance(facts.get("tables"), Mapping):
        tables: Mapping[str, int] = facts["tables"]
        text = rows_summary(str(facts["kind"]), sum(tables.values()), len(tables), int(facts.get("held_rows", 0)), lang)
        note = held_note(facts, lang)
        return f"{text}\n{note}" if note else text
    if facts.get("ledger") == "objection":
        return objection_summary(lang)
    if isinstance(facts.get("withdrawn"), list):
        return withdrawal_summary([str(p) for p in facts["withdrawn"]], lang)
    return None


def answer(steps: Sequence[TransitionView], lang: Language) -> str | None:
    """The completed request's answer in ``lang``, from its completion step; None if there is none to tell."""
    done = [s for s in steps if s.to_status == Status.completed]
    return describe(done[-1].data, lang) if done else None
