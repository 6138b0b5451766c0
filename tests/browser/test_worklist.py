"""One working day of each role, started from its 我的待办 page: log in (the second factor for the
roles that publish), open 我的待办, follow an entry, act on it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP

from complaints.models import MessageCategory
from disclosure.services import submit_request
from portal import roles
from portal.models import SiteSettings, StaffNotice, TwoFactorDevice
from portal.publishing import REVIEW_CHECKLIST
from tests.browser.conftest import admin_login
from tests.complaints.factories import MessageFactory
from tests.disclosure.factories import ItemFactory
from tests.disclosure.request_factories import person_data
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demo-pass-2026"
KEY = bytes(range(20))  # every publishing account's authenticator app


@pytest.fixture
def bureau(settings):
    settings.STAFF_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    registry = DepartmentFactory(name="地籍与不动产登记科", code="bdcdj")
    office = DepartmentFactory(name="办公室", code="bgs")
    users = {}
    for username, name, role, department in [
        ("xinxiyuan", "刘晓梅", roles.OFFICER, registry),
        ("kezhang", "周丽华", roles.DEPARTMENT_HEAD, registry),
        ("shenheyuan", "黄志强", roles.REVIEWER, office),
        ("gongkaiban", "何静", roles.DISCLOSURE_OFFICE, office),
        ("juzhang", "马德华", roles.LEADERSHIP, office),
        ("xitong", "孙立新", roles.SYSTEM_ADMIN, office),
        ("anquan", "王海燕", roles.SECURITY_ADMIN, office),
        ("shenji", "赵淑芬", roles.AUDIT_ADMIN, office),
    ]:
        user = UserFactory(username=username, full_name=name, department=department)
        user.email = f"{username}@jiangchuan.gov.cn"
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        if role in roles.PUBLISHING_ROLES:
            TwoFactorDevice.objects.create(
                user=user, name="手机", confirmed=True, key=KEY.hex(), step=30
            )
        users[username] = user
    category = MessageCategory.objects.create(name="不动产登记", department=registry)
    now = timezone.now()
    overdue = MessageFactory(
        category=category, subject="不动产证为何还没办好", received_at=now - timedelta(hours=30)
    )
    fresh = MessageFactory(category=category, subject="查询房产登记需要带什么材料")
    draft = ItemFactory(
        author=users["xinxiyuan"], department=registry, title="2026年第四季度不动产登记工作通报"
    )
    draft.submit(by=users["xinxiyuan"])
    draft.return_to_author(by=users["shenheyuan"], reason="请补充办件数量的统计口径")
    submit_request(data=person_data(), ip="203.0.113.9", now=now)
    return {"users": users, "overdue": overdue, "fresh": fresh, "draft": draft}


def fresh_code(username):
    """The app's code, one step ahead when this step's code was already used (a code is taken
    once; the device accepts the next step's within its tolerance)."""
    device = TwoFactorDevice.objects.get(user__username=username)
    totp = TOTP(KEY)
    if totp.t() <= device.last_t:
        totp.drift = device.last_t - totp.t() + 1
    return totp.token()


def log_in(page, base, username):
    page.context.clear_cookies()
    admin_login(page, base, username, PASSWORD)
    page.wait_for_url(re.compile(r".*/admin/(otp/verify/\?next=.*)?$"))
    if "/otp/verify/" in page.url:
        page.get_by_label("验证码").fill(f"{fresh_code(username):06d}")
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_role("heading", name="我的待办").is_visible()


def section(page, title):
    return page.locator("section.worklist-section").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{title}"))
    )


def test_a_day_of_each_role_from_its_worklist(live_server, page, bureau, screenshot):
    base = live_server.url

    # 信息员: the returned draft waits with its reason; they open it and submit it again.
    log_in(page, base, "xinxiyuan")
    returned = section(page, "退回给我")
    assert "请补充办件数量的统计口径" in returned.inner_text()
    assert page.locator(".nav-notices .nav-badge").inner_text() == "1"  # the return's notice
    screenshot(page, "worklist-officer")
    returned.get_by_role("link", name="2026年第四季度不动产登记工作通报").click()
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_selector("text=已提交审核")

    # 审核员 (second factor): the resubmitted draft is first under 待我审核; they publish it.
    log_in(page, base, "shenheyuan")
    review = section(page, "待我审核")
    assert "刘晓梅" in review.inner_text()
    screenshot(page, "worklist-reviewer")
    review.get_by_role("link", name="2026年第四季度不动产登记工作通报").click()
    page.get_by_role("button", name="审核发布").click()  # saves the form, opens the checklist
    for label in REVIEW_CHECKLIST.values():
        page.get_by_label(label).check()
    page.get_by_role("button", name="审核发布").click()
    page.wait_for_selector("text=已发布")
    page.goto(base + "/admin/")
    assert "暂无" in section(page, "待我审核").inner_text()

    # 科室负责人: the overdue message is first to answer; they reply to it.
    log_in(page, base, "kezhang")
    overdue = section(page, "已超期")
    assert "超时未答复" in overdue.inner_text()
    assert "超期 1" in page.locator(".nav-todo").inner_text()
    screenshot(page, "worklist-department-head")
    section(page, "待我办理").get_by_role("link", name=re.compile("不动产证为何还没办好")).click()
    page.get_by_role("link", name="答复", exact=True).click()
    page.get_by_label("答复内容").fill(
        "您好！您的不动产证已于今日办结，请到市民中心二楼3号窗口领取。"
    )
    page.get_by_role("button", name="答复").click()
    assert "已答复" in page.locator(".messagelist").inner_text()
    page.goto(base + "/admin/")
    assert "不动产证为何还没办好" not in section(page, "待我办理").inner_text()

    # 审核员 again: the reply now waits for review, with a notice of it.
    log_in(page, base, "shenheyuan")
    assert "不动产证为何还没办好" in section(page, "待我审核").inner_text()

    # 政务公开办 (second factor): the online application waits; they confirm its receipt.
    log_in(page, base, "gongkaiban")
    answer = section(page, "待我办理")
    assert "待确认收到" in answer.inner_text()
    screenshot(page, "worklist-office")
    answer.locator("a").first.click()
    page.get_by_role("link", name="确认收到").click()
    page.get_by_role("button", name="确认收到").click()
    assert "答复期限" in page.locator("#content").inner_text()

    # 局领导 (second factor): nothing overdue is left after the reply; the board is reachable.
    log_in(page, base, "juzhang")
    assert "暂无" in section(page, "已超期").inner_text()
    screenshot(page, "worklist-leadership")

    # 三员: no workflow of their own; 我的待办 says so and the app list stays below it.
    for username, app in [("xitong", "门户与系统设置"), ("anquan", "门户与系统设置")]:
        log_in(page, base, username)
        assert page.get_by_text("您的角色没有需要办理").is_visible()
        assert page.locator("#content-main").get_by_text(app).first.is_visible()
    log_in(page, base, "shenji")
    assert page.get_by_text("您的角色没有需要办理").is_visible()
    assert page.locator(".nav-notices").count() == 0  # the auditor reads the audit log only
    screenshot(page, "worklist-auditor")

    # Every step above left its notice for the people it concerns.
    assert StaffNotice.objects.filter(verb="approved", recipient__username="xinxiyuan").exists()
    assert StaffNotice.objects.filter(verb="replied", recipient__username="shenheyuan").exists()
