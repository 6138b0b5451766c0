"""Service guides (办事指南): the approval items, their key elements, materials and forms.

A guide goes public through the shared draft → review → publish workflow (portal.publishing); it
may only be submitted or approved once every key element is filled in (`missing_elements()`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import content_safety
from portal.models import PHONE_VALIDATOR, Department, DepartmentScopedQuerySet
from portal.publishing import PublicationEvent, Reviewable, ReviewableQuerySet, Revision
from portal.uploads import Attachment

POPULAR_DAYS = 90  # "popular" = most approval results accepted in this many days


def working_days_label(days, *, zero="即办件"):
    """Return a time limit in working days as the public reads it: 0 is 即办件, never 0个工作日."""
    if days is None:
        return "—"
    return zero if days == 0 else f"{days}个工作日"


class ServiceThemeQuerySet(models.QuerySet):
    def visible(self):
        """Return the themes shown on the public pages and the kiosk."""
        return self.filter(is_visible=True)


class ServiceTheme(models.Model):
    """A theme grouping approval items for citizens (不动产登记, 建设用地, 矿业权 …)."""

    name = models.CharField("主题名称", max_length=30, unique=True)
    slug = models.SlugField("主题代码", max_length=30, unique=True, help_text="用于网址，如 bdcdj")
    description = models.CharField("主题说明", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字小的排在前面")
    is_visible = models.BooleanField("前台显示", default=True)

    objects = ServiceThemeQuerySet.as_manager()

    class Meta:
        verbose_name = "办事主题"
        verbose_name_plural = "办事主题"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:theme", args=[self.slug])


class ServiceGuideQuerySet(DepartmentScopedQuerySet, ReviewableQuerySet):
    def for_list(self):
        """Return guides ready for a list row: theme and department joined, long texts left out."""
        return self.select_related("theme", "department").only(
            "pk",
            "name",
            "code",
            "kind",
            "initial",
            "promised_time_limit",
            "is_free",
            "theme__name",
            "theme__slug",
            "theme__order",
            "department__name",
            "department__order",
        )

    def for_detail(self):
        """Return guides ready for the guide page: every element and its rows, in 6 queries."""
        return self.select_related("theme", "department").prefetch_related(
            "legal_bases",
            models.Prefetch("materials", queryset=GuideMaterial.objects.prefetch_related("forms")),
            "steps",
            "questions",
            "special_procedures",
            "result_samples",
        )

    def with_element_flags(self):
        """Annotate whether each guide has 设定依据, 办理材料 and 办理流程 (for admin lists)."""
        return self.annotate(
            has_legal_bases=models.Exists(LegalBasis.objects.filter(guide=models.OuterRef("pk"))),
            has_materials=models.Exists(GuideMaterial.objects.filter(guide=models.OuterRef("pk"))),
            has_steps=models.Exists(GuideStep.objects.filter(guide=models.OuterRef("pk"))),
            has_result_samples=models.Exists(
                ResultSample.objects.filter(guide=models.OuterRef("pk"))
            ),
            has_special_procedures=models.Exists(
                SpecialProcedure.objects.filter(guide=models.OuterRef("pk"))
            ),
        )

    def alphabetical(self):
        """Return guides by the pinyin initial of their name, then by name."""
        return self.order_by("initial", "name", "pk")

    def popular(self, *, today=None):
        """Return guides with the most approval results accepted in the last 90 days."""
        since = (today or timezone.localdate()) - timezone.timedelta(days=POPULAR_DAYS)
        return self.annotate(
            recent_count=Count("results", filter=Q(results__accepted_on__gte=since))
        ).order_by("-recent_count", "initial", "name", "pk")


class ServiceGuide(Reviewable):
    """The 办事指南 of one approval item (审批事项) with every key element the law asks for."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "行政许可"
        CONFIRMATION = "confirmation", "行政确认"
        RULING = "ruling", "行政裁决"
        PUBLIC_SERVICE = "public_service", "公共服务"
        OTHER = "other", "其他行政权力"

    name = models.CharField("事项名称", max_length=80)
    code = models.CharField(
        "事项编码",
        max_length=40,
        unique=True,
        help_text="政务服务事项目录中的编码，如 330217001000",
        error_messages={"unique": "该事项编码已被其他办事指南使用"},
    )
    kind = models.CharField("事项类型", max_length=16, choices=Kind, default=Kind.LICENCE)
    theme = models.ForeignKey(
        ServiceTheme, verbose_name="办事主题", on_delete=models.PROTECT, related_name="guides"
    )
    initial = models.CharField(
        "首字母",
        max_length=1,
        validators=[RegexValidator(r"^[A-Z]$", "请填写一个大写英文字母", code="invalid_initial")],
        help_text="事项名称第一个字的拼音首字母，用于按字母索引，如“不动产抵押权登记”填 B",
    )
    implementing_body = models.CharField(
        "实施主体", max_length=60, help_text="对外作出决定的机关，如：江川市国土资源局"
    )
    department = models.ForeignKey(
        Department, verbose_name="承办科室", on_delete=models.PROTECT, related_name="guides"
    )
    conditions = models.TextField("申请条件", blank=True, help_text="每条一行")
    location = models.CharField("办理地点", max_length=120, blank=True)
    window = models.CharField("窗口号", max_length=60, blank=True, help_text="如：5号、6号窗口")
    office_hours = models.CharField(
        "办理时间", max_length=120, blank=True, help_text="如：工作日 8:30—12:00，14:30—17:30"
    )
    legal_time_limit = models.PositiveSmallIntegerField("法定时限（工作日）", null=True, blank=True)
    promised_time_limit = models.PositiveSmallIntegerField(
        "承诺时限（工作日）",
        null=True,
        blank=True,
        help_text="不得超过法定时限；办件的承诺办结日期按此计算",
    )
    is_free = models.BooleanField("不收费", default=False, help_text="不收取任何费用时勾选")
    fee_standard = models.TextField("收费标准", blank=True, help_text="收费时必填，如：80元/件")
    fee_basis = models.TextField("收费依据", blank=True, help_text="收费时必填，写明文件名和文号")
    inquiry_phone = models.CharField(
        "咨询电话", max_length=30, blank=True, validators=[PHONE_VALIDATOR]
    )
    complaint_phone = models.CharField(
        "监督投诉电话", max_length=30, blank=True, validators=[PHONE_VALIDATOR]
    )
    online_url = models.URLField(
        "网上办理地址", blank=True, help_text="政务服务网上本事项的办理页面"
    )
    # Elements of the 自然资源 基层政务公开标准目录 and provincial 办事指南 practice.
    decision_body = models.CharField(
        "决定机构", max_length=60, blank=True, help_text="作出审批决定的机关，如：江川市国土资源局"
    )
    approval_quantity = models.CharField(
        "审批数量", max_length=60, blank=True, help_text="如：无数量限制"
    )
    intake_channels = models.CharField(
        "申请接收方式",
        max_length=200,
        blank=True,
        help_text="如：窗口接收纸质材料；政务服务网在线申报；邮寄至办理地点",
    )
    handles_online = models.BooleanField("网上办理", default=False)
    handles_window = models.BooleanField("窗口办理", default=False)
    handles_post = models.BooleanField("邮寄办理", default=False)
    result_name = models.CharField(
        "审批结果", max_length=120, blank=True, help_text="颁发的证照或批准文书，如：不动产权证书"
    )
    result_delivery = models.TextField(
        "结果送达", blank=True, help_text="如：窗口领取，或免费邮寄送达；电子证照同步推送"
    )
    rights_obligations = models.TextField(
        "申请人权利和义务", blank=True, help_text="先写权利，再写义务，每条一行"
    )
    visits = models.PositiveSmallIntegerField(
        "到现场次数",
        null=True,
        blank=True,
        help_text="办完全部手续最多需要到现场几次；0 表示全程网办",
    )
    summary = models.TextField(
        "简版指南",
        blank=True,
        help_text="一段话说清：能办什么、带什么、去哪办、多久办好、收多少钱",
    )
    no_special_procedures = models.BooleanField(
        "无特殊环节",
        default=False,
        help_text="本事项没有听证、公告、专家评审、检测等特殊环节时勾选",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ServiceGuideQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked at submit and approve, and nightly;
    # its materials, steps, questions and legal bases declare their own (public_text_rows()).
    public_text_fields = (
        "name",
        "code",
        "implementing_body",
        "conditions",
        "location",
        "window",
        "office_hours",
        "fee_standard",
        "fee_basis",
        "inquiry_phone",
        "complaint_phone",
        "online_url",
        "decision_body",
        "approval_quantity",
        "intake_channels",
        "result_name",
        "result_delivery",
        "rights_obligations",
        "summary",
    )

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["theme__order", "initial", "name"]
        permissions = [
            ("submit_serviceguide", "可以提交办事指南送审"),
            ("review_serviceguide", "可以审核发布和撤回办事指南"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_time_limit__isnull=True)
                | Q(legal_time_limit__isnull=True)
                | Q(promised_time_limit__lte=models.F("legal_time_limit")),
                name="serviceguide_promise_within_legal_limit",
                violation_error_message="承诺时限不能超过法定时限",
                violation_error_code="promise_too_long",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="serviceguide_published_has_date",
                violation_error_message="已发布的办事指南必须有发布日期",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:guide-detail", args=[self.pk])

    @classmethod
    def search_rows(cls):
        """Return the guides in the site search, loaded for search_document()."""
        return cls.objects.public().select_related("theme")

    def search_document(self):
        """Return how the guide reads in the site search index (portal.search)."""
        return {
            "kind": "办事指南",
            "title": f"{self.name}办事指南",
            "url": self.get_absolute_url(),
            "text": " ".join(
                [
                    self.summary,
                    self.conditions,
                    self.location,
                    self.fee_summary(),
                    self.decision_body,
                    self.result_name,
                    self.handling_modes_label(),
                    self.visits_label(),
                ]
            ),
            # Its last revision (every revision is approved again), not its first publication: a
            # search in date order puts a guide where its current text was published.
            "published_at": self.reviewed_at or self.published_at,
            "department_id": self.department_id,
            "column": self.theme.name,
            "extra": f"{self.code} {self.get_kind_display()}",
        }

    def clean(self):
        if self.is_free and (self.fee_standard.strip() or self.fee_basis.strip()):
            raise ValidationError(
                {"is_free": ValidationError("已勾选不收费，请清空收费标准和收费依据", code="free")}
            )

    # Workflow hooks ----------------------------------------------------------------------
    REQUIRED_TEXT = [
        ("name", "事项名称"),
        ("code", "事项编码"),
        ("kind", "事项类型"),
        ("implementing_body", "实施主体"),
        ("conditions", "申请条件"),
        ("location", "办理地点"),
        ("window", "窗口号"),
        ("office_hours", "办理时间"),
        ("inquiry_phone", "咨询电话"),
        ("complaint_phone", "监督投诉电话"),
        ("online_url", "网上办理地址"),
        ("decision_body", "决定机构"),
        ("approval_quantity", "审批数量"),
        ("intake_channels", "申请接收方式"),
        ("result_name", "审批结果"),
        ("result_delivery", "结果送达"),
        ("rights_obligations", "申请人权利和义务"),
        ("summary", "简版指南"),
    ]

    # Rows edited in the guide's own form: once it is public, a change to them is part of the
    # guide's revision (portal.publishing), reviewed and published with it.
    revision_children = ("legal_bases", "materials", "steps", "special_procedures", "questions")

    def apply_revision_data(self, data):
        links = super().apply_revision_data(data)
        for relation in self.revision_children:
            self.__dict__.pop(f"has_{relation}", None)  # with_element_flags() read the stored rows
        return links

    def public_text_rows(self):
        """The guide's materials, steps, questions and legal bases are published with it."""
        return [
            *self.materials.all(),
            *self.steps.all(),
            *self.questions.all(),
            *self.legal_bases.all(),
            *self.special_procedures.all(),
        ]

    def missing_elements(self):
        """Return the Chinese names of the key elements still missing, in the guide's order."""
        missing = [label for field, label in self.REQUIRED_TEXT if not getattr(self, field).strip()]
        if not self.department_id:
            missing.insert(4, "承办科室")
        for relation, label in [
            ("legal_bases", "设定依据"),
            ("materials", "办理材料"),
            ("steps", "办理流程"),
        ]:
            if not self._has_rows(relation):
                missing.append(label)
        if self.legal_time_limit is None:
            missing.append("法定时限")
        if self.promised_time_limit is None:
            missing.append("承诺时限")
        if not (self.handles_online or self.handles_window or self.handles_post):
            missing.append("办理方式")
        if not self._has_rows("result_samples"):
            missing.append("审批结果样本")
        if not (self.no_special_procedures or self._has_rows("special_procedures")):
            missing.append("特殊环节（或勾选无特殊环节）")
        if self.visits is None:
            missing.append("到现场次数")
        if not self.is_free:
            if not self.fee_standard.strip():
                missing.append("收费标准（或勾选不收费）")
            if not self.fee_basis.strip():
                missing.append("收费依据")
        return missing

    def inconsistencies(self):
        """Return what contradicts itself, each naming the element to fix (checked before
        submission and approval, beside missing_elements())."""
        problems = []
        promised, legal = self.promised_time_limit, self.legal_time_limit
        if promised is not None and legal is not None and promised > legal:
            problems.append(f"承诺时限：{promised}个工作日超过法定时限{legal}个工作日")
        if self.pk:
            steps = list(self.steps.all())
            total = sum(step.working_days or 0 for step in steps)
            if promised is not None and total > promised:
                problems.append(
                    f"办理流程：各环节时限合计{total}个工作日，超过承诺时限{promised}个工作日"
                    "（特殊环节不计入）"
                )
            for material in self.materials.all():
                kinds = {form.kind for form in material.forms.all()}
                if kinds and MaterialForm.Kind.BLANK not in kinds:
                    problems.append(f"办理材料“{material.name}”：有示例样表但缺少空白表格")
                elif kinds and MaterialForm.Kind.SAMPLE not in kinds:
                    problems.append(f"办理材料“{material.name}”：有空白表格但缺少示例样表")
        if self.handles_online and not self.online_url:
            problems.append("网上办理地址：已选网上办理，请填写办理页面地址")
        if self.online_url:
            problem = online_url_problem(self.online_url)
            if problem:
                problems.append(f"网上办理地址：{problem}")
        if self.visits == 0 and not self.handles_online:
            problems.append("到现场次数：0次即全程网办，请勾选网上办理或改为实际次数")
        return problems

    def _has_rows(self, relation):
        """Return whether the guide has rows in relation (annotated by with_element_flags())."""
        annotated = getattr(self, f"has_{relation}", None)
        if annotated is not None:
            return annotated
        return bool(self.pk) and getattr(self, relation).exists()

    # Transitions: the shared ones, plus a booklet rebuild once the change is committed ---------
    def approve(self, *, by, checklist, now=None):
        """Publish after the 保密审查 (portal.publishing), then rebuild the booklet."""
        with transaction.atomic():
            super().approve(by=by, checklist=checklist, now=now)
            schedule_booklet_rebuild()

    def withdraw(self, *, by, reason, now=None):
        """Take the guide off the site (portal.publishing), then rebuild the booklet."""
        with transaction.atomic():
            super().withdraw(by=by, reason=reason, now=now)
            schedule_booklet_rebuild()

    def approve_revision(self, *, by, checklist, now=None):
        """Publish the guide's revision (portal.publishing), then rebuild the booklet."""
        with transaction.atomic():
            super().approve_revision(by=by, checklist=checklist, now=now)
            schedule_booklet_rebuild()

    # Predicates --------------------------------------------------------------------------
    def fee_summary(self):
        """Return the fee as the guide page states it."""
        return "不收费" if self.is_free else self.fee_standard

    def condition_lines(self):
        """Return the 申请条件 as a list of lines."""
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def rights_lines(self):
        """Return the 申请人权利和义务 as a list of lines."""
        return [line.strip() for line in self.rights_obligations.splitlines() if line.strip()]

    def legal_time_limit_label(self):
        return working_days_label(self.legal_time_limit)

    def promised_time_limit_label(self):
        return working_days_label(self.promised_time_limit)

    def handling_modes_label(self):
        """Return the 办理方式 as the guide page states it: 网上办理、窗口办理、邮寄办理."""
        modes = [
            label
            for flag, label in [
                (self.handles_online, "网上办理"),
                (self.handles_window, "窗口办理"),
                (self.handles_post, "邮寄办理"),
            ]
            if flag
        ]
        return "、".join(modes)

    def visits_label(self):
        """Return the 到现场次数 as citizens know it (零跑腿, 最多跑一次, 最多跑N次)."""
        if self.visits is None:
            return ""
        if self.visits == 0:
            return "全程网办（零跑腿）"
        if self.visits == 1:
            return "最多跑一次"
        return f"最多跑{self.visits}次"


def online_url_problem(url):
    """Return why a 网上办理 link is not acceptable ("" when it is): it must be an https page
    of one of the 政务服务网 hosts in SERVICE_ONLINE_HOSTS (any https host when unset)."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return "必须是 https 开头的政务服务网地址"
    hosts = getattr(settings, "SERVICE_ONLINE_HOSTS", [])
    host = (parts.hostname or "").lower()
    if hosts and not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
        return f"“{host}”不是本地政务服务网（{'、'.join(hosts)}）的地址"
    return ""


def schedule_booklet_rebuild():
    """Rebuild the 《行政审批服务指南》 booklet in the background once the transaction commits."""
    from services.tasks import rebuild_booklet

    requested_at = timezone.now().isoformat()
    transaction.on_commit(lambda: rebuild_booklet.enqueue(requested_at=requested_at))


class GuideRowQuerySet(models.QuerySet):
    def public(self):
        """Return the rows the public reads: those of published guides."""
        return self.filter(guide__status=ServiceGuide.Status.PUBLISHED)


class LegalBasis(models.Model):
    """One provision of the 设定依据: the law, its article, and the text."""

    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.CASCADE, related_name="legal_bases"
    )
    law = models.CharField("法律法规名称", max_length=80, help_text="如：《不动产登记暂行条例》")
    article = models.CharField("条款", max_length=40, help_text="如：第十四条")
    text = models.TextField("条款内容")
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = GuideRowQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean(), when the guide goes to
    # review, and nightly.
    public_text_fields = ("law", "article", "text")

    class Meta:
        verbose_name = "设定依据"
        verbose_name_plural = "设定依据"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.law}{self.article}"

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)


class GuideMaterialQuerySet(DepartmentScopedQuerySet, GuideRowQuerySet):
    department_field = "guide__department"


class GuideMaterial(models.Model):
    """One row of the 办理材料 list; its blank form and filled sample are `MaterialForm` files."""

    class Original(models.TextChoices):
        ORIGINAL = "original", "原件"
        COPY = "copy", "复印件"
        BOTH = "both", "原件和复印件"

    class Medium(models.TextChoices):
        PAPER = "paper", "纸质"
        ELECTRONIC = "electronic", "电子"
        BOTH = "both", "纸质或电子"

    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField("材料名称", max_length=120)
    original = models.CharField(
        "原件/复印件", max_length=10, choices=Original, default=Original.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField("份数", default=1)
    medium = models.CharField("载体", max_length=12, choices=Medium, default=Medium.PAPER)
    is_required = models.BooleanField(
        "必须提交", default=True, help_text="只在特定情形下才需要的材料请取消勾选并写明情形"
    )
    condition = models.CharField(
        "提交情形", max_length=200, blank=True, help_text="非必须材料写明何种情形下需要提交"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = GuideMaterialQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean(), when the guide goes to
    # review, and nightly.
    public_text_fields = ("name", "condition", "note")

    class Meta:
        verbose_name = "办理材料"
        verbose_name_plural = "办理材料"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_required=True) | ~Q(condition=""),
                name="guidematerial_conditional_has_condition",
                violation_error_message="非必须提交的材料请写明提交情形",
                violation_error_code="condition_required",
            ),
            models.CheckConstraint(
                condition=Q(copies__gte=1),
                name="guidematerial_at_least_one_copy",
                violation_error_message="份数至少为1份",
                violation_error_code="copies",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)

    def requirement_label(self):
        """Return 必须 or 容缺/情形 text as the materials table shows it."""
        return "必须" if self.is_required else f"情形提交：{self.condition}"


class MaterialFormQuerySet(models.QuerySet):
    def public(self):
        """Return forms of published guides."""
        return self.filter(material__guide__status=ServiceGuide.Status.PUBLISHED)


class MaterialForm(Attachment):
    """A material's downloadable file: the blank form (空白表格) or a filled sample (示例样表)."""

    class Kind(models.TextChoices):
        BLANK = "blank", "空白表格"
        SAMPLE = "sample", "示例样表"

    material = models.ForeignKey(
        GuideMaterial, verbose_name="办理材料", on_delete=models.CASCADE, related_name="forms"
    )
    kind = models.CharField("类型", max_length=8, choices=Kind, default=Kind.BLANK)

    objects = MaterialFormQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "表格文件"
        verbose_name_plural = "表格文件"
        ordering = ["kind", "order", "id"]

    def get_absolute_url(self):
        return reverse("services:form-download", args=[self.pk])


class GuideStep(models.Model):
    """One box of the 办理流程."""

    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.CASCADE, related_name="steps"
    )
    name = models.CharField("环节名称", max_length=30, help_text="如：受理、审查、决定、发证")
    actor = models.CharField("办理人员", max_length=40, help_text="如：窗口受理人员")
    working_days = models.PositiveSmallIntegerField(
        "办理时限（工作日）",
        null=True,
        blank=True,
        help_text="当场办结填 0；申请人自己的环节（如提交申请）留空，不计时",
    )
    description = models.CharField("办理内容", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    objects = GuideRowQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean(), when the guide goes to
    # review, and nightly.
    public_text_fields = ("name", "actor", "description")

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理流程"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def time_limit(self):
        """The step's time limit as the public reads it (即时办结, 3个工作日, — when untimed)."""
        return working_days_label(self.working_days, zero="即时办结")

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)


class GuideQuestion(models.Model):
    """A 常见问题 with its answer."""

    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.CASCADE, related_name="questions"
    )
    question = models.CharField("问题", max_length=200)
    answer = models.TextField("解答")
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = GuideRowQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean(), when the guide goes to
    # review, and nightly.
    public_text_fields = ("question", "answer")

    class Meta:
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"
        ordering = ["order", "id"]

    def __str__(self):
        return self.question

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)


