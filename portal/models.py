"""Site-wide models: staff users, departments and the bureau's own settings."""

import re
from datetime import timedelta
from urllib.parse import urlencode

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit_chain, content_safety, roles
from .crypto import EncryptedCharField, EncryptedTextField
from .uploads import random_upload_path, validate_upload

PHONE_VALIDATOR = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$",
    "请填写正确的手机号码或固定电话（如 0571-87654321）",
    code="invalid_phone",
)


class DepartmentQuerySet(models.QuerySet):
    def active(self):
        """Return departments that still exist in the bureau's organisation chart."""
        return self.filter(is_active=True)

    def by_id(self):
        """Return {id: department} of every department, read once per worker while the content
        version stands (a department's change moves it on, portal.signals): public pages name
        an item's department without a join or a query. Read-only."""
        from .pagecache import per_version

        return per_version("portal:departments", lambda: {row.pk: row for row in self.all()})


class Department(models.Model):
    """A 科室 or 直属单位 of the bureau: owns columns, drafts items and answers messages."""

    name = models.CharField("名称", max_length=60, unique=True)
    code = models.SlugField(
        "简称代码", max_length=20, unique=True, help_text="英文或拼音缩写，用于编号，如 bdcdj"
    )
    duties = models.TextField("主要职能", blank=True)
    head = models.CharField("负责人", max_length=30, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    address = models.CharField("办公地址", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字小的排在前面")
    is_active = models.BooleanField("在用", default=True)

    objects = DepartmentQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean() and nightly.
    public_text_fields = ("name", "code", "duties", "head", "phone", "address")

    class Meta:
        verbose_name = "科室"
        verbose_name_plural = "科室"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)


class DepartmentScopedQuerySet(models.QuerySet):
    """Base for querysets of rows owned by a department (drafts, messages, applications)."""

    department_field = "department"

    def visible_to(self, user):
        """Return the rows the user may see: all for bureau-wide roles, else their department's."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.spans_departments:
            return self
        if user.department_id is None:
            return self.none()
        return self.filter(**{self.department_field: user.department_id})


class UserQuerySet(models.QuerySet):
    def unused(self, *, now=None):
        """Return active accounts not logged in for settings.STAFF_INACTIVE_DAYS (an account that
        never logged in counts from the day it was created); none when the setting is 0."""
        days = settings.STAFF_INACTIVE_DAYS
        if not days:
            return self.none()
        cutoff = (now or timezone.now()) - timedelta(days=days)
        return self.filter(is_active=True).filter(
            models.Q(last_login__lt=cutoff)
            | models.Q(last_login__isnull=True, date_joined__lt=cutoff)
        )


class StaffUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. Citizens never have accounts."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="所在科室",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    password_changed_at = models.DateTimeField(
        "密码修改时间", null=True, blank=True, editable=False
    )

    objects = StaffUserManager()

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["department__order", "username"]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def is_password_expired(self, *, now=None):
        """Return whether the password is older than settings.PASSWORD_MAX_AGE_DAYS (0: never)."""
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or not self.has_usable_password():
            return False
        changed = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - changed > timedelta(days=days)

    @transaction.atomic
    def disable_as_unused(self, *, now=None):
        """Disable an account unused for settings.STAFF_INACTIVE_DAYS (等保: no dormant ones)."""
        from .audit import record

        self.is_active = False
        self.save(update_fields=["is_active"])
        last = timezone.localtime(self.last_login).date() if self.last_login else "从未登录"
        record(
            AuditEntry.Kind.ACCOUNT_DISABLED,
            user=self,
            detail=f"超过 {settings.STAFF_INACTIVE_DAYS} 天未登录，自动停用（上次登录：{last}）",
        )

    def get_short_name(self):
        return self.full_name or self.username

    @cached_property
    def role_names(self):
        """Names of the roles (groups) this user holds."""
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role):
        """Return whether the user holds the role (a superuser holds every role)."""
        return self.is_superuser or role in self.role_names

    def must_use_two_factor(self):
        """Whether the admin asks this account for a TOTP code (roles that publish, when
        settings.STAFF_OTP_REQUIRED is on)."""
        return settings.STAFF_OTP_REQUIRED and any(
            self.has_role(role) for role in roles.PUBLISHING_ROLES
        )

    @property
    def spans_departments(self):
        """Whether the user's work covers every department rather than only their own."""
        return self.is_superuser or bool(self.role_names & roles.CROSS_DEPARTMENT_ROLES)


def staff_stamp(verbose_name, *, editable=False, **options):
    """Return the optional foreign key that records which staff member did something (审核人,
    答复人, 发布人 …): kept when the account is deleted (PROTECT), with no reverse accessor, set by
    the workflow rather than typed into a form."""
    options = {"on_delete": models.PROTECT, "related_name": "+", **options}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        editable=editable,
        **options,
    )


class HandlingEvent(models.Model):
    """One step in handling a citizen's message or application: who (none for the system's own
    reminders), when, and why. Each app adds its kinds and the record it belongs to."""

    actor = staff_stamp("操作人", editable=True)
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        verbose_name = "办理记录"
        ordering = ["at", "pk"]


