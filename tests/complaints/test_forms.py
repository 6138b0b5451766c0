import pytest

from complaints.forms import LookupForm, MessageForm, RatingForm
from complaints.models import Message
from disclosure.forms import LookupForm as RequestLookupForm
from tests.captcha import solved_captcha
from tests.complaints.factories import QUERY_CODE, MessageCategoryFactory, MessageFactory

pytestmark = pytest.mark.django_db


def message_data(**overrides):
    return {
        "kind": "suggestion",
        "category": MessageCategoryFactory(name="耕地保护").pk,
        "subject": "建议加强基本农田巡查",
        "body": "建议在农忙季节加强对基本农田的巡查，防止乱占乱建。",
        "sender_name": "刘桂兰",
        "sender_phone": "+86 137-1234-5678",
        "sender_email": "liu@example.com",
        "has_publication_consent": "0",
        **solved_captcha(),
        **overrides,
    }


def test_message_form_cleans_and_saves_through_the_service():
    form = MessageForm(data=message_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sender_phone"] == "13712345678"
    assert form.cleaned_data["has_publication_consent"] is False
    submission = form.save(ip="10.1.2.3")
    assert submission.message.has_publication_consent is False
    assert Message.objects.get().sender_ip == "10.1.2.3"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("sender_phone", "0571-87654321", "invalid_phone"),
        ("body", "太短", "body_too_short"),
        ("body", "长" * 2001, "max_length"),
        ("sender_email", "not-an-email", "invalid"),
        ("kind", "praise", "invalid_choice"),
        ("category", "999999", "invalid_choice"),
        ("subject", "", "required"),
    ],
)
def test_message_form_errors_have_codes_and_chinese_text(field, value, code):
    form = MessageForm(data=message_data(**{field: value}))
    assert not form.is_valid()
    error = form.errors.as_data()[field][0]
    assert error.code == code
    assert any("\u4e00" <= char <= "\u9fff" for char in form.errors[field][0])


def test_inactive_categories_are_not_offered():
    MessageCategoryFactory(name="已停用类别", is_active=False)
    assert "已停用类别" not in str(MessageForm()["category"])


def test_lookup_form_gives_one_generic_error():
    message = MessageFactory()
    wrong = LookupForm(data={"tracking_number": message.tracking_number, "query_code": "NOPE"})
    assert not wrong.is_valid()
    assert wrong.errors.as_data()["__all__"][0].code == "lookup_failed"
    right = LookupForm(
        data={"tracking_number": f" {message.tracking_number.lower()} ", "query_code": QUERY_CODE}
    )
    assert right.is_valid() and right.record == message
    empty = LookupForm(data={})
    assert empty.errors["tracking_number"] == ["请填写受理编号"]
    assert empty.errors["query_code"] == ["请填写查询码"]
    assert "如 ZMHD20261125-0007" in str(empty["tracking_number"].help_text)


def test_request_lookup_form_names_its_number():
    form = RequestLookupForm(data={"tracking_number": "YSQ2026-9999", "query_code": "ABCDEFGH"})
    assert not form.is_valid()
    assert form.errors["__all__"] == ["申请编号或查询码不正确，请核对后重新输入"]
    assert RequestLookupForm(data={}).errors["tracking_number"] == ["请填写申请编号"]


def test_rating_form_needs_a_reason_for_unsatisfied():
    form = RatingForm(data={"rating": "unsatisfied", "comment": ""})
    assert not form.is_valid()
    assert form.errors.as_data()["comment"][0].code == "reason_required"
    assert RatingForm(data={"rating": "fair"}).is_valid()
