"""政府信息公开工作年度报告 (Art. 49–50): the texts and figures that cannot be derived."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import InvalidTransition
from portal.models import HandlingEvent, staff_stamp
from portal.transitions import lock

__all__ = ["AnnualReport", "AnnualReportEvent"]


class AnnualReportQuerySet(models.QuerySet):
    def published(self):
        """Return the reports published on the site: on the 依申请公开 pages, or through their
        approved item in the 公开年报 column."""
        return self.filter(Q(published_at__isnull=False) | Q(item__status="published"))

    def for_list(self):
        """Return reports ready for the public list: their catalog item joined."""
        return self.select_related("item")


class AnnualReport(models.Model):
    """政府信息公开工作年度报告: the texts and the figures that cannot be derived."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    overview = models.TextField(
        "一、总体情况",
        blank=True,
        help_text="主动公开、依申请公开、政府信息管理、平台建设、监督保障",
    )
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField(
        "六、其他需要报告的事项", blank=True, help_text="如信息处理费收取情况、人大代表建议办理等"
    )
    permits_count = models.PositiveIntegerField("行政许可本年处理决定数量", default=0)
    penalties_count = models.PositiveIntegerField("行政处罚本年处理决定数量", default=0)
    enforcement_count = models.PositiveIntegerField("行政强制本年处理决定数量", default=0)
    fees_amount = models.DecimalField(
        "行政事业性收费本年收费金额（万元）", max_digits=12, decimal_places=2, default=0
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = staff_stamp("发布人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    item = models.OneToOneField(
        "disclosure.Item",
        verbose_name="公开年报栏目信息条目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="报告送“公开年报”栏目审核发布后生成的信息条目",
    )

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year"]
        permissions = [("publish_annualreport", "发布政府信息公开工作年度报告")]

    def __str__(self):
        return f"{self.year}年政府信息公开工作年度报告"

    def get_absolute_url(self):
        return reverse("disclosure:annual-report", args=[self.year])

    def clean(self):
        if self.year and not 2008 <= self.year <= timezone.localdate().year:
            raise ValidationError(
                {"year": ValidationError("年度应在2008年至今年之间", code="invalid_year")}
            )

    @property
    def period(self):
        return date(self.year, 1, 1), date(self.year, 12, 31)

    def is_published(self):
        """Return whether the public can read the report (either way it was published)."""
        return self.published_at is not None or (
            self.item_id is not None and self.item.is_published()
        )

    def first_published_at(self):
        """Return when the report went public, or None."""
        if self.published_at is not None:
            return self.published_at
        return self.item.published_at if self.is_published() else None

    @transaction.atomic
    def publish(self, *, by, now=None):
        """Publish the report on the 依申请公开 pages; only a finished year can be reported."""
        lock(self, "published_at", "item_id")
        now = now or timezone.now()
        if self.is_published():
            raise InvalidTransition(self, "publish", "该年度报告已经发布")
        self.check_complete(action="publish", now=now)
        self.published_at, self.published_by = now, by
        self.save(update_fields=["published_at", "published_by"])
        self.log(AnnualReportEvent.Kind.PUBLISHED, by, now)

    def log(self, kind, by, now, note=""):
        """Append one row to the report's event table."""
        return self.events.create(kind=kind, actor=by, at=now, note=note)

    def check_complete(self, *, action, now):
        """Raise InvalidTransition unless the year has ended and section 一 is written."""
        if self.year >= timezone.localdate(now).year:
            raise InvalidTransition(self, action, "年度结束后才能发布该年度报告")
        if not self.overview.strip():
            raise InvalidTransition(self, action, "请先填写“一、总体情况”")

    def get_status_display(self):
        return "已发布" if self.is_published() else "草稿"


class AnnualReportEvent(HandlingEvent):
    """One step of an annual report's publication: published here, or sent to the catalog."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "在网站发布"
        SENT_TO_CATALOG = "sent_to_catalog", "送公开年报栏目审核"

    report = models.ForeignKey(
        AnnualReport, verbose_name="年度报告", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("环节", max_length=20, choices=Kind)

    class Meta(HandlingEvent.Meta):
        verbose_name = "年度报告发布记录"
        verbose_name_plural = "年度报告发布记录"
