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

import re
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


# A year entered at once (按年录入) ------------------------------------------------------------
@dataclass(frozen=True)
class HolidayArrangement:
    """One holiday of the State Council's yearly notice: its days off and its 调休 working days."""

    name: str
    start: date
    end: date
    workdays: tuple = ()
    line: int = 0  # the notice's line it was read from (0: typed in as a row)

    def days(self):
        """Yield (date, kind, note) of the calendar rows this holiday makes (weekends within the
        days off are listed too, as the notice lists them and chinesecalendar seeds them)."""
        day = self.start
        while day <= self.end:
            yield day, "holiday", self.name
            day += timedelta(days=1)
        for day in sorted(self.workdays):
            yield day, "workday", f"{self.name}调休上班"


# "一、元旦：1月1日（周五）至3日（周日）放假，共3天。" and, typed by hand, "元旦：…".
NOTICE_ITEM_RE = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?P<name>[^：:]{1,20})[：:](?P<body>.*)$"
)
NOTICE_NAMED_RE = re.compile(
    r"^\s*(?P<name>(?:元旦|春节|清明|劳动节|五一|端午|中秋|国庆)[^：:]{0,12})[：:](?P<body>.*)$"
)
NOTICE_YEAR_RE = re.compile(r"关于\s*(\d{4})\s*年.{0,6}节假日安排")
NOTICE_DATE_RE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日")
NOTICE_TOTAL_RE = re.compile(r"共\s*(\d{1,2})\s*天")
BRACKETS_RE = re.compile(r"[（(][^）)]*[）)]")
MAX_HOLIDAY_DAYS = 15


def notice_year(text):
    """Return the year the notice's title names (…关于2027年部分节假日安排的通知), or None."""
    match = NOTICE_YEAR_RE.search(text or "")
    return int(match.group(1)) if match else None


def _notice_dates(sentence, year):
    """Return the dates written in one sentence, or raise ValueError saying which is wrong.

    A date without a month takes the month before it (“1月1日至3日”); without a year, the
    notice's year (“2018年12月30日至2019年1月1日” carries its own)."""
    dates, month = [], None
    for match in NOTICE_DATE_RE.finditer(sentence):
        y, m, d = match.groups()
        month = int(m) if m else month
        if month is None:
            raise ValueError(f"“{match.group(0)}”缺少月份")
        try:
            dates.append(date(int(y) if y else year, month, int(d)))
        except ValueError:
            raise ValueError(f"日期“{match.group(0)}”不存在") from None
    return dates


def _parse_notice_line(name, body, year, number):
    """Return the HolidayArrangement of one numbered line, or raise ValueError."""
    holidays, workdays = [], []
    for sentence in re.split(r"[。；;]", BRACKETS_RE.sub("", body)):
        dates = _notice_dates(sentence, year)
        if not dates:
            continue
        if "放假" in sentence:
            if "至" in sentence and len(dates) == 2:
                start, end = dates
                if end < start:
                    raise ValueError("放假的结束日期早于开始日期")
            elif len(dates) == 1:
                start = end = dates[0]
            else:
                raise ValueError("放假日期应写成“1月1日至3日”或单独一天")
            total = NOTICE_TOTAL_RE.search(sentence)
            days = (end - start).days + 1
            if total and int(total.group(1)) != days:
                raise ValueError(
                    f"{start.month}月{start.day}日起放假 {days} 天，与“共{total.group(1)}天”不符"
                )
            holidays.append((start, end))
        elif "上班" in sentence:
            workdays.extend(dates)
        else:
            raise ValueError(f"“{sentence.strip()}”中的日期看不出是放假还是上班")
    if len(holidays) != 1:
        raise ValueError("没有识别出放假日期" if not holidays else "一行只能有一段放假日期")
    ((start, end),) = holidays
    return HolidayArrangement(name.strip(), start, end, tuple(workdays), number)


