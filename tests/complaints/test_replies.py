"""Reply hygiene (#18): template blanks refused, names masked in the public version and the
search, names next to a form of address shown to the reviewer, templates by category and type,
and a reply reaches the sender only once a reviewer has approved it."""

import pytest
from django.urls import reverse

from complaints.models import Message, ReplyTemplate, find_placeholders
from portal.exceptions import InvalidTransition
from portal.masking import mask_names_in_text, names_by_forms_of_address
from portal.models import CitizenNotice, SearchEntry
from tests.complaints.factories import (
    QUERY_CODE,
    MessageCategoryFactory,
    MessageFactory,
    ReplyTemplateFactory,
)

pytestmark = pytest.mark.django_db

FILLED = "经核查，您的不动产转移登记已于今日登簿，请携带身份证到市民中心二楼3号窗口领证。"


def url(move, message):
    return reverse("admin:complaints_message_workflow", args=[message.pk, move])


# Template blanks ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("您的申请目前处于____环节。", "目前处于____环节。"),
        ("您的申请目前处于＿＿环节。", "目前处于＿＿环节。"),
        ("经核查，【核查情况】。", "【核查情况】"),
        ("经核查，【】。", "经核查，【】。"),
        ("我局已于XX日完成整改。", "我局已于XX日完成整"),
        ("请到XXX窗口办理。", "请到XXX窗口办理。"),
        ("处罚决定书文号：国土罚〔2026〕××号。", "2026〕××号。"),
    ],
)
def test_reply_with_a_placeholder_is_refused_in_the_form(
    client, department_head, department, text, shown
):
    message = MessageFactory(category__department=department)
    client.force_login(department_head)
    response = client.post(url("reply", message), {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "答复内容中还有未填写的模板空白" in html and shown in html
    assert text in html  # what was typed is kept for correction
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED and message.reply == ""


@pytest.mark.parametrize("text", ["处于____环节", "【办理结果】", "于XX日", "××号"])
def test_record_reply_refuses_placeholders_in_the_model(department_head, text):
    message = MessageFactory()
    with pytest.raises(InvalidTransition, match="未填写的模板空白"):
        message.record_reply(by=department_head, text=text)


def test_ordinary_text_is_not_a_placeholder():
    text = "地块编号XJ2026-01，面积2×3米，联系电话0571-87061241，编号ZMHD20261125-0007。"
    assert find_placeholders(text) == []


def test_approve_refuses_a_blank_left_in_the_public_version(
    client, department_head, reviewer, department
):
    message = MessageFactory(category__department=department)
    message.record_reply(by=department_head, text=FILLED)
    client.force_login(reviewer)
    response = client.post(
        url("approve", message),
        {
            "public_subject": message.subject,
            "public_body": message.body,
            "public_reply": FILLED + "如有疑问请致电【联系电话】。",
        },
    )
    html = response.content.decode()
    assert "公开答复内容中还有未填写的模板空白：“【联系电话】”" in html
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED and message.published_at is None
    # The model refuses too (the bulk action has no form).
    with pytest.raises(Exception, match="【联系电话】"):
        message.approve(by=reviewer, public_reply="请致电【联系电话】。")
    # A citizen's own “XX村” in the question is not a template blank.
    message.approve(by=reviewer, public_body="我是XX村村民，请问登记进度。", public_reply=FILLED)
    message.refresh_from_db()
    assert message.is_public() and "XX村" in message.public_body


# Names in the public version and the search ------------------------------------------------
def test_mask_names_in_text():
    assert mask_names_in_text("杨建国反映，杨建国家的耕地", ["杨建国"]) == "杨**反映，杨**家的耕地"
    assert mask_names_in_text("杨明来信", ["杨明", ""]) == "杨*来信"


def test_sender_name_is_masked_in_the_public_version_and_not_found_by_search(
    department_head, reviewer
):
    message = MessageFactory(
        sender_name="杨建国",
        subject="杨建国的宅基地翻建审批",
        body="我是青石镇村民杨建国，想翻建宅基地上的旧房。",
    )
    message.record_reply(
        by=department_head, text="杨建国您好！请携带身份证和宅基地使用权证到窗口办理。"
    )
    message.approve(by=reviewer)
    message.refresh_from_db()
    public = message.public_subject + message.public_body + message.public_reply
    assert "杨建国" not in public and "杨**" in message.public_body
    assert message.public_reply.startswith("杨**您好")
    assert "杨建国" in message.reply  # the sender's own reply keeps the name
    assert len(SearchEntry.objects.search("杨建国")) == 0
    assert len(SearchEntry.objects.search("宅基地翻建")) == 1


def test_reviewer_retyping_the_name_is_masked_again(department_head, reviewer):
    message = MessageFactory(sender_name="杨建国")
    message.record_reply(by=department_head, text=FILLED)
    message.approve(by=reviewer, public_body="杨建国询问登记进度。", public_reply=FILLED)
    message.refresh_from_db()
    assert message.public_body == "杨**询问登记进度。"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("王建国同志：您好！", ["王建国同志"]),
        ("李女士您好，", ["李女士"]),
        ("张明华，您好！", ["张明华"]),
        ("尊敬的欧阳明华先生：", ["欧阳明华先生"]),
        ("市民朋友，您好！", []),
        ("杨**同志：您好！", []),
        ("您好！您的留言已收悉。", []),
    ],
)
def test_names_by_forms_of_address(text, names):
    assert names_by_forms_of_address(text) == names


