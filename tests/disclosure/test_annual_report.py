"""The annual report: a year of applications, every cell of table 三, tables 二 and 四, pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from disclosure import annual_report
from disclosure.models import AnnualReport, InformationRequest, RequestAppeal
from portal import workdays
from portal.exceptions import InvalidTransition
from portal.models import WorkCalendarDay
from tests.disclosure.request_factories import (
    at,
    online_request,
    organisation_data,
    person_data,
    received_request,
)

pytestmark = pytest.mark.django_db

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
        request = received_request(day, data=data_for(applicant_type))
        request.reply(
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
    request = InformationRequest.objects.filter(status="replied", received_on__year=2025).first()
    InformationRequest.objects.filter(pk=request.pk).update(closed_on=date(2024, 12, 31))
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
