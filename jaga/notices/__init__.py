"""Documents generated from the policy: the bilingual privacy notice, the RoPA and data-flow summaries.

Generating them from the policy file (instead of writing them by hand) keeps what a company tells
people, what it tells the authority and what jaga enforces the same text; the notice's version lets a
consent event say exactly which wording a person agreed to.
"""

from jaga.notices._labels import LANGS, Lang
from jaga.notices._sections import SECTIONS, heading
from jaga.notices.diff import Change, ChangeKind, diff_policies, reconsent_reason
from jaga.notices.render import FORMATS, Format, RenderedNotice, md_escape, notice_version, render_notice
from jaga.notices.ropa import COLUMNS, RopaRow, flows_markdown, ropa_csv, ropa_rows, ropa_workbook, write_ropa

__all__ = [
    "COLUMNS",
    "FORMATS",
    "LANGS",
    "SECTIONS",
    "Change",
    "ChangeKind",
    "Format",
    "Lang",
    "RenderedNotice",
    "RopaRow",
    "diff_policies",
    "flows_markdown",
    "heading",
    "md_escape",
    "notice_version",
    "reconsent_reason",
    "render_notice",
    "ropa_csv",
    "ropa_rows",
    "ropa_workbook",
    "write_ropa",
]
