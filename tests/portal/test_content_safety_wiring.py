"""Content safety in every app: blocking 错敏字/spam stops what would make it public.

Message replies and the published text of messages (complaints), 办件公示 results, guide
materials, steps, questions and legal bases (services), bulletins (oversight), columns
(disclosure), departments, leaders and site settings (portal), complaint agencies and hall windows.
Items and guides themselves are covered in test_content_safety.py (submit / approve).
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from complaints.models import ComplaintAgency, Message
from disclosure.models import Category
from oversight.models import Bulletin
from portal import content_safety
from portal.models import ContentFinding, Department, Leader, SiteSettings
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    ServiceWindow,
)
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

SPAM = "欢迎光临 澳 门 赌 场，注册就送彩金"
MISSPELLING = "既使如此，仍应按排好工作"


# Messages (政民互动) -------------------------------------------------------------------------
@pytest.fixture
def message(department):
    return MessageFactory(category=MessageCategoryFactory(name="咨询", department=department))


def test_reply_with_spam_is_refused_and_nothing_is_stored(message, department_head):
    with pytest.raises(ValidationError) as error:
        message.record_reply(by=department_head, text=f"您好！\n{SPAM}")
    assert error.value.code == "blocked_content"
    assert "答复内容 第2行" in error.value.messages[0] and "澳 门 赌 场" in error.value.messages[0]
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    assert message.reply == "" and message.replied_at is None


def test_reply_with_a_misspelling_is_recorded(message, department_head):
    message.record_reply(by=department_head, text=MISSPELLING)
    message.refresh_from_db()
    assert message.replied_at is not None


def test_approval_refuses_spam_in_the_published_text(message, department_head, reviewer):
    message.record_reply(by=department_head, text="您好，已办结。")
    with pytest.raises(ValidationError) as error:
        message.approve(by=reviewer, public_body=f"请问进度。{SPAM}")
    assert "公开留言内容" in error.value.messages[0]
    message.refresh_from_db()
    assert message.published_at is None and message.reviewed_at is None
    message.approve(by=reviewer, public_body="请问进度。")
    assert message.is_public()


def test_approval_without_consent_publishes_nothing_and_is_not_scanned(
    department, department_head, reviewer
):
    message = MessageFactory(
        category=MessageCategoryFactory(name="投诉", department=department),
        body=f"有人发广告：{SPAM}",
        has_publication_consent=False,
    )
    message.record_reply(by=department_head, text="已转公安机关处理。")
    message.approve(by=reviewer)
    assert not message.is_public()


def test_admin_reply_page_shows_the_finding_at_the_field_and_keeps_the_text(
    client, message, department_head
):
    client.force_login(department_head)
    text = f"您好！{SPAM}"
    response = client.post(
        reverse("admin:complaints_message_reply", args=[message.pk]), {"text": text}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "内容安全检查未通过" in html and "<mark>澳 门 赌 场</mark>" in html
    assert text in html  # nothing the clerk typed is lost
    message.refresh_from_db()
    assert message.reply == ""


def test_admin_approve_page_shows_the_finding(client, message, department_head, reviewer):
    message.record_reply(by=department_head, text="您好，已办结。")
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:complaints_message_approve", args=[message.pk]),
        {"public_subject": "咨询", "public_body": SPAM, "public_reply": "您好，已办结。"},
    )
    assert response.status_code == 200
    assert "内容安全检查未通过" in response.content.decode()
    message.refresh_from_db()
    assert message.published_at is None


def test_scan_content_rescans_published_messages(message, department_head, reviewer):
    message.record_reply(by=department_head, text="您好，已办结。")
    message.approve(by=reviewer)
    Message.objects.filter(pk=message.pk).update(public_reply="bet365 注册送彩金")
    call_command("scan_content", verbosity=0)
    assert ContentFinding.objects.filter(object_id=message.pk, matched__icontains="bet365").exists()


# Rows edited straight into public view: refused in clean() with the field named ------------
def _guide_row(model, **fields):
    guide = ServiceGuideFactory(complete=False)
    return model(guide=guide, **fields)


ROWS = [
    ("result", lambda: ApprovalResultFactory.build(guide=ServiceGuideFactory(), result=SPAM)),
    ("name", lambda: _guide_row(GuideMaterial, name=SPAM, order=1)),
    ("name", lambda: _guide_row(GuideStep, name=SPAM, actor="窗口", order=1)),
    ("answer", lambda: _guide_row(GuideQuestion, question="怎么办？", answer=SPAM)),
    ("text", lambda: _guide_row(LegalBasis, law="《土地管理法》", article="第一条", text=SPAM)),
    ("body", lambda: Bulletin(month_on="2026-10-01", title="十月通报", body=f"<p>{SPAM}</p>")),
    ("name", lambda: Category(name=SPAM, slug="spam")),
    ("duties", lambda: Department(name="测试科", code="cs", duties=SPAM)),
    ("name", lambda: Leader(name="王五", position="局长", duties=SPAM)),
    ("address", lambda: ComplaintAgency(name="信访科", address=SPAM, phone="0571-87061201")),
    ("handles", lambda: ServiceWindow(number=99, name="综合受理", handles=SPAM, row=1, column=1)),
]


@pytest.mark.parametrize("field,build", ROWS, ids=[f"{i}-{r[0]}" for i, r in enumerate(ROWS)])
def test_public_rows_refuse_spam_on_the_field(field, build):
    obj = build()
    with pytest.raises(ValidationError) as error:
        content_safety.validate(obj)
    if field in {f.name for f in obj._meta.get_fields()}:
        assert field in error.value.message_dict or any(
            "澳 门 赌 场" in m for ms in error.value.message_dict.values() for m in ms
        )
    with pytest.raises(ValidationError):
        obj.clean()


def test_rows_with_only_a_misspelling_pass():
    content_safety.validate(Department(name="测试科", code="cs2", duties=MISSPELLING))


def test_site_settings_refuse_spam(db):
    site = SiteSettings.load()
    field = next(
        f.name
        for f in SiteSettings._meta.concrete_fields
        if f.name in content_safety.default_text_fields(SiteSettings)
    )
    setattr(site, field, SPAM)
    with pytest.raises(ValidationError) as error:
        site.clean()
    assert field in error.value.message_dict


def test_result_admin_form_shows_the_finding(client, disclosure_office, department):
    guide = ServiceGuideFactory(department=department, published=True)
    client.force_login(disclosure_office)
    response = client.post(
        reverse("admin:services_approvalresult_add"),
        {
            "tracking_number": "BDC20261125-9001",
            "guide": guide.pk,
            "applicant_kind": ApprovalResult.ApplicantKind.PERSON,
            "applicant_name": "张三",
            "accepted_on": "2026-11-20",
            "status": ApprovalResult.Status.ACCEPTED,
            "result": SPAM,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    assert "内容安全检查未通过" in html
    assert not ApprovalResult.objects.filter(tracking_number="BDC20261125-9001").exists()


def test_bulletin_with_spam_cannot_be_sent_for_publication(disclosure_office):
    bulletin = Bulletin.objects.create(
        month_on=date(2026, 9, 1), title="九月通报", body=f"<p>{SPAM}</p>"
    )
    with pytest.raises(ValidationError):
        bulletin.publish(by=disclosure_office)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT


def test_guide_submission_scans_its_materials_and_steps(db):
    """Rows saved before a word became blocking are caught when the guide goes to review."""
    guide = ServiceGuideFactory()
    GuideStep.objects.filter(guide=guide).update(name=SPAM)  # bypasses clean(), as old rows do
    with pytest.raises(ValidationError) as error:
        guide.submit(by=guide.author)
    assert "步骤" in error.value.messages[0] or "澳 门 赌 场" in error.value.messages[0]
    guide.refresh_from_db()
    assert guide.status == guide.Status.DRAFT
    GuideStep.objects.filter(guide=guide).update(name="受理")
    guide.submit(by=guide.author)


def test_reply_with_a_misspelling_is_saved_and_the_clerk_sees_the_fix(
    client, message, department_head
):
    client.force_login(department_head)
    response = client.post(
        reverse("admin:complaints_message_reply", args=[message.pk]),
        {"text": MISSPELLING},
        follow=True,
    )
    html = response.content.decode()
    assert "内容安全提示" in html and "<mark>既使</mark>" in html and "应为“即使”" in html
    message.refresh_from_db()
    assert message.reply == MISSPELLING
