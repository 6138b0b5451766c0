"""Leadership dashboard: each figure against data built here, access and the query budget."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight import services
from oversight.models import Task
from portal import workdays
from portal.models import WorkCalendarDay
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.disclosure.request_factories import received_request
from tests.oversight.factories import TaskFactory, publish_item
from tests.portal.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def test_publication_per_month_for_the_last_twelve_months():
    publish_item(at=at(date(2025, 6, 30)))  # 13 months back: outside the window
    publish_item(at=at(date(2025, 7, 1)))
    for day in (1, 15, 30):
        publish_item(at=at(date(2026, 6, day)))
    publish_item(at=at(date(2026, 2, 28)))
    rows = services.monthly_publication(today=TODAY)
    assert len(rows) == 12
    assert rows[0] == (date(2025, 7, 1), 1)
    assert dict(rows)[date(2026, 2, 1)] == 1
    assert rows[-1] == (date(2026, 6, 1), 3)
    assert sum(count for _, count in rows) == 5


def test_withdrawn_and_pending_items_are_not_counted():
    item = publish_item(at=at(date(2026, 6, 3)))
    item.withdraw(by=item.author, reason="内容有误", now=at(date(2026, 6, 4)))
    assert services.monthly_publication(today=TODAY)[-1] == (date(2026, 6, 1), 0)


def test_messages_and_on_time_rate(officer):
    category = MessageCategoryFactory(department=officer.department)
    for received, hours in [(date(2026, 6, 1), 3), (date(2026, 6, 2), 48), (date(2026, 5, 2), 1)]:
        message = MessageFactory(category=category, received_at=at(received))
        message.record_reply(by=officer, text="已答复", now=at(received) + timedelta(hours=hours))
    MessageFactory(category=category, received_at=at(date(2026, 6, 3)))
    data = services.dashboard_data(today=TODAY)
    june = data["message_months"][-1]
    assert (june["received_count"], june["replied_count"], june["on_time_count"]) == (3, 2, 1)
    assert data["message_totals"] == {
        "received_count": 4,
        "replied_count": 3,
        "on_time_count": 2,
        "on_time_rate": 66.7,  # portal.figures.percent: one decimal, half up
    }


def test_overdue_tasks_and_stale_columns():
    late = TaskFactory(title="做好年报编制", due_on=date(2026, 1, 31))
    TaskFactory(due_on=date(2026, 1, 31), status=Task.Status.DONE, completed_on=date(2026, 1, 30))
    TaskFactory(due_on=date(2026, 12, 31))
    publish_item(at=at(TODAY - timedelta(days=5)), category="zwdt")
    data = services.dashboard_data(today=TODAY)
    assert data["overdue_tasks"] == [late]
    stale = {row.name for row in data["stale_columns"]}
    assert "通知公告" in stale and "政务动态" not in stale
    assert data["chart_data"]["publication"]["values"][-1] == 1


def test_dashboard_page(client, leadership):
    publish_item(at=timezone.now())
    TaskFactory(title="推进征地信息公开", due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(leadership)
    response = client.get(reverse("admin:oversight_dashboard_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="dashboard-data" type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html
    for table in ["table-publication", "table-messages", "table-departments", "table-overdue"]:
        assert f'id="{table}"' in html
    assert "推进征地信息公开" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")


@pytest.mark.parametrize("rows", [1, 20])
def test_dashboard_query_budget(
    client, leadership, officer, disclosure_office, rows, django_assert_max_num_queries
):
    """Dashboard: session, user, perms x2, roles; freshness (2); publication per month; messages
    per month; 依申请公开 received per month, replied per month, by department, by reply type,
    overdue and near-deadline list; events by department, targets, messages by department,
    departments; events by author, officers; overdue tasks, co-departments (+ site settings
    once, 3); the navigation's 我的待办 / 通知 counts (one query, portal.worklist) and the roles
    it reads."""
    workdays.seed_calendar(WorkCalendarDay)
    category = MessageCategoryFactory(department=officer.department)
    for n in range(rows):
        publish_item(at=timezone.now() - timedelta(days=n * 10), author=officer)
        TaskFactory(
            due_on=timezone.localdate() - timedelta(days=1), lead_department=officer.department
        )
        MessageFactory(category=category)
        info_request = received_request(timezone.localdate() - timedelta(days=n * 10))
        info_request.department = DepartmentFactory()
        info_request.save(update_fields=["department"])
        if n % 2:
            info_request.reply(by=disclosure_office, reply_type="1", legal_basis="x", text="y")
    client.force_login(leadership)
    # + one count each of overdue messages and overdue 办件, + the month's 好差评 figures (in
    # total and per department).
    with django_assert_max_num_queries(28):
        assert client.get(reverse("admin:oversight_dashboard_changelist")).status_code == 200


@pytest.mark.parametrize("user", ["officer", "reviewer"])
def test_dashboard_is_for_leadership_and_office(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("admin:oversight_dashboard_changelist")).status_code == 403


def test_office_sees_the_dashboard(client, disclosure_office):
    client.force_login(disclosure_office)
    assert client.get(reverse("admin:oversight_dashboard_changelist")).status_code == 200


def test_overdue_messages_and_results_are_counted(officer):
    from services.models import ApprovalResult
    from tests.services.factories import ApprovalResultFactory

    category = MessageCategoryFactory(department=officer.department)
    MessageFactory(category=category, received_at=at(date(2026, 6, 28)))  # due 29 Jun 10:00
    MessageFactory(category=category, received_at=at(date(2026, 6, 30), 9))  # due 1 Jul
    answered = MessageFactory(category=category, received_at=at(date(2026, 6, 27)))
    answered.record_reply(by=officer, text="已答复", now=at(date(2026, 6, 29)))
    ApprovalResultFactory(
        accepted_on=date(2026, 6, 1),
        promised_on=date(2026, 6, 29),
        status=ApprovalResult.Status.PROCESSING,
    )
    ApprovalResultFactory(accepted_on=date(2026, 6, 1), promised_on=date(2026, 6, 30))
    data = services.dashboard_data(today=TODAY, now=at(TODAY, 12))
    assert data["overdue_messages"] == 1
    assert data["overdue_results"] == 1
