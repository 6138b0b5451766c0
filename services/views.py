"""Public pages of 办事服务: guides, forms, the booklet, 办件公示, the lobby kiosk and LED screen.

Only published guides are ever shown. Applicants of results are shown through
`ApprovalResult.public_applicant` (persons masked as 张**) on every page, feed, export and screen.
"""

import logging
from itertools import groupby

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.exports import csv_response, xlsx_response
from portal.figures import month_start, parse_month, recent_months
from portal.forms import public_form_limits
from portal.pagecache import SERVICES, cache_public_page, depends_on, object_scope
from portal.pagination import paginate
from portal.uploads import attachment_response
from services import booklet
from services.filters import ApprovalResultFilter
from services.forms import (
    ApplicantCheckForm,
    GuideRatingForm,
    KioskRatingForm,
    ResultLookupForm,
    ResultRatingForm,
)
from services.models import (
    ApprovalResult,
    MaterialForm,
    ResultSample,
    ServiceGuide,
    ServiceRating,
    ServiceTheme,
    ServiceWindow,
)
from services.models.hall import HALL_COLUMNS
from services.models.ratings import FIGURES_SCOPE, record_rating
from services.services import build_forms_zip, latest_news

logger = logging.getLogger(__name__)

KIOSK_IDLE_SECONDS = 120
SCREEN_REFRESH_SECONDS = 15
SCREEN_ROTATE_SECONDS = 15


@cache_public_page(scopes=[SERVICES])
def index(request):
    """办事服务: guides by theme, by department and A–Z, popular guides, lookup, booklet."""
    guides = list(ServiceGuide.objects.published().for_list().alphabetical())
    themes = [
        (theme, [guide for guide in guides if guide.theme_id == theme.pk])
        for theme in ServiceTheme.objects.visible()
    ]
    by_department = sorted(guides, key=lambda g: (g.department.order, g.department_id, g.initial))
    departments = [
        (members[0].department, members)
        for _, group in groupby(by_department, key=lambda g: g.department_id)
        for members in [list(group)]
    ]
    letters = [(letter, list(group)) for letter, group in groupby(guides, key=lambda g: g.initial)]
    context = {
        "themes": [(theme, members) for theme, members in themes if members],
        "departments": departments,
        "letters": letters,
        "popular": ServiceGuide.objects.published().for_list().popular()[:8],
        "lookup_form": ResultLookupForm(),
        "guide_count": len(guides),
    }
    return render(request, "services/index.html", context)


@cache_public_page(scopes=[SERVICES])
def theme(request, slug):
    theme = get_object_or_404(ServiceTheme.objects.visible(), slug=slug)
    guides = ServiceGuide.objects.published().for_list().filter(theme=theme).alphabetical()
    return render(request, "services/theme_detail.html", {"theme": theme, "guides": guides})


@cache_public_page
def guide_detail(request, pk, *, printable=False):
    depends_on(object_scope(ServiceGuide, pk))
    guide = get_object_or_404(ServiceGuide.objects.published().for_detail(), pk=pk)
    template = "services/guide_print.html" if printable else "services/guide_detail.html"
    return render(request, template, {"guide": guide})


def guide_forms_zip(request, pk):
    """All forms of a guide in one ZIP, under their original names."""
    guide = get_object_or_404(ServiceGuide.objects.published(), pk=pk)
    content = build_forms_zip(guide)
    return HttpResponse(
        content,
        content_type="application/zip",
        headers={"Content-Disposition": content_disposition_header(True, f"{guide.name}-表格.zip")},
    )


def form_download(request, pk):
    form = get_object_or_404(MaterialForm.objects.public(), pk=pk)
    return attachment_response(form)


def result_sample_download(request, pk):
    sample = get_object_or_404(ResultSample.objects.public(), pk=pk)
    return attachment_response(sample)


def booklet_download(request):
    """The 《行政审批服务指南》 PDF; built once on demand if the background job has not run yet."""
    path = booklet.booklet_file()
    if not path.exists():
        try:
            booklet.build_booklet()
        except Exception:  # fonts or WeasyPrint broken: say so in Chinese rather than a 500
            logger.exception("building the booklet on demand failed")
            return render(request, "services/booklet_unavailable.html", status=503)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=booklet.DOWNLOAD_NAME)
    response["Cache-Control"] = "no-cache"
    return response


# 办件公示 -----------------------------------------------------------------------------------
@never_cache
def result_list(request):
    results = ApprovalResult.objects.for_list().latest()
    filterset = ApprovalResultFilter(request.GET or None, queryset=results)
    page = paginate(request, filterset.qs if filterset.is_bound else results)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page_obj": page, "query_string": query.urlencode()}
    return render(request, "services/result_list.html", context)


