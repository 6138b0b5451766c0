"""办件公示: approval results as the public sees them, in real time."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from simple_history.models import HistoricalRecords

from portal import content_safety, masking, workdays
from portal.models import DepartmentScopedQuerySet

from .guides import ServiceGuide


class ApprovalResultQuerySet(DepartmentScopedQuerySet):
    department_field = "guide__department"

    def for_list(self):
        """Return results ready for a public row: the guide's name joined."""
        return self.select_related("guide").only(
            "pk",
            "tracking_number",
            "applicant_kind",
            "applicant_name",
            "accepted_on",
            "promised_on",
            "is_promised_provisional",
            "completed_on",
            "status",
            "result",
            "updated_at",
            "guide__name",
            "guide__code",
        )

    def latest(self):
        """Return results newest first (by 受理日期, then by entry)."""
        return self.order_by("-accepted_on", "-pk")

    def overdue(self, *, today=None):
        """Return unfinished results past their stored 承诺办结日期 (退回补正 is not running)."""
        return self.filter(
            status__in=ApprovalResult.RUNNING, promised_on__lt=today or timezone.localdate()
        )

    def completed_late(self):
        """Return results finished (办结 or 不予许可) after their 承诺办结日期."""
        return self.filter(
            status__in=ApprovalResult.FINISHED, completed_on__gt=models.F("promised_on")
        )

    def of_day(self, *, today=None):
        """Return the results of a day: accepted, finished or changed on it."""
        today = today or timezone.localdate()
        start = timezone.make_aware(datetime.combine(today, time.min))
        return self.filter(Q(accepted_on=today) | Q(completed_on=today) | Q(updated_at__gte=start))


