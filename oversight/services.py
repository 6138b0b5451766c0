"""The figures oversight reports, each computed by database aggregation, and the jobs that use them.

Every function takes the clock (`today=` / `now=`) so the rules can be tested on fixed dates.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone

from disclosure.models import Category, InformationRequest, Item, ItemEvent
from portal import roles
from portal.figures import (
    local_bounds,
    local_month,
    month_bounds,
    month_end,
    month_start,
    next_month,
    percent,
    recent_months,
)
from portal.models import Department, SiteSettings
from portal.staff_notices import notify_event

from .models import AMBER_DAYS, Bulletin, FreshnessWarning, ReportingTarget

HOMEPAGE_COLUMN = "zwdt"  # the homepage's news block is fed by 政务动态/要闻
HOMEPAGE_DAYS = 14

GREEN, AMBER, RED, UNRATED = "green", "amber", "red", "unrated"
STATUS_LABELS = {GREEN: "正常", AMBER: "即将超期", RED: "超期或空白", UNRATED: "不考核周期"}


# Column freshness --------------------------------------------------------------------------
@dataclass
class ColumnStatus:
    category: Category
    name: str
    rule_days: int | None
    last_published_on: date | None
    today: date
    is_homepage: bool = False  # the homepage row, fed by the 要闻 column

    @property
    def days_since(self):
        return (self.today - self.last_published_on).days if self.last_published_on else None

    @property
    def due_on(self):
        if self.last_published_on is None or self.rule_days is None:
            return None
        return self.last_published_on + timedelta(days=self.rule_days)

    @property
    def days_left(self):
        return (self.due_on - self.today).days if self.due_on else None

    @property
    def status(self):
        if self.last_published_on is None:
            return RED  # no empty columns
        if self.rule_days is None:
            return UNRATED
        if self.days_left < 0:
            return RED
        if self.days_left <= AMBER_DAYS:
            return AMBER
        return GREEN

    @property
    def status_label(self):
        if self.last_published_on is None:
            return "空白栏目"
        return STATUS_LABELS[self.status]

    @property
    def department(self):
        return self.category.department


def last_publication_by_column(*, today):
    """Return {top-level column id: latest publication up to today}, sub-columns rolled up."""
    _, end = local_bounds(today, today + timedelta(days=1))
    rows = (
        Item.objects.public()
        .filter(published_at__lt=end)
        .order_by()
        .values(column=Coalesce("category__parent_id", "category_id"))
        .annotate(last=Max("published_at"))
    )
    return {row["column"]: row["last"] for row in rows}


def column_freshness(*, today=None):
    """Return the board: the homepage, then each visible top-level column, with its status."""
    today = today or timezone.localdate()
    last = last_publication_by_column(today=today)
    columns = list(Category.objects.visible().roots().select_related("department"))
    rows = []
    for column in columns:
        published_at = last.get(column.pk)
        on = timezone.localdate(published_at) if published_at else None
        if column.slug == HOMEPAGE_COLUMN:
            rows.append(ColumnStatus(column, "网站首页（要闻）", HOMEPAGE_DAYS, on, today, True))
        rows.append(ColumnStatus(column, column.name, column.update_days, on, today))
    return rows


def freshness_summary(rows):
    """Return how many columns are green, amber, red and unrated."""
    summary = dict.fromkeys([GREEN, AMBER, RED, UNRATED], 0)
    for row in rows:
        summary[row.status] += 1
    return summary


def warn_stale_columns(*, today=None, now=None) -> int:
    """Warn a column's department 3 days before it goes stale (once per due date), and the
    department and the 政务公开办 when it has gone stale, then weekly while it stays stale, through
    the staff notices (portal.staff_notices). Columns without a department are the office's own
    (on the board). Return how many warnings went out."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    warned = 0
    for row in column_freshness(today=today):
        if row.status not in (AMBER, RED) or row.category.department_id is None:
            continue
        kind = FreshnessWarning.Kind.STALE if row.status == RED else FreshnessWarning.Kind.SOON
        with transaction.atomic():
            warning, created = FreshnessWarning.objects.select_for_update().get_or_create(
                category=row.category, due_on=row.due_on, kind=kind, defaults={"sent_at": now}
            )
            if not created:
                if not warning.is_due_again(now=now):
                    continue
                warning.sent_at, warning.warned_count = now, warning.warned_count + 1
            note = render_to_string(
                f"oversight/emails/freshness_{kind}.txt",
                {"row": row, "site_url": getattr(settings, "SITE_URL", "")},
            ).strip()
            verb = "stale" if kind == FreshnessWarning.Kind.STALE else "stale_soon"
            notices = notify_event(row.category, verb, note=note, now=now)
            warning.recipient_count = sum(1 for n in notices if n.recipient_id is not None)
            warning.save()
            warned += 1
    return warned


