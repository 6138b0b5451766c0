"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor besides TOTP: registered, named,
verified after the password, removed by their owner or by the staff who reset second factors,
every step in the audit log. The ceremonies run for real against a software key (tests.passkeys).
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from portal import roles
from portal.models import AuditEntry, Passkey, SiteSettings, TwoFactorDevice
from tests.conftest import make_staff
from tests.passkeys import SoftPasskey, b64url

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
ENROL = reverse("admin:otp-enrol")
VERIFY = reverse("admin:otp-verify")
ITEMS = reverse("admin:disclosure_item_changelist")


@pytest.fixture(autouse=True)
def passkey_settings(settings):
    settings.STAFF_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost:8000"]
    settings.OTP_WEBAUTHN_RP_NAME = ""
    return settings


def post_json(client, name, body, query=""):
    return client.post(
        reverse(f"admin:{name}") + query, json.dumps(body), content_type="application/json"
    )


def register(client, key, name="办公电脑"):
    begin = post_json(client, "passkey-register-begin", {"name": name})
    assert begin.status_code == 200, begin.content.decode()
    complete = post_json(client, "passkey-register-complete", key.register(begin.json()))
    assert complete.status_code == 200, complete.content.decode()
    return complete.json()


def verify(client, key, next_url=ITEMS):
    begin = post_json(client, "passkey-auth-begin", {})
    assert begin.status_code == 200, begin.content.decode()
    return post_json(
        client, "passkey-auth-complete", key.authenticate(begin.json()), f"?next={next_url}"
    )


def new_login(client, user):
    client.logout()
    client.force_login(user)


def audit(user, kind):
    return list(AuditEntry.objects.filter(user=user, kind=kind).values_list("detail", flat=True))


def test_a_publishing_role_registers_a_named_passkey_as_its_first_factor(client, reviewer):
    site = SiteSettings.load()
    site.bureau_name = "江川市国土资源局"
    site.save()
    client.force_login(reviewer)
    assert client.get(ITEMS).url.startswith(ENROL)  # no factor yet: enrol first
    html = client.get(ENROL).content.decode()
    assert "通行密钥" in html and "注册通行密钥" in html and "js/passkey.js" in html

    begin = post_json(client, "passkey-register-begin", {"name": "办公电脑"})
    options = begin.json()
    assert options["rp"] == {"name": "江川市国土资源局政务公开管理平台", "id": "localhost"}
    assert options["user"]["name"] == "reviewer"
    key = SoftPasskey()
    complete = post_json(
        client, "passkey-register-complete", key.register(options), f"?next={ITEMS}"
    )
    assert complete.status_code == 200
    assert complete.json()["redirect_url"] == ITEMS

    passkey = Passkey.objects.get(user=reviewer)
    assert passkey.name == "办公电脑" and passkey.confirmed
    assert audit(reviewer, AuditEntry.Kind.OTP_ENROLLED) == ["通行密钥“办公电脑”"]
    # The first factor verifies this session: the admin opens, and the page lists the key.
    assert client.get(ITEMS).status_code == 200
    html = client.get(ENROL).content.decode()
    assert "办公电脑" in html and "删除通行密钥“办公电脑”" in html


def test_the_name_is_checked_field_by_field_before_the_ceremony(client, officer):
    client.force_login(officer)
    response = post_json(client, "passkey-register-begin", {"name": ""})
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["请填写通行密钥名称"]
    response = post_json(client, "passkey-register-begin", {"name": "名" * 65})
    assert response.json()["errors"]["name"] == ["名称最多 64 个字（现有 65 个）"]
    register(client, SoftPasskey(), name="YubiKey")
    response = post_json(client, "passkey-register-begin", {"name": "YubiKey"})
    assert response.json()["errors"]["name"] == ["您已有同名的通行密钥，请换一个名称"]
    assert Passkey.objects.filter(user=officer).count() == 1


