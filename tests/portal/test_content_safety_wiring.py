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
from django.db import models
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
    SpecialProcedure,
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
        reverse("admin:complaints_message_workflow", args=[message.pk, "reply"]), {"text": text}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "内容安全检查未通过" in html and "<mark>澳 门 赌 场，注册就送彩金</mark>" in html
    assert text in html  # nothing the clerk typed is lost
    message.refresh_from_db()
    assert message.reply == ""


def test_admin_approve_page_shows_the_finding(client, message, department_head, reviewer):
    message.record_reply(by=department_head, text="您好，已办结。")
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:complaints_message_workflow", args=[message.pk, "approve"]),
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
    field = SiteSettings.public_text_fields[0]
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
        reverse("admin:complaints_message_workflow", args=[message.pk, "reply"]),
        {"text": MISSPELLING},
        follow=True,
    )
    html = response.content.decode()
    assert "内容安全提示" in html and "<mark>既使</mark>" in html and "应为“即使”" in html
    message.refresh_from_db()
    assert message.reply == MISSPELLING


# One declaration: the nightly scan and the gate read the same fields ------------------------
TERM = "违禁示例"  # made a blocking term below; short enough for every declared field


def _published_guide():
    return ServiceGuideFactory(published=True)


def _comment():
    from tests.complaints.factories import ConsultationCommentFactory, published_consultation
    from tests.portal.factories import UserFactory

    comment = ConsultationCommentFactory(consultation=published_consultation())
    comment.approve(by=UserFactory())
    return comment


def _evaluation_response():
    from complaints.models import EvaluationResponse
    from tests.complaints.factories import EvaluationRoundFactory
    from tests.portal.factories import UserFactory

    response = EvaluationResponse.objects.create(
        round=EvaluationRoundFactory(),
        phone_hash="0" * 64,
        masked_phone="138****5678",
        comment="窗口服务很好。",
        comment_status=EvaluationResponse.CommentStatus.PENDING,
    )
    response.approve_comment(by=UserFactory())
    return response


def _message(department):
    from portal import roles
    from tests.complaints.factories import published
    from tests.conftest import make_staff

    message = MessageFactory(category=MessageCategoryFactory(name="咨询", department=department))
    return published(
        message, replier=make_staff(roles.OFFICER, department), reviewer=make_staff(roles.REVIEWER)
    )


# One public row of every model that declares public text.
PUBLIC_ROWS = {
    "complaints.ComplaintAgency": lambda department: ComplaintAgency.objects.create(
        name="信访科", address="府前路88号", phone="0571-87061201"
    ),
    "complaints.Consultation": lambda department: __import__(
        "tests.complaints.factories", fromlist=["published_consultation"]
    ).published_consultation(),
    "complaints.ConsultationComment": lambda department: _comment(),
    "complaints.EvaluationResponse": lambda department: _evaluation_response(),
    "complaints.Message": _message,
    "disclosure.Category": lambda department: Category.objects.create(name="测试栏目", slug="cs"),
    "disclosure.Item": lambda department: __import__(
        "tests.disclosure.factories", fromlist=["ItemFactory"]
    ).ItemFactory(published=True),
    "oversight.Bulletin": lambda department: Bulletin.objects.create(
        month_on=date(2026, 9, 1), title="九月通报", body="<p>本月公开工作情况。</p>"
    ),
    "portal.Department": lambda department: department,
    "portal.Leader": lambda department: Leader.objects.create(
        name="王五", position="局长", duties="主持全面工作", biography="历任科长。"
    ),
    "portal.SiteSettings": lambda department: SiteSettings.objects.get_or_create(pk=1)[0],
    "services.ApprovalResult": lambda department: ApprovalResultFactory(),
    "services.GuideMaterial": lambda department: _published_guide().materials.first(),
    "services.GuideQuestion": lambda department: GuideQuestion.objects.create(
        guide=_published_guide(), question="怎么办？", answer="到窗口办理。"
    ),
    "services.GuideStep": lambda department: _published_guide().steps.first(),
    "services.LegalBasis": lambda department: _published_guide().legal_bases.first(),
    "services.ServiceGuide": lambda department: _published_guide(),
    "services.SpecialProcedure": lambda department: SpecialProcedure.objects.create(
        guide=_published_guide(), kind="notice", name="批前公示", working_days=7
    ),
    "services.ServiceWindow": lambda department: ServiceWindow.objects.create(
        number=98, name="综合受理", handles="不动产登记", row=1, column=1
    ),
}


