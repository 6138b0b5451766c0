"""政府网站工作年度报表 (国办发〔2017〕47号 附件): its figures, pages, PDF and catalog item.

Each figure is counted here from the rows it stands for, over the calendar year (local time);
the office corrects what the data cannot know in the admin before the report goes for review.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from disclosure.models import Category, Item, ItemAttachment
from portal import roles
from portal.figures import local_bounds
from portal.models import SiteSettings
from portal.notices import mail_on_commit, staff_emails

from . import inspection
from .models import SiteInspection, WebsiteReport, WebsiteReportEvent

WEBSITE_REPORT_COLUMN = "wzbb"  # 公开年报 › 网站年度报表 (disclosure migration 0011)
INTERPRETATION_COLUMN = "zcjd"  # 政策解读
DUE_MONTH, DUE_DAY = 1, 31  # published by 31 January (国办发〔2017〕47号)

# The 信息发布 groups of the report, from each column's 栏目类型 (Category.column_type).
PUBLICATION_GROUPS = {
    "overview_count": Category.ColumnType.OVERVIEW,
    "news_count": Category.ColumnType.NEWS,
    "catalog_count": Category.ColumnType.CATALOG,
}

# The report's layout: (section, [(field name, ...)]); the page, the PDF and the item body use it.
SECTIONS = [
    ("信息发布", ["published_count", "overview_count", "news_count", "catalog_count"]),
    ("专栏专题", ["special_count", "special_new_count"]),
    ("解读回应", ["interpretation_count", "response_count"]),
    ("办事服务", ["guide_count", "online_guide_count", "result_count"]),
    (
        "互动交流",
        [
            "message_received_count",
            "message_closed_count",
            "average_reply_days",
            "message_published_count",
            "survey_count",
            "opinion_count",
            "survey_result_count",
            "interview_count",
        ],
    ),
    ("安全防护", ["inspection_count", "fixed_count"]),
]
# The figures recomputed from the data (the others are entered by hand).
COMPUTED_FIELDS = [
    "published_count",
    "overview_count",
    "news_count",
    "catalog_count",
    "special_count",
    "interpretation_count",
    "guide_count",
    "online_guide_count",
    "result_count",
    "message_received_count",
    "message_closed_count",
    "average_reply_days",
    "message_published_count",
    "survey_count",
    "opinion_count",
    "survey_result_count",
    "inspection_count",
    "fixed_count",
]


def year_bounds(year):
    """Return the aware [start, end) of a calendar year in local time."""
    return local_bounds(date(year, 1, 1), date(year + 1, 1, 1))


def publication_figures(year):
    """信息发布, 专栏专题 and 解读回应: catalog items published in the year."""
    start, end = year_bounds(year)
    published = Item.objects.public().filter(published_at__gte=start, published_at__lt=end)
    figures = {"published_count": published.count()}
    for name, column_type in PUBLICATION_GROUPS.items():
        figures[name] = published.filter(category__column_type=column_type).count()
    figures["special_count"] = (
        Category.objects.visible().filter(column_type=Category.ColumnType.SPECIAL).count()
    )
    figures["interpretation_count"] = published.filter(
        Q(category__slug=INTERPRETATION_COLUMN) | Q(category__parent__slug=INTERPRETATION_COLUMN)
    ).count()
    return figures


def service_figures(year):
    """办事服务: guides published by the year's end, those online, results accepted in the year."""
    from services.models import ApprovalResult, ServiceGuide  # noqa: PLC0415

    _, end = year_bounds(year)
    guides = ServiceGuide.objects.published().filter(published_at__lt=end)
    return {
        "guide_count": guides.count(),
        "online_guide_count": guides.exclude(online_url="").count(),
        "result_count": ApprovalResult.objects.filter(accepted_on__year=year).count(),
    }


