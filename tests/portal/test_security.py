"""Security hardening: password rules, lockout, staff idle expiry, audit log, masked log lines."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.log_masking import MaskPersonalDataFilter
from portal.models import AuditEntry
from portal.password_validation import CharacterClassValidator
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9X"  # the factories' password: 16 characters, four classes


# Passwords ------------------------------------------------------------------------------------
@pytest.mark.parametrize("password", ["Tudi2026guihua", "tudi-2026-guihua", "TUDI#guihua!x"])
def test_strong_passwords_pass(password):
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("tudiguihua2026", "password_too_simple"),  # lower case and digits only
        ("TUDIGUIHUAJU", "password_too_simple"),
        ("Ab1!xyz", "password_too_short"),
    ],
)
def test_weak_passwords_fail_with_chinese_messages(password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in {error.code for error in exc.value.error_list}
    assert all("密码" in message for message in exc.value.messages)


def test_character_class_message_names_what_is_missing():
    with pytest.raises(ValidationError) as exc:
        CharacterClassValidator().validate("tudiguihua2026")
    assert "大写字母、符号" in exc.value.messages[0]
    assert "至少 3 类" in CharacterClassValidator().get_help_text()


def test_admin_password_change_form_refuses_a_weak_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "guihuaju2026",
            "new_password2": "guihuaju2026",
        },
    )
    assert response.status_code == 200
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in response.text


# Lockout --------------------------------------------------------------------------------------
def login(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="10.1.2.3",
    )


def test_five_failures_lock_the_account_with_a_chinese_page(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "officer", "wrong-Password-1").status_code == 200
    response = login(client, "officer", "wrong-Password-1")
    assert response.status_code == 429
    assert "登录失败次数过多，账号已暂时锁定" in response.text
    assert "请 30 分钟后再试" in response.text
    # Even the right password is refused while locked.
    locked = login(client, "officer", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    kinds = list(AuditEntry.objects.filter(username="officer").values_list("kind", flat=True))
    assert kinds.count(AuditEntry.Kind.LOGIN_FAILED) >= settings.AXES_FAILURE_LIMIT
    lockout = AuditEntry.objects.filter(kind=AuditEntry.Kind.LOCKOUT).first()
    assert lockout.user == officer
    assert lockout.ip_address == "10.1.2.3"


def test_an_overlong_user_name_is_refused_before_authentication(client):
    # Found by the fuzz test on PostgreSQL: 300 four-byte characters overflowed the lockout record.
    response = login(client, "𠀀" * 300, "<script>alert(1)</script>")
    assert response.status_code == 200
    assert "用户名最多 150 个字符" in response.text
    assert not AuditEntry.objects.exists()


def test_lockout_ends_after_the_cooloff(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer", "wrong-Password-1")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert login(client, "officer", PASSWORD).status_code == 302


# Idle expiry ----------------------------------------------------------------------------------
def test_staff_session_expires_after_30_idle_minutes(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(officer)
        index = reverse("admin:index")
        assert client.get(index).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(index).status_code == 200  # activity keeps the session alive
        traveller.shift(timedelta(minutes=29))
        assert client.get(index).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(index)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.IDLE_TIMEOUT)
    assert entry.user == officer
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGOUT).exists()


def test_public_pages_stay_session_free(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


# Audit log ------------------------------------------------------------------------------------
def test_login_and_logout_are_audited(client, officer):
    assert login(client, "officer", PASSWORD).status_code == 302
    client.post(reverse("admin:logout"))
    entries = AuditEntry.objects.exclude(kind=AuditEntry.Kind.ROLES_CHANGED).order_by("at", "pk")
    assert [e.kind for e in entries] == [AuditEntry.Kind.LOGIN, AuditEntry.Kind.LOGOUT]
    assert all(e.user == officer and e.ip_address for e in entries)


def test_failed_login_of_unknown_user_is_audited_without_the_password(client):
    login(client, "nobody", "Secret-Password-1")
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.username, entry.user) == (
        AuditEntry.Kind.LOGIN_FAILED,
        "nobody",
        None,
    )
    assert "Secret" not in entry.detail


def test_role_and_permission_changes_are_audited():
    user = UserFactory()
    group = Group.objects.get(name=roles.REVIEWER)
    user.groups.add(group)
    group.user_set.remove(user)
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    user.groups.add(group)
    user.groups.clear()
    details = list(AuditEntry.objects.order_by("pk").values_list("kind", "detail"))
    assert details == [
        ("roles_changed", "增加角色：审核员"),
        ("roles_changed", "移除：审核员"),
        ("permissions_changed", "增加权限：view_auditentry"),
        ("roles_changed", "增加角色：审核员"),
        ("roles_changed", "清空角色：审核员"),
    ]


def test_prune_audit_log_keeps_180_days():
    now = timezone.now()
    old = AuditEntry.objects.create(kind="login", username="a", at=now - timedelta(days=181))
    kept = AuditEntry.objects.create(kind="login", username="b", at=now - timedelta(days=179))
    out = StringIO()
    call_command("prune_audit_log", stdout=out)
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert "已删除 1 条" in out.getvalue()


def test_retention_cannot_be_set_below_180_days():
    assert settings.AUDIT_RETENTION_DAYS >= 180


def test_the_auditor_reads_the_audit_log_and_nobody_edits_it(client, disclosure_office, officer):
    from tests.conftest import make_staff

    AuditEntry.objects.create(kind="login", username="officer", user=officer)
    client.force_login(disclosure_office)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 403
    client.force_login(make_staff(roles.AUDIT_ADMIN, username="shenji"))
    changelist = client.get(reverse("admin:portal_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "officer" in changelist.text
    entry = AuditEntry.objects.filter(username="officer").first()
    page = client.get(reverse("admin:portal_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and "保存" not in page.text
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    client.force_login(officer)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 403


# Log lines ------------------------------------------------------------------------------------
def test_log_lines_never_carry_phone_or_id_numbers():
    record = logging.LogRecord(
        "portal",
        logging.INFO,
        __file__,
        1,
        "来电 %s 身份证 %s",
        ("13812345678", "330106199001011234"),
        None,
    )
    assert MaskPersonalDataFilter().filter(record) is True
    message = record.getMessage()
    assert "13812345678" not in message and "330106199001011234" not in message
    assert "138****5678" in message
    console = settings.LOGGING["handlers"]["console"]
    assert "mask_personal_data" in console["filters"]


def test_dropping_the_activity_cookie_does_not_escape_the_clock(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(officer)
        assert client.get(reverse("admin:index")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        del client.cookies["staff_activity"]
        assert client.get(reverse("admin:index")).status_code == 302


def test_a_forged_activity_cookie_is_ignored(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(officer)
        traveller.shift(timedelta(minutes=31))
        client.cookies["staff_activity"] = f"{officer.pk}:9999999999:forged"
        assert client.get(reverse("admin:index")).status_code == 302


def test_access_flag_changes_are_audited_and_other_saves_are_not():
    user = UserFactory(is_staff=True)
    user.full_name = "新名字"
    user.save()
    user.is_superuser = True
    user.is_active = False
    user.save()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERMISSIONS_CHANGED)
    assert entry.user == user
    assert entry.detail == "启用：是→否；超级管理员：否→是"


def test_a_login_is_not_a_permission_change(client, officer):
    assert login(client, "officer", PASSWORD).status_code == 302
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.PERMISSIONS_CHANGED).exists()


# Honest checks ------------------------------------------------------------------------------
def test_security_txt_names_a_contact_and_an_expiry(client, settings):
    """RFC 9116: Contact and Expires are required; Expires lies ahead, within the set days."""
    import datetime

    from portal.models import SiteSettings

    site = SiteSettings.load()
    site.email = "xxgk@gtj.example.gov.cn"
    site.save()
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.text.strip().splitlines())
    assert fields["Contact"] == "mailto:xxgk@gtj.example.gov.cn"
    assert fields["Canonical"].endswith("/.well-known/security.txt")
    expires = datetime.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.UTC
    )
    assert timezone.now() < expires <= timezone.now() + datetime.timedelta(days=180)

    settings.SECURITY_CONTACTS = ["mailto:security@example.gov.cn", "https://example.gov.cn/aq"]
    lines = client.get("/.well-known/security.txt").text.splitlines()
    assert lines[:2] == [
        "Contact: mailto:security@example.gov.cn",
        "Contact: https://example.gov.cn/aq",
    ]


def test_deploy_check_warns_without_a_shared_cache(settings):
    from portal.checks import check_shared_cache

    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (warning,) = check_shared_cache(None)
    assert warning.id == "portal.W003"
    assert "访问频率限制" in warning.msg and "CACHE_URL" in warning.hint
    settings.CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": "x"}}
    assert check_shared_cache(None) == []


# The admin from the bureau's networks only ------------------------------------------------
def test_admin_is_refused_outside_the_allowed_networks_with_a_chinese_page(client, settings):
    settings.ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16", "192.168.8.0/24"]
    response = client.get("/admin/login/", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert "管理后台仅限单位内部网络访问" in response.text
    assert (
        client.post("/admin/login/", {"username": "x"}, REMOTE_ADDR="203.0.113.9").status_code
        == 403
    )
    # Inside a listed network the login page answers; the public site answers everyone.
    assert client.get("/admin/login/", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="192.168.8.200").status_code == 200
    assert client.get("/robots.txt", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_admin_networks_empty_allow_any_address_and_production_is_warned(client, settings):
    from portal.checks import check_admin_networks

    settings.ADMIN_ALLOWED_NETWORKS = []
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.9").status_code == 200
    settings.DEBUG = False
    (warning,) = check_admin_networks(None)
    assert warning.id == "portal.W004"
    settings.ADMIN_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert check_admin_networks(None) == []


# Password expiry and history, dormant accounts (等保) ------------------------------------------
def change_password(client, old, new):
    return client.post(
        reverse("admin:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_the_last_five_passwords_cannot_be_used_again(client, officer):
    client.force_login(officer)
    passwords = [PASSWORD] + [f"Guihua#2027-{n}" for n in range(1, 7)]
    for old, new in zip(passwords[:5], passwords[1:6], strict=True):
        response = change_password(client, old, new)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:password_change_done")
    officer.refresh_from_db()
    assert officer.password_history.count() == 5
    # The current one and four before it are refused, with a Chinese message; nothing is changed.
    response = change_password(client, passwords[5], passwords[2])
    assert response.status_code == 200
    assert "新密码不能与最近使用过的 5 个密码相同" in response.text
    # The factory's password was set before the history began (as on an old account): allowed.
    response = change_password(client, passwords[5], passwords[0])
    assert response["Location"] == reverse("admin:password_change_done")
    kinds = AuditEntry.objects.filter(user=officer, kind="password_changed").count()
    assert kinds == 6


def test_an_expired_password_is_changed_before_any_admin_page(client, officer):
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=181)):
        client.force_login(officer)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:password_change")
        page = client.get(reverse("admin:password_change"))
        assert page.status_code == 200
        assert "您的密码已使用超过 180 天" in page.text
        assert change_password(client, PASSWORD, "Guihua#2027-new").status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


def test_password_expiry_can_be_switched_off(officer, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert not officer.is_password_expired(now=timezone.now() + timedelta(days=1000))


def test_accounts_unused_for_90_days_are_disabled_and_audited(officer, reviewer):
    from portal.models import User

    now = timezone.now()
    User.objects.filter(pk=officer.pk).update(last_login=now - timedelta(days=91))
    User.objects.filter(pk=reviewer.pk).update(last_login=now - timedelta(days=89))
    never = UserFactory(is_staff=True, date_joined=now - timedelta(days=120))
    out = StringIO()
    call_command("disable_inactive_accounts", stdout=out)
    assert "共停用 2 个" in out.getvalue()
    assert set(User.objects.filter(is_active=False).values_list("pk", flat=True)) == {
        officer.pk,
        never.pk,
    }
    entry = AuditEntry.objects.get(kind="account_disabled", user=officer)
    assert "超过 90 天未登录" in entry.detail
    # Run again: nothing more to do (the task says the same).
    from portal.tasks import disable_inactive_accounts

    assert disable_inactive_accounts.enqueue().return_value == 0


def test_a_lockout_is_per_account_and_address_so_colleagues_behind_the_nat_log_in(
    client, officer, reviewer, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer", "wrong-Password-1")
    assert login(client, "officer", PASSWORD).status_code == 429
    # A colleague behind the same address logs in; the locked account from another address too.
    assert login(client, "reviewer", PASSWORD).status_code == 302
    client.logout()
    other = client.post(
        reverse("admin:login"),
        {"username": "officer", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.9.9.9",
    )
    assert other.status_code == 302
