import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.publishing import REVIEW_CHECKLIST
from services.demo import make_docx
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideStep,
    LegalBasis,
    MaterialForm,
    ResultSample,
    ServiceGuide,
    ServiceTheme,
    ServiceWindow,
)
from tests.portal.factories import DepartmentFactory, UserFactory

CHECKLIST = dict.fromkeys(REVIEW_CHECKLIST, True)


THEMES = {"bdcdj": "不动产登记", "jsyd": "建设用地", "ghxk": "规划许可", "kyq": "矿业权"}


def theme(slug="bdcdj"):
    """Return a seeded theme (recreated after a transactional test's flush)."""
    return ServiceTheme.objects.get_or_create(
        slug=slug, defaults={"name": THEMES.get(slug, slug), "order": list(THEMES).index(slug)}
    )[0]


class ServiceGuideFactory(DjangoModelFactory):
    """A draft guide with every key element; `complete=False` leaves out the related rows,
    `published=True` runs it through submit and approve."""

    class Meta:
        model = ServiceGuide
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"不动产抵押权登记{n}")
    code = factory.Sequence(lambda n: f"3302170{n:05d}")
    kind = ServiceGuide.Kind.CONFIRMATION
    theme = factory.LazyFunction(theme)
    initial = "B"
    implementing_body = "江川市国土资源局"
    department = factory.SubFactory(DepartmentFactory)
    conditions = "抵押财产为已登记的不动产\n抵押人与抵押权人共同申请"
    location = "江川市民中心二楼不动产登记大厅"
    window = "5号窗口"
    office_hours = "工作日 8:30—12:00，14:30—17:30"
    legal_time_limit = 30
    promised_time_limit = 5
    is_free = False
    fee_standard = "住宅类 80 元/件；非住宅类 550 元/件"
    fee_basis = "发改价格规〔2016〕2559号"
    inquiry_phone = "0571-87061241"
    complaint_phone = "0571-87061299"
    online_url = "https://zwfw.jiangchuan.example.gov.cn/bs/330217001003"
    decision_body = "江川市国土资源局"
    approval_quantity = "无数量限制"
    intake_channels = "窗口接收纸质材料；政务服务网在线申报"
    handles_online = True
    handles_window = True
    result_name = "不动产登记证明（抵押权）"
    result_delivery = "窗口领取或免费邮寄送达"
    rights_obligations = "权利：要求一次性告知补正内容\n义务：如实提交材料"
    visits = 1
    summary = "带齐材料到不动产登记大厅5号窗口办理，承诺5个工作日办结。"
    no_special_procedures = True
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            LegalBasis.objects.create(
                guide=obj,
                law="《中华人民共和国民法典》",
                article="第四百零二条",
                text="抵押权自登记时设立。",
            )
            material = GuideMaterial.objects.create(guide=obj, name="不动产登记申请书", order=1)
            GuideMaterial.objects.create(
                guide=obj,
                name="授权委托书",
                is_required=False,
                condition="委托他人代为办理的",
                order=2,
            )
            MaterialFormFactory(material=material, name="不动产登记申请书.docx")
            MaterialFormFactory(
                material=material,
                name="不动产登记申请书（示例）.docx",
                kind=MaterialForm.Kind.SAMPLE,
            )
            ResultSample.objects.create(
                guide=obj,
                file=ContentFile(make_docx("不动产登记证明（样本）", ["样本"]), name="样本.docx"),
            )
            for order, name in enumerate(["申请", "受理", "审核", "登簿", "发证"], start=1):
                GuideStep.objects.create(
                    guide=obj, name=name, actor="窗口人员", working_days=1, order=order
                )

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.submit(by=obj.author)
            obj.approve(by=UserFactory(), checklist=CHECKLIST)


class MaterialFormFactory(DjangoModelFactory):
    class Meta:
        model = MaterialForm
        exclude = ["name"]

    name = "申请书.docx"
    kind = MaterialForm.Kind.BLANK
    file = factory.LazyAttribute(
        lambda o: ContentFile(make_docx("申请书", ["申请人：________"]), name=o.name)
    )


class ApprovalResultFactory(DjangoModelFactory):
    class Meta:
        model = ApprovalResult

    tracking_number = factory.Sequence(lambda n: f"BDC20261125-{n:04d}")
    guide = factory.SubFactory(ServiceGuideFactory, published=True)
    applicant_kind = ApprovalResult.ApplicantKind.PERSON
    applicant_name = "张建国"
    accepted_on = factory.LazyFunction(timezone.localdate)
    status = ApprovalResult.Status.ACCEPTED


class ServiceWindowFactory(DjangoModelFactory):
    class Meta:
        model = ServiceWindow
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = "不动产登记受理"
    handles = "首次登记\n转移登记"
    row = 1
    column = 1
