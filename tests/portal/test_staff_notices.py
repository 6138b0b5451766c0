"""Staff notices (portal.staff_notices): each workflow event reaches its people, in the admin at
once and by mail only after the commit; mail without an address is never recorded as sent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal import staff_notices
from portal.models import StaffNotice
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.conftest import make_staff
from tests.disclosure.factories import CHECKLIST, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed(officer, reviewer, department_head):
    for user, email in [
        (officer, "officer@example.gov.cn"),
        (reviewer, "reviewer@example.gov.cn"),
        (department_head, "head@example.gov.cn"),
    ]:
        user.email = email
        user.save()


def draft(officer):
    return ItemFactory(author=officer, department=officer.department)


def test_submit_tells_the_reviewers_after_the_commit(
    officer, reviewer, addressed, django_capture_on_commit_callbacks
):
    item = draft(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item.submit(by=officer)
    notice = StaffNotice.objects.get(verb="submitted")
    assert notice.recipient == reviewer  # the admin notice is written with the event
    assert notice.title == f"【待审核】信息条目：{item.title}"
    assert notice.url == reverse("admin:disclosure_item_change", args=[item.pk])
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["reviewer@example.gov.cn"]]
    assert item.title in mail.outbox[0].body and notice.url in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.mail_status == StaffNotice.MailStatus.SENT and notice.mailed_at


def test_nothing_is_noticed_or_mailed_when_the_transaction_rolls_back(
    officer, reviewer, addressed, django_capture_on_commit_callbacks
):
    item = draft(officer)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        item.submit(by=officer)
        raise RuntimeError("a later step failed")
    assert callbacks == []
    assert not StaffNotice.objects.exists()
    assert mail.outbox == []


def test_return_tells_the_author_with_the_reason_and_approve_tells_them_too(
    officer, reviewer, addressed, django_capture_on_commit_callbacks
):
    item = draft(officer)
    with django_capture_on_commit_callbacks(execute=True):
        item.submit(by=officer)
        item.return_to_author(by=reviewer, reason="文号格式不对，请改为〔2026〕")
    returned = StaffNotice.objects.get(verb="returned")
    assert returned.recipient == officer
    assert "退回理由：文号格式不对，请改为〔2026〕" in returned.body
    assert "黄志强" in returned.body  # who returned it
    with django_capture_on_commit_callbacks(execute=True):
        item.submit(by=officer)
        item.approve(by=reviewer, checklist=CHECKLIST)
    approved = StaffNotice.objects.get(verb="approved")
    assert approved.recipient == officer and "审核通过" in approved.body
    assert sorted(m.to[0] for m in mail.outbox) == [
        "officer@example.gov.cn",
        "officer@example.gov.cn",
        "reviewer@example.gov.cn",
        "reviewer@example.gov.cn",
    ]


def test_the_actor_is_not_told_of_their_own_step(disclosure_office, reviewer):
    """The office may draft and review: it is not told of its own submission."""
    item = ItemFactory(author=disclosure_office)
    item.submit(by=disclosure_office)
    assert list(StaffNotice.objects.values_list("recipient__username", flat=True)) == ["reviewer"]


def test_another_reviewable_model_gets_notices_without_more_code(officer, reviewer):
    from tests.complaints.factories import ConsultationFactory

    consultation = ConsultationFactory(department=officer.department, author=officer)
    consultation.rebuild_articles()
    consultation.submit(by=officer)
    notice = StaffNotice.objects.get(case_type="complaints.consultation")
    assert notice.recipient == reviewer and notice.verb == "submitted"


def test_assignment_tells_the_assignee_and_a_reply_tells_the_reviewers(
    department_head, officer, reviewer
):
    message = MessageFactory(category=MessageCategoryFactory(department=department_head.department))
    message.assign(by=department_head, to=officer)
    assigned = StaffNotice.objects.get(verb="assigned")
    assert assigned.recipient == officer and "交由您办理" in assigned.body
    message.record_reply(by=officer, text="您好，已办结。")
    assert StaffNotice.objects.get(verb="replied").recipient == reviewer
    message.approve(by=reviewer)
    assert StaffNotice.objects.get(verb="approved").recipient == officer  # the reply's drafter


def test_transfer_tells_the_new_department_head(department_head, disclosure_office, department):
    message = MessageFactory(category=MessageCategoryFactory(department=department))
    other = make_staff("科室负责人", username="otherhead")
    message.transfer(by=disclosure_office, to=other.department, reason="属规划科职责")
    assert list(
        StaffNotice.objects.filter(verb="transferred").values_list("recipient", flat=True)
    ) == [other.pk]


def test_recipient_without_address_gets_the_admin_notice_and_mail_is_not_sent(
    officer, reviewer, django_capture_on_commit_callbacks
):
    assert reviewer.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        draft(officer).submit(by=officer)
    notice = StaffNotice.objects.get()
    assert notice.recipient == reviewer
    assert notice.mail_status == StaffNotice.MailStatus.UNDELIVERABLE
    assert notice.mailed_at is None and "未填写电子邮箱" in notice.mail_error
    assert mail.outbox == []
    # An address is added: the next delivery run sends it.
    reviewer.email = "reviewer@example.gov.cn"
    reviewer.save()
    assert staff_notices.deliver_due()["sent"] == 1
    assert [m.to for m in mail.outbox] == [["reviewer@example.gov.cn"]]


def test_notice_list_shows_only_own_notices_and_opening_marks_read(client, officer, reviewer):
    other = make_staff("审核员", username="reviewer2")
    item = draft(officer)
    item.submit(by=officer)
    client.force_login(reviewer)
    notices = reverse("admin:portal_staffnotice_changelist")
    page = client.get(notices).content.decode()
    assert item.title in page
    index = client.get(reverse("admin:index")).content.decode()
    assert 'class="nav-badge">1<' in index.split('class="nav-notices"')[1].split("</a>")[0]
    notice = StaffNotice.objects.get(recipient=reviewer)
    response = client.get(reverse("admin:portal_staffnotice_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:disclosure_item_change", args=[item.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Another reviewer's notice cannot be opened by id.
    theirs = StaffNotice.objects.get(recipient=other)
    assert client.get(reverse("admin:portal_staffnotice_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:portal_staffnotice_change", args=[theirs.pk])).status_code in {
        302,
        404,
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all(client, officer, reviewer):
    for _ in range(2):
        draft(officer).submit(by=officer)
    client.force_login(reviewer)
    assert client.get(reverse("admin:portal_staffnotice_read_all")).status_code == 403
    client.post(reverse("admin:portal_staffnotice_read_all"))
    assert not StaffNotice.objects.for_user(reviewer).unread().exists()


def test_auditor_has_no_notice_list(client):
    client.force_login(make_staff("审计管理员", username="shenji"))
    assert client.get(reverse("admin:portal_staffnotice_changelist")).status_code == 403


def test_retry_command_counts_truthfully(officer, reviewer, capsys):
    draft(officer).submit(by=officer)  # the reviewer has no address yet
    call_command("retry_staff_notices")
    assert "邮件送达 0 封，未送达 1 封（账号未填写电子邮箱 1 封）" in capsys.readouterr().out
    reviewer.email = "reviewer@example.gov.cn"
    reviewer.save()
    call_command("retry_staff_notices")
    assert "邮件送达 1 封，未送达 0 封" in capsys.readouterr().out


def test_a_correction_of_published_content_finds_its_reviewer_and_its_author(
    disclosure_office, reviewer
):
    """A 修改稿 is work like a draft: the reviewers are told and see it in 我的待办; a return
    reaches who wrote the correction (not the item's first author) and lands in their 退回给我."""
    from portal import worklist

    item = ItemFactory(published=True, title="关于征收土地的公告", summary="旧的概述。")
    item.summary = "新的概述。"
    item.save_revision(by=disclosure_office)
    item.submit_revision(by=disclosure_office)
    submitted = StaffNotice.objects.get(verb="rev_submit", recipient=reviewer)
    assert "修改稿" in submitted.body and "关于征收土地的公告" in submitted.body
    review = {group.key: group for group in worklist.worklist(reviewer)}["review"]
    assert "关于征收土地的公告" in [entry.title for entry in review.entries]
    assert "修改稿待审核" in review.entries[0].detail

    item.return_revision(by=reviewer, reason="面积数字待核实")
    returned = StaffNotice.objects.get(verb="rev_return")
    assert returned.recipient == disclosure_office
    assert "退回理由：面积数字待核实" in returned.body
    mine = {group.key: group for group in worklist.worklist(disclosure_office)}
    assert [entry.title for entry in mine["returned"].entries] == ["关于征收土地的公告"]
    assert "修改稿被退回" in mine["returned"].entries[0].detail


# A notice left 发送中 by a worker that stopped ----------------------------------------------------
def sending_notice(officer, *, started_ago):
    """Return the reviewer's notice of a submission, taken for sending started_ago."""
    draft(officer).submit(by=officer)  # its mail task never runs here: the test does not commit
    notice = StaffNotice.objects.get(verb="submitted")
    StaffNotice.objects.filter(pk=notice.pk).update(
        mail_status=StaffNotice.MailStatus.SENDING,
        sending_started_at=timezone.now() - started_ago,
    )
    notice.refresh_from_db()
    return notice


def test_a_notice_left_sending_past_the_lease_is_mailed_by_the_retry(
    officer, reviewer, addressed, capsys
):
    notice = sending_notice(officer, started_ago=StaffNotice.SENDING_LEASE + timedelta(minutes=5))
    assert list(StaffNotice.objects.due_for_delivery()) == [notice]
    call_command("retry_staff_notices")
    assert "邮件送达 1 封，未送达 0 封" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [["reviewer@example.gov.cn"]]
    notice.refresh_from_db()
    assert notice.mail_status == StaffNotice.MailStatus.SENT and notice.mail_attempts == 1
    assert timezone.now() - notice.sending_started_at < timedelta(minutes=1)  # claimed again
    call_command("retry_staff_notices")  # sent: never again
    assert len(mail.outbox) == 1


def test_a_notice_being_sent_within_the_lease_is_left_to_its_worker(
    officer, reviewer, addressed, capsys
):
    notice = sending_notice(officer, started_ago=timedelta(minutes=1))
    assert not StaffNotice.objects.due_for_delivery().exists()
    call_command("retry_staff_notices")
    assert "邮件送达 0 封，未送达 0 封" in capsys.readouterr().out
    assert staff_notices.deliver(notice.pk) == [notice]  # the mail task run again: left alone
    assert mail.outbox == []
    fresh = StaffNotice.objects.get(pk=notice.pk)
    assert fresh.mail_status == StaffNotice.MailStatus.SENDING
    assert fresh.sending_started_at == notice.sending_started_at


def test_only_one_sweep_takes_an_abandoned_notice(officer, reviewer):
    notice = sending_notice(officer, started_ago=timedelta(hours=2))
    assert staff_notices._claim(notice.pk) == 1
    assert staff_notices._claim(notice.pk) == 0  # the first one's claim is fresh


def test_a_notice_taken_for_sending_records_when(officer, reviewer, addressed):
    draft(officer).submit(by=officer)
    notice = StaffNotice.objects.get(verb="submitted")
    assert notice.sending_started_at is None
    staff_notices.deliver(notice.pk)
    notice.refresh_from_db()
    assert notice.mail_status == StaffNotice.MailStatus.SENT
    assert notice.sending_started_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffNotice.objects.filter(pk=notice.pk).update(
            mail_status=StaffNotice.MailStatus.SENDING, sending_started_at=None
        )
