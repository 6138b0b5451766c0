"""The draft → review → publish workflow shared by catalog items and service guides.

A concrete model inherits `Reviewable` and declares its own event table inheriting
`PublicationEvent` with a foreign key named after the model and `related_name="events"`. The
transitions check the state, stamp actor and time, save with update_fields, write an event and run
in a transaction (STYLE.md guideline 4). Models refine two hooks:

- `missing_elements()` lists what must be filled in before the record may go public;
- `inconsistencies()` lists elements that contradict each other (steps longer than the promised
  time limit …), each saying which element to fix; they block like missing elements;
- `on_first_publication(now)` numbers the record (索引号) and the like, once.

A concrete model also declares `public_text_fields` (see portal.content_safety): the fields
scanned before submission and approval, and nightly; `public_text_rows()` adds related rows
published with it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import content_safety
from .exceptions import InvalidTransition
from .transitions import Transitions

REVIEW_CHECKLIST = {
    "no_state_secret": "不涉及国家秘密",
    "no_personal_data": "不含应保护的个人信息",
    "no_commercial_secret": "不涉及商业秘密",
    "wording_checked": "已核对文字表述（无错别字、敏感词）",
}


class ReviewableQuerySet(models.QuerySet):
    def published(self):
        """Return the published records."""
        return self.filter(status=Reviewable.Status.PUBLISHED)

    def public(self):
        """Return the records the public may see: the published ones (a model may narrow it)."""
        return self.published()

    def pending_review(self):
        """Return the records waiting for a reviewer."""
        return self.filter(status=Reviewable.Status.PENDING)

    def returned_to(self, user):
        """Return the records returned to user, their author, for changes."""
        return self.filter(status=Reviewable.Status.RETURNED, author=user)


class Reviewable(Transitions, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        RETURNED = "returned", "已退回"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    TRANSITIONS = {
        "submit": {Status.DRAFT, Status.RETURNED},
        "approve": {Status.PENDING},
        "return_to_author": {Status.PENDING},
        "withdraw": {Status.PUBLISHED},
        "revise": {Status.WITHDRAWN},
    }

    status = models.CharField(
        "状态", max_length=10, choices=Status, default=Status.DRAFT, editable=False, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    submitted_at = models.DateTimeField("提交审核时间", null=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, editable=False)
    review_checklist = models.JSONField("保密审查记录", default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(
        "发布日期", null=True, editable=False, db_index=True, help_text="发布时由系统记录，不可修改"
    )
    status_reason = models.TextField("退回或撤回理由", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    # Bumped by content edits only; the transitions save with update_fields and leave it alone.
    updated_at = models.DateTimeField("更新于", auto_now=True)

    class Meta:
        abstract = True

    @property
    def review_permission(self):
        """The permission of those who review this record (told when it is submitted)."""
        return f"{self._meta.app_label}.review_{self._meta.model_name}"

    # Hooks -------------------------------------------------------------------------------
    def missing_elements(self):
        """Return the names of required elements still empty (nothing by default)."""
        return []

    def inconsistencies(self):
        """Return the elements that contradict each other, each naming what to fix (none)."""
        return []

    def on_first_publication(self, now):
        """Stamp what a record gets once, at its first publication; return the fields set."""
        return []

    # Predicates --------------------------------------------------------------------------
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    # Transitions -------------------------------------------------------------------------
    def _check_complete(self):
        missing = self.missing_elements()
        if missing:
            raise ValidationError(
                "以下要素尚未填写，不能提交或发布：" + "、".join(missing), code="incomplete"
            )

    def _check_consistent(self):
        problems = self.inconsistencies()
        if problems:
            raise ValidationError(
                "以下要素前后不一致，不能提交或发布：" + "；".join(problems), code="inconsistent"
            )

    def public_text_rows(self):
        """Return related rows published with the record (a guide's materials and steps), whose
        text is scanned with the record's own; none by default."""
        return []

    def _check_content(self):
        # Blocking 错敏字/spam stop the record here; warnings are only shown in the admin. The
        # record's text, the rows published with it and every attachment of either are read;
        # personal data there blocks unless the 审核员 recorded why it may be published.
        content_safety.raise_for_blocking(content_safety.scan_publication(self))

    @transaction.atomic
    def submit(self, *, by, now=None):
        """Send the draft to review; everything required must be filled in."""
        self.begin("submit")
        self._check_complete()
        self._check_content()
        self._check_consistent()
        now = now or timezone.now()
        self.status, self.submitted_at, self.status_reason = self.Status.PENDING, now, ""
        if self.author_id is None:
            self.author = by
        self.save(update_fields=["status", "submitted_at", "status_reason", "author"])
        self.log(PublicationEvent.Kind.SUBMITTED, by, now)

    @transaction.atomic
    def approve(self, *, by, checklist, now=None):
        """Publish after the 保密审查: every checklist point confirmed, never by the author."""
        self.begin("approve")
        if by.pk == self.author_id:
            raise InvalidTransition(self, "approve", "不能审核发布自己起草的内容")
        unchecked = [label for key, label in REVIEW_CHECKLIST.items() if not checklist.get(key)]
        if unchecked:
            raise ValidationError(
                "保密审查未完成：" + "、".join(unchecked), code="checklist_incomplete"
            )
        self._check_complete()
        self._check_content()
        self._check_consistent()
        now = now or timezone.now()
        fields = ["status", "reviewer", "reviewed_at", "review_checklist"]
        if self.published_at is None:
            self.published_at = now
            fields += ["published_at", *self.on_first_publication(now)]
        self.status, self.reviewer, self.reviewed_at = self.Status.PUBLISHED, by, now
        self.review_checklist = {key: bool(checklist.get(key)) for key in REVIEW_CHECKLIST}
        self.save(update_fields=fields)
        self.log(PublicationEvent.Kind.APPROVED, by, now)

    @transaction.atomic
    def return_to_author(self, *, by, reason, now=None):
        """Send the draft back to its author with the reason."""
        self.begin("return_to_author")
        if not reason.strip():
            raise ValidationError("请填写退回理由", code="reason_required")
        now = now or timezone.now()
        self.status, self.reviewer, self.reviewed_at = self.Status.RETURNED, by, now
        self.status_reason = reason
        self.save(update_fields=["status", "reviewer", "reviewed_at", "status_reason"])
        self.log(PublicationEvent.Kind.RETURNED, by, now, reason)

    @transaction.atomic
    def withdraw(self, *, by, reason, now=None):
        """Take a published record off the public site, with the reason."""
        self.begin("withdraw")
        if not reason.strip():
            raise ValidationError("请填写撤回理由", code="reason_required")
        now = now or timezone.now()
        self.status, self.status_reason = self.Status.WITHDRAWN, reason
        self.save(update_fields=["status", "status_reason"])
        self.log(PublicationEvent.Kind.WITHDRAWN, by, now, reason)

    @transaction.atomic
    def revise(self, *, by, now=None):
        """Reopen a withdrawn record as a draft; its number and first publication date stay."""
        self.begin("revise")
        now = now or timezone.now()
        self.status = self.Status.DRAFT
        self.save(update_fields=["status"])
        self.log(PublicationEvent.Kind.REVISED, by, now)


class PublicationEvent(models.Model):
    """One step of a record's publication workflow (concrete tables per model)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "提交审核"
        APPROVED = "approved", "审核发布"
        RETURNED = "returned", "退回修改"
        WITHDRAWN = "withdrawn", "撤回"
        REVISED = "revised", "重新编辑"

    kind = models.CharField("事项", max_length=12, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.actor}）"
