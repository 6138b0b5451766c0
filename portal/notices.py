"""Staff notices by e-mail: who gets them, and sending once the transaction has committed.

The state change that causes a notice (a stamp, an event row) is committed first; a mail server
that fails is logged and never undoes it, and the admin queues still show what the mail said.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def staff_emails(*, roles, department_id: int | None = None) -> list[str]:
    """Return the e-mail addresses of active staff holding any of roles (in a department if
    given), sorted and without repeats."""
    if isinstance(roles, str):
        roles = [roles]
    users = (
        get_user_model().objects.filter(is_active=True, groups__name__in=roles).exclude(email="")
    )
    if department_id is not None:
        users = users.filter(department_id=department_id)
    return sorted(set(users.values_list("email", flat=True)))


def mail_on_commit(subject: str, body: str, recipients: list[str]) -> None:
    """Send one plain-text notice to recipients after the current transaction commits."""
    if not recipients:
        return
    subject = " ".join(subject.split())  # a rendered subject template may end in a newline
    transaction.on_commit(lambda: _send(subject, body, list(recipients)))


def _send(subject, body, recipients):
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        logger.exception("Notice %r could not be mailed to %s", subject, recipients)
