from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from . import services
from .models import Task


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
