"""Orchestration of 依申请公开 with the outside world: submission, registration, reminder mail."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal import roles, staff_notices
from portal.exceptions import InvalidTransition
from portal.models import CitizenNotice, SiteSettings
from portal.notices import mail_on_commit, staff_emails
from portal.notify import notify_citizen
from portal.querycodes import new_query_code

from .models import (
    InformationRequest,
    InformationRequestEvent,
    RequestCounter,
    SupportingDocument,
)
from .models.requests import hash_query_code


@dataclass(frozen=True)
class Submission:
    """A stored request and its 查询码 in clear, kept only until the applicant has seen it."""

    info_request: InformationRequest
    query_code: str


def _new_request(data, *, channel, now):
    query_code = new_query_code()
    info_request = InformationRequest(
        **{name: data.get(name) or "" for name in InformationRequest.APPLICANT_FIELDS},
        channel=channel,
        submitted_at=now,
        tracking_number=RequestCounter.next_tracking_number(now),
        query_code_hash=hash_query_code(query_code),
    )
    return info_request, query_code


@transaction.atomic
def submit_request(*, data: dict, ip: str | None, now: datetime | None = None) -> Submission:
    """Accept an online application: number it and wait for the office to confirm receipt."""
    now = now or timezone.now()
    info_request, query_code = _new_request(
        data, channel=InformationRequest.Channel.ONLINE, now=now
    )
    info_request.submitter_ip = ip or None
    info_request.save()
    InformationRequestEvent.objects.create(
        request=info_request,
        kind=InformationRequestEvent.Kind.SUBMITTED,
        at=now,
        note="网上提交，待政务公开办确认收到后开始计算答复期限",
    )
    for upload in data.get("attachments") or []:  # checked by the form (CitizenFilesField)
        SupportingDocument.objects.create(request=info_request, file=upload)
    notify_office(template="submitted", info_request=info_request)
    notify_citizen(info_request, CitizenNotice.Kind.RECEIVED)
    return Submission(info_request=info_request, query_code=query_code)


@transaction.atomic
def register_request(
    *, data: dict, channel: str, by, received_on: date | None = None, now: datetime | None = None
) -> Submission:
    """Register an application received in person, by post or by fax (Art. 31).

    In person the clock starts on the day of submission, by post on the day the letter was
    signed for (received_on); a fax, like an online application, waits for the confirmation.
    """
    now = now or timezone.now()
    info_request, query_code = _new_request(data, channel=channel, now=now)
    info_request.registered_by = by
    info_request.department = data.get("department")
    if channel == InformationRequest.Channel.FAX:
        info_request.save()
        note = "传真提交，待确认收到"
    else:
        received_on = received_on or timezone.localdate(now)
        info_request.status, info_request.received_on = (
            InformationRequest.Status.RECEIVED,
            received_on,
        )
        reason = "当面提交之日" if channel == InformationRequest.Channel.IN_PERSON else "签收之日"
        info_request.start_clock(received_on, reason)
        info_request.save()
        note = info_request.due_explanation
    InformationRequestEvent.objects.create(
        request=info_request,
        kind=InformationRequestEvent.Kind.REGISTERED,
        actor=by,
        at=now,
        note=f"{info_request.get_channel_display()}，{note}",
    )
    notify_citizen(info_request, CitizenNotice.Kind.RECEIVED)
    return Submission(info_request=info_request, query_code=query_code)


def notify_office(*, template: str, info_request: InformationRequest, role=roles.DISCLOSURE_OFFICE):
    """Mail the office (or leadership) about info_request once the transaction has committed."""
    recipients = staff_emails(roles=role)
    if not recipients:
        return
    context = {"info_request": info_request, "site_url": getattr(settings, "SITE_URL", "")}
    subject = render_to_string(f"disclosure/emails/request_{template}_subject.txt", context)
    body = render_to_string(f"disclosure/emails/request_{template}.txt", context)
    mail_on_commit(subject, body, recipients)


def send_request_reminders(*, now: datetime | None = None) -> dict:
    """Remind the office of requests near their deadline, escalate overdue ones, lapse 补正, then
    mail every reminder still undelivered (portal.staff_notices: never counted sent unless it
    went).

    Idempotent: each request is stamped (reminded_at, escalated_at) by a conditional update, and
    a lapsed 补正 changes the state, so a second run stamps and changes nothing; a reminder whose
    mail did not go out (no address, no recipient, SMTP error) is tried again each run.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"reminded": 0, "escalated": 0, "lapsed": 0}
    for info_request in InformationRequest.objects.due_for_reminder(today=today):
        with transaction.atomic():
            if info_request.mark_reminded(now=now):  # the staff notices come with the event
                counts["reminded"] += 1
    for info_request in InformationRequest.objects.due_for_escalation(today=today):
        with transaction.atomic():
            if info_request.mark_escalated(now=now):
                counts["escalated"] += 1
                notify_citizen(info_request, CitizenNotice.Kind.OVERDUE)
    for info_request in InformationRequest.objects.correction_lapsed(today=today):
        info_request.lapse_correction(by=None, now=now)
        counts["lapsed"] += 1
    counts["mail"] = staff_notices.deliver_due_reminders(InformationRequest)
    return counts


