"""The back-office pages of issue #18 in chromium, looked at for English leftovers: the calendar's
按年录入 with its date picker, the rich-text editor's menu and dialog, 登录锁定, the word-list
import preview and the add-user form. Each page is also saved as a screenshot."""

import io

from django.conf import settings
from openpyxl import Workbook

from portal import roles
from portal.models import LoginLockout
from tests.browser.conftest import admin_login
from tests.conftest import make_staff
from tests.portal.test_calendar_year import NOTICE_2027

PASSWORD = "correct-horse-9X"  # the factories' password
ENGLISH = [
    "USERNAME",
    "IP ADDRESS",
    "Username",
    "Sunday",
    "Monday",
    "Insert table",
    "Paragraph",
    "Access attempt",
    "Locked Out",
    "Password-based authentication",
    "Choose a Date",
    "Add row",
    "Cancel",
    "Update",
]


def english_in(page):
    text = page.inner_text("body")
    return [word for word in ENGLISH if word in text]


def test_calendar_year_and_its_date_picker(live_server, page, screenshot):
    make_staff(roles.SYSTEM_ADMIN, username="xitong")
    admin_login(page, live_server.url, "xitong", PASSWORD)
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/portal/workcalendarday/year/")
    page.get_by_label("年度").fill("2027")
    page.get_by_label("国务院办公厅通知原文").fill(NOTICE_2027)
    page.get_by_role("button", name="识别通知").click()
    page.get_by_text("预览：2027 年放假 28 天，调休上班 6 天").wait_for()
    screenshot(page, "admin-calendar-year-preview")
    page.locator("#calendarlink0").click()
    calendar = page.locator("#calendarbox0")
    calendar.wait_for()
    headings = calendar.locator("th").all_inner_texts()
    # Chinese weekday names; the week starts on Monday (zh-hans FIRST_DAY_OF_WEEK = 1).
    assert "".join(h.strip() for h in headings[-7:]) == "一二三四五六日"
    screenshot(page, "admin-calendar-date-picker")
    assert english_in(page) == []
    page.locator("#calendarbox0").get_by_text("取消").click()
    page.get_by_role("button", name="确认保存").click()
    page.get_by_text("2027 年工作日历已保存").wait_for()


def test_the_editor_menu_and_table_dialog(live_server, page, screenshot):
    make_staff(roles.DISCLOSURE_OFFICE, username="gongkaiban")
    admin_login(page, live_server.url, "gongkaiban", PASSWORD)
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/disclosure/item/add/")
    menu = page.locator(".prose-menubar").first
    menu.wait_for()
    page.locator('.prose-menubar button[title="加粗"]').first.wait_for()
    titles = menu.locator("button").evaluate_all("els => els.map(e => e.title)")
    assert titles and all(
        not title or not title.isascii() or title == "HTML" for title in titles
    ), titles
    screenshot(page, "admin-editor-menu")
    menu.locator('button[title="插入表格"]').click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "行数" in text and "列数" in text and "包含表头行" in text and "插入表格" in text
    assert dialog.locator("select option").all_inner_texts() == ["是", "否"]
    screenshot(page, "admin-editor-table-dialog")
    assert english_in(page) == []
    # The choice keeps the value the editor reads: a header row is inserted.
    dialog.locator("select").select_option(label="是")
    dialog.get_by_role("button", name="插入表格").click()
    page.locator(".ProseMirror table th").first.wait_for()


def test_lockouts_word_list_import_and_user_form(live_server, page, screenshot):
    make_staff(roles.SECURITY_ADMIN, username="anquan")
    make_staff(roles.OFFICER, username="xinxi", full_name="刘晓梅")
    LoginLockout.objects.create(
        username="xinxi",
        ip_address="10.1.2.3",
        user_agent="Mozilla/5.0",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
    )
    admin_login(page, live_server.url, "anquan", PASSWORD)
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/portal/loginlockout/")
    page.get_by_text("已锁定").first.wait_for()
    screenshot(page, "admin-lockouts")
    assert english_in(page) == []
    page.get_by_role("button", name="解除 xinxi 的登录锁定").click()
    page.wait_for_load_state()
    screenshot(page, "admin-lockouts-after-unlock")
    page.get_by_text("已解除 xinxi（10.1.2.3）的登录锁定").wait_for()
    page.goto(live_server.url + "/admin/portal/user/add/")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("请至少选择一个角色").wait_for()
    screenshot(page, "admin-user-add-errors")
    assert english_in(page) == []

    page.context.clear_cookies()
    make_staff(roles.SYSTEM_ADMIN, username="xitong")
    admin_login(page, live_server.url, "xitong", PASSWORD)
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/portal/sensitiveterm/import/")
    workbook = Workbook()
    workbook.active.append(["词条", "类别", "匹配方式", "级别", "正确写法", "说明", "启用"])
    workbook.active.append(["示例禁用语丙丁", "违禁内容", "词语", "阻断", "", "", "是"])
    workbook.active.append(["按排", "常见错别字", "词语", "阻断", "安排", "", "是"])
    workbook.active.append(["既使", "错字", "", "", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page.get_by_label("词库文件").set_input_files(
        {"name": "词库.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}
    )
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_text("第4行：类别“错字”无效").wait_for()
    screenshot(page, "admin-word-list-import-preview")
    assert english_in(page) == []
