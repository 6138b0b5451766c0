"""登录锁定 in the admin: the 安全管理员 sees who is locked out and lifts lockouts, audited."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.models import AuditEntry, LoginLockout
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9X"  # the factories' password


@pytest.fixture
def security_admin(department):
    return make_staff(roles.SECURITY_ADMIN, department, username="anquan", full_name="王海燕")


def fail_logins(client, username, *, ip="10.1.2.3", times=None):
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"),
            {"username": username, "password": "wrong-Password-1", "next": "/admin/"},
            REMOTE_ADDR=ip,
        )


def record_failures(username, *, ip="10.1.2.3", failures=None, agent="Mozilla/5.0"):
    """The record django-axes keeps after failed logins (quicker than logging in)."""
    return LoginLockout.objects.create(
        username=username,
        ip_address=ip,
        user_agent=agent,
        failures_since_start=failures or settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
    )


def login(client, username, *, ip="10.1.2.3"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_the_security_admin_sees_lockouts_in_chinese(client, officer, reviewer, security_admin):
    record_failures("officer")
    record_failures("reviewer", failures=2)  # failures, not yet locked
    client.force_login(security_admin)
    page = client.get(reverse("admin:portal_loginlockout_changelist"))
    assert page.status_code == 200
    text = page.text
    for heading in ["账号", "姓名", "登录地址", "失败次数", "锁定时间", "自动解除时间", "解除锁定"]:
        assert heading in text, heading
    assert "刘晓梅" in text and "10.1.2.3" in text and "已锁定" in text
    assert "再错 3 次锁定" in text  # the reviewer's two failures
    for english in ["Access attempt", "Failed Logins", "Locked Out", "Username", "IP Address"]:
        assert english not in text
    locked = client.get(reverse("admin:portal_loginlockout_changelist"), {"locked": "yes"}).text
    assert "刘晓梅" in locked and "黄志强" not in locked
    # The admin home lists the page under the portal's own section, in Chinese.
    index = client.get(reverse("admin:index")).text
    assert "登录锁定" in index and "Axes" not in index and "access attempt" not in index


def test_the_row_button_unlocks_one_account_and_the_audit_log_names_who(
    client, officer, security_admin
):
    fail_logins(client, "officer")
    lockout = LoginLockout.objects.locked().get()
    admin_client = client.__class__()
    admin_client.force_login(security_admin)
    response = admin_client.post(
        reverse("admin:portal_loginlockout_unlock", args=[lockout.pk]), REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 302
    assert not LoginLockout.objects.locked().exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.UNLOCKED)
    assert entry.user == officer and entry.username == "officer"
    assert entry.ip_address == "10.0.0.8"  # the unlocker's address; the locked one is in detail
    assert entry.detail == "由 anquan 解除登录锁定（登录地址 10.1.2.3，失败 5 次）"
    assert entry.get_kind_display() == "解除登录锁定"
    # The officer logs in at once, from the address that was locked.
    assert login(client, "officer").status_code == 302


def test_the_action_unlocks_several_and_a_get_unlocks_nothing(
    client, officer, reviewer, security_admin
):
    record_failures("officer")
    record_failures("reviewer", ip="10.1.2.4")
    record_failures("reviewer", ip="10.1.2.4", failures=1, agent="Edge")  # a second browser
    client.force_login(security_admin)
    ids = list(LoginLockout.objects.values_list("pk", flat=True))
    assert client.get(reverse("admin:portal_loginlockout_unlock", args=[ids[0]])).status_code == 405
    assert LoginLockout.objects.locked().count() == 3
    response = client.post(
        reverse("admin:portal_loginlockout_changelist"),
        {"action": "unlock_selected", "_selected_action": ids},
        follow=True,
    )
    assert "已解除 2 个登录锁定" in response.text
    assert not LoginLockout.objects.exists()
    details = set(
        AuditEntry.objects.filter(kind=AuditEntry.Kind.UNLOCKED).values_list("username", flat=True)
    )
    assert details == {"officer", "reviewer"}


def test_other_roles_cannot_see_or_unlock(client, officer, disclosure_office, reviewer):
    lockout = record_failures("officer")
    system_admin = make_staff(roles.SYSTEM_ADMIN, username="xitong")
    auditor = make_staff(roles.AUDIT_ADMIN, username="shenji")
    for user in [disclosure_office, system_admin, auditor]:
        client.force_login(user)
        assert client.get(reverse("admin:portal_loginlockout_changelist")).status_code == 403
        unlock = client.post(reverse("admin:portal_loginlockout_unlock", args=[lockout.pk]))
        assert unlock.status_code == 403
    assert LoginLockout.objects.locked().exists()
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.UNLOCKED).exists()


def test_a_lockout_past_the_cooloff_is_no_longer_listed(officer):
    record_failures("officer")
    assert LoginLockout.objects.locked().count() == 1
    later = timezone.now() + timedelta(minutes=31)
    assert not LoginLockout.objects.locked(now=later).exists()


def test_the_lockout_list_has_a_fixed_number_of_queries(
    client, security_admin, django_assert_max_num_queries
):
    """Session, user, permissions (x2), count (x2), the page of rows with name and figures; the
    roles and the navigation's 我的待办 / 通知 counts (one query, portal.worklist)."""
    client.force_login(security_admin)
    for number in range(12):
        record_failures(f"user{number}", failures=number % 6)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:portal_loginlockout_changelist")).status_code == 200
