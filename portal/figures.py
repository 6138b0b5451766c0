"""Figures over time: month arithmetic (local time) and the one percentage rule.

Every page that shows a count per month or a rate (the public 留言 statistics, the home-page
block, the leadership dashboard and ranking, the monthly 通报, the 网上评议 results) takes its
months and its percentages from here, so the same figure reads the same everywhere.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

PERCENT_STEP = Decimal("0.1")  # one decimal: 7 of 8 is 87.5 %


def percent(part, whole):
    """Return part/whole as a percentage rounded half up to one decimal, or None when whole is 0.

    The one rounding rule of the portal: 7/8 -> 87.5, 2/3 -> 66.7, 1/16 -> 6.3 (half up, computed
    in Decimal so that no binary fraction tips it). A whole percentage is an int (1/2 -> 50), so
    that every page prints "50%", never "50.0%"; any other is a float with one decimal.
    """
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_STEP, rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


# Months --------------------------------------------------------------------------------------
def month_start(day):
    """Return the first day of day's month."""
    return day.replace(day=1)


def next_month(day):
    """Return the first day of the month after day's month."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_end(day):
    """Return the last day of day's month."""
    return next_month(day) - timedelta(days=1)


def previous_month(day):
    """Return the first day of the month before day's month."""
    return month_start(month_start(day) - timedelta(days=1))


def recent_months(today, count=12):
    """Return the first days of the count months up to today's, newest first."""
    months = [month_start(today)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months


def parse_month(value):
    """Return the first day of the month written as YYYY-MM, or None if it is not one."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def local_bounds(first, last):
    """Return the aware datetimes of [first, last), two local dates (Asia/Shanghai)."""
    return (
        timezone.make_aware(datetime.combine(first, datetime.min.time())),
        timezone.make_aware(datetime.combine(last, datetime.min.time())),
    )


def month_bounds(day):
    """Return the aware start of day's month and of the next month (local time)."""
    return local_bounds(month_start(day), next_month(day))


def local_month(value):
    """Return a TruncMonth value (an aware datetime, or a date for a DateField) as a local date."""
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