class ApprovalResult(models.Model):
    """One application's progress as published in the 办件公示 (entered in admin or imported)."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "受理"
        PROCESSING = "processing", "办理中"
        COMPLETED = "completed", "办结"
        REFUSED = "refused", "不予许可"
        RETURNED = "returned", "退回补正"

    class ApplicantKind(models.TextChoices):
        PERSON = "person", "个人"
        ORGANISATION = "organisation", "单位"

    # The status moves the approval system allows; a finished application does not reopen.
    TRANSITIONS = {
        Status.ACCEPTED: {Status.PROCESSING, Status.RETURNED, Status.COMPLETED, Status.REFUSED},
        Status.PROCESSING: {Status.RETURNED, Status.COMPLETED, Status.REFUSED},
        Status.RETURNED: {Status.ACCEPTED, Status.PROCESSING, Status.REFUSED},
        Status.COMPLETED: set(),
        Status.REFUSED: set(),
    }
    FINISHED = {Status.COMPLETED, Status.REFUSED}
    # The states in which the promised time runs (退回补正 waits on the applicant).
    RUNNING = {Status.ACCEPTED, Status.PROCESSING}

    tracking_number = models.CharField(
        "受理编号",
        max_length=40,
        unique=True,
        error_messages={"unique": "该受理编号已经录入"},
        help_text="审批系统生成的受理编号，如 BDC20261125-0012",
    )
    guide = models.ForeignKey(
        ServiceGuide, verbose_name="办理事项", on_delete=models.PROTECT, related_name="results"
    )
    applicant_kind = models.CharField(
        "申请人类型",
        max_length=12,
        choices=ApplicantKind,
        default=ApplicantKind.PERSON,
        help_text="个人申请人在网站上只显示姓氏（如 张**），单位显示全称",
    )
    applicant_name = models.CharField("申请人", max_length=100)
    phone_last4 = models.CharField(
        "联系电话后四位",
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", "请填写4位数字", code="phone_last4")],
        help_text="申请人网上评价（一事一评）时核对，不公开",
    )
    accepted_on = models.DateField("受理日期", db_index=True)
    promised_on = models.DateField(
        "承诺办结日期", null=True, editable=False, help_text="受理时按事项的承诺时限（工作日）计算"
    )
    promised_working_days = models.PositiveSmallIntegerField(
        "承诺时限（工作日）", null=True, editable=False, help_text="受理时事项的承诺时限"
    )
    is_promised_provisional = models.BooleanField(
        "承诺办结日期为预估",
        default=False,
        editable=False,
        help_text="跨入尚未录入工作日历的年度，录入后按正式日历重新确定",
    )
    completed_on = models.DateField("办结日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status, default=Status.ACCEPTED)
    result = models.CharField(
        "办理结果", max_length=200, blank=True, help_text="如：准予登记，不动产权证号……"
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    history = HistoricalRecords()
    objects = ApprovalResultQuerySet.as_manager()

    # Text the public reads (portal.content_safety): the result, checked in clean() and nightly.
    # Every row is public (办件公示), its applicant only masked (public_applicant).
    public_text_fields = ("result",)

    class Meta:
        verbose_name = "办件公示"
        verbose_name_plural = "办件公示"
        ordering = ["-accepted_on", "-pk"]
        permissions = [("import_approvalresult", "可以批量导入办件结果")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["completed", "refused"], completed_on__isnull=False)
                | (~Q(status__in=["completed", "refused"]) & Q(completed_on__isnull=True)),
                name="approvalresult_finished_has_date",
                violation_error_message="办结或不予许可的办件必须填写办结日期，其他状态不填",
                violation_error_code="completed_on",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("accepted_on")),
                name="approvalresult_completed_after_accepted",
                violation_error_message="办结日期不能早于受理日期",
                violation_error_code="completed_before_accepted",
            ),
        ]

    def __str__(self):
        return self.tracking_number

    def save(self, *args, **kwargs):
        # The promised date is fixed when the application is accepted and never recomputed.
        if self.promised_on is None and self.accepted_on and self.guide_id:
            limit = self.guide.promised_time_limit
            if limit is not None:
                promised = workdays.add_working_days(self.accepted_on, limit)
                self.promised_on, self.promised_working_days = promised.value, limit
                self.is_promised_provisional = promised.is_provisional
        super().save(*args, **kwargs)
        self._stored_status = self.status

    @classmethod
    def settle_provisional_deadlines(cls, *, now=None):
        """Settle every 预估 承诺办结日期 (called when calendar rows change); return how many
        changed. Each change is a history record whose reason says what changed and why."""
        changed = 0
        for result in cls.objects.filter(is_promised_provisional=True, promised_on__isnull=False):
            changed += result.settle_promised_date(now=now)
        return changed

    @transaction.atomic
    def settle_promised_date(self, *, now=None):
        """Recompute a 预估 承诺办结日期 on the current calendar; return whether it moved."""
        today = timezone.localdate(now or timezone.now())
        days = self.promised_working_days
        if days is None:  # entered before the limit was stored: count it on the old estimate
            days = workdays.working_days_between(self.accepted_on, self.promised_on)
        promised = workdays.add_working_days(self.accepted_on, days)
        moved = promised.value != self.promised_on
        # simple-history keeps at most 100 characters of a reason: the dates, not the days.
        reason = (
            f"{today:%Y-%m-%d}录入工作日历，预估的承诺办结日期{self.promised_on:%Y-%m-%d}"
            f"按正式日历调整为{promised.value:%Y-%m-%d}"
            if moved
            else f"{today:%Y-%m-%d}录入工作日历，承诺办结日期{self.promised_on:%Y-%m-%d}经核实不变"
        )
        self.promised_on, self.promised_working_days = promised.value, days
        self.is_promised_provisional = promised.is_provisional
        self._change_reason = reason  # simple-history: the event row of this change
        self.save(update_fields=["promised_on", "promised_working_days", "is_promised_provisional"])
        return moved

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The stored status, to check a change against TRANSITIONS in clean().
        instance._stored_status = (
            getattr(instance, "status", None) if "status" in field_names else None
        )
        return instance

    @classmethod
    def search_rows(cls):
        """Return the results in the site search (all of them), loaded for search_document()."""
        return cls.objects.select_related("guide")

    def search_document(self):
        """Return how the result reads in the site search: the applicant as the public sees it."""
        accepted_at = timezone.make_aware(datetime.combine(self.accepted_on, time(9)))
        return {
            "kind": "办件公示",
            "title": f"{self.guide.name}（受理编号 {self.tracking_number}）",
            "url": reverse("services:result-lookup")
            + "?"
            + urlencode({"number": self.tracking_number}),
            "text": f"申请人：{self.public_applicant}；状态：{self.get_status_display()}；"
            f"{self.result}",
            "published_at": accepted_at,
            "column": "办件公示",
            "extra": self.tracking_number,
        }

    def clean(self):
        content_safety.validate(self)
        errors = {}
        stored = getattr(self, "_stored_status", None)
        if stored and self.status != stored and self.status not in self.TRANSITIONS[stored]:
            errors["status"] = ValidationError(
                f"办件已是“{self.Status(stored).label}”，不能改为“{self.get_status_display()}”",
                code="invalid_status_change",
            )
        if self.accepted_on and self.accepted_on > timezone.localdate():
            errors["accepted_on"] = ValidationError("受理日期不能晚于今天", code="future_date")
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = ValidationError("办结日期不能晚于今天", code="future_date")
        if self.status in self.FINISHED and not self.completed_on:
            errors["completed_on"] = ValidationError(
                "办结或不予许可的办件请填写办结日期", code="completed_on_required"
            )
        if self.status not in self.FINISHED and self.completed_on:
            errors["completed_on"] = ValidationError(
                "未办结的办件不填写办结日期", code="completed_on_not_allowed"
            )
        if self.applicant_name and not self.applicant_name.strip():
            errors["applicant_name"] = ValidationError("请填写申请人", code="required")
        if errors:
            raise ValidationError(errors)

    # Predicates --------------------------------------------------------------------------
    def is_person(self):
        return self.applicant_kind == self.ApplicantKind.PERSON

    def is_finished(self):
        return self.status in self.FINISHED

    def may_be_rated(self):
        """Whether the applicant may rate this 办件 (一事一评): once it is finished."""
        return self.status in self.FINISHED

    def applicant_check_passes(self, check):
        """Whether check is the applicant's phone's last four digits recorded with the 办件."""
        return bool(self.phone_last4) and constant_time_compare(self.phone_last4, check.strip())

    def is_overdue(self, *, today=None):
        """Return whether the result is unfinished past its 承诺办结日期 (row twin of overdue())."""
        return (
            self.status in self.RUNNING
            and self.promised_on is not None
            and self.promised_on < (today or timezone.localdate())
        )

    def is_completed_late(self):
        """Return whether it was finished after its 承诺办结日期 (row twin of completed_late())."""
        return (
            self.status in self.FINISHED
            and self.promised_on is not None
            and self.completed_on is not None
            and self.completed_on > self.promised_on
        )

    def lateness_note(self, *, today=None):
        """Return what the public is told of lateness: "已超期…", "超期办结…" or ""."""
        if self.is_overdue(today=today):
            return f"已超期（承诺{self.promised_on:%Y-%m-%d}前办结）"
        if self.is_completed_late():
            return (
                f"超期办结（承诺{self.promised_on:%Y-%m-%d}前办结，"
                f"{self.completed_on:%Y-%m-%d}办结）"
            )
        return ""

    @property
    def public_applicant(self):
        """Return the applicant as the public may see it: persons masked (张**), units by name."""
        if self.is_person():
            return masking.mask_name(self.applicant_name)
        return self.applicant_name
