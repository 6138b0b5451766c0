"""The office re-issues a lost 查询码 (portal.querycodes.QueryCodeHolder, the admin move)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.forms import LookupForm as MessageLookupForm
from disclosure.forms import LookupForm as RequestLookupForm
from portal import notify, workdays
from portal.exceptions import InvalidTransition
from portal.models import CitizenNotice, WorkCalendarDay
from tests.complaints.factories import QUERY_CODE, MessageFactory
from tests.disclosure.request_factories import online_request, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sms_outbox():
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


@pytest.fixture
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def test_new_code_works_old_refused_event_and_notice(
    disclosure_office, django_capture_on_commit_callbacks, sms_outbox
):
    message = MessageFactory(sender_email="")
    assert message.check_query_code(QUERY_CODE)
    with django_capture_on_commit_callbacks(execute=True):
        code = message.reissue_query_code(
            by=disclosure_office, identity_check="当面核验身份证原件，姓名一致"
        )
    message.refresh_from_db()
    assert code != QUERY_CODE
    assert not message.check_query_code(QUERY_CODE)
    assert message.check_query_code(code)
    event = message.events.get(kind="new_code")
    assert event.actor == disclosure_office
    assert "当面核验身份证原件" in event.note
    # How identity was checked is the office's record, not the sender's timeline.
    assert not message.events.for_sender().filter(kind="new_code").exists()
    # The new code reaches the sender's phone, and is stored nowhere in clear.
    assert code in sms_outbox[-1]["text"]
    notice = CitizenNotice.objects.get(kind=CitizenNotice.Kind.QUERY_CODE)
    assert notice.status == CitizenNotice.Status.SENT
    assert code not in notice.body and notice.recipient == "13812345678"


def test_the_lookup_refuses_the_old_code_and_opens_with_the_new(disclosure_office):
    message = MessageFactory()
    code = message.reissue_query_code(by=disclosure_office, identity_check="回拨手机核对留言内容")
    old = MessageLookupForm({"tracking_number": message.tracking_number, "query_code": QUERY_CODE})
    new = MessageLookupForm({"tracking_number": message.tracking_number, "query_code": code})
    assert not old.is_valid()
    assert new.is_valid() and new.record == message


def test_identity_check_is_required(disclosure_office):
    message = MessageFactory()
    with pytest.raises(InvalidTransition, match="核实"):
        message.reissue_query_code(by=disclosure_office, identity_check="  ")
    message.refresh_from_db()
    assert message.check_query_code(QUERY_CODE)
    assert not message.events.filter(kind="new_code").exists()


def test_application_code_reissued_in_the_admin(calendar, client, disclosure_office):
    info_request, old_code = online_request(data=person_data())
    client.force_login(disclosure_office)
    url = reverse(
        "admin:disclosure_informationrequest_workflow", args=[info_request.pk, "reissue_query_code"]
    )
    page = client.get(url)
    assert page.status_code == 200 and "核实身份的方式" in page.text

    refused = client.post(url, {"identity_check": ""})
    assert refused.status_code == 200 and "请写明如何核实了本人身份" in refused.text
    assert info_request.check_query_code(old_code)

    response = client.post(url, {"identity_check": "申请人持身份证原件到政务公开办"}, follow=True)
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [response.text]
    new_code = re.search(r"新查询码：([A-Z0-9]{8})", " ".join(shown) + response.text).group(1)
    info_request.refresh_from_db()
    assert not info_request.check_query_code(old_code)
    assert info_request.check_query_code(new_code)
    assert RequestLookupForm(
        {"tracking_number": info_request.tracking_number, "query_code": new_code}
    ).is_valid()
    assert info_request.events.filter(kind="new_code", actor=disclosure_office).count() == 1
    # Shown once: the change page opened again does not repeat it.
    again = client.get(
        reverse("admin:disclosure_informationrequest_change", args=[info_request.pk])
    )
    assert new_code not in again.text


def test_only_the_office_may_reissue(client, department_head, officer, disclosure_office):
    message = MessageFactory(category__department=department_head.department)
    url = reverse("admin:complaints_message_workflow", args=[message.pk, "reissue_query_code"])
    for user in (department_head, officer):
        client.force_login(user)
        assert client.post(url, {"identity_check": "电话核实"}).status_code == 403
        change = client.get(reverse("admin:complaints_message_change", args=[message.pk]))
        assert url not in change.text
    message.refresh_from_db()
    assert message.check_query_code(QUERY_CODE)
    client.force_login(disclosure_office)
    change = client.get(reverse("admin:complaints_message_change", args=[message.pk]))
    assert url in change.text
    assert client.post(url, {"identity_check": "电话核实"}).status_code == 302
    message.refresh_from_db()
    assert not message.check_query_code(QUERY_CODE)


def test_application_notice_of_new_code_goes_to_e_mail(
    calendar, disclosure_office, django_capture_on_commit_callbacks, mailoutbox
):
    info_request, _ = online_request(data=person_data())
    with django_capture_on_commit_callbacks(execute=True):
        code = info_request.reissue_query_code(by=disclosure_office, identity_check="当面核验")
    assert mailoutbox[-1].to == ["zhang@example.com"]
    assert code in mailoutbox[-1].body
