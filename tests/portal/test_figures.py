"""portal.figures: the one percentage rule and the month arithmetic every report uses."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from portal.figures import (
    local_month,
    month_bounds,
    month_end,
    next_month,
    parse_month,
    percent,
    previous_month,
    recent_months,
)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (7, 8, 87.5),
        (2, 3, 66.7),
        (1, 3, 33.3),
        (1, 16, 6.3),  # 6.25 rounds half up, not to even
        (1, 2, 50),
        (3, 3, 100),
        (0, 5, 0),
        (0, 0, None),
    ],
)
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    assert percent(part, whole) == expected


def test_a_whole_percent_prints_without_a_decimal():
    assert (str(percent(1, 2)), str(percent(7, 8))) == ("50", "87.5")


def test_months():
    assert next_month(date(2026, 12, 15)) == date(2027, 1, 1)
    assert previous_month(date(2026, 1, 31)) == date(2025, 12, 1)
    assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert recent_months(date(2026, 2, 10), 3) == [
        date(2026, 2, 1),
        date(2026, 1, 1),
        date(2025, 12, 1),
    ]


def test_month_bounds_are_local_midnights():
    start, end = month_bounds(date(2026, 6, 30))
    assert timezone.localtime(start) == timezone.make_aware(datetime(2026, 6, 1))
    assert timezone.localtime(end) == timezone.make_aware(datetime(2026, 7, 1))
    assert local_month(timezone.make_aware(datetime(2026, 6, 1))) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-06", date(2026, 6, 1)), ("2026-13", None), ("abc", None), (None, None), ("", None)],
)
def test_parse_month(value, expected):
    assert parse_month(value) == expected