def test_reviewer_is_warned_of_a_name_next_to_a_form_of_address_and_may_publish(
    client, department_head, reviewer, department
):
    message = MessageFactory(category__department=department, sender_name="张建华")
    message.record_reply(by=department_head, text="王建国同志：" + FILLED)
    client.force_login(reviewer)
    html = client.get(url("approve", message)).content.decode()
    assert 'id="name-warnings"' in html and "<mark>王建国同志</mark>" in html
    data = {
        "public_subject": message.subject,
        "public_body": message.body,
        "public_reply": "李女士您好，" + FILLED,
    }
    data_html = client.post(url("approve", message), {**data, "public_subject": ""})
    assert "<mark>李女士</mark>" in data_html.content.decode()  # the text as now in the form
    response = client.post(url("approve", message), data)
    assert response.status_code == 302  # a warning, not a block
    message.refresh_from_db()
    assert message.is_public()


def test_no_name_warning_for_a_clean_public_version(client, department_head, reviewer, department):
    message = MessageFactory(category__department=department)
    message.record_reply(by=department_head, text=FILLED)
    client.force_login(reviewer)
    assert 'id="name-warnings"' not in client.get(url("approve", message)).content.decode()


# Templates by category and type -------------------------------------------------------------
def test_template_chosen_by_category_and_type():
    category, other = MessageCategoryFactory(), MessageCategoryFactory()
    generic = ReplyTemplate.objects.create(text="通用模板")
    by_kind = ReplyTemplate.objects.create(kind=Message.Kind.SUGGESTION, text="建议通用模板")
    own = ReplyTemplateFactory(category=category, kind="", text="本类别模板")
    inquiry = ReplyTemplateFactory(category=category, kind=Message.Kind.INQUIRY, text="本类别咨询")

    def chosen(cat, kind):
        return ReplyTemplate.objects.for_message(category=cat, kind=kind)

    assert chosen(category, Message.Kind.INQUIRY) == inquiry
    assert chosen(category, Message.Kind.SUGGESTION) == own  # the category's before the type's
    assert chosen(other, Message.Kind.SUGGESTION) == by_kind
    assert chosen(other, Message.Kind.COMPLAINT) == generic
    generic.delete()
    assert chosen(other, Message.Kind.COMPLAINT) is None