def test_every_model_that_declares_public_text_has_a_public_row_here():
    """A new declaration needs a row above, so the test below covers it."""
    declared = {model._meta.label for model in content_safety.public_text_models()}
    assert declared == set(PUBLIC_ROWS)


def test_every_workflow_model_declares_public_text_and_names_its_public_rows():
    from portal.publishing import Reviewable

    workflow = [
        model
        for model in content_safety.public_text_models()
        if issubclass(model, Reviewable) or "status" in {f.name for f in model._meta.fields}
    ]
    assert {m._meta.label for m in workflow} >= {
        "disclosure.Item",
        "services.ServiceGuide",
        "complaints.Consultation",
        "complaints.Message",
        "complaints.ConsultationComment",
    }
    for model in workflow:
        if model._meta.label not in {"services.ApprovalResult", "oversight.Bulletin"}:
            # Drafts, pending and rejected rows are not public: public() says which are.
            assert hasattr(model._default_manager.all(), "public"), model


def _text_fields(model):
    """Return every free-text column of model that can hold TERM, declared public or not."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and (field.max_length is None or field.max_length >= len(TERM))
    ]


def _gate_fields(row):
    """Return the fields the row's own gate refuses.

    Workflow records: submission (portal.publishing); a message: its approval; comments and
    evaluation responses: the reviewer's scan of the masked text (the citizen's form checked what
    they wrote); every other record: clean().
    """
    from complaints.models import ConsultationComment, EvaluationResponse
    from portal.publishing import Reviewable
    from tests.portal.factories import UserFactory

    model = type(row)
    if issubclass(model, Reviewable):
        model.objects.filter(pk=row.pk).update(status=model.Status.DRAFT)
        row.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            row.submit(by=row.author)
        return {finding.field for finding in error.value.findings}
    if isinstance(row, Message):
        # A sender named TERM would be masked out of the public text, and TERM with it.
        Message.objects.filter(pk=row.pk).update(
            status=Message.Status.REPLIED, sender_name="张建华"
        )
        row.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            row.approve(by=UserFactory(), **{n: getattr(row, n) for n in model.public_text_fields})
        return {finding.field for finding in error.value.findings}
    if isinstance(row, ConsultationComment | EvaluationResponse):
        return {f.field for f in content_safety.scan_object(row) if f.is_blocking}
    with pytest.raises(ValidationError) as error:
        row.clean()
    return set(error.value.message_dict)


@pytest.mark.parametrize("label", sorted(PUBLIC_ROWS))
def test_the_nightly_scan_and_the_gate_read_exactly_the_declared_fields(label, department):
    """With a blocking term in every text field of a public row, declared or not, the nightly
    scan and the row's gate (submit, approve or clean) both find it in the declared ones only."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from portal.models import SensitiveTerm

    SensitiveTerm.objects.create(term=TERM, category="prohibited", severity="block")
    model = apps.get_model(label)
    row = PUBLIC_ROWS[label](department)
    fields = _text_fields(model)
    assert {f.name for f in fields} >= set(model.public_text_fields)
    model.objects.filter(pk=row.pk).update(
        **{
            f.name: f"<p>{TERM}</p>" if type(f).__name__ == "ProseEditorField" else TERM
            for f in fields
        }
    )
    row.refresh_from_db()
    declared = set(model.public_text_fields)

    call_command("scan_content", verbosity=0)
    content_type = ContentType.objects.get_for_model(model)
    nightly = ContentFinding.objects.filter(content_type=content_type, object_id=str(row.pk))
    labels = {str(model._meta.get_field(name).verbose_name) for name in declared}
    assert set(nightly.values_list("field", flat=True)) == labels

    assert _gate_fields(row) == declared