def test_the_passkey_form_sent_without_javascript_keeps_the_name(client, reviewer):
    client.force_login(reviewer)
    response = client.post(ENROL, {"name": "办公电脑"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "注册通行密钥需要浏览器启用 JavaScript" in html and 'value="办公电脑"' in html
    assert (
        not Passkey.objects.exists() and not AuditEntry.objects.filter(kind="otp_failed").exists()
    )
    assert not TwoFactorDevice.objects.filter(user=reviewer, confirmed=True).exists()


def test_a_user_with_only_a_passkey_is_asked_to_verify_with_it(client, reviewer):
    client.force_login(reviewer)
    key = SoftPasskey()
    register(client, key)
    new_login(client, reviewer)

    response = client.get(ITEMS)
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    html = client.get(response.url).content.decode()
    assert "使用通行密钥" in html and "验证通行密钥" in html
    assert 'name="token"' not in html  # no authenticator app: no code field
    assert "js/passkey.js" in html

    response = verify(client, key)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["redirect_url"] == ITEMS
    assert client.get(ITEMS).status_code == 200
    assert audit(reviewer, AuditEntry.Kind.OTP_VERIFIED) == ["通行密钥“办公电脑”"]
    assert Passkey.objects.get(user=reviewer).last_used_at is not None


def test_before_verifying_no_new_factor_can_be_added_or_removed(client, reviewer):
    client.force_login(reviewer)
    key = SoftPasskey()
    register(client, key)
    new_login(client, reviewer)
    passkey = Passkey.objects.get(user=reviewer)

    # The 两步验证 page (a new authenticator app) and the passkey registration stay closed.
    assert client.get(ENROL).url.startswith(VERIFY)
    response = post_json(client, "passkey-register-begin", {"name": "另一个"})
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    response = client.post(reverse("admin:passkey-remove", args=[passkey.pk]))
    assert response.url.startswith(VERIFY)
    assert Passkey.objects.filter(user=reviewer).count() == 1
    assert not TwoFactorDevice.objects.filter(user=reviewer).exists()


def test_a_wrong_signature_or_another_users_key_is_refused_and_audited(client, reviewer):
    client.force_login(reviewer)
    key = SoftPasskey()
    register(client, key)
    new_login(client, reviewer)

    begin = post_json(client, "passkey-auth-begin", {})
    answer = key.authenticate(begin.json())
    answer["response"]["signature"] = answer["response"]["signature"][::-1]
    response = post_json(client, "passkey-auth-complete", answer)
    assert response.status_code == 422
    assert response.json()["detail"] == "通行密钥验证未通过，请重试或改用其他方式"
    assert client.get(ITEMS).status_code == 302
    assert audit(reviewer, AuditEntry.Kind.OTP_FAILED) == [
        "登录时通行密钥验证未通过（invalid_authentication_response）"
    ]

    # The same answer cannot be replayed: the challenge was used up.
    response = post_json(client, "passkey-auth-complete", key.authenticate(begin.json()))
    assert response.status_code == 400 and response.json()["detail"] == "验证已过期，请重试"

    # A colleague's key does not verify this account.
    colleague = make_staff(roles.OFFICER, username="colleague")
    other_key = SoftPasskey()
    new_login(client, colleague)
    register(client, other_key)
    new_login(client, reviewer)
    begin = post_json(client, "passkey-auth-begin", {})
    # (the browser offers only this account's keys; a tampered page could offer another)
    other_key_answer = other_key.authenticate(
        {**begin.json(), "allowCredentials": [{"id": b64url(other_key.credential_id)}]}
    )
    response = post_json(client, "passkey-auth-complete", other_key_answer)
    assert response.status_code == 403
    assert response.json()["detail"] == "该通行密钥不属于当前登录的账号"
    assert client.get(ITEMS).status_code == 302


@pytest.mark.parametrize(
    "body", ["not json", "[1, 2]", '{"id": "x"}', '{"response": 1, "rawId": []}']
)
def test_malformed_answers_get_a_chinese_error_not_a_500(client, officer, body):
    client.force_login(officer)
    response = client.post(
        reverse("admin:passkey-register-begin"), body, content_type="application/json"
    )
    assert response.status_code == 400
    post_json(client, "passkey-register-begin", {"name": "办公电脑"})
    for name in ["passkey-register-complete", "passkey-auth-complete"]:
        if name == "passkey-auth-complete":
            post_json(client, "passkey-auth-begin", {})
        response = client.post(reverse(f"admin:{name}"), body, content_type="application/json")
        assert 400 <= response.status_code < 500, response.content.decode()
        assert any("\u4e00" <= char <= "\u9fff" for char in response.json()["detail"])
    assert not Passkey.objects.exists()


def test_totp_still_works_for_an_account_with_both(client, reviewer):
    client.force_login(reviewer)
    client.get(ENROL)
    device = TwoFactorDevice.objects.get(user=reviewer)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post(ENROL, {"token": f"{code:06d}"}).status_code == 302
    register(client, SoftPasskey())
    new_login(client, reviewer)

    html = client.get(client.get(ITEMS).url).content.decode()
    assert "使用通行密钥" in html and "使用验证码（TOTP）" in html and 'name="token"' in html
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        device.refresh_from_db()
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        response = client.post(VERIFY, {"token": f"{code:06d}", "next": ITEMS})
        assert response.status_code == 302 and response.url == ITEMS
        assert client.get(ITEMS).status_code == 200
    assert audit(reviewer, AuditEntry.Kind.OTP_VERIFIED) == ["身份验证器"]


def test_the_owner_removes_their_own_passkey_only(client, officer, reviewer):
    client.force_login(reviewer)
    register(client, SoftPasskey(), name="旧钥匙")
    theirs = Passkey.objects.get(user=reviewer)
    client.force_login(officer)
    register(client, SoftPasskey(), name="我的钥匙")
    mine = Passkey.objects.get(user=officer)

    response = client.post(reverse("admin:passkey-remove", args=[theirs.pk]), follow=True)
    assert "未找到该通行密钥" in response.content.decode()
    assert Passkey.objects.filter(pk=theirs.pk).exists()
    assert client.get(reverse("admin:passkey-remove", args=[mine.pk])).status_code == 405

    response = client.post(reverse("admin:passkey-remove", args=[mine.pk]), follow=True)
    assert "通行密钥“我的钥匙”已删除" in response.content.decode()
    assert not Passkey.objects.filter(pk=mine.pk).exists()
    assert audit(officer, AuditEntry.Kind.OTP_RESET) == ["本人删除通行密钥“我的钥匙”"]


def test_the_security_admin_removes_a_lost_passkey_in_the_admin(client, reviewer, department):
    client.force_login(reviewer)
    register(client, SoftPasskey(), name="遗失的钥匙")
    passkey = Passkey.objects.get(user=reviewer)
    security_admin = make_staff(roles.SECURITY_ADMIN, department, username="anquan")
    changelist = reverse("admin:portal_passkey_changelist")

    officer = make_staff(roles.OFFICER, department, username="xinxiyuan")
    client.force_login(officer)
    assert client.get(changelist).status_code == 403

    client.force_login(security_admin)
    html = client.get(changelist).content.decode()
    assert "遗失的钥匙" in html and "黄志强" in html
    delete = reverse("admin:portal_passkey_delete", args=[passkey.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    assert audit(reviewer, AuditEntry.Kind.OTP_RESET) == ["由 anquan 删除通行密钥“遗失的钥匙”"]
    # Without a factor left, the reviewer's next login enrols again.
    new_login(client, reviewer)
    assert client.get(ITEMS).url.startswith(ENROL)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_staff_role_is_offered_two_factor(client, settings, department, role):
    settings.STAFF_OTP_REQUIRED = False  # optional for this role or not, the offer is there
    user = make_staff(role, department, username="someone")
    client.force_login(user)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "身份验证器应用" in html and "注册通行密钥" in html
    assert f'href="{ENROL}"' in client.get(INDEX).content.decode()
