"""政民互动 end to end: a citizen complains, the department head replies, the reviewer publishes,
the citizen rates the reply, and the public list and the month's figures show it."""

import re

import pytest
from django.contrib.auth.models import Group

from complaints.models import Message, MessageCategory, ReplyTemplate
from portal import roles
from portal.models import SiteSettings
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demo-pass-2026"


@pytest.fixture
def desk():
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    registry = DepartmentFactory(name="地籍与不动产登记科", code="bdcdj")
    category = MessageCategory.objects.create(name="不动产登记", department=registry)
    ReplyTemplate.objects.create(
        category=category,
        kind=Message.Kind.COMPLAINT,
        text="您好！您反映的问题已收悉。经地籍与不动产登记科核实，现答复如下：【核查情况】",
    )
    head = UserFactory(username="kezhang", full_name="周丽华", department=registry)
    reviewer = UserFactory(
        username="shenheyuan", full_name="黄志强", department=DepartmentFactory()
    )
    for user, role in [(head, roles.DEPARTMENT_HEAD), (reviewer, roles.REVIEWER)]:
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return registry


def field(page, label):
    """The input labelled label (labels of required fields end with an aria-hidden "*")."""
    return page.get_by_label(re.compile(f"^{label}"))


def log_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    return page


def test_citizen_complaint_is_answered_published_and_rated(
    live_server, browser, page, desk, screenshot
):
    # A citizen writes a complaint.
    page.goto(live_server.url + "/zmhd/")
    page.get_by_role("link", name="我要写信").click()
    field(page, "留言类型").select_option(label="投诉")
    field(page, "留言类别").select_option(label="不动产登记")
    field(page, "标题").fill("不动产证办理超期")
    field(page, "留言内容").fill(
        "我和母亲王秀英女士在市民中心申请不动产转移登记已经一个月，承诺10个工作日办结，至今未领到证。"
        "联系电话13812345678。"
    )
    field(page, "姓名").fill("张建华")
    field(page, "手机号码").fill("13812345678")
    page.get_by_label("同意公开（不公开姓名和联系方式）").check()
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/zmhd/xiexin/ZMHD*/")
    tracking_number = page.locator("#tracking-number").inner_text().strip()
    query_code = page.locator("#query-code").inner_text().strip()
    assert re.fullmatch(r"ZMHD\d{8}-0001", tracking_number)
    screenshot(page, "complaints-receipt")

    # ... and looks it up with the two codes.
    page.goto(live_server.url + "/zmhd/chaxun/")
    field(page, "受理编号").fill(tracking_number)
    field(page, "查询码").fill(query_code)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#message-status").inner_text() == "待答复"

    # The department head finds it at the top of the queue with 24 hours left and replies.
    head = log_in(browser, live_server, "kezhang")
    head.get_by_role("link", name="留言", exact=True).first.click()
    first_row = head.locator("#result_list tbody tr").first
    assert tracking_number in first_row.inner_text()
    assert re.search(r"剩 (23小时5\d分|24小时0分)", first_row.inner_text())
    screenshot(head, "complaints-admin-queue")
    first_row.get_by_role("link", name=tracking_number).click()
    head.get_by_role("link", name="答复", exact=True).click()
    reply = head.get_by_label("答复内容")
    # The template of the category and the message's type (投诉), with its slot to fill in.
    assert "经地籍与不动产登记科核实" in reply.input_value()
    head.get_by_role("button", name="答复").click()  # sent unchanged: refused, the blank named
    error = head.locator(".errorlist").first.inner_text()
    assert "未填写的模板空白" in error and "【核查情况】" in error
    screenshot(head, "complaints-admin-reply-refused")
    reply.fill(
        reply.input_value().replace("【核查情况】", "")
        + "张建华同志：您的登记已于今日登簿，请携带身份证到市民中心二楼3号窗口领证。"
        "如有疑问请致电0571-87061241。"
    )
    head.get_by_role("button", name="答复").click()
    assert "已答复" in head.locator(".messagelist").inner_text()
    head.context.close()

    # Not sent before review: the citizen sees that the reply is being reviewed, not the text.
    page.goto(live_server.url + f"/zmhd/chaxun/{tracking_number}/")
    assert page.locator("#message-status").inner_text() == "答复审核中"
    assert page.locator("#reply-text").count() == 0

    # The reviewer approves the public version; the sender's name and phone are masked, and a
    # name next to 同志 is pointed out.
    reviewer = log_in(browser, live_server, "shenheyuan")
    reviewer.goto(live_server.url + "/admin/complaints/message/")
    reviewer.get_by_role("link", name=tracking_number).click()
    reviewer.get_by_role("link", name="审核公开").click()
    assert "138****5678" in reviewer.get_by_label("公开留言内容").input_value()
    public_reply = reviewer.get_by_label("公开答复内容")
    assert "张**同志" in public_reply.input_value()
    assert "张建华" not in public_reply.input_value()
    warning = reviewer.locator("#name-warnings").inner_text()
    assert "公开留言内容：王秀英女士" in warning
    screenshot(reviewer, "complaints-admin-approve")
    body = reviewer.get_by_label("公开留言内容")
    body.fill(body.input_value().replace("母亲王秀英女士", "家人"))
    reviewer.get_by_role("button", name="审核公开").click()
    assert "并已在网站公开" in reviewer.locator(".messagelist").inner_text()
    reviewer.context.close()

    # The citizen sees the reply and rates it.
    page.goto(live_server.url + f"/zmhd/chaxun/{tracking_number}/")
    assert "请携带身份证到市民中心二楼3号窗口领证" in page.locator("#reply-text").inner_text()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见（选填）").fill("答复及时，谢谢！")
    page.get_by_role("button", name="提交评价").click()
    assert "满意：答复及时，谢谢！" in page.locator("#rating-result").inner_text()
    assert Message.objects.get().rating == Message.Rating.SATISFIED

    # The public list shows it with its dates and department, without the sender's data.
    page.goto(live_server.url + "/zmhd/liuyan/")
    row = page.locator("table.message-table tbody tr").first
    assert tracking_number in row.inner_text()
    assert "地籍与不动产登记科" in row.inner_text()
    row.get_by_role("link", name="不动产证办理超期").click()
    body = page.locator("main").inner_text()
    assert "张**" in body and "张建华" not in body and "13812345678" not in body
    assert "0571-87061241" in body  # the department's own telephone stays readable
    screenshot(page, "complaints-detail")

    # This month's figures count it: received 1, replied 1, 100 %, within 24 h 1.
    page.goto(live_server.url + "/zmhd/")
    figures = page.locator(".message-figures").inner_text()
    assert re.search(r"收到留言\s*1", figures) and re.search(r"已答复\s*1", figures)
    assert "100%" in figures and re.search(r"24小时内答复\s*1", figures)
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/zmhd/", "/zmhd/xiexin/", "/zmhd/liuyan/", "/zmhd/tongji/"]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"horizontal scroll on a phone at {path}: {width}px"
    screenshot(page, "complaints-statistics-phone")
