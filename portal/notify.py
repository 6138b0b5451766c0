"""Notices to citizens: the 受理编号 and each status change of their message or application, sent
to the contact they gave (e-mail if given, else SMS to the phone). Staff notices are
`portal.notices`.

A notice is a `CitizenNotice` row written inside the transaction that causes it; the sending
waits for the commit (a task for the db_worker) and records the outcome on the row. A failure is
logged, recorded as 发送失败 and retried by `retry_citizen_notices` (cron, or its task); it is
never marked sent. E-mail goes through Django's mail backend (settings.MAILERS); SMS through the
backend class named by settings.CITIZEN_SMS_BACKEND, configured like a mail backend.

The 查询码 is never sent in clear, except when the office re-issues one after checking identity
(`notify_citizen(..., query_code=...)`): that code is put into the text only at sending, is never
stored, and its notice is sent straight after the commit rather than through the task queue.

Feature apps supply the case: a model with `tracking_number`, `notice_contact()` returning
(e-mail, phone), `notice_lookup_url` (the URL name of its lookup page) and templates
`<app_label>/notices/<kind>.txt` (context: record, lookup_url, site, query_code).
"""

import logging
import sys

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import CitizenNotice, SiteSettings

logger = logging.getLogger(__name__)

# Stands for the re-issued 查询码 in the stored text; replaced only in the text sent.
QUERY_CODE_PLACEHOLDER = "［查询码仅在发送时填入，系统不保存］"

# Text messages "sent" through LocmemSMSBackend (tests), like django.core.mail.outbox.
sms_outbox = []


class BaseSMSBackend:
    """What an SMS gateway adapter implements: send(phone, text), raising on failure."""

    def __init__(self, **options):
        self.options = options

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError("短信通道未实现 send(phone, text)")


class ConsoleSMSBackend(BaseSMSBackend):
    """Print each text message to standard output (development, or before a gateway exists)."""

    def send(self, phone, text):
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"[短信] 发往 {phone}\n{text}\n{'-' * 40}\n")
        stream.flush()


class LocmemSMSBackend(BaseSMSBackend):
    """Keep text messages in `portal.notify.sms_outbox` (tests)."""

    def send(self, phone, text):
        sms_outbox.append({"phone": phone, "text": text})


def get_sms_backend():
    """Return an instance of the SMS backend named by settings.CITIZEN_SMS_BACKEND."""
    path = getattr(settings, "CITIZEN_SMS_BACKEND", "portal.notify.ConsoleSMSBackend")
    return import_string(path)(**getattr(settings, "CITIZEN_SMS_OPTIONS", {}))


def lookup_address(record):
    """Return the full address of the lookup page where the citizen follows record."""
    path = reverse(record.notice_lookup_url)
    domain = SiteSettings.load().domain
    return f"https://{domain}{path}" if domain else path


def notify_citizen(record, kind, *, query_code: str = "") -> CitizenNotice | None:
    """Record a notice of kind about record to its citizen and send it after the commit.

    Return the notice, or None when the citizen left no contact. A query_code (re-issue only)
    goes into the text sent and nowhere else.
    """
    email, phone = record.notice_contact()
    if not (email or phone):
        return None
    site = SiteSettings.load()
    context = {
        "record": record,
        "lookup_url": lookup_address(record),
        "site": site,
        "query_code": QUERY_CODE_PLACEHOLDER if query_code else "",
    }
    body = render_to_string(f"{record._meta.app_label}/notices/{kind}.txt", context).strip()
    notice = CitizenNotice.objects.create(
        case_type=record._meta.label_lower,
        case_id=record.pk,
        tracking_number=record.tracking_number,
        kind=kind,
        channel=CitizenNotice.Channel.EMAIL if email else CitizenNotice.Channel.SMS,
        recipient=email or phone,
        subject=f"【{site.site_name}】{record.tracking_number} {CitizenNotice.Kind(kind).label}",
        body=body,
    )
    if query_code:
        # Never through the queue: the task's arguments are stored, the code must not be.
        transaction.on_commit(lambda: deliver(notice.pk, query_code=query_code))
    else:
        from .tasks import send_citizen_notice

        transaction.on_commit(lambda: send_citizen_notice.enqueue(notice_id=notice.pk))
    return notice


def deliver(notice_id: int, *, query_code: str = "") -> CitizenNotice:
    """Send one notice now through its channel and record the outcome (sent, or failed and why)."""
    notice = CitizenNotice.objects.get(pk=notice_id)
    if notice.status == CitizenNotice.Status.SENT:
        return notice
    body = notice.body.replace(QUERY_CODE_PLACEHOLDER, query_code) if query_code else notice.body
    try:
        if notice.channel == CitizenNotice.Channel.EMAIL:
            send_mail(notice.subject, body, settings.DEFAULT_FROM_EMAIL, [notice.recipient])
        else:
            get_sms_backend().send(notice.recipient, body)
    except Exception as exc:
        logger.exception("Citizen notice %s (%s) could not be sent", notice.pk, notice)
        notice.mark_failed(exc)
    else:
        notice.mark_sent(now=timezone.now())
    return notice


def retry_failed_notices() -> dict:
    """Send again every failed notice that has attempts left; return how many went out."""
    counts = {"sent": 0, "failed": 0}
    for notice_id in CitizenNotice.objects.due_for_retry().values_list("pk", flat=True):
        # Claim it first (one conditional UPDATE): two sweeps at once never both send it.
        failed = CitizenNotice.objects.filter(pk=notice_id, status=CitizenNotice.Status.FAILED)
        if not failed.update(status=CitizenNotice.Status.PENDING):
            continue
        notice = deliver(notice_id)
        counts["sent" if notice.status == CitizenNotice.Status.SENT else "failed"] += 1
    return counts
