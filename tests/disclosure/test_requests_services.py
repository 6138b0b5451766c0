"""依申请公开 reminders: near-deadline mail to the office, escalation to 局领导, 补正 lapse."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from disclosure.models import AnnualReport, InformationRequest, LetterTemplate
from disclosure.services import draft_annual_report, send_request_reminders
from disclosure.tasks import draft_last_years_annual_report, send_information_request_reminders
from portal import workdays
from portal.models import WorkCalendarDay
from tests.disclosure.request_factories import at, received_request

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


@pytest.fixture
def mailboxes(disclosure_office, leadership):
    disclosure_office.email = "office@example.gov.cn"
    disclosure_office.save()
    leadership.email = "leader@example.gov.cn"
    leadership.save()


def test_reminders_are_sent_once(mailboxes, disclosure_office, django_capture_on_commit_callbacks):
    near = received_request(date(2025, 3, 3))  # due 31 Mar
    late = received_request(date(2025, 2, 5))  # due 4 Mar
    lapsing = received_request(date(2025, 3, 3))
    lapsing.request_correction(
        by=disclosure_office, items="补充", period_days=5, now=at(date(2025, 3, 4))
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = send_request_reminders(now=at(date(2025, 3, 26)))
    # The office is reminded; the escalation goes to 局领导 and the office.
    assert result["mail"] == {"sent": 3, "undelivered": 0, "reasons": {}}
    del result["mail"]
    assert result == {"reminded": 1, "escalated": 1, "lapsed": 1}
    subjects = sorted(message.subject for message in mail.outbox)
    assert any(near.tracking_number in s and "即将到期" in s for s in subjects)
    assert any(late.tracking_number in s and "督办" in s for s in subjects)
    # The office, 局领导, and the applicant of the overdue request (portal.notify).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leader@example.gov.cn",
        "office@example.gov.cn",
        "office@example.gov.cn",
        "zhang@example.com",
    ]
    lapsing.refresh_from_db()
    assert lapsing.status == InformationRequest.Status.WITHDRAWN
    assert near.events.filter(kind="reminded").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = send_request_reminders(now=at(date(2025, 3, 27)))
    assert again["mail"]["sent"] == 0
    del again["mail"]
    assert again == {"reminded": 0, "escalated": 0, "lapsed": 0}
    assert len(mail.outbox) == 4


def test_command_and_task(mailboxes, capsys):
    call_command("remind_information_requests")
    assert "已提醒 0 件" in capsys.readouterr().out
    assert send_information_request_reminders.enqueue().return_value == {
        "reminded": 0,
        "escalated": 0,
        "lapsed": 0,
        "mail": {"sent": 0, "undelivered": 0, "reasons": {}},
    }


def test_edited_template_changes_later_letters_only(disclosure_office):
    first = received_request(date(2025, 3, 3))
    first.reply(by=disclosure_office, reply_type="1", legal_basis="x", text="y")
    template = LetterTemplate.objects.get(kind="reply")
    template.body = "{{ info_request.applicant_name }}：\n新的答复模板正文。{{ remedy }}"
    template.full_clean()
    template.save()
    second = received_request(date(2025, 3, 3))
    second.reply(by=disclosure_office, reply_type="1", legal_basis="x", text="y")
    assert "新的答复模板正文" not in first.letters.get().body
    assert "新的答复模板正文" in second.letters.get().body
    assert "行政复议" in second.letters.get().body
    template.body = "{% if %}"
    with pytest.raises(Exception) as error:
        template.full_clean()
    assert "模板语法错误" in str(error.value)


def test_annual_report_draft_in_january_once(mailboxes, django_capture_on_commit_callbacks):
    assert draft_annual_report(today=date(2026, 2, 1)) is None
    assert draft_annual_report(today=date(2025, 12, 31)) is None
    assert not AnnualReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = draft_annual_report(today=date(2026, 1, 2))
    assert report.year == 2025 and not report.is_published()
    [message] = mail.outbox
    assert message.to == ["office@example.gov.cn"]
    assert "2025年政府信息公开工作年度报告" in message.subject and "1月31日" in message.subject
    with django_capture_on_commit_callbacks(execute=True):
        assert draft_annual_report(today=date(2026, 1, 3)) is None
    assert AnnualReport.objects.count() == 1 and len(mail.outbox) == 1


def test_annual_report_draft_command_and_task(capsys):
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        call_command("draft_annual_report")
        assert "无需生成" in capsys.readouterr().out
    with time_machine.travel(at(date(2026, 1, 5)), tick=False):
        assert draft_last_years_annual_report.enqueue().return_value == 2025
        call_command("draft_annual_report")  # already there: nothing new
        assert "无需生成" in capsys.readouterr().out
    assert list(AnnualReport.objects.values_list("year", flat=True)) == [2025]
