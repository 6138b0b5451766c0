"""考核监督: column freshness, the 任务分解表, reporting targets, monthly 通报 and the dashboard.

The figures themselves are computed from the other apps' tables (see services.py); the models
here hold only what oversight owns: tasks, targets, bulletins and the warnings already sent.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from disclosure.models import Category, Item
from portal import content_safety
from portal.figures import month_start
from portal.models import Department, DepartmentScopedQuerySet
from portal.richtext import EDITOR_EXTENSIONS, sanitize_html
from portal.transitions import Transitions
from portal.uploads import Attachment

__all__ = [
    "ColumnFreshness",
    "FreshnessWarning",
    "Dashboard",
    "OfficerReport",
    "Task",
    "TaskAttachment",
    "ReportingTarget",
    "Bulletin",
    "AMBER_DAYS",
    "current_year",
]

AMBER_DAYS = 3  # a column turns amber, and its department is warned, 3 days before it goes stale


def current_year():
    """Return this year (local time); the default year of a new task."""
    return timezone.localdate().year


class ColumnFreshness(Category):
    """The freshness board (栏目更新情况): a read-only view of the catalog's columns."""

    class Meta:
        proxy = True
        verbose_name = "栏目更新情况"
        verbose_name_plural = "栏目更新情况"
        default_permissions = ("view",)


class FreshnessWarning(models.Model):
    """A warning about a column's freshness (portal.staff_notices): to its department 3 days
    before it goes stale, once per due date; to its department and the 政务公开办 when it has gone
    stale, then weekly (STALE_REPEAT_DAYS) while it stays stale."""

    STALE_REPEAT_DAYS = 7

    class Kind(models.TextChoices):
        SOON = "soon", "即将超期"
        STALE = "stale", "已超期"

    category = models.ForeignKey(
        Category, verbose_name="栏目", on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField("应更新日期", null=True, blank=True, help_text="空白栏目为空")
    kind = models.CharField("提醒类型", max_length=8, choices=Kind, default=Kind.SOON)
    sent_at = models.DateTimeField("最近提醒时间", default=timezone.now)
    warned_count = models.PositiveSmallIntegerField("提醒次数", default=1)
    recipient_count = models.PositiveSmallIntegerField("收件人数", default=0)

    class Meta:
        verbose_name = "栏目更新提醒"
        verbose_name_plural = "栏目更新提醒"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "due_on", "kind"],
                name="freshness_warning_once",
                violation_error_message="该栏目本期已提醒过",
                violation_error_code="already_warned",
            )
        ]

    def __str__(self):
        due = f"{self.due_on:%Y-%m-%d}前更新" if self.due_on else "空白栏目"
        return f"{self.category.name}（{due}，{self.get_kind_display()}）"

    def is_due_again(self, *, now):
        """Return whether a stale column's warning is a week old and goes out again."""
        repeat = timedelta(days=self.STALE_REPEAT_DAYS)
        return self.kind == self.Kind.STALE and self.sent_at <= now - repeat


class Dashboard(models.Model):
    """The leadership dashboard (领导驾驶舱): an admin page without a table of its own."""

    class Meta:
        managed = False
        verbose_name = "领导驾驶舱"
        verbose_name_plural = "领导驾驶舱"
        default_permissions = ("view",)

    def __str__(self):
        return self._meta.verbose_name


class OfficerReport(models.Model):
    """The 信息员 monthly report: an admin page without a table of its own."""

    class Meta:
        managed = False
        verbose_name = "信息报送统计"
        verbose_name_plural = "信息报送统计"
        default_permissions = ("view",)

    def __str__(self):
        return self._meta.verbose_name


class TaskQuerySet(DepartmentScopedQuerySet):
    department_field = "lead_department"

    def in_year(self, year):
        """Return the tasks of a year's 任务分解表."""
        return self.filter(year=year)

    def overdue(self, *, today=None):
        """Return unfinished tasks whose due date has passed."""
        return self.exclude(status=Task.Status.DONE).filter(
            due_on__lt=today or timezone.localdate()
        )

    def for_table(self):
        """Return tasks ready for the table: departments and evidence counted, co-departments."""
        return (
            self.select_related("lead_department", "responsible")
            .prefetch_related("co_departments")
            .order_by("year", "order", "due_on", "pk")
        )