@transaction.atomic
def draft_annual_report(*, today: date | None = None):
    """In January, open last year's annual report as a draft and tell the 政务公开办 it is due
    by 31 January (Art. 49); idempotent, so it can run every day."""
    from .models import AnnualReport

    today = today or timezone.localdate()
    if today.month != 1:
        return None
    report, created = AnnualReport.objects.get_or_create(year=today.year - 1)
    if not created:
        return None
    recipients = staff_emails(roles=roles.DISCLOSURE_OFFICE)
    if recipients:
        context = {"report": report, "due_on": date(today.year, 1, 31)}
        subject = render_to_string("disclosure/emails/annual_report_draft_subject.txt", context)
        body = render_to_string("disclosure/emails/annual_report_draft.txt", context)
        mail_on_commit(subject, body, recipients)
    return report


def render_pdf(html: str) -> bytes:
    """Return the PDF of a standalone HTML page (WeasyPrint, Noto CJK fonts)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_letter_pdf(letter) -> bytes:
    """Return the PDF of an issued letter, laid out like its printable page."""
    html = render_to_string(
        "disclosure/letters/letter.html",
        {
            "letter": letter,
            "info_request": letter.request,
            "is_pdf": True,
            "site": SiteSettings.load(),
        },
    )
    return render_pdf(html)


@transaction.atomic
def submit_annual_report_item(*, report, by, now: datetime | None = None):
    """Put the annual report into the 公开年报 column as an item with its PDF, and submit it.

    One item per year: the first call creates it, later calls refresh its text and PDF while it
    is a draft, returned or withdrawn. A 审核员 then approves it like any other item.
    """
    from . import annual_report
    from .models import AnnualReportEvent, Category, Item, ItemAttachment

    now = now or timezone.now()
    report = type(report).objects.select_for_update().get(pk=report.pk)
    report.check_complete(action="submit_item", now=now)
    if by.department_id is None:
        raise ValidationError("您的账号没有所在科室，不能以科室名义发布", code="no_department")
    item = report.item
    if item is not None and item.status == Item.Status.PENDING:
        raise InvalidTransition(
            item, "submit", "该年度报告的信息条目正在审核中，审核员退回后才能更新"
        )
    if item is not None and item.status == Item.Status.PUBLISHED:
        raise InvalidTransition(
            item, "submit", "该年度报告已在“公开年报”栏目发布；如需更正，请先撤回该信息条目"
        )
    if item is not None and item.status == Item.Status.WITHDRAWN:
        item.revise(by=by, now=now)
    if item is None:
        item = Item(
            category=Category.objects.get(slug="gknb"),
            department_id=by.department_id,
            author=by,
            source="政务公开办",
        )
    context = annual_report.context(report)
    title = f"{context['bureau']}{report.year}年政府信息公开工作年度报告"
    item.title = title
    item.written_on = timezone.localdate(now)
    item.summary = (
        f"{report.year}年政府信息公开工作年度报告：总体情况，主动公开、依申请公开、"
        "行政复议和行政诉讼情况，存在的问题及改进情况。"
    )
    item.body = render_to_string("disclosure/annual_report_item_body.html", context)
    item.save()
    pdf_name = f"{title}.pdf"
    for old in item.attachments.filter(original_name=pdf_name):
        old.delete()
        transaction.on_commit(lambda file=old.file: file.storage.delete(file.name))
    ItemAttachment.objects.create(
        item=item,
        file=ContentFile(annual_report.render_pdf(report), name=f"annual-report-{report.year}.pdf"),
        original_name=pdf_name,
    )
    item.submit(by=by, now=now)
    if report.item_id != item.pk:
        report.item = item
        report.save(update_fields=["item"])
    report.log(AnnualReportEvent.Kind.SENT_TO_CATALOG, by, now, item.title)
    return item
