"""政务服务“好差评”: a rating per channel, the 差评 整改 case (回访, 整改, 申诉复核, reminders), and
the monthly figures against the rows."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal import roles, workdays
from portal.exceptions import InvalidTransition
from portal.models import WorkCalendarDay
from portal.ratings import Rating
from services.models import (
    ApprovalResult,
    RectificationCase,
    RectificationEvent,
    ServiceRating,
)
from services.models.ratings import record_rating
from services.services import send_rectification_reminders
from tests.captcha import solved_captcha
from tests.conftest import make_staff
from tests.services.factories import (
    ApprovalResultFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(officer):
    guide = ServiceGuideFactory(published=True, department=officer.department)
    return ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC20261120-0007",
        status=ApprovalResult.Status.COMPLETED,
        completed_on=timezone.localdate(),
        phone_last4="5678",
    )


def rate(client, **data):
    payload = {"number": "BDC20261120-0007", "check": "5678", "level": "satisfied", **data}
    return client.post(reverse("services:result-rate"), {**payload, **solved_captcha()})


# One rating per channel -------------------------------------------------------------------------
def test_applicant_rates_a_finished_result_once(client, finished):
    response = rate(client, attitude="very_satisfied", comment="窗口人员很耐心")
    assert response.status_code == 200
    assert "评价已提交" in response.content.decode()
    rating = ServiceRating.objects.get()
    assert rating.channel == ServiceRating.Channel.ONLINE
    assert (rating.result, rating.guide, rating.level) == (finished, finished.guide, "satisfied")
    assert rating.attitude == "very_satisfied" and rating.efficiency == ""
    assert rating.department_id == finished.guide.department_id
    assert not hasattr(rating, "case") or RectificationCase.objects.count() == 0
    again = rate(client)
    assert again.status_code == 400
    assert "每个办件只能评价一次" in again.content.decode()
    assert ServiceRating.objects.count() == 1


def test_wrong_check_or_unfinished_result_is_refused_with_input_kept(client, finished):
    response = rate(client, check="0000", comment="我的意见")
    html = response.content.decode()
    assert response.status_code == 400 and "受理编号或联系电话后四位不正确" in html
    assert "我的意见" in html
    finished.status = ApprovalResult.Status.PROCESSING
    finished.completed_on = None
    finished.save()
    response = rate(client)
    assert "该办件尚未办结，办结后才能评价" in response.content.decode()
    assert response.status_code == 400
    response = rate(client, level="", check="12")
    html = response.content.decode()
    assert "请选择总体评价" in html and "请填写4位数字" in html
    assert ServiceRating.objects.count() == 0


def test_result_without_a_recorded_phone_cannot_be_unlocked(client, finished):
    finished.phone_last4 = ""
    finished.save()
    assert not finished.applicant_check_passes("")
    assert rate(client, check="    ").status_code == 400


def test_guide_rating_is_its_accuracy(client, finished):
    guide = finished.guide
    url = reverse("services:guide-rate", args=[guide.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": "fair", "comment": "材料清单清楚", **solved_captcha()})
    assert response.status_code == 200
    rating = ServiceRating.objects.get()
    assert rating.channel == ServiceRating.Channel.GUIDE and rating.guide == guide
    assert rating.guide_accuracy == "fair" and rating.result is None


def test_kiosk_rating_is_one_touch(client):
    window = ServiceWindowFactory(number=5, name="不动产登记")
    url = reverse("services:kiosk-rate")
    html = client.get(url).content.decode()
    for label in ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]:
        assert f">{label}</button>" in html
    response = client.post(
        url, {"window": window.pk, "level": "very_satisfied", **solved_captcha()}
    )
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    rating = ServiceRating.objects.get()
    assert rating.channel == ServiceRating.Channel.KIOSK and rating.window == window


def test_rating_pages_use_a_fixed_number_of_queries(
    client, finished, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert client.get(reverse("services:result-rate")).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("services:kiosk-rate")).status_code == 200
    with django_assert_max_num_queries(3):
        assert (
            client.get(reverse("services:guide-rate", args=[finished.guide.pk])).status_code == 200
        )


# 差评 整改 ----------------------------------------------------------------------------------------
@pytest.fixture
def national_day_2026():
    """Weekday holidays 1–7 October 2026 and no 调休 around them."""
    WorkCalendarDay.objects.filter(date__range=(date(2026, 9, 1), date(2026, 10, 31))).delete()
    for day in [1, 2, 5, 6, 7]:
        WorkCalendarDay.objects.create(date=date(2026, 10, day), kind="holiday", note="国庆节")
    WorkCalendarDay.objects.get_or_create(date=date(2026, 1, 1), defaults={"kind": "holiday"})
    workdays.clear_cache([2026])


def local(*args):
    return timezone.make_aware(datetime(*args))


def test_bad_rating_case_through_visit_rectification_and_appeal(
    client, finished, department_head, disclosure_office, national_day_2026
):
    rated_at = local(2026, 9, 28, 10, 0)
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE,
        level=Rating.UNSATISFIED,
        comment="跑了两次才办成",
        result=finished,
        now=rated_at,
    )
    case = rating.case
    # 15 working days from Monday 28 September skip the National Day holidays: 26 October.
    assert case.opened_on == date(2026, 9, 28)
    assert case.due_on == date(2026, 10, 26)
    assert case.department_id == finished.guide.department_id
    assert case.status == RectificationCase.Status.OPEN

    with pytest.raises(InvalidTransition):
        case.rectify(by=department_head, rectification="已整改")  # no 回访 yet
    case.record_visit(
        by=department_head,
        contact_method="phone",
        visit_outcome="电话联系申请人，反映材料告知不一次到位",
        now=local(2026, 9, 29, 9, 0),
    )
    case.rectify(
        by=department_head,
        rectification="已对窗口人员进行培训，今后一次性告知全部材料。",
        now=local(2026, 10, 27, 9, 0),
    )
    case.refresh_from_db()
    assert case.status == RectificationCase.Status.RECTIFIED
    assert case.rectified_late  # 27 October is past the 26 October deadline
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "visited", "rectified"]

    # The applicant sees the 整改 reply with 受理编号 + phone's last four digits.
    response = client.post(
        reverse("services:rating-lookup"),
        {"number": finished.tracking_number, "check": "5678", **solved_captcha()},
    )
    html = response.content.decode()
    assert "已对窗口人员进行培训" in html and "已整改" in html and "跑了两次才办成" in html


def test_appeal_upheld_excludes_the_rating_from_figures(
    finished, department_head, disclosure_office
):
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE, level=Rating.VERY_UNSATISFIED, result=finished
    )
    case = rating.case
    with pytest.raises(ValidationError):
        case.appeal(by=department_head, reason="  ")
    case.appeal(by=department_head, reason="评价内容与本办件无关，系误评")
    with pytest.raises(InvalidTransition):
        case.rectify(by=department_head, rectification="…")
    case.review_appeal(by=disclosure_office, upheld=False, note="理由不充分，继续整改")
    assert case.status == RectificationCase.Status.OPEN
    case.appeal(by=department_head, reason="申请人来电确认系误点")
    case.review_appeal(by=disclosure_office, upheld=True, note="经核实为误评")
    rating.refresh_from_db()
    assert rating.is_excluded and case.status == RectificationCase.Status.EXCLUDED
    assert ServiceRating.objects.figures()["rated"] == 0
    assert list(case.events.values_list("kind", flat=True)) == [
        "opened",
        "appealed",
        "dismissed",
        "appealed",
        "upheld",
    ]


def test_reminder_before_and_escalation_after_the_deadline(finished, department_head, leadership):
    department_head.email, leadership.email = "head@example.gov.cn", "boss@example.gov.cn"
    department_head.save()
    leadership.save()
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE,
        level=Rating.UNSATISFIED,
        result=finished,
        now=local(2026, 11, 2, 9, 0),
    )
    case = rating.case
    before = local(2026, 11, 3, 9, 0)

    def sweep(now):
        result = send_rectification_reminders(now=now)
        return result["reminded"], result["escalated"], result["mail"]["sent"]

    assert sweep(before) == (0, 0, 0)
    on_reminder_day = timezone.make_aware(datetime.combine(case.remind_on, datetime.min.time()))
    assert sweep(on_reminder_day) == (1, 0, 1)
    assert sweep(on_reminder_day) == (0, 0, 0)  # once
    after = timezone.make_aware(datetime.combine(case.due_on, datetime.min.time())) + (
        timezone.timedelta(days=1)
    )
    assert sweep(after) == (0, 1, 1)
    assert sweep(after) == (0, 0, 0)
    assert [m.to for m in mail.outbox] == [["head@example.gov.cn"], ["boss@example.gov.cn"]]
    assert "整改期限" in mail.outbox[0].body and "督办" in mail.outbox[1].subject
    kinds = set(case.events.values_list("kind", flat=True))
    assert {RectificationEvent.Kind.REMINDED, RectificationEvent.Kind.ESCALATED} <= kinds


def test_department_head_works_the_case_in_admin(client, finished, department_head):
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE, level="unsatisfied", result=finished
    )
    case = rating.case
    client.force_login(department_head)
    url = reverse("admin:services_rectificationcase_workflow", args=[case.pk, "record_visit"])
    response = client.post(url, {"contact_method": "phone", "visit_outcome": ""})
    assert response.status_code == 200 and "请填写回访情况" in response.content.decode()
    response = client.post(url, {"contact_method": "phone", "visit_outcome": "已电话回访"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.visit_outcome == "已电话回访"


def test_good_rating_opens_no_case(finished):
    record_rating(channel=ServiceRating.Channel.ONLINE, level="fair", result=finished)
    assert RectificationCase.objects.count() == 0


# Figures -----------------------------------------------------------------------------------------
def test_figures_against_the_rows(finished, department_head, disclosure_office):
    other_guide = ServiceGuideFactory(published=True)
    levels = ["very_satisfied", "satisfied", "fair", "unsatisfied", "very_unsatisfied"]
    made = [
        record_rating(channel=ServiceRating.Channel.GUIDE, level=level, guide=finished.guide)
        for level in levels
    ]
    record_rating(channel=ServiceRating.Channel.GUIDE, level="unsatisfied", guide=other_guide)
    made[3].case.record_visit(by=department_head, contact_method="phone", visit_outcome="已回访")
    made[3].case.rectify(by=department_head, rectification="已改正指南")
    figures = ServiceRating.objects.figures()
    assert figures["rated"] == 6 and figures["good"] == 3 and figures["bad"] == 3
    assert figures["rectified"] == 1 and figures["on_time"] == 1
    assert figures["good_rate"] == 50.0
    assert figures["rectified_rate"] == 33.3
    by_guide = {row["guide"]: row for row in ServiceRating.objects.figures_by("guide")}
    assert by_guide[finished.guide.pk]["rated"] == 5 and by_guide[other_guide.pk]["bad"] == 1
    assert by_guide[finished.guide.pk]["good_rate"] == 60
    assert by_guide[finished.guide.pk]["name"] == finished.guide.name
    made[4].case.appeal(by=department_head, reason="恶意评价")
    made[4].case.review_appeal(by=disclosure_office, upheld=True, note="属实")
    assert ServiceRating.objects.figures()["rated"] == 5


def test_staff_roles_exist_for_the_case_workflow():
    head = make_staff(roles.DEPARTMENT_HEAD)
    assert head.groups.filter(name=roles.DEPARTMENT_HEAD).exists()


def test_public_figures_page_and_exports(client, finished, django_assert_max_num_queries):
    record_rating(channel=ServiceRating.Channel.ONLINE, level="unsatisfied", result=finished)
    record_rating(channel=ServiceRating.Channel.GUIDE, level="satisfied", guide=finished.guide)
    month = timezone.localdate().strftime("%Y-%m")
    with django_assert_max_num_queries(5):
        response = client.get(reverse("services:rating-figures"), {"month": month})
    html = response.content.decode()
    assert response.status_code == 200
    assert finished.guide.department.name in html and finished.guide.name in html
    assert "50%" in html  # one 好评 of two
    assert client.get(reverse("services:rating-figures"), {"month": "bad"}).status_code == 200
    csv = client.get(reverse("services:rating-export-csv"), {"month": month}).content.decode()
    assert "评价数" in csv and f"科室,{finished.guide.department.name},2,1,50,1,0" in csv
    xlsx = client.get(reverse("services:rating-export-xlsx"), {"month": month})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    earlier = client.get(reverse("services:rating-figures"), {"month": "2020-01"})
    assert "本月暂无评价" in earlier.content.decode()


def test_dashboard_and_bulletin_carry_the_figures(finished):
    from oversight.services import bulletin_context, dashboard_data

    record_rating(channel=ServiceRating.Channel.ONLINE, level="unsatisfied", result=finished)
    today = timezone.localdate()
    for data in [dashboard_data(today=today), bulletin_context(today, today=today)]:
        assert data["ratings"]["total"]["bad"] == 1
        assert data["ratings"]["departments"][0]["name"] == finished.guide.department.name


def test_admin_pages_of_ratings_and_cases(client, finished, department_head, disclosure_office):
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE, level="unsatisfied", result=finished
    )
    client.force_login(department_head)
    for name in ["services_servicerating_changelist", "services_rectificationcase_changelist"]:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    page = client.get(reverse("admin:services_rectificationcase_change", args=[rating.case.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "记录回访" in html and "复核申诉" not in html
    client.force_login(disclosure_office)
    review = reverse(
        "admin:services_rectificationcase_workflow", args=[rating.case.pk, "review_appeal"]
    )
    assert client.get(review).status_code in {302, 403}  # nothing to review before an appeal


def test_provisional_deadline_is_settled_when_the_calendar_arrives(finished):
    WorkCalendarDay.objects.filter(date__year=2031).delete()
    workdays.clear_cache([2031])
    rating = record_rating(
        channel=ServiceRating.Channel.ONLINE,
        level="unsatisfied",
        result=finished,
        now=local(2031, 9, 29, 10, 0),
    )
    case = rating.case
    assert case.is_due_provisional
    estimated = case.due_on
    WorkCalendarDay.objects.bulk_create(
        WorkCalendarDay(date=date(2031, 10, day), kind="holiday", note="国庆节")
        for day in [1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15]
    )
    workdays.clear_cache([2031])
    assert RectificationCase.settle_provisional_deadlines() == 1
    case.refresh_from_db()
    assert not case.is_due_provisional and case.due_on > estimated
    assert case.events.filter(kind="settled").exists()
