"""工作日: the bureau's working-day calendar as a service (portal.workdays), so that the city's
other systems count statutory deadlines on the same clock."""

from datetime import date, timedelta

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from api.errors import ERRORS
from api.schemas import AddWorkingDaysOut, IsoDate, WorkingDayOut, WorkingDaysBetweenOut
from portal import workdays

router = Router(tags=["工作日"])

# Dates the calendar service answers for, and the longest span it counts (each day is a step).
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2199, 12, 31)
MAX_DAYS = 3660


class DayParams(Schema):
    date: IsoDate = Field(..., description="日期 YYYY-MM-DD")


class AddParams(Schema):
    start: IsoDate = Field(..., description="起算日期 YYYY-MM-DD（不计入）")
    days: int = Field(..., ge=0, le=MAX_DAYS, description="工作日数，0–3660")


class BetweenParams(Schema):
    start: IsoDate = Field(..., description="开始日期 YYYY-MM-DD（不计入）")
    end: IsoDate = Field(..., description="结束日期 YYYY-MM-DD（计入）")


def _check_day(day, name):
    if not FIRST_DAY <= day <= LAST_DAY:
        raise HttpError(422, f"参数 {name}：日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间")


def _notes(days):
    return [{"date": day, "note": note} for day, note in days]


@router.get(
    "/workdays/is-working-day",
    response={200: WorkingDayOut, **ERRORS},
    summary="是否工作日",
    description="按本局工作日历：周一至周五上班，法定节假日休息，调休的周末上班。"
    "该年度日历尚未公布时按周末和《全国年节及纪念日放假办法》规定的法定节假日判断，并标为预估。",
)
def is_working_day(request, params: Query[DayParams]):
    day = params.date
    _check_day(day, "date")
    working = workdays.is_working_day(day)
    kind, note = workdays.year_calendar(day.year).get(day, (None, ""))
    weekday = f"星期{workdays.WEEKDAYS[day.weekday()]}"
    if kind == "holiday":
        explanation = f"{weekday}，{note or '法定节假日'}，休息"
    elif kind == "workday":
        explanation = f"{weekday}，{note or '调休上班'}，上班"
    else:
        explanation = f"{weekday}，{'工作日' if working else '休息日'}"
    provisional = not workdays.is_known_year(day.year)
    if provisional:
        explanation += f"（该年度工作日历尚未公布，{workdays.ESTIMATE_RULE}，为预估）"
    return {
        "date": day,
        "is_working_day": working,
        "explanation": explanation,
        "is_provisional": provisional,
    }


@router.get(
    "/workdays/add",
    response={200: AddWorkingDaysOut, **ERRORS},
    summary="加工作日",
    description="起算日期之后第 N 个工作日（起算日期不计入），如依申请公开的20个工作日答复期限。",
)
def add_working_days(request, params: Query[AddParams]):
    start, days = params.start, params.days
    _check_day(start, "start")
    _check_day(start + timedelta(days=days * 2 + 30), "start")
    result = workdays.add_working_days(start, days)
    return {
        "start": start,
        "days": days,
        "result": result.value,
        "explanation": result.explain(),
        "is_provisional": result.is_provisional,
        "skipped_holidays": _notes(result.skipped),
        "counted_weekends": _notes(result.counted_weekends),
    }


@router.get(
    "/workdays/between",
    response={200: WorkingDaysBetweenOut, **ERRORS},
    summary="两个日期之间的工作日数",
    description="开始日期之后（不计入）至结束日期（计入）的工作日数；结束日期不晚于开始日期时为0。",
)
def working_days_between(request, params: Query[BetweenParams]):
    start, end = params.start, params.end
    _check_day(start, "start")
    _check_day(end, "end")
    if (end - start).days > MAX_DAYS:
        raise HttpError(422, f"两个日期相隔不能超过 {MAX_DAYS} 天")
    count = workdays.working_days_between(start, end)
    years = range(start.year, end.year + 1) if end > start else []
    provisional = any(not workdays.is_known_year(year) for year in years)
    explanation = f"{start} 之后至 {end}（含）共 {count} 个工作日"
    if count:
        explanation += "；" + workdays.add_working_days(start, count).explain()
    elif provisional:
        explanation += f"；所涉年度的工作日历尚未公布，{workdays.ESTIMATE_RULE}，为预估"
    return {
        "start": start,
        "end": end,
        "working_days": count,
        "explanation": explanation,
        "is_provisional": provisional,
    }
