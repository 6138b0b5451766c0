"""The annual report: a year of applications, every cell of table 三, tables 二 and 四, pages."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from disclosure import annual_report
from disclosure.models import (
    AnnualReport,
    AnnualReportEvent,
    Category,
    InformationRequest,
    Item,
    RequestAppeal,
)
from disclosure.services import submit_annual_report_item
from portal import workdays
from portal.exceptions import InvalidTransition
from portal.models import WorkCalendarDay
from tests.disclosure.factories import CHECKLIST, CategoryFactory, ItemFactory
from tests.disclosure.request_factories import (
    at,
    online_request,
    organisation_data,
    person_data,
    received_request,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

NP, BUS, RES, NPO, LEG, OTH = (
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_service",
    "other",
)
COLUMNS = [NP, BUS, RES, NPO, LEG, OTH]

# Applications received and answered in 2025: (reply type, applicant type).
PLAN = [
    ("1", NP), ("2", NP), ("3.1", BUS), ("3.2", RES), ("3.3", NPO), ("3.4", LEG), ("3.5", OTH),
    ("3.6", NP), ("3.7", BUS), ("3.8", NP), ("4.1", NP), ("4.2", BUS), ("4.3", LEG), ("5.1", NP),
    ("5.2", NP), ("5.3", RES), ("5.4", BUS), ("5.5", OTH), ("6.2", NP), ("6.3", NPO),
]  # fmt: skip


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def data_for(applicant_type):
    return person_data() if applicant_type == NP else organisation_data(applicant_type)


@pytest.fixture
def year_of_requests(disclosure_office):
    office = disclosure_office
    # Carried in from 2024 and answered in January 2025; one answered within 2024 (not counted).
    carried_in = received_request(date(2024, 12, 20), data=data_for(NP))
    carried_in.reply(
        by=office, reply_type="1", legal_basis="x", text="y", now=at(date(2025, 1, 10))
    )
    closed_2024 = received_request(date(2024, 12, 23), data=data_for(BUS))
    closed_2024.reply(
        by=office, reply_type="1", legal_basis="x", text="y", now=at(date(2024, 12, 30))
    )
    # Received and answered in 2025.
    for index, (reply_type, applicant_type) in enumerate(PLAN):
        day = date(2025, 2, 3) + timedelta(days=index * 14)
        info_request = received_request(day, data=data_for(applicant_type))
        info_request.reply(
            by=office,
            reply_type=reply_type,
            legal_basis="依据",
            text="答复",
            now=at(day + timedelta(days=5)),
        )
    # 补正 not made in time (6.1) and a withdrawal (6.3).
    lapsed = received_request(date(2025, 11, 3), data=data_for(NP))
    lapsed.request_correction(by=office, items="补充", period_days=5, now=at(date(2025, 11, 4)))
    lapsed.lapse_correction(by=office, now=at(date(2025, 11, 20)))
    withdrawn = received_request(date(2025, 11, 5), data=data_for(RES))
    withdrawn.withdraw(by=None, now=at(date(2025, 11, 10)))
    # Carried over into 2026: one still open, one answered in January 2026.
    received_request(date(2025, 12, 22), data=data_for(NP))
    late = received_request(date(2025, 12, 15), data=data_for(LEG))
    late.reply(by=office, reply_type="2", legal_basis="x", text="y", now=at(date(2026, 1, 5)))
    # Never received (not confirmed; withdrawn before confirmation): not in the report.
    online_request(date(2025, 6, 2))
    never, _ = online_request(date(2025, 6, 3))
    never.withdraw(by=None, now=at(date(2025, 6, 4)))
    # 复议/诉讼 filed in 2025.
    for kind, outcome, decided_on in [
        ("review", "upheld", date(2025, 8, 1)),
        ("review", "corrected", date(2025, 9, 1)),
        ("lawsuit", "other", date(2026, 2, 1)),  # decided after the year: 尚未审结 in 2025
        ("lawsuit_after_review", "pending", None),
    ]:
        RequestAppeal.objects.create(
            kind=kind,
            outcome=outcome,
            decided_on=decided_on,
            filed_on=date(2025, 6, 1),
            authority="江川市人民政府",
        )
    RequestAppeal.objects.create(
        kind="review", filed_on=date(2024, 6, 1), authority="江川市人民政府"
    )


def expected_results():
    results = {
        code: dict.fromkeys([*COLUMNS, "total"], 0) for _, code, _ in annual_report.RESULT_ROWS
    }
    for reply_type, applicant_type in [*PLAN, ("1", NP), ("6.1", NP), ("6.3", RES)]:
        results[reply_type][applicant_type] += 1
        results[reply_type]["total"] += 1
    return results


def test_every_cell_of_table_three(year_of_requests):
    three = annual_report.section_three(2025)
    assert three["results_by_code"] == expected_results()
    #                          NP BUS RES NPO LEG OTH total
    assert three["new"] ==        [10, 4, 3, 2, 3, 2, 24]  # fmt: skip
    assert three["carried_in"] == [1, 0, 0, 0, 0, 0, 1]  # fmt: skip
    assert three["total"] ==      [10, 4, 3, 2, 2, 2, 23]  # fmt: skip
    assert three["carried_out"] == [1, 0, 0, 0, 1, 0, 2]  # fmt: skip
    assert three["is_balanced"]
    rows = {row["code"]: row["cells"] for row in three["results"]}
    assert rows["1"] == [2, 0, 0, 0, 0, 0, 2]
    assert rows["6.3"] == [0, 0, 1, 1, 0, 0, 2]
    assert rows["6.1"] == [1, 0, 0, 0, 0, 0, 1]
    assert [row["group_span"] for row in three["results"] if row["group_span"]] == [8, 3, 5, 3]


def test_the_next_year_starts_from_the_carried_over(year_of_requests):
    three = annual_report.section_three(2026)
    assert three["carried_in"] == [1, 0, 0, 0, 1, 0, 2]
    assert three["new"] == [0] * 7
    assert three["total"] == [0, 0, 0, 0, 1, 0, 1]
    assert three["carried_out"] == [1, 0, 0, 0, 0, 0, 1]
    assert three["is_balanced"]


def test_check_fails_when_the_data_do_not_add_up(year_of_requests):
    # A conclusion dated before receipt breaks 一+二=三+四; the report says so.
    info_request = InformationRequest.objects.filter(
        status="replied", received_on__year=2025
    ).first()
    InformationRequest.objects.filter(pk=info_request.pk).update(closed_on=date(2024, 12, 31))
    assert not annual_report.section_three(2025)["is_balanced"]


def test_table_four(year_of_requests):
    four = annual_report.section_four(2025)
    #                     复议: 维持 纠正 其他 未结 总计 | 直接起诉 ... | 复议后起诉 ...
    assert four["cells"] == [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]


def test_pages_print_and_pdf(client, year_of_requests, disclosure_office, admin_client):
    report = AnnualReport.objects.create(
        year=2025, overview="总体平稳。", permits_count=1264, fees_amount="12.5"
    )
    assert client.get(reverse("disclosure:annual-report", args=[2025])).status_code == 404
    preview = reverse("admin:disclosure_annualreport_preview", args=[report.pk])
    html = admin_client.get(preview).content.decode()
    assert "三、收到和处理政府信息公开申请情况" in html and "各列均相符" in html and "1264" in html
    report.publish(by=disclosure_office)
    change = reverse("admin:disclosure_annualreport_change", args=[report.pk])
    assert "在站点上查看" in admin_client.get(change).content.decode()
    page = client.get(reverse("disclosure:annual-report", args=[2025])).content.decode()
    assert "2025年政府信息公开工作年度报告" in page and "总体平稳。" in page
    assert client.get(reverse("disclosure:annual-report-print", args=[2025])).status_code == 200
    pdf = client.get(reverse("disclosure:annual-report", args=[2025]), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    assert "2025" in client.get(reverse("disclosure:annual-report-list")).content.decode()


def test_publish_rules(disclosure_office):
    report = AnnualReport.objects.create(year=2025)
    with pytest.raises(InvalidTransition, match="总体情况"):
        report.publish(by=disclosure_office)
    current = AnnualReport.objects.create(year=date.today().year, overview="x")
    with pytest.raises(InvalidTransition, match="年度结束后"):
        current.publish(by=disclosure_office)
    assert not AnnualReportEvent.objects.exists()


def test_publication_is_logged_once(disclosure_office):
    report = AnnualReport.objects.create(year=2025, overview="总体平稳。")
    report.publish(by=disclosure_office)
    [event] = report.events.all()
    assert (event.kind, event.actor) == (AnnualReportEvent.Kind.PUBLISHED, disclosure_office)
    with pytest.raises(InvalidTransition, match="已经发布"):
        report.publish(by=disclosure_office)
    assert report.events.count() == 1


@pytest.mark.parametrize("rows", [1, 12])
def test_annual_report_page_queries(client, disclosure_office, django_assert_max_num_queries, rows):
    """Report, 3 × table 三 counts + conclusions, appeals, 2 catalog aggregates, site settings:
    the same for 1 and 12 applications."""
    for index in range(rows):
        received_request(date(2025, 3, 3) + timedelta(days=index))
    report = AnnualReport.objects.create(year=2025, overview="总体平稳。")
    report.publish(by=disclosure_office)
    client.get(reverse("disclosure:annual-report", args=[2025]))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("disclosure:annual-report", args=[2025])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("disclosure:annual-report-list")).status_code == 200


# Section 二: documents made, repealed and in force ------------------------------------------
def test_validity_change_is_dated_when_it_happens():
    item = ItemFactory(published=True)
    assert item.validity_changed_on is None
    with time_machine.travel(datetime(2025, 3, 4, 10, tzinfo=SHANGHAI), tick=False):
        item.title = "改了标题，有效性没变"
        item.save()
        assert Item.objects.get(pk=item.pk).validity_changed_on is None
        loaded = Item.objects.get(pk=item.pk)
        loaded.validity = Item.Validity.REPEALED
        loaded.save(update_fields=["validity"])
    assert Item.objects.get(pk=item.pk).validity_changed_on == date(2025, 3, 4)
    with time_machine.travel(datetime(2025, 6, 1, 10, tzinfo=SHANGHAI), tick=False):
        loaded.summary = "其他修改不改变日期"
        loaded.save()
    assert Item.objects.get(pk=item.pk).validity_changed_on == date(2025, 3, 4)
    # A row created as already expired is dated on the day it was recorded.
    with time_machine.travel(datetime(2025, 7, 1, 10, tzinfo=SHANGHAI), tick=False):
        expired = ItemFactory(validity=Item.Validity.EXPIRED)
    assert expired.validity_changed_on == date(2025, 7, 1)


def make_document(slug, written_on, validity="valid", changed_on=None):
    item = ItemFactory(
        category=Category.objects.get(slug=slug), written_on=written_on, published=True
    )
    if validity != "valid":
        with time_machine.travel(datetime.combine(changed_on, time(10), SHANGHAI), tick=False):
            item.validity = validity
            item.save()
    return item


def test_section_two_counts_documents_by_their_dates():
    for slug in ["gz", "gfxwj"]:
        CategoryFactory(slug=slug, name=slug)
    make_document("gfxwj", date(2023, 5, 1))  # in force
    make_document("gfxwj", date(2025, 2, 1))  # made in 2025, in force
    make_document("gfxwj", date(2025, 3, 1), "amended", date(2025, 9, 1))  # made, still in force
    make_document("gfxwj", date(2022, 1, 1), "repealed", date(2025, 4, 1))  # repealed in 2025
    make_document("gfxwj", date(2022, 1, 1), "expired", date(2025, 12, 31))  # expired in 2025
    make_document("gfxwj", date(2021, 1, 1), "repealed", date(2024, 6, 1))  # repealed earlier
    make_document("gfxwj", date(2024, 1, 1), "repealed", date(2026, 1, 5))  # in force at 2025's end
    make_document("gfxwj", date(2026, 1, 2))  # made after the year
    make_document("gz", date(2025, 8, 8))
    ItemFactory(category=Category.objects.get(slug="gfxwj"), written_on=date(2025, 5, 5))  # draft
    report = AnnualReport.objects.create(year=2025, permits_count=7)
    two = annual_report.section_two(report)
    assert two["documents"] == [
        {"label": "规章", "made": 1, "repealed": 0, "in_force": 1},
        {"label": "行政规范性文件", "made": 2, "repealed": 2, "in_force": 4},
    ]
    assert two["permits_count"] == 7


# The report as an item of the 公开年报 column -----------------------------------------------
@pytest.fixture
def report_2025(year_of_requests):
    return AnnualReport.objects.create(
        year=2025, overview="本年度依申请公开工作总体平稳。", permits_count=1264
    )


def test_report_goes_to_the_catalog_for_review(client, report_2025, disclosure_office, reviewer):
    item = submit_annual_report_item(report=report_2025, by=disclosure_office)
    report_2025.refresh_from_db()
    assert report_2025.item == item
    [event] = report_2025.events.all()
    assert event.kind == AnnualReportEvent.Kind.SENT_TO_CATALOG and event.note == item.title
    assert item.category.slug == "gknb" and item.status == Item.Status.PENDING
    assert item.department == disclosure_office.department and item.author == disclosure_office
    assert item.title.endswith("2025年政府信息公开工作年度报告")
    assert "三、收到和处理政府信息公开申请情况" in item.body and "1264" in item.body
    assert "本年度依申请公开工作总体平稳。" in item.body
    [pdf] = item.attachments.all()
    assert pdf.original_name == f"{item.title}.pdf" and pdf.file.read(4) == b"%PDF"
    # Not public until a reviewer approves it through the usual workflow.
    report_page = reverse("disclosure:annual-report", args=[2025])
    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(report_page).status_code == 404
    item.approve(by=reviewer, checklist=CHECKLIST)
    # The approval publishes it on the 依申请公开 pages too, with the item's date.
    report_2025.refresh_from_db()
    assert report_2025.is_published() and report_2025.get_status_display() == "已发布"
    assert client.get(report_page).status_code == 200
    listed = client.get(reverse("disclosure:annual-report-list")).content.decode()
    assert f"{timezone.localtime(item.published_at):%Y-%m-%d}" in listed
    with pytest.raises(InvalidTransition, match="已经发布"):
        report_2025.publish(by=disclosure_office)
    page = client.get(item.get_absolute_url()).content.decode()
    assert item.title in page and "一、本年新收政府信息公开申请数量" in page
    assert reverse("disclosure:attachment", args=[pdf.pk]) in page
    column = client.get(reverse("disclosure:category", args=["gknb"])).content.decode()
    assert item.title in column


def test_one_item_per_year_updated_until_published(report_2025, disclosure_office, reviewer):
    item = submit_annual_report_item(report=report_2025, by=disclosure_office)
    with pytest.raises(InvalidTransition, match="正在审核中"):
        submit_annual_report_item(report=report_2025, by=disclosure_office)
    item.return_to_author(by=reviewer, reason="请补充第五部分")
    report_2025.refresh_from_db()
    report_2025.problems = "依申请公开答复文书格式有待统一。"
    report_2025.save()
    again = submit_annual_report_item(report=report_2025, by=disclosure_office)
    assert again.pk == item.pk and again.status == Item.Status.PENDING
    assert "依申请公开答复文书格式有待统一。" in again.body
    assert again.attachments.count() == 1
    again.approve(by=reviewer, checklist=CHECKLIST)
    with pytest.raises(InvalidTransition, match="请先撤回"):
        submit_annual_report_item(report=report_2025, by=disclosure_office)
    again.withdraw(by=reviewer, reason="数据更正")
    third = submit_annual_report_item(report=report_2025, by=disclosure_office)
    assert third.pk == item.pk and third.status == Item.Status.PENDING
    assert third.index_number == again.index_number  # the 索引号 never changes
    assert Item.objects.filter(category__slug="gknb").count() == 1


def test_only_a_finished_and_written_report_goes_to_the_catalog(disclosure_office):
    empty = AnnualReport.objects.create(year=2025)
    with pytest.raises(InvalidTransition, match="总体情况"):
        submit_annual_report_item(report=empty, by=disclosure_office)
    current = AnnualReport.objects.create(year=date.today().year, overview="x")
    with pytest.raises(InvalidTransition, match="年度结束后"):
        submit_annual_report_item(report=current, by=disclosure_office)
    assert not Item.objects.filter(category__slug="gknb").exists()


def test_admin_sends_the_report_to_the_catalog(client, report_2025, disclosure_office, officer):
    change = reverse("admin:disclosure_annualreport_change", args=[report_2025.pk])
    url = reverse("admin:disclosure_annualreport_workflow", args=[report_2025.pk, "submit_item"])
    client.force_login(disclosure_office)
    page = client.get(change).content.decode()
    assert "送公开年报栏目审核" in page
    assert "在站点上查看" not in page  # not public yet
    assert client.get(url).status_code == 302  # a button's move answers a GET with the record
    response = client.post(url, follow=True)
    assert "作为信息条目提交审核" in response.content.decode()
    report_2025.refresh_from_db()
    assert report_2025.item.status == Item.Status.PENDING
    page = client.get(change).content.decode()
    assert "待审核" in page and "送公开年报栏目审核</button>" not in page
    response = client.post(url, follow=True)
    assert "当前状态下不能执行“送公开年报栏目审核”" in response.content.decode()
    # An 信息员 may not publish the bureau's report.
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.post(url).status_code in {302, 403}
    assert Item.objects.filter(category__slug="gknb").count() == 1