# 信息员 reporting ----------------------------------------------------------------------------
def _event_counts():
    kind = ItemEvent.Kind
    return {
        "submitted_count": Count("pk", filter=Q(kind=kind.SUBMITTED)),
        "published_count": Count("pk", filter=Q(kind=kind.APPROVED)),
        "returned_count": Count("pk", filter=Q(kind=kind.RETURNED)),
    }


def officer_figures(month_on):
    """Return every 信息员 with their items submitted, published and returned in the month.

    An item counts for its author: the officer who wrote it, whoever reviewed it.
    """
    start, end = month_bounds(month_on)
    counts = {
        row["item__author"]: row
        for row in ItemEvent.objects.filter(at__gte=start, at__lt=end)
        .order_by()
        .values("item__author")
        .annotate(**_event_counts())
    }
    officers = (
        get_user_model()
        .objects.filter(groups__name=roles.OFFICER, is_active=True)
        .select_related("department")
        .order_by("department__order", "username")
    )
    rows = []
    for officer in officers:
        figures = counts.get(officer.pk, {})
        rows.append(
            {
                "officer": officer,
                "department": officer.department,
                "submitted_count": figures.get("submitted_count", 0),
                "published_count": figures.get("published_count", 0),
                "returned_count": figures.get("returned_count", 0),
            }
        )
    rows.sort(key=lambda r: (-r["published_count"], -r["submitted_count"], r["officer"].username))
    return rows


def message_figures_by_department(month_on):
    """Return {department id: message figures} for messages received in the month: the rows of
    the public statistics page (MessageQuerySet.figures_by), so both show the same rates."""
    from complaints.models import Message  # noqa: PLC0415  (oversight reads the desk)

    rows = Message.objects.received_in(*month_bounds(month_on)).figures_by("department")
    return {row["department"]: row for row in rows}


