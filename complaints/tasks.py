"""Background work of the 政民互动 desk, run by django-tasks-db's db_worker."""

from django.tasks import task

from .services import send_due_reminders


@task
def send_reminders():
    """Send the 75 % reminders and the escalations that are due (idempotent)."""
    return send_due_reminders()
