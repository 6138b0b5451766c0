"""Monthly figures of the desk: month arithmetic and the rates derived from counted rows."""

from datetime import date, datetime

from django.utils import timezone


def month_bounds(day):
    """Return the aware start of day's month and of the next month (local time)."""
    start = timezone.make_aware(datetime(day.year, day.month, 1))
    end = timezone.make_aware(datetime(day.year + day.month // 12, day.month % 12 + 1, 1))
    return start, end


def recent_months(today, count=12):
    """Return the first days of the count months up to today's, newest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def percent(part, whole):
    """Return part/whole as a rounded percentage, or None when whole is 0."""
    return round(part * 100 / whole, 1) if whole else None


def with_rates(row):
    """Add reply rate, on-time rate and satisfaction (percentages) to a row of figures."""
    return {
        **row,
        "reply_rate": percent(row["replied_count"], row["received_count"]),
        "on_time_rate": percent(row["on_time_count"], row["replied_count"]),
        "satisfaction_rate": percent(row["satisfied_count"], row["rated_count"]),
    }
