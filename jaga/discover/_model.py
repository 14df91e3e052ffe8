"""Value types shared by the detectors, the column classifier and the writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

NIK: Final = "user.government_id.nik"
KK: Final = "user.government_id.kk"
NPWP: Final = "user.government_id.npwp"
BPJS_KES: Final = "user.government_id.bpjs_kesehatan"
BPJS_TK: Final = "user.government_id.bpjs_ketenagakerjaan"
PASSPORT: Final = "user.government_id.passport_number"
SIM: Final = "user.government_id.drivers_license_number"
PHONE: Final = "user.contact.phone_number"
EMAIL: Final = "user.contact.email"
IP: Final = "user.device.ip_address"
CARD: Final = "user.financial.credit_card"
BANK: Final = "user.financial.bank_account"
DOB: Final = "user.demographic.date_of_birth"
NAME: Final = "user.name"
ADDRESS: Final = "user.contact.address"
SALARY: Final = "user.financial.salary"
HEALTH: Final = "user.health_and_medical"

CATEGORIES: Final[tuple[str, ...]] = (
    NIK, KK, NPWP, BPJS_KES, BPJS_TK, PASSPORT, SIM, PHONE, EMAIL, IP, CARD, BANK, DOB, NAME,
    ADDRESS, SALARY, HEALTH,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One span of personal data in a string.

    ``start``/``end`` are ``str`` indices (code points), so ``text[start:end]`` is the value even in
    multi-byte text. ``detail`` refines the category without widening the taxonomy (``mobile``,
    ``visa``, ``female``).
    """

    start: int
    end: int
    category: str
    confidence: float
    detector: str
    detail: str | None = None


_FIELDS = ("start", "end", "category", "confidence", "detector", "detail")
# The slot descriptors of the frozen dataclass write a field without the frozen ``__setattr__``
# guard: :func:`finding` builds one in about half the time of ``Finding(...)``.
_set_start, _set_end, _set_category, _set_confidence, _set_detector, _set_detail = (
    vars(Finding)[name].__set__ for name in _FIELDS
)
_new = object.__new__


def finding(values: tuple[int, int, str, float, str, str | None]) -> Finding:
    """``Finding(*values)``, faster: the scanner builds one for every span it reports."""
    f: Finding = _new(Finding)
    _set_start(f, values[0])
    _set_end(f, values[1])
    _set_category(f, values[2])
    _set_confidence(f, values[3])
    _set_detector(f, values[4])
    _set_detail(f, values[5])
    return f


@dataclass(frozen=True, slots=True)
class ColumnProposal:
    """What the classifier believes one column holds, with the evidence behind the belief."""

    table: str
    column: str
    categories: tuple[str, ...]
    confidence: float
    name_score: float = 0.0
    value_score: float = 0.0
    sampled: int = 0
    data_type: str = "string"
    primary_key: bool = False

    @property
    def category(self) -> str | None:
        """The main proposed category (free-text columns may carry several)."""
        return self.categories[0] if self.categories else None


@dataclass(slots=True)
class DataMapProposal:
    """A proposed data map for one database or file: every column scanned, PII or not."""

    name: str
    columns: list[ColumnProposal] = field(default_factory=list)

    def personal(self) -> list[ColumnProposal]:
        """Only the columns proposed to hold personal data."""
        return [c for c in self.columns if c.categories]
