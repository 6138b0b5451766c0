"""工作日历 按年录入: a year's holidays in one submission, from rows or the State Council's
notice."""

from datetime import date

import pytest
from django.urls import reverse

from portal import roles, workdays
from portal.models import WorkCalendarDay
from tests.conftest import make_staff
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

# Written in the style of the State Council's yearly notice (国办发明电), for 2027: 春节 on 6 Feb
# (除夕 5 Feb), 清明 5 Apr, 端午 9 Jun, 中秋 15 Sep; 调休 weekends chosen as such notices do.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。1月31日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2026年11月12日
"""
URL = "admin:portal_workcalendarday_year"


@pytest.fixture
def office(client, disclosure_office):
    WorkCalendarDay.objects.filter(date__year=2027).delete()
    workdays.clear_cache([2027])
    client.force_login(disclosure_office)
    return client


def rows_data(rows, **extra):
    data = {"year": "2027", "notice": "", "rows-TOTAL_FORMS": len(rows), "rows-INITIAL_FORMS": 0}
    for index, (name, start, end, workdays_) in enumerate(rows):
        data.update(
            {
                f"rows-{index}-name": name,
                f"rows-{index}-start": start,
                f"rows-{index}-end": end,
                f"rows-{index}-workdays": workdays_,
            }
        )
    return data | extra


def test_the_notice_is_parsed_into_rows():
    arrangements, errors = workdays.parse_holiday_notice(NOTICE_2027, 2027)
    assert errors == []
    assert workdays.notice_year(NOTICE_2027) == 2027
    assert [(a.name, a.start, a.end) for a in arrangements] == [
        ("元旦", date(2027, 1, 1), date(2027, 1, 3)),
        ("春节", date(2027, 2, 5), date(2027, 2, 12)),
        ("清明节", date(2027, 4, 3), date(2027, 4, 5)),
        ("劳动节", date(2027, 5, 1), date(2027, 5, 5)),
        ("端午节", date(2027, 6, 9), date(2027, 6, 9)),
        ("中秋节", date(2027, 9, 15), date(2027, 9, 15)),
        ("国庆节", date(2027, 10, 1), date(2027, 10, 7)),
    ]
    assert arrangements[1].workdays == (date(2027, 1, 31), date(2027, 2, 20))
    assert arrangements[1].line == 7
    assert workdays.arrangement_errors(arrangements, 2027) == []
    rows = workdays.year_rows(arrangements)
    assert len(rows) == 28 + 6  # 28 days off, 6 make-up working weekends
    assert rows[date(2027, 10, 9)] == ("workday", "国庆节调休上班")


def test_an_unreadable_line_is_named_in_chinese(office):
    notice = NOTICE_2027.replace(
        "七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。",
        "七、国庆节：十月一日至七日放假调休，共7天。",
    ).replace("五、端午节：6月9日（周三）放假，共1天。", "五、端午节：6月9日至10日放假，共1天。")
    response = office.post(reverse(URL), {**rows_data([]), "notice": notice, "parse": "1"})
    assert response.status_code == 200
    errors = response.context["year_form"].errors["notice"]
    assert (
        "第10行“五、端午节：6月9日至10日放假，共1天。”无法识别：6月9日起放假 2 天，与“共1天”不符"
        in errors
    )
    assert (
        "第12行“七、国庆节：十月一日至七日放假调休，共7天。9月26日（周日）、10月9日（周…”无法识别："
        "没有识别出放假日期" in errors
    )
    assert "第12行" in response.text and "十月一日至七日" in response.text  # the text is kept
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()
    other_year = office.post(
        reverse(URL), {**rows_data([]), "year": "2028", "notice": NOTICE_2027, "parse": "1"}
    )
    assert "通知是 2027 年的放假安排，与所填年度 2028 年不一致" in other_year.text


def test_the_notice_enters_2027_in_one_submission_and_deadlines_settle(
    office, django_capture_on_commit_callbacks
):
    guide = ServiceGuideFactory(published=True, promised_time_limit=5)
    result = ApprovalResultFactory(guide=guide, accepted_on=date(2027, 9, 30))  # Thu
    assert result.is_promised_provisional and result.promised_on == date(2027, 10, 8)
    preview = office.post(reverse(URL), {**rows_data([]), "notice": NOTICE_2027, "parse": "1"})
    assert preview.status_code == 200
    assert "预览：2027 年放假 28 天，调休上班 6 天" in preview.text
    assert "2027-10-09" in preview.text and "国庆节调休上班" in preview.text
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()  # nothing saved yet
    # The rows come back filled for the office to check; confirming saves what was previewed.
    formset = preview.context["rows"]
    data = dict(formset.data)  # the rows read from the notice, as the page shows them
    data.update(year="2027", notice="", digest=preview.context["preview"]["digest"], save="1")
    with django_capture_on_commit_callbacks(execute=True):
        saved = office.post(reverse(URL), data)
    assert saved.status_code == 302
    assert WorkCalendarDay.objects.filter(date__year=2027).count() == 34
    assert WorkCalendarDay.objects.get(date=date(2027, 2, 5)).note == "春节"
    assert WorkCalendarDay.objects.get(date=date(2027, 2, 20)).kind == "workday"
    assert not workdays.is_working_day(date(2027, 10, 7))  # the cache saw the bulk write
    assert workdays.is_working_day(date(2027, 10, 9))
    result.refresh_from_db()
    assert not result.is_promised_provisional
    assert result.promised_on == date(2027, 10, 13)  # 8, 9 (Sat, 调休), 11, 12, 13 Oct


def test_rows_typed_in_replace_the_year_after_confirmation(office):
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", note="元旦")
    WorkCalendarDay.objects.create(date=date(2027, 3, 1), kind="holiday", note="误录")
    rows = [
        ("元旦", "2027-01-01", "2027-01-03", ""),
        ("国庆节", "2027-10-01", "2027-10-07", "2027-09-26、2027-10-09"),
    ]
    preview = office.post(reverse(URL), rows_data(rows, preview="1"))
    days = {d["date"]: d["change"] for d in preview.context["preview"]["days"]}
    assert days[date(2027, 1, 1)] == "不变" and days[date(2027, 10, 9)] == "新增"
    assert "将删除 2027 年原有的 1 条记录" in preview.text and "误录" in preview.text
    # Saving rows other than those previewed shows the preview again, saving nothing.
    digest = preview.context["preview"]["digest"]
    changed = rows_data(rows[:1], save="1", digest=digest)
    assert office.post(reverse(URL), changed).status_code == 200
    assert WorkCalendarDay.objects.filter(date=date(2027, 3, 1)).exists()
    saved = office.post(reverse(URL), rows_data(rows, save="1", digest=digest), follow=True)
    assert "2027 年工作日历已保存：新增 11 天，修改 0 天，删除 1 天" in saved.text
    assert not WorkCalendarDay.objects.filter(date=date(2027, 3, 1)).exists()
    assert WorkCalendarDay.objects.filter(date__year=2027).count() == 12


def test_bad_rows_get_chinese_errors_per_field(office):
    response = office.post(
        reverse(URL),
        rows_data(
            [
                ("春节", "2027-02-12", "2027-02-05", ""),
                ("", "2027-13-01", "2027-05-05", "下周六"),
            ],
            preview="1",
        ),
    )
    rows = response.context["rows"]
    assert rows.errors[0] == {"end": ["结束日期不能早于开始日期"]}
    assert rows.errors[1] == {
        "name": ["请填写节日名称"],
        "start": ["日期格式应为 2027-01-01"],
        "workdays": ["“下周六”不是日期，请写成 2027-02-20 的格式"],
    }
    weekday = office.post(
        reverse(URL), rows_data([("国庆节", "2027-10-01", "2027-10-07", "2027-10-08")], preview="1")
    )
    assert "10月8日是星期五，本来就是工作日，只有周末才需要登记为调休上班" in weekday.text
    overlap = office.post(
        reverse(URL),
        rows_data(
            [("中秋节", "2027-09-15", "2027-09-15", ""), ("国庆", "2027-09-15", "2027-09-16", "")],
            preview="1",
        ),
    )
    assert "“国庆”：9月15日已在“中秋节”中登记" in overlap.text
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()


def test_only_calendar_keepers_may_enter_a_year(client, officer):
    client.force_login(officer)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(make_staff(roles.SYSTEM_ADMIN, username="xitong"))
    page = client.get(reverse(URL))
    assert page.status_code == 200 and "识别通知" in page.text
    assert "按年录入" in client.get(reverse("admin:portal_workcalendarday_changelist")).text


@pytest.mark.parametrize("holidays", [1, 7])
def test_the_preview_has_a_fixed_number_of_queries(office, django_assert_max_num_queries, holidays):
    """Session, user, permissions (x2), site settings (x3 on first use), the year's and the
    entered dates' rows in one query, …, the roles and the navigation's 我的待办 / 通知 counts
    (portal.worklist): 12 however many holidays are entered."""
    rows = [(f"节日{n}", f"2027-0{n + 1}-10", f"2027-0{n + 1}-12", "") for n in range(holidays)]
    with django_assert_max_num_queries(12):
        response = office.post(reverse(URL), rows_data(rows, preview="1"))
    assert response.context["preview"]["holidays"] == 3 * holidays
