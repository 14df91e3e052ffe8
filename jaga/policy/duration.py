"""Durations as people write them in policies ("3x24 hours", "1 month", "10 years").

Law counts months and years on the calendar, not as fixed seconds, so a duration keeps its unit and
is only turned into a point in time by ``add_to``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

Unit = Literal["hours", "days", "months", "years"]

_UNITS: dict[str, Unit] = {
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
    "jam": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "hari": "days",
    "w": "days",
    "week": "days",
    "weeks": "days",
    "minggu": "days",
    "m": "months",
    "mo": "months",
    "month": "months",
    "months": "months",
    "bulan": "months",
    "y": "years",
    "year": "years",
    "years": "years",
    "tahun": "years",
}
_WEEK_WORDS = {"w", "week", "weeks", "minggu"}
_PATTERN = re.compile(r"^\s*(?:(\d+)\s*[x×]\s*)?(\d+)\s*([a-zA-Z]+)\s*$")


class Duration:
    """An amount of calendar units; ``Duration.parse('3x24 hours') == Duration(72, 'hours')``."""

    __slots__ = ("amount", "unit")

    def __init__(self, amount: int, unit: Unit) -> None:
        if amount < 0:
            raise ValueError("a duration cannot be negative")
        self.amount = amount
        self.unit: Unit = unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text)
        if not match or match.group(3).lower() not in _UNITS:
            raise ValueError(
                f"{text!r} is not a duration; write e.g. '72 hours', '3x24 hours', '30 days', '1 month' or '10 years'"
            )
        factor = int(match.group(1) or 1)
        amount = int(match.group(2)) * factor
        word = match.group(3).lower()
        if word in _WEEK_WORDS:
            amount *= 7
        return cls(amount, _UNITS[word])

    def add_to(self, start: datetime) -> datetime:
        """The moment this duration after ``start`` ends, counting months and years on the calendar."""
        if self.unit == "hours":
            return start + timedelta(hours=self.amount)
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        return start + relativedelta(years=self.amount)

    def approx_hours(self) -> float:
        """A comparable length, for "is this promise longer than the law allows?" checks."""
        per_unit = {"hours": 1.0, "days": 24.0, "months": 24.0 * 30.44, "years": 24.0 * 365.25}
        return self.amount * per_unit[self.unit]

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"

    def __repr__(self) -> str:
        return f"Duration({self.amount}, {self.unit!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and (self.amount, self.unit) == (other.amount, other.unit)

    def __hash__(self) -> int:
        return hash((self.amount, self.unit))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> Duration:
            if isinstance(value, Duration):
                return value
            if isinstance(value, str):
                return cls.parse(value)
            raise ValueError("a duration is text such as '72 hours' or '1 month'")

        return core_schema.no_info_plain_validator_function(
            validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )
