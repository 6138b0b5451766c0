import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from portal.captcha import MISSING_SOLUTION
from portal.forms import CitizenForm, clean_mobile, public_form_limits
from tests.captcha import solved_captcha

pytestmark = pytest.mark.django_db


class SampleForm(CitizenForm):
    phone = forms.CharField(label="手机号码")


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "+8613812345678", "138-1234-5678"])
def test_clean_mobile_accepts_common_ways_of_writing(raw):
    assert clean_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["", "12345678901", "1381234567", "abcdefghijk", "0571-87654321"])
def test_clean_mobile_rejects_in_chinese(raw):
    with pytest.raises(ValidationError) as excinfo:
        clean_mobile(raw)
    assert excinfo.value.code == "invalid_phone"
    assert "手机号码" in excinfo.value.messages[0]


def test_citizen_form_puts_antispam_fields_last_and_rejects_honeypot():
    form = SampleForm(
        data={
            "phone": "13812345678",
            "website": "http://spam.example",
            **solved_captcha(),
        }
    )
    assert list(form.fields)[-2:] == ["website", "captcha"]
    assert not form.is_valid()
    assert form.errors.as_data()["website"][0].code == "honeypot"


def test_citizen_form_requires_captcha_in_chinese():
    form = SampleForm(data={"phone": "13812345678"})
    assert not form.is_valid()
    assert form.errors["captcha"] == [MISSING_SOLUTION]
    assert "人机验证未完成" in MISSING_SOLUTION


def test_public_form_limits_per_ip_and_per_phone(settings):
    settings.PUBLIC_FORM_RATES = {"ip": "3/h", "phone": "2/h"}
    factory = RequestFactory()
    view = public_form_limits("sample")(lambda request: HttpResponse("ok"))
    from django_ratelimit.exceptions import Ratelimited

    # The same phone from different addresses: the third is refused.
    for i in range(2):
        assert (
            view(factory.post("/", {"phone": "13812345678"}, REMOTE_ADDR=f"10.0.0.{i}")).content
            == b"ok"
        )
    with pytest.raises(Ratelimited):
        view(factory.post("/", {"phone": "13812345678"}, REMOTE_ADDR="10.0.0.9"))
    # The same address with different phones: the fourth is refused.
    for i in range(3):
        view(factory.post("/", {"phone": f"1391234567{i}"}, REMOTE_ADDR="10.1.1.1"))
    with pytest.raises(Ratelimited):
        view(factory.post("/", {"phone": "13700000000"}, REMOTE_ADDR="10.1.1.1"))
    # Reading the form is never limited.
    for _ in range(5):
        assert view(factory.get("/", REMOTE_ADDR="10.1.1.1")).content == b"ok"


def test_rate_limited_request_gets_chinese_429(client, settings):
    from portal.views import rate_limited

    response = rate_limited(RequestFactory().get("/"))
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