class LeaderQuerySet(models.QuerySet):
    def current(self):
        """Return the leaders in office, in protocol order."""
        return self.filter(is_active=True).order_by("order", "id")


class Leader(models.Model):
    """A member of the bureau's leadership (领导信息), shown on 机构概况."""

    name = models.CharField("姓名", max_length=30)
    position = models.CharField("职务", max_length=60, help_text="如：党组书记、局长")
    photo = models.ImageField(
        "照片",
        upload_to="leaders/",
        blank=True,
        validators=[validate_upload],
        help_text="JPG 或 PNG，建议 300×400 像素",
    )
    duties = models.TextField("工作分工")
    biography = models.TextField("简历", blank=True)
    order = models.PositiveSmallIntegerField(
        "排序", default=100, help_text="按职务排序，数字小的在前"
    )
    is_active = models.BooleanField("在任", default=True)

    objects = LeaderQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean() and nightly.
    public_text_fields = ("name", "position", "duties", "biography")

    class Meta:
        verbose_name = "领导信息"
        verbose_name_plural = "领导信息"
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.position} {self.name}"

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)


# The national platforms a government site links to from its footer (国办秘函〔2019〕19号).
POLICE_RECORD_URL = "https://www.beian.gov.cn/portal/registerSystemInfo"
ERROR_REPORT_URL = "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action"


class SiteSettings(models.Model):
    """The bureau's identity as the site shows it. One row, edited in the admin."""

    CACHE_KEY = "portal:site-settings"

    bureau_name = models.CharField("单位名称", max_length=60, default="某市国土资源局")
    site_name = models.CharField(
        "网站名称", max_length=60, default="某市国土资源局", help_text="显示在页头和浏览器标题中"
    )
    org_code = models.CharField(
        "组织机构代码",
        max_length=20,
        default="000000000",
        help_text="用于生成信息索引号，如 00319356-6",
        validators=[
            RegexValidator(
                r"^[0-9A-Z-]{8,20}$",
                "组织机构代码只能包含数字、大写字母和连字符",
                code="invalid_org_code",
            )
        ],
    )
    address = models.CharField("地址", max_length=120, blank=True)
    postcode = models.CharField(
        "邮政编码",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", "邮政编码应为6位数字", code="invalid_postcode")],
    )
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    fax = models.CharField("传真", max_length=30, blank=True, validators=[PHONE_VALIDATOR])
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField(
        "办公时间",
        max_length=120,
        blank=True,
        help_text="如：工作日 上午 8:30—12:00，下午 14:30—17:30",
    )
    sponsor = models.CharField(
        "主办单位", max_length=60, blank=True, help_text="页脚“主办单位”，留空时显示单位名称"
    )
    operator = models.CharField(
        "承办单位",
        max_length=60,
        blank=True,
        help_text="负责网站日常运行维护的单位，如：江川市国土资源局办公室",
    )
    domain = models.CharField(
        "网站域名",
        max_length=100,
        blank=True,
        help_text="如 gtj.jiangchuan.gov.cn，用于网页的 SiteDomain 标签，留空时取访问的域名",
        validators=[
            RegexValidator(
                r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                "请填写域名（小写，不含 http:// 和路径），如 gtj.jiangchuan.gov.cn",
                code="invalid_domain",
            )
        ],
    )
    site_code = models.CharField(
        "网站标识码",
        max_length=20,
        blank=True,
        help_text="全国政府网站基本数据库分配的标识码（10位），用于网页标签和“我为政府网站找错”",
        validators=[
            RegexValidator(
                r"^[0-9A-Z]{10,20}$", "网站标识码应为10位数字或大写字母", code="invalid_site_code"
            )
        ],
    )
    icp_number = models.CharField("ICP备案号", max_length=40, blank=True)
    police_number = models.CharField(
        "公安机关备案号",
        max_length=40,
        blank=True,
        help_text="如：浙公网安备 33020002000123号；页脚链接到本站在公安备案平台上的备案信息",
    )
    government_badge = models.FileField(
        "党政机关网站标识",
        upload_to=random_upload_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_upload],
        help_text="机构编制部门核发的“党政机关”标识图片（PNG 或 JPG），上传后显示在页脚",
    )
    government_badge_url = models.URLField(
        "党政机关网站标识链接",
        blank=True,
        help_text="标识的注册信息页，如 https://bszs.conac.cn/sitename?method=show&id=…",
    )

    # Where an applicant turns when a 依申请公开 request is not answered in time (条例第五十一条):
    # shown on the overdue request's page. Demo values; the office enters its own.
    disclosure_authority = models.CharField(
        "政府信息公开工作主管部门",
        max_length=60,
        default="江川市人民政府办公室",
        help_text="受理政府信息公开投诉、举报的主管部门",
    )
    disclosure_authority_contact = models.CharField(
        "主管部门联系方式",
        max_length=200,
        blank=True,
        default="地址：江川市府前路1号；电话：0571-87060000；工作日 8:30—17:30",
    )
    review_body = models.CharField(
        "行政复议机关", max_length=60, default="江川市人民政府", help_text="受理行政复议申请的机关"
    )
    review_body_contact = models.CharField(
        "行政复议机关联系方式",
        max_length=200,
        blank=True,
        default="江川市人民政府行政复议局，地址：江川市府前路3号；电话：0571-87060100",
    )
    court = models.CharField("管辖法院", max_length=60, default="江川市滨江区人民法院")
    court_contact = models.CharField(
        "管辖法院联系方式",
        max_length=200,
        blank=True,
        default="诉讼服务中心，地址：江川市江南大道88号；电话：0571-12368",
    )

    # Text the public reads on every page (portal.content_safety): checked in clean() and nightly.
    public_text_fields = (
        "bureau_name",
        "site_name",
        "org_code",
        "address",
        "postcode",
        "phone",
        "fax",
        "email",
        "office_hours",
        "sponsor",
        "operator",
        "site_code",
        "icp_number",
        "police_number",
        "disclosure_authority",
        "disclosure_authority_contact",
        "review_body",
        "review_body_contact",
        "court",
        "court_contact",
    )

    class Meta:
        verbose_name = "网站设置"
        verbose_name_plural = "网站设置"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1),
                name="sitesettings_single_row",
                violation_error_message="网站设置只能有一条",
            )
        ]

    def __str__(self):
        return self.site_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)

    def sponsor_name(self):
        """Return the 主办单位 shown in the footer (the bureau itself unless entered)."""
        return self.sponsor or self.bureau_name

    def police_record_url(self):
        """Return this site's record on 全国互联网安全管理服务平台, or "" without a number."""
        digits = "".join(re.findall(r"\d", self.police_number))
        if not digits:
            return ""
        return f"{POLICE_RECORD_URL}?{urlencode({'recordcode': digits})}"

    def error_report_url(self):
        """Return this site's 我为政府网站找错 entry on the national platform, or ""."""
        if not self.site_code:
            return ""
        return f"{ERROR_REPORT_URL}?{urlencode({'siteCode': self.site_code})}"

    def missing_identity_elements(self):
        """Return the labels of the identity elements the inspection requires and are missing."""
        required = [
            ("sponsor_name", "主办单位"),
            ("operator", "承办单位"),
            ("site_code", "网站标识码"),
            ("icp_number", "ICP备案号"),
            ("police_number", "公安机关备案号"),
            ("government_badge", "党政机关网站标识"),
            ("government_badge_url", "党政机关网站标识链接"),
        ]
        missing = []
        for name, label in required:
            value = getattr(self, name)
            if not (value() if callable(value) else value):
                missing.append(label)
        if not (self.phone or self.email):
            missing.append("联系方式（电话或电子邮箱）")
        return missing

    @classmethod
    def load(cls):
        """Return the one settings row, from the cache when possible."""
        settings_row = cache.get(cls.CACHE_KEY)
        if settings_row is None:
            settings_row, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, settings_row, 300)
        return settings_row


