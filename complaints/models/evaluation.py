"""网上评议: rounds of public evaluation of the bureau's windows and departments.

A round lists its subjects; a citizen rates any of them on four aspects (1–5) and may add a
comment. One submission per phone number per round: the database holds a keyed hash of the
normalised number, unique with the round, and never the number itself. Comments are reviewed
before the public sees them; the results page opens when the round has closed, while leadership
sees the same figures in the admin at any time.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone

from portal.crypto import keyed_hash
from portal.figures import percent
from portal.masking import mask_personal_data_in_text
from portal.models import Department, HandlingEvent, staff_stamp
from portal.transitions import Transitions

SCORES = range(1, 6)
SCORE_LABELS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
# The questionnaire: (field name, label, the question a citizen reads).
ASPECTS = [
    ("attitude", "服务态度", "工作人员是否热情、耐心、文明"),
    ("efficiency", "办事效率", "是否按时办结，是否让群众少跑腿"),
    ("transparency", "政务公开", "办事依据、流程、收费是否公开透明"),
    ("integrity", "廉洁自律", "是否存在吃拿卡要、推诿扯皮"),
]
ASPECT_NAMES = [name for name, _, _ in ASPECTS]


def hash_evaluation_phone(phone):
    """Return the stored form of a phone number for the one-per-phone rule (keyed HMAC)."""
    return keyed_hash(phone, "phone")


class EvaluationRoundQuerySet(models.QuerySet):
    def public(self):
        """Return the rounds shown on the public site."""
        return self.filter(is_published=True)

    def open(self, *, today=None):
        """Return public rounds taking answers today."""
        today = today or timezone.localdate()
        return self.public().filter(opens_on__lte=today, closes_on__gte=today)

    def closed(self, *, today=None):
        """Return public rounds whose period is over (their results are public)."""
        return self.public().filter(closes_on__lt=today or timezone.localdate())

    def for_public_list(self):
        """Return public rounds with their response counts, newest first."""
        return self.public().annotate(response_count=Count("responses")).order_by("-opens_on")


class EvaluationRound(models.Model):
    """One period of 网上评议 (e.g. 2026年下半年), with the windows and departments evaluated."""

    title = models.CharField("评议名称", max_length=100, help_text="如：2026年下半年窗口服务评议")
    description = models.TextField("评议说明", help_text="评议的目的、对象和结果运用，公开显示")
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("结束日期", help_text="结束后次日起公开评议结果")
    is_published = models.BooleanField(
        "在网站发布", default=False, help_text="发布后公众可看到本次评议（开始前显示为预告）"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = EvaluationRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "网上评议"
        verbose_name_plural = "网上评议"
        ordering = ["-opens_on", "-pk"]
        permissions = [("view_evaluation_results", "查看评议结果汇总")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="evaluation_closes_after_opening",
                violation_error_message="结束日期不能早于开始日期",
                violation_error_code="closes_before_opening",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("complaints:evaluation-detail", args=[self.pk])

    def get_results_url(self):
        return reverse("complaints:evaluation-results", args=[self.pk])

    def is_open(self, *, today=None):
        """Return whether the round takes answers today (row twin of open())."""
        today = today or timezone.localdate()
        return self.is_published and self.opens_on <= today <= self.closes_on

    def is_upcoming(self, *, today=None):
        return (today or timezone.localdate()) < self.opens_on

    def is_closed(self, *, today=None):
        """Return whether the period is over, so that the results may be public."""
        return (today or timezone.localdate()) > self.closes_on

    def has_public_results(self, *, today=None):
        return self.is_published and self.is_closed(today=today)

    def phase_label(self):
        if self.is_upcoming():
            return "预告"
        return "已结束" if self.is_closed() else "进行中"

    def results(self):
        """Return one row per subject: averages per aspect, overall, distributions, counts.

        Two queries: the subjects, and one aggregate over the answers grouped by subject.
        """
        aggregates = {"answer_count": Count("pk")}
        for name in ASPECT_NAMES:
            aggregates[f"{name}_avg"] = Avg(name)
            for score in SCORES:
                aggregates[f"{name}_{score}"] = Count("pk", filter=Q(**{name: score}))
        rows = {
            row["subject_id"]: row
            for row in EvaluationAnswer.objects.filter(response__round=self)
            .order_by()
            .values("subject_id")
            .annotate(**aggregates)
        }
        results = []
        for subject in self.subjects.select_related("department"):
            row = rows.get(subject.pk, {})
            count = row.get("answer_count", 0)
            aspects = []
            for name, label, _ in ASPECTS:
                average = row.get(f"{name}_avg")
                distribution = [(score, row.get(f"{name}_{score}", 0)) for score in SCORES]
                aspects.append(
                    {
                        "name": name,
                        "label": label,
                        "average": None if average is None else round(float(average), 2),
                        "distribution": distribution[::-1],  # 5 (非常满意) first
                        "satisfied_count": sum(n for score, n in distribution if score >= 4),
                    }
                )
            averages = [a["average"] for a in aspects if a["average"] is not None]
            satisfied = sum(a["satisfied_count"] for a in aspects)
            results.append(
                {
                    "subject": subject,
                    "answer_count": count,
                    "aspects": aspects,
                    "overall": round(sum(averages) / len(averages), 2) if averages else None,
                    # Share of all ratings of this subject that were 4 or 5.
                    "satisfaction_rate": percent(satisfied, count * len(ASPECTS)),
                }
            )
        return results


class EvaluationSubject(models.Model):
    """A window or a department evaluated in a round."""

    class Kind(models.TextChoices):
        WINDOW = "window", "服务窗口"
        DEPARTMENT = "department", "科室"

    round = models.ForeignKey(
        EvaluationRound, verbose_name="评议", on_delete=models.CASCADE, related_name="subjects"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind, default=Kind.DEPARTMENT)
    name = models.CharField(
        "评议对象", max_length=60, help_text="如：不动产登记窗口（3—6号）、地籍与不动产登记科"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属科室",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="窗口填写其所属科室；科室评议对象填写该科室",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评议对象"
        verbose_name_plural = "评议对象"
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"],
                name="evaluation_subject_unique_name",
                violation_error_message="同一评议中评议对象不能重名",
                violation_error_code="duplicate_subject",
            )
        ]

    def __str__(self):
        return self.name


class EvaluationResponseQuerySet(models.QuerySet):
    def with_pending_comment(self):
        """Return responses whose comment waits for review."""
        return self.filter(comment_status=EvaluationResponse.CommentStatus.PENDING)

    def public(self):
        """Return responses whose comment a reviewer approved (the public reads the comment)."""
        return self.filter(comment_status=EvaluationResponse.CommentStatus.APPROVED)

    def public_comments(self):
        """Return responses whose comment a reviewer approved, newest first."""
        return self.public().order_by("-submitted_at")


NO_PENDING_COMMENT = "该答卷没有待审核的意见"


class EvaluationResponse(Transitions, models.Model):
    """One citizen's questionnaire in a round: their answers per subject and an optional comment."""

    class CommentStatus(models.TextChoices):
        NONE = "none", "无意见"
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已公开"
        REJECTED = "rejected", "不予公开"

    state_field = "comment_status"
    TRANSITIONS = {
        "approve_comment": {CommentStatus.PENDING, CommentStatus.REJECTED},
        "reject_comment": {CommentStatus.PENDING, CommentStatus.APPROVED},
    }

    round = models.ForeignKey(
        EvaluationRound, verbose_name="评议", on_delete=models.PROTECT, related_name="responses"
    )
    phone_hash = models.CharField("手机号码（摘要）", max_length=64, editable=False)
    masked_phone = models.CharField("手机号码", max_length=20, editable=False)
    comment = models.TextField("意见建议", blank=True, editable=False)
    comment_status = models.CharField(
        "意见审核状态",
        max_length=10,
        choices=CommentStatus,
        default=CommentStatus.NONE,
        editable=False,
        db_index=True,
    )
    public_comment = models.TextField("公开的意见", blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = staff_stamp("审核人")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    sender_ip = models.GenericIPAddressField("提交IP", null=True, blank=True, editable=False)

    objects = EvaluationResponseQuerySet.as_manager()

    # Text the public reads (portal.content_safety): the reviewed, masked comment, nightly.
    public_text_fields = ("public_comment",)

    class Meta:
        verbose_name = "评议答卷"
        verbose_name_plural = "评议答卷"
        ordering = ["-submitted_at", "-pk"]
        permissions = [("review_evaluationresponse", "审核评议意见")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "phone_hash"],
                name="evaluation_one_response_per_phone",
                violation_error_message="该手机号码已参加过本次评议",
                violation_error_code="already_answered",
            )
        ]

    def __str__(self):
        return f"{self.round}：{self.masked_phone}"

    @transaction.atomic
    def approve_comment(self, *, by, now=None):
        """Publish the comment with personal data in it masked."""
        self.begin("approve_comment", message=NO_PENDING_COMMENT)
        now = now or timezone.now()
        self.public_comment = mask_personal_data_in_text(self.comment)
        self.comment_status = self.CommentStatus.APPROVED
        self.reviewed_at, self.reviewed_by = now, by
        self.save(update_fields=["public_comment", "comment_status", "reviewed_at", "reviewed_by"])
        self.log(EvaluationResponseEvent.Kind.COMMENT_APPROVED, by, now)

    @transaction.atomic
    def reject_comment(self, *, by, now=None):
        """Keep the comment off the results page; the scores still count."""
        self.begin("reject_comment", message=NO_PENDING_COMMENT)
        now = now or timezone.now()
        self.public_comment, self.comment_status = "", self.CommentStatus.REJECTED
        self.reviewed_at, self.reviewed_by = now, by
        self.save(update_fields=["public_comment", "comment_status", "reviewed_at", "reviewed_by"])
        self.log(EvaluationResponseEvent.Kind.COMMENT_REJECTED, by, now)


