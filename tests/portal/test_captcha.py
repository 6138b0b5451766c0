"""The anti-bot check (portal/captcha.py): a proof of work, solved once, before it expires."""

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import timezone

from portal.captcha import new_challenge
from portal.forms import CitizenForm
from tests.captcha import solve, solved_captcha

pytestmark = pytest.mark.django_db


class SampleForm(CitizenForm):
    phone = forms.CharField(label="手机号码")


def errors_of(data):
    form = SampleForm(data={"phone": "13812345678", **data})
    assert not form.is_valid()
    return form.errors.as_data()["captcha"]


def encoded(value):
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_a_solved_challenge_passes():
    form = SampleForm(data={"phone": "13812345678", **solved_captcha()})
    assert form.is_valid(), form.errors


def test_without_a_solution_the_form_is_refused_in_chinese():
    (error,) = errors_of({})
    assert "人机验证未完成" in error.messages[0]


def test_a_solution_is_used_once():
    data = solved_captcha()
    assert SampleForm(data={"phone": "13812345678", **data}).is_valid()
    (error,) = errors_of(data)
    assert error.code == "replayed"
    assert "已使用过" in error.messages[0]


def test_an_expired_solution_is_refused(settings):
    data = solved_captcha()
    later = timezone.now() + timedelta(seconds=settings.CAPTCHA_EXPIRES_SECONDS + 1)
    with time_machine.travel(later):
        (error,) = errors_of(data)
    assert error.code == "expired"
    assert "已过期" in error.messages[0]


def test_a_wrong_number_is_refused():
    challenge = new_challenge()
    payload = json.loads(base64.b64decode(solve(challenge)))
    payload["number"] += 1
    (error,) = errors_of({"captcha": encoded(payload)})
    assert error.code == "invalid"
    assert "人机验证未通过" in error.messages[0]


def test_a_challenge_signed_with_another_key_is_refused(settings):
    challenge = new_challenge()
    payload = solve(challenge)
    settings.SECRET_KEY = "another-key-of-another-site-0123456789abcdefghijklmnopqrstuvwxyz"
    (error,) = errors_of({"captcha": payload})
    assert error.code == "invalid"


def test_a_longer_expiry_written_into_the_salt_breaks_the_signature():
    challenge = new_challenge()
    payload = json.loads(base64.b64decode(solve(challenge)))
    payload["salt"] = payload["salt"].replace("expires=", "expires=9")
    (error,) = errors_of({"captcha": encoded(payload)})
    assert error.code == "invalid"


@pytest.mark.parametrize(
    "value",
    [
        "WRONG",
        "x" * 5000,
        encoded(["algorithm", "challenge", "number", "salt", "signature"]),
        encoded({"algorithm": "SHA-256", "challenge": 1, "number": "1", "salt": 2}),
        encoded({"algorithm": "MD5", "challenge": "a", "number": 1, "salt": "b", "signature": "c"}),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
def test_forged_payloads_are_refused_without_error(value):
    (error,) = errors_of({"captcha": value})
    assert error.code in {"missing", "invalid"}


def test_the_challenge_endpoint_gives_a_fresh_uncached_challenge(client, settings):
    url = reverse("captcha-challenge")
    first = client.get(url)
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    challenge = first.json()
    assert set(challenge) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert challenge["maxNumber"] == settings.CAPTCHA_MAX_NUMBER
    assert challenge != client.get(url).json()
    assert client.post(url).status_code == 405


def test_the_form_shows_a_live_status_a_script_and_a_message_without_javascript(client):
    html = client.get(reverse("complaints:message-create")).content.decode()
    assert 'role="group" aria-labelledby="id_captcha_label"' in html
    assert '<input type="hidden" name="captcha" id="id_captcha" value="">' in html
    assert 'role="status"' in html
    assert "自动完成一次人机验证" in html
    assert "<noscript>" in html and "启用 JavaScript" in html
    assert 'src="/static/js/captcha.js"' in html
    assert 'data-challenge-url="/captcha/challenge/"' in html


def test_a_form_shown_again_does_not_carry_the_used_solution(client):
    data = solved_captcha()
    response = client.post(reverse("complaints:message-create"), {"body": "短", **data})
    assert response.status_code == 200
    assert data["captcha"] not in response.content.decode()


def test_the_challenge_endpoint_reads_nothing_from_the_database(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        assert client.get(reverse("captcha-challenge")).status_code == 200
