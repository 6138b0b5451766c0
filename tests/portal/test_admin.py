from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


def perms(role):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_roles_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"信息员", "审核员", "科室负责人", "政务公开办", "局领导"} <= names


def test_users_are_managed_by_the_security_admin_and_settings_by_the_system_admin():
    security, system, office = perms("安全管理员"), perms("系统管理员"), perms("政务公开办")
    assert {"portal.change_user", "portal.add_user"} <= security
    assert "portal.change_sitesettings" in system and "portal.change_sitesettings" in office
    assert perms("审计管理员") == {"portal.view_auditentry"}
    for role in [
        "信息员",
        "审核员",
        "科室负责人",
        "政务公开办",
        "局领导",
        "系统管理员",
        "审计管理员",
    ]:
        assert "portal.change_user" not in perms(role), role
        assert "portal.view_auditentry" not in perms(role) or role == "审计管理员"
    for role in ["信息员", "审核员", "科室负责人", "局领导", "安全管理员", "审计管理员"]:
        assert "portal.change_sitesettings" not in perms(role), role
    # Nothing of portal's is deleted by the office; the security admin removes a lost phone's
    # two-factor device and nothing else of portal's.
    assert not {p for p in office if p.startswith("portal.delete_")}
    deletes = {p for p in security if p.startswith("portal.delete_")}
    assert deletes == {"portal.delete_twofactordevice"}


def test_admin_login_page_is_chinese_with_bureau_name(client):
    site = SiteSettings.load()
    site.bureau_name = "江川市国土资源局"
    site.save()
    html = client.get(reverse("admin:login")).content.decode()
    assert "江川市国土资源局" in html
    assert "用户名" in html and "密码" in html
    assert "Username" not in html


def test_officer_sees_no_user_or_settings_admin(client, officer):
    client.force_login(officer)
    index = client.get(reverse("admin:index")).content.decode()
    assert "工作台" in index
    assert "工作人员" not in index
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(reverse("admin:portal_sitesettings_changelist")).status_code == 403


def test_office_edits_site_settings_and_the_security_admin_cannot_grant_superuser(
    client, disclosure_office, officer
):
    from portal import roles
    from tests.conftest import make_staff

    client.force_login(disclosure_office)
    url = reverse("admin:portal_sitesettings_change", args=[SiteSettings.load().pk])
    assert client.get(url).status_code == 200
    client.force_login(make_staff(roles.SECURITY_ADMIN, username="anquan"))
    change = client.get(reverse("admin:portal_user_change", args=[officer.pk])).content.decode()
    assert 'name="is_superuser"' not in change
    assert 'name="groups"' in change


def test_office_cannot_add_a_second_settings_row(client, disclosure_office):
    SiteSettings.load()
    client.force_login(disclosure_office)
    assert client.get(reverse("admin:portal_sitesettings_add")).status_code == 403


def test_settings_form_errors_are_chinese(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "r@example.com", "pw-1234567A")
    client.force_login(admin_user)
    url = reverse("admin:portal_sitesettings_change", args=[SiteSettings.load().pk])
    response = client.post(
        url,
        {
            "bureau_name": "江川市国土资源局",
            "site_name": "江川市国土资源局",
            "org_code": "bad code",
            "postcode": "12",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "组织机构代码只能包含数字、大写字母和连字符" in html
    assert "邮政编码应为6位数字" in html


def test_every_role_permission_in_the_table_exists():
    from django.contrib.auth.models import Permission

    from portal.roles import ROLE_PERMISSIONS

    existing = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        assert set(names) <= existing, f"{role}: {set(names) - existing}"
        assert perms(role) == set(names)


def test_no_english_left_in_admin_lists_and_selects(client, disclosure_office):
    """Django 6.1's blank choice and date-hierarchy label have no zh-hans translation yet."""
    from disclosure.models import Item
    from tests.disclosure.factories import ItemFactory

    ItemFactory()
    client.force_login(disclosure_office)
    html = client.get(reverse("admin:disclosure_item_changelist")).content.decode()
    assert "- 请选择 -" in html  # the action menu
    assert "按成文日期筛选" in html  # date_hierarchy = "written_on"
    assert "Select an option" not in html and "Filter by" not in html
    form = client.get(reverse("admin:disclosure_item_add")).content.decode()
    assert '<option value="" selected>- 请选择 -</option>' in form  # the column select
    assert "Select an option" not in form
    assert Item._meta.get_field("category").formfield().choices.field.empty_label == "- 请选择 -"


def test_admin_pages_use_the_breadcrumb_markup_django_styles(client, disclosure_office):
    # Django 6.1 styles only <ol class="breadcrumbs">; the older <div> rendered as bare links.
    from django.conf import settings

    templates = Path(settings.BASE_DIR, "templates", "admin").rglob("*.html")
    assert not [str(t) for t in templates if 'div class="breadcrumbs"' in t.read_text("utf-8")]
    client.force_login(disclosure_office)
    html = client.get(reverse("admin:complaints_message_statistics")).content.decode()
    assert '<ol class="breadcrumbs">' in html and '<li aria-current="page">留言统计</li>' in html


def test_no_admin_add_page_shows_an_english_blank_choice(admin_client):
    # Django 6.1's "- Select an option -" has no Chinese translation; portal sets its own label
    # before the admin modules build their forms.
    from django.contrib import admin
    from django.urls import NoReverseMatch

    pages = 0
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:  # report pages registered as models
            continue
        response = admin_client.get(url)
        if response.status_code == 200:
            pages += 1
            assert "Select an option" not in response.content.decode(), url
    assert pages > 20
