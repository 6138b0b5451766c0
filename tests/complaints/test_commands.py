from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from complaints.models import Message
from complaints.tasks import send_reminders
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(department_head, leadership):
    department_head.email = "head@example.gov.cn"
    department_head.save()
    leadership.email = "leader@example.gov.cn"
    leadership.save()
    return MessageFactory(category=MessageCategoryFactory(department=department_head.department))


def run(capsys):
    call_command("send_reminders")
    return capsys.readouterr().out


def test_nothing_before_75_percent(message, mailoutbox, capsys):
    with time_machine.travel(message.received_at + timedelta(hours=17, minutes=59)):
        assert "已提醒 0 条，已督办 0 条" in run(capsys)
    assert mailoutbox == []


def test_reminder_at_75_percent_once(
    message, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    with time_machine.travel(message.received_at + timedelta(hours=18)):
        with django_capture_on_commit_callbacks(execute=True):
            assert "已提醒 1 条" in run(capsys)
        with django_capture_on_commit_callbacks(execute=True):
            assert "已提醒 0 条" in run(capsys)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["head@example.gov.cn"]
    assert message.tracking_number in mailoutbox[0].subject
    message.refresh_from_db()
    assert message.reminded_at is not None
    assert message.events.filter(kind="reminded").count() == 1


def test_escalation_at_deadline_once_to_leadership(
    message, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    with time_machine.travel(message.reply_due_at + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            out = run(capsys)
        with django_capture_on_commit_callbacks(execute=True):
            run(capsys)
    assert "已提醒 1 条，已督办 1 条" in out
    # The sender is told once that the deadline has passed (portal.notify).
    assert sorted(m.to[0] for m in mailoutbox) == [
        "head@example.gov.cn",
        "leader@example.gov.cn",
        "zhang@example.com",
    ]
    assert "督办" in mailoutbox[1].subject
    assert "已超期" in mailoutbox[2].subject
    message.refresh_from_db()
    assert message.escalated_at is not None
    assert message.events.filter(kind="escalated").count() == 1


def test_replied_messages_are_left_alone(message, department_head, mailoutbox, capsys):
    message.record_reply(by=department_head, text="答复")
    with time_machine.travel(message.reply_due_at + timedelta(hours=1)):
        assert "已提醒 0 条，已督办 0 条" in run(capsys)


def test_other_departments_heads_are_not_mailed(
    message, other_department, mailoutbox, django_capture_on_commit_callbacks
):
    make_staff("科室负责人", other_department, email="other@example.gov.cn")
    with (
        time_machine.travel(message.received_at + timedelta(hours=19)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_reminders")
    assert [m.to for m in mailoutbox] == [["head@example.gov.cn"]]


def test_task_calls_the_same_sweep(message):
    with time_machine.travel(message.reply_due_at + timedelta(minutes=5)):
        result = send_reminders.enqueue()
    assert result.return_value["reminded"] == result.return_value["escalated"] == 1
    assert result.return_value["mail"]["sent"] == 2  # the head's reminder, the leader's escalation
    assert Message.objects.due_for_escalation().count() == 0


def test_reopened_message_is_reminded_again(message, department_head, reviewer, capsys):
    with time_machine.travel(message.reply_due_at + timedelta(minutes=1)):
        run(capsys)
        message.refresh_from_db()
        message.record_reply(by=department_head, text="答复")
        message.reopen(by=reviewer, reason="答复不完整")
    message.refresh_from_db()
    assert message.reminded_at is None and message.escalated_at is None
    with time_machine.travel(message.reply_due_at + timedelta(minutes=1)):
        assert "已提醒 1 条，已督办 1 条" in run(capsys)


def test_enqueue_option_runs_the_task(message, capsys):
    with time_machine.travel(message.reply_due_at + timedelta(minutes=5)):
        call_command("send_reminders", "--enqueue")
    assert "已加入任务队列" in capsys.readouterr().out
    message.refresh_from_db()
    assert message.escalated_at is not None  # the immediate backend ran it


def test_reminder_to_a_head_without_address_is_not_sent_and_is_retried(
    client, message, department_head, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    """A reminder that cannot reach anyone's mailbox is recorded as not delivered, counted so,
    shown in the queue's 提醒未送达 filter and sent on a later run once the address exists."""
    from portal import staff_notices
    from portal.models import StaffNotice

    department_head.email = ""
    department_head.save()
    with (
        time_machine.travel(message.received_at + timedelta(hours=18)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = run(capsys)
    assert "已提醒 1 条" in out
    assert "邮件送达 0 封，未送达 1 封（账号未填写电子邮箱 1 封）" in out
    assert mailoutbox == []
    notice = StaffNotice.objects.get(verb="reminded")
    assert notice.recipient == department_head  # the admin notice is there all the same
    assert notice.mail_status == StaffNotice.MailStatus.UNDELIVERABLE
    assert "未填写电子邮箱" in notice.mail_error and notice.mailed_at is None
    assert list(staff_notices.with_undelivered_reminders(Message.objects.all())) == [message]
    client.force_login(department_head)
    queue = client.get("/admin/complaints/message/?reminder_mail=undelivered").content.decode()
    assert "提醒未送达" in queue and message.tracking_number in queue

    department_head.email = "head@example.gov.cn"
    department_head.save()
    with time_machine.travel(message.received_at + timedelta(hours=18, minutes=10)):
        out = run(capsys)
    assert "已提醒 0 条" in out and "邮件送达 1 封，未送达 0 封" in out
    assert [m.to for m in mailoutbox] == [["head@example.gov.cn"]]
    notice.refresh_from_db()
    assert notice.mail_status == StaffNotice.MailStatus.SENT
    assert not staff_notices.with_undelivered_reminders(Message.objects.all()).exists()


def test_smtp_failure_is_recorded_and_retried(message, mailoutbox, capsys, monkeypatch):
    from portal import staff_notices
    from portal.models import StaffNotice

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP 服务器拒绝连接")

    monkeypatch.setattr(staff_notices, "send_mail", refuse)
    with time_machine.travel(message.received_at + timedelta(hours=18)):
        out = run(capsys)
    assert "邮件送达 0 封，未送达 1 封（邮件服务器发送失败 1 封）" in out
    notice = StaffNotice.objects.get(verb="reminded")
    assert notice.mail_status == StaffNotice.MailStatus.FAILED
    assert "拒绝连接" in notice.mail_error and notice.mail_attempts == 1
    monkeypatch.undo()
    with time_machine.travel(message.received_at + timedelta(hours=18, minutes=10)):
        assert "邮件送达 1 封" in run(capsys)
    notice.refresh_from_db()
    assert notice.mail_status == StaffNotice.MailStatus.SENT and notice.mail_attempts == 2


def test_department_without_any_head_is_recorded_as_undelivered(
    message, department_head, mailoutbox, capsys
):
    from portal.models import StaffNotice

    department_head.groups.clear()
    with time_machine.travel(message.received_at + timedelta(hours=18)):
        out = run(capsys)
    assert "未送达 1 封（没有应接收此通知的在职工作人员账号 1 封）" in out
    placeholder = StaffNotice.objects.get(verb="reminded")
    assert placeholder.recipient is None
    assert placeholder.mail_status == StaffNotice.MailStatus.UNDELIVERABLE
    # A head is appointed: the next run finds them and sends.
    make_staff("科室负责人", message.department, username="newhead", email="new@example.gov.cn")
    with time_machine.travel(message.received_at + timedelta(hours=18, minutes=10)):
        assert "邮件送达 1 封，未送达 0 封" in run(capsys)
    assert [m.to for m in mailoutbox] == [["new@example.gov.cn"]]
    assert StaffNotice.objects.get(verb="reminded").recipient.username == "newhead"
