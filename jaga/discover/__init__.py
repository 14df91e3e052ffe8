"""PII discovery: find personal data in free text and propose data categories for database columns.

Indonesian identifiers (NIK, KK, NPWP, BPJS, SIM, passport, +62 phones, bank accounts) are validated
beyond their shape (region codes, birth dates, check digits, bank-specific lengths) and weighed by
context words in Indonesian and English, so that order numbers and timestamps are not reported.

    >>> from jaga.discover import scan_text, redact
    >>> [f.category for f in scan_text("NIK saya 3174051205900012")]
    ['user.government_id.nik']
    >>> redact("email budi@example.com")
    'email [user.contact.email]'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from jaga.discover._columns import classify_column as _classify_column
from jaga.discover._fides import dump_fides, undeclared
from jaga.discover._model import CATEGORIES, ColumnProposal, DataMapProposal, Finding
from jaga.discover._redact import MODES, Mode
from jaga.discover._redact import apply as _apply
from jaga.discover._sources import Progress
from jaga.discover._sources import discover as _discover
from jaga.discover._text import Scanner

__all__ = [
    "CATEGORIES",
    "MODES",
    "ColumnProposal",
    "DataMapProposal",
    "Finding",
    "Mode",
    "Progress",
    "Scanner",
    "classify_column",
    "discover_database",
    "dump_fides",
    "redact",
    "scan_text",
    "undeclared",
    "write_fides",
]

DEFAULT_MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=8)
def _scanner(min_confidence: float) -> Scanner:
    return Scanner(min_confidence)


_DEFAULT_SCAN = _scanner(DEFAULT_MIN_CONFIDENCE).scan  # the usual call skips the cache lookup


def scan_text(text: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[Finding]:
    """Personal data in ``text``: non-overlapping findings in order, ``text[f.start:f.end]`` is the value."""
    if min_confidence == DEFAULT_MIN_CONFIDENCE:
        return _DEFAULT_SCAN(text)
    return _scanner(min_confidence).scan(text)


def redact(
    text: str,
    mode: Mode = "label",
    key: bytes | str | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    categories: Iterable[str] | None = None,
) -> str:
    """``text`` with personal data replaced; every character outside the replaced spans is kept.

    ``label`` writes ``[user.contact.email]``, ``mask`` writes one ``*`` per character, ``pseudonym``
    writes a keyed HMAC token that is equal for equal values (needs ``key``). ``categories`` limits
    redaction to those taxonomy keys (and their descendants).
    """
    findings = scan_text(text, min_confidence=min_confidence)
    if categories is not None:
        wanted = tuple(categories)
        findings = [f for f in findings if any(f.category == c or f.category.startswith(c + ".") for c in wanted)]
    raw_key = key.encode() if isinstance(key, str) else key
    return _apply(text, findings, mode, raw_key)


def classify_column(
    column: str, values: Iterable[object], *, table: str = "", min_confidence: float = 0.4
) -> ColumnProposal:
    """Propose a data category for one column from its name and a sample of its values."""
    return _classify_column(column, values, table=table, min_confidence=min_confidence)


def discover_database(
    url: str,
    *,
    sample: int | None = 1000,
    tables: Sequence[str] | None = None,
    schema: str | None = None,
    min_confidence: float = 0.4,
    progress: Progress | None = None,
    encoding: str = "utf-8",
    settle_after: int | None = 20_000,
) -> DataMapProposal:
    """Sample every table of a database (SQLAlchemy URL) or CSV/TSV/Parquet file(s) and propose a data map.

    Rows are streamed (server-side cursors, ``yield_per``), so memory does not grow with table size;
    ``sample=None`` streams every row; a column whose values have agreed (or all missed) for
    ``settle_after`` values stops being run through the detectors (``None``: check every value).
    Raises :class:`jaga.errors.JagaError` for unreachable databases, missing tables, binary files or
    a wrong encoding.
    """
    return _discover(
        url,
        sample=sample,
        tables=tables,
        schema=schema,
        min_confidence=min_confidence,
        progress=progress,
        encoding=encoding,
        settle_after=settle_after,
    )


def write_fides(proposal: DataMapProposal, path: str | Path | None = None) -> str:
    """Write the proposal as Fides dataset YAML to ``path`` (if given) and return the text."""
    text = dump_fides(proposal)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
