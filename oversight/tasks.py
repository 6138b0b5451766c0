"""Background work of 考核监督, run by django-tasks-db's db_worker."""

from django.tasks import task

from . import inspection, services, website_report


@task
def warn_stale_columns():
    """Warn departments whose columns go stale within 3 days (once per column and due date)."""
    return services.warn_stale_columns()


@task
def inspect_site(user_id=None):
    """Run the self-inspection (网站自查) and store its findings; daily from cron."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return inspection.run_inspection(by=by).pk


@task
def draft_last_years_website_report():
    """In January, compute last year's 网站工作年度报表 as a draft (idempotent)."""
    report = website_report.draft_website_report()
    return report.year if report else None
