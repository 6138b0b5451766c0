import factory
from factory.django import DjangoModelFactory

from portal.models import Department, User


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"第{n}科")
    code = factory.Sequence(lambda n: f"dept{n}")
    duties = "负责本科室职责范围内的工作。"
    head = "张三"
    phone = "0571-87060000"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("correct-horse-9X")
    is_staff = True
