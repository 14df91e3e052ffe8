from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaga.policy import Duration


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3x24 hours", Duration(72, "hours")),
        ("3 × 24 jam", Duration(72, "hours")),
        ("1 month", Duration(1, "months")),
        ("10 tahun", Duration(10, "years")),
        ("2 weeks", Duration(14, "days")),
    ],
)
def test_parse(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "3 fortnights", "-1 day", "x hours"])
def test_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_month_end_is_calendar_aware() -> None:
    assert Duration(1, "months").add_to(datetime(2026, 1, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)


@given(st.integers(0, 10_000), st.sampled_from(["hours", "days", "months", "years"]))
def test_str_parse_roundtrip(amount: int, unit: str) -> None:
    d = Duration(amount, unit)  # type: ignore[arg-type]
    assert Duration.parse(str(d)) == d
