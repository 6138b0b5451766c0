"""Background work of the site-wide app, run by django-tasks-db's db_worker."""

from django.tasks import task

from . import notify, workdays


@task
def send_citizen_notice(notice_id: int):
    """Send one notice to a citizen and record whether it went out."""
    return notify.deliver(notice_id).status


@task
def settle_provisional_deadlines():
    """Recompute the stored 预估 deadlines after calendar rows changed (idempotent)."""
    return workdays.settle_provisional_deadlines()


@task
def retry_citizen_notices():
    """Send again the notices to citizens that failed (idempotent)."""
    return notify.retry_failed_notices()


@task
def disable_inactive_accounts():
    """Disable the staff accounts unused for settings.STAFF_INACTIVE_DAYS (daily)."""
    from .models import User

    users = list(User.objects.unused())
    for user in users:
        user.disable_as_unused()
    return len(users)


@task
def send_staff_notices(notice_ids: list[int]):
    """Mail notices to staff and record for each whether it went out."""
    from . import staff_notices

    return [n.mail_status for notice_id in notice_ids for n in staff_notices.deliver(notice_id)]


@task
def retry_staff_notices():
    """Mail again every staff notice not yet delivered (idempotent)."""
    from . import staff_notices

    return staff_notices.deliver_due()
