from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from complaints.models import (
    ComplaintAgency,
    Consultation,
    ConsultationComment,
    EvaluationRound,
    EvaluationSubject,
    Message,
    MessageCategory,
    ReplyTemplate,
    default_closes_on,
    hash_query_code,
    reminder_time,
    reply_deadline,
)
from portal.publishing import REVIEW_CHECKLIST
from tests.portal.factories import DepartmentFactory, UserFactory

QUERY_CODE = "ABCD2345"


class MessageCategoryFactory(DjangoModelFactory):
    class Meta:
        model = MessageCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"留言类别{n}")
    department = factory.SubFactory(DepartmentFactory)


class ReplyTemplateFactory(DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    category = factory.SubFactory(MessageCategoryFactory)
    kind = ""
    text = "您好！您反映的问题已收悉，现答复如下：\n\n【答复内容】\n\n感谢您对国土资源工作的支持。"


class MessageFactory(DjangoModelFactory):
    """A received message; reach later states through the transitions (see published())."""

    class Meta:
        model = Message

    tracking_number = factory.Sequence(lambda n: f"ZMHD20260101-{n + 1:04d}")
    query_code_hash = factory.LazyFunction(lambda: hash_query_code(QUERY_CODE))
    kind = Message.Kind.INQUIRY
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


DRAFT = "".join(
    f"<p>{line}</p>"
    for line in [
        "江川市土地储备管理办法（征求意见稿）",
        "第一章 总则",
        "第一条 为规范土地储备管理，制定本办法。",
        "第二条 本办法适用于本市行政区域内的土地储备活动。",
        "第三条 土地储备实行计划管理，年度计划报市人民政府批准。",
        "储备计划应当向社会公开。",
        "第四条 储备土地应当在入库前完成确权登记。",
        "第五条 本办法自发布之日起施行。",
    ]
)


class ConsultationFactory(DjangoModelFactory):
    """A draft notice opened 5 days ago for 30 days; `published()` below takes it public."""

    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"江川市土地储备管理办法（征求意见稿{n}）")
    department = factory.SubFactory(DepartmentFactory)
    draft = DRAFT
    explanation = "<p>现行办法制定于2012年，需按新法修订。</p>"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    closes_on = factory.LazyAttribute(lambda o: default_closes_on(o.opens_on))
    contact_address = "江川市滨江区府前路88号 江川市国土资源局政策法规科"
    contact_email = "zcfg@jiangchuan.gov.cn"
    contact_phone = "0571-87061211"
    author = factory.SubFactory(UserFactory)


def published_consultation(**kwargs):
    """Create a consultation, split its articles and publish it with the real transitions."""
    consultation = ConsultationFactory(**kwargs)
    consultation.rebuild_articles()
    consultation.submit(by=consultation.author)
    consultation.approve(by=UserFactory(), checklist=dict.fromkeys(REVIEW_CHECKLIST, True))
    return consultation


class ConsultationCommentFactory(DjangoModelFactory):
    """A pending comment; reach later states with approve() / record_adoption()."""

    class Meta:
        model = ConsultationComment

    consultation = factory.SubFactory(ConsultationFactory)
    article = None
    body = "建议明确储备土地入库前的确权时限。"
    sender_name = "张建华"
    sender_phone = "13812345678"
    submitted_at = factory.LazyFunction(timezone.now)


class EvaluationRoundFactory(DjangoModelFactory):
    """A published round running from 10 days ago to 10 days ahead."""

    class Meta:
        model = EvaluationRound

    title = factory.Sequence(lambda n: f"2026年第{n}轮窗口服务网上评议")
    description = "请对办理过业务的窗口和科室打分。"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    is_published = True


class EvaluationSubjectFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationSubject

    round = factory.SubFactory(EvaluationRoundFactory)
    kind = EvaluationSubject.Kind.WINDOW
    name = factory.Sequence(lambda n: f"不动产登记窗口（{n + 1}号）")
    order = factory.Sequence(lambda n: n)
