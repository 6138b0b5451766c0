import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from complaints.models import (
    ComplaintAgency,
    Message,
    MessageCategory,
    hash_query_code,
    reminder_time,
    reply_deadline,
)
from tests.portal.factories import DepartmentFactory

QUERY_CODE = "ABCD2345"


class MessageCategoryFactory(DjangoModelFactory):
    class Meta:
        model = MessageCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"留言类别{n}")
    department = factory.SubFactory(DepartmentFactory)
    reply_template = "您好！您反映的问题已收悉，现答复如下：\n\n感谢您对国土资源工作的关心和支持。"


class MessageFactory(DjangoModelFactory):
    """A received message; reach later states through the transitions (see published())."""

    class Meta:
        model = Message

    tracking_number = factory.Sequence(lambda n: f"ZMHD20260101-{n + 1:04d}")
    query_code_hash = factory.LazyFunction(lambda: hash_query_code(QUERY_CODE))
    kind = Message.Kind.CONSULTATION
    category = factory.SubFactory(MessageCategoryFactory)
    department = factory.SelfAttribute("category.department")
    subject = "不动产登记办理进度咨询"
    body = "我于上月在市民中心提交了不动产转移登记申请，请问目前办理到哪一步？"
    sender_name = "张建华"
    sender_phone = "13812345678"
    sender_email = "zhang@example.com"
    has_publication_consent = True
    received_at = factory.LazyFunction(timezone.now)
    reply_due_at = factory.LazyAttribute(lambda o: reply_deadline(o.received_at))
    reminder_due_at = factory.LazyAttribute(lambda o: reminder_time(o.received_at, o.reply_due_at))


def published(message, *, replier, reviewer, text="您好，您的申请已审核完毕，可前往窗口领证。"):
    """Take a received message through reply and approval with the real transitions."""
    message.record_reply(by=replier, text=text)
    message.approve(by=reviewer)
    return message


class ComplaintAgencyFactory(DjangoModelFactory):
    class Meta:
        model = ComplaintAgency

    name = "江川市国土资源局办公室（信访科）"
    address = "江川市滨江区府前路88号"
    phone = "0571-87061201"
    office_hours = "工作日 8:30—12:00，14:30—17:30"