@never_cache
def result_lookup(request):
    """Look one application up by its 受理编号."""
    form = ResultLookupForm(request.GET or None)
    result = None
    if form.is_valid():
        result = (
            ApprovalResult.objects.for_list()
            .filter(tracking_number__iexact=form.cleaned_data["number"])
            .first()
        )
    return render(
        request,
        "services/result_lookup.html",
        {"form": form, "result": result, "searched": form.is_bound},
    )


@never_cache
def result_export(request):
    """The filtered 办件公示 as CSV (masked like the page), at most 5000 rows."""
    results = ApprovalResult.objects.for_list().latest()
    filterset = ApprovalResultFilter(request.GET or None, queryset=results)
    rows = (filterset.qs if filterset.is_bound else results)[:5000]
    response, writer = csv_response("banjian-gongshi.csv")
    writer.writerow(
        [
            "受理编号",
            "办理事项",
            "申请人",
            "受理日期",
            "承诺办结日期",
            "办结日期",
            "状态",
            "办理结果",
        ]
    )
    for result in rows:
        writer.writerow(
            [
                result.tracking_number,
                result.guide.name,
                result.public_applicant,
                result.accepted_on.isoformat(),
                result.promised_on.isoformat() if result.promised_on else "",
                result.completed_on.isoformat() if result.completed_on else "",
                result.get_status_display(),
                result.result,
            ]
        )
    return response


