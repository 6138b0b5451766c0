"""依申请公开 rules: numbering, receipt by channel, the clock (补正, third party, extension)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from disclosure.models import InformationRequest, InformationRequestEvent, validate_credit_code
from disclosure.models.validators import validate_id_card
from portal import workdays
from portal.exceptions import InvalidTransition
from portal.models import WorkCalendarDay
from tests.disclosure.request_factories import (
    VALID_CREDIT_CODE,
    at,
    online_request,
    organisation_data,
    received_request,
)

pytestmark = pytest.mark.django_db

Status = InformationRequest.Status


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def kinds(info_request):
    return list(info_request.events.values_list("kind", flat=True))


def test_credit_code_check_digit():
    validate_credit_code(VALID_CREDIT_CODE)
    validate_credit_code("91330200ma2ab1c2dj")  # lower case is accepted and upper-cased
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91330200MA2AB1C2DK")
    assert error.value.code == "credit_code_checksum"
    with pytest.raises(ValidationError) as error:
        validate_credit_code("9133020")
    assert error.value.code == "invalid_credit_code"


def test_id_card_check_digit():
    validate_id_card("330200198506123213")
    with pytest.raises(ValidationError) as error:
        validate_id_card("330200198506123214")
    assert error.value.code == "id_number_checksum"


def test_tracking_numbers_count_per_year(disclosure_office):
    first = received_request(date(2025, 3, 3))
    second = received_request(date(2025, 3, 4))
    third = received_request(date(2026, 1, 5))
    assert (first.tracking_number, second.tracking_number) == ("YSQ2025-0001", "YSQ2025-0002")
    assert third.tracking_number == "YSQ2026-0001"


def test_online_request_waits_for_confirmation_and_query_code_is_hashed(disclosure_office):
    info_request, code = online_request(date(2025, 9, 26))
    assert info_request.status == Status.SUBMITTED
    assert info_request.received_on is None and info_request.due_on is None
    assert code not in info_request.query_code_hash and info_request.check_query_code(code.lower())
    assert not info_request.check_query_code("WRONG123")
    info_request.confirm_receipt(by=disclosure_office, now=at(date(2025, 9, 29)))
    info_request.refresh_from_db()
    assert info_request.status == Status.RECEIVED
    assert info_request.received_on == date(2025, 9, 29)
    # 29 Sep 2025 + 20 working days across 国庆 (1–8 Oct off, 11 Oct Saturday worked).
    assert info_request.due_on == date(2025, 11, 3)
    assert "跳过法定节假日 6 天" in info_request.due_explanation
    assert "10月11日（星期六" in info_request.due_explanation
    assert kinds(info_request) == ["submitted", "received"]
    with pytest.raises(InvalidTransition):
        info_request.confirm_receipt(by=disclosure_office)


def test_post_counts_from_the_day_signed_for(disclosure_office):
    from disclosure.services import register_request

    info_request = register_request(
        data=organisation_data(),
        channel=InformationRequest.Channel.POST,
        by=disclosure_office,
        received_on=date(2026, 2, 6),
        now=at(date(2026, 2, 9)),
    ).info_request
    assert info_request.status == Status.RECEIVED
    assert info_request.received_on == date(2026, 2, 6)
    assert info_request.due_on == date(2026, 3, 12)  # across 春节 with its two 调休 Saturdays
    event = info_request.events.get()
    assert event.kind == "registered" and event.actor == disclosure_office


def test_fax_waits_for_confirmation_like_online(disclosure_office):
    from disclosure.services import register_request

    info_request = register_request(
        data=organisation_data(),
        channel=InformationRequest.Channel.FAX,
        by=disclosure_office,
        now=at(date(2025, 5, 6)),
    ).info_request
    assert info_request.status == Status.SUBMITTED and info_request.due_on is None


def test_correction_restarts_the_clock(disclosure_office):
    info_request = received_request(date(2025, 9, 26))
    info_request.request_correction(
        by=disclosure_office,
        items="请明确所需信息的地块名称",
        period_days=10,
        now=at(date(2025, 9, 30)),
    )
    info_request.refresh_from_db()
    assert info_request.status == Status.CORRECTION
    assert info_request.due_on is None
    assert info_request.correction_due_on == date(2025, 10, 21)  # 10 working days across 国庆
    assert info_request.letters.get().kind == "correction"
    assert "请明确所需信息的地块名称" in info_request.letters.get().body
    info_request.record_correction(
        by=disclosure_office, corrected_on=date(2025, 10, 15), now=at(date(2025, 10, 15))
    )
    info_request.refresh_from_db()
    assert info_request.status == Status.RECEIVED
    assert info_request.clock_started_on == date(2025, 10, 15)
    assert info_request.due_on == workdays.add_working_days(date(2025, 10, 15), 20).value
    assert info_request.due_on == date(2025, 11, 12)
    assert kinds(info_request) == ["registered", "correction_requested", "corrected"]


def test_correction_notice_only_within_seven_working_days(disclosure_office):
    info_request = received_request(date(2025, 9, 26))
    # 26 Sep + 7 working days = 13 Oct (国庆 in between): still allowed on that day.
    with pytest.raises(InvalidTransition, match="7个工作日内"):
        info_request.request_correction(by=disclosure_office, items="x", now=at(date(2025, 10, 14)))
    info_request.request_correction(
        by=disclosure_office, items="补充地块位置", now=at(date(2025, 10, 13))
    )
    assert info_request.status == Status.CORRECTION


def test_correction_only_once(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    info_request.request_correction(by=disclosure_office, items="补充", now=at(date(2025, 3, 4)))
    info_request.record_correction(
        by=disclosure_office, corrected_on=date(2025, 3, 6), now=at(date(2025, 3, 6))
    )
    with pytest.raises(InvalidTransition, match="一次性"):
        info_request.request_correction(
            by=disclosure_office, items="再补充", now=at(date(2025, 3, 7))
        )


def test_late_correction_is_refused_and_lapse_means_withdrawn(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    info_request.request_correction(
        by=disclosure_office, items="补充", period_days=5, now=at(date(2025, 3, 4))
    )
    assert info_request.correction_due_on == date(2025, 3, 11)
    with pytest.raises(InvalidTransition, match="超过规定期限"):
        info_request.record_correction(by=disclosure_office, corrected_on=date(2025, 3, 12))
    with pytest.raises(InvalidTransition, match="尚未届满"):
        info_request.lapse_correction(by=disclosure_office, now=at(date(2025, 3, 11)))
    info_request.lapse_correction(by=disclosure_office, now=at(date(2025, 3, 12)))
    info_request.refresh_from_db()
    assert info_request.status == Status.WITHDRAWN
    assert info_request.reply_type == InformationRequest.ReplyType.NO_CORRECTION
    assert info_request.closed_on == date(2025, 3, 12)


def test_third_party_opinion_pauses_the_clock_at_most_fifteen_working_days(disclosure_office):
    info_request = received_request(date(2025, 3, 3))  # due 31 Mar 2025
    assert info_request.due_on == date(2025, 3, 31)
    info_request.request_third_party_opinion(
        by=disclosure_office, third_party="江川市宏远置业有限公司", now=at(date(2025, 3, 10))
    )
    assert info_request.third_party_due_on == date(2025, 3, 31)
    assert info_request.letters.get().kind == "third_party"
    info_request.record_third_party_opinion(
        by=disclosure_office, opinion="不同意公开合同价款", now=at(date(2025, 3, 14))
    )
    info_request.refresh_from_db()
    assert info_request.status == Status.RECEIVED
    assert info_request.due_on == date(2025, 4, 7)  # paused 4 working days (11–14 Mar)
    assert "征求第三方意见" in info_request.due_explanation


def test_third_party_pause_is_capped(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    info_request.request_third_party_opinion(
        by=disclosure_office, third_party="某公司", now=at(date(2025, 3, 10))
    )
    info_request.record_third_party_opinion(
        by=disclosure_office, opinion="", now=at(date(2025, 4, 30))
    )
    info_request.refresh_from_db()
    assert info_request.third_party_opinion == "第三方逾期未提出意见"
    assert info_request.due_on == workdays.add_working_days(date(2025, 3, 31), 15).value


def test_extension_once_up_to_twenty_days_with_approval(disclosure_office, officer):
    info_request = received_request(date(2025, 3, 3))
    with pytest.raises(InvalidTransition, match="批准"):
        info_request.extend(by=officer, days=10, reason="需要调取档案", now=at(date(2025, 3, 20)))
    with pytest.raises(InvalidTransition, match="20个工作日"):
        info_request.extend(
            by=disclosure_office, days=21, reason="需要调取档案", now=at(date(2025, 3, 20))
        )
    with pytest.raises(InvalidTransition, match="延期理由"):
        info_request.extend(by=disclosure_office, days=20, reason=" ", now=at(date(2025, 3, 20)))
    info_request.extend(
        by=disclosure_office, days=20, reason="需要调取历史档案", now=at(date(2025, 3, 20))
    )
    info_request.refresh_from_db()
    # 31 Mar + 20 working days: 清明 4 Apr off, Sunday 27 Apr worked (劳动节调休).
    assert info_request.due_on == date(2025, 4, 28)
    assert info_request.extension_approved_by == disclosure_office
    assert info_request.letters.get().kind == "extension"
    assert "2025年4月28日" in info_request.letters.get().body
    with pytest.raises(InvalidTransition, match="只能延长一次"):
        info_request.extend(by=disclosure_office, days=1, reason="再延", now=at(date(2025, 3, 21)))


def test_no_extension_after_the_deadline(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    with pytest.raises(InvalidTransition, match="期限已过"):
        info_request.extend(by=disclosure_office, days=5, reason="x", now=at(date(2025, 4, 1)))


def test_reply_freezes_lateness_and_issues_the_letter(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    with pytest.raises(InvalidTransition, match="法律依据"):
        info_request.reply(by=disclosure_office, reply_type="2", legal_basis="", text="x")
    info_request.reply(
        by=disclosure_office,
        reply_type=InformationRequest.ReplyType.PARTLY_DISCLOSED,
        legal_basis="《中华人民共和国政府信息公开条例》第三十七条",
        text="补偿安置方案予以公开；涉及个人信息的部分不予公开。",
        now=at(date(2025, 4, 1)),
    )
    info_request.refresh_from_db()
    assert info_request.status == Status.REPLIED
    assert info_request.is_replied_late  # due 31 Mar
    assert info_request.closed_on == date(2025, 4, 1)
    letter = info_request.letters.get()
    assert letter.kind == "reply" and "部分公开" in letter.body
    assert "行政复议" in letter.body and "行政诉讼" in letter.body
    with pytest.raises(InvalidTransition):
        info_request.withdraw(by=None)


def test_reply_cannot_use_the_lapse_row(disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    with pytest.raises(InvalidTransition, match="办理结果"):
        info_request.reply(by=disclosure_office, reply_type="6.1", legal_basis="x", text="x")


def test_withdraw(disclosure_office):
    info_request, _ = online_request(date(2025, 3, 3))
    info_request.withdraw(by=None, reason="已自行查到", now=at(date(2025, 3, 4)))
    info_request.refresh_from_db()
    assert info_request.status == Status.WITHDRAWN and info_request.reply_type == "6.3"
    assert info_request.events.last().kind == InformationRequestEvent.Kind.WITHDRAWN


def test_letter_escapes_applicant_input(disclosure_office):
    info_request = received_request(
        date(2025, 3, 3), data=organisation_data(applicant_name="<script>alert(1)</script>公司")
    )
    info_request.reply(
        by=disclosure_office, reply_type="1", legal_basis="第二十七条", text="<b>见附件</b>"
    )
    body = info_request.letters.get().body
    assert "<script>" not in body and "<b>" not in body
    assert "&lt;script&gt;" in body


def test_provisional_deadline_in_an_unknown_year(disclosure_office):
    info_request = received_request(date(2030, 3, 4))
    assert info_request.is_due_provisional
    assert "预估" in info_request.due_explanation


def test_overdue_and_near_deadline_querysets(disclosure_office):
    due_soon = received_request(date(2025, 3, 3))  # due 31 Mar
    late = received_request(date(2025, 2, 5))  # due 4 Mar (8 Feb, a Saturday, worked)
    today = date(2025, 3, 26)
    assert list(InformationRequest.objects.overdue(today=today)) == [late]
    assert list(InformationRequest.objects.near_deadline(today=today)) == [due_soon]
    assert late.is_overdue(today=today) and due_soon.is_near_deadline(today=today)
    assert due_soon.working_days_left(today=today) == 3
    assert late.due_on == date(2025, 3, 4)
    assert late.working_days_left(today=today) == -16


def test_the_clock_on_the_wall_calendar(disclosure_office):
    """The same rules with the real clock moved by time-machine (no now= passed anywhere)."""

    def on(day):
        return time_machine.travel(at(day), tick=False)

    with on(date(2025, 9, 26)):
        info_request = received_request(date(2025, 9, 26))
    # 14 Oct is 8 working days after receipt (国庆 in between): too late for a 补正 notice.
    with on(date(2025, 10, 14)), pytest.raises(InvalidTransition, match="7个工作日内"):
        info_request.request_correction(by=disclosure_office, items="补充地块位置")
    with on(date(2025, 9, 30)):
        info_request.request_correction(by=disclosure_office, items="补充地块位置")
        assert info_request.correction_requested_on == date(2025, 9, 30)
    with on(date(2025, 10, 15)):
        info_request.record_correction(by=disclosure_office)  # arrives today: the clock restarts
    info_request.refresh_from_db()
    assert (info_request.clock_started_on, info_request.due_on) == (
        date(2025, 10, 15),
        date(2025, 11, 12),
    )
    with on(date(2025, 11, 12)):
        assert not info_request.is_overdue() and info_request.is_near_deadline()
        assert InformationRequest.objects.near_deadline().get() == info_request
    with on(date(2025, 11, 13)):
        assert info_request.is_overdue()
        assert InformationRequest.objects.overdue().get() == info_request
        with pytest.raises(InvalidTransition, match="期限已过"):
            info_request.extend(by=disclosure_office, days=5, reason="调取档案")
        info_request.reply(by=disclosure_office, reply_type="1", legal_basis="x", text="y")
    info_request.refresh_from_db()
    assert info_request.is_replied_late and info_request.closed_on == date(2025, 11, 13)
