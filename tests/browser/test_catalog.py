"""A clerk publishes an item end to end: 信息员 drafts, 审核员 approves, the public sees it."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure.demo import ensure_columns
from portal.models import SiteSettings
from portal.publishing import REVIEW_CHECKLIST
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Clerk-pass-2026"


@pytest.fixture
def staff():
    ensure_columns()  # in case an earlier transactional test flushed the seeded columns
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.org_code = "00319356-6"
    site.save()
    department = DepartmentFactory(name="政策法规科", code="zcfg")
    accounts = {}
    for username, role in [("xinxiyuan", "信息员"), ("shenheyuan", "审核员")]:
        user = UserFactory(username=username, department=department)
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        accounts[role] = user
    return accounts


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + "/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_officer_drafts_reviewer_publishes_public_sees_then_withdrawn(
    live_server, page, staff, tmp_path, screenshot
):
    base = live_server.url
    title = "关于开展2026年度土地变更调查工作的通知"
    attachment = Path(tmp_path) / "调查方案.pdf"
    attachment.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # 信息员 drafts with an attachment and submits.
    log_in(page, base, "xinxiyuan")
    page.goto(base + "/admin/disclosure/item/add/")
    page.get_by_label("标题").fill(title)
    page.get_by_label("主题分类").select_option(label="通知公告")
    page.get_by_label("成文日期").fill(timezone.localdate().isoformat())
    page.get_by_label("文号").fill("江国土资发〔2026〕15号")
    page.get_by_label("内容概述").fill("部署2026年度土地变更调查工作。")
    editor = page.locator(".ProseMirror:visible").first
    editor.click()
    editor.type("各有关单位：现将2026年度土地变更调查工作有关事项通知如下。")
    page.locator("input[type=file]").first.set_input_files(str(attachment))
    page.get_by_role("button", name="保存并继续编辑").click()
    page.wait_for_selector("text=成功添加")
    assert page.get_by_role("button", name="审核发布").count() == 0  # cannot publish alone
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_selector("text=已提交审核")
    screenshot(page, "admin-item-submitted")

    # 审核员 approves after the 保密审查 checklist.
    log_in(page, base, "shenheyuan")
    page.goto(base + "/admin/disclosure/item/?status__exact=pending")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="审核发布").click()  # saves the form, opens the checklist
    for label in REVIEW_CHECKLIST.values():
        page.get_by_label(label).check()
    page.get_by_role("button", name="审核发布").click()
    page.wait_for_selector(f"text=“{title}”已发布")

    # The public column page shows it with a 索引号 of the right form and today's date.
    page.context.clear_cookies()
    page.goto(base + "/zwgk/lm/tzgg/")
    page.get_by_role("link", name=title).click()
    header = page.locator("table.header-table").inner_text()
    year = timezone.localdate().year
    assert re.search(rf"00319356-6/{year}-\d{{5}}", header)
    assert timezone.localdate().strftime("%Y年%-m月%-d日") in header
    assert "各有关单位" in page.locator(".article-body").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="调查方案.pdf").click()
    assert download.value.suggested_filename == "调查方案.pdf"
    item_url = page.url
    screenshot(page, "public-item")

    # Withdrawn: it disappears publicly.
    log_in(page, base, "shenheyuan")
    page.goto(base + "/admin/disclosure/item/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="撤回").click()
    page.get_by_label("理由").fill("调查方案已调整，重新发布")
    page.get_by_role("button", name="撤回").click()
    page.wait_for_selector("text=已撤回")
    page.context.clear_cookies()
    assert page.goto(item_url).status == 404
    page.goto(base + "/zwgk/lm/tzgg/")
    assert title not in page.locator("main").inner_text()
