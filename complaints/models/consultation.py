"""征求意见: a draft put out for public comment, its articles, comments and the adoption feedback.

A consultation is published through the shared review workflow (portal.publishing): the notice
itself passes the 保密审查 before it goes public. Once public, its phase (预告 / 征集中 / 已结束 /
已反馈) follows from its dates and from whether the feedback has been published; nothing stores
the phase. Comments are accepted only while the consultation is open (`submit_comment` in
services.py), reviewed before they are public, and after closing each one receives a decision
(采纳 / 部分采纳 / 未采纳 with a reason) before the department publishes the feedback.

A revision of a published notice whose 草案全文 splits into other articles re-splits them when
it is approved; once comments exist such a revision is refused at submit and approval, since
citizens commented on the articles as published (withdraw and publish a new consultation).
"""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from portal.content_safety import text_from_html
from portal.crypto import EncryptedCharField, EncryptedTextField, KeyedHashField
from portal.exceptions import InvalidTransition
from portal.masking import mask_personal_data_in_text
from portal.models import Department, DepartmentScopedQuerySet, staff_stamp
from portal.pagecache import SITEMAP, content_changed, object_scope
from portal.publishing import PublicationEvent, Reviewable, ReviewableQuerySet, Revision
from portal.richtext import EDITOR_EXTENSIONS, sanitize_html
from portal.transitions import Transitions, lock
from portal.uploads import Attachment

# The usual period of a consultation (natural days, both ends included); shorter needs a reason.
MIN_PERIOD_DAYS = 30
# 第一条, 第十二条, 第3条: the headings a draft is split at.
ARTICLE_RE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇两\d]+条)\s*(.*)$")


def default_closes_on(opens_on):
    """Return the default closing date of a consultation opening on opens_on (30 days)."""
    return opens_on + timedelta(days=MIN_PERIOD_DAYS - 1)


def draft_paragraphs(html):
    """Return the visible paragraphs of a rich-text draft, in order."""
    text = text_from_html(html)
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_articles(html):
    """Return [(heading, text)] of a draft: one per 第X条, else one per paragraph.

    Paragraphs before the first 第X条 (the title, chapter headings) are not articles; paragraphs
    after an article belong to it (its 款 and 项).
    """
    paragraphs = draft_paragraphs(html)
    articles = []
    for paragraph in paragraphs:
        match = ARTICLE_RE.match(paragraph)
        if match:
            articles.append([match.group(1), match.group(2).strip()])
        elif articles and not re.match(r"^第[一二三四五六七八九十百零〇\d]+章", paragraph):
            articles[-1][1] = (articles[-1][1] + "\n" + paragraph).strip()
    if articles:
        return [(heading, text) for heading, text in articles]
    return [(f"第{n}段", paragraph) for n, paragraph in enumerate(paragraphs, start=1)]


class ConsultationQuerySet(DepartmentScopedQuerySet, ReviewableQuerySet):
    def open(self, *, today=None):
        """Return published consultations taking comments today."""
        today = today or timezone.localdate()
        return self.public().filter(opens_on__lte=today, closes_on__gte=today)

    def in_phase(self, phase, *, today=None):
        """Return published consultations in the given Consultation.Phase today."""
        today = today or timezone.localdate()
        rows = self.public()
        if phase == Consultation.Phase.FEEDBACK:
            return rows.filter(feedback_published_at__isnull=False)
        rows = rows.filter(feedback_published_at__isnull=True)
        if phase == Consultation.Phase.UPCOMING:
            return rows.filter(opens_on__gt=today)
        if phase == Consultation.Phase.OPEN:
            return rows.filter(opens_on__lte=today, closes_on__gte=today)
        return rows.filter(closes_on__lt=today)

    def queue_counts(self, *, today=None):
        """Return what the staff's list warns about, in one query: consultations that have
        closed without their 采纳情况 published, and comments waiting for review."""
        today = today or timezone.localdate()
        closed = Q(status=self.model.Status.PUBLISHED, feedback_published_at__isnull=True)
        return self.aggregate(
            awaiting_feedback=Count("pk", filter=closed & Q(closes_on__lt=today), distinct=True),
            pending_comments=Count(
                "comments",
                filter=Q(comments__status=ConsultationComment.Status.PENDING),
                distinct=True,
            ),
        )

    def with_comment_counts(self):
        """Annotate how many comments were received and how many are public."""
        return self.annotate(
            comment_count=Count("comments", distinct=True),
            public_comment_count=Count(
                "comments",
                filter=Q(comments__status=ConsultationComment.Status.APPROVED),
                distinct=True,
            ),
        )

    def for_public_list(self):
        """Load what the public list shows: department and comment counts, newest first."""
        return self.select_related("department").with_comment_counts().order_by("-opens_on", "-pk")


