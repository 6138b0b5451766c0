"""Background jobs of 办事服务 (django.tasks)."""

from datetime import datetime

from django.tasks import task

from services import booklet


@task
def rebuild_booklet(requested_at=None):
    """Regenerate the 《行政审批服务指南》 PDF after a guide was published, withdrawn or changed.

    Publishing several guides queues several jobs; a job whose request is older than the booklet
    on disk has nothing left to do.
    """
    if requested_at and booklet.is_newer_than(datetime.fromisoformat(requested_at)):
        return "skipped"
    booklet.build_booklet()
    return "built"


@task
def send_rectification_reminders():
    """Send the 差评整改 reminders and escalations that are due (idempotent)."""
    from services.services import send_rectification_reminders as sweep

    return sweep()
