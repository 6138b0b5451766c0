from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import services, website_report
from .models import Task, WebsiteReport


def index(request):
    """政务公开工作: this year's published figures per column, freshness and task completion."""
    today = timezone.localdate()
    by_column = services.yearly_publication_by_column(today.year)
    summary = services.freshness_summary(services.column_freshness(today=today))
    tasks = Task.objects.in_year(today.year).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Task.Status.DONE)),
        in_progress=Count("pk", filter=Q(status=Task.Status.IN_PROGRESS)),
        not_started=Count("pk", filter=Q(status=Task.Status.NOT_STARTED)),
        overdue=Count("pk", filter=Q(pk__in=Task.objects.overdue(today=today).values("pk"))),
    )
    context = {
        "year": today.year,
        "today": today,
        "by_column": by_column,
        "total": sum(count for _, count in by_column),
        "summary": summary,
        "tasks": tasks,
    }
    return render(request, "oversight/index.html", context)


def website_report_list(request):
    """政府网站工作年度报表: every published year, newest first."""
    reports = WebsiteReport.objects.published().select_related("item")
    return render(request, "oversight/website_report_list.html", {"reports": reports})


def website_report_detail(request, year, printable=False):
    """A published website report: page, print layout (printable) or PDF (?format=pdf)."""
    report = get_object_or_404(WebsiteReport.objects.published().select_related("item"), year=year)
    if request.GET.get("format") == "pdf":
        return website_report.pdf_response(report)
    template = (
        "oversight/website_report_print.html" if printable else "oversight/website_report.html"
    )
    return render(request, template, website_report.context(report))
