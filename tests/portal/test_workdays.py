"""The working-day calendar: hand-checked deadlines across 国庆 and 春节, provisional years."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from portal import workdays
from portal.models import WorkCalendarDay
from portal.workdays import (
    add_working_days,
    is_working_day,
    working_days_before,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar(db):
    """The seeded calendar (the migration seeds it; a flushed test database may have lost it)."""
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2004, 2031))


def test_national_day_2025_with_its_two_makeup_days():
    """Fri 26 Sep 2025 + 20: 28 Sep (Sun) and 11 Oct (Sat) count, 1–8 Oct are off."""
    result = add_working_days(date(2025, 9, 26), 20)
    assert result.value == date(2025, 10, 30)
    assert not result.is_provisional
    assert [d for d, _ in result.counted_weekends] == [date(2025, 9, 28), date(2025, 10, 11)]
    assert [d for d, _ in result.skipped] == [
        date(2025, 10, 1),
        date(2025, 10, 2),
        date(2025, 10, 3),
        date(2025, 10, 6),
        date(2025, 10, 7),
        date(2025, 10, 8),
    ]
    assert result.skipped[0][1] == "国庆节"
    text = result.explain()
    assert "跳过法定节假日 6 天" in text and "10月1日（国庆节）" in text
    assert "计入调休上班日 2 天" in text and "9月28日（星期日，国庆节调休上班）" in text


def test_spring_festival_2026_with_its_two_makeup_saturdays():
    """Fri 6 Feb 2026 + 20: Sat 14 Feb and Sat 28 Feb count; 16–20 and 23 Feb are off."""
    result = add_working_days(date(2026, 2, 6), 20)
    assert result.value == date(2026, 3, 12)
    assert [d for d, _ in result.counted_weekends] == [date(2026, 2, 14), date(2026, 2, 28)]
    assert [d.day for d, _ in result.skipped] == [16, 17, 18, 19, 20, 23]
    assert {note for _, note in result.skipped} == {"春节"}


def test_mid_autumn_and_national_day_2026():
    """Fri 18 Sep 2026 + 20: 中秋 25 Sep and 国庆 1–7 Oct off; 20 Sep and 10 Oct worked."""
    result = add_working_days(date(2026, 9, 18), 20)
    assert result.value == date(2026, 10, 22)
    assert [d for d, _ in result.skipped] == [
        date(2026, 9, 25),
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 5),
        date(2026, 10, 6),
        date(2026, 10, 7),
    ]
    assert [d for d, _ in result.counted_weekends] == [date(2026, 9, 20), date(2026, 10, 10)]


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # the day before 国庆 → the first day after
        (date(2025, 10, 10), 1, date(2025, 10, 11)),  # Friday → the 调休 Saturday
        (date(2025, 9, 26), 7, date(2025, 10, 13)),  # 补正 limit across 国庆
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # 调休 Saturday → after 春节
        (date(2026, 1, 1), 1, date(2026, 1, 4)),  # 元旦 → the 调休 Sunday
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 3, 6), 5, date(2026, 3, 13)),  # a plain week
    ],
)
def test_add_working_days_cases(start, n, expected):
    assert add_working_days(start, n).value == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),
        (date(2025, 9, 28), True),  # Sunday, 调休
        (date(2025, 10, 11), True),  # Saturday, 调休
        (date(2025, 10, 12), False),
        (date(2026, 2, 23), False),  # Monday, 春节
        (date(2026, 3, 2), True),
        (date(2030, 10, 8), True),  # unknown year: a weekday counts
        (date(2030, 10, 1), False),  # unknown year: 国庆 by law
        (date(2030, 10, 5), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_between_counts():
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2026, 2, 6), date(2026, 3, 12)) == 20
    assert working_days_between(date(2026, 3, 12), date(2026, 2, 6)) == 0
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_before_counts_back_over_the_holidays():
    """The inverse of working_days_between: the Art. 26 threshold of late catalog items."""
    assert working_days_before(date(2025, 10, 30), 20) == date(2025, 9, 26)
    assert working_days_before(date(2025, 10, 9), 1) == date(2025, 9, 30)
    assert working_days_before(date(2026, 3, 12), 20) == date(2026, 2, 6)
    assert working_days_before(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_unknown_year_counts_weekends_only_and_is_provisional():
    result = add_working_days(date(2030, 3, 1), 20)  # Fri; no calendar for 2030, no holiday
    assert result.value == date(2030, 3, 29)
    assert result.is_provisional
    assert result.skipped == [] and result.counted_weekends == []
    assert "预估" in result.explain()


def test_unknown_year_estimate_skips_the_statutory_holidays():
    """2031 has no rows: 春节 is 除夕 22 Jan – 初三 25 Jan, 国庆 1–3 Oct (中秋 is 1 Oct too)."""
    holidays = workdays.statutory_holidays(2031)
    assert [d for d, n in holidays.items() if n == "春节"] == [
        date(2031, 1, 22),
        date(2031, 1, 23),
        date(2031, 1, 24),
        date(2031, 1, 25),
    ]
    assert holidays[date(2031, 4, 5)] == "清明节"
    assert holidays[date(2031, 6, 24)] == "端午节"
    assert holidays[date(2031, 5, 2)] == "劳动节"
    assert len(holidays) == 1 + 4 + 1 + 2 + 1 + 1 + 3 - 1  # 中秋 falls on 国庆 in 2031

    # Mon 20 Jan 2031 + 5: 22–24 Jan (Wed–Fri) are 春节, so Tue 21, Mon 27 … Thu 30 Jan.
    result = add_working_days(date(2031, 1, 20), 5)
    assert result.value == date(2031, 1, 30)
    assert [d for d, _ in result.skipped] == [
        date(2031, 1, 22),
        date(2031, 1, 23),
        date(2031, 1, 24),
    ]
    assert result.is_provisional and "预估" in result.explain()
    assert "法定节假日" in result.explain() and "春节" in result.explain()

    # Fri 26 Sep 2031 + 20: 1–3 Oct (Wed–Fri) skipped, no 调休 counted → Wed 29 Oct.
    national_day = add_working_days(date(2031, 9, 26), 20)
    assert national_day.value == date(2031, 10, 29)
    assert [d for d, _ in national_day.skipped] == [
        date(2031, 10, 1),
        date(2031, 10, 2),
        date(2031, 10, 3),
    ]
    assert not is_working_day(date(2031, 10, 2))
    assert is_working_day(date(2031, 10, 6))


def test_a_known_year_ignores_the_estimate():
    """Once a year has rows, only the rows count: the estimate is for unknown years only."""
    assert is_working_day(date(2025, 1, 2))
    WorkCalendarDay.objects.create(date=date(2031, 3, 3), kind="holiday", note="测试")
    workdays.clear_cache([2031])
    assert is_working_day(date(2031, 10, 2))  # no row for it: the estimate no longer applies


def test_deadline_running_into_an_unknown_year_is_provisional():
    result = add_working_days(date(2026, 12, 18), 20)
    assert result.is_provisional
    assert result.value.year == 2027
    assert not add_working_days(date(2026, 11, 2), 20).is_provisional


def test_admin_entry_for_a_new_year_takes_effect_at_once():
    assert add_working_days(date(2030, 1, 7), 1).value == date(2030, 1, 8)
    WorkCalendarDay.objects.create(date=date(2030, 1, 8), kind="holiday", note="测试假日")
    result = add_working_days(date(2030, 1, 7), 1)
    assert result.value == date(2030, 1, 9)
    assert not result.is_provisional  # 2030 now has a calendar row


def test_one_query_per_year_touched_then_cached(django_assert_num_queries):
    workdays.clear_cache([2026, 2027])
    with django_assert_num_queries(2):
        add_working_days(date(2026, 12, 18), 20)
    with django_assert_num_queries(0):
        add_working_days(date(2026, 12, 1), 40)
        working_days_between(date(2026, 1, 1), date(2026, 12, 31))


def test_workday_on_a_weekday_is_rejected():
    day = WorkCalendarDay(date=date(2030, 5, 6), kind="workday")  # a Monday
    with pytest.raises(ValidationError) as error:
        day.full_clean()
    assert error.value.error_dict["kind"][0].code == "workday_on_weekday"
    WorkCalendarDay(date=date(2030, 5, 4), kind="workday", note="劳动节调休上班").full_clean()


def test_seed_calendar_is_idempotent_and_keeps_admin_edits(capsys):
    row = WorkCalendarDay.objects.get(date=date(2025, 10, 8))
    row.note = "国庆节（已核对）"
    row.save()
    count = WorkCalendarDay.objects.count()
    call_command("seed_calendar")
    assert WorkCalendarDay.objects.count() == count
    assert WorkCalendarDay.objects.get(date=date(2025, 10, 8)).note == "国庆节（已核对）"
    assert "没有需要补充" in capsys.readouterr().out
    WorkCalendarDay.objects.filter(date__year=2024).delete()
    call_command("seed_calendar")
    assert WorkCalendarDay.objects.in_year(2024).filter(note="春节").exists()


def test_missing_next_year_from_first_december():
    assert WorkCalendarDay.objects.missing_next_year(today=date(2026, 11, 30)) is None
    assert WorkCalendarDay.objects.missing_next_year(today=date(2026, 12, 1)) == 2027
    assert WorkCalendarDay.objects.missing_next_year(today=date(2025, 12, 1)) is None


def test_admin_warns_from_first_december(client, admin_user):
    url = reverse("admin:portal_workcalendarday_changelist")
    with time_machine.travel("2026-11-30 10:00 +0800", tick=False):
        client.force_login(admin_user)
        assert "2027 年的工作日历尚未录入" not in client.get(url).content.decode()
    with time_machine.travel("2026-12-01 10:00 +0800", tick=False):
        client.force_login(admin_user)
        page = client.get(url).content.decode()
    assert "2027 年的工作日历尚未录入" in page
    assert "已有工作日历的年度：2004—2026 年" in page
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", note="元旦")
    with time_machine.travel("2026-12-01 10:00 +0800", tick=False):
        client.force_login(admin_user)
        assert "2027 年的工作日历尚未录入" not in client.get(url).content.decode()
