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

**Revisions of published content** (Wagtail's live page plus a draft revision). Once a record is
published its row is what the public reads, and an edit never touches it: the edit is kept as a
`Revision` (a concrete table per model, inheriting `Revision`, with a foreign key `record` and
`related_name="revisions"`), a pending copy of the editable fields. The revision goes through the
same gate as the first publication: submit → content scan → 保密审查 checklist → approve, by
someone who neither wrote nor last edited it; approving applies the copy to the row (so the row's
own signals make the cached pages stale and refresh the search index) and keeps the old and new
values of the changed fields as the published version's history. Returning it keeps the public
version and gives the author the reason. A record has at most one open revision.

Rows published with the record and edited in its form (a guide's 设定依据, 办理材料, 办理流程,
特殊环节 and 常见问题: `revision_children`) are part of the revision too: it holds their whole
list, the candidate record reads them from there (so the scan, the required elements and 预览 see
the rows as they will be public), the diff shows them, and the approval writes them. Once the
record is public there is no other way to change them.
"""

import difflib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import content_safety
from .exceptions import InvalidTransition
from .transitions import Transitions, lock

REVIEW_CHECKLIST = {
    "no_state_secret": "不涉及国家秘密",
    "no_personal_data": "不含应保护的个人信息",
    "no_commercial_secret": "不涉及商业秘密",
    "wording_checked": "已核对文字表述（无错别字、敏感词）",
}

# The moves of a published record's revision and the revision states each is allowed from
# (None: the record has no open revision yet; submitting then saves the edit first).
REVISION_ACTIONS = {
    "submit_revision": {None, "draft", "returned"},
    "approve_revision": {"pending"},
    "return_revision": {"pending"},
    "discard_revision": {"draft", "pending", "returned"},
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

    def with_open_revision_status(self):
        """Annotate open_revision_status: the state of each record's open revision, or None."""
        revisions = self.model._meta.get_field("revisions").related_model
        open_revisions = revisions.objects.open().filter(record=models.OuterRef("pk"))
        return self.annotate(
            open_revision_status=models.Subquery(open_revisions.values("status")[:1])
        )

    def _with_revisions(self, **conditions):
        """Return the pks of the records with a revision matching conditions (a subquery)."""
        revisions = self.model._meta.get_field("revisions").related_model
        return revisions.objects.filter(**conditions).values("record")

    def awaiting_review(self):
        """Return the records a reviewer has to act on: submitted drafts, and published records
        whose correction (修改稿) was submitted."""
        pending = self._with_revisions(status=Revision.Status.PENDING)
        return self.filter(models.Q(status=Reviewable.Status.PENDING) | models.Q(pk__in=pending))

    def returned_to(self, user):
        """Return the records returned to user for changes: their drafts, and the published
        records whose correction they wrote was returned."""
        returned = self._with_revisions(status=Revision.Status.RETURNED, author=user)
        return self.filter(
            models.Q(status=Reviewable.Status.RETURNED, author=user) | models.Q(pk__in=returned)
        )


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

    def can(self, action):
        """Return whether the move is allowed now; a revision's moves read its own state."""
        if action in REVISION_ACTIONS:
            if not self.is_published():
                return False
            revision = self.open_revision()
            return (revision.status if revision else None) in REVISION_ACTIONS[action]
        return super().can(action)

    # Revisions of the published record -----------------------------------------------------
    # Related names of the rows published with the record and edited with it in one form; a
    # revision holds their full list (see the module's docstring).
    revision_children = ()

    @classmethod
    def revision_fields(cls):
        """Return the fields a revision holds: every editable field of the row and its
        many-to-many links (the workflow's own stamps are not editable)."""
        opts = cls._meta
        return [
            field
            for field in [*opts.concrete_fields, *opts.many_to_many]
            if field.editable and not field.primary_key
        ]

    def revision_data(self, m2m=None, children=None):
        """Return this instance's editable values as a revision stores them (plain JSON).

        m2m: {name: rows or ids} chosen in a form, instead of the links stored for the row;
        children: {relation: rows} edited in a form, instead of the rows of revision_children
        as this instance reads them."""
        data = {}
        for field in self.revision_fields():
            if field.many_to_many:
                if m2m is not None and field.name in m2m:
                    rows = m2m[field.name]
                else:
                    rows = getattr(self, field.name).all() if self.pk else []
                data[field.name] = sorted(getattr(row, "pk", row) for row in rows)
            else:
                data[field.name] = plain_value(field.value_from_object(self))
        for relation in self.revision_children:
            if children is not None and relation in children:
                rows = children[relation]
            else:
                rows = getattr(self, relation).all() if self.pk else []
            data[relation] = ChildRows(type(self), relation).data(rows)
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))

    def apply_revision_data(self, data):
        """Set this instance's fields from a revision's data; return the many-to-many values,
        which the caller sets once the row is saved. The rows of revision_children are read
        from the revision from now on (`save_revision_children()` writes them)."""
        links = {}
        for field in self.revision_fields():
            if field.name not in data:
                continue
            if field.many_to_many:
                links[field.name] = data[field.name]
            else:
                setattr(self, field.attname, field.to_python(data[field.name]))
        for relation in self.revision_children:
            if relation in data:
                ChildRows(type(self), relation).attach(self, data[relation])
        return links

    def save_revision_children(self):
        """Write the rows set by apply_revision_data(): update, add, and delete those the
        revision left out (each row's own signals refresh the pages that show it)."""
        for relation in self.revision_children:
            rows = self.__dict__.get("_revision_rows", {}).get(relation)
            if rows is not None:
                ChildRows(type(self), relation).write(self, rows)

    def open_revision(self):
        """Return the revision not yet approved or discarded, or None (there is at most one)."""
        if "_open_revision" not in self.__dict__:
            self._open_revision = (
                self.revisions.open().select_related("author", "edited_by", "reviewer").first()
                if self.pk
                else None
            )
        return self._open_revision

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_open_revision", None)

    @transaction.atomic
    def save_revision(self, *, by, m2m=None, children=None, now=None):
        """Keep this published instance's edited values as its revision; the stored row and
        the public page stay as approved. Return the revision, or None if nothing differs.
        m2m and children: as edited in a form (see revision_data())."""
        data = self.revision_data(m2m, children)
        stored = type(self).objects.select_for_update().get(pk=self.pk)
        if not stored.is_published():
            raise InvalidTransition(stored, "save_revision", "只有已发布的内容才以修改稿方式修改")
        now = now or timezone.now()
        revision = stored.open_revision()
        if revision is None:
            if stored.revision_data() == data:
                return None
            revision = self.revisions.create(
                data=data, author=by, edited_by=by, created_at=now, updated_at=now
            )
        elif revision.data != data:
            # Whoever changes the text becomes one who may not approve it (see Revision.approve).
            revision.data, revision.edited_by, revision.updated_at = data, by, now
            revision.save(update_fields=["data", "edited_by", "updated_at"])
        self._open_revision = revision
        return revision

    def _revision_for(self, action):
        self.__dict__.pop("_open_revision", None)
        revision = self.open_revision()
        if revision is None or not self.is_published():
            raise InvalidTransition(self, action, "没有待处理的修改稿：请先修改内容并保存")
        return revision

    def submit_revision(self, *, by, now=None):
        """Send the open revision to review: the same checks as the first submission."""
        self._revision_for("submit_revision").submit(by=by, now=now)

    def approve_revision(self, *, by, checklist, now=None):
        """Publish the open revision after the 保密审查; never by its author or last editor."""
        self._revision_for("approve_revision").approve(by=by, checklist=checklist, now=now)

    def return_revision(self, *, by, reason, now=None):
        """Send the open revision back with the reason; the public version stays."""
        self._revision_for("return_revision").return_to_author(by=by, reason=reason, now=now)

    def discard_revision(self, *, by, now=None):
        """Drop the open revision; the public version stays."""
        self._revision_for("discard_revision").discard(by=by, now=now)

    def published_versions(self):
        """Return the versions the public has read, oldest first: each approval of the record
        (first publication, or again after a withdrawal) and each approved revision, with
        what it changed."""
        approvals = self.events.filter(kind=PublicationEvent.Kind.APPROVED).select_related("actor")
        versions = [
            PublishedVersion(at=event.at, approved_by=event.actor, author=None, revision=None)
            for event in approvals
        ]
        revisions = self.revisions.approved().select_related("author", "edited_by", "reviewer")
        versions += [
            PublishedVersion(
                at=revision.reviewed_at,
                approved_by=revision.reviewer,
                author=revision.author,
                revision=revision,
            )
            for revision in revisions
        ]
        versions.sort(key=lambda version: version.at)
        return versions

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
        # An unpublished revision was a change to the public version, which is gone: dropped.
        for revision in self.revisions.open():
            revision.discard(by=by, now=now, note="内容已撤回，修改稿一并作废")
        self.__dict__.pop("_open_revision", None)

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
        REVISION_SUBMITTED = "rev_submit", "提交修改审核"
        REVISION_APPROVED = "rev_approve", "审核发布修改"
        REVISION_RETURNED = "rev_return", "退回修改稿"
        REVISION_DISCARDED = "rev_discard", "放弃修改稿"

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


