"""三员 (等保 2.0 level 3): the system, security and audit administrators are separate people.

Tried as a new user would: the 安全管理员 creates a 信息员 and cannot read the audit log; the
审计管理员 sees that creation and cannot change anything.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal import roles
from portal.checks import check_separated_admin_roles
from portal.models import AuditEntry, User
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Guihua#2027-xinxi"


@pytest.fixture
def security_admin(department):
    return make_staff(roles.SECURITY_ADMIN, department, username="anquan", full_name="王海燕")


@pytest.fixture
def auditor(department):
    return make_staff(roles.AUDIT_ADMIN, department, username="shenji", full_name="赵淑芬")


@pytest.fixture
def system_admin(department):
    return make_staff(roles.SYSTEM_ADMIN, department, username="xitong", full_name="陈建军")


def add_user(client, department, *role_names, username="xinxi2"):
    return client.post(
        reverse("admin:portal_user_add"),
        {
            "username": username,
            "full_name": "吴晓东",
            "department": department.pk,
            "email": f"{username}@jiangchuan.gov.cn",
            "groups": [Group.objects.get(name=name).pk for name in role_names],
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def test_security_admin_creates_an_officer_and_cannot_read_the_audit_log(
    client, security_admin, department
):
    client.force_login(security_admin)
    response = add_user(client, department, roles.OFFICER)
    assert response.status_code == 302
    created = User.objects.get(username="xinxi2")
    assert list(created.groups.values_list("name", flat=True)) == [roles.OFFICER]
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_sitesettings_changelist")).status_code == 403
    entry = AuditEntry.objects.get(kind="account_created", user=created)
    assert entry.detail == "由 anquan 创建，角色：信息员"


def test_auditor_sees_the_creation_and_can_change_nothing(
    client, security_admin, auditor, department
):
    client.force_login(security_admin)
    add_user(client, department, roles.OFFICER)
    client.force_login(auditor)
    changelist = client.get(reverse("admin:portal_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "创建账号" in changelist.text and "由 anquan 创建" in changelist.text
    entry = AuditEntry.objects.get(kind="account_created")
    page = client.get(reverse("admin:portal_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'type="submit"' not in page.text.split("</header>")[-1]
    assert client.post(
        reverse("admin:portal_auditentry_change", args=[entry.pk]), {"detail": "x"}
    ).status_code in {302, 403}
    entry.refresh_from_db()
    assert entry.detail == "由 anquan 创建，角色：信息员"
    assert client.get(reverse("admin:portal_auditentry_delete", args=[entry.pk])).status_code == 403
    for name in ["portal_user_changelist", "portal_user_add", "portal_sitesettings_changelist"]:
        assert client.get(reverse(f"admin:{name}")).status_code == 403
    # The auditor's admin home lists the audit log and nothing else.
    index = client.get(reverse("admin:index")).text
    assert "安全审计日志" in index or "审计" in index
    assert "工作人员" not in index


def test_two_of_the_three_cannot_be_held_by_one_account(client, security_admin, department):
    client.force_login(security_admin)
    response = add_user(client, department, roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN)
    assert response.status_code == 200
    assert "系统管理员、安全管理员属于“三员”，不能由同一账号兼任" in response.text
    response = add_user(client, department, roles.AUDIT_ADMIN, roles.OFFICER, username="x3")
    assert "审计管理员只能查看安全审计日志，不能兼任其他角色" in response.text
    assert not User.objects.filter(username__in=["xinxi2", "x3"]).exists()


def test_security_admin_cannot_change_their_own_roles(client, security_admin):
    client.force_login(security_admin)
    page = client.get(reverse("admin:portal_user_change", args=[security_admin.pk])).text
    assert 'name="groups"' not in page
    assert 'name="is_superuser"' not in page


def test_system_admin_keeps_settings_calendar_and_word_lists(client, system_admin):
    client.force_login(system_admin)
    for name in [
        "portal_sitesettings_changelist",
        "portal_workcalendarday_changelist",
        "portal_sensitiveterm_changelist",
        "disclosure_category_changelist",
    ]:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 403


def test_deploy_check_warns_of_a_superuser_at_daily_work_and_of_two_roles(settings, department):
    settings.DEBUG = False
    assert check_separated_admin_roles(None) == []
    User.objects.create_superuser("root", password=NEW_PASSWORD, last_login=timezone.now())
    both = make_staff(roles.SYSTEM_ADMIN, department, username="both")
    both.groups.add(Group.objects.get(name=roles.SECURITY_ADMIN))
    ids = {warning.id: warning.msg for warning in check_separated_admin_roles(None)}
    assert "root" in ids["portal.W005"]
    assert "both" in ids["portal.W006"] and "不能由同一账号兼任" in ids["portal.W006"]
    User.objects.filter(username="root").update(last_login=timezone.now() - timedelta(days=40))
    both.groups.remove(Group.objects.get(name=roles.SECURITY_ADMIN))
    assert check_separated_admin_roles(None) == []
