"""Background work of 政务公开, run by django-tasks-db's db_worker."""

from django.tasks import task

from .services import draft_annual_report, send_request_reminders


@task
def send_information_request_reminders():
    """Remind near-deadline requests, escalate overdue ones, lapse missed 补正 (idempotent)."""
    return send_request_reminders()


@task
def draft_last_years_annual_report():
    """In January, open last year's annual report as a draft and tell the office (idempotent)."""
    report = draft_annual_report()
    return report.year if report else None
