"""Working-day arithmetic: dates in, dates out.

The bureau counts statutory deadlines (依申请公开 20 working days, 补正 7, the 20-day rule)
in working days. Until the working-day calendar (WorkCalendarDay) holds a year, its days are counted
on weekends only and the result is marked provisional (预估).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date with how it was reached."""

    value: date
    is_provisional: bool = False
    skipped: list = field(default_factory=list)  # (date, note) of weekdays that were holidays
    counted_weekends: list = field(default_factory=list)  # (date, note) of 调休 working weekends


def is_working_day(day):
    """Return whether the bureau works on the given date."""
    return day.weekday() < 5


def add_working_days(start, n):
    """Return the date n working days after start (start itself is not counted)."""
    day, remaining = start, n
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return WorkdayResult(value=day, is_provisional=True)


def working_days_between(start, end):
    """Return the number of working days after start up to and including end (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
