"""网站自查: each run of the self-inspection and what it found (oversight.inspection runs it)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["InspectionFinding", "SiteInspection"]


class SiteInspectionQuerySet(models.QuerySet):
    def in_year(self, year):
        """Return the runs started in a year (local time)."""
        return self.filter(started_at__year=year)

    def latest_first(self):
        """Return the runs newest first."""
        return self.order_by("-started_at", "-pk")


class SiteInspection(models.Model):
    """One run of the self-inspection (网站自查) against 国办秘函〔2019〕19号: score and counts."""

    started_at = models.DateTimeField("开始时间", default=timezone.now, editable=False)
    finished_at = models.DateTimeField("完成时间", null=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="空白表示定时任务发起",
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, default=0, editable=False)
    veto_count = models.PositiveIntegerField("单项否决项", default=0, editable=False)
    deducted_points = models.DecimalField(
        "扣分", max_digits=6, decimal_places=1, default=0, editable=False
    )
    warning_count = models.PositiveIntegerField("预警", default=0, editable=False)
    page_count = models.PositiveIntegerField("检查页面数", default=0, editable=False)
    attachment_count = models.PositiveIntegerField("检查附件数", default=0, editable=False)
    link_count = models.PositiveIntegerField("检查站内链接数", default=0, editable=False)
    broken_link_count = models.PositiveIntegerField("不可用链接数", default=0, editable=False)
    external_link_count = models.PositiveIntegerField("外部链接数", default=0, editable=False)
    has_checked_external_links = models.BooleanField(
        "已检查外部链接", default=False, editable=False, help_text="未联网时外部链接不检查"
    )
    is_page_limit_reached = models.BooleanField(
        "达到页面上限", default=False, editable=False, help_text="达到上限后其余页面未检查"
    )

    objects = SiteInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "网站自查"
        verbose_name_plural = "网站自查"
        ordering = ["-started_at", "-pk"]
        permissions = [("run_siteinspection", "可以发起网站自查")]

    def __str__(self):
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M} 网站自查"

    def is_vetoed(self):
        """Return whether a veto item (单项否决) was found: the site fails the inspection."""
        return self.veto_count > 0

    def result_label(self):
        """Return the verdict as the indicators state it."""
        return "单项否决（不合格）" if self.is_vetoed() else f"{self.score}分"


class InspectionFindingQuerySet(models.QuerySet):
    def vetoes(self):
        """Return the veto items (单项否决)."""
        return self.filter(severity=InspectionFinding.Severity.VETO)

    def deductions(self):
        """Return the deduction items (扣分)."""
        return self.filter(severity=InspectionFinding.Severity.DEDUCTION)

    def warnings(self):
        """Return the warnings (预警): items about to become veto items, and unchecked links."""
        return self.filter(severity=InspectionFinding.Severity.WARNING)

    def most_urgent_first(self):
        """Return vetoes first, then deductions by points, then warnings: what to fix first."""
        order = models.Case(
            *[
                models.When(severity=severity, then=rank)
                for rank, severity in enumerate(InspectionFinding.Severity.values)
            ]
        )
        return self.order_by(order, "-points", "rule", "pk")


class InspectionFinding(models.Model):
    """One thing a run found: the rule it breaks, how it counts, and where to fix it."""

    class Severity(models.TextChoices):
        VETO = "veto", "单项否决"
        DEDUCTION = "deduction", "扣分"
        WARNING = "warning", "预警"

    inspection = models.ForeignKey(
        SiteInspection, verbose_name="自查", on_delete=models.CASCADE, related_name="findings"
    )
    rule = models.CharField("规则", max_length=40, help_text="oversight.inspection 中的规则代码")
    indicator = models.CharField("检查指标", max_length=120)
    severity = models.CharField("性质", max_length=10, choices=Severity)
    points = models.DecimalField("扣分", max_digits=5, decimal_places=1, default=0)
    message = models.CharField("问题", max_length=500)
    target = models.CharField(
        "对象", max_length=300, blank=True, help_text="问题所在的页面地址或记录，用于判断是否已整改"
    )
    page_url = models.CharField("所在页面", max_length=500, blank=True)
    fix_url = models.CharField("整改入口", max_length=500, blank=True)

    objects = InspectionFindingQuerySet.as_manager()

    class Meta:
        verbose_name = "自查问题"
        verbose_name_plural = "自查问题"
        ordering = ["inspection", "pk"]

    def __str__(self):
        return f"【{self.get_severity_display()}】{self.message}"

    def key(self):
        """Return what identifies the same problem in two runs (for 整改 counts)."""
        return (self.rule, self.target)