def interaction_figures(year):
    """互动交流: messages received in the year, consultations and evaluations opened in it."""
    from complaints.models import (  # noqa: PLC0415
        Consultation,
        ConsultationComment,
        EvaluationResponse,
        EvaluationRound,
        Message,
    )

    start, end = year_bounds(year)
    messages = Message.objects.received_in(start, end)
    figures = messages.figures()
    average = figures["average_reply_time"]
    average_days = (
        Decimal(average.total_seconds() / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if average
        else Decimal("0.0")
    )
    consultations = Consultation.objects.published().filter(opens_on__year=year)
    rounds = EvaluationRound.objects.public().filter(opens_on__year=year)
    year_end = date(year, 12, 31)
    return {
        "message_received_count": figures["received_count"],
        "message_closed_count": messages.filter(status=Message.Status.APPROVED).count(),
        "average_reply_days": average_days,
        "message_published_count": messages.public().count(),
        "survey_count": consultations.count() + rounds.count(),
        "opinion_count": ConsultationComment.objects.filter(consultation__in=consultations).count()
        + EvaluationResponse.objects.filter(round__in=rounds).count(),
        "survey_result_count": consultations.filter(feedback_published_at__lt=end).count()
        + rounds.closed(today=year_end).count(),
    }


def security_figures(year):
    """安全防护: self-inspections run in the year and the problems fixed between runs."""
    return {
        "inspection_count": SiteInspection.objects.in_year(year).count(),
        "fixed_count": inspection.fixed_count(year),
    }


def compute_figures(year):
    """Return every computed figure of the year's report."""
    return {
        **publication_figures(year),
        **service_figures(year),
        **interaction_figures(year),
        **security_figures(year),
    }


def fill_figures(report):
    """Set the computed figures on report (unsaved); return the field names set."""
    for name, value in compute_figures(report.year).items():
        setattr(report, name, value)
    return list(COMPUTED_FIELDS)


@transaction.atomic
def generate_website_report(*, year: int, by=None, now: datetime | None = None) -> WebsiteReport:
    """Create the year's report as a draft with its computed figures (or return the existing)."""
    now = now or timezone.now()
    report = WebsiteReport.objects.select_for_update().filter(year=year).first()
    if report is not None:
        return report
    report = WebsiteReport(year=year, created_by=by, generated_at=now)
    fill_figures(report)
    report.save()
    report.log(WebsiteReportEvent.Kind.GENERATED, by, now)
    return report


def draft_website_report(*, today: date | None = None):
    """In January, draft last year's report and tell the 政务公开办 (idempotent, for cron)."""
    today = today or timezone.localdate()
    if today.month != DUE_MONTH or WebsiteReport.objects.filter(year=today.year - 1).exists():
        return None
    report = generate_website_report(year=today.year - 1)
    recipients = staff_emails(roles=roles.DISCLOSURE_OFFICE)
    if recipients:
        mail_on_commit(
            f"【待发布】{report}",
            f"系统已生成{report}初稿，请核对数据、填写移动新媒体和创新发展情况，"
            f"于{today.year}年{DUE_MONTH}月{DUE_DAY}日前送审并在网站首页发布。",
            recipients,
        )
    return report


def sections(report):
    """Return [(section, [(label, value)])] as the report prints."""
    return [
        (
            title,
            [
                (WebsiteReport._meta.get_field(name).verbose_name, getattr(report, name))
                for name in names
            ],
        )
        for title, names in SECTIONS
    ]


def context(report):
    site = SiteSettings.load()
    return {
        "report": report,
        "site": site,
        "bureau": site.bureau_name,
        "sections": sections(report),
    }


def render_pdf(report) -> bytes:
    """Return the report as PDF, laid out like its print page (WeasyPrint)."""
    from disclosure.services import render_pdf as html_to_pdf  # noqa: PLC0415

    html = render_to_string(
        "oversight/website_report_print.html", {**context(report), "is_pdf": True}
    )
    return html_to_pdf(html)


def submit_item(*, report, by, now) -> Item:
    """Put the report into its catalog column as an item with its PDF, submitted for review."""
    if by.department_id is None:
        raise ValidationError("您的账号没有所在科室，不能以科室名义发布", code="no_department")
    ctx = context(report)
    title = f"{ctx['bureau']}{report.year}年政府网站工作年度报表"
    item = Item(
        title=title,
        category=Category.objects.get(slug=WEBSITE_REPORT_COLUMN),
        department_id=by.department_id,
        written_on=timezone.localdate(now),
        summary=f"{ctx['site'].site_name}{report.year}年度工作情况：信息发布、专栏专题、"
        "解读回应、办事服务、互动交流、安全防护、移动新媒体和创新发展。",
        body=render_to_string("oversight/website_report_body.html", ctx),
        author=by,
        source="政务公开办",
    )
    item.save()
    ItemAttachment.objects.create(
        item=item,
        file=ContentFile(render_pdf(report), name=f"website-report-{report.year}.pdf"),
        original_name=f"{title}.pdf",
    )
    item.submit(by=by, now=now)
    return item


def due_on(year):
    """Return the day the report of `year` must be published by."""
    return date(year + 1, DUE_MONTH, DUE_DAY)


def is_due_soon(*, today=None):
    """Return whether last year's report is due this month and not yet published."""
    today = today or timezone.localdate()
    return today.month == DUE_MONTH and not (
        WebsiteReport.objects.published().filter(year=today.year - 1).exists()
    )


def pdf_response(report):
    """Return the report's PDF as a download."""
    from django.http import HttpResponse  # noqa: PLC0415
    from django.utils.http import content_disposition_header  # noqa: PLC0415

    return HttpResponse(
        render_pdf(report),
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"website-report-{report.year}.pdf"
            )
        },
    )