class WorkCalendarDayQuerySet(models.QuerySet):
    def in_year(self, year):
        """Return the calendar rows of one year."""
        return self.filter(date__year=year)

    def missing_next_year(self, *, today=None):
        """Return next year if it has no rows and today is 1 December or later, else None."""
        today = today or timezone.localdate()
        if today.month < 12:
            return None
        year = today.year + 1
        return None if self.in_year(year).exists() else year


class WorkCalendarDay(models.Model):
    """An exception to the Monday–Friday week: a weekday holiday or a 调休 working weekend.

    Only the exceptions are stored; every other date counts by its weekday. A year with no rows
    is unknown, and deadlines falling in it are marked 预估 (portal.workdays).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind)
    note = models.CharField("说明", max_length=60, blank=True, help_text="如：国庆节、春节调休")

    objects = WorkCalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.note}".strip()

    def clean(self):
        if self.date and self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": ValidationError(
                        "周一至周五本来就是工作日，只有周末才需要登记为调休上班",
                        code="workday_on_weekday",
                    )
                }
            )


@receiver([post_save, post_delete], sender=WorkCalendarDay, dispatch_uid="portal-workdays-cache")
def clear_workdays_cache(sender, instance, **kwargs):
    """Forget the cached calendar of the changed row's year (the only signal of this model)."""
    from . import workdays

    workdays.clear_cache([instance.date.year])


# --------------------------------------------------------------------------------------------
# Content safety (错敏字): the word lists and the findings of `manage.py scan_content`
# --------------------------------------------------------------------------------------------
class SensitiveTermQuerySet(models.QuerySet):
    def active(self):
        """Return the entries the scanner uses."""
        return self.filter(is_active=True)