class EvaluationResponseEvent(HandlingEvent):
    """One review step of a response's comment: who published or withheld it, and when."""

    class Kind(models.TextChoices):
        COMMENT_APPROVED = "comment_approved", "意见建议公开"
        COMMENT_REJECTED = "comment_rejected", "意见建议不予公开"

    response = models.ForeignKey(
        EvaluationResponse, verbose_name="答卷", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("环节", max_length=20, choices=Kind)

    class Meta(HandlingEvent.Meta):
        verbose_name = "评议意见审核记录"
        verbose_name_plural = "评议意见审核记录"


def score_field(label):
    return models.PositiveSmallIntegerField(label, choices=[(s, SCORE_LABELS[s]) for s in SCORES])


class EvaluationAnswer(models.Model):
    """The four scores one response gives one subject."""

    response = models.ForeignKey(
        EvaluationResponse, verbose_name="答卷", on_delete=models.PROTECT, related_name="answers"
    )
    subject = models.ForeignKey(
        EvaluationSubject, verbose_name="评议对象", on_delete=models.PROTECT, related_name="answers"
    )
    attitude = score_field("服务态度")
    efficiency = score_field("办事效率")
    transparency = score_field("政务公开")
    integrity = score_field("廉洁自律")

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(
                fields=["response", "subject"], name="evaluation_answer_once_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(attitude__gte=1, attitude__lte=5)
                & Q(efficiency__gte=1, efficiency__lte=5)
                & Q(transparency__gte=1, transparency__lte=5)
                & Q(integrity__gte=1, integrity__lte=5),
                name="evaluation_scores_1_to_5",
                violation_error_message="评分须为1至5分",
                violation_error_code="score_range",
            ),
        ]

    def __str__(self):
        return f"{self.subject}"

    def clean(self):
        if self.subject_id and self.response_id and self.subject.round_id != self.response.round_id:
            raise ValidationError("评议对象不属于本次评议", code="wrong_round")