# Revisions ------------------------------------------------------------------------------------
class RevisionQuerySet(models.QuerySet):
    def open(self):
        """Return the revisions not yet approved or discarded."""
        return self.filter(status__in=Revision.OPEN_STATES)

    def approved(self):
        """Return the revisions that became the public version."""
        return self.filter(status=Revision.Status.APPROVED)

    def pending_review(self):
        """Return the revisions waiting for a reviewer."""
        return self.filter(status=Revision.Status.PENDING)


class Revision(Transitions, models.Model):
    """A pending copy of a published record's editable fields (concrete tables per model, each
    with a foreign key `record` and related_name="revisions"). Its moves are logged in the
    record's own event table, so the record keeps one timeline."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING = "pending", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已发布"
        DISCARDED = "discarded", "已放弃"

    OPEN_STATES = (Status.DRAFT, Status.PENDING, Status.RETURNED)
    TRANSITIONS = {
        "submit": {Status.DRAFT, Status.RETURNED},
        "approve": {Status.PENDING},
        "return_to_author": {Status.PENDING},
        "discard": set(OPEN_STATES),
    }

    status = models.CharField(
        "状态", max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    data = models.JSONField("修改后的内容", encoder=DjangoJSONEncoder, editable=False)
    previous = models.JSONField(
        "修改前的内容",
        encoder=DjangoJSONEncoder,
        default=dict,
        editable=False,
        help_text="审核发布时被替换的各字段原值",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后编辑人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("最后编辑时间", default=timezone.now, editable=False)
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
    status_reason = models.TextField("退回理由", blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status__in=["draft", "pending", "returned"]),
                name="%(app_label)s_%(class)s_one_open",
                violation_error_message="每条内容同时只能有一份未发布的修改稿",
            )
        ]

    def __str__(self):
        return f"{self.record}（修改稿，{self.get_status_display()}）"

    def log(self, kind, by, now, note=""):
        """Log the move in the record's event table: one timeline per record."""
        return self.record.log(kind, by, now, note)

    def is_open(self):
        return self.status in self.OPEN_STATES

    def candidate(self):
        """Return the record as it will read once this revision is approved (not saved)."""
        record = type(self.record).objects.get(pk=self.record_id)
        record.apply_revision_data(self.data)
        return record

    def changes(self):
        """Return the Changes of this revision: against the public version while it is open,
        as recorded at its approval afterwards."""
        model = type(self.record)
        fields = {field.name: field for field in model.revision_fields()}
        fields.update(
            (relation, ChildRows(model, relation)) for relation in model.revision_children
        )
        if self.status == self.Status.APPROVED:
            pairs = [(name, old, self.data.get(name)) for name, old in self.previous.items()]
        else:
            # The stored row, not self.record: an admin form's record holds the revision's values.
            current = model.objects.get(pk=self.record_id).revision_data()
            pairs = [
                (name, current.get(name), new)
                for name, new in self.data.items()
                if name in current and current[name] != new
            ]
        return [Change(fields[name], old, new) for name, old, new in pairs if name in fields]

    def changes_note(self):
        return "修改了：" + "、".join(change.label for change in self.changes())

    def _check_publishable(self):
        # The same gate as the first publication, on the text as it will be public.
        if not self.changes():
            raise ValidationError("修改稿与已发布的版本相同，没有需要审核的修改", code="no_changes")
        candidate = self.candidate()
        candidate._check_complete()
        candidate._check_content()
        candidate._check_consistent()

    @transaction.atomic
    def submit(self, *, by, now=None):
        """Send the revision to review after the required-elements and content checks."""
        self.begin("submit", message="修改稿已提交审核或已处理")
        self._check_publishable()
        now = now or timezone.now()
        self.status, self.submitted_at, self.status_reason = self.Status.PENDING, now, ""
        self.save(update_fields=["status", "submitted_at", "status_reason"])
        self.log(PublicationEvent.Kind.REVISION_SUBMITTED, by, now, self.changes_note())

    @transaction.atomic
    def approve(self, *, by, checklist, now=None):
        """Make the revision the public version after the 保密审查, by a second person."""
        self.begin("approve", message="修改稿不在待审核状态")
        if by.pk in {self.author_id, self.edited_by_id}:
            raise InvalidTransition(
                self, "approve", "不能审核发布自己修改的内容，请由另一位审核员审核发布"
            )
        unchecked = [label for key, label in REVIEW_CHECKLIST.items() if not checklist.get(key)]
        if unchecked:
            raise ValidationError(
                "保密审查未完成：" + "、".join(unchecked), code="checklist_incomplete"
            )
        record = self.record
        lock(record, "status")
        if not record.is_published():
            raise InvalidTransition(record, "approve_revision", "内容已不在发布状态")
        self._check_publishable()
        now = now or timezone.now()
        changes = self.changes()
        confirmed = {key: bool(checklist.get(key)) for key in REVIEW_CHECKLIST}
        live = type(record).objects.get(pk=record.pk)
        links = live.apply_revision_data(self.data)
        live.reviewer, live.reviewed_at, live.review_checklist = by, now, confirmed
        live._change_reason = "审核发布修改稿"  # django-simple-history's note on the version
        live.save()  # a full save: the row's signals refresh the cached pages and the index
        for name, ids in links.items():
            getattr(live, name).set(ids)
        live.save_revision_children()
        self.previous = {change.field.name: change.old for change in changes}
        self.status, self.reviewer, self.reviewed_at = self.Status.APPROVED, by, now
        self.review_checklist = confirmed
        self.save(
            update_fields=["previous", "status", "reviewer", "reviewed_at", "review_checklist"]
        )
        self.record = live
        self.log(PublicationEvent.Kind.REVISION_APPROVED, by, now, self.changes_note())

    @transaction.atomic
    def return_to_author(self, *, by, reason, now=None):
        """Send the revision back with the reason; the public version stays as it is."""
        self.begin("return_to_author", message="修改稿不在待审核状态")
        if not reason.strip():
            raise ValidationError("请填写退回理由", code="reason_required")
        now = now or timezone.now()
        self.status, self.reviewer, self.reviewed_at = self.Status.RETURNED, by, now
        self.status_reason = reason
        self.save(update_fields=["status", "reviewer", "reviewed_at", "status_reason"])
        self.log(PublicationEvent.Kind.REVISION_RETURNED, by, now, reason)

    @transaction.atomic
    def discard(self, *, by, now=None, note=""):
        """Drop the revision; the public version stays as it is."""
        self.begin("discard", message="修改稿已发布或已放弃")
        now = now or timezone.now()
        self.status = self.Status.DISCARDED
        self.save(update_fields=["status"])
        self.log(PublicationEvent.Kind.REVISION_DISCARDED, by, now, note)


