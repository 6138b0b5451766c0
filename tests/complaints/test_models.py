from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import Message, MessageEvent, reply_deadline, reply_time_limit
from complaints.services import submit_message
from portal.exceptions import InvalidTransition
from portal.masking import mask_personal_data_in_text
from tests.complaints.factories import MessageCategoryFactory, MessageFactory, published

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def data(category, **overrides):
    return {
        "kind": Message.Kind.COMPLAINT,
        "category": category,
        "subject": "采矿噪音扰民",
        "body": "青石镇采石场夜间爆破，噪音很大，请核查。我的电话13912345678。",
        "sender_name": "王秀英",
        "sender_phone": "13912345678",
        "sender_email": "",
        "has_publication_consent": True,
        **overrides,
    }


# Deadline -----------------------------------------------------------------------------------
def test_natural_rule_is_24_hours(settings):
    settings.MESSAGE_REPLY_RULE = "natural"
    received = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # a Friday
    assert reply_deadline(received) == received + timedelta(hours=24)


def test_working_rule_skips_weekend_hours(settings):
    settings.MESSAGE_REPLY_RULE = "working"
    friday = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    assert reply_deadline(friday) == datetime(2026, 11, 30, 10, 0, tzinfo=SH)
    saturday = datetime(2026, 11, 28, 15, 0, tzinfo=SH)
    assert reply_deadline(saturday) == datetime(2026, 12, 1, 0, 0, tzinfo=SH)


def test_working_rule_skips_holidays_of_the_calendar(settings):
    settings.MESSAGE_REPLY_RULE = "working"
    before_national_day = datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # 10-01 to 10-07 are off
    assert reply_deadline(before_national_day) == datetime(2026, 10, 8, 10, 0, tzinfo=SH)


def test_reply_time_limit_says_the_rule(settings):
    settings.MESSAGE_REPLY_RULE = "natural"
    assert reply_time_limit() == "24小时"
    settings.MESSAGE_REPLY_RULE = "working"
    assert reply_time_limit() == "1个工作日"
    settings.MESSAGE_REPLY_RULE = "lunar"
    with pytest.raises(ValueError, match="MESSAGE_REPLY_RULE"):
        reply_time_limit()


def test_unknown_rule_fails_loudly(settings):
    settings.MESSAGE_REPLY_RULE = "lunar"
    with pytest.raises(ValueError, match="MESSAGE_REPLY_RULE"):
        reply_deadline(timezone.now())


def test_deadline_is_stored_at_submission_and_survives_a_rule_change(settings):
    settings.MESSAGE_REPLY_RULE = "natural"
    now = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    message = submit_message(data=data(MessageCategoryFactory()), ip="10.0.0.1", now=now).message
    settings.MESSAGE_REPLY_RULE = "working"
    message.refresh_from_db()
    assert message.received_at == now
    assert message.reply_due_at == now + timedelta(hours=24)
    assert message.reminder_due_at == now + timedelta(hours=18)


# Submission and routing ---------------------------------------------------------------------
def test_submission_numbers_routes_and_logs():
    category = MessageCategoryFactory(name="采矿噪音扰民")
    now = datetime(2026, 11, 25, 9, 0, tzinfo=SH)
    first = submit_message(data=data(category), ip="10.0.0.1", now=now)
    second = submit_message(data=data(category), ip="10.0.0.2", now=now)
    assert first.message.tracking_number == "ZMHD20261125-0001"
    assert second.message.tracking_number == "ZMHD20261125-0002"
    assert first.message.department == category.department
    assert list(first.message.events.values_list("kind", flat=True)) == ["received", "routed"]
    assert category.department.name in first.message.events.get(kind="routed").note


def test_numbers_restart_each_local_day():
    category = MessageCategoryFactory()
    late = datetime(2026, 11, 25, 23, 59, tzinfo=SH)
    assert submit_message(data=data(category), ip=None, now=late).message.tracking_number == (
        "ZMHD20261125-0001"
    )
    nxt = late + timedelta(minutes=2)
    assert submit_message(data=data(category), ip=None, now=nxt).message.tracking_number == (
        "ZMHD20261126-0001"
    )


def test_query_code_is_stored_hashed_and_checked():
    submission = submit_message(data=data(MessageCategoryFactory()), ip=None)
    message = submission.message
    assert submission.query_code not in message.query_code_hash
    assert message.check_query_code(submission.query_code)
    assert message.check_query_code(submission.query_code.lower())
    assert not message.check_query_code("WRONG234")


