"""Two-factor in the browser: a reviewer enrols an authenticator app after the password login,
and the next login asks for the app's code."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP

from portal import roles
from portal.models import AuditEntry, SiteSettings
from tests.browser.conftest import admin_login
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demo-pass-2026"


@pytest.fixture
def reviewer(settings):
    settings.STAFF_OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the test types the right code right after a wrong one
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    user = UserFactory(username="shenheyuan", full_name="黄志强", department=DepartmentFactory())
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=roles.REVIEWER))
    return user


def test_reviewer_enrols_and_then_verifies_each_login(live_server, page, reviewer, screenshot):
    base = live_server.url
    admin_login(page, base, "shenheyuan", PASSWORD)
    page.wait_for_url(re.compile(r".*/admin/otp/enrol/\?next="))
    assert page.get_by_text("您的角色需要启用两步验证").is_visible()
    assert page.locator(".otp-qr svg").is_visible()
    screenshot(page, "otp-enrol")
    key = b32decode(page.locator(".otp-key").inner_text().replace(" ", ""))

    # A wrong code first: refused in Chinese, still on the page.
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="确认启用").click()
    assert page.get_by_text("验证码不正确或已过期").is_visible()
    page.get_by_label("验证码").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="确认启用").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_text("两步验证已启用").is_visible()

    # Next login, one step later: the app's new code is asked for after the password.
    page.get_by_role("button", name="注销").click()
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        admin_login(page, base, "shenheyuan", PASSWORD)
        page.wait_for_url(re.compile(r".*/admin/otp/verify/\?next="))
        screenshot(page, "otp-verify")
        page.get_by_label("验证码").fill(f"{TOTP(key).token():06d}")
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(re.compile(r".*/admin/$"))
    assert page.get_by_text("工作台").first.is_visible()
    kinds = set(AuditEntry.objects.filter(user=reviewer).values_list("kind", flat=True))
    assert {"otp_enrolled", "otp_failed", "otp_verified"} <= kinds
