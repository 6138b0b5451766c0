import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal import masking
from portal.models import Department, SiteSettings

pytestmark = pytest.mark.django_db


def test_site_settings_is_a_single_row():
    first = SiteSettings.load()
    first.bureau_name = "江川市国土资源局"
    first.save()
    second = SiteSettings(bureau_name="另一个局")
    second.save()  # save() pins the primary key: it updates the one row
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().bureau_name == "另一个局"


def test_site_settings_row_constraint():
    with pytest.raises(IntegrityError):
        SiteSettings.objects.bulk_create([SiteSettings(pk=2)])


def test_site_settings_cache_cleared_on_save(django_assert_num_queries):
    SiteSettings.load()
    with django_assert_num_queries(0):
        SiteSettings.load()
    row = SiteSettings.objects.get()
    row.phone = "0571-87061234"
    row.save()
    assert SiteSettings.load().phone == "0571-87061234"


def test_org_code_validated_in_chinese():
    row = SiteSettings(org_code="abc")
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert excinfo.value.error_dict["org_code"][0].code == "invalid_org_code"


def test_department_phone_validated():
    department = Department(name="测试科", code="cs", phone="12345")
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert "请填写正确的手机号码或固定电话" in str(excinfo.value)


def test_active_departments(department, other_department):
    other_department.is_active = False
    other_department.save()
    assert list(Department.objects.active()) == [department]


def test_user_spans_departments_by_role(
    officer, reviewer, department_head, disclosure_office, leadership
):
    assert not officer.spans_departments
    assert not department_head.spans_departments
    assert reviewer.spans_departments
    assert disclosure_office.spans_departments
    assert leadership.spans_departments


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (masking.mask_name, "张三", "张*"),
        (masking.mask_name, "欧阳明华", "欧***"),
        (masking.mask_phone, "13812345678", "138****5678"),
        (masking.mask_phone, "0571-87654321", "057****4321"),
        (masking.mask_id_number, "33010219800101123X", "3301**********123X"),
        (masking.mask_address, "江川市滨江区府前路88号", "江川市****"),
    ],
)
def test_masking(func, value, expected):
    assert func(value) == expected