class SensitiveTerm(models.Model):
    """One entry of the content-safety word lists, edited by the 政务公开办."""

    class Category(models.TextChoices):
        PROHIBITED = "prohibited", "违禁内容"
        SPAM = "spam", "赌博色情广告"
        MISSPELLING = "misspelling", "常见错别字"
        INSTITUTION_NAME = "institution_name", "机构名称"
        LEADER_NAME = "leader_name", "领导姓名"
        PERSONAL_DATA = "personal_data", "个人信息"

    class Kind(models.TextChoices):
        WORD = "word", "词语"
        PATTERN = "pattern", "正则表达式"
        BRAND = "brand", "博彩品牌（与数字、体育词连用或出现在网址中时阻断）"
        CONTEXT = "context", "伴随词（只在赌博色情词旁计入整段）"
        NAME = "name", "标准名称（核对一字之差）"

    class Severity(models.TextChoices):
        BLOCK = "block", "阻断"
        WARN = "warn", "警告"

    term = models.CharField(
        "词条",
        max_length=200,
        help_text="要查找的写法（错误写法）。赌博色情广告和违禁内容会忽略其中的空格、标点和全角字符",
    )
    category = models.CharField("类别", max_length=20, choices=Category)
    severity = models.CharField(
        "级别",
        max_length=5,
        choices=Severity,
        default=Severity.WARN,
        help_text="阻断：不能提交和发布；警告：提示修改，不阻止发布",
    )
    suggestion = models.CharField("正确写法", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    kind = models.CharField(
        "匹配方式",
        max_length=10,
        choices=Kind,
        default=Kind.WORD,
        help_text="正则表达式用于网址等规律性写法；标准名称是上级机关等的正确全称，"
        "正文中与之仅差一字的写法会被提示",
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新于", auto_now=True)

    objects = SensitiveTermQuerySet.as_manager()

    class Meta:
        verbose_name = "内容安全词条"
        verbose_name_plural = "内容安全词库"
        ordering = ["category", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "term"],
                name="sensitiveterm_unique_term",
                violation_error_message="该类别下已有相同词条",
            )
        ]

    def __str__(self):
        return f"{self.term}（{self.get_category_display()}）"

    def clean(self):
        if not self.term.strip():
            raise ValidationError({"term": ValidationError("请填写词条", code="required")})
        if self.kind == self.Kind.PATTERN:
            try:
                re.compile(self.term)
            except re.error as exc:
                raise ValidationError(
                    {"term": ValidationError(f"正则表达式有误：{exc}", code="invalid_pattern")}
                ) from exc


class ContentFindingQuerySet(models.QuerySet):
    def unresolved(self):
        """Return the findings nobody has dealt with yet."""
        return self.filter(is_resolved=False)

    def blocking(self):
        """Return the findings of blocking severity."""
        return self.filter(severity=SensitiveTerm.Severity.BLOCK)

    def allowed(self):
        """Return the personal data the 审核员 allowed to be published, with a recorded reason."""
        return self.filter(category=SensitiveTerm.Category.PERSONAL_DATA, is_resolved=True).exclude(
            reason=""
        )


class ContentFinding(models.Model):
    """A hit of the scanner in already published content, recorded by `scan_content`."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="内容类型", on_delete=models.CASCADE
    )
    object_id = models.CharField("对象编号", max_length=64)
    content_object = GenericForeignKey("content_type", "object_id")
    object_title = models.CharField("标题", max_length=200, blank=True)
    field = models.CharField("字段", max_length=60)
    term = models.CharField("词条", max_length=200)
    category = models.CharField("类别", max_length=20, choices=SensitiveTerm.Category)
    severity = models.CharField("级别", max_length=5, choices=SensitiveTerm.Severity)
    matched = models.CharField("原文写法", max_length=200)
    suggestion = models.CharField("正确写法", max_length=200, blank=True)
    position = models.IntegerField("位置（字符）", default=0)
    line = models.PositiveIntegerField("行", default=1)
    column = models.PositiveIntegerField("列", default=1)
    context = models.CharField("上下文", max_length=300)
    location = models.CharField(
        "文件内位置", max_length=120, blank=True, help_text="附件中的工作表和单元格、页码等"
    )
    reason = models.TextField(
        "处理说明",
        blank=True,
        help_text="个人信息确需公开的（如依法公示并经本人同意），写明理由和依据；记录处理人和时间",
    )
    found_at = models.DateTimeField("发现时间", default=timezone.now, db_index=True)
    is_resolved = models.BooleanField("已处理", default=False)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ContentFindingQuerySet.as_manager()

    class Meta:
        verbose_name = "内容安全检查结果"
        verbose_name_plural = "内容安全检查结果"
        ordering = ["is_resolved", "-found_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="finding_object")]

    def __str__(self):
        return f"{self.object_title or self.object_id}：{self.matched}"

    def resolve(self, *, by, reason="", now=None):
        """Mark the finding as dealt with (corrected, or checked and acceptable: say why)."""
        self.is_resolved, self.resolved_at, self.resolved_by = True, now or timezone.now(), by
        self.reason = reason or self.reason
        self.save(update_fields=["is_resolved", "resolved_at", "resolved_by", "reason"])


# --------------------------------------------------------------------------------------------
# Audit log (安全审计): logins, logouts, lockouts and role changes, kept at least 180 days
# --------------------------------------------------------------------------------------------
class AuditEntryQuerySet(models.QuerySet):
    def expired(self, *, now=None):
        """Return the entries older than the retention period (settings.AUDIT_RETENTION_DAYS)."""
        return self.filter(at__lt=retention_cutoff(now=now))

    def chain_head(self) -> str:
        """The hash the next entry chains to: the newest row's, else the last pruned row's."""
        head = AuditEntry.objects.order_by("-pk").values_list("hash", flat=True).first()
        if head is not None:
            return head
        anchor = AuditAnchor.objects.order_by("-last_id").first()
        return anchor.last_hash if anchor else audit_chain.GENESIS

    def verify_chain(self):
        """Walk the whole chain from the last prune anchor; return (rows verified, first broken
        row or None). A broken row is one whose hash is not SHA-256(previous | its fields)."""
        anchor = AuditAnchor.objects.order_by("-last_id").first()
        previous = anchor.last_hash if anchor else audit_chain.GENESIS
        rows = AuditEntry.objects.order_by("pk")
        if anchor:
            stray = rows.filter(pk__lte=anchor.last_id).first()
            if stray is not None:  # a row at or before the anchor should have been pruned
                return 0, stray
        count = 0
        for row in rows.iterator(chunk_size=2000):
            if row.hash != audit_chain.row_hash(previous, row):
                return count, row
            previous = row.hash
            count += 1
        return count, None

    def prune(self) -> int:
        """Delete the oldest entries, up to the first one inside the retention period, and keep
        the hash of the last deleted row as the chain's anchor (AuditAnchor). Returns the count.

        On PostgreSQL this runs the database function portal_prune_audit(retention_days), the
        only path past the append-only trigger (migration 0018); it refuses fewer than 180 days
        and measures them on the database's clock.
        """
        days = retention_days()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT portal_prune_audit(%s)", [days])
                    return cursor.fetchone()[0]
            audit_chain.lock_chain()
            rows = AuditEntry.objects.order_by("pk")
            first_kept = rows.filter(at__gte=retention_cutoff()).values_list("pk", flat=True)
            first_kept = first_kept.first()
            doomed = rows if first_kept is None else rows.filter(pk__lt=first_kept)
            last = doomed.order_by("-pk").first()
            if last is None:
                return 0
            deleted, _ = doomed.delete()
            AuditAnchor.objects.create(last_id=last.pk, last_hash=last.hash, count=deleted)
            return deleted


def retention_days() -> int:
    """How long audit entries are kept: AUDIT_RETENTION_DAYS, never fewer than 180 days."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 180)
    return max(days, audit_chain.MIN_RETENTION_DAYS)


