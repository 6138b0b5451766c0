import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from disclosure.models import Category, Item
from portal.publishing import REVIEW_CHECKLIST
from tests.portal.factories import DepartmentFactory, UserFactory

CHECKLIST = dict.fromkeys(REVIEW_CHECKLIST, True)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试栏目{n}")
    slug = factory.Sequence(lambda n: f"col{n}")
    update_days = 180


class ItemFactory(DjangoModelFactory):
    """A draft item; `ItemFactory(published=True)` runs it through submit and approve."""

    class Meta:
        model = Item
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"关于2026年度第{n}批次城市建设用地征收土地的公告")
    category = factory.LazyFunction(lambda: Category.objects.get(slug="tzgg"))
    department = factory.SubFactory(DepartmentFactory)
    written_on = factory.LazyFunction(timezone.localdate)
    document_number = ""
    summary = "征收土地的位置、面积、用途和补偿标准。"
    body = "<p>根据《中华人民共和国土地管理法》第四十七条，现将有关事项公告如下。</p>"
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            reviewer = UserFactory()
            obj.submit(by=obj.author)
            obj.approve(by=reviewer, checklist=CHECKLIST)
