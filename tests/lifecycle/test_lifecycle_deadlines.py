"""Deadlines per regime and right: calendar hours (UU PDP), calendar months (GDPR), pauses, extensions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jaga.policy import Right
from jaga.requests.deadlines import Clock, DeadlineError, check_extension, rule_for, show

WIB = ZoneInfo("Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WIB).astimezone(UTC)


def end_of_day(y: int, m: int, d: int) -> datetime:
    return wib(y, m, d, 23, 59, 59)


def _jakarta(*args: Any, **kwargs: Any) -> Clock:
    """A request of a controller whose policy states Asia/Jakarta."""
    return Clock(*args, zone=WIB, **kwargs)


def test_uu_pdp_72_calendar_hours_over_a_weekend() -> None:
    friday = wib(2025, 1, 3, 16, 0)
    assert _jakarta("uu_pdp", Right.access, friday).due() == wib(2025, 1, 6, 16, 0)  # Monday, same hour


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (wib(2025, 1, 30, 22, 0), wib(2025, 2, 2, 22, 0)),  # across the end of January
        (wib(2024, 2, 28, 10, 0), wib(2024, 3, 2, 10, 0)),  # leap February
        (wib(2025, 2, 27, 10, 0), wib(2025, 3, 2, 10, 0)),  # common February
        (wib(2024, 12, 30, 12, 0), wib(2025, 1, 2, 12, 0)),  # across the year end
    ],
)
def test_uu_pdp_72_hours_across_month_ends(start: datetime, due: datetime) -> None:
    assert _jakarta("uu_pdp", Right.rectification, start).due() == due
    assert due - start == timedelta(hours=72)


def test_gdpr_one_month_from_31_january_is_end_of_february() -> None:
    assert _jakarta("gdpr", Right.access, wib(2025, 1, 31, 10, 0)).due() == end_of_day(2025, 2, 28)
    assert _jakarta("gdpr", Right.access, wib(2024, 1, 31, 10, 0)).due() == end_of_day(2024, 2, 29)


def test_gdpr_counts_on_the_controllers_calendar_not_utc() -> None:
    # 03:00 WIB on 31 January is still 30 January in UTC; the deadline follows Jakarta's date
    early = wib(2025, 1, 31, 3, 0)
    assert early.day == 30
    assert _jakarta("gdpr", Right.erasure, early).due() == end_of_day(2025, 2, 28)


def test_gdpr_corresponding_day() -> None:
    assert _jakarta("gdpr", Right.access, wib(2025, 3, 5, 9, 0)).due() == end_of_day(2025, 4, 5)


def test_gdpr_extension_adds_two_months_counted_from_receipt() -> None:
    clock = _jakarta("gdpr", Right.access, wib(2025, 1, 31, 10, 0))
    rule = check_extension(clock, wib(2025, 2, 20, 10, 0))
    assert rule.extension_article == "GDPR art. 12(3)"
    assert _jakarta("gdpr", Right.access, clock.received_at, extended=True).due() == end_of_day(2025, 4, 30)


def test_gdpr_extension_refused_after_the_first_month() -> None:
    clock = _jakarta("gdpr", Right.access, wib(2025, 1, 31, 10, 0))
    with pytest.raises(DeadlineError, match=r"too late to extend.*GDPR art\. 12\(3\)"):
        check_extension(clock, wib(2025, 3, 1, 0, 0, 1))


def test_gdpr_extension_only_once() -> None:
    clock = _jakarta("gdpr", Right.access, wib(2025, 1, 31, 10, 0), extended=True)
    with pytest.raises(DeadlineError, match="already extended"):
        check_extension(clock, wib(2025, 2, 1))


@pytest.mark.parametrize(("right", "article"), [(Right.access, "UU PDP art. 32(2)"), (Right.erasure, "UU PDP art. 8")])
def test_uu_pdp_has_no_extension(right: Right, article: str) -> None:
    clock = _jakarta("uu_pdp", right, wib(2025, 1, 31, 10, 0))
    with pytest.raises(DeadlineError, match=r"allows no extension") as info:
        check_extension(clock, wib(2025, 1, 31, 11, 0))
    assert article in str(info.value)


def test_pauses_move_the_deadline() -> None:
    start = wib(2025, 1, 31, 10, 0)
    paused = _jakarta("gdpr", Right.access, start, paused=timedelta(days=3))
    assert paused.due() == end_of_day(2025, 2, 28) + timedelta(days=3)
    # the first period includes pauses too: an extension noticed during a paused stretch is in time
    check_extension(paused, end_of_day(2025, 2, 28) + timedelta(days=2))


def test_rights_without_a_deadline_are_refused() -> None:
    with pytest.raises(DeadlineError, match="no response deadline"):
        rule_for("gdpr", Right.complaint)
    with pytest.raises(DeadlineError, match="grants no right"):
        rule_for("gdpr", Right.compensation)


def test_regime_data_is_the_source() -> None:
    assert rule_for("uu_pdp", Right.access).pausable is False
    assert rule_for("gdpr", Right.access).pausable is True


def test_shown_in_jakarta() -> None:
    assert show(datetime(2025, 2, 28, 16, 59, tzinfo=UTC), WIB) == "2025-02-28 23:59 WIB"


BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # 23:30 in Berlin on 31 January is already 1 February in Jakarta: Jakarta's calendar gives 1 March
        (berlin(2025, 1, 31, 23, 30), berlin(2025, 2, 28, 23, 59, 59)),
        # month end across the spring DST change (30 March 2025): the month ends at 23:59:59 CEST
        (berlin(2025, 3, 31, 9, 0), berlin(2025, 4, 30, 23, 59, 59)),
        (berlin(2025, 3, 1, 0, 30), berlin(2025, 4, 1, 23, 59, 59)),
        # and across the autumn change (26 October 2025), back on CET
        (berlin(2025, 10, 1, 12, 0), berlin(2025, 11, 1, 23, 59, 59)),
    ],
)
def test_gdpr_month_on_a_berlin_controllers_calendar(received: datetime, due: datetime) -> None:
    clock = Clock("gdpr", Right.access, received, zone=BERLIN)
    assert clock.due() == due
    assert show(due, BERLIN).endswith(("23:59 CET", "23:59 CEST"))
    assert Clock("gdpr", Right.access, received, zone=WIB).due() != due  # the old Jakarta-for-all bug


def test_jakarta_and_berlin_differ_across_midnight() -> None:
    """One instant, two controllers: 20:00 UTC on 31 January is 1 February in Jakarta, 31 January in Berlin."""
    instant = datetime(2025, 1, 31, 20, 0, tzinfo=UTC)
    assert Clock("gdpr", Right.access, instant, zone=WIB).due() == wib(2025, 3, 1, 23, 59, 59)
    assert Clock("gdpr", Right.access, instant, zone=BERLIN).due() == berlin(2025, 2, 28, 23, 59, 59)
    # UU PDP counts exact hours: the same instant for every zone, shown in each zone's own time
    due = Clock("uu_pdp", Right.access, instant, zone=BERLIN).due()
    assert due == Clock("uu_pdp", Right.access, instant, zone=WIB).due() == instant + timedelta(hours=72)
    assert (show(due, WIB), show(due, BERLIN)) == ("2025-02-04 03:00 WIB", "2025-02-03 21:00 CET")


def test_show_labels_utc_as_utc_and_refuses_naive_times() -> None:
    assert show(datetime(2025, 2, 28, 16, 59, tzinfo=UTC), ZoneInfo("UTC")) == "2025-02-28 16:59 UTC"
    with pytest.raises(ValueError, match="naive"):
        show(datetime(2025, 2, 28, 16, 59), WIB)
