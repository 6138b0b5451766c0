"""Traps of the public forms, mended: defaults that fail, unmarked required fields, hints that
are not true, a 网站纠错 link that loses its category, silent truncation, POST-only dead ends."""

import re

import pytest
from django.urls import reverse

from complaints.models import Message
from disclosure.models import InformationRequest
from portal.masking import mask_phone
from tests.captcha import solved_captcha
from tests.complaints.factories import (
    ConsultationCommentFactory,
    MessageCategoryFactory,
    UserFactory,
    published_consultation,
)
from tests.disclosure.request_factories import person_data

pytestmark = pytest.mark.django_db

MESSAGE_FORM = reverse("complaints:message-create")
REQUEST_FORM = reverse("disclosure:request-form")


def label_of(html, name):
    match = re.search(rf'<label for="id_{name}">(.*?)</label>', html, re.S)
    assert match, name
    return match.group(1)


def input_of(html, name):
    match = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


# 获取信息的方式 ------------------------------------------------------------------------------


def test_delivery_form_has_no_default_and_is_required_in_chinese(client):
    html = client.get(REQUEST_FORM).content.decode()
    radios = re.findall(r'<input type="radio" name="delivery_form"[^>]*>', html)
    assert len(radios) == len(InformationRequest.DeliveryForm.choices)
    assert not any("checked" in radio for radio in radios)
    response = client.post(
        REQUEST_FORM, {**person_data(delivery_form="", email=""), **solved_captcha()}
    )
    assert response.context["form"].errors["delivery_form"] == ["请选择获取信息的方式"]
    assert not InformationRequest.objects.exists()


def test_email_delivery_requires_the_address_and_keeps_what_was_typed(client):
    data = person_data(delivery_form=InformationRequest.DeliveryForm.EMAIL, email="")
    response = client.post(REQUEST_FORM, {**data, **solved_captcha()})
    errors = response.context["form"].errors.as_data()
    assert errors["email"][0].code == "email_required"
    assert "选择电子邮件方式获取信息时，请填写电子邮箱" in response.content.decode()
    assert data["description"] in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_paper_delivery_needs_no_email(client):
    from portal import workdays
    from portal.models import WorkCalendarDay

    workdays.seed_calendar(WorkCalendarDay)
    data = person_data(delivery_form=InformationRequest.DeliveryForm.PAPER, email="")
    response = client.post(REQUEST_FORM, {**data, **solved_captcha()})
    assert response.status_code == 302
    assert InformationRequest.objects.get().delivery_form == "paper"


# Required marks -------------------------------------------------------------------------------


def test_required_fields_are_marked_for_eyes_and_screen_readers(client):
    MessageCategoryFactory()
    html = client.get(MESSAGE_FORM).content.decode()
    assert '带 <span class="required-mark">*</span> 号的为必填项' in html
    for name in ("category", "subject", "body", "sender_name", "sender_phone"):
        label = label_of(html, name)
        assert '<span class="required-mark" aria-hidden="true">*</span>' in label
        assert '<span class="visually-hidden">（必填）</span>' in label
        assert " required" in input_of(html, name)
    assert "（必填）" not in label_of(html, "sender_email")
    assert " required" not in input_of(html, "sender_email")


def test_fields_required_in_their_section_are_marked(client):
    html = client.get(REQUEST_FORM).content.decode()
    for name in ("id_type", "id_number", "credit_code", "contact_name"):
        assert "（必填）" in label_of(html, name), name
    assert "（必填）" not in label_of(html, "postcode")


# The phone hint tells the truth ----------------------------------------------------------------


def test_comment_phone_hint_says_what_the_published_comment_shows(client):
    consultation = published_consultation()
    comment = ConsultationCommentFactory(consultation=consultation, sender_phone="13912345678")
    comment.approve(by=UserFactory())
    html = client.get(consultation.get_absolute_url()).content.decode()
    shown = mask_phone("13912345678")
    assert shown == "139****5678"
    assert shown in html  # the published comment
    hint = re.search(r'id="id_sender_phone_helptext">(.*?)</div>', html).group(1)
    assert "不会公开" not in hint
    assert "前3位和后4位" in hint


def test_evaluation_phone_hint_does_not_promise_it_stays_unpublished():
    from complaints.forms import EvaluationForm
    from tests.complaints.factories import EvaluationRoundFactory

    form = EvaluationForm(round=EvaluationRoundFactory())
    assert "不公开" not in form.fields["phone"].help_text
    assert "只显示号码的前3位和后4位" in form.fields["phone"].help_text


# 网站纠错 ----------------------------------------------------------------------------------


def test_the_site_error_link_preselects_kind_and_category(client):
    MessageCategoryFactory(name="耕地保护")
    category = MessageCategoryFactory(name="网站纠错")
    page = client.get(reverse("accessibility")).content.decode()
    link = re.search(r'href="(/zmhd/xiexin/\?kind=site_error[^"]*)"', page).group(1)
    html = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r'<option value="site_error" selected>网站纠错</option>', html)
    assert re.search(rf'<option value="{category.pk}" selected>网站纠错</option>', html)
    assert "出错的页面：http://testserver/wza/" in html


def test_the_message_form_without_the_link_preselects_no_category(client):
    MessageCategoryFactory(name="网站纠错")
    html = client.get(MESSAGE_FORM).content.decode()
    assert "selected>网站纠错" not in html


# No silent truncation ---------------------------------------------------------------------------


def test_long_text_is_not_cut_by_the_browser_but_refused_in_chinese_and_kept(client):
    category = MessageCategoryFactory()
    html = client.get(MESSAGE_FORM).content.decode()
    body = input_of(html, "body")
    assert "maxlength" not in body
    assert 'data-max-length="2000"' in body
    assert "maxlength" not in input_of(html, "subject")
    too_long = "超" * 2001
    data = {
        "kind": Message.Kind.SUGGESTION,
        "category": category.pk,
        "subject": "建议",
        "body": too_long,
        "sender_name": "刘桂兰",
        "sender_phone": "13712345678",
        "has_publication_consent": "0",
        **solved_captcha(),
    }
    response = client.post(MESSAGE_FORM, data)
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["留言内容不能超过2000字"]
    assert too_long in response.content.decode()
    assert not Message.objects.exists()


def test_every_long_text_box_of_the_request_form_has_a_counter_limit(client):
    html = client.get(REQUEST_FORM).content.decode()
    assert 'data-max-length="2000"' in input_of(html, "description")
    assert 'data-max-length="500"' in input_of(html, "purpose")
    assert "maxlength" not in html.split('name="csrfmiddlewaretoken"')[1].split("</form>")[0]


# POST-only addresses ---------------------------------------------------------------------------


def test_get_on_post_only_addresses_leads_to_their_form(client):
    consultation = published_consultation()
    url = reverse("complaints:consultation-comment", args=[consultation.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url()
    rate = reverse("complaints:message-rate", args=["ZMHD20261125-0007"])
    assert client.get(rate).url == reverse("complaints:message-status", args=["ZMHD20261125-0007"])
    withdraw = reverse("disclosure:request-withdraw", args=["YSQ2026-0012"])
    assert client.get(withdraw).url == reverse("disclosure:request-status", args=["YSQ2026-0012"])
    assert client.put(url).status_code == 405