class Task(models.Model):
    """One line of the year's 任务分解表 (政务公开工作要点 broken into tasks)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "进行中"
        DONE = "done", "已完成"

    OVERDUE_LABEL = "逾期"

    year = models.PositiveSmallIntegerField("年度", default=current_year)
    order = models.PositiveSmallIntegerField("序号", default=100)
    title = models.CharField("工作任务", max_length=200)
    basis = models.CharField(
        "依据",
        max_length=200,
        blank=True,
        help_text="如：《2026年政务公开工作要点》第三条",
    )
    lead_department = models.ForeignKey(
        Department, verbose_name="牵头科室", on_delete=models.PROTECT, related_name="lead_tasks"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合科室", blank=True, related_name="shared_tasks"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversight_tasks",
    )
    due_on = models.DateField("完成时限")
    status = models.CharField("进展状态", max_length=12, choices=Status, default=Status.NOT_STARTED)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    progress = models.TextField("进展情况", blank=True, help_text="写明已做的工作和下一步安排")
    evidence_items = models.ManyToManyField(
        Item,
        verbose_name="佐证信息",
        blank=True,
        related_name="+",
        help_text="已在网站发布、能证明完成情况的信息条目",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务分解表"
        verbose_name_plural = "任务分解表"
        ordering = ["year", "order", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="task_done_has_date",
                violation_error_message="已完成的任务必须填写完成日期",
                violation_error_code="completed_on_required",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.status == self.Status.DONE and not self.completed_on:
            raise ValidationError(
                {"completed_on": ValidationError("已完成的任务请填写完成日期", code="required")}
            )
        if self.status != self.Status.DONE and self.completed_on:
            raise ValidationError(
                {"completed_on": ValidationError("未完成的任务不能填写完成日期", code="not_done")}
            )

    def is_overdue(self, *, today=None):
        """Return whether the task is unfinished past its due date."""
        return self.status != self.Status.DONE and self.due_on < (today or timezone.localdate())

    def status_label(self, *, today=None):
        """Return the status as the table shows it: 逾期 for overdue unfinished tasks."""
        return self.OVERDUE_LABEL if self.is_overdue(today=today) else self.get_status_display()


class TaskAttachment(Attachment):
    task = models.ForeignKey(
        Task, verbose_name="任务", on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(Attachment.Meta):
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"


class ReportingTarget(models.Model):
    """How many items a department should publish in a month (信息报送任务数)."""

    department = models.ForeignKey(
        Department, verbose_name="科室", on_delete=models.CASCADE, related_name="reporting_targets"
    )
    month_on = models.DateField("月份", help_text="填该月任意一天，保存为当月1日")
    published_target = models.PositiveSmallIntegerField("发布信息任务数（条）")

    class Meta:
        verbose_name = "信息报送任务"
        verbose_name_plural = "信息报送任务"
        ordering = ["-month_on", "department__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month_on"],
                name="reporting_target_once_per_month",
                violation_error_message="该科室当月已设置任务数",
                violation_error_code="duplicate_target",
            )
        ]

    def __str__(self):
        return f"{self.department}{self.month_on:%Y年%m月}：{self.published_target}条"

    def save(self, *args, **kwargs):
        self.month_on = month_start(self.month_on)
        super().save(*args, **kwargs)


class BulletinQuerySet(models.QuerySet):
    def drafts(self):
        """Return bulletins not yet sent to the catalog."""
        return self.filter(status=Bulletin.Status.DRAFT)


class Bulletin(Transitions, models.Model):
    """The monthly 通报 on disclosure work, generated from the figures and edited before release."""

    class Status(models.TextChoices):
        DRAFT = "draft", "编辑中"
        SUBMITTED = "submitted", "已送审发布"

    TRANSITIONS = {"publish": {Status.DRAFT}}

    month_on = models.DateField("月份", unique=True, help_text="通报所属月份的1日")
    title = models.CharField("标题", max_length=200)
    body = ProseEditorField(
        "正文",
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        help_text="系统生成的初稿，可修改后再送审发布",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    generated_at = models.DateTimeField("生成时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    item = models.OneToOneField(
        Item,
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

    objects = BulletinQuerySet.as_manager()

    # Text the public will read once the bulletin is published as a catalog item
    # (portal.content_safety): checked in clean() and nightly.
    public_text_fields = ("title", "body")

    class Meta:
        verbose_name = "月度通报"
        verbose_name_plural = "月度通报"
        ordering = ["-month_on"]
        permissions = [("publish_bulletin", "可以将通报送审发布")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The body is printed and published as HTML: only the allow-list is ever stored.
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)

    @transaction.atomic
    def publish(self, *, by, now=None):
        """Send the bulletin to the catalog: a draft item in 通知公告 submitted for review."""
        self.begin("publish", message="该通报已送审，不能重复发布")
        if by.department_id is None:
            raise ValidationError("您的账号没有所在科室，不能以科室名义发布", code="no_department")
        now = now or timezone.now()
        item = Item(
            title=self.title,
            category=Category.objects.get(slug="tzgg"),
            department_id=by.department_id,
            written_on=timezone.localdate(now),
            summary=f"{self.month_on:%Y年%m月}政务公开工作情况通报。",
            body=self.body,
            author=by,
            source="政务公开办",
        )
        item.save()
        item.submit(by=by, now=now)
        self.status, self.item, self.submitted_at, self.submitted_by = (
            self.Status.SUBMITTED,
            item,
            now,
            by,
        )
        self.save(update_fields=["status", "item", "submitted_at", "submitted_by"])
        return item