class Consultation(Reviewable):
    """A draft document (规范性文件、规划、方案) put out for public comment."""

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", "预告"
        OPEN = "open", "征集中"
        CLOSED = "closed", "已结束"
        FEEDBACK = "feedback", "已反馈"

    title = models.CharField("草案名称", max_length=200)
    department = models.ForeignKey(
        Department, verbose_name="起草科室", on_delete=models.PROTECT, related_name="consultations"
    )
    draft = ProseEditorField(
        "草案全文",
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        help_text="粘贴草案正文；保存后可用“按条拆分”生成可逐条评论的条文，也可在下方逐条录入",
    )
    explanation = ProseEditorField(
        "起草说明",
        config={"extensions": EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
        help_text="起草背景、依据和主要内容",
    )
    opens_on = models.DateField("征求意见开始日期")
    closes_on = models.DateField(
        "征求意见截止日期", help_text=f"一般不少于{MIN_PERIOD_DAYS}日（含起止日）"
    )
    short_period_reason = models.TextField(
        "征求意见期限少于30日的理由",
        blank=True,
        help_text=f"征求意见期限少于{MIN_PERIOD_DAYS}日时必填，将在网站上公开说明",
    )
    contact_address = models.CharField(
        "书面意见邮寄地址", max_length=200, help_text="信封请注明“征求意见”字样"
    )
    contact_email = models.EmailField("电子邮箱")
    contact_phone = models.CharField("联系电话", max_length=30)
    feedback_summary = models.TextField(
        "意见采纳情况说明", blank=True, editable=False, help_text="发布采纳情况时填写"
    )
    feedback_published_at = models.DateTimeField(
        "反馈公开时间", null=True, blank=True, editable=False
    )
    feedback_published_by = staff_stamp("反馈发布人")
    final_item = models.ForeignKey(
        "disclosure.Item",
        verbose_name="正式发布的文件",
        on_delete=models.PROTECT,
        related_name="consultations",
        null=True,
        blank=True,
        help_text="文件正式印发后，选择政务公开目录中已发布的信息条目；该条目页面会链接回本次征求意见",
    )

    objects = ConsultationQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked at submit and approve, and nightly.
    public_text_fields = (
        "title",
        "draft",
        "explanation",
        "short_period_reason",
        "contact_address",
        "contact_email",
        "contact_phone",
        "feedback_summary",
    )

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["-opens_on", "-pk"]
        permissions = [
            ("submit_consultation", "提交征求意见审核"),
            ("review_consultation", "审核发布征求意见"),
            ("publish_feedback", "发布意见采纳情况"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
                violation_error_message="截止日期不能早于开始日期",
                violation_error_code="closes_before_opening",
            ),
            models.CheckConstraint(
                condition=Q(feedback_published_at__isnull=True) | ~Q(feedback_summary=""),
                name="consultation_feedback_has_summary",
                violation_error_message="发布采纳情况前请填写意见采纳情况说明",
                violation_error_code="feedback_summary_missing",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("complaints:consultation-detail", args=[self.pk])

    @classmethod
    def search_rows(cls):
        """Return the consultations in the site search, loaded for search_document()."""
        return cls.objects.public().select_related("department")

    def search_document(self):
        """Return how the consultation reads in the site search: found like any document."""
        return {
            "kind": "政民互动",
            "title": self.title,
            "url": self.get_absolute_url(),
            "text": f"{self.explanation} {self.draft}",
            "published_at": self.published_at,
            "department_id": self.department_id,
            "column": "征求意见",
            "extra": "征求意见",
        }

    def get_feedback_url(self):
        return reverse("complaints:consultation-feedback", args=[self.pk])

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on:
            if self.closes_on < self.opens_on:
                raise ValidationError(
                    {"closes_on": ValidationError("截止日期不能早于开始日期", code="order")}
                )
            if self.is_short_period() and not self.short_period_reason.strip():
                raise ValidationError(
                    {
                        "short_period_reason": ValidationError(
                            f"征求意见期限为{self.period_days()}日，少于{MIN_PERIOD_DAYS}日，"
                            "请填写理由（将在网站上公开）",
                            code="reason_required",
                        )
                    }
                )

    # Hooks of the review workflow ---------------------------------------------------------
    def missing_elements(self):
        """Return what must be filled in before the notice may go public."""
        missing = []
        if not self.articles.exists():
            missing.append("条文（请先按条拆分或逐条录入）")
        if self.is_short_period() and not self.short_period_reason.strip():
            missing.append("征求意见期限少于30日的理由")
        return missing

    # Predicates --------------------------------------------------------------------------
    def period_days(self):
        """Return the length of the comment period in days, both ends included."""
        return (self.closes_on - self.opens_on).days + 1

    def is_short_period(self):
        """Return whether the period is shorter than the usual 30 days."""
        return self.period_days() < MIN_PERIOD_DAYS

    def phase(self, *, today=None):
        """Return the Phase today (row twin of ConsultationQuerySet.in_phase)."""
        today = today or timezone.localdate()
        if self.feedback_published_at is not None:
            return self.Phase.FEEDBACK
        if today < self.opens_on:
            return self.Phase.UPCOMING
        if today <= self.closes_on:
            return self.Phase.OPEN
        return self.Phase.CLOSED

    def phase_label(self):
        return self.phase().label

    def is_open(self, *, today=None):
        """Return whether the public may comment today."""
        return self.is_published() and self.phase(today=today) == self.Phase.OPEN

    def is_closed(self, *, today=None):
        """Return whether the comment period is over."""
        return (today or timezone.localdate()) > self.closes_on

    def has_feedback(self):
        return self.feedback_published_at is not None

    def days_left(self, *, today=None):
        """Return the days left to comment, today included."""
        return (self.closes_on - (today or timezone.localdate())).days + 1

    def public_comments_by_article(self):
        """Return (articles, general comments): each article carries its public comments.

        Two queries however many articles and comments there are.
        """
        grouped = {}
        for comment in self.comments.for_public_list():
            grouped.setdefault(comment.article_id, []).append(comment)
        articles = list(self.articles.all())
        for article in articles:
            article.public_comments = grouped.get(article.pk, [])
        return articles, grouped.get(None, [])

    def adoption_figures(self):
        """Return the comment counts of the feedback: received, considered, and per decision."""
        return self.comments.adoption_figures()

    # Revisions of the published notice ------------------------------------------------------
    @staticmethod
    def revision_changes_articles(revision):
        """Return whether revision's 草案全文 splits into other articles than the public one.

        A change outside the articles (the title line, a chapter heading, formatting) leaves
        the articles, and the comments on them, as they are."""
        for change in revision.changes():
            if change.field.name == "draft":
                return split_articles(change.old or "") != split_articles(change.new or "")
        return False

    def _check_articles_kept(self, revision, action):
        """Refuse a revision that changes the articles once comments exist; return whether
        it changes them."""
        # Citizens commented on the articles as published: changing them under the comments
        # would make the feedback answer text nobody commented on.
        changes_articles = self.revision_changes_articles(revision)
        if changes_articles and self.comments.exists():
            raise InvalidTransition(
                self,
                action,
                "本次征求意见已收到公众意见，征求意见稿正文（条文）不能再修改，"
                "以免公众针对的条文被改变。如需修改草案，请撤回本次征求意见，"
                "另行发布新的征求意见；如只需修改其他内容，"
                "请在修改稿中将“草案全文”恢复为已发布的文字。",
            )
        return changes_articles

    def submit_revision(self, *, by, now=None):
        """Send the open revision to review; the articles may change only before comments."""
        self._check_articles_kept(self._revision_for("submit_revision"), "submit_revision")
        super().submit_revision(by=by, now=now)

    @transaction.atomic
    def approve_revision(self, *, by, checklist, now=None):
        """Publish the open revision; a changed 草案全文 is split into articles again.

        The row is locked first: a comment (services.submit_comment locks it too) cannot
        arrive between the check and the new articles."""
        lock(self, "status")
        revision = self._revision_for("approve_revision")
        resplit = self._check_articles_kept(revision, "approve_revision")
        revision.approve(by=by, checklist=checklist, now=now)
        if resplit:
            revision.record.rebuild_articles()

    # Transitions -------------------------------------------------------------------------
    def rebuild_articles(self):
        """Replace the articles with those split from the draft; refused once comments exist."""
        if self.comments.exists():
            raise InvalidTransition(self, "rebuild_articles", "已有公众意见，不能重新拆分条文")
        with transaction.atomic():
            self.articles.all().delete()
            ConsultationArticle.objects.bulk_create(self.split_draft())
        return self.articles.count()

    def split_draft(self):
        """Return the articles of the draft as it reads now (unsaved rows, no comments)."""
        articles = [
            ConsultationArticle(consultation=self, number=n, heading=heading, text=text)
            for n, (heading, text) in enumerate(split_articles(self.draft), start=1)
        ]
        for article in articles:
            article.public_comments = []
        return articles

    @transaction.atomic
    def publish_feedback(self, *, by, summary, now=None):
        """Publish the 采纳情况 after closing: every comment reviewed and decided, a summary."""
        lock(self, "feedback_published_at")
        now = now or timezone.now()
        if not self.is_published():
            raise InvalidTransition(self, "publish_feedback", "征求意见尚未发布")
        if self.feedback_published_at is not None:
            raise InvalidTransition(self, "publish_feedback", "采纳情况已经发布")
        if not self.is_closed(today=timezone.localdate(now)):
            raise InvalidTransition(self, "publish_feedback", "征求意见尚未结束，不能发布采纳情况")
        if not summary.strip():
            raise InvalidTransition(self, "publish_feedback", "请填写意见采纳情况说明")
        pending = self.comments.filter(status=ConsultationComment.Status.PENDING).count()
        if pending:
            raise InvalidTransition(self, "publish_feedback", f"还有 {pending} 条意见未审核")
        undecided = self.comments.undecided().count()
        if undecided:
            raise InvalidTransition(
                self, "publish_feedback", f"还有 {undecided} 条意见未填写采纳情况"
            )
        self.feedback_summary = summary.strip()
        self.feedback_published_at, self.feedback_published_by = now, by
        self.save(
            update_fields=["feedback_summary", "feedback_published_at", "feedback_published_by"]
        )
        self.log(ConsultationEvent.Kind.FEEDBACK, by, now)


class ConsultationEvent(PublicationEvent):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交审核"
        APPROVED = "approved", "审核发布"
        RETURNED = "returned", "退回修改"
        WITHDRAWN = "withdrawn", "撤回"
        REVISED = "revised", "重新编辑"
        REVISION_SUBMITTED = "rev_submit", "提交修改审核"
        REVISION_APPROVED = "rev_approve", "审核发布修改"
        REVISION_RETURNED = "rev_return", "退回修改稿"
        REVISION_DISCARDED = "rev_discard", "放弃修改稿"
        FEEDBACK = "feedback", "发布采纳情况"
        COMMENT_APPROVED = "c_approved", "公开意见"
        COMMENT_REJECTED = "c_rejected", "意见不予公开"
        ADOPTION = "adoption", "填写采纳情况"

    kind = models.CharField("事项", max_length=12, choices=Kind)
    consultation = models.ForeignKey(
        Consultation, verbose_name="征求意见", on_delete=models.PROTECT, related_name="events"
    )

    class Meta(PublicationEvent.Meta):
        verbose_name = "征求意见流转记录"
        verbose_name_plural = "征求意见流转记录"


class ConsultationRevision(Revision):
    """A published consultation notice's edit waiting for review (portal.publishing.Revision)."""

    record = models.ForeignKey(
        Consultation, verbose_name="征求意见", on_delete=models.PROTECT, related_name="revisions"
    )

    class Meta(Revision.Meta):
        verbose_name = "征求意见修改稿"
        verbose_name_plural = "征求意见修改稿"


class ConsultationFile(Attachment):
    """The draft as the original document (Word/PDF/OFD), for download."""

    consultation = models.ForeignKey(
        Consultation, verbose_name="征求意见", on_delete=models.CASCADE, related_name="files"
    )

    class Meta(Attachment.Meta):
        verbose_name = "草案原文件"
        verbose_name_plural = "草案原文件"

    def get_absolute_url(self):
        return reverse("complaints:consultation-file", args=[self.consultation_id, self.pk])


class ConsultationArticle(models.Model):
    """One article (第X条) or paragraph of a draft that the public can comment on."""

    consultation = models.ForeignKey(
        Consultation, verbose_name="征求意见", on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField("序号")
    heading = models.CharField("条号", max_length=20, help_text="如：第三条")
    text = models.TextField("条文内容")

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = "条文"
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"],
                name="consultation_article_number_unique",
                violation_error_message="同一草案的条文序号不能重复",
                violation_error_code="duplicate_number",
            )
        ]

    def __str__(self):
        return self.heading

    def anchor(self):
        return f"article-{self.number}"


class ConsultationCommentQuerySet(DepartmentScopedQuerySet):
    department_field = "consultation__department"

    def public(self):
        """Return the comments a reviewer approved for publication."""
        return self.filter(status=ConsultationComment.Status.APPROVED)

    def personal_data_expired(self, *, cutoff):
        """Return comments on consultations closed before cutoff whose sender's data remain."""
        closed_before = timezone.localdate(cutoff)
        return self.filter(consultation__closes_on__lt=closed_before).exclude(sender_phone_hash="")

    def considered(self):
        """Return the comments that need an adoption decision (all but those not accepted)."""
        return self.exclude(status=ConsultationComment.Status.REJECTED)

    def undecided(self):
        """Return considered comments still without an adoption decision."""
        return self.considered().filter(adoption="")

    def for_public_list(self):
        """Load public comments with their article, in the order of the draft."""
        return self.public().select_related("article").order_by("article__number", "submitted_at")

    def adoption_figures(self):
        """Return received/considered counts and the count per adoption decision (one query)."""
        decisions = ConsultationComment.Adoption
        return self.aggregate(
            received_count=Count("pk"),
            public_count=Count("pk", filter=Q(status=ConsultationComment.Status.APPROVED)),
            considered_count=Count("pk", filter=~Q(status=ConsultationComment.Status.REJECTED)),
            rejected_count=Count("pk", filter=Q(status=ConsultationComment.Status.REJECTED)),
            adopted_count=Count("pk", filter=Q(adoption=decisions.ADOPTED)),
            partly_count=Count("pk", filter=Q(adoption=decisions.PARTLY)),
            not_adopted_count=Count("pk", filter=Q(adoption=decisions.NOT_ADOPTED)),
        )

    def counts_by_article(self):
        """Return [{article, heading, count, pending}] with the whole draft first (one query)."""
        rows = (
            self.order_by()
            .values("article_id", "article__number", "article__heading")
            .annotate(
                comment_count=Count("pk"),
                pending_count=Count("pk", filter=Q(status=ConsultationComment.Status.PENDING)),
            )
            .order_by(F("article__number").asc(nulls_first=True))
        )
        return [
            {
                "article_id": row["article_id"],
                "heading": row["article__heading"] or "对草案整体的意见",
                "comment_count": row["comment_count"],
                "pending_count": row["pending_count"],
            }
            for row in rows
        ]


class ConsultationComment(Transitions, models.Model):
    """A citizen's comment on a draft or on one of its articles."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已公开"
        REJECTED = "rejected", "不予公开"

    class Adoption(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"

    TRANSITIONS = {
        "approve": {Status.PENDING, Status.REJECTED},
        "reject": {Status.PENDING, Status.APPROVED},
        "record_adoption": {Status.APPROVED},
    }

    consultation = models.ForeignKey(
        Consultation, verbose_name="征求意见", on_delete=models.PROTECT, related_name="comments"
    )
    article = models.ForeignKey(
        ConsultationArticle,
        verbose_name="针对条文",
        on_delete=models.PROTECT,
        related_name="comments",
        null=True,
        blank=True,
        help_text="为空表示对草案整体的意见",
    )
    # Encrypted: citizens write their phone or address into the comment; the public text is
    # public_body, masked at approval.
    body = EncryptedTextField("意见内容")
    sender_name = EncryptedCharField("姓名", max_length=30)
    sender_phone = EncryptedCharField("手机号码", max_length=20)
    sender_phone_hash = KeyedHashField("手机号码（摘要）", source="sender_phone", kind="phone")
    sender_ip = models.GenericIPAddressField("提交IP", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)

    status = models.CharField(
        "审核状态",
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        editable=False,
        db_index=True,
    )
    public_body = models.TextField("公开内容", blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = staff_stamp("审核人")
    rejection_reason = models.CharField("不予公开理由", max_length=200, blank=True, editable=False)

    adoption = models.CharField("采纳情况", max_length=12, choices=Adoption, blank=True)
    adoption_reason = models.TextField(
        "采纳情况说明", blank=True, help_text="部分采纳或未采纳时必须说明理由"
    )
    decided_at = models.DateTimeField("采纳情况填写时间", null=True, blank=True, editable=False)
    decided_by = staff_stamp("采纳情况填写人")

    objects = ConsultationCommentQuerySet.as_manager()

    # Text the public reads (portal.content_safety): the reviewed, masked comment, nightly.
    public_text_fields = ("public_body",)

    class Meta:
        verbose_name = "公众意见"
        verbose_name_plural = "公众意见"
        ordering = ["consultation", "article__number", "submitted_at", "pk"]
        permissions = [
            ("review_consultationcomment", "审核公众意见"),
            ("decide_consultationcomment", "填写意见采纳情况"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(adoption="") | Q(adoption="adopted") | ~Q(adoption_reason=""),
                name="comment_partial_adoption_has_reason",
                violation_error_message="部分采纳或未采纳时必须说明理由",
                violation_error_code="adoption_reason_missing",
            ),
        ]

    def __str__(self):
        return f"{self.article or '整体'}：{self.body[:20]}"

    def target_label(self):
        return self.article.heading if self.article_id else "草案整体"

    def is_public(self):
        """Return whether the public may read the comment (row twin of public())."""
        return self.status == self.Status.APPROVED

    def log(self, kind, by, now, note=""):
        # The comment's steps join its consultation's record, naming the comment.
        note = f"意见#{self.pk}（{self.target_label()}）" + (f"：{note}" if note else "")
        return ConsultationEvent.objects.create(
            consultation_id=self.consultation_id, kind=kind, actor=by, at=now, note=note
        )

    @transaction.atomic
    def approve(self, *, by, public_body="", now=None):
        """Publish the comment with personal data in its text masked."""
        self.begin("approve")
        now = now or timezone.now()
        self.public_body = mask_personal_data_in_text(public_body.strip() or self.body)
        self.status, self.reviewed_at, self.reviewed_by = self.Status.APPROVED, now, by
        self.rejection_reason = ""
        self.save(
            update_fields=[
                "status",
                "public_body",
                "reviewed_at",
                "reviewed_by",
                "rejection_reason",
            ]
        )
        self.log(ConsultationEvent.Kind.COMMENT_APPROVED, by, now)

    @transaction.atomic
    def reject(self, *, by, reason, now=None):
        """Keep the comment off the site (spam, abuse, unrelated), saying why."""
        self.begin("reject")
        if not reason.strip():
            raise InvalidTransition(self, "reject", "请填写不予公开的理由")
        now = now or timezone.now()
        self.status, self.reviewed_at, self.reviewed_by = self.Status.REJECTED, now, by
        self.rejection_reason, self.adoption, self.adoption_reason = reason.strip()[:200], "", ""
        self.save(
            update_fields=[
                "status",
                "reviewed_at",
                "reviewed_by",
                "rejection_reason",
                "adoption",
                "adoption_reason",
            ]
        )
        self.log(ConsultationEvent.Kind.COMMENT_REJECTED, by, now, reason.strip())

    @transaction.atomic
    def record_adoption(self, *, by, adoption, reason="", now=None):
        """Record 采纳/部分采纳/未采纳 after the period closed, before the feedback is out."""
        self.begin("record_adoption")
        consultation = self.consultation
        now = now or timezone.now()
        if not consultation.is_closed(today=timezone.localdate(now)):
            raise InvalidTransition(self, "record_adoption", "征求意见结束后才能填写采纳情况")
        if consultation.has_feedback():
            raise InvalidTransition(self, "record_adoption", "采纳情况已经公开，不能再修改")
        if adoption not in self.Adoption.values:
            raise InvalidTransition(self, "record_adoption", "请选择采纳情况")
        if adoption != self.Adoption.ADOPTED and not reason.strip():
            raise InvalidTransition(self, "record_adoption", "部分采纳或未采纳时必须说明理由")
        self.adoption, self.adoption_reason = adoption, reason.strip()
        self.decided_at, self.decided_by = now, by
        self.save(update_fields=["adoption", "adoption_reason", "decided_at", "decided_by"])
        reason = f"，{self.adoption_reason}" if self.adoption_reason else ""
        self.log(ConsultationEvent.Kind.ADOPTION, by, now, self.get_adoption_display() + reason)


@receiver(
    [post_save, post_delete], sender=Consultation, dispatch_uid="complaints-consultation-pages"
)
def consultation_saved(sender, instance, **kwargs):
    """The final document's page links back to its consultation; the sitemap lists it."""
    scopes = [SITEMAP]
    if instance.final_item_id:
        scopes.append(object_scope("disclosure.Item", instance.final_item_id))
    content_changed(*scopes)
