"""Notices to citizens (portal.notify): sent after the commit, failures recorded and retried."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from complaints.models import Message
from complaints.services import send_due_reminders, submit_message
from disclosure.services import send_request_reminders
from portal import notify, workdays
from portal.models import CitizenNotice, WorkCalendarDay
from portal.tasks import retry_citizen_notices
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.disclosure.request_factories import at, online_request, person_data, received_request

pytestmark = pytest.mark.django_db


class BrokenSMSBackend(notify.BaseSMSBackend):
    def send(self, phone, text):
        raise ConnectionError("短信网关无响应")


@pytest.fixture(autouse=True)
def sms_outbox():
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


def message_data(**overrides):
    data = {
        "kind": Message.Kind.COMPLAINT,
        "category": MessageCategoryFactory(name="违法用地"),
        "subject": "东升村有人违法占用耕地建房",
        "body": "东升村村口农田上月起有人建房，请核查。",
        "sender_name": "李四",
        "sender_phone": "13912345678",
        "sender_email": "",
        "has_publication_consent": False,
    }
    return {**data, **overrides}


def test_received_notice_goes_out_after_commit_by_sms_without_the_query_code(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        submission = submit_message(data=message_data(), ip="203.0.113.5")
        notice = CitizenNotice.objects.get()
        assert notice.status == CitizenNotice.Status.PENDING
        assert sms_outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    message = submission.message
    assert sms_outbox[0]["phone"] == "13912345678"
    text = sms_outbox[0]["text"]
    assert message.tracking_number in text
    assert reverse("complaints:message-lookup") in text
    assert submission.query_code not in text
    notice.refresh_from_db()
    assert notice.status == CitizenNotice.Status.SENT
    assert notice.sent_at is not None and notice.attempts == 1
    assert notice.kind == CitizenNotice.Kind.RECEIVED and notice.channel == "sms"
    # The phone and the text are encrypted at rest (portal.crypto), like the message itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient, body FROM portal_citizennotice")
        raw_recipient, raw_body = cursor.fetchone()
    assert "13912345678" not in raw_recipient and message.tracking_number not in raw_body


def test_e_mail_is_used_when_the_citizen_gave_one(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_message(
            data=message_data(sender_email="lisi@example.com"), ip="203.0.113.5"
        )
    assert sms_outbox == []
    assert [m.to for m in mail.outbox] == [["lisi@example.com"]]
    assert submission.message.tracking_number in mail.outbox[0].subject
    assert submission.query_code not in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, sms_outbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit_message(data=message_data(), ip="203.0.113.5")
        raise RuntimeError("保存失败")
    assert callbacks == []
    assert sms_outbox == [] and mail.outbox == []
    assert not CitizenNotice.objects.exists()


def test_a_failure_is_recorded_never_marked_sent_and_retried(
    settings, django_capture_on_commit_callbacks, sms_outbox, capsys
):
    settings.CITIZEN_SMS_BACKEND = "tests.portal.test_notify.BrokenSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        submit_message(data=message_data(), ip="203.0.113.5")
    notice = CitizenNotice.objects.get()
    assert notice.status == CitizenNotice.Status.FAILED
    assert notice.sent_at is None and notice.attempts == 1
    assert "短信网关无响应" in notice.last_error

    call_command("retry_citizen_notices")  # the gateway is still down
    notice.refresh_from_db()
    assert notice.status == CitizenNotice.Status.FAILED and notice.attempts == 2
    assert "仍失败 1 条" in capsys.readouterr().out

    settings.CITIZEN_SMS_BACKEND = "portal.notify.LocmemSMSBackend"
    assert retry_citizen_notices.enqueue().return_value == {"sent": 1, "failed": 0}
    notice.refresh_from_db()
    assert notice.status == CitizenNotice.Status.SENT and notice.attempts == 3
    assert notice.last_error == "" and len(sms_outbox) == 1
    # A sent notice is not sent again.
    assert notify.retry_failed_notices() == {"sent": 0, "failed": 0}
    assert len(sms_outbox) == 1


def test_retries_stop_after_the_last_attempt(settings, django_capture_on_commit_callbacks):
    settings.CITIZEN_SMS_BACKEND = "tests.portal.test_notify.BrokenSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        submit_message(data=message_data(), ip="203.0.113.5")
    for _ in range(CitizenNotice.MAX_ATTEMPTS + 2):
        notify.retry_failed_notices()
    notice = CitizenNotice.objects.get()
    assert notice.attempts == CitizenNotice.MAX_ATTEMPTS
    assert notice.status == CitizenNotice.Status.FAILED


def test_reply_sends_a_notice_once_approved(
    django_capture_on_commit_callbacks, officer, reviewer, sms_outbox
):
    message = MessageFactory(sender_email="", category__department=officer.department)
    with django_capture_on_commit_callbacks(execute=True):
        message.record_reply(by=officer, text="您好，已转执法监察大队核查。")
    assert not CitizenNotice.objects.for_case(message).exists()  # not sent before review
    with django_capture_on_commit_callbacks(execute=True):
        message.approve(by=reviewer)
    notice = CitizenNotice.objects.for_case(message).get()
    assert notice.kind == CitizenNotice.Kind.REPLIED
    assert message.tracking_number in sms_outbox[0]["text"]
    assert "已于" in sms_outbox[0]["text"]


def test_overdue_message_is_notified_once(django_capture_on_commit_callbacks, sms_outbox):
    received = timezone.now() - timedelta(hours=30)
    message = MessageFactory(sender_email="", received_at=received)
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders()
        send_due_reminders()
    overdue = CitizenNotice.objects.filter(kind=CitizenNotice.Kind.OVERDUE)
    assert overdue.count() == 1
    texts = [sms["text"] for sms in sms_outbox if "超过答复期限" in sms["text"]]
    assert len(texts) == 1 and message.tracking_number in texts[0]


@pytest.fixture
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def test_application_notices_received_correction_reply(
    calendar, django_capture_on_commit_callbacks, disclosure_office, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        info_request, code = online_request(data=person_data(email=""))
        info_request.confirm_receipt(by=disclosure_office, now=at(date(2025, 9, 29)))
        info_request.request_correction(
            by=disclosure_office, items="请写明地块名称", now=at(date(2025, 9, 30))
        )
    kinds = list(
        CitizenNotice.objects.for_case(info_request).order_by("pk").values_list("kind", flat=True)
    )
    # Received at submission, then again at the confirmation with the deadline.
    assert kinds == ["received", "received", "correction"]
    assert all(sms["phone"] == "13812345678" for sms in sms_outbox)
    assert reverse("disclosure:request-lookup") in sms_outbox[0]["text"]
    assert code not in sms_outbox[0]["text"]
    assert "确认收到之日起计算" in sms_outbox[0]["text"]
    assert "答复期限：2025年11月3日" in sms_outbox[1]["text"]
    assert "请写明地块名称" in sms_outbox[2]["text"]

    with django_capture_on_commit_callbacks(execute=True):
        info_request.record_correction(by=disclosure_office, now=at(date(2025, 10, 9)))
        info_request.reply(
            by=disclosure_office,
            reply_type="1",
            legal_basis="《中华人民共和国政府信息公开条例》第三十六条第（二）项",
            text="予以公开。",
            now=at(date(2025, 10, 10)),
        )
    assert CitizenNotice.objects.for_case(info_request).first().kind == "replied"
    assert all(n.status == "sent" for n in CitizenNotice.objects.all())


def test_overdue_application_is_notified_once_with_the_remedies(
    calendar, django_capture_on_commit_callbacks, mailoutbox
):
    info_request = received_request(date(2025, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        send_request_reminders(now=at(info_request.due_on + timedelta(days=1)))
        send_request_reminders(now=at(info_request.due_on + timedelta(days=2)))
    overdue = CitizenNotice.objects.for_case(info_request).filter(kind="overdue")
    assert overdue.count() == 1
    to_applicant = [m for m in mailoutbox if m.to == ["zhang@example.com"]]
    overdue_mail = [m for m in to_applicant if "已超期" in m.subject]
    assert len(overdue_mail) == 1
    assert "行政复议" in overdue_mail[0].body and "行政诉讼" in overdue_mail[0].body


def test_office_sees_the_notices_with_masked_contacts(client, disclosure_office):
    CitizenNotice.objects.create(
        case_type="complaints.message",
        case_id=1,
        tracking_number="ZMHD20260101-0001",
        kind="received",
        channel="sms",
        recipient="13912345678",
        subject="受理",
        body="……",
    )
    client.force_login(disclosure_office)
    response = client.get(reverse("admin:portal_citizennotice_changelist"))
    assert response.status_code == 200
    assert "139****5678" in response.text and "13912345678" not in response.text
