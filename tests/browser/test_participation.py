"""征求意见 and 网上评议 end to end: a citizen comments on article 3 of an open draft, the reviewer
publishes the comment, after closing the department head marks it 部分采纳 with a reason and
publishes the feedback, and the draft's page shows the counts and the reply; an evaluation round
collects an answer and shows its results once it has closed."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.models import Consultation, ConsultationComment, EvaluationRound
from portal import roles
from portal.models import SiteSettings
from tests.browser.test_complaints import PASSWORD, field, log_in
from tests.complaints.factories import (
    EvaluationRoundFactory,
    EvaluationSubjectFactory,
    published_consultation,
)
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau():
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    land = DepartmentFactory(name="土地利用管理科", code="tdly")
    head = UserFactory(username="kezhang", full_name="周丽华", department=land)
    reviewer = UserFactory(
        username="shenheyuan", full_name="黄志强", department=DepartmentFactory()
    )
    for user, role in [(head, roles.DEPARTMENT_HEAD), (reviewer, roles.REVIEWER)]:
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return land


def test_comment_on_article_three_gets_partly_adopted_and_published(
    live_server, browser, page, bureau, screenshot
):
    consultation = published_consultation(
        department=bureau, title="江川市土地储备管理办法（征求意见稿）"
    )

    # A citizen finds the draft from 政民互动 and comments on article 3.
    page.goto(live_server.url + "/zmhd/")
    page.get_by_role("link", name="征求意见", exact=True).first.click()
    page.get_by_role("link", name=consultation.title).click()
    assert page.locator("#consultation-phase").inner_text() == "征集中"
    page.get_by_role("link", name="对第三条提意见").click()
    assert "第三条" in field(page, "针对条文").locator("option:checked").inner_text()
    field(page, "意见内容").fill(
        "第三条建议明确年度储备计划向社会公开的时间，最迟在每年3月底前公开。"
    )
    field(page, "姓名").fill("王秀英")
    field(page, "手机号码").fill("13912345678")
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_url("**/yijian/yitijiao/")
    assert "审核后" in page.locator("main").inner_text()
    screenshot(page, "participation-comment-done")
    comment = ConsultationComment.objects.get()
    assert comment.article.heading == "第三条"

    # The reviewer publishes it; the public page shows it masked.
    reviewer = log_in(browser, live_server, "shenheyuan")
    reviewer.goto(live_server.url + f"/admin/complaints/consultationcomment/{comment.pk}/change/")
    reviewer.get_by_role("link", name="审核公开").click()
    reviewer.get_by_role("button", name="审核公开").click()
    assert "已完成" in reviewer.locator(".messagelist").inner_text()
    reviewer.context.close()
    page.goto(live_server.url + consultation.get_absolute_url())
    article = page.locator("#article-3")
    assert "最迟在每年3月底前公开" in article.inner_text()
    assert "王**" in article.inner_text() and "139****5678" in article.inner_text()
    assert "王秀英" not in page.content()

    # The period ends.
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=10),
    )
    page.reload()
    assert page.locator("#consultation-phase").inner_text() == "已结束"
    assert page.get_by_role("button", name="提交意见").count() == 0

    # The department head marks it 部分采纳 with a reason and publishes the feedback.
    head = log_in(browser, live_server, "kezhang")
    head.goto(live_server.url + "/admin/complaints/consultationcomment/")
    head.get_by_role("link", name=re.compile("第三条建议明确")).click()
    head.get_by_role("link", name="填写采纳情况").click()
    head.get_by_label("采纳情况").select_option(label="部分采纳")
    head.get_by_label("理由").fill(
        "部分采纳。年度储备计划将在批准后20个工作日内公开，写入第三条第二款。"
    )
    head.get_by_role("button", name="填写采纳情况").click()
    assert "已完成" in head.locator(".messagelist").inner_text()
    head.goto(live_server.url + f"/admin/complaints/consultation/{consultation.pk}/change/")
    head.get_by_role("link", name="发布采纳情况").click()
    summary = head.get_by_label("意见采纳情况说明")
    assert "部分采纳1条" in summary.input_value()
    summary.fill(summary.input_value() + "年度储备计划的公开时限已写入办法。")
    screenshot(head, "participation-admin-feedback")
    head.get_by_role("button", name="发布采纳情况").click()
    assert "已公开" in head.locator(".messagelist").inner_text()
    head.context.close()

    # The draft's page shows the counts and the reply.
    page.reload()
    assert page.locator("#consultation-phase").inner_text() == "已反馈"
    assert page.locator("#received-count").inner_text().startswith("1")
    assert page.locator("#partly-count").inner_text().startswith("1")
    assert "年度储备计划的公开时限已写入办法" in page.locator(".feedback-summary").inner_text()
    assert "批准后20个工作日内公开" in page.locator("#article-3").inner_text()
    screenshot(page, "participation-consultation-feedback")
    page.get_by_role("link", name="查看意见采纳情况全文").click()
    assert "部分采纳" in page.locator("table.feedback-table").inner_text()


def test_evaluation_round_collects_an_answer_and_shows_results_after_closing(
    live_server, page, bureau, screenshot
):
    evaluation = EvaluationRoundFactory(title="2026年下半年窗口服务网上评议")
    window = EvaluationSubjectFactory(round=evaluation, name="不动产登记窗口（1—4号）")
    EvaluationSubjectFactory(round=evaluation, name="土地利用管理科", kind="department")

    page.goto(live_server.url + "/zmhd/")
    page.get_by_role("link", name=evaluation.title).click()
    for aspect, score in [("服务态度", 5), ("办事效率", 4), ("政务公开", 5), ("廉洁自律", 5)]:
        page.get_by_label(f"{window.name} {aspect}").select_option(value=str(score))
    field(page, "手机号码").fill("13812345678")
    page.get_by_label("意见建议（选填）").fill("窗口服务热情，建议增加周末预约。")
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    screenshot(page, "participation-evaluation-form")
    page.get_by_role("button", name="提交评议").click()
    page.wait_for_url("**/yitijiao/")
    assert "感谢您参加" in page.locator("main").inner_text()

    # The same phone cannot answer twice (tried on a phone: the questionnaire is one block per
    # window or department, each choice with its visible aspect name, and no sideways scroll).
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + evaluation.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    first_row = page.locator("table.questionnaire tbody tr").first
    assert first_row.locator(".q-aspect").first.is_visible()
    assert first_row.locator(".q-aspect").all_inner_texts() == [
        "服务态度",
        "办事效率",
        "政务公开",
        "廉洁自律",
    ]
    screenshot(page, "participation-evaluation-form-375")
    for aspect in ["服务态度", "办事效率", "政务公开", "廉洁自律"]:
        page.get_by_label(f"{window.name} {aspect}").select_option(value="1")
    field(page, "手机号码").fill("138 1234 5678")
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    page.get_by_role("button", name="提交评议").click()
    assert "已参加过本次评议" in page.locator("main").inner_text()

    # Results stay closed while the round runs, and open when it has ended.
    page.goto(live_server.url + evaluation.get_results_url())
    assert "结果将在评议结束后公布" in page.locator("main").inner_text()
    EvaluationRound.objects.filter(pk=evaluation.pk).update(
        opens_on=timezone.localdate() - timedelta(days=30),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    page.reload()
    assert page.locator("#response-count").inner_text() == "1"
    row = page.locator("table.results-table tbody tr").first
    assert window.name in row.inner_text()
    assert "4.75" in row.inner_text() and "100.0%" in row.inner_text()
    screenshot(page, "participation-evaluation-results")
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ["/zmhd/zhengqiu/", "/zmhd/pingyi/", evaluation.get_results_url()]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"horizontal scroll on a phone at {path}: {width}px"