def retention_cutoff(*, now=None):
    """The time before which audit entries may be pruned."""
    return (now or timezone.now()) - timedelta(days=retention_days())


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKOUT = "lockout", "账号锁定"
        IDLE_TIMEOUT = "idle_timeout", "闲置超时退出"
        ROLES_CHANGED = "roles_changed", "角色变更"
        PERMISSIONS_CHANGED = "permissions_changed", "权限变更"
        OTP_ENROLLED = "otp_enrolled", "启用两步验证"
        OTP_VERIFIED = "otp_verified", "两步验证通过"
        OTP_FAILED = "otp_failed", "两步验证失败"
        OTP_RESET = "otp_reset", "重置两步验证"
        PASSWORD_CHANGED = "password_changed", "修改密码"
        ACCOUNT_DISABLED = "account_disabled", "长期未用停用"
        ACCOUNT_CREATED = "account_created", "创建账号"
        PERSONAL_DATA_VIEWED = "personal_data_viewed", "查看个人信息"
        PERSONAL_DATA_ERASED = "personal_data_erased", "删除过期个人信息"
        UNLOCKED = "unlocked", "解除登录锁定"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=Kind)
    # The log keeps the id of a deleted account (no constraint, nothing cascades): SET NULL would
    # be an UPDATE, which the append-only table refuses, and would break the row's hash.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    hash = models.CharField(
        "校验值",
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256（上一条的校验值 | 本条内容），由 verify_audit_log 核验",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "安全审计日志"
        verbose_name_plural = "安全审计日志"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        """Append the entry to the hash chain (portal.audit_chain); an entry is never changed."""
        if not self._state.adding:
            raise ValueError("安全审计日志只能追加，不能修改")
        if timezone.is_naive(self.at):
            self.at = timezone.make_aware(self.at)
        kwargs["force_insert"] = True
        with transaction.atomic():
            audit_chain.lock_chain()
            previous = AuditEntry.objects.chain_head()
            self.pk = audit_chain.next_id(AuditEntry)
            self.hash = audit_chain.row_hash(previous, self)
            super().save(*args, **kwargs)


class AuditAnchor(models.Model):
    """The hash of the last row a retention prune removed: where verification starts again."""

    pruned_at = models.DateTimeField("裁剪时间", default=timezone.now)
    last_id = models.BigIntegerField("最后删除的记录")
    last_hash = models.CharField("其校验值", max_length=64)
    count = models.PositiveIntegerField("删除条数")

    class Meta:
        verbose_name = "审计日志裁剪锚点"
        verbose_name_plural = "审计日志裁剪锚点"
        ordering = ["-last_id"]

    def __str__(self):
        return f"#{self.last_id} {self.pruned_at:%Y-%m-%d}"


class IndexVector(models.Func):
    """The entry's tsvector: title words weighted A, text words B (PostgreSQL, config simple).

    SQLite has no tsvector: the column stays NULL there and an FTS5 table indexes the same two
    text columns instead (see the migration and portal.search).
    """

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return (
            "setweight(to_tsvector('simple'::regconfig, COALESCE(title_terms, '')), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, COALESCE(search_text, '')), 'B')",
            [],
        )


