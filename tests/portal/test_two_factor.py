"""TOTP two-factor (django-otp): required for roles that publish, optional for other staff."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from portal.models import AuditEntry, SiteSettings, TwoFactorDevice

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
ENROL = reverse("admin:otp-enrol")
VERIFY = reverse("admin:otp-verify")
PASSWORD = "correct-horse-9X"


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # tests type a wrong code and then the right one
    return settings


def code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def login(client, user):
    """Log in with the password form, as staff do (django-axes needs the request)."""
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": INDEX}
    )
    assert response.status_code == 302, response.content.decode()


def enrol(client, user):
    """Enrol the logged-in user through the page, as they would; return the device.

    The clock then moves on one TOTP step: a code is accepted once only (replay protection),
    so the next login needs the next code, as on a real phone."""
    client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=user)
    response = client.post(ENROL, {"token": code(device), "next": INDEX})
    assert response.status_code == 302, response.content.decode()
    traveller = time_machine.travel(timezone.now() + timedelta(seconds=device.step + 1))
    traveller.start()
    _travellers.append(traveller)
    return device


_travellers = []


@pytest.fixture(autouse=True)
def stop_travel():
    yield
    while _travellers:
        _travellers.pop().stop()


def kinds(user):
    return list(AuditEntry.objects.filter(user=user).values_list("kind", flat=True))


@pytest.mark.parametrize("role", ["reviewer", "disclosure_office", "leadership"])
def test_publishing_roles_must_enrol_before_using_the_admin(client, request, role):
    user = request.getfixturevalue(role)
    login(client, user)
    response = client.get(reverse("admin:disclosure_item_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(ENROL)
    assert "next=" in response.url


def test_enrolment_page_shows_a_qr_code_and_the_manual_key(client, reviewer):
    login(client, reviewer)
    response = client.get(ENROL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "启用两步验证" in html and "您的角色需要启用两步验证" in html
    assert '<div class="otp-qr"' in html and "<svg" in html and "手动输入密钥" in html
    device = TwoFactorDevice.objects.get(user=reviewer, confirmed=False)
    key = re.search(r'<code class="otp-key">([A-Z2-7 ]+)</code>', html).group(1)
    from base64 import b32decode

    assert b32decode(key.replace(" ", "")) == device.bin_key
    # Reloading the page keeps the same unconfirmed device (the app already scanned it).
    client.get(ENROL)
    assert TwoFactorDevice.objects.filter(user=reviewer).count() == 1


def test_the_app_names_the_bureau_from_the_site_settings(client, reviewer):
    site = SiteSettings.load()
    site.bureau_name = "江川市国土资源局"
    site.save()
    login(client, reviewer)
    client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=reviewer)
    issuer = quote("江川市国土资源局政务公开管理平台")
    assert f"issuer={issuer}" in device.config_url
    assert device.config_url.startswith(f"otpauth://totp/{issuer}%3A")


def test_enrolment_with_a_bad_code_is_refused_and_logged(client, reviewer):
    login(client, reviewer)
    client.get(ENROL)
    response = client.post(ENROL, {"token": "000000"})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert not TwoFactorDevice.objects.get(user=reviewer).confirmed
    assert "otp_failed" in kinds(reviewer)
    response = client.post(ENROL, {"token": "12ab"})
    assert "请填写身份验证器应用显示的 6 位数字" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_enrolment_with_the_right_code_opens_the_admin_and_is_logged(client, reviewer):
    login(client, reviewer)
    device = enrol(client, reviewer)
    device.refresh_from_db()
    assert device.confirmed
    assert "otp_enrolled" in kinds(reviewer)
    assert client.get(INDEX).status_code == 200
    # The page now says two-factor is on instead of offering a new key.
    html = client.get(ENROL).content.decode()
    assert "已启用两步验证" in html and "otp-qr" not in html


def test_next_login_asks_for_the_code_bad_code_then_good(client, reviewer):
    login(client, reviewer)
    device = enrol(client, reviewer)
    client.logout()
    login(client, reviewer)
    target = reverse("admin:disclosure_item_changelist")
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    response = client.post(VERIFY, {"token": "999999", "next": target})
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(target).status_code == 302
    half_session = client.session.session_key
    response = client.post(VERIFY, {"token": code(device), "next": target})
    assert response.status_code == 302 and response.url == target
    # The session id seen before the second factor no longer opens anything.
    assert client.session.session_key != half_session
    assert client.get(target).status_code == 200
    assert kinds(reviewer).count("otp_failed") == 1
    assert "otp_verified" in kinds(reviewer)


def test_verify_refuses_an_outside_next_url(client, reviewer):
    login(client, reviewer)
    device = enrol(client, reviewer)
    client.logout()
    login(client, reviewer)
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response.url == INDEX


def test_other_staff_may_use_the_admin_without_and_enrol_optionally(client, officer):
    login(client, officer)
    assert client.get(INDEX).status_code == 200
    html = client.get(ENROL).content.decode()
    assert "启用两步验证后" in html and "您的角色需要" not in html
    enrol(client, officer)
    client.logout()
    login(client, officer)
    assert client.get(INDEX).url.startswith(VERIFY)


def test_setting_off_lets_publishing_roles_in_without_a_device(client, reviewer, settings):
    settings.STAFF_OTP_REQUIRED = False
    login(client, reviewer)
    assert client.get(INDEX).status_code == 200


def test_logout_and_public_pages_stay_open_before_verification(client, reviewer):
    login(client, reviewer)
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("admin:logout")).status_code in {200, 302}


def test_security_admin_resets_a_lost_device_and_the_owner_enrols_again(client, reviewer, settings):
    from portal import roles
    from tests.conftest import make_staff

    login(client, reviewer)
    device = enrol(client, reviewer)
    client.logout()
    settings.STAFF_OTP_REQUIRED = False  # the security admin here has no device of their own
    client.force_login(make_staff(roles.SECURITY_ADMIN, username="anquan"))
    changelist = reverse("admin:portal_twofactordevice_changelist")
    assert reviewer.full_name in client.get(changelist).content.decode()
    response = client.post(
        reverse("admin:portal_twofactordevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=reviewer).exists()
    assert "otp_reset" in kinds(reviewer)
    settings.STAFF_OTP_REQUIRED = True
    client.logout()
    login(client, reviewer)
    assert client.get(INDEX).url.startswith(ENROL)


def test_audit_log_names_the_two_factor_events_in_chinese():
    labels = dict(AuditEntry.Kind.choices)
    assert labels["otp_enrolled"] == "启用两步验证"
    assert labels["otp_failed"] == "两步验证失败"