def test_tracking_number_is_unique_in_the_database():
    MessageFactory(tracking_number="ZMHD20261125-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(tracking_number="ZMHD20261125-0001")


# Transitions --------------------------------------------------------------------------------
def test_reply_on_time_is_frozen(department_head):
    message = MessageFactory(category__department=department_head.department)
    with time_machine.travel(message.received_at + timedelta(hours=5)):
        message.record_reply(by=department_head, text="已办理完毕。")
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED
    assert message.is_replied_late is False
    assert message.replied_by == department_head
    assert message.events.filter(kind="replied", actor=department_head).exists()


def test_late_reply_is_frozen_even_if_the_deadline_moves_later(department_head, reviewer):
    message = MessageFactory(category__department=department_head.department)
    with time_machine.travel(message.reply_due_at + timedelta(minutes=1)):
        message.record_reply(by=department_head, text="答复迟了。")
    assert message.is_replied_late is True
    # A later change of the stored deadline never rewrites the frozen lateness.
    Message.objects.filter(pk=message.pk).update(
        reply_due_at=message.reply_due_at + timedelta(days=9)
    )
    message.refresh_from_db()
    message.approve(by=reviewer)
    message.refresh_from_db()
    assert message.is_replied_late is True


def test_reply_needs_text_and_an_open_message(department_head):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.record_reply(by=department_head, text="  ")
    message.record_reply(by=department_head, text="答复")
    with pytest.raises(InvalidTransition):
        message.record_reply(by=department_head, text="再次答复")


def test_transfer_moves_the_message_and_logs_the_reason(disclosure_office, other_department):
    message = MessageFactory()
    before = message.department
    message.transfer(by=disclosure_office, to=other_department, reason="属规划科职责")
    message.refresh_from_db()
    assert message.department == other_department
    event = message.events.get(kind=MessageEvent.Kind.TRANSFERRED)
    assert event.actor == disclosure_office
    assert before.name in event.note and "属规划科职责" in event.note


def test_transfer_is_refused_to_the_same_department_without_reason_or_after_reply(
    disclosure_office, department_head, other_department
):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.transfer(by=disclosure_office, to=message.department, reason="x")
    with pytest.raises(InvalidTransition):
        message.transfer(by=disclosure_office, to=other_department, reason=" ")
    message.record_reply(by=department_head, text="答复")
    with pytest.raises(InvalidTransition):
        message.transfer(by=disclosure_office, to=other_department, reason="转办")


def test_assign_only_within_the_department(department_head, officer, other_department):
    from tests.conftest import make_staff

    message = MessageFactory(category__department=department_head.department)
    message.assign(by=department_head, to=officer)
    assert message.assignee == officer
    outsider = make_staff("信息员", other_department)
    with pytest.raises(InvalidTransition):
        message.assign(by=department_head, to=outsider)


def test_approve_masks_and_publishes_with_consent(department_head, reviewer):
    message = MessageFactory(body="我的身份证号330102198001011234，电话13812345678。")
    message.record_reply(by=department_head, text="请致电13900001111联系经办人。")
    message.approve(by=reviewer)
    message.refresh_from_db()
    assert message.status == Message.Status.APPROVED
    assert message.published_at is not None
    assert "330102198001011234" not in message.public_body
    assert "13812345678" not in message.public_body
    assert "13900001111" not in message.public_reply
    assert list(message.events.values_list("kind", flat=True))[-2:] == ["approved", "published"]
    assert Message.objects.public().get() == message


def test_approve_without_consent_does_not_publish(department_head, reviewer):
    message = MessageFactory(has_publication_consent=False)
    published(message, replier=department_head, reviewer=reviewer)
    assert message.status == Message.Status.APPROVED
    assert message.published_at is None
    assert not Message.objects.public().exists()


def test_approve_is_refused_before_reply_and_to_the_replier(department_head, reviewer):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.approve(by=reviewer)
    message.record_reply(by=reviewer, text="审核员自己写的答复")
    with pytest.raises(InvalidTransition, match="自己"):
        message.approve(by=reviewer)


def test_close_with_reason_only_while_open(department_head, reviewer):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.close(by=department_head, reason="")
    message.close(by=department_head, reason="重复留言，已在 ZMHD20260101-0001 答复")
    assert message.status == Message.Status.CLOSED
    assert message.events.get(kind="closed").note.startswith("重复留言")
    with pytest.raises(InvalidTransition):
        message.close(by=department_head, reason="再次")
    with pytest.raises(InvalidTransition):
        message.record_reply(by=department_head, text="答复")


def test_reopen_restarts_the_clock(department_head, reviewer):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.reopen(by=reviewer, reason="尚未答复")
    published(message, replier=department_head, reviewer=reviewer)
    later = message.received_at + timedelta(days=3)
    message.reopen(by=reviewer, reason="答复不完整", now=later)
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    assert message.reply_due_at == later + timedelta(hours=24)
    assert not Message.objects.public().exists()
    assert message.events.filter(kind="reopened", note="答复不完整").exists()


def test_rating_once_per_reply_and_unsatisfied_reopens(department_head, reviewer):
    message = MessageFactory()
    with pytest.raises(InvalidTransition):
        message.rate(rating="satisfied")
    message.record_reply(by=department_head, text="第一次答复")
    with pytest.raises(InvalidTransition):
        message.rate(rating="satisfied")  # not sent yet: the reviewer has not approved it
    message.approve(by=reviewer)
    message.rate(rating="unsatisfied", comment="没有回答我的问题")
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    assert message.rating == "unsatisfied"
    with pytest.raises(InvalidTransition):
        message.rate(rating="satisfied")
    message.record_reply(by=department_head, text="第二次答复")
    message.approve(by=reviewer)
    message.rate(rating="satisfied", comment="")
    with pytest.raises(InvalidTransition, match="评价过"):
        message.rate(rating="fair")
    kinds = list(message.events.values_list("kind", flat=True))
    assert kinds.count("rated") == 2 and "reopened" in kinds


# QuerySets ----------------------------------------------------------------------------------
def test_open_overdue_and_sweeps_use_stored_times(department_head):
    now = timezone.now()
    fresh = MessageFactory(received_at=now - timedelta(hours=1))
    at_80 = MessageFactory(received_at=now - timedelta(hours=20))
    late = MessageFactory(received_at=now - timedelta(hours=30))
    done = MessageFactory(received_at=now - timedelta(hours=30))
    done.record_reply(by=department_head, text="答复")
    assert set(Message.objects.open()) == {fresh, at_80, late}
    assert list(Message.objects.overdue(now=now)) == [late]
    assert set(Message.objects.due_for_reminder(now=now)) == {at_80, late}
    assert list(Message.objects.due_for_escalation(now=now)) == [late]
    assert late.is_overdue(now=now) and not fresh.is_overdue(now=now)


def test_mask_personal_data_in_text_keeps_other_numbers():
    text = (
        "宗地编号330102001001GB00012，电话0571-87654321，"
        "手机13812345678，身份证33010219800101123X。"
    )
    masked = mask_personal_data_in_text(text)
    assert "330102001001GB00012" in masked
    assert "87654321" not in masked and "13812345678" not in masked
    assert "33010219800101123X" not in masked and "123X" in masked
    office = mask_personal_data_in_text("请致电0571-87061241或13812345678", landlines=False)
    assert office == "请致电0571-87061241或138****5678"


def message_in(status, head, reviewer):
    """Reach status through the real transitions."""
    message = MessageFactory(category__department=head.department)
    if status in {"replied", "approved"}:
        message.record_reply(by=head, text="答复")
    if status == "approved":
        message.approve(by=reviewer)
    if status == "closed":
        message.close(by=head, reason="重复留言")
    return message


def attempt(message, action, head, reviewer, other):
    moves = {
        "assign": lambda: message.assign(by=head, to=head),
        "transfer": lambda: message.transfer(by=reviewer, to=other, reason="转办"),
        "record_reply": lambda: message.record_reply(by=head, text="答复"),
        "approve": lambda: message.approve(by=reviewer),
        "close": lambda: message.close(by=head, reason="重复"),
        "reopen": lambda: message.reopen(by=reviewer, reason="重新办理"),
        "rate": lambda: message.rate(rating="fair"),
    }
    moves[action]()


@pytest.mark.parametrize("status", ["received", "replied", "approved", "closed"])
@pytest.mark.parametrize("action", list(Message.TRANSITIONS))
def test_transition_matrix(status, action, department_head, reviewer, other_department):
    """Every move is allowed exactly from the states TRANSITIONS lists, and logs an event."""
    message = message_in(status, department_head, reviewer)
    events_before = message.events.count()
    if status in Message.TRANSITIONS[action]:
        attempt(message, action, department_head, reviewer, other_department)
        assert message.events.count() > events_before
    else:
        with pytest.raises(InvalidTransition):
            attempt(message, action, department_head, reviewer, other_department)
        message.refresh_from_db()
        assert message.status == status
        assert message.events.count() == events_before