class TitleVector(models.Func):
    """The tsvector of the title words alone (PostgreSQL), cheap to rank; NULL on SQLite."""

    output_field = SearchVectorField()

    def __init__(self):
        super().__init__()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return "to_tsvector('simple'::regconfig, COALESCE(title_terms, ''))", []


class SearchEntryQuerySet(models.QuerySet):
    def search(self, query, *, kind=None, department=None, year=None, order="relevance"):
        """Return the hits (a portal.search.SearchResults) of entries with every word of query."""
        from . import search

        rows = search.match(self, query)
        if kind:
            rows = rows.filter(kind=kind)
        if department:
            rows = rows.filter(department=department)
        if year:
            rows = rows.filter(published_at__year=year)
        department_id = getattr(department, "pk", department)
        cache_key = f"{query}\x00{kind}\x00{department_id}\x00{year}"
        return search.SearchResults(rows, order=order, cache_key=cache_key)


class SearchEntry(models.Model):
    """One public row of any app in the site search index (filled by portal.search)."""

    KINDS = ("政府信息", "办事指南", "办件公示", "政民互动")

    key = models.CharField("来源", max_length=80, unique=True, help_text="应用.模型:主键")
    kind = models.CharField("类型", max_length=10, db_index=True)
    title = models.CharField("标题", max_length=300)
    url = models.CharField("网址", max_length=300)
    column = models.CharField("栏目", max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="发布机构",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("发布日期", db_index=True)
    body = models.TextField("摘要文本", blank=True)
    title_terms = models.TextField("标题分词", blank=True)
    search_text = models.TextField("全文分词", blank=True)
    search_vector = models.GeneratedField(
        expression=IndexVector(), output_field=SearchVectorField(), db_persist=True
    )
    title_vector = models.GeneratedField(
        expression=TitleVector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"

    def __str__(self):
        return self.title


class TwoFactorDevice(TOTPDevice):
    """A staff member's authenticator app (django-otp's TOTPDevice), as the admin shows it: the
    政务公开办 removes a lost phone's device here so its owner can enrol again."""

    class Meta:
        proxy = True
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"


class CitizenNoticeQuerySet(models.QuerySet):
    def for_case(self, record):
        """Return the notices sent about record (a message or an application), newest first."""
        return self.filter(case_type=record._meta.label_lower, case_id=record.pk).order_by(
            "-created_at", "-pk"
        )

    def due_for_retry(self):
        """Return failed notices the worker tries again (a re-issued 查询码 is never stored,
        so its notice cannot be retried: the office re-issues instead)."""
        return self.filter(
            status=CitizenNotice.Status.FAILED, attempts__lt=CitizenNotice.MAX_ATTEMPTS
        ).exclude(kind=CitizenNotice.Kind.QUERY_CODE)


class CitizenNotice(models.Model):
    """One notice to a citizen about their message or application (portal.notify): what was sent,
    to which contact, and whether it went out. Never marked sent unless the backend accepted it."""

    MAX_ATTEMPTS = 5

    class Kind(models.TextChoices):
        RECEIVED = "received", "已受理"
        CORRECTION = "correction", "需要补正"
        REPLIED = "replied", "已答复"
        OVERDUE = "overdue", "已超期"
        QUERY_CODE = "query_code", "重新发放查询码"

    class Channel(models.TextChoices):
        EMAIL = "email", "电子邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    case_type = models.CharField("事项类型", max_length=40, editable=False)
    case_id = models.PositiveBigIntegerField("事项ID", editable=False)
    tracking_number = models.CharField("编号", max_length=20, editable=False, db_index=True)
    kind = models.CharField("通知事由", max_length=12, choices=Kind, editable=False)
    channel = models.CharField("发送方式", max_length=8, choices=Channel, editable=False)
    # The citizen's phone or e-mail, and a text that may quote their 补正 items: encrypted at rest.
    recipient = EncryptedCharField("接收人", max_length=254, editable=False)
    subject = models.CharField("标题", max_length=200, editable=False)
    body = EncryptedTextField("内容", editable=False)
    status = models.CharField(
        "状态", max_length=8, choices=Status, default=Status.PENDING, editable=False, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("发送次数", default=0, editable=False)
    last_error = models.TextField("最近一次失败原因", blank=True, editable=False)
    created_at = models.DateTimeField("生成时间", default=timezone.now, editable=False)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True, editable=False)

    objects = CitizenNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "群众通知"
        verbose_name_plural = "群众通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="citizennotice_case")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="citizennotice_sent_has_time",
                violation_error_message="已发送的通知必须有发送时间",
                violation_error_code="sent_at_missing",
            ),
        ]

    def __str__(self):
        return f"{self.tracking_number} {self.get_kind_display()}（{self.get_channel_display()}）"

    def mark_sent(self, *, now=None):
        """Record that the backend accepted the notice."""
        self.status, self.sent_at = self.Status.SENT, now or timezone.now()
        self.attempts += 1
        self.last_error = ""
        self.save(update_fields=["status", "sent_at", "attempts", "last_error"])

    def mark_failed(self, error):
        """Record a failed attempt and why; the worker retries it (due_for_retry)."""
        self.status = self.Status.FAILED
        self.attempts += 1
        self.last_error = str(error)[:1000] or type(error).__name__
        self.save(update_fields=["status", "attempts", "last_error"])


class StaffNoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Return the notices addressed to user, newest first."""
        return self.filter(recipient=user).order_by("-created_at", "-pk")

    def unread(self):
        """Return the notices their recipient has not opened or marked read."""
        return self.filter(read_at=None)

    def for_case(self, record):
        """Return the notices about record, newest first."""
        return self.filter(case_type=record._meta.label_lower, case_id=record.pk).order_by(
            "-created_at", "-pk"
        )

    def undelivered(self):
        """Return notices whose mail has not gone out: no address, no recipient, or failed."""
        return self.filter(
            mail_status__in=[StaffNotice.MailStatus.UNDELIVERABLE, StaffNotice.MailStatus.FAILED]
        )

    def due_for_delivery(self, *, now=None):
        """Return notices whose mail is waiting or may be tried again: pending, without an
        address (one may have been added since), failed with attempts left, or left 发送中 by
        a worker that stopped (see claimable())."""
        return self.filter(
            models.Q(mail_status=StaffNotice.MailStatus.PENDING)
            | models.Q(mail_status=StaffNotice.MailStatus.UNDELIVERABLE)
            | models.Q(
                mail_status=StaffNotice.MailStatus.FAILED,
                mail_attempts__lt=StaffNotice.MAX_ATTEMPTS,
            )
            | StaffNotice.sending_abandoned_q(now=now)
        )

    def claimable(self, *, now=None):
        """Return the notices a worker may take for sending: every state but sent and 发送中,
        and 发送中 whose worker's lease has run out (it stopped before recording the outcome)."""
        return self.filter(
            models.Q(
                mail_status__in=[
                    StaffNotice.MailStatus.PENDING,
                    StaffNotice.MailStatus.UNDELIVERABLE,
                    StaffNotice.MailStatus.FAILED,
                ]
            )
            | StaffNotice.sending_abandoned_q(now=now)
        )


class StaffNotice(models.Model):
    """One notice to a member of staff (portal.staff_notices): shown in the admin's notice list
    and mailed after the commit. Its mail is never recorded as sent unless the backend took it;
    a notice without an address or without any recipient is recorded as not deliverable."""

    MAX_ATTEMPTS = 5
    # How long a worker holds a notice it took for sending (发送中). The mail backend gives up
    # after 20 seconds (settings.MAILERS), so a notice still 发送中 after this was left by a
    # worker that stopped (a crash, a restart) and is taken again; a slow worker inside the
    # lease is never overtaken, so a notice is not mailed twice.
    SENDING_LEASE = timedelta(minutes=15)

    class MailStatus(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        UNDELIVERABLE = "undeliverable", "无法投递"
        FAILED = "failed", "发送失败"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="staff_notices",
        help_text="为空表示找不到应接收的工作人员账号",
    )
    verb = models.CharField("事由", max_length=24, editable=False, db_index=True)
    case_type = models.CharField("事项类型", max_length=60, editable=False)
    case_id = models.PositiveBigIntegerField("事项ID", editable=False)
    title = models.CharField("标题", max_length=200, editable=False)
    body = models.TextField("内容", editable=False)
    url = models.CharField("办理地址", max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField("通知时间", default=timezone.now, editable=False)
    read_at = models.DateTimeField("已读时间", null=True, blank=True, editable=False)
    mail_status = models.CharField(
        "邮件状态",
        max_length=14,
        choices=MailStatus,
        default=MailStatus.PENDING,
        editable=False,
        db_index=True,
    )
    mail_attempts = models.PositiveSmallIntegerField("发送次数", default=0, editable=False)
    mail_error = models.TextField("未送达原因", blank=True, editable=False)
    mailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True, editable=False)
    sending_started_at = models.DateTimeField(
        "开始发送时间",
        null=True,
        blank=True,
        editable=False,
        help_text=f"最近一次开始发送邮件的时间；“发送中”超过{SENDING_LEASE.seconds // 60}分钟"
        "视为发送中断，将重新发送",
    )

    objects = StaffNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "工作通知"
        verbose_name_plural = "工作通知"
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="staffnotice_case"),
            models.Index(fields=["recipient", "read_at"], name="staffnotice_unread"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mail_status="sent") | models.Q(mailed_at__isnull=False),
                name="staffnotice_sent_has_time",
                violation_error_message="已发送的通知必须有发送时间",
                violation_error_code="mailed_at_missing",
            ),
            models.CheckConstraint(
                condition=~models.Q(mail_status="sending")
                | models.Q(sending_started_at__isnull=False),
                name="staffnotice_sending_has_time",
                violation_error_message="发送中的通知必须有开始发送时间",
                violation_error_code="sending_started_at_missing",
            ),
        ]

    def __str__(self):
        return self.title

    def is_read(self):
        return self.read_at is not None

    @classmethod
    def sending_abandoned_q(cls, *, now=None):
        """Return the condition of a notice left 发送中 longer than SENDING_LEASE."""
        started_before = (now or timezone.now()) - cls.SENDING_LEASE
        return models.Q(mail_status=cls.MailStatus.SENDING, sending_started_at__lt=started_before)

    def mark_read(self, *, now=None):
        """Record that the recipient has read the notice (once)."""
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])

    def mark_sent(self, *, now=None):
        """Record that the mail backend accepted the notice."""
        self.mail_status, self.mailed_at = self.MailStatus.SENT, now or timezone.now()
        self.mail_attempts += 1
        self.mail_error = ""
        self.save(update_fields=["mail_status", "mailed_at", "mail_attempts", "mail_error"])

    def mark_undeliverable(self, reason):
        """Record that the mail cannot go out (no address, no recipient); tried again later."""
        self.mail_status, self.mail_error = self.MailStatus.UNDELIVERABLE, reason
        self.save(update_fields=["mail_status", "mail_error"])

    def mark_failed(self, error):
        """Record a failed attempt and why; tried again up to MAX_ATTEMPTS."""
        self.mail_status = self.MailStatus.FAILED
        self.mail_attempts += 1
        self.mail_error = str(error)[:1000] or type(error).__name__
        self.save(update_fields=["mail_status", "mail_attempts", "mail_error"])


