"""Value types shared by the detectors, the column classifier and the writers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Final, NamedTuple

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
# Proposed for columns only, never found in text: a column of emails and phones mixed (one contact a
# row), and the parts of an address a column name gives away (a city's name alone identifies nobody).
CONTACT: Final = "user.contact"
CITY: Final = "user.contact.address.city"
STATE: Final = "user.contact.address.state"
POSTAL: Final = "user.contact.address.postal_code"

CATEGORIES: Final[tuple[str, ...]] = (
    NIK, KK, NPWP, BPJS_KES, BPJS_TK, PASSPORT, SIM, PHONE, EMAIL, IP, CARD, BANK, DOB, NAME,
    ADDRESS, SALARY, HEALTH,
)  # fmt: skip


class Finding(NamedTuple):
    """One span of personal data in a string.

    ``start``/``end`` are ``str`` indices (code points), so ``text[start:end]`` is the value even in
    multi-byte text. ``detail`` refines the category without widening the taxonomy (``mobile``,
    ``visa``, ``female``).

    A named tuple rather than a frozen dataclass: the scanner builds one for every span it reports,
    and a tuple copies its fields in C, in about a third of the time the dataclass's slots are set.
    """

    start: int
    end: int
    category: str
    confidence: float
    detector: str
    detail: str | None = None


# ``Finding(*values)``, faster: the scanner's candidates already hold the fields in order.
finding: Callable[[tuple[int, int, str, float, str, str | None]], Finding] = partial(tuple.__new__, Finding)


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
    references: tuple[tuple[str, str], ...] = ()
    """The (table, column) pairs the column's foreign keys point at: how the map links its tables."""

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