def parse_holiday_notice(text, year):
    """Read the State Council's notice (国务院办公厅关于…年部分节假日安排的通知), as pasted.

    Each numbered line (“一、元旦：1月1日（周五）至3日（周日）放假，共3天。”), or one starting
    with a holiday's name and a colon, is one holiday: its days off (one range, checked against
    “共N天”) and the days “上班”. Other lines (title, salutation, closing) are passed over.
    Return (arrangements, errors): each error names its line (第N行).
    """
    arrangements, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        match = NOTICE_ITEM_RE.match(line) or NOTICE_NAMED_RE.match(line)
        if not match:
            continue
        try:
            arrangements.append(
                _parse_notice_line(match.group("name"), match.group("body"), year, number)
            )
        except ValueError as exc:
            shown = line.strip()
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            errors.append(f"第{number}行“{shown}”无法识别：{exc}")
    if not arrangements and not errors:
        errors.append("没有找到放假安排：请粘贴通知中“一、元旦：……”这样逐项编号的各行")
    return arrangements, errors


def arrangement_errors(arrangements, year):
    """Return the Chinese errors of a year's holidays taken together (empty when they fit)."""
    errors, taken = [], {}
    first, last = date(year - 1, 12, 1), date(year + 1, 1, 31)

    def where(arrangement):
        return f"第{arrangement.line}行" if arrangement.line else f"“{arrangement.name}”"

    for arrangement in arrangements:
        length = (arrangement.end - arrangement.start).days + 1
        if arrangement.end < arrangement.start:
            errors.append(f"{where(arrangement)}：结束日期早于开始日期")
            continue
        if length > MAX_HOLIDAY_DAYS:
            errors.append(
                f"{where(arrangement)}：连续放假 {length} 天，超过 {MAX_HOLIDAY_DAYS} 天，请核对"
            )
            continue
        for day, kind, _note in arrangement.days():
            if not first <= day <= last:
                errors.append(
                    f"{where(arrangement)}：{day:%Y-%m-%d} 不在 {year} 年前后，请核对年度"
                )
                break
            if kind == "workday" and day.weekday() < 5:
                errors.append(
                    f"{where(arrangement)}：{day.month}月{day.day}日是星期{WEEKDAYS[day.weekday()]}，"
                    "本来就是工作日，只有周末才需要登记为调休上班"
                )
            if day in taken:
                errors.append(
                    f"{where(arrangement)}：{day.month}月{day.day}日已在{where(taken[day])}中登记"
                )
            taken[day] = arrangement
    return errors


def year_rows(arrangements):
    """Return {date: (kind, note)} of the calendar rows a year's holidays make."""
    return {day: (kind, note) for a in arrangements for day, kind, note in a.days()}


def replace_year(year, arrangements):
    """Store a year's holidays as its calendar, replacing the rows the year had.

    Rows of the year not in the new arrangement go, changed ones are updated, new ones added;
    rows outside the year (a 元旦 starting on 12月31日) are added or updated. Clears the cached
    calendar and settles the 预估 deadlines after the commit. Return (added, changed, removed).
    """
    from django.db import transaction
    from django.db.models import Q

    from .models import WorkCalendarDay

    rows = year_rows(arrangements)
    with transaction.atomic():
        existing = {
            row.date: row
            for row in WorkCalendarDay.objects.select_for_update().filter(
                Q(date__year=year) | Q(date__in=list(rows))
            )
        }
        gone = [row.pk for day, row in existing.items() if day not in rows and day.year == year]
        WorkCalendarDay.objects.filter(pk__in=gone).delete()
        new, changed = [], []
        for day, (kind, note) in sorted(rows.items()):
            row = existing.get(day)
            if row is None:
                new.append(WorkCalendarDay(date=day, kind=kind, note=note))
            elif (row.kind, row.note) != (kind, note):
                row.kind, row.note = kind, note
                changed.append(row)
        WorkCalendarDay.objects.bulk_create(new)
        WorkCalendarDay.objects.bulk_update(changed, ["kind", "note"])
        # Bulk writes send no signals: forget the cached years here.
        clear_cache({year, *(day.year for day in rows)})
        settle_after_commit()
    return len(new), len(changed), len(gone)