@dataclass(frozen=True)
class PublishedVersion:
    """One version the public has read: approved at `at` by `approved_by`; `revision` is the
    approved revision that made it, None for an approval of the record itself."""

    at: object
    approved_by: object
    author: object
    revision: object

    def changes(self):
        return self.revision.changes() if self.revision else []


@dataclass(frozen=True)
class Change:
    """One field a revision changes, with its old and new stored values."""

    field: object
    old: object
    new: object

    @property
    def label(self):
        return str(self.field.verbose_name)

    def old_text(self):
        return display_value(self.field, self.old)

    def new_text(self):
        return display_value(self.field, self.new)

    def old_marked(self):
        """Return the old text with what the revision removes in <del>."""
        return self._marked(old=True)

    def new_marked(self):
        """Return the new text with what the revision adds in <ins>."""
        return self._marked(old=False)

    def _marked(self, *, old):
        before, after = self.old_text(), self.new_text()
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        text, tag = (before, "del") if old else (after, "ins")
        parts = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            start, end = (i1, i2) if old else (j1, j2)
            if start == end:
                continue
            if op == "equal":
                parts.append(format_html("{}", text[start:end]))
            else:
                parts.append(format_html("<{}>{}</{}>", tag, text[start:end], tag))
        return format_html_join("", "{}", ((part,) for part in parts))


