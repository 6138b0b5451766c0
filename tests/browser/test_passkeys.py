"""Passkeys in the browser: Chromium's virtual authenticator (DevTools WebAuthn domain) stands in
for a security key. A reviewer registers a passkey after the password login, and the next login
is password + passkey; our script runs under the site's CSP without a violation."""

import re

import pytest
from django.contrib.auth.models import Group

from portal import roles
from portal.models import AuditEntry, Passkey, SiteSettings
from tests.browser.conftest import admin_login
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demo-pass-2026"


@pytest.fixture
def reviewer(settings, live_server):
    settings.STAFF_OTP_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    user = UserFactory(username="shenheyuan", full_name="黄志强", department=DepartmentFactory())
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    return user


def test_reviewer_registers_a_passkey_then_logs_in_with_password_and_passkey(
    live_server, page, reviewer, screenshot
):
    base = live_server.url
    assert base.startswith("http://localhost:")  # a secure context, and the RP id's host
    csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_errors.append(message),
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    admin_login(page, base, "shenheyuan", PASSWORD)
    page.wait_for_url(re.compile(r".*/admin/otp/enrol/\?next="))
    assert page.get_by_text("您的角色需要启用两步验证").is_visible()

    # The name is asked for first, in Chinese, before the key is touched.
    page.get_by_role("button", name="注册通行密钥").click()
    assert page.get_by_text("请填写通行密钥名称").is_visible()
    page.get_by_label("通行密钥名称").fill("办公电脑")
    page.get_by_role("button", name="注册通行密钥").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_text("通行密钥“办公电脑”已注册").is_visible()
    credentials = cdp.send(
        "WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]}
    )["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost"
    assert Passkey.objects.get(user=reviewer).name == "办公电脑"

    # The next login: password, then the passkey.
    page.get_by_role("button", name="注销").click()
    admin_login(page, base, "shenheyuan", PASSWORD)
    page.wait_for_url(re.compile(r".*/admin/otp/verify/\?next="))
    assert page.get_by_role("heading", name="使用通行密钥").is_visible()
    assert page.get_by_label("验证码").count() == 0  # no authenticator app on this account
    screenshot(page, "passkey-verify")
    page.get_by_role("button", name="验证通行密钥").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_text("工作台").first.is_visible()

    # The 两步验证 page lists the key.
    page.get_by_role("link", name="两步验证").click()
    assert page.get_by_role("cell", name="办公电脑", exact=True).is_visible()
    screenshot(page, "passkey-list")
    page.get_by_role("button", name="删除通行密钥“办公电脑”").click()
    assert page.get_by_text("通行密钥“办公电脑”已删除").is_visible()
    assert not Passkey.objects.filter(user=reviewer).exists()

    assert csp_errors == []
    kinds = list(
        AuditEntry.objects.filter(user=reviewer)
        .exclude(kind__in=["login", "logout", "roles_changed", "account_created"])
        .values_list("kind", "detail")
    )
    assert ("otp_enrolled", "通行密钥“办公电脑”") in kinds
    assert ("otp_verified", "通行密钥“办公电脑”") in kinds
    assert ("otp_reset", "本人删除通行密钥“办公电脑”") in kinds
