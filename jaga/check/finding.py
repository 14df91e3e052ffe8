"""What a lint rule reports: one shortfall of the policy against one law, in English and Indonesian."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    regime: str
    article: str
    message: str
    message_id: str
    path: tuple[str | int, ...]
    where: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "regime": self.regime,
            "article": self.article,
            "message": self.message,
            "message_id": self.message_id,
            "path": ".".join(str(p) for p in self.path),
            "where": self.where,
        }