def department_figures(month_on):
    """Return each active department's month: items, target, messages, and its rank."""
    start, end = month_bounds(month_on)
    counts = {
        row["item__department"]: row
        for row in ItemEvent.objects.filter(at__gte=start, at__lt=end)
        .order_by()
        .values("item__department")
        .annotate(**_event_counts())
    }
    targets = dict(
        ReportingTarget.objects.filter(month_on=month_start(month_on)).values_list(
            "department", "published_target"
        )
    )
    messages = message_figures_by_department(month_on)
    rows = []
    for department in Department.objects.active():
        figures = counts.get(department.pk, {})
        message = messages.get(department.pk, {})
        target = targets.get(department.pk)
        published = figures.get("published_count", 0)
        rows.append(
            {
                "department": department,
                "submitted_count": figures.get("submitted_count", 0),
                "published_count": published,
                "returned_count": figures.get("returned_count", 0),
                "target": target,
                "completion": percent(published, target),
                "is_target_met": target is not None and published >= target,
                "received_count": message.get("received_count", 0),
                "replied_count": message.get("replied_count", 0),
                "on_time_count": message.get("on_time_count", 0),
                "on_time_rate": message.get("on_time_rate"),
            }
        )
    rows.sort(
        key=lambda r: (
            -(r["completion"] if r["completion"] is not None else -1),
            -r["published_count"],
            r["department"].order,
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# Publication and messages over time ----------------------------------------------------------
def monthly_publication(*, today=None, count=12):
    """Return [(month, items published)] for the last count months (one grouped query)."""
    today = today or timezone.localdate()
    months = recent_months(today, count)[::-1]  # oldest first
    start, end = local_bounds(months[0], next_month(today))
    rows = (
        Item.objects.public()
        .filter(published_at__gte=start, published_at__lt=end)
        .order_by()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("pk"))
    )
    found = {local_month(row["month"]): row["count"] for row in rows}
    return [(month, found.get(month, 0)) for month in months]


def monthly_messages(*, today=None, count=12):
    """Return [(month, received, replied, on time)] for the last count months."""
    from complaints.models import Message  # noqa: PLC0415

    today = today or timezone.localdate()
    months = recent_months(today, count)[::-1]  # oldest first
    start, end = local_bounds(months[0], next_month(today))
    found = {
        local_month(row["month"]): row
        for row in Message.objects.received_in(start, end).monthly_figures()
    }
    counts = ["received_count", "replied_count", "on_time_count"]
    return [
        {"month": month, **{key: found.get(month, {}).get(key, 0) for key in counts}}
        for month in months
    ]


def monthly_requests(*, today=None, count=12):
    """Return [{month, received, replied, on time, late}] of 依申请公开 for the last count months
    (two grouped queries: by month of receipt and by month of reply)."""
    today = today or timezone.localdate()
    months = recent_months(today, count)[::-1]  # oldest first
    start, last = months[0], month_end(today)
    received = {
        local_month(month): n
        for month, n in InformationRequest.objects.received_by(last)
        .filter(received_on__gte=start)
        .order_by()
        .annotate(month=TruncMonth("received_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    }
    replied = {
        local_month(row["month"]): row
        for row in InformationRequest.objects.replied_between(start, last)
        .order_by()
        .annotate(month=TruncMonth("closed_on"))
        .values("month")
        .annotate(
            replied_count=Count("pk"), on_time_count=Count("pk", filter=Q(is_replied_late=False))
        )
    }
    rows = []
    for month in months:
        replied_count = replied.get(month, {}).get("replied_count", 0)
        on_time_count = replied.get(month, {}).get("on_time_count", 0)
        rows.append(
            {
                "month": month,
                "received_count": received.get(month, 0),
                "replied_count": replied_count,
                "on_time_count": on_time_count,
                "late_count": replied_count - on_time_count,
            }
        )
    return rows


def request_figures(*, start, end, today):
    """Return 依申请公开 in [start, end] by department and by reply type, with the running
    requests overdue or near their deadline (within 5 working days) as of today."""
    requests = InformationRequest.objects.all()
    replied = Q(pk__in=requests.replied_between(start, end).values("pk"))
    rows = (
        requests.order_by()
        .values("department__name")
        .annotate(
            received_count=Count("pk", filter=Q(received_on__gte=start, received_on__lte=end)),
            replied_count=Count("pk", filter=replied),
            on_time_count=Count("pk", filter=replied & Q(is_replied_late=False)),
            overdue_count=Count("pk", filter=Q(pk__in=requests.overdue(today=today).values("pk"))),
            near_deadline_count=Count(
                "pk", filter=Q(pk__in=requests.near_deadline(today=today).values("pk"))
            ),
        )
    )
    keys = [
        "received_count",
        "replied_count",
        "on_time_count",
        "overdue_count",
        "near_deadline_count",
    ]
    departments = [
        {**row, "department": row["department__name"] or "未指定承办科室"}
        for row in rows
        if any(row[key] for key in keys)
    ]
    departments.sort(key=lambda row: (-row["received_count"], row["department"]))
    for row in departments:
        row["on_time_rate"] = percent(row["on_time_count"], row["replied_count"])
    totals = {key: sum(row[key] for row in departments) for key in keys}
    totals["late_count"] = totals["replied_count"] - totals["on_time_count"]
    totals["on_time_rate"] = percent(totals["on_time_count"], totals["replied_count"])
    labels = dict(InformationRequest.ReplyType.choices)
    reply_types = [
        {"code": code, "label": labels.get(code, code), "count": n}
        for code, n in requests.concluded_between(start, end)
        .order_by()
        .values_list("reply_type")
        .annotate(n=Count("pk"))
        .values_list("reply_type", "n")
        .order_by("reply_type")
    ]
    urgent = requests.open().filter(
        Q(pk__in=requests.overdue(today=today).values("pk"))
        | Q(pk__in=requests.near_deadline(today=today).values("pk"))
    )
    return {
        "departments": departments,
        "totals": totals,
        "reply_types": reply_types,
        "urgent": [
            {"info_request": row, "is_overdue": row.is_overdue(today=today)}
            for row in urgent.select_related("department")
            .only("tracking_number", "status", "due_on", "is_due_provisional", "department__name")
            .order_by("due_on", "tracking_number")
        ],
        "today": today,
    }


def yearly_publication_by_column(year):
    """Return [(column, items published in the year)] per visible top-level column."""
    start, end = local_bounds(date(year, 1, 1), date(year + 1, 1, 1))
    counts = dict(
        Item.objects.public()
        .filter(published_at__gte=start, published_at__lt=end)
        .order_by()
        .values_list(Coalesce("category__parent_id", "category_id"))
        .annotate(count=Count("pk"))
    )
    return [(column, counts.get(column.pk, 0)) for column in Category.objects.visible().roots()]


def returned_items(month_on):
    """Return the drafts returned to their authors in the month, with who and why."""
    start, end = month_bounds(month_on)
    return (
        ItemEvent.objects.filter(kind=ItemEvent.Kind.RETURNED, at__gte=start, at__lt=end)
        .select_related("item__department", "item__category")
        .order_by("at")
    )


def service_rating_figures(month_on):
    """Return the month's 政务服务好差评 figures, in total and per department (the rows of the
    public page /bsfw/hcp/: ServiceRatingQuerySet.figures and figures_by)."""
    from services.models import ServiceRating  # noqa: PLC0415  (oversight reads services)

    ratings = ServiceRating.objects.in_month(month_start(month_on))
    return {"total": ratings.figures(), "departments": ratings.figures_by("department")}


# Bulletins --------------------------------------------------------------------------------
def bulletin_context(month_on, *, today=None):
    """Return what the monthly 通报 says about the month."""
    from complaints.models import Message  # noqa: PLC0415

    month_on = month_start(month_on)
    start, end = month_bounds(month_on)
    departments = department_figures(month_on)
    freshness = column_freshness(today=today or month_end(month_on))
    ranked = [row for row in departments if row["target"]]
    by_column = (
        Item.objects.public()
        .filter(published_at__gte=start, published_at__lt=end)
        .order_by()
        .values("category__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "category__name")
    )
    return {
        "month_on": month_on,
        "departments": departments,
        "by_column": list(by_column),
        "published_total": sum(row["published_count"] for row in departments),
        "returned": list(returned_items(month_on)),
        "stale_columns": [row for row in freshness if row.status == RED],
        "messages": Message.objects.received_in(start, end).figures(),
        "requests": request_figures(
            start=month_on,
            end=month_end(month_on),
            today=today or timezone.localdate(),
        ),
        "ratings": service_rating_figures(month_on),
        "top": [row for row in ranked if row["is_target_met"]][:3],
        "bottom": [row for row in reversed(ranked) if not row["is_target_met"]][:3],
    }


@transaction.atomic
def generate_bulletin(*, month_on: date, by, today: date | None = None) -> Bulletin:
    """Create or regenerate the draft 通报 of a month from the month's figures."""
    month_on = month_start(month_on)
    bulletin = Bulletin.objects.select_for_update().filter(month_on=month_on).first()
    if bulletin and bulletin.status != Bulletin.Status.DRAFT:
        return bulletin
    context = bulletin_context(month_on, today=today)
    title = f"关于{month_on.year}年{month_on.month}月份政务公开工作情况的通报"
    body = render_to_string("oversight/bulletin_body.html", context)
    if bulletin is None:
        bulletin = Bulletin(month_on=month_on)
    bulletin.title, bulletin.body, bulletin.created_by = title, body, by
    bulletin.generated_at = timezone.now()
    bulletin.save()
    return bulletin


# Dashboard ----------------------------------------------------------------------------------
def dashboard_data(*, today=None, now=None):
    """Return every figure the leadership dashboard shows."""
    from complaints.models import Message  # noqa: PLC0415
    from services.models import ApprovalResult  # noqa: PLC0415

    from .models import Task  # noqa: PLC0415

    today = today or timezone.localdate()
    freshness = column_freshness(today=today)
    publication = monthly_publication(today=today)
    messages = monthly_messages(today=today)
    received = sum(row["received_count"] for row in messages)
    replied = sum(row["replied_count"] for row in messages)
    on_time = sum(row["on_time_count"] for row in messages)
    departments = department_figures(today)
    request_months = monthly_requests(today=today)
    requests = request_figures(start=request_months[0]["month"], end=today, today=today)
    return {
        "today": today,
        "request_months": request_months,
        "requests": requests,
        "publication": publication,
        "publication_total": sum(count for _, count in publication),
        "message_months": messages,
        "message_totals": {
            "received_count": received,
            "replied_count": replied,
            "on_time_count": on_time,
            "on_time_rate": percent(on_time, replied),
        },
        "freshness": freshness,
        "freshness_summary": freshness_summary(freshness),
        "stale_columns": [row for row in freshness if row.status in {RED, AMBER}],
        "overdue_tasks": list(Task.objects.overdue(today=today).for_table()),
        # Cases past their stored deadline right now (each app's overdue()).
        "overdue_messages": Message.objects.overdue(now=now).count(),
        "overdue_results": ApprovalResult.objects.overdue(today=today).count(),
        "ratings": service_rating_figures(today),
        "departments": departments,
        "officers": officer_figures(today)[:10],
        "chart_data": {
            "publication": {
                "labels": [f"{month:%Y-%m}" for month, _ in publication],
                "values": [count for _, count in publication],
            },
            "messages": {
                "labels": [f"{row['month']:%Y-%m}" for row in messages],
                "received": [row["received_count"] for row in messages],
                "on_time": [row["on_time_count"] for row in messages],
            },
            "requests": {
                "labels": [f"{row['month']:%Y-%m}" for row in request_months],
                "received": [row["received_count"] for row in request_months],
                "replied": [row["replied_count"] for row in request_months],
                "on_time": [row["on_time_count"] for row in request_months],
            },
            "reply_types": {
                "labels": [row["label"] for row in requests["reply_types"]],
                "values": [row["count"] for row in requests["reply_types"]],
            },
            "departments": {
                "labels": [row["department"].name for row in departments],
                "published": [row["published_count"] for row in departments],
                "targets": [row["target"] or 0 for row in departments],
            },
        },
    }


# The 任务分解表 as a catalog item -------------------------------------------------------------
@transaction.atomic
def publish_task_table(*, year: int, by, now: datetime | None = None) -> Item:
    """Submit the year's 任务分解表 to 通知公告 as a draft item; a 审核员 approves it as usual."""
    from .models import Task  # noqa: PLC0415

    if by.department_id is None:
        raise ValidationError("您的账号没有所在科室，不能以科室名义发布", code="no_department")
    tasks = list(Task.objects.in_year(year).for_table())
    if not tasks:
        raise ValidationError(f"{year}年还没有任务，不能发布", code="empty_table")
    now = now or timezone.now()
    today = timezone.localdate(now)
    item = Item(
        title=f"{SiteSettings.load().bureau_name}{year}年政务公开工作任务分解表",
        category=Category.objects.get(slug="tzgg"),
        department_id=by.department_id,
        written_on=today,
        summary=f"{year}年政务公开工作任务分解及完成情况（截至{today:%Y年%m月%d日}）。",
        body=render_to_string(
            "oversight/task_table_body.html",
            {
                "year": year,
                "today": today,
                "rows": [(task, task.status_label(today=today)) for task in tasks],
            },
        ),
        author=by,
        source="政务公开办",
    )
    item.save()
    item.submit(by=by, now=now)
    return item
