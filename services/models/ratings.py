"""政务服务“好差评”: citizens rate a 办件, a guide or a visit to the hall on the national five-level
scale; each 差评 opens a 整改 case for the department, with its 15-working-day clock.

The scale is portal.ratings (one home, shared with the 政民互动 reply rating). Figures exclude
ratings whose 申诉复核 found them mistaken or malicious.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from portal import ratings, workdays
from portal.exceptions import InvalidTransition
from portal.figures import month_bounds, percent
from portal.models import Department, DepartmentScopedQuerySet
from portal.transitions import Transitions

from .guides import ServiceGuide
from .hall import ServiceWindow
from .results import ApprovalResult

# The page-cache scope of pages showing the figures (portal.pagecache): moved by every rating and
# every change to a 整改 case (services.signals).
FIGURES_SCOPE = "services:ratings"
RECTIFIED = Q(case__status="rectified")
FIGURE_COUNTS = {
    "rated": Count("pk"),
    "good": Count("pk", filter=ratings.good_q()),
    "bad": Count("pk", filter=ratings.bad_q()),
    "rectified": Count("pk", filter=RECTIFIED & ratings.bad_q()),
    "on_time": Count("pk", filter=RECTIFIED & Q(case__rectified_late=False) & ratings.bad_q()),
}
RECTIFICATION_WORKING_DAYS = 15  # 国办发〔2019〕51号: 差评 整改 within 15 working days
REMINDER_WORKING_DAYS = 5  # the department is reminded this many working days before the deadline


class ServiceRatingQuerySet(DepartmentScopedQuerySet):
    def counted(self):
        """Return the ratings that count in the figures (not excluded by 申诉复核)."""
        return self.filter(is_excluded=False)

    def bad(self):
        """Return the 差评 (不满意, 非常不满意)."""
        return self.filter(ratings.bad_q())

    def in_month(self, first):
        """Return the ratings given in the calendar month starting on first (local time)."""
        start, end = month_bounds(first)
        return self.filter(rated_at__gte=start, rated_at__lt=end)

    def figures(self):
        """Return 评价数, 好评数, 差评数, 整改数, 按时整改数 with 好评率, 整改率, 按时整改率 (%)."""
        return with_rates(self.counted().aggregate(**FIGURE_COUNTS))

    def figures_by(self, field):
        """Return figures() per value of field ("department", "guide") with its name, in one
        query, largest count first."""
        rows = (
            self.counted()
            .exclude(**{f"{field}__isnull": True})
            .order_by()
            .values(field, f"{field}__name")
            .annotate(**FIGURE_COUNTS)
            .order_by("-rated", f"{field}__name")
        )
        return [with_rates({**row, "name": row[f"{field}__name"]}) for row in rows]


def with_rates(row):
    """Add 好评率 (of ratings), 整改率 and 按时整改率 (of 差评) to a row of counts."""
    return {
        **row,
        "good_rate": percent(row["good"], row["rated"]),
        "rectified_rate": percent(row["rectified"], row["bad"]),
        "on_time_rate": percent(row["on_time"], row["bad"]),
    }


class ServiceRating(models.Model):
    """One rating: 一事一评 of a 办件 online, 一次一评 on the hall's kiosk, or of a guide."""

    class Channel(models.TextChoices):
        ONLINE = "online", "网上一事一评"
        KIOSK = "kiosk", "大厅一次一评"
        GUIDE = "guide", "办事指南评价"

    channel = models.CharField("评价渠道", max_length=8, choices=Channel)
    result = models.ForeignKey(
        ApprovalResult,
        verbose_name="办件",
        on_delete=models.PROTECT,
        related_name="ratings",
        null=True,
        blank=True,
    )
    guide = models.ForeignKey(
        ServiceGuide,
        verbose_name="办理事项",
        on_delete=models.PROTECT,
        related_name="ratings",
        null=True,
        blank=True,
    )
    window = models.ForeignKey(
        ServiceWindow,
        verbose_name="窗口",
        on_delete=models.PROTECT,
        related_name="ratings",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        Department, verbose_name="责任科室", on_delete=models.PROTECT, related_name="+", null=True
    )
    level = models.CharField("总体评价", max_length=16, choices=ratings.Rating)
    # The national indicators (国办发〔2019〕51号 附件): each on the same five levels, optional.
    efficiency = models.CharField("办事效率", max_length=16, choices=ratings.Rating, blank=True)
    attitude = models.CharField("服务态度", max_length=16, choices=ratings.Rating, blank=True)
    guide_accuracy = models.CharField(
        "办事指南准确度", max_length=16, choices=ratings.Rating, blank=True
    )
    convenience = models.CharField("办事便捷度", max_length=16, choices=ratings.Rating, blank=True)
    comment = models.TextField("评价内容", blank=True)
    rated_at = models.DateTimeField("评价时间", default=timezone.now, db_index=True)
    is_excluded = models.BooleanField(
        "不计入统计", default=False, editable=False, help_text="申诉复核认定为误评或恶意评价"
    )

    objects = ServiceRatingQuerySet.as_manager()

    INDICATORS = ("efficiency", "attitude", "guide_accuracy", "convenience")

    class Meta:
        verbose_name = "好差评"
        verbose_name_plural = "好差评"
        ordering = ["-rated_at", "-pk"]
        constraints = [
            # 一事一评: one online rating per 办件.
            models.UniqueConstraint(
                fields=["result"],
                condition=Q(channel="online"),
                name="servicerating_one_online_per_result",
                violation_error_message="该办件已经评价过",
            ),
            models.CheckConstraint(
                condition=~Q(channel="online") | Q(result__isnull=False),
                name="servicerating_online_has_result",
                violation_error_message="网上一事一评必须对应办件",
            ),
            models.CheckConstraint(
                condition=~Q(channel="guide") | Q(guide__isnull=False),
                name="servicerating_guide_has_guide",
                violation_error_message="办事指南评价必须对应指南",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}：{self.get_level_display()}"

    def is_bad(self):
        return ratings.is_bad(self.level)

    def subject_label(self):
        """Return what was rated, as the admin lists it."""
        if self.result_id:
            return f"{self.result.tracking_number} {self.guide.name if self.guide_id else ''}"
        if self.guide_id:
            return self.guide.name
        return str(self.window) if self.window_id else "服务大厅"


def record_rating(
    *, channel, level, comment="", result=None, guide=None, window=None, indicators=None, now=None
):
    """Save a citizen's rating; a 差评 opens its 整改 case in the same transaction."""
    with transaction.atomic():
        now = now or timezone.now()
        if result is not None:
            guide = result.guide
        department_id = guide.department_id if guide is not None else None
        if department_id is None and window is not None:
            department_id = window.themes.values_list("guides__department", flat=True).first()
        if channel == ServiceRating.Channel.ONLINE:
            locked = ApprovalResult.objects.select_for_update().get(pk=result.pk)
            if locked.ratings.filter(channel=channel).exists():
                raise ValidationError("该办件已经评价过，每个办件只能评价一次", code="rated")
        rating = ServiceRating.objects.create(
            channel=channel,
            result=result,
            guide=guide,
            window=window,
            department_id=department_id,
            level=level,
            comment=comment.strip(),
            rated_at=now,
            **(indicators or {}),
        )
        if rating.is_bad():
            RectificationCase.open_for(rating, now=now)
        return rating


class RectificationCaseQuerySet(DepartmentScopedQuerySet):
    def open(self):
        """Return the cases still waiting for their 整改 (申诉中 included: the clock runs)."""
        return self.filter(status__in=RectificationCase.OPEN)

    def overdue(self, *, today=None):
        """Return open cases past their stored due date."""
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def due_for_reminder(self, *, today=None):
        """Return open cases whose reminder day has come and that have not been reminded."""
        return self.open().filter(remind_on__lte=today or timezone.localdate(), reminded_at=None)

    def due_for_escalation(self, *, today=None):
        """Return overdue cases not yet escalated to 局领导."""
        return self.overdue(today=today).filter(escalated_at=None)


class RectificationCase(Transitions, models.Model):
    """The 整改 of one 差评: 回访 the citizen, put it right, or 申诉复核 when the rating was
    mistaken or malicious. Deadline: 15 working days from the rating, stored at opening."""

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        APPEALED = "appealed", "申诉复核中"
        RECTIFIED = "rectified", "已整改"
        EXCLUDED = "excluded", "申诉成立，不计入统计"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "电话"
        SMS = "sms", "短信"
        VISIT = "visit", "上门或当面"
        ONLINE = "online", "网上"

    OPEN = (Status.OPEN, Status.APPEALED)
    TRANSITIONS = {
        "record_visit": {Status.OPEN, Status.APPEALED},
        "rectify": {Status.OPEN},
        "appeal": {Status.OPEN},
        "review_appeal": {Status.APPEALED},
    }
    open_state = None  # stamped while OPEN or APPEALED: checked in the sweep's QuerySet

    rating = models.OneToOneField(
        ServiceRating, verbose_name="差评", on_delete=models.PROTECT, related_name="case"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="责任科室",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status, default=Status.OPEN, editable=False, db_index=True
    )
    opened_on = models.DateField("立案日期", editable=False)
    due_on = models.DateField("整改期限", editable=False, help_text="差评后15个工作日，立案时计算")
    is_due_provisional = models.BooleanField("期限为预估", default=False, editable=False)
    remind_on = models.DateField("提醒日期", editable=False)
    contacted_at = models.DateTimeField("回访时间", null=True, editable=False)
    contact_method = models.CharField(
        "回访方式", max_length=8, choices=ContactMethod, blank=True, editable=False
    )
    visit_outcome = models.TextField("回访情况", blank=True, editable=False)
    rectification = models.TextField(
        "整改答复", blank=True, editable=False, help_text="申请人查询评价时可见"
    )
    rectified_at = models.DateTimeField("整改完成时间", null=True, editable=False)
    rectified_late = models.BooleanField("超期整改", default=False, editable=False)
    appeal_reason = models.TextField("申诉理由", blank=True, editable=False)
    review_note = models.TextField("复核意见", blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    reminded_at = models.DateTimeField("提醒时间", null=True, editable=False)
    escalated_at = models.DateTimeField("督办时间", null=True, editable=False)

    objects = RectificationCaseQuerySet.as_manager()

    # Who is reminded of the deadline (portal.staff_notices): the department's 科室负责人.
    handler_permission = "services.change_rectificationcase"

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = "差评整改"
        ordering = ["due_on", "pk"]
        permissions = [("review_rectificationcase", "可以复核差评申诉")]

    def __str__(self):
        return f"差评整改 #{self.pk}"

    @classmethod
    def open_for(cls, rating, *, now):
        """Open the case of a 差评 with its stored deadline of 15 working days."""
        opened = timezone.localdate(now)
        due = workdays.add_working_days(opened, RECTIFICATION_WORKING_DAYS)
        case = cls.objects.create(
            rating=rating,
            department_id=rating.department_id,
            opened_on=opened,
            due_on=due.value,
            is_due_provisional=due.is_provisional,
            remind_on=workdays.working_days_before(due.value, REMINDER_WORKING_DAYS),
        )
        case.log(RectificationEvent.Kind.OPENED, None, now)
        return case

    @classmethod
    def settle_provisional_deadlines(cls, *, now=None):
        """Recompute open cases' 预估 deadlines on the calendar as it now stands (called by
        portal.workdays when calendar rows change); return how many moved."""
        now = now or timezone.now()
        changed = 0
        for case in cls.objects.open().filter(is_due_provisional=True):
            due = workdays.add_working_days(case.opened_on, RECTIFICATION_WORKING_DAYS)
            if (due.value, due.is_provisional) == (case.due_on, case.is_due_provisional):
                continue
            old = case.due_on
            case.due_on, case.is_due_provisional = due.value, due.is_provisional
            case.remind_on = workdays.working_days_before(due.value, REMINDER_WORKING_DAYS)
            case.save(update_fields=["due_on", "is_due_provisional", "remind_on"])
            case.log(
                RectificationEvent.Kind.SETTLED,
                None,
                now,
                f"工作日历已更新：整改期限由{old:%Y年%m月%d日}改为{due.value:%Y年%m月%d日}",
            )
            changed += 1
        return changed

    def is_overdue(self, *, today=None):
        return self.status in self.OPEN and self.due_on < (today or timezone.localdate())

    @transaction.atomic
    def record_visit(self, *, by, contact_method, visit_outcome, now=None):
        """Record the 回访: when and how the citizen was contacted, and what they said."""
        self.begin("record_visit")
        if not visit_outcome.strip():
            raise ValidationError({"visit_outcome": "请填写回访情况"})
        now = now or timezone.now()
        self.contacted_at, self.contact_method = now, contact_method
        self.visit_outcome = visit_outcome.strip()
        self.save(update_fields=["contacted_at", "contact_method", "visit_outcome"])
        label = self.ContactMethod(contact_method).label
        self.log(RectificationEvent.Kind.VISITED, by, now, f"{label}：{self.visit_outcome}")

    @transaction.atomic
    def rectify(self, *, by, rectification, now=None):
        """Close the case with the 整改 result the citizen reads; lateness is frozen here."""
        self.begin("rectify")
        if self.contacted_at is None:
            raise InvalidTransition(self, "rectify", "请先记录回访情况")
        if not rectification.strip():
            raise ValidationError({"rectification": "请填写整改答复"})
        now = now or timezone.now()
        self.status, self.rectification, self.rectified_at = (
            self.Status.RECTIFIED,
            rectification.strip(),
            now,
        )
        self.rectified_late = timezone.localdate(now) > self.due_on
        self.save(update_fields=["status", "rectification", "rectified_at", "rectified_late"])
        self.log(RectificationEvent.Kind.RECTIFIED, by, now, self.rectification)

    @transaction.atomic
    def appeal(self, *, by, reason, now=None):
        """The department asks the 政务公开办 to review a mistaken or malicious rating."""
        self.begin("appeal")
        if not reason.strip():
            raise ValidationError({"reason": "请写明申诉理由"})
        now = now or timezone.now()
        self.status, self.appeal_reason = self.Status.APPEALED, reason.strip()
        self.save(update_fields=["status", "appeal_reason"])
        self.log(RectificationEvent.Kind.APPEALED, by, now, self.appeal_reason)

    @transaction.atomic
    def review_appeal(self, *, by, upheld, note, now=None):
        """申诉复核 by the 政务公开办: upheld excludes the rating from the figures; otherwise the
        case goes back to 整改 on its original deadline."""
        self.begin("review_appeal")
        if not note.strip():
            raise ValidationError({"note": "请填写复核意见"})
        now = now or timezone.now()
        self.status = self.Status.EXCLUDED if upheld else self.Status.OPEN
        self.review_note, self.reviewed_by = note.strip(), by
        self.save(update_fields=["status", "review_note", "reviewed_by"])
        if upheld:
            ServiceRating.objects.filter(pk=self.rating_id).update(is_excluded=True)
            self.rating.is_excluded = True
        kind = RectificationEvent.Kind.UPHELD if upheld else RectificationEvent.Kind.DISMISSED
        self.log(kind, by, now, self.review_note)

    def mark_reminded(self, *, now):
        return self.stamp("reminded_at", RectificationEvent.Kind.REMINDED, now=now)

    def mark_escalated(self, *, now):
        return self.stamp("escalated_at", RectificationEvent.Kind.ESCALATED, now=now)


class RectificationEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", "差评立案"
        VISITED = "visited", "回访"
        RECTIFIED = "rectified", "整改完成"
        APPEALED = "appealed", "提出申诉"
        UPHELD = "upheld", "申诉成立"
        DISMISSED = "dismissed", "申诉不成立"
        REMINDED = "reminded", "到期提醒"
        ESCALATED = "escalated", "超期督办"
        SETTLED = "settled", "期限按正式日历确定"

    case = models.ForeignKey(
        RectificationCase, verbose_name="差评整改", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事件", max_length=10, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return self.get_kind_display()
