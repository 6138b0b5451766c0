"""政府网站工作年度报表: every figure against the rows it counts, the workflow, pages and PDF."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Category, Item
from oversight import website_report
from oversight.models import InspectionFinding, SiteInspection, WebsiteReport, WebsiteReportEvent
from portal import roles
from portal.exceptions import InvalidTransition
from tests.complaints.factories import (
    ConsultationCommentFactory,
    EvaluationRoundFactory,
    MessageFactory,
    published_consultation,
)
from tests.conftest import make_staff
from tests.disclosure.factories import CHECKLIST
from tests.oversight.factories import publish_item
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

YEAR = 2025


def at(month, day, hour=10):
    return timezone.make_aware(datetime(YEAR, month, day, hour))


@pytest.fixture
def year_of_work():
    """A year of rows for each figure, and rows just outside it that must not count."""
    for slug in ["jgzn", "zwdt", "zwdt", "tzgg", "gfxwj", "zcjd", "xchd"]:
        publish_item(at=at(6, 1), category=slug)
    publish_item(at=timezone.make_aware(datetime(YEAR - 1, 12, 31, 12)), category="zwdt")
    publish_item(at=timezone.make_aware(datetime(YEAR + 1, 1, 1, 9)), category="zwdt")

    online = ServiceGuideFactory(online_url="https://zwfw.example.gov.cn/bdc")
    online.submit(by=online.author, now=at(3, 1))
    online.approve(by=make_staff(roles.REVIEWER), checklist=CHECKLIST, now=at(3, 1))
    ServiceGuideFactory(published=True)  # published after the year: not counted
    for accepted_on in [date(YEAR, 2, 1), date(YEAR, 11, 30)]:
        ApprovalResultFactory(guide=online, accepted_on=accepted_on)
    ApprovalResultFactory(guide=online, accepted_on=date(YEAR + 1, 1, 2))

    head, reviewer = make_staff(roles.DEPARTMENT_HEAD), make_staff(roles.REVIEWER)
    answered = MessageFactory(received_at=at(4, 1, 9))
    answered.record_reply(by=head, text="您好，已办理。", now=at(4, 2, 9))  # 1 day
    answered.approve(by=reviewer, now=at(4, 2, 10))
    replied = MessageFactory(received_at=at(5, 1, 9), has_publication_consent=False)
    replied.record_reply(by=head, text="您好，已办理。", now=at(5, 3, 9))  # 2 days
    MessageFactory(received_at=at(12, 30))  # waiting
    MessageFactory(received_at=timezone.make_aware(datetime(YEAR + 1, 1, 5)))

    consultation = published_consultation(opens_on=date(YEAR, 3, 1), closes_on=date(YEAR, 4, 1))
    ConsultationCommentFactory.create_batch(2, consultation=consultation)
    published_consultation(opens_on=date(YEAR + 1, 1, 10), closes_on=date(YEAR + 1, 2, 10))
    evaluation = EvaluationRoundFactory(opens_on=date(YEAR, 9, 1), closes_on=date(YEAR, 9, 30))
    EvaluationRoundFactory(opens_on=date(YEAR, 12, 20), closes_on=date(YEAR + 1, 1, 20))
    EvaluationRoundFactory(
        opens_on=date(YEAR, 5, 1), closes_on=date(YEAR, 5, 9), is_published=False
    )

    first = SiteInspection.objects.create(started_at=at(7, 1))
    second = SiteInspection.objects.create(started_at=at(7, 2))
    SiteInspection.objects.create(started_at=timezone.make_aware(datetime(YEAR + 1, 1, 3)))
    for run, targets in [(first, ["/a/", "/b/", "/c/"]), (second, ["/c/"])]:
        for target in targets:
            InspectionFinding.objects.create(
                inspection=run,
                rule="dead_link",
                indicator="扣分",
                severity="deduction",
                message="不可用链接",
                target=target,
            )
    return {"consultation": consultation, "evaluation": evaluation, "answered": answered}


def test_publication_figures_count_the_items_of_the_year(year_of_work):
    figures = website_report.compute_figures(YEAR)
    assert figures["published_count"] == 7
    assert figures["overview_count"] == 1  # 机构职能
    assert figures["news_count"] == 3  # 政务动态 ×2, 通知公告
    assert figures["catalog_count"] == 2  # 规范性文件, 政策解读
    assert figures["interpretation_count"] == 1
    assert (
        figures["special_count"]
        == Category.objects.visible().filter(column_type=Category.ColumnType.SPECIAL).count()
    )
    assert figures["special_count"] >= 1  # 宣传活动


def test_service_figures(year_of_work):
    figures = website_report.compute_figures(YEAR)
    assert figures["guide_count"] == 1
    assert figures["online_guide_count"] == 1
    assert figures["result_count"] == 2


def test_interaction_figures(year_of_work):
    figures = website_report.compute_figures(YEAR)
    assert figures["message_received_count"] == 3
    assert figures["message_closed_count"] == 1
    assert figures["average_reply_days"] == Decimal("1.5")
    assert figures["message_published_count"] == 1
    assert figures["survey_count"] == 1 + 2  # one consultation, two published rounds
    assert figures["opinion_count"] == 2
    assert figures["survey_result_count"] == 1  # the September round; no feedback yet


def test_security_figures(year_of_work):
    figures = website_report.compute_figures(YEAR)
    assert figures["inspection_count"] == 2
    assert figures["fixed_count"] == 2  # /a/ and /b/ gone at the next run


def test_consultation_feedback_counts_as_a_result(year_of_work):
    from complaints.models import Consultation

    Consultation.objects.filter(pk=year_of_work["consultation"].pk).update(
        feedback_published_at=at(4, 20), feedback_summary="采纳情况"
    )
    assert website_report.compute_figures(YEAR)["survey_result_count"] == 2


def test_draft_in_january_only_once(year_of_work, mailoutbox, django_capture_on_commit_callbacks):
    make_staff(roles.DISCLOSURE_OFFICE, email="office@example.com")
    assert website_report.draft_website_report(today=date(YEAR + 1, 2, 1)) is None
    with django_capture_on_commit_callbacks(execute=True):
        report = website_report.draft_website_report(today=date(YEAR + 1, 1, 2))
    assert report.year == YEAR and report.published_count == 7
    assert report.events.get().kind == WebsiteReportEvent.Kind.GENERATED
    assert website_report.draft_website_report(today=date(YEAR + 1, 1, 3)) is None
    assert len(mailoutbox) == 1 and "1月31日" in mailoutbox[0].body


@pytest.fixture
def office(disclosure_office):
    from django.contrib.auth.models import Permission

    disclosure_office.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="oversight",
            codename__in=["view_websitereport", "change_websitereport", "submit_websitereport"],
        )
    )
    return disclosure_office


def test_submit_sends_an_item_with_its_pdf_for_review(year_of_work, office):
    report = website_report.generate_website_report(year=YEAR, by=office)
    report.mobile_media = "政务微信“江川国土”：全年发布信息120条。"
    report.save()
    item = report.submit(by=office)
    report.refresh_from_db()
    assert report.status == WebsiteReport.Status.SUBMITTED and report.item == item
    assert item.status == Item.Status.PENDING
    assert item.category.slug == website_report.WEBSITE_REPORT_COLUMN
    assert item.category.parent.slug == "gknb"
    assert "江川国土" in item.body and "信息发布总数" in item.body
    attachment = item.attachments.get()
    assert attachment.file.read(4) == b"%PDF"
    assert report.events.filter(kind=WebsiteReportEvent.Kind.SUBMITTED).exists()
    with pytest.raises(InvalidTransition):
        report.submit(by=office)
    with pytest.raises(InvalidTransition):
        report.regenerate(by=office)


def test_regenerate_keeps_hand_entered_text(year_of_work, office):
    report = website_report.generate_website_report(year=YEAR, by=office)
    WebsiteReport.objects.filter(pk=report.pk).update(published_count=0, innovation="适老化改造")
    report.refresh_from_db()
    report.regenerate(by=office)
    report.refresh_from_db()
    assert report.published_count == 7 and report.innovation == "适老化改造"


def test_published_report_is_listed_on_its_page_and_the_homepage(year_of_work, office, client):
    report = website_report.generate_website_report(year=YEAR, by=office)
    item = report.submit(by=office)
    assert client.get(reverse("oversight:website-report", args=[YEAR])).status_code == 404
    item.approve(by=make_staff(roles.REVIEWER), checklist=CHECKLIST)
    listing = client.get(reverse("oversight:website-report-list")).content.decode()
    assert f"{YEAR}年政府网站工作年度报表" in listing
    page = client.get(reverse("oversight:website-report", args=[YEAR])).content.decode()
    assert "信息发布总数" in page and "打印版" in page
    printed = client.get(reverse("oversight:website-report-print", args=[YEAR]))
    assert printed.status_code == 200 and "下载 PDF" in printed.content.decode()
    pdf = client.get(reverse("oversight:website-report", args=[YEAR]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    home = client.get(reverse("home")).content.decode()
    assert reverse("oversight:website-report", args=[YEAR]) in home


def test_admin_generates_edits_and_submits(year_of_work, office, client):
    client.force_login(office)
    response = client.post(reverse("admin:oversight_websitereport_generate"), {"year": YEAR})
    report = WebsiteReport.objects.get(year=YEAR)
    assert response.url == reverse("admin:oversight_websitereport_change", args=[report.pk])
    change = client.get(response.url).content.decode()
    assert "送审发布" in change and "重新计算" in change
    assert (
        client.get(reverse("admin:oversight_websitereport_print", args=[report.pk])).status_code
        == 200
    )
    client.post(reverse("admin:oversight_websitereport_workflow", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.status == WebsiteReport.Status.SUBMITTED


def test_admin_refuses_the_current_year(office, client):
    client.force_login(office)
    client.post(
        reverse("admin:oversight_websitereport_generate"), {"year": timezone.localdate().year}
    )
    assert not WebsiteReport.objects.exists()


def test_home_query_budget_holds_with_reports(client, django_assert_max_num_queries):
    client.get(reverse("home"))
    with django_assert_max_num_queries(17):
        assert client.get(reverse("home")).status_code == 200