class PasswordHistory(models.Model):
    """A staff member's earlier password hashes, so that the last few are not used again (等保)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


# django-otp-webauthn's models module asks for the user model when it is imported, so it is
# imported here, after User is defined (the app is listed after portal in INSTALLED_APPS).
from django_otp_webauthn.models import WebAuthnCredential  # noqa: E402


class Passkey(WebAuthnCredential):
    """A staff member's passkey (WebAuthn credential, django-otp-webauthn), the other second
    factor besides the authenticator app. Its owner names and removes it on the 两步验证 page; the
    staff who may remove a lost phone's app (portal.delete_twofactordevice) remove a lost key."""

    class Meta:
        proxy = True
        verbose_name = "通行密钥"
        verbose_name_plural = "通行密钥"


# --------------------------------------------------------------------------------------------
# Login lockouts (django-axes' AccessAttempt rows, as the 安全管理员 sees and lifts them)
# --------------------------------------------------------------------------------------------
class LoginLockoutQuerySet(models.QuerySet):
    def recent(self, *, now=None):
        """Return the failed-login records that still count (inside AXES_COOLOFF_TIME)."""
        return self.filter(attempt_time__gte=lockout_threshold(now=now))

    def with_pair_figures(self, *, now=None):
        """Annotate each record with its account-and-address pair's figures, as django-axes
        counts them (AXES_LOCKOUT_PARAMETERS: username + ip_address; one row per browser):
        `pair_failures` (failures that still count) and `locked_at` (the latest of them)."""
        pair = AccessAttempt.objects.filter(
            username=models.OuterRef("username"),
            ip_address=models.OuterRef("ip_address"),
            attempt_time__gte=lockout_threshold(now=now),
        ).order_by()
        total = pair.values("username").annotate(total=models.Sum("failures_since_start"))
        return self.annotate(
            pair_failures=Coalesce(
                models.Subquery(total.values("total")[:1]), "failures_since_start"
            ),
            locked_at=Coalesce(
                models.Subquery(pair.order_by("-attempt_time").values("attempt_time")[:1]),
                "attempt_time",
            ),
        )

    def locked(self, *, now=None):
        """Return the records of pairs that are locked out now (the lockout rule's one home:
        AXES_FAILURE_LIMIT failures of the pair inside AXES_COOLOFF_TIME)."""
        return (
            self.recent(now=now)
            .with_pair_figures(now=now)
            .filter(pair_failures__gte=settings.AXES_FAILURE_LIMIT)
        )


def lockout_threshold(*, now=None):
    """Return the moment before which failed logins no longer count (AXES_COOLOFF_TIME)."""
    return (now or timezone.now()) - lockout_cooloff()


def lockout_cooloff():
    """Return how long a lockout lasts (django-axes' AXES_COOLOFF_TIME as a timedelta)."""
    from axes.helpers import get_cool_off

    return get_cool_off()


class LoginLockout(AccessAttempt):
    """登录锁定: failed logins of one account from one address (django-axes' record), shown to
    the 安全管理员, who may lift a lockout before it ends by itself."""

    objects = LoginLockoutQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-attempt_time"]
        permissions = [("unlock_loginlockout", "可以解除登录锁定")]

    def __str__(self):
        return f"{self.username}（{self.ip_address or '未知地址'}）"

    def unlock_at(self):
        """Return when the lockout ends by itself (the pair's last failure + the cool-off)."""
        return (getattr(self, "locked_at", None) or self.attempt_time) + lockout_cooloff()

    @transaction.atomic
    def unlock(self, *, by, request=None):
        """Lift the lockout of this account-and-address pair now and audit who lifted it.

        Every record of the pair goes (django-axes keeps one per browser); the account's other
        addresses keep theirs. Return the number of records removed.
        """
        from .audit import record

        failures = getattr(self, "pair_failures", None) or self.failures_since_start
        removed, _ = AccessAttempt.objects.filter(
            username=self.username, ip_address=self.ip_address
        ).delete()
        record(
            AuditEntry.Kind.UNLOCKED,
            user=User.objects.filter(username=self.username).first(),
            username=self.username or "",
            request=request,
            detail=f"由 {by.username} 解除登录锁定（登录地址 {self.ip_address or '未知'}，"
            f"失败 {failures} 次）",
        )
        return removed