def test_reply_form_is_prefilled_with_the_template_of_the_message_type(
    client, department_head, department
):
    category = MessageCategoryFactory(department=department)
    ReplyTemplateFactory(category=category, kind=Message.Kind.INQUIRY, text="咨询答复：【答复】")
    ReplyTemplateFactory(category=category, kind=Message.Kind.SUGGESTION, text="感谢建议：【采纳】")
    suggestion = MessageFactory(category=category, kind=Message.Kind.SUGGESTION)
    client.force_login(department_head)
    html = client.get(url("reply", suggestion)).content.decode()
    assert "感谢建议：【采纳】" in html and "咨询答复" not in html


def test_office_manages_templates_in_the_admin(client, disclosure_office, department_head):
    category = MessageCategoryFactory()
    client.force_login(disclosure_office)
    add = reverse("admin:complaints_replytemplate_add")
    data = {
        "category": category.pk,
        "kind": Message.Kind.COMPLAINT,
        "text": "投诉答复：【核查情况】",
    }
    assert client.post(add, data).status_code == 302
    duplicate = client.post(add, data).content.decode()
    assert "该类别的这一留言类型已有答复模板" in duplicate
    assert ReplyTemplate.objects.count() == 1
    listing = client.get(reverse("admin:complaints_replytemplate_changelist")).content.decode()
    assert "投诉答复：【核查情况】" in listing
    change = reverse("admin:complaints_messagecategory_change", args=[category.pk])
    assert "本类别的答复模板" in client.get(change).content.decode()
    client.force_login(department_head)
    assert client.get(add).status_code == 403


# The sender sees a reply once it is sent ------------------------------------------------------
def open_lookup(client, message):
    client.post(
        reverse("complaints:message-lookup"),
        {"tracking_number": message.tracking_number, "query_code": QUERY_CODE},
    )
    return client.get(reverse("complaints:message-status", args=[message.tracking_number]))


def test_lookup_does_not_show_a_reply_awaiting_review(client, department_head, reviewer):
    message = MessageFactory()
    message.record_reply(by=department_head, text=FILLED)
    html = open_lookup(client, message).content.decode()
    assert FILLED not in html and 'id="reply-text"' not in html
    assert "答复审核中" in html and "评价本次答复" not in html
    assert not CitizenNotice.objects.filter(kind=CitizenNotice.Kind.REPLIED).exists()
    with pytest.raises(InvalidTransition):
        message.rate(rating=Message.Rating.SATISFIED)

    message.approve(by=reviewer)
    html = open_lookup(client, message).content.decode()
    assert FILLED in html and "评价本次答复" in html
    assert CitizenNotice.objects.filter(kind=CitizenNotice.Kind.REPLIED).count() == 1


def test_a_new_reply_after_reopening_stays_hidden_until_approved(client, department_head, reviewer):
    message = MessageFactory()
    message.record_reply(by=department_head, text=FILLED)
    message.approve(by=reviewer)
    message.reopen(by=reviewer, reason="留言人补充了情况")
    html = open_lookup(client, message).content.decode()
    assert FILLED in html and "以下为此前的答复" in html  # the reply already sent stays
    message.record_reply(by=department_head, text="补充答复：证书已邮寄。")
    html = open_lookup(client, message).content.decode()
    assert "补充答复" not in html and 'id="reply-text"' not in html


def test_migration_masks_names_already_published_and_their_search_rows(department_head, reviewer):
    """complaints 0014 masks the sender's name in public text reviewed before #18."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("complaints.migrations.0014_mask_sender_names_in_public_text")
    message = MessageFactory(sender_name="杨建国", subject="宅基地翻建审批材料")
    message.record_reply(by=department_head, text=FILLED)
    message.approve(by=reviewer)
    # As approved before the names were masked (the index follows the saved row).
    message.public_reply = "杨建国您好！" + FILLED
    message.save(update_fields=["public_reply"])
    assert len(SearchEntry.objects.search("杨建国")) == 1
    migration.mask_sender_names(apps, None)
    message.refresh_from_db()
    assert message.public_reply.startswith("杨**您好！")
    assert len(SearchEntry.objects.search("杨建国")) == 0
    assert len(SearchEntry.objects.search("宅基地翻建")) == 1
