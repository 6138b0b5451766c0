"""依申请公开 back office: who sees requests, masking in the list, registration, workflow steps."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from disclosure.models import InformationRequest, RequestAppeal
from portal import workdays
from portal.models import WorkCalendarDay
from tests.disclosure.request_factories import (
    VALID_ID_NUMBER,
    online_request,
    person_data,
    received_request,
)
from tests.portal.factories import DepartmentFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.django_db

LIST = reverse("admin:disclosure_informationrequest_changelist")


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def workflow_url(info_request, action):
    return reverse("admin:disclosure_informationrequest_workflow", args=[info_request.pk, action])


@pytest.mark.parametrize("rows", [1, 20])
@time_machine.travel("2026-12-02 10:00 +0800", tick=False)
def test_office_list_masks_personal_data(
    client, disclosure_office, django_assert_max_num_queries, rows
):
    """Session, user, whether next year's calendar is loaded (December only: tested on a December
    day, the most), 3 queue counts, calendar, 2 permissions, roles (two-factor), 承办科室 filter
    options, 2 counts, site settings (5 on the first request: read, then created), the page, date
    hierarchy (2): 21, constant in the number of rows."""
    for _ in range(rows):
        received_request(date(2025, 3, 3))
    client.force_login(disclosure_office)
    with django_assert_max_num_queries(21):
        html = client.get(LIST).content.decode()
    assert "张**" in html and "138****5678" in html
    assert "张建华" not in html and "13812345678" not in html and VALID_ID_NUMBER not in html


@pytest.mark.parametrize("role", ["officer", "reviewer", "department_head"])
def test_other_roles_do_not_see_requests(client, request, role):
    received_request(date(2025, 3, 3))
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403


def test_leadership_reads_but_cannot_act(client, leadership):
    info_request = received_request(date(2025, 3, 3))
    client.force_login(leadership)
    assert client.get(LIST).status_code == 200
    page = client.get(reverse("admin:disclosure_informationrequest_change", args=[info_request.pk]))
    assert page.status_code == 200 and 'class="workflow-button"' not in page.content.decode()
    assert client.post(workflow_url(info_request, "reply"), {}).status_code == 403


def test_overdue_filter_and_notice(client, disclosure_office):
    late = received_request(date(2025, 2, 5))
    received_request(date(2025, 3, 3))
    client.force_login(disclosure_office)
    with time_machine.travel("2025-03-26 10:00 +0800", tick=False):
        client.force_login(disclosure_office)
        page = client.get(LIST, {"deadline": "overdue"}).content.decode()
    assert "有 1 件申请已超过答复期限" in page
    assert late.tracking_number in page and "已超期" in page


def test_register_a_letter_received_by_post(client, disclosure_office):
    cadastre = DepartmentFactory(name="地籍与不动产登记科")
    client.force_login(disclosure_office)
    form = client.get(reverse("admin:disclosure_informationrequest_add")).content.decode()
    assert "承办科室" in form and "地籍与不动产登记科" in form
    data = {
        **person_data(),
        "channel": "post",
        "received_on": "2025-09-26",
        "department": cadastre.pk,
    }
    response = client.post(reverse("admin:disclosure_informationrequest_add"), data, follow=True)
    info_request = InformationRequest.objects.get()
    assert info_request.registered_by == disclosure_office
    assert info_request.department == cadastre
    assert info_request.due_on == date(2025, 10, 30)
    # The 查询码 shown is the application's own, and it is shown this once only.
    codes = re.findall(r"查询码：([A-Z2-9]{8})", response.content.decode())
    assert len(codes) == 1 and info_request.check_query_code(codes[0])
    change = reverse("admin:disclosure_informationrequest_change", args=[info_request.pk])
    assert codes[0] not in client.get(change).content.decode()


def test_register_requires_the_signed_for_date_for_post(client, disclosure_office):
    client.force_login(disclosure_office)
    data = {**person_data(), "channel": "post", "received_on": ""}
    response = client.post(reverse("admin:disclosure_informationrequest_add"), data)
    assert "信函申请请填写签收日期" in response.content.decode()
    assert not InformationRequest.objects.exists()


@time_machine.travel(datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=False)
def test_register_refuses_a_received_date_in_the_future(client, disclosure_office):
    client.force_login(disclosure_office)
    data = {**person_data(), "channel": "post", "received_on": "2026-03-11"}
    response = client.post(reverse("admin:disclosure_informationrequest_add"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "收到申请日期不能晚于今天" in page
    assert 'value="2026-03-11"' in page  # nothing typed is lost
    assert not InformationRequest.objects.exists()
    data["received_on"] = "2026-03-10"  # today is accepted
    client.post(reverse("admin:disclosure_informationrequest_add"), data)
    assert InformationRequest.objects.get().received_on == date(2026, 3, 10)


def test_workflow_buttons_call_the_transitions(client, disclosure_office):
    info_request, _ = online_request(date(2025, 3, 3))
    client.force_login(disclosure_office)
    change = reverse("admin:disclosure_informationrequest_change", args=[info_request.pk])
    assert "确认收到" in client.get(change).content.decode()
    with time_machine.travel("2025-03-04 10:00 +0800", tick=False):
        client.force_login(disclosure_office)
        client.post(workflow_url(info_request, "confirm_receipt"), {})
        info_request.refresh_from_db()
        assert info_request.received_on == date(2025, 3, 4)
        response = client.post(workflow_url(info_request, "extend"), {"days": "25", "reason": "x"})
        assert "延长的期限最长不超过20个工作日" in response.content.decode()
        client.post(
            workflow_url(info_request, "reply"),
            {"reply_type": "1", "legal_basis": "第二十七条", "text": "予以公开，见附件。"},
        )
    info_request.refresh_from_db()
    assert info_request.status == InformationRequest.Status.REPLIED
    letter = info_request.letters.get()
    letter_url = reverse(
        "admin:disclosure_informationrequest_letter", args=[info_request.pk, letter.pk]
    )
    client.force_login(disclosure_office)  # the session made in 2025 has expired
    assert "政府信息公开申请答复告知书" in client.get(letter_url).content.decode()
    pdf = client.get(letter_url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_invalid_move_shows_the_reason(client, disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    client.force_login(disclosure_office)
    response = client.post(
        workflow_url(info_request, "request_correction"), {"items": "补充", "period_days": "10"}
    )
    assert "7个工作日内" in response.content.decode()  # today is long after March 2025
    # A move the state does not allow is refused with the reason, back on the record's page.
    response = client.get(workflow_url(info_request, "confirm_receipt"), follow=True)
    assert "当前状态下不能执行“确认收到”" in response.content.decode()
    assert client.get(workflow_url(info_request, "no_such_step")).status_code == 404


def test_appeal_register(client, disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    client.force_login(disclosure_office)
    response = client.post(
        reverse("admin:disclosure_requestappeal_add"),
        {
            "request": info_request.pk,
            "kind": "review",
            "filed_on": "2025-05-06",
            "authority": "江川市人民政府",
            "case_number": "江政复〔2025〕12号",
            "outcome": "upheld",
            "decided_on": "",
        },
    )
    assert "已审结的案件必须填写审结日期" in response.content.decode()
    assert not RequestAppeal.objects.exists()


def test_office_queue_warns_when_next_year_has_no_calendar(client, disclosure_office):
    with time_machine.travel("2026-12-02 09:00 +0800", tick=False):
        client.force_login(disclosure_office)
        assert "2027 年的工作日历尚未录入" in client.get(LIST).content.decode()
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        client.force_login(disclosure_office)
        assert "工作日历尚未录入" not in client.get(LIST).content.decode()
