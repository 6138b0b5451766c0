from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from disclosure.models import Category
from oversight.models import ReportingTarget, Task
from portal.figures import month_start
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import DepartmentFactory, UserFactory


class TaskFactory(DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"推进征地信息公开（第{n}项）")
    basis = "《2026年政务公开工作要点》"
    lead_department = factory.SubFactory(DepartmentFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ReportingTargetFactory(DjangoModelFactory):
    class Meta:
        model = ReportingTarget

    department = factory.SubFactory(DepartmentFactory)
    month_on = factory.LazyFunction(lambda: month_start(timezone.localdate()))
    published_target = 5


def publish_item(*, at, category="tzgg", author=None, department=None, reviewer=None):
    """Create an item and take it through submit and approve at the given time."""
    author = author or UserFactory()
    item = ItemFactory(
        category=Category.objects.get(slug=category),
        author=author,
        department=department or author.department,
        written_on=timezone.localdate(at),
    )
    item.submit(by=author, now=at)
    item.approve(by=reviewer or UserFactory(), checklist=CHECKLIST, now=at)
    return item