def plain_value(value):
    """Return a field's value as a revision compares and stores it: text with the browser's
    CRLF line ends made LF (a textarea posts CRLF; the same text typed in twice is no change)."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ChildRows:
    """The rows of one of a record's revision_children as a revision holds them: a list of
    {"id": pk or None for a new row, field: value}, in the rows' own order."""

    many_to_many = is_relation = False
    choices = None

    def __init__(self, model, relation):
        self.relation = model._meta.get_field(relation)
        self.name = relation
        self.model = self.relation.related_model
        self.verbose_name = self.model._meta.verbose_name_plural
        self.fields = [
            field
            for field in self.model._meta.concrete_fields
            if field.editable and not field.primary_key and field is not self.relation.field
        ]

    def data(self, rows):
        """Return rows (model instances) as a revision stores them."""
        values = [
            {
                "id": row.pk,
                **{field.name: plain_value(field.value_from_object(row)) for field in self.fields},
            }
            for row in rows
        ]
        return sorted(values, key=self._sort_key)

    def _sort_key(self, values):
        # The rows' Meta.ordering (order, then id), new rows after the stored ones.
        key = []
        for name in self.model._meta.ordering:
            name = name.lstrip("-")
            value = values.get("id" if name in ("id", "pk") else name)
            key.append((value is None, value if value is not None else 0))
        return key

    def attach(self, record, values):
        """Make record read these rows for this relation (in memory, nothing saved): the
        stored rows updated with the revision's values, and unsaved new ones."""
        fk = self.relation.field
        stored = {}
        if record.pk is not None:
            stored = {row.pk: row for row in self.model._base_manager.filter(**{fk.name: record})}
        rows = []
        for row_values in values:
            row = stored.get(row_values.get("id"))
            if row is None:
                row = self.model()
                # A new row has no files or rows of its own yet; read them as empty, not queried.
                row._prefetched_objects_cache = {
                    rel.get_accessor_name(): rel.related_model._base_manager.none()
                    for rel in self.model._meta.related_objects
                    if rel.one_to_many
                }
            for field in self.fields:
                if field.name in row_values:
                    setattr(row, field.attname, field.to_python(row_values[field.name]))
            setattr(row, fk.name, record)
            rows.append(row)
        rows.sort(key=lambda row: self._sort_key({"id": row.pk, **row.__dict__}))
        cached = self.model._base_manager.none()
        cached._result_cache, cached._prefetch_done = rows, True
        if not hasattr(record, "_prefetched_objects_cache"):
            record._prefetched_objects_cache = {}
        record._prefetched_objects_cache[self.relation.get_accessor_name()] = cached
        record.__dict__.setdefault("_revision_rows", {})[self.name] = rows

    def write(self, record, rows):
        """Store rows as record's rows of this relation; delete the stored rows not among them."""
        fk = self.relation.field
        kept = [row.pk for row in rows if row.pk is not None]
        for gone in self.model._base_manager.filter(**{fk.name: record}).exclude(pk__in=kept):
            gone.delete()
        for row in rows:
            setattr(row, fk.name, record)
            row.save()

    def text(self, values):
        """Return the rows as staff read them in a diff: one line per row, field by field."""
        if not values:
            return "（无）"
        lines = []
        for number, row_values in enumerate(values, 1):
            parts = []
            for field in self.fields:
                value = row_values.get(field.name)
                if value in (None, "") or field.name == "order":
                    continue
                parts.append(f"{field.verbose_name}：{display_value(field, value)}")
            lines.append(f"{number}. " + "；".join(parts))
        return "\n".join(lines)


def display_value(field, value):
    """Return a stored revision value as staff read it: names for links, labels for choices,
    the text of rich text, a line per row for rows published with the record."""
    if isinstance(field, ChildRows):
        return field.text(value)
    if value in (None, "", []):
        return "（空）"
    if field.many_to_many:
        rows = field.related_model._default_manager.filter(pk__in=value)
        return "、".join(str(row) for row in rows) or "（空）"
    if field.is_relation:
        row = field.related_model._default_manager.filter(pk=value).first()
        return str(row) if row else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(field, models.TextField) and "<" in str(value):
        return content_safety.text_from_html(value)
    return str(value)
