"""依申请公开 on the dashboard and in the monthly 通报, against applications built here."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from oversight import services
from portal import workdays
from portal.models import WorkCalendarDay
from tests.disclosure.request_factories import at, online_request, received_request
from tests.portal.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)  # the window is July 2025 – June 2026


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2028))


def handled_by(request, department):
    request.department = department
    request.save(update_fields=["department"])
    return request


def reply(request, office, reply_type, day):
    request.reply(by=office, reply_type=reply_type, legal_basis="依据", text="答复", now=at(day))
    return request


@pytest.fixture
def requests(disclosure_office):
    land = DepartmentFactory(name="土地利用管理科", code="tdly")
    registry = DepartmentFactory(name="地籍与不动产登记科", code="bdcdj")
    office = disclosure_office
    on_time = handled_by(received_request(date(2026, 6, 2)), land)
    reply(on_time, office, "1", date(2026, 6, 5))
    late = handled_by(received_request(date(2026, 3, 2)), land)
    reply(late, office, "2", late.due_on + timedelta(days=3))
    overdue = handled_by(received_request(date(2026, 4, 1)), registry)
    near = received_request(date(2026, 6, 3))  # no department assigned yet
    withdrawn = handled_by(received_request(date(2026, 6, 8)), registry)
    withdrawn.withdraw(by=None, now=at(date(2026, 6, 9)))
    before = handled_by(received_request(date(2025, 6, 2)), land)  # before the window
    reply(before, office, "1", date(2025, 6, 20))
    online_request(date(2026, 6, 10))  # receipt not confirmed: not received
    # The built data are what the test says they are.
    assert date(2026, 4, 1) <= late.closed_on < date(2026, 5, 1) and late.is_replied_late
    assert overdue.due_on < TODAY
    assert TODAY <= near.due_on <= TODAY + timedelta(days=7)
    return {"on_time": on_time, "late": late, "overdue": overdue, "near": near}


def test_requests_per_month(requests):
    rows = {row["month"]: row for row in services.monthly_requests(today=TODAY)}
    assert len(rows) == 12 and min(rows) == date(2025, 7, 1)
    figures = {
        month: (r["received_count"], r["replied_count"], r["on_time_count"], r["late_count"])
        for month, r in rows.items()
        if any([r["received_count"], r["replied_count"]])
    }
    assert figures == {
        date(2026, 3, 1): (1, 0, 0, 0),
        date(2026, 4, 1): (1, 1, 0, 1),
        date(2026, 6, 1): (3, 1, 1, 0),
    }


def test_requests_by_department_reply_type_and_deadline(requests):
    figures = services.dashboard_data(today=TODAY)["requests"]
    assert figures["totals"] == {
        "received_count": 5,
        "replied_count": 2,
        "on_time_count": 1,
        "late_count": 1,
        "overdue_count": 1,
        "near_deadline_count": 1,
        "on_time_rate": 50,
    }
    by_department = {
        row["department"]: (
            row["received_count"],
            row["replied_count"],
            row["on_time_count"],
            row["on_time_rate"],
            row["overdue_count"],
            row["near_deadline_count"],
        )
        for row in figures["departments"]
    }
    assert by_department == {
        "土地利用管理科": (2, 2, 1, 50, 0, 0),
        "地籍与不动产登记科": (2, 0, 0, None, 1, 0),
        "未指定承办科室": (1, 0, 0, None, 0, 1),
    }
    assert [(row["code"], row["count"]) for row in figures["reply_types"]] == [
        ("1", 1),
        ("2", 1),
        ("6.3", 1),
    ]
    assert figures["reply_types"][1]["label"] == "部分公开"
    urgent = [(row["info_request"], row["is_overdue"]) for row in figures["urgent"]]
    assert urgent == [(requests["overdue"], True), (requests["near"], False)]


def test_dashboard_shows_the_request_chart_and_tables(client, leadership, requests):
    client.force_login(leadership)
    html = client.get(reverse("admin:oversight_dashboard_changelist")).content.decode()
    for block in [
        'id="chart-requests"',
        'id="table-requests"',
        'id="chart-reply-types"',
        'id="table-reply-types"',
        'id="table-request-departments"',
        'id="table-request-urgent"',
    ]:
        assert block in html
    assert requests["overdue"].tracking_number in html and "已超期" in html
    assert '"requests": {"labels": [' in html and '"reply_types": {"labels": [' in html
    assert "待“依申请公开”模块上线后加入" not in html


def test_bulletin_has_the_months_requests(requests, disclosure_office):
    context = services.bulletin_context(date(2026, 6, 1), today=TODAY)
    totals = context["requests"]["totals"]
    assert (totals["received_count"], totals["replied_count"], totals["on_time_count"]) == (
        3,
        1,
        1,
    )
    assert (totals["overdue_count"], totals["near_deadline_count"]) == (1, 1)
    assert [(row["code"], row["count"]) for row in context["requests"]["reply_types"]] == [
        ("1", 1),
        ("6.3", 1),
    ]
    bulletin = services.generate_bulletin(month_on=date(2026, 6, 1), by=disclosure_office)
    assert "五、依申请公开办理情况" in bulletin.body
    assert "本月收到政府信息公开申请3件，答复1件，其中按期答复1件，按期答复率100%" in bulletin.body
    assert requests["overdue"].tracking_number in bulletin.body
    assert "<td>土地利用管理科</td><td>1</td><td>1</td><td>1</td><td>100%</td>" in bulletin.body
