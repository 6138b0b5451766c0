"""Leadership opens the dashboard: charts drawn by ECharts, each with its table; the board."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure.models import Category, InformationRequest, Item
from portal import roles, workdays
from portal.models import SiteSettings, WorkCalendarDay
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.disclosure.request_factories import received_request
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
    clerk = UserFactory(username="gongkaiban", full_name="何静", department=office)
    clerk.set_password(PASSWORD)
    clerk.save()
    clerk.groups.add(Group.objects.get(name=roles.DISCLOSURE_OFFICE))
    officer = UserFactory(username="xinxiyuan", full_name="刘晓梅", department=policy)
    officer.groups.add(Group.objects.get(name=roles.OFFICER))
    reviewer = UserFactory(username="shenheyuan", full_name="黄志强", department=office)
    now = timezone.now()
    this_month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for months_ago, count in [(0, 4), (1, 6), (2, 3), (4, 5), (7, 2), (10, 3)]:
        year, month = divmod(this_month.year * 12 + this_month.month - 1 - months_ago, 12)
        month_start = this_month.replace(year=year, month=month + 1)
        for n in range(count):
            # Inside its calendar month whatever today's date (the 2nd of a month too).
            at = month_start + timedelta(minutes=n + 1)
            publish_item(
                at=min(at, now - timedelta(seconds=count - n)),
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
    # 依申请公开: two answered (one late), one past its deadline, all handled by 规划科.
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2004, 2031))
    today = timezone.localdate()
    answered = received_request(today - timedelta(days=20))
    answered.reply(by=leader, reply_type="1", legal_basis="第二十七条", text="予以公开")
    late = received_request(today - timedelta(days=90))
    late.reply(by=leader, reply_type="2", legal_basis="第三十七条", text="部分公开")
    overdue = received_request(today - timedelta(days=60))
    for info_request in (answered, late, overdue):
        info_request.department = planning
        info_request.save(update_fields=["department"])
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
    charts = ["publication", "messages", "requests", "reply-types", "departments"]
    for chart in [f"chart-{name}" for name in charts]:
        assert page.locator(f"#{chart} svg").count() == 1
    assert errors == []
    publication = page.locator("#table-publication tbody tr")
    assert publication.count() == 12
    assert publication.last.locator("td").inner_text() == "4"
    assert "推进征地信息公开" in page.locator("#table-overdue").inner_text()
    requests = page.locator("#table-requests tfoot td")
    assert [requests.nth(n).inner_text() for n in range(4)] == ["3", "2", "1", "1"]
    planning_row = page.locator("#table-request-departments tr", has_text="规划科").inner_text()
    assert planning_row.split() == ["规划科", "3", "2", "50%", "1", "0"]
    overdue = InformationRequest.objects.overdue().get()
    assert overdue.tracking_number in page.locator("#table-request-urgent").inner_text()
    screenshot(page, "oversight-dashboard")

    # The office generates last month's 通报, edits it and sends it to 通知公告 for review.
    office = page.context.browser.new_context(locale="zh-CN").new_page()
    office.goto(base + "/admin/login/")
    office.get_by_label("用户名").fill("gongkaiban")
    office.get_by_label("密码").fill(PASSWORD)
    office.get_by_role("button", name="登录").click()
    office.wait_for_url(re.compile(r".*/admin/$"))
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    office.goto(base + "/admin/oversight/bulletin/")
    office.get_by_label("月份", exact=True).fill(f"{last_month:%Y-%m}")
    office.get_by_role("button", name="生成通报").click()
    office.wait_for_url(re.compile(r".*/bulletin/\d+/change/$"))
    assert "请核对修改后送审发布" in office.locator(".messagelist").inner_text()
    editor = office.locator(".tiptap.ProseMirror")
    assert "五、依申请公开办理情况" in editor.inner_text()
    editor.click()
    office.keyboard.press("Control+End")
    office.keyboard.press("Enter")
    office.keyboard.insert_text("请各科室于下月5日前报送整改情况。")
    title = f"关于{last_month.year}年{last_month.month}月份政务公开工作情况的通报（修改稿）"
    office.get_by_label("标题").fill(title)
    office.get_by_role("button", name="保存并继续编辑").click()
    office.wait_for_url(re.compile(r".*/bulletin/\d+/change/$"))
    office.get_by_role("button", name="送审发布").click()
    assert "通报已作为信息条目提交审核" in office.locator(".messagelist").inner_text()
    item = Item.objects.get(title=title)
    assert item.category.slug == "tzgg" and item.status == Item.Status.PENDING
    assert "请各科室于下月5日前报送整改情况。" in item.body
    screenshot(office, "oversight-bulletin-submitted")
    office.context.close()

    page.goto(base + "/admin/oversight/columnfreshness/")
    row = page.locator("#freshness-board tr", has_text="通知公告")
    assert "空白栏目" in row.inner_text() and "办公室" in row.inner_text()
    screenshot(page, "oversight-freshness-board")
