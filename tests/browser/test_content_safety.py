"""An 信息员 pastes betting spam and a misspelling: submission refused, both hits marked."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure.demo import ensure_columns
from disclosure.models import Item
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Clerk-pass-2026"


@pytest.fixture
def officer_account():
    ensure_columns()
    user = UserFactory(
        username="xinxiyuan", department=DepartmentFactory(name="政策法规科", code="zcfg")
    )
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="信息员"))
    return user


def test_spam_blocks_submission_and_the_admin_marks_both_hits(
    live_server, page, officer_account, screenshot
):
    base = live_server.url
    page.goto(base + "/admin/login/")
    page.get_by_label("用户名").fill("xinxiyuan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/$"))

    page.goto(base + "/admin/disclosure/item/add/")
    page.get_by_label("标题").fill("关于做好2026年度耕地保护工作的通知")
    page.get_by_label("主题分类").select_option(label="通知公告")
    page.get_by_label("成文日期").fill(timezone.localdate().isoformat())
    page.get_by_label("内容概述").fill("请各科室认真布署今年的耕地保护工作。")
    editor = page.locator(".ProseMirror:visible").first
    editor.click()
    # Pasted from a hacked page: full-width letters and dots between the characters.
    editor.type("各有关单位：详情请访问 ｂｅｔ３６５．ｃｏｍ 注 册 送 彩金。")
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_selector("text=成功添加")

    page.get_by_role("button", name="提交审核").click()
    page.wait_for_selector("text=内容安全检查未通过")
    screenshot(page, "admin-item-content-safety")

    assert Item.objects.get().status == Item.Status.DRAFT
    error = page.locator(".messagelist .error").first.inner_text()
    assert "正文 第1行" in error and "ｂｅｔ３６５．ｃｏｍ" in error
    marks = page.locator("mark").all_inner_texts()
    # The injection is one finding over its whole run, from the domain to the bonus offer.
    assert "ｂｅｔ３６５．ｃｏｍ 注 册 送 彩金" in marks
    assert "布署" in marks
    panel = page.locator(".content-safety").inner_text()
    assert "应为“部署”" in panel
