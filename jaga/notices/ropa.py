"""The record of processing activities (GDPR art. 30(1), UU PDP art. 31) and per-purpose data flows.

One row per purpose, built once and written as XLSX (for the DPO and the authority) or CSV (for
diffing in version control); the flow summary reads the same rows so the three never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jaga.errors import JagaError
from jaga.notices import _labels as L
from jaga.notices._labels import Lang
from jaga.notices._sections import basis_text, category_name, retention_text, subject_name
from jaga.notices.render import check_lang, md_escape
from jaga.policy import Policy, Purpose, taxonomy_for
from jaga.regimes import get_regime

#: Column key -> (English header, Indonesian header), in sheet order.
COLUMNS: dict[str, tuple[str, str]] = {
    "purpose": ("Purpose", "Tujuan"),
    "description": ("Description", "Uraian"),
    "basis": ("Legal basis", "Dasar pemrosesan"),
    "categories": ("Categories of personal data", "Jenis data pribadi"),
    "special": ("Specific/special data", "Data pribadi yang bersifat spesifik"),
    "subjects": ("Categories of data subjects", "Subjek data pribadi"),
    "recipients": ("Recipients", "Penerima"),
    "transfers": ("Transfers abroad and safeguard", "Transfer ke luar negeri dan pelindungannya"),
    "retention": ("Retention", "Jangka waktu penyimpanan"),
    "security": ("Security measures", "Langkah keamanan"),
}


@dataclass(frozen=True)
class RopaRow:
    """One processing activity; ``cells`` follows :data:`COLUMNS`."""

    purpose: Purpose
    lang: Lang
    cells: dict[str, str]
    countries: list[str]


def ropa_rows(policy: Policy, language: str = "en") -> list[RopaRow]:
    """One row per purpose of ``policy``, in the policy's order."""
    lang = check_lang(language)
    taxonomy = taxonomy_for(policy)
    home = policy.controller.jurisdiction
    security = "; ".join(policy.security) or L.word("not_stated", lang)
    rows = []
    for p in policy.purposes:
        recipients = [r for key in p.recipients if (r := policy.recipient(key))]
        abroad = [r for r in recipients if r.country != home]
        special = sorted(
            {
                f"{category_name(taxonomy, c, lang)} ({article})"
                for c in p.categories
                for regime in policy.controller.regimes
                if (article := taxonomy.sensitivity(c, regime))
            }
        )
        cells = {
            "purpose": p.key,
            "description": L.text(p.description, lang),
            "basis": basis_text(policy, p, lang),
            "categories": ", ".join(category_name(taxonomy, c, lang) for c in p.categories),
            "special": "; ".join(special) or L.word("none", lang),
            "subjects": ", ".join(subject_name(taxonomy, s, lang) for s in p.subjects),
            "recipients": "; ".join(f"{r.name} ({L.pick(L.ROLE[r.role], lang)}, {r.country})" for r in recipients)
            or L.word("none", lang),
            "transfers": "; ".join(f"{r.name} → {r.country}: {L.pick(L.SAFEGUARD[r.safeguard], lang)}" for r in abroad)
            or L.word("none", lang),
            "retention": retention_text(policy, p, lang),
            "security": security,
        }
        rows.append(RopaRow(p, lang, cells, sorted({r.country for r in recipients})))
    return rows


def _headers(lang: Lang) -> list[str]:
    return [L.pick(pair, lang) for pair in COLUMNS.values()]


def ropa_csv(policy: Policy, lang: str = "en") -> str:
    """The RoPA as CSV text (header row, then one row per purpose)."""
    rows = ropa_rows(policy, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_headers(check_lang(lang)))
    for row in rows:
        writer.writerow([row.cells[k] for k in COLUMNS])
    return out.getvalue()


def ropa_workbook(policy: Policy, language: str = "en") -> Workbook:
    """The RoPA as a workbook: sheet ``RoPA`` (one row per purpose) and sheet ``Controller``."""
    lang = check_lang(language)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "RoPA"
    sheet.append(_headers(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ropa_rows(policy, lang):
        sheet.append([row.cells[k] for k in COLUMNS])
    for index, column in enumerate(sheet.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            60, max(12, *(len(str(c.value or "")) for c in column))
        )
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    c = policy.controller
    info = book.create_sheet("Controller")
    articles = "; ".join(get_regime(r).records_article for r in c.regimes)
    for label, value in (
        (L.word("controller", lang), c.legal_name),
        ("Address", c.address or ""),
        ("Contact", (c.contact.email or c.contact.phone or "") if c.contact else ""),
        (L.word("dpo", lang), ", ".join(x for x in (c.dpo.name, c.dpo.email) if x) if c.dpo else ""),
        (L.word("version", lang), policy.version),
        (L.word("article", lang), articles),
    ):
        info.append([label, value])
    return book


def write_ropa(policy: Policy, path: str | Path, lang: str = "en") -> Path:
    """Write the RoPA to ``path``; the suffix (.xlsx or .csv) picks the format."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise JagaError("unknown RoPA format", where=str(file), hint="name the file *.xlsx or *.csv")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":
            file.write_text(ropa_csv(policy, lang), encoding="utf-8")
        else:
            ropa_workbook(policy, lang).save(file)
    except OSError as exc:
        raise JagaError(f"cannot write the RoPA ({exc.strerror})", where=str(file)) from None
    return file


def flows_markdown(policy: Policy, lang: str = "en") -> str:
    """Per purpose: subjects → categories → purpose → recipients/countries → retention, as Markdown."""
    title = "Data flows" if check_lang(lang) == "en" else "Alur data"
    lines = [f"# {title} — {md_escape(policy.controller.legal_name)}", ""]
    for row in ropa_rows(policy, lang):
        c = {k: md_escape(v) for k, v in row.cells.items()}
        where = ", ".join(row.countries) or policy.controller.jurisdiction
        lines += [
            f"## {c['purpose']}: {c['description']}",
            "",
            f"{c['subjects']} → {c['categories']} → **{c['purpose']}** ({c['basis']}) → "
            f"{c['recipients']} [{where}] → {c['retention']}",
            "",
        ]
    return "\n".join(lines)
