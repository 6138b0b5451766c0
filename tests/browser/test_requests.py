"""依申请公开, as a citizen and the office would use it (issue 8, "Done when")."""

import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure import annual_report
from disclosure.models import AnnualReport, InformationRequest
from portal import workdays
from portal.models import SiteSettings, WorkCalendarDay
from tests.disclosure.factories import CHECKLIST
from tests.disclosure.request_factories import VALID_ID_NUMBER
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Office-pass-2026"


@pytest.fixture
def office():
    # A transactional test before this one may have flushed the seeded calendar.
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2004, 2031))
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    user = UserFactory(
        username="gongkaiban", full_name="何静", department=DepartmentFactory(code="bgs")
    )
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="政务公开办"))
    return user


def log_in(page, base):
    page.goto(base + "/admin/login/")
    page.get_by_label("用户名").fill("gongkaiban")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def staff_step(page, base, info_request, button, fill=None):
    page.goto(f"{base}/admin/disclosure/informationrequest/{info_request.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name=button).click()
    for label, value in (fill or {}).items():
        page.get_by_label(label).fill(value)
    page.locator(".submit-row").get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(rf".*/informationrequest/{info_request.pk}/change/$"))
    assert f"已{button}" in page.locator(".messagelist").inner_text()


def test_citizen_applies_office_handles_citizen_follows(
    live_server, browser, page, office, screenshot
):
    base = live_server.url
    # The citizen applies online.
    page.goto(base + "/zwgk/ysqgk/")
    page.get_by_label("姓名或单位名称").fill("张建华")
    page.get_by_label("证件类型").select_option("resident_id")
    page.get_by_label("证件号码").fill(VALID_ID_NUMBER)
    assert not page.get_by_label("统一社会信用代码").is_visible()  # organisation fields hidden
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("电子邮箱").fill("zhang@example.com")
    page.get_by_label("电子邮件", exact=True).check()  # no way of delivery is preselected
    page.get_by_label("通信地址").fill("江川市滨江区江南大道100号")
    page.get_by_label("所需信息的内容描述").fill(
        "滨江区东升村2026年第3批次征收土地的补偿安置方案及批复文件"
    )
    # The anti-bot check ran in the page when the citizen entered the form.
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    screenshot(page, "request-form")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r".*/ysqgk/huizhi/YSQ\d{4}-\d{4}/$"))
    number = page.locator("#tracking-number").inner_text().strip()
    code = page.locator("#query-code").inner_text().strip()
    screenshot(page, "request-receipt")
    info_request = InformationRequest.objects.get(tracking_number=number)

    # The office confirms receipt, asks for a correction, records it, extends once, replies.
    citizen = page
    staff = browser.new_context(locale="zh-CN").new_page()
    log_in(staff, base)
    staff.goto(base + "/admin/disclosure/informationrequest/")
    assert "张**" in staff.content() and "张建华" not in staff.content()
    staff_step(staff, base, info_request, "确认收到")
    # The office records which department holds the information (counted by oversight).
    land = DepartmentFactory(name="土地利用管理科", code="tdly")
    staff.goto(f"{base}/admin/disclosure/informationrequest/{info_request.pk}/change/")
    staff.get_by_label("承办科室").select_option(label="土地利用管理科")
    staff.get_by_role("button", name="保存并继续编辑").click()
    staff.wait_for_url(re.compile(rf".*/informationrequest/{info_request.pk}/change/$"))
    info_request.refresh_from_db()
    assert info_request.department == land
    staff_step(
        staff,
        base,
        info_request,
        "告知补正",
        {"需补正的事项": "请写明所需补偿安置方案对应的地块编号"},
    )

    citizen.goto(base + "/zwgk/ysqgk/chaxun/")
    citizen.get_by_label("申请编号").fill(number)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    assert citizen.locator("#request-status").inner_text() == "待补正"
    assert "地块编号" in citizen.locator("#correction-items").inner_text()

    today = timezone.localdate()
    staff_step(staff, base, info_request, "收到补正", {"收到补正日期": today.isoformat()})
    staff_step(
        staff,
        base,
        info_request,
        "批准延期",
        {"延长工作日数": "10", "延期理由": "需调取历史征地档案"},
    )
    staff.goto(f"{base}/admin/disclosure/informationrequest/{info_request.pk}/change/")
    staff.locator(".object-tools").get_by_role("link", name="答复").click()
    staff.get_by_label("办理结果").select_option("2")
    staff.get_by_label("法律依据").fill("《中华人民共和国政府信息公开条例》第三十七条")
    staff.get_by_label("答复内容").fill("补偿安置方案予以公开；其中涉及个人信息的部分不予公开。")
    staff.locator(".submit-row").get_by_role("button", name="答复").click()
    staff.wait_for_url(re.compile(rf".*/informationrequest/{info_request.pk}/change/$"))
    with staff.expect_download() as download:
        staff.locator(".inline-group").get_by_role("link", name="PDF").last.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    screenshot(staff, "request-admin")

    # The citizen sees every step, the dates and the reply.
    info_request.refresh_from_db()
    citizen.reload()
    assert citizen.locator("#request-status").inner_text() == "已答复"
    assert "部分公开" in citizen.locator("#reply-type").inner_text()
    timeline = citizen.locator("#request-timeline").inner_text()
    for step in ["提交申请", "确认收到", "告知补正", "收到补正", "延长答复期限", "答复"]:
        assert step in timeline
    assert (
        f"{info_request.due_on.year}年{info_request.due_on.month}月{info_request.due_on.day}日"
        in (citizen.locator("#due-on").inner_text())
    )
    assert "延期" in citizen.content() and "补正通知书" in citizen.content()
    screenshot(citizen, "request-status")
    citizen.set_viewport_size({"width": 375, "height": 800})
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(citizen, "request-status-phone")

    # The annual report of the year counts it as 部分公开 by a natural person.
    report = AnnualReport.objects.create(year=today.year, overview="本年度依申请公开工作总体平稳。")
    staff.goto(f"{base}/admin/disclosure/annualreport/{report.pk}/preview/")
    row = staff.locator('#section-three tr[data-row="2"] td')
    assert row.nth(0).inner_text() == "1"  # 自然人
    assert row.nth(6).inner_text() == "1"  # 总计
    assert annual_report.section_three(today.year)["is_balanced"]
    screenshot(staff, "annual-report")

    # Last year's report goes to the 公开年报 column as an item; a 审核员 approves it; the citizen
    # finds it in the column with its PDF.
    last = AnnualReport.objects.create(
        year=today.year - 1, overview="上年度政府信息公开工作总体平稳。", permits_count=1264
    )
    staff.goto(f"{base}/admin/disclosure/annualreport/{last.pk}/change/")
    staff.get_by_role("button", name="送公开年报栏目审核").click()
    staff.wait_for_url(re.compile(rf".*/annualreport/{last.pk}/change/$"))
    assert "作为信息条目提交审核" in staff.locator(".messagelist").inner_text()
    assert "待审核" in staff.locator(".field-item_link").inner_text()
    screenshot(staff, "annual-report-submitted")
    last.refresh_from_db()
    last.item.approve(by=UserFactory(full_name="黄志强"), checklist=CHECKLIST)
    citizen.goto(base + "/zwgk/lm/gknb/")
    citizen.get_by_role("link", name=last.item.title).click()
    body = citizen.locator(".article-body").inner_text()
    assert "三、收到和处理政府信息公开申请情况" in body and "1264" in body
    with citizen.expect_download() as download:
        citizen.locator(".attachments").get_by_role("link").first.click()
    assert download.value.suggested_filename == f"{last.item.title}.pdf"
    screenshot(citizen, "annual-report-item-phone")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 375
    citizen.set_viewport_size({"width": 1280, "height": 900})
    screenshot(citizen, "annual-report-item")
