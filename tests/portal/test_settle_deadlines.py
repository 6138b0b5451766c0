"""预估 deadlines settle when their year's calendar is entered (STYLE §6's one exception).

2030 has no calendar rows here: its estimate skips weekends and the statutory holidays (国庆
1–3 Oct, Tue–Thu). The office then enters the State Council's arrangement as it might read:
1–7 Oct off (the weekdays 1, 2, 3, 4 and 7 Oct), no make-up day.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.models import Message, MessageEvent
from disclosure.models import InformationRequest, InformationRequestEvent
from portal import workdays
from portal.models import WorkCalendarDay
from services.models import ApprovalResult
from tests.complaints.factories import MessageFactory
from tests.disclosure.request_factories import at, received_request
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY_2030 = [date(2030, 10, day) for day in (1, 2, 3, 4, 7)]


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    WorkCalendarDay.objects.filter(date__year__gte=2030).delete()
    workdays.clear_cache(range(2024, 2032))


def enter_national_day_2030(client, user, capture):
    """Enter the rows in the admin, as the office does; the settling runs after the commit."""
    client.force_login(user)
    url = reverse("admin:portal_workcalendarday_add")
    with capture(execute=True):
        for day in NATIONAL_DAY_2030:
            response = client.post(
                url, {"date": day.isoformat(), "kind": "holiday", "note": "国庆节"}
            )
            assert response.status_code == 302


def test_request_reply_between_provisional_and_real_date_is_on_time_after_settling(
    client, admin_user, disclosure_office, django_capture_on_commit_callbacks
):
    info_request = received_request(date(2030, 9, 20))  # Fri
    assert info_request.is_due_provisional
    assert info_request.due_on == date(2030, 10, 23)  # estimate: 1–3 Oct off
    assert "预估" in info_request.due_explanation
    # The office replies on 24 Oct: late against the estimate, frozen so.
    info_request.reply(
        by=disclosure_office, reply_type="1", legal_basis="x", text="y", now=at(date(2030, 10, 24))
    )
    assert info_request.is_replied_late

    enter_national_day_2030(client, admin_user, django_capture_on_commit_callbacks)

    info_request.refresh_from_db()
    assert info_request.due_on == date(2030, 10, 25)  # 4 and 7 Oct are off too
    assert not info_request.is_due_provisional
    assert not info_request.is_replied_late
    assert "答复期限由预估的2030年10月23日调整为2030年10月25日" in info_request.due_explanation
    assert "按期答复" in info_request.due_explanation
    event = info_request.events.get(kind=InformationRequestEvent.Kind.DEADLINE_SETTLED)
    assert "2030年10月25日" in event.note and event.actor is None
    # The applicant's timeline says so.
    session = client.session
    session["disclosure:request-verified"] = [info_request.tracking_number]
    session.save()
    url = reverse("disclosure:request-status", args=[info_request.tracking_number])
    page = client.get(url).content.decode()
    assert "预估期限按正式日历确定" in page and "重新认定为按期答复" in page
    assert "request-lateness" not in page  # no 超期答复 on the status any more
    # Settling again changes nothing and logs nothing.
    assert workdays.settle_provisional_deadlines()["disclosure.InformationRequest"] == 0
    assert (
        info_request.events.filter(kind=InformationRequestEvent.Kind.DEADLINE_SETTLED).count() == 1
    )


def test_escalation_against_the_estimate_is_withdrawn(disclosure_office):
    info_request = received_request(date(2030, 9, 20))  # estimate: due 23 Oct
    assert info_request.mark_escalated(now=at(date(2030, 10, 24)))
    for day in NATIONAL_DAY_2030:
        WorkCalendarDay.objects.create(date=day, kind="holiday", note="国庆节")
    workdays.settle_provisional_deadlines(now=at(date(2030, 10, 24), 11))
    info_request.refresh_from_db()
    assert info_request.due_on == date(2030, 10, 25)
    assert info_request.escalated_at is None  # escalated again only once really overdue
    assert not InformationRequest.objects.due_for_escalation(today=date(2030, 10, 25)).exists()
    assert InformationRequest.objects.due_for_escalation(today=date(2030, 10, 28)).exists()


def test_running_request_with_extension_and_correction_period_settle(
    disclosure_office, django_capture_on_commit_callbacks
):
    running = received_request(date(2030, 9, 20))
    running.extend(by=disclosure_office, days=5, reason="需调取档案", now=at(date(2030, 10, 8)))
    assert running.due_on == date(2030, 10, 30)  # estimate 23 Oct + 5
    correcting = received_request(date(2030, 9, 23))
    correcting.request_correction(
        by=disclosure_office, items="请写明地块编号", now=at(date(2030, 9, 27))
    )
    assert correcting.is_correction_due_provisional
    assert correcting.correction_due_on == date(2030, 10, 16)  # 10 working days, 1–3 Oct off
    # Rows created directly (a bulk entry), then the command the README names.
    for day in NATIONAL_DAY_2030:
        WorkCalendarDay.objects.create(date=day, kind="holiday", note="国庆节")
    call_command("settle_deadlines")
    running.refresh_from_db()
    correcting.refresh_from_db()
    assert running.due_on == date(2030, 11, 1) and not running.is_due_provisional
    assert correcting.correction_due_on == date(2030, 10, 18)
    assert not correcting.is_correction_due_provisional
    assert (
        "补正期限由预估的2030年10月16日调整为2030年10月18日"
        in correcting.events.get(kind=InformationRequestEvent.Kind.DEADLINE_SETTLED).note
    )


def test_working_hour_message_deadline_settles(settings, department_head):
    settings.MESSAGE_REPLY_RULE = "working"
    received = datetime(2030, 9, 30, 15, 0, tzinfo=SHANGHAI)  # Mon 15:00, 1–3 Oct estimated off
    message = MessageFactory(received_at=received)
    message.start_clock(received)
    message.save()
    assert message.is_reply_due_provisional
    assert message.reply_due_at == datetime(2030, 10, 4, 15, 0, tzinfo=SHANGHAI)
    message.record_reply(by=department_head, text="已核实。", now=received + timedelta(days=5))
    assert message.is_replied_late  # 5 Oct 15:00 is after 4 Oct 15:00

    for day in NATIONAL_DAY_2030:
        WorkCalendarDay.objects.create(date=day, kind="holiday", note="国庆节")
    assert workdays.settle_provisional_deadlines()["complaints.Message"] == 1

    message.refresh_from_db()
    assert message.reply_due_at == datetime(2030, 10, 8, 15, 0, tzinfo=SHANGHAI)
    assert not message.is_reply_due_provisional and not message.is_replied_late
    event = message.events.get(kind=MessageEvent.Kind.DEADLINE_SETTLED)
    assert "2030-10-04 15:00" in event.note and "2030-10-08 15:00" in event.note
    assert "按时答复" in event.note
    # A natural-hour message is never provisional.
    settings.MESSAGE_REPLY_RULE = "natural"
    assert not MessageFactory(received_at=received).is_reply_due_provisional
    assert Message.objects.filter(is_reply_due_provisional=True).count() == 0


def test_promised_date_of_an_approval_settles():
    guide = ServiceGuideFactory(published=True, promised_time_limit=5)
    result = ApprovalResultFactory(guide=guide, accepted_on=date(2030, 9, 27))  # Fri
    assert result.is_promised_provisional and result.promised_working_days == 5
    assert result.promised_on == date(2030, 10, 9)  # 30 Sep, 4, 7, 8, 9 Oct: 1–3 off
    for day in NATIONAL_DAY_2030:
        WorkCalendarDay.objects.create(date=day, kind="holiday", note="国庆节")
    assert workdays.settle_provisional_deadlines()["services.ApprovalResult"] == 1
    result.refresh_from_db()
    assert result.promised_on == date(2030, 10, 11) and not result.is_promised_provisional
    record = result.history.latest()
    assert "按正式日历调整为2030-10-11" in record.history_change_reason
    assert ApprovalResult.objects.filter(is_promised_provisional=True).count() == 0


def test_a_still_unknown_year_stays_provisional(disclosure_office):
    info_request = received_request(date(2031, 9, 19))
    assert info_request.is_due_provisional
    WorkCalendarDay.objects.create(date=date(2030, 10, 1), kind="holiday", note="国庆节")
    workdays.settle_provisional_deadlines()
    info_request.refresh_from_db()
    assert info_request.is_due_provisional
    assert (
        not InformationRequest.objects.get(pk=info_request.pk)
        .events.filter(kind=InformationRequestEvent.Kind.DEADLINE_SETTLED)
        .exists()
    )