class SpecialProcedure(models.Model):
    """A 特殊环节 (听证, 公告, 专家评审, 检测…): its time is not counted in the 承诺时限."""

    class Kind(models.TextChoices):
        HEARING = "hearing", "听证"
        NOTICE = "notice", "公告"
        EXPERT_REVIEW = "expert_review", "专家评审"
        TESTING = "testing", "检验检测"
        SURVEY = "survey", "现场勘查"
        OTHER = "other", "其他"

    guide = models.ForeignKey(
        ServiceGuide,
        verbose_name="办事指南",
        on_delete=models.CASCADE,
        related_name="special_procedures",
    )
    kind = models.CharField("类型", max_length=16, choices=Kind)
    name = models.CharField("环节名称", max_length=40, help_text="如：征地补偿安置方案公告")
    working_days = models.PositiveSmallIntegerField(
        "所需时间（工作日）", help_text="不计入承诺时限，另行告知申请人"
    )
    description = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = GuideRowQuerySet.as_manager()

    public_text_fields = ("name", "description")

    class Meta:
        verbose_name = "特殊环节"
        verbose_name_plural = "特殊环节"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)

    def time_limit_label(self):
        return f"{working_days_label(self.working_days)}（不计入承诺时限）"


class ResultSampleQuerySet(models.QuerySet):
    def public(self):
        """Return samples of published guides."""
        return self.filter(guide__status=ServiceGuide.Status.PUBLISHED)


class ResultSample(Attachment):
    """A sample of the licence or certificate the item issues (审批结果样本)."""

    guide = models.ForeignKey(
        ServiceGuide,
        verbose_name="办事指南",
        on_delete=models.CASCADE,
        related_name="result_samples",
    )

    objects = ResultSampleQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "审批结果样本"
        verbose_name_plural = "审批结果样本"

    def get_absolute_url(self):
        return reverse("services:result-sample-download", args=[self.pk])


class ServiceGuideEvent(PublicationEvent):
    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(PublicationEvent.Meta):
        verbose_name = "办事指南流转记录"
        verbose_name_plural = "办事指南流转记录"


class ServiceGuideRevision(Revision):
    """A published guide's edit waiting for review (portal.publishing.Revision)."""

    record = models.ForeignKey(
        ServiceGuide, verbose_name="办事指南", on_delete=models.PROTECT, related_name="revisions"
    )

    class Meta(Revision.Meta):
        verbose_name = "办事指南修改稿"
        verbose_name_plural = "办事指南修改稿"
