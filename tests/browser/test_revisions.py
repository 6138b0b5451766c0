"""Tried as a new user (issue #18): the 政务公开办 corrects a typo in a published notice; the
public page changes only after a 审核员 approves the correction; the history shows both versions."""

import re

import pytest
from django.contrib.auth.models import Group

from disclosure.demo import ensure_columns
from disclosure.models import Item
from tests.disclosure.factories import ItemFactory
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Clerk-pass-2026"
TYPO = "征收土地的位至、面积和补偿标准。"
FIXED = "征收土地的位置、面积和补偿标准。"


def make_office_and_reviewer(department):
    """The two accounts of the walks: gongkaiban (政务公开办) and shenheyuan (审核员)."""
    for username, role, name in [
        ("gongkaiban", "政务公开办", "何静"),
        ("shenheyuan", "审核员", "黄志强"),
    ]:
        user = UserFactory(username=username, department=department, full_name=name)
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))


@pytest.fixture
def notice():
    ensure_columns()  # in case an earlier transactional test flushed the seeded columns
    department = DepartmentFactory(name="耕地保护科", code="gbk")
    make_office_and_reviewer(department)
    return ItemFactory(
        title="关于江川镇2026年第3批次征收土地的公告",
        department=department,
        summary=TYPO,
        published=True,
    )


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def public_summary(page, base, notice):
    page.context.clear_cookies()
    page.goto(f"{base}/zwgk/xxgk/{notice.pk}/")
    return page.locator("main").inner_text()


def test_office_corrects_a_typo_reviewer_approves_history_keeps_both(
    live_server, page, notice, screenshot
):
    base = live_server.url
    assert TYPO in public_summary(page, base, notice)

    # The 政务公开办 corrects the typo and presses 提交修改审核 without saving first.
    log_in(page, base, "gongkaiban")
    page.goto(f"{base}/admin/disclosure/item/{notice.pk}/change/")
    assert page.get_by_text("本条已发布。在此修改并保存后将生成修改稿").is_visible()
    page.get_by_label("内容概述").fill(FIXED)
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_selector("text=修改已保存为修改稿，尚未发布")
    assert page.locator(".revision-notice ins").inner_text() == "置"
    screenshot(page, "admin-item-revision-draft")

    # 预览 shows the correction as the public will see it, marked as not published.
    page.get_by_role("button", name="预览").click()
    page.wait_for_selector("text=预览，未发布")
    assert FIXED in page.locator("main").inner_text()
    screenshot(page, "admin-item-revision-preview")
    page.get_by_role("link", name="返回编辑").click()

    page.get_by_role("button", name="提交修改审核").click()
    page.wait_for_selector("text=的修改已提交审核")
    # Nobody approves their own correction, however urgent.
    assert page.get_by_role("button", name="审核发布修改").count() == 0
    assert TYPO in public_summary(page, base, notice)  # still the approved version

    # A 审核员 sees what changed and approves it after the 保密审查.
    log_in(page, base, "shenheyuan")
    page.goto(f"{base}/admin/disclosure/item/{notice.pk}/change/")
    page.get_by_role("button", name="审核发布修改").click()
    page.wait_for_selector("table.revision-changes")
    assert "内容概述" in page.locator("table.revision-changes").inner_text()
    for label in ["不涉及国家秘密", "不含应保护的个人信息", "不涉及商业秘密"]:
        page.get_by_label(label).check()
    page.get_by_label("已核对文字表述（无错别字、敏感词）").check()
    screenshot(page, "admin-item-revision-approve")
    page.get_by_role("button", name="审核发布修改").click()
    page.wait_for_selector("text=的修改已发布")

    text = public_summary(page, base, notice)
    assert FIXED in text and TYPO not in text
    assert Item.objects.get(pk=notice.pk).summary == FIXED

    # The history shows both versions: who, when, what changed.
    log_in(page, base, "shenheyuan")
    page.goto(f"{base}/admin/disclosure/item/{notice.pk}/history/")
    versions = page.locator(".published-versions").inner_text()
    assert "第1版" in versions and "首次发布" in versions
    assert "第2版" in versions and "何静" in versions and "黄志强" in versions
    assert page.locator(".published-versions del").first.inner_text() == "至"
    assert page.locator(".published-versions ins").first.inner_text() == "置"
    screenshot(page, "admin-item-history-versions")


def test_office_adds_a_step_to_a_published_guide_through_its_revision(
    live_server, page, screenshot
):
    """A published guide's 办理流程 changes only through its 修改稿: the 政务公开办 adds a step in
    the guide's form (the admin's 添加另一个 row), the public page keeps the approved steps until a
    审核员 approves, then shows the new one."""
    from services.models import GuideStep
    from tests.services.factories import ServiceGuideFactory

    ensure_columns()
    department = DepartmentFactory(name="不动产登记中心", code="bdcdj")
    make_office_and_reviewer(department)
    guide = ServiceGuideFactory(published=True, department=department)
    base = live_server.url

    def public_steps():
        page.context.clear_cookies()
        page.goto(f"{base}/bsfw/zn/{guide.pk}/")
        return page.locator("main").inner_text()

    assert "案卷归档" not in public_steps()
    log_in(page, base, "gongkaiban")
    page.goto(f"{base}/admin/services/serviceguide/{guide.pk}/change/")
    steps = page.locator("#steps-group")
    steps.locator(".add-row a").click()
    page.locator('[name="steps-5-order"]').fill("6")
    page.locator('[name="steps-5-name"]').fill("归档")
    page.locator('[name="steps-5-actor"]').fill("档案人员")
    page.locator('[name="steps-5-working_days"]').fill("0")
    page.locator('[name="steps-5-description"]').fill("案卷归档")
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_selector("text=修改已保存为修改稿，尚未发布")
    # The form shows the 修改稿's rows, the new step among them, and the diff names it.
    assert page.locator('[name="steps-5-name"]').input_value() == "归档"
    assert "办理流程" in page.locator(".revision-notice").inner_text()
    screenshot(page, "admin-guide-revision-new-step")
    page.get_by_role("button", name="提交修改审核").click()
    page.wait_for_selector("text=的修改已提交审核")
    assert "案卷归档" not in public_steps()
    assert not GuideStep.objects.filter(guide=guide, name="归档").exists()

    log_in(page, base, "shenheyuan")
    page.goto(f"{base}/admin/services/serviceguide/{guide.pk}/change/")
    page.get_by_role("button", name="审核发布修改").click()
    page.wait_for_selector("table.revision-changes")
    assert "归档" in page.locator("table.revision-changes ins").all_inner_texts()[-1]
    for label in ["不涉及国家秘密", "不含应保护的个人信息", "不涉及商业秘密"]:
        page.get_by_label(label).check()
    page.get_by_label("已核对文字表述（无错别字、敏感词）").check()
    page.get_by_role("button", name="审核发布修改").click()
    page.wait_for_selector("text=的修改已发布")
    assert "案卷归档" in public_steps()
