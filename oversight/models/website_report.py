"""政府网站工作年度报表: the yearly website report, computed in January, edited, sent for review.

The figures are computed from the other apps' rows by oversight.website_report; the office may
correct them in the admin before the report goes to the catalog as an item for review.
"""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import HandlingEvent
from portal.transitions import Transitions

__all__ = ["WebsiteReport", "WebsiteReportEvent"]


def count_field(label, help_text=""):
    return models.PositiveIntegerField(label, default=0, help_text=help_text)


class WebsiteReportQuerySet(models.QuerySet):
    def published(self):
        """Return the reports whose catalog item is published (the public list)."""
        return self.filter(item__status="published").order_by("-year")


class WebsiteReport(Transitions, models.Model):
    """One year's 政府网站工作年度报表 (国办发〔2017〕47号 附件), one row per year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        SUBMITTED = "submitted", "已送审发布"

    TRANSITIONS = {"regenerate": {Status.DRAFT}, "submit": {Status.DRAFT}}

    year = models.PositiveSmallIntegerField("年度", unique=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    # 信息发布
    published_count = count_field("信息发布总数（条）")
    overview_count = count_field("概况类信息（条）")
    news_count = count_field("政务动态信息（条）")
    catalog_count = count_field("信息公开目录信息（条）")
    # 专栏专题
    special_count = count_field("专栏专题维护数量（个）")
    special_new_count = count_field("新开设专栏专题（个）")
    # 解读回应
    interpretation_count = count_field("解读信息发布总数（条）")
    response_count = count_field(
        "回应公众关注热点或重大舆情（次）", help_text="系统无对应数据，请按实际填写"
    )
    # 办事服务
    guide_count = count_field("发布服务事项目录：事项数量（项）")
    online_guide_count = count_field("可全程在线办理政务服务事项数量（项）")
    result_count = count_field("办件量（件）")
    # 互动交流
    message_received_count = count_field("留言办理：收到留言数量（条）")
    message_closed_count = count_field("留言办理：办结留言数量（条）")
    average_reply_days = models.DecimalField(
        "留言办理：平均办理时间（天）", max_digits=6, decimal_places=1, default=0
    )
    message_published_count = count_field("留言办理：公开答复数量（条）")
    survey_count = count_field("征集调查期数（期）", help_text="征求意见和网上评议")
    opinion_count = count_field("征集调查：收到意见数量（条）")
    survey_result_count = count_field("征集调查：公布调查结果期数（期）")
    interview_count = count_field(
        "在线访谈期数（期）", help_text="系统无在线访谈栏目，请按实际填写"
    )
    # 安全防护
    inspection_count = count_field("安全检测评估次数（次）", help_text="网站自查次数")
    fixed_count = count_field(
        "发现问题整改数量（个）", help_text="自查发现、后一次自查已消除的问题"
    )
    # Entered by hand
    mobile_media = models.TextField(
        "移动新媒体",
        blank=True,
        help_text="政务微博、政务微信、移动客户端等的名称、信息发布量、订阅数",
    )
    innovation = models.TextField(
        "创新发展", blank=True, help_text="搜索即服务、多语言版本、无障碍浏览、千人千网等"
    )

    generated_at = models.DateTimeField("计算时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    item = models.OneToOneField(
        "disclosure.Item",
        verbose_name="发布的信息条目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_at = models.DateTimeField("送审时间", null=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="送审人",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )

    objects = WebsiteReportQuerySet.as_manager()

    # The texts reach the public inside the catalog item that 送审发布 creates, and that item's
    # review runs the content-safety scanner; the report is read-only once sent.

    class Meta:
        verbose_name = "网站工作年度报表"
        verbose_name_plural = "网站工作年度报表"
        ordering = ["-year"]
        permissions = [("submit_websitereport", "可以将网站工作年度报表送审发布")]

    def __str__(self):
        return f"{self.year}年政府网站工作年度报表"

    def get_absolute_url(self):
        return reverse("oversight:website-report", args=[self.year])

    def is_published(self):
        """Return whether its catalog item is published (the report is public)."""
        return self.item_id is not None and self.item.status == "published"

    @transaction.atomic
    def regenerate(self, *, by, now=None):
        """Recompute the figures from the data; the hand-entered texts stay."""
        from oversight import website_report  # noqa: PLC0415

        self.begin("regenerate", message="该报表已送审，不能重新计算")
        now = now or timezone.now()
        names = website_report.fill_figures(self)
        self.generated_at = now
        self.save(update_fields=[*names, "generated_at"])
        self.log(WebsiteReportEvent.Kind.REGENERATED, by, now)

    @transaction.atomic
    def submit(self, *, by, now=None):
        """Send the report to its catalog column as an item (with its PDF) for review."""
        from oversight import website_report  # noqa: PLC0415

        self.begin("submit", message="该报表已送审，不能重复送审")
        now = now or timezone.now()
        item = website_report.submit_item(report=self, by=by, now=now)
        self.status, self.item, self.submitted_at, self.submitted_by = (
            self.Status.SUBMITTED,
            item,
            now,
            by,
        )
        self.save(update_fields=["status", "item", "submitted_at", "submitted_by"])
        self.log(WebsiteReportEvent.Kind.SUBMITTED, by, now, item.title)
        return item


class WebsiteReportEvent(HandlingEvent):
    """One step of a website report: computed, recomputed, sent to the catalog for review."""

    class Kind(models.TextChoices):
        GENERATED = "generated", "生成初稿"
        REGENERATED = "regenerated", "重新计算"
        SUBMITTED = "submitted", "送栏目审核发布"

    report = models.ForeignKey(
        WebsiteReport, verbose_name="年度报表", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("环节", max_length=20, choices=Kind)

    class Meta(HandlingEvent.Meta):
        verbose_name = "年度报表办理记录"
        verbose_name_plural = "年度报表办理记录"
