"""Leadership opens the dashboard: charts drawn by ECharts, each with its table; the board."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure.models import Category
from portal import roles
from portal.models import SiteSettings
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.oversight.factories import ReportingTargetFactory, TaskFactory, publish_item
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Leader-pass-2026"


@pytest.fixture
def bureau():
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    office = DepartmentFactory(name="办公室", code="bgs", order=1)
    policy = DepartmentFactory(name="政策法规科", code="zcfg", order=2)
    planning = DepartmentFactory(name="规划科", code="ghk", order=3)
    Category.objects.filter(slug__in=["zwdt", "tzgg"]).update(department=office)
    leader = UserFactory(username="juzhang", full_name="马德华", department=office)
    leader.set_password(PASSWORD)
    leader.save()
    leader.groups.add(Group.objects.get(name=roles.LEADERSHIP))
    officer = UserFactory(username="xinxiyuan", full_name="刘晓梅", department=policy)
    officer.groups.add(Group.objects.get(name=roles.OFFICER))
    reviewer = UserFactory(username="shenheyuan", full_name="黄志强", department=office)
    now = timezone.now()
    for months_ago, count in [(0, 4), (1, 6), (2, 3), (4, 5), (7, 2), (10, 3)]:
        for n in range(count):
            publish_item(
                at=now - timedelta(days=30 * months_ago + n),
                category=["zwdt", "zcjd", "gz"][n % 3],
                author=officer,
                reviewer=reviewer,
            )
    category = MessageCategoryFactory(department=policy)
    for days in (1, 2, 40):
        message = MessageFactory(category=category, received_at=now - timedelta(days=days))
        message.record_reply(
            by=officer, text="已答复", now=message.received_at + timedelta(hours=3)
        )
    ReportingTargetFactory(department=policy, published_target=5)
    ReportingTargetFactory(department=planning, published_target=3)
    TaskFactory(
        title="推进征地信息公开，征地补偿安置方案全部上网公开",
        lead_department=planning,
        due_on=timezone.localdate() - timedelta(days=5),
    )
    return leader


def test_leadership_dashboard(live_server, page, bureau, screenshot):
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.get_by_label("用户名").fill("juzhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/$"))

    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/admin/oversight/dashboard/")
    page.wait_for_selector("html[data-dashboard-ready='1']")
    for chart in ["chart-publication", "chart-messages", "chart-departments"]:
        assert page.locator(f"#{chart} svg").count() == 1
    assert errors == []
    publication = page.locator("#table-publication tbody tr")
    assert publication.count() == 12
    assert publication.last.locator("td").inner_text() == "4"
    assert "推进征地信息公开" in page.locator("#table-overdue").inner_text()
    screenshot(page, "oversight-dashboard")

    page.goto(base + "/admin/oversight/columnfreshness/")
    row = page.locator("#freshness-board tr", has_text="通知公告")
    assert "空白栏目" in row.inner_text() and "办公室" in row.inner_text()
    screenshot(page, "oversight-freshness-board")