# 好差评 ------------------------------------------------------------------------------------------
def _save_rating(form, **kwargs):
    """Record the rating of a valid form; a rating that lost a race is a form error, not a 500."""
    try:
        return record_rating(level=form.cleaned_data["level"], **kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("service-rating", phone_field="")
def result_rate(request):
    """一事一评: the applicant rates a finished 办件 (受理编号 + phone's last four digits)."""
    initial = {"number": request.GET.get("number", "")[:40]}
    form = ResultRatingForm(request.POST or None, initial=initial)
    if form.is_valid():
        rating = _save_rating(
            form,
            channel=ServiceRating.Channel.ONLINE,
            result=form.result,
            comment=form.cleaned_data["comment"],
            indicators=form.indicators(),
        )
        if rating is not None:
            return render(request, "services/rating_done.html", {"rating": rating})
    status = 400 if form.is_bound else 200
    return render(request, "services/rating_form.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("service-rating-lookup", phone_field="")
def rating_lookup(request):
    """评价查询: the applicant sees their rating and the department's 整改 reply."""
    form = ApplicantCheckForm(request.POST or None)
    ratings = None
    if form.is_valid():
        ratings = (
            form.result.ratings.select_related("case")
            .filter(channel=ServiceRating.Channel.ONLINE)
            .order_by("-rated_at")
        )
    return render(request, "services/rating_lookup.html", {"form": form, "ratings": ratings})


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("service-rating", phone_field="")
def guide_rate(request, pk):
    """评价办事指南 (指南准确度)."""
    guide = get_object_or_404(ServiceGuide.objects.published().for_list(), pk=pk)
    form = GuideRatingForm(request.POST or None)
    if form.is_valid():
        rating = _save_rating(
            form,
            channel=ServiceRating.Channel.GUIDE,
            guide=guide,
            comment=form.cleaned_data["comment"],
            indicators={"guide_accuracy": form.cleaned_data["level"]},
        )
        if rating is not None:
            return render(request, "services/rating_done.html", {"rating": rating})
    status = 400 if form.is_bound else 200
    return render(
        request, "services/guide_rating.html", {"form": form, "guide": guide}, status=status
    )


FIGURE_COLUMNS = [
    ("rated", "评价数"),
    ("good", "好评数"),
    ("good_rate", "好评率（%）"),
    ("bad", "差评数"),
    ("rectified", "已整改"),
    ("rectified_rate", "整改率（%）"),
    ("on_time", "按时整改"),
    ("on_time_rate", "按时整改率（%）"),
]


def _figures_month(request):
    """Return the month asked for (?month=2026-11), this month when absent or malformed."""
    today = timezone.localdate()
    month = parse_month(request.GET.get("month"))
    return month if month and month <= today else month_start(today)


def _rating_figures(month):
    ratings = ServiceRating.objects.in_month(month)
    return {
        "month": month,
        "total": ratings.figures(),
        "departments": ratings.figures_by("department"),
        "guides": ratings.figures_by("guide"),
        "columns": FIGURE_COLUMNS,
    }


@cache_public_page(scopes=[FIGURES_SCOPE])
def rating_figures(request):
    """好差评 monthly figures per department and item (ratings excluded by 申诉复核 left out)."""
    context = _rating_figures(_figures_month(request))
    context["months"] = recent_months(timezone.localdate(), 12)
    return render(request, "services/rating_figures.html", context)


@never_cache
def rating_figures_export(request, fmt):
    """The month's 好差评 figures as CSV or XLSX: one row per department, then per item."""
    figures = _rating_figures(_figures_month(request))
    header = ["分组", "名称", *(label for _, label in FIGURE_COLUMNS)]
    rows = [
        ["合计", "全局", *(figures["total"][key] for key, _ in FIGURE_COLUMNS)],
        *(
            ["科室", row["name"], *(row[key] for key, _ in FIGURE_COLUMNS)]
            for row in figures["departments"]
        ),
        *(
            ["事项", row["name"], *(row[key] for key, _ in FIGURE_COLUMNS)]
            for row in figures["guides"]
        ),
    ]
    name = f"haochaping-{figures['month']:%Y-%m}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = f"{figures['month']:%Y年%m月}好差评"
        sheet.append(header)
        for row in rows:
            sheet.append(["" if value is None else value for value in row])
        return xlsx_response(workbook, f"{name}.xlsx")
    response, writer = csv_response(f"{name}.csv")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return response


# Lobby kiosk ---------------------------------------------------------------------------------
def kiosk_context(**extra):
    return {"idle_seconds": KIOSK_IDLE_SECONDS, **extra}


def kiosk_home(request):
    themes = ServiceTheme.objects.visible()
    return render(request, "services/kiosk/home.html", kiosk_context(themes=themes))


def kiosk_theme(request, slug):
    theme = get_object_or_404(ServiceTheme.objects.visible(), slug=slug)
    guides = ServiceGuide.objects.published().for_list().filter(theme=theme).alphabetical()
    return render(request, "services/kiosk/theme.html", kiosk_context(theme=theme, guides=guides))


def kiosk_guide(request, pk):
    guide = get_object_or_404(ServiceGuide.objects.published().for_detail(), pk=pk)
    return render(request, "services/kiosk/guide.html", kiosk_context(guide=guide))


def kiosk_windows(request):
    windows = ServiceWindow.objects.active()
    return render(
        request,
        "services/kiosk/windows.html",
        kiosk_context(windows=windows, hall_columns=HALL_COLUMNS),
    )


@never_cache
def kiosk_results(request):
    results = ApprovalResult.objects.for_list().of_day().latest()[:40]
    return render(request, "services/kiosk/results.html", kiosk_context(results=results))


def kiosk_news(request):
    return render(request, "services/kiosk/news.html", kiosk_context())


@never_cache
@require_http_methods(["GET", "POST"])
@public_form_limits("kiosk-rating", phone_field="")
def kiosk_rate(request):
    """一次一评 right after a transaction in the hall: a window and one of five buttons."""
    form = KioskRatingForm(request.POST or None)
    if form.is_valid():
        rating = _save_rating(
            form, channel=ServiceRating.Channel.KIOSK, window=form.cleaned_data["window"]
        )
        if rating is not None:
            return render(request, "services/kiosk/rate_done.html", kiosk_context(rating=rating))
    status = 400 if form.is_bound else 200
    return render(request, "services/kiosk/rate.html", kiosk_context(form=form), status=status)


# LED big screen ------------------------------------------------------------------------------
def _seconds(request, name, default):
    """Return a timer setting from the query string (1–600 s), for screens of different halls."""
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return min(max(value, 1), 600)


def screen(request):
    """The LED big screen; `?rotate=` and `?refresh=` (seconds) adjust its timers."""
    context = {
        "refresh_seconds": _seconds(request, "refresh", SCREEN_REFRESH_SECONDS),
        "rotate_seconds": _seconds(request, "rotate", SCREEN_ROTATE_SECONDS),
    }
    return render(request, "services/screen.html", context)


@never_cache
def screen_data(request):
    """What the LED screen shows, as JSON (applicants masked). Polled every few seconds."""
    now = timezone.localtime()
    results = ApprovalResult.objects.for_list().of_day(today=now.date()).latest()[:30]
    guides = ServiceGuide.objects.published().for_list().popular(today=now.date())[:12]
    data = {
        "generated_at": now.isoformat(timespec="seconds"),
        "news": [
            {"title": item.title, "date": timezone.localtime(item.published_at).date().isoformat()}
            for item in latest_news(count=8)
        ],
        "guides": [
            {
                "name": guide.name,
                "theme": guide.theme.name,
                "department": guide.department.name,
                "promised_days": guide.promised_time_limit,
                "promised": guide.promised_time_limit_label(),
                "fee": "不收费" if guide.is_free else "收费",
            }
            for guide in guides
        ],
        "results": [
            {
                "number": result.tracking_number,
                "guide": result.guide.name,
                "applicant": result.public_applicant,
                "accepted_on": result.accepted_on.isoformat(),
                "status": result.get_status_display(),
                "status_code": result.status,
                "lateness": result.lateness_note(today=now.date()),
            }
            for result in results
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
