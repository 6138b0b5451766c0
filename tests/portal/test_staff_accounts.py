"""The add-user form of the 安全管理员: a new account can log in, and its roles' needs are met."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal import roles
from portal.models import User
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "Guihua#2027-xinxi"


@pytest.fixture
def security_admin(department):
    return make_staff(roles.SECURITY_ADMIN, department, username="anquan", full_name="王海燕")


def add(client, *role_names, **fields):
    data = {
        "username": "wuxd",
        "full_name": "吴晓东",
        "department": "",
        "email": "",
        "phone": "",
        "groups": [Group.objects.get(name=name).pk for name in role_names],
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post(reverse("admin:portal_user_add"), data)


def errors(response):
    return {
        name: [e.code for e in errs.as_data()]
        for name, errs in response.context["adminform"].form.errors.items()
    }


def test_a_new_officer_logs_in_with_the_password_set(client, security_admin, department):
    client.force_login(security_admin)
    response = add(client, roles.OFFICER, department=department.pk, email="wuxd@jiangchuan.gov.cn")
    assert response.status_code == 302
    created = User.objects.get(username="wuxd")
    assert created.is_staff and created.is_active and created.has_usable_password()
    assert created.department == department and created.email == "wuxd@jiangchuan.gov.cn"
    client.logout()
    login = client.post(
        reverse("admin:login"),
        {"username": "wuxd", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert login.status_code == 302 and login.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_add_form_asks_for_every_field_in_chinese(client, security_admin):
    client.force_login(security_admin)
    page = client.get(reverse("admin:portal_user_add")).text
    for label in ["用户名", "姓名", "所在科室", "电子邮件", "联系电话", "初始密码", "确认初始密码"]:
        assert label in page, label
    assert 'name="usable_password"' not in page  # no account without a password
    assert "Password-based authentication" not in page


def test_a_departmental_role_needs_a_department_and_notified_roles_an_email(client, security_admin):
    client.force_login(security_admin)
    response = add(client, roles.DEPARTMENT_HEAD)
    assert response.status_code == 200
    assert errors(response) == {
        "department": ["department_required"],
        "email": ["email_required"],
    }
    assert "科室负责人只处理本科室的工作，请选择所在科室" in response.text
    assert "科室负责人通过电子邮件接收待办和提醒，请填写电子邮箱" in response.text
    # What was typed stays.
    assert 'value="吴晓东"' in response.text
    assert not User.objects.filter(username="wuxd").exists()
    # A bureau-wide reviewer needs the e-mail but no department; the 三员 need neither.
    assert errors(add(client, roles.REVIEWER)) == {"email": ["email_required"]}
    assert add(client, roles.SYSTEM_ADMIN).status_code == 302


def test_the_password_validators_and_roles_are_required(client, security_admin, department):
    client.force_login(security_admin)
    weak = add(
        client,
        roles.OFFICER,
        department=department.pk,
        email="wuxd@jiangchuan.gov.cn",
        password1="guihuaju2026",
        password2="guihuaju2026",
    )
    assert "password_too_simple" in errors(weak)["password2"]
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in weak.text
    mismatch = add(client, roles.OFFICER, password2="Other#Password-9")
    assert "password_mismatch" in errors(mismatch)["password2"]
    none = add(client, password1="", password2="")
    assert errors(none)["groups"] == ["required"] and "请至少选择一个角色" in none.text
    assert "请设置初始密码" in none.text
    assert not User.objects.filter(username="wuxd").exists()


def test_the_change_form_keeps_the_rules(client, security_admin, department):
    officer = make_staff(roles.OFFICER, department, username="xinxi", email="x@jiangchuan.gov.cn")
    client.force_login(security_admin)
    page = client.get(reverse("admin:portal_user_change", args=[officer.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(department="", email="", groups=[g.pk for g in officer.groups.all()])
    data.pop("password", None)
    data["last_login_0"] = data["last_login_1"] = ""
    response = client.post(reverse("admin:portal_user_change", args=[officer.pk]), data)
    assert response.status_code == 200
    assert set(errors(response)) == {"department", "email"}
    officer.refresh_from_db()
    assert officer.department == department
