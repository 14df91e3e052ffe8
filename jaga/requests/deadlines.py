"""When a request must be answered, computed from the regimes data (never from numbers written here).

Two ways of counting, because the two laws count differently:

* **hours** (UU PDP "3 x 24 jam"): calendar hours from receipt, weekends and month ends included, so
  the deadline is an exact instant 72 hours later.
* **months** (GDPR art. 12(3)): on the controller's calendar, following Regulation 1182/71 art. 3 as the
  EDPB guidance does: the period ends at the end of the day with the same date in the last month, or
  the last day of that month when it has no such date (31 January + 1 month = end of 28/29 February).
  Counting happens in the controller's zone, which comes from the policy (``Controller.zone``) and is
  kept on each request: counting in UTC would move a request received at 03:00 WIB on 31 January to
  30 January and give the wrong day, and counting in Jakarta for a Berlin controller ends the month
  six or seven hours early.

Time spent waiting on the person is added back only where the regime marks the right ``pausable``;
an extension exists only where the regime gives one, and only while the first period still runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from jaga.errors import JagaError
from jaga.policy import UTC_ZONE, Duration, Right, show
from jaga.regimes import RightRule, get_regime


class DeadlineError(JagaError):
    """A deadline question the law answers with "no": no such right, no extension, too late to extend."""


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; jaga works in timezone-aware UTC")
    return moment.astimezone(UTC)


def rule_for(regime: str, right: Right) -> RightRule:
    """The regime's rule for ``right``; a right the regime does not grant, or without a deadline, is refused."""
    reg = get_regime(regime)
    rule = reg.rule(right)
    if rule is None:
        raise DeadlineError(
            f"{reg.name} grants no right {right.value!r} that can be requested here",
            hint=f"use one of {', '.join(r.value for r, x in reg.rights.items() if x.deadline is not None)}",
        )
    if rule.deadline is None:
        raise DeadlineError(
            f"the right {right.value!r} has no response deadline under {reg.name} ({rule.article})",
            hint="it is not handled as a data-subject request",
        )
    return rule


def add_period(start: datetime, period: Duration, tz: ZoneInfo) -> datetime:
    """``start`` + ``period``: exact hours/days, or calendar months/years ending at the end of the day."""
    start = _aware(start)
    if period.unit == "hours":
        return start + timedelta(hours=period.amount)
    if period.unit == "days":
        return start + timedelta(days=period.amount)
    local = start.astimezone(tz)
    delta = relativedelta(months=period.amount) if period.unit == "months" else relativedelta(years=period.amount)
    last_day = (local + delta).date()  # relativedelta clips 31 Jan + 1 month to the last day of February
    end_of_day = datetime.combine(last_day, time(23, 59, 59), tzinfo=local.tzinfo)
    return end_of_day.astimezone(UTC)


def _combined(rule: RightRule) -> Duration:
    """The whole period once extended: "two further months" on top of one month is three from receipt.

    Counting both from receipt (not extension from the clipped first deadline) keeps 31 January + 3
    months at 30 April instead of 28 April.
    """
    assert rule.deadline is not None and rule.extension is not None
    if rule.deadline.unit == rule.extension.unit:
        return Duration(rule.deadline.amount + rule.extension.amount, rule.deadline.unit)
    raise DeadlineError("deadline and extension use different units", hint="fix the regime data")


@dataclass(frozen=True)
class Clock:
    """What a request's deadline depends on; ``paused`` counts only pauses the regime allows.

    ``zone`` is the controller's calendar for periods counted in months (UTC when the policy states none).
    """

    regime: str
    right: Right
    received_at: datetime
    paused: timedelta = timedelta(0)
    extended: bool = False
    zone: ZoneInfo = UTC_ZONE

    @property
    def rule(self) -> RightRule:
        return rule_for(self.regime, self.right)

    def first_deadline(self) -> datetime:
        """The end of the first period (pauses added back), the last moment an extension may be sent."""
        rule = self.rule
        assert rule.deadline is not None
        return add_period(self.received_at, rule.deadline, self.zone) + self.paused

    def due(self) -> datetime:
        """The deadline as it stands: first period, or the extended one, plus allowed pauses."""
        if not self.extended:
            return self.first_deadline()
        return add_period(self.received_at, _combined(self.rule), self.zone) + self.paused


def check_extension(clock: Clock, now: datetime) -> RightRule:
    """Whether the deadline may be extended now; raises :class:`DeadlineError` citing the article if not.

    GDPR art. 12(3): by two further months, once, and only if the person is told within the first month.
    UU PDP gives no extension: its 3x24 hours are final.
    """
    rule = clock.rule
    reg = get_regime(clock.regime)
    if rule.extension is None:
        article = rule.deadline_article or rule.article
        raise DeadlineError(
            f"{reg.name} allows no extension of the {rule.deadline} deadline for {clock.right.value} ({article})",
            hint="answer within the deadline or refuse with the article that allows it",
        )
    if clock.extended:
        raise DeadlineError(
            f"the deadline was already extended by {rule.extension} ({rule.extension_article})",
            hint="an extension can be used only once",
        )
    first = clock.first_deadline()
    if _aware(now) > first:
        raise DeadlineError(
            f"too late to extend: the person must be told within the first period, which ended "
            f"{show(first, clock.zone)} ({rule.extension_article})",
            hint="the request is overdue; answer it now",
        )
    return rule


def remaining(due: datetime, now: datetime) -> timedelta:
    """Time left until ``due`` (negative when overdue)."""
    return _aware(due) - _aware(now)
