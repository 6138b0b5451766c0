"""Working-day arithmetic over the bureau's calendar (WorkCalendarDay): dates in, dates out.

The bureau counts statutory deadlines (依申请公开 20 working days, 补正 7, the 20-day rule) in
working days: Monday to Friday, minus the weekday holidays, plus the 调休 working weekends that the
calendar lists. A year without any calendar row is unknown: its days are counted on an estimate,
weekends and the statutory holidays that 《全国年节及纪念日放假办法》 (as revised in 2024, in
force from 2025-01-01) fixes every year (`statutory_holidays`), and the result is marked
provisional (预估).
The estimate knows nothing of 调休 make-up days, which only the State Council's yearly notice sets;
a provisional deadline is settled once its year's calendar is entered (see
`portal.models.WorkCalendarDay` and the apps' `settle_provisional_deadlines`).

Each year's rows are read in one query and kept in the cache (cleared when a row changes), so a
deadline computation costs at most one query per year it touches.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.core.cache import cache

CACHE_KEY = "portal:workdays:{year}"
CACHE_SECONDS = 60 * 60 * 6
WEEKDAYS = "一二三四五六日"
# How a year without calendar rows is counted (said wherever a 预估 date is explained).
ESTIMATE_RULE = "暂按周末和《全国年节及纪念日放假办法》规定的法定节假日计算（不含调休）"

# chinesecalendar names its holidays in English; the calendar stores the Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class WorkdayResult:
    """A computed date with how it was reached."""

    value: date
    is_provisional: bool = False
    skipped: list = field(default_factory=list)  # (date, note) of weekdays that were holidays
    counted_weekends: list = field(default_factory=list)  # (date, note) of 调休 working weekends

    def explain(self):
        """Return the Chinese explanation shown next to a deadline."""
        parts = []
        if self.skipped:
            days = "、".join(
                f"{d.month}月{d.day}日{f'（{n}）' if n else ''}" for d, n in self.skipped
            )
            parts.append(f"跳过法定节假日 {len(self.skipped)} 天：{days}")
        if self.counted_weekends:
            days = "、".join(
                f"{d.month}月{d.day}日（星期{WEEKDAYS[d.weekday()]}{'，' + n if n else ''}）"
                for d, n in self.counted_weekends
            )
            parts.append(f"计入调休上班日 {len(self.counted_weekends)} 天：{days}")
        if self.is_provisional:
            parts.append(f"所涉年度的工作日历尚未公布，{ESTIMATE_RULE}，为预估日期")
        return "；".join(parts) or "期间无法定节假日和调休"


def year_calendar(year):
    """Return {date: (kind, note)} of the calendar rows of year ({} if the year is unknown)."""
    key = CACHE_KEY.format(year=year)
    days = cache.get(key)
    if days is None:
        from .models import WorkCalendarDay

        days = {
            row.date: (row.kind, row.note)
            for row in WorkCalendarDay.objects.in_year(year).only("date", "kind", "note")
        }
        cache.set(key, days, CACHE_SECONDS)
    return days


def clear_cache(years):
    """Forget the cached calendar of the given years (after rows of theirs changed)."""
    cache.delete_many([CACHE_KEY.format(year=year) for year in set(years)])


def is_known_year(year):
    """Return whether the calendar holds the year (otherwise its results are provisional)."""
    return bool(year_calendar(year))


@lru_cache(maxsize=64)
def statutory_holidays(year):
    """Return {date: note} of the days off that 《全国年节及纪念日放假办法》 fixes in year.

    The 2024 revision (in force from 2025-01-01): 元旦 1 day (1月1日), 春节 4 days (农历除夕、
    正月初一至初三), 清明节 1 day (the 清明 solar term), 劳动节 2 days (5月1日、2日), 端午节 1 day
    (农历五月初五), 中秋节 1 day (农历八月十五), 国庆节 3 days (10月1日至3日). Lunar dates and
    the solar term come from lunar-python. This is the estimate for a year whose calendar is not
    entered yet; the State Council's yearly notice (entered as WorkCalendarDay rows) replaces it.
    """
    from lunar_python import Lunar

    def solar(lunar):
        value = lunar.getSolar()
        return date(value.getYear(), value.getMonth(), value.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1))  # 正月初一 of the lunar year starting in year
    days = {date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
        days[new_year + timedelta(days=offset)] = "春节"
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days[date(year, qingming.getMonth(), qingming.getDay())] = "清明节"
    days[date(year, 5, 1)] = days[date(year, 5, 2)] = "劳动节"
    days[solar(Lunar.fromYmd(year, 5, 5))] = "端午节"
    days[solar(Lunar.fromYmd(year, 8, 15))] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return days


def _day_info(day):
    """Return (is_working, exception kind or None, note) for day.

    In a year without calendar rows the statutory holidays are the estimate's only exceptions.
    """
    calendar = year_calendar(day.year)
    if not calendar:
        note = statutory_holidays(day.year).get(day)
        return (False, "holiday", note) if note else (day.weekday() < 5, None, "")
    kind, note = calendar.get(day, (None, ""))
    if kind == "holiday":
        return False, kind, note
    if kind == "workday":
        return True, kind, note
    return day.weekday() < 5, None, ""


def is_working_day(day):
    """Return whether the bureau works on the given date."""
    return _day_info(day)[0]


def add_working_days(start, n):
    """Return the date n working days after start (start itself is not counted).

    With n = 0 the result is start itself. The result lists the weekday holidays skipped and the
    调休 weekends counted on the way, and is provisional if any year touched has no calendar.
    """
    day, remaining = start, n
    skipped, counted, provisional = [], [], False
    while remaining > 0:
        day += timedelta(days=1)
        working, kind, note = _day_info(day)
        provisional = provisional or not is_known_year(day.year)
        if working:
            remaining -= 1
            if kind == "workday":
                counted.append((day, note))
        elif kind == "holiday" and day.weekday() < 5:
            skipped.append((day, note))
    return WorkdayResult(
        value=day, is_provisional=provisional, skipped=skipped, counted_weekends=counted
    )


def working_days_between(start, end):
    """Return the number of working days after start up to and including end (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def working_days_before(day, n):
    """Return the date n working days before day (day itself is not counted)."""
    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


# Settling 预估 deadlines --------------------------------------------------------------------
def deadline_models():
    """Return every model that stores deadlines which may be 预估: each declares the classmethod
    settle_provisional_deadlines(now=) (InformationRequest, Message, ApprovalResult)."""
    from django.apps import apps

    return sorted(
        (model for model in apps.get_models() if hasattr(model, "settle_provisional_deadlines")),
        key=lambda model: model._meta.label,
    )


def settle_provisional_deadlines(*, now=None):
    """Recompute every stored 预估 deadline on the calendar as it now stands.

    Called after calendar rows were entered, changed or deleted (the task
    portal.tasks.settle_provisional_deadlines, the command settle_deadlines). Each model settles
    its own rows, with an event saying what changed and why; rows whose years are still unknown
    stay 预估 (and may still move to a better estimate). Return {model label: rows changed}.
    """
    return {
        model._meta.label: model.settle_provisional_deadlines(now=now)
        for model in deadline_models()
    }


def settle_after_commit():
    """Enqueue the settling of 预估 deadlines once the calendar change has committed."""
    from django.db import transaction

    from .tasks import settle_provisional_deadlines as settle_task

    transaction.on_commit(settle_task.enqueue)


def chinesecalendar_rows():
    """Yield (date, kind, note) for every holiday and 调休 workday chinesecalendar knows.

    Holidays are listed with their weekend days, as the State Council's notice lists them; a
    working weekend is noted with the holiday it makes up for (e.g. 国庆节调休).
    """
    import chinese_calendar

    for day, name in sorted(chinese_calendar.holidays.items()):
        name = getattr(name, "value", name)
        yield day, "holiday", HOLIDAY_NAMES.get(name, name)
    for day, name in sorted(chinese_calendar.workdays.items()):
        name = getattr(name, "value", name)
        if day.weekday() >= 5:
            yield day, "workday", f"{HOLIDAY_NAMES.get(name, name)}调休上班"


def seed_calendar(model):
    """Create the rows chinesecalendar knows that the table lacks; return the years touched.

    Rows already present (perhaps corrected in the admin) are left as they are. `model` is the
    WorkCalendarDay class, or its historical version in a data migration.
    """
    existing = set(model.objects.values_list("date", flat=True))
    rows = [
        model(date=day, kind=kind, note=note)
        for day, kind, note in chinesecalendar_rows()
        if day not in existing
    ]
    model.objects.bulk_create(rows, batch_size=500)
    return sorted({row.date.year for row in rows})
