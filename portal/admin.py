"""The back office: the admin site itself, the site-wide models, and the one table-driven
workflow (`Move`, `WorkflowAdmin`) every record with a workflow uses."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook
from simple_history.admin import SimpleHistoryAdmin

from . import content_safety, exports, personal_data, roles, staff_notices, word_lists, workdays
from .exceptions import InvalidTransition, error_messages
from .forms import CalendarYearForm, HolidayRowFormSet, WordListImportForm
from .masking import mask_phone
from .models import (
    AuditEntry,
    CitizenNotice,
    ContentFinding,
    Department,
    Leader,
    LoginLockout,
    Passkey,
    SensitiveTerm,
    SiteSettings,
    StaffNotice,
    TwoFactorDevice,
    User,
    WorkCalendarDay,
)
from .publishing import REVIEW_CHECKLIST, Reviewable, Revision
from .uploads import attachment_response


def finding_html(finding):
    """One content-safety finding for an admin message or form error, its hit marked."""
    before, hit, after = finding.context_parts
    advice = f"应为“{finding.suggestion}”" if finding.suggestion else finding.note or finding.term
    return format_html(
        "{} {}：…{}<mark>{}</mark>{}…（{}）",
        finding.severity_label,
        finding.place,
        before,
        hit,
        after,
        advice,
    )


class DepartmentScopedAdmin(admin.ModelAdmin):
    """Limit an admin to the user's own department unless their role spans departments.

    The model's QuerySet must provide `visible_to(user)` (see DepartmentScopedQuerySet). Change and
    delete views fetch through get_queryset(), so another department's row answers 404 there too.
    """

    department_field = "department"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field and not request.user.spans_departments:
            kwargs["queryset"] = Department.objects.filter(pk=request.user.department_id)
            kwargs["initial"] = request.user.department_id
        elif (
            "queryset" not in kwargs and (rows := self.linkable_rows(db_field, request)) is not None
        ):
            kwargs["queryset"] = rows
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and (rows := self.linkable_rows(db_field, request)) is not None:
            kwargs["queryset"] = rows
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def linkable_rows(db_field, request):
        """Rows a relation may point at: for department-owned models, the user's own rows and
        what the public already sees, so nobody links another department's draft by its id."""
        rows = db_field.remote_field.model._default_manager.all()
        if not hasattr(rows, "visible_to"):
            return None
        visible = rows.visible_to(request.user)
        public = getattr(rows, "public", None) or getattr(rows, "published", None)
        return visible | public() if public else visible

    def _check_visible(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("没有这条记录，或您无权查看")

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the stored versions of a row the queryset does not
        # contain; another department's row must answer 404 here like on its change page.
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history reads the version straight from the history table.
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.spans_departments:
            setattr(obj, f"{self.department_field}_id", request.user.department_id)
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """Legal records and logs (events, letters, answers, the audit log): shown in the admin,
    never added, changed or deleted there. For a ModelAdmin and for an inline alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A record's rows listed under it, read-only; `related` names the foreign key shown."""

    extra = 0
    can_delete = False
    related = None

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows.select_related(self.related) if self.related else rows


class EventInline(ReadOnlyInline):
    """A workflow record's event rows under it: when, what, who, why."""

    fields = ["at", "kind", "actor", "note"]
    related = "actor"


class ReasonForm(forms.Form):
    """The reason a move asks for (退回, 撤回, 不予受理, 不予公开…): the one reason form."""

    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "请填写理由"},
    )


class IdentityCheckForm(forms.Form):
    """How the office checked that the person asking for a new 查询码 is the citizen."""

    identity_check = forms.CharField(
        label="核实身份的方式",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text="例如：当面核验身份证原件，与申请人姓名一致；回拨留存的手机号码核对了申请内容。"
        "请勿填写证件号码。",
        error_messages={"required": "请写明如何核实了本人身份"},
    )


def reissue_query_code_move(permission):
    """The move “重新发放查询码” of a case unlocked by 编号 + 查询码 (portal.querycodes): the new
    code is shown once to the clerk in the message after the move and sent to the citizen."""

    def run(obj, data, user):
        # Kept on the instance only for the success message; never stored.
        obj.issued_query_code = obj.reissue_query_code(by=user, **data)

    return Move(
        "重新发放查询码",
        run=run,
        form=IdentityCheckForm,
        permission=permission,
        help_text="仅在核实是本人（或其授权代理人）后发放。原查询码立即作废；新查询码只在本页"
        "之后显示一次，并通过短信或邮件发送到其留下的联系方式。",
        success=lambda obj: (
            f"{obj.tracking_number} 的新查询码：{obj.issued_query_code}（只显示这一次，"
            "请当面或电话告知本人；已同时发送到其联系方式）"
        ),
    )


class ChecklistForm(forms.Form):
    """The 保密审查 checklist a reviewer confirms before publication."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_CHECKLIST.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)


@dataclass(frozen=True)
class Move:
    """One move of a record's workflow in the admin: a button on the change page, its page.

    - label: the button, the page's title and the default success message (“已{label}”).
    - method: the model's transition the move calls as `method(by=user, **cleaned_data)`
      (the form's fields are named as its arguments); by default the move's own name.
    - run(obj, data, user): instead of `method`, where the call needs more than that.
    - form: the form the move asks for; None makes the button post at once (no page).
    - permission: a codename of the model's app ("review_{model}" names the model), or None.
    - state: the name the model's `can()` checks for the record's current state, or None.
    - when(obj, user): a further rule of who may move this record now (the author never
      approves their own draft, the assignee replies), or None.
    - initial(obj) / form_kwargs(obj): the form's initial values and extra arguments.
    - help_text: shown above the form. success(obj): the message after the move.
    - public_fields: form fields whose text goes public: their content-safety warnings are
      shown after the move (blocking findings stop it in the model).
    """

    label: str
    method: str | None = None
    run: Callable | None = None
    form: type[forms.Form] | None = None
    permission: str | None = None
    state: str | None = None
    when: Callable | None = None
    initial: Callable | None = None
    form_kwargs: Callable | None = None
    help_text: str = ""
    success: Callable | None = None
    public_fields: tuple = ()

    def apply(self, name, obj, data, user):
        """Make the move `name` on obj for user with the form's cleaned data."""
        if self.run is not None:
            return self.run(obj, data, user)
        return getattr(obj, self.method or name)(by=user, **data)


def show_findings(form, error):
    """Put a refused move's errors on the form: each blocking content-safety finding at the
    field holding that text, everything else above the form. The input stays for correction."""
    findings = getattr(error, "findings", None)
    if not findings:
        for message in error_messages(error):
            form.add_error(None, message)
        return
    for finding in findings:
        field = finding.field if finding.field in form.fields else None
        form.add_error(field, format_html("内容安全检查未通过：{}", finding_html(finding)))


class WorkflowAdmin(admin.ModelAdmin):
    """An admin whose record moves through a workflow declared as one table.

    `workflow` maps a move's name to its `Move`; each move is served at `<pk>/do/<name>/` (URL
    name `<app>_<model>_workflow`, arguments pk and name) by `workflow_view`, offered as a button
    on the change page when
    `may_move()` allows it, and run on a selection by `run_in_bulk()`. The page above the form
    shows `workflow_summary_template` with the records it concerns (`objects`).
    """

    workflow: dict[str, Move] = {}
    workflow_summary_template = None
    change_form_template = "admin/portal/workflow_change_form.html"
    # The moves' buttons submit the change form: its edits are saved first, then the move is
    # made (an invalid form shows its errors and makes no move). Otherwise each button posts
    # on its own and unsaved edits on the page are not part of the move.
    save_before_move = False

    def workflow_label(self, obj):
        """Return how the record is named in titles, breadcrumbs and messages."""
        return str(obj)

    # Who may make which move --------------------------------------------------------------
    def has_move_permission(self, request, move):
        if move.permission is None:
            return True
        codename = move.permission.format(model=self.opts.model_name)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def may_move(self, request, obj, name):
        """Return whether this user may make the move `name` on obj in its current state."""
        move = self.workflow[name]
        return (
            self.has_move_permission(request, move)
            and (move.state is None or obj.can(move.state))
            and (move.when is None or move.when(obj, request.user))
        )

    def workflow_actions(self, request, obj):
        """Return (url, label, has a page, name) of the moves this user may make on obj now."""
        return [
            (self.workflow_url(name, obj), move.label, move.form is not None, name)
            for name, move in self.workflow.items()
            if self.may_move(request, obj, name)
        ]

    def workflow_url(self, name, obj):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow", args=[obj.pk, name]
        )

    def change_page(self, obj):
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)

    # Pages --------------------------------------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view(self.workflow_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_workflow"
        return [path("<int:pk>/do/<str:name>/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = self.workflow_actions(request, obj)
            extra_context["save_before_move"] = self.save_before_move
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Rendered after a POST only when the form was refused: say that no move was made.
        name = request.POST.get("_workflow") if request.method == "POST" else None
        if name in self.workflow:
            context["workflow_refused"] = self.workflow[name].label
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """After the change form was saved by a move's button: make the move (or open its
        page), instead of going back to the list."""
        name = request.POST.get("_workflow")
        if not self.save_before_move or name not in self.workflow:
            return super().response_change(request, obj)
        super().response_change(request, obj)  # its message says what was saved
        obj.refresh_from_db()
        if not self.may_move(request, obj, name):
            self.message_user(
                request,
                f"已保存，但当前状态下不能执行“{self.workflow[name].label}”",
                messages.ERROR,
            )
            return self.change_page(obj)
        if self.workflow[name].form is None:
            self._move(request, obj, name, {})
            return self.change_page(obj)
        return redirect(self.workflow_url(name, obj))

    def workflow_view(self, request, pk, name):
        """Serve one move: its form page (GET), the move itself (POST), back to the record."""
        if name not in self.workflow:
            raise Http404("没有这个操作")
        move = self.workflow[name]
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_move_permission(request, move):
            raise PermissionDenied
        if not self.may_move(request, obj, name):
            self.message_user(
                request, f"当前状态下不能执行“{move.label}”，或您无权对这条记录执行", messages.ERROR
            )
            return self.change_page(obj)
        if move.form is None:
            if request.method == "POST":
                self._move(request, obj, name, {})
            return self.change_page(obj)
        form = move.form(
            request.POST if request.method == "POST" else None,
            initial=move.initial(obj) if move.initial else None,
            **(move.form_kwargs(obj) if move.form_kwargs else {}),
        )
        if request.method == "POST" and form.is_valid():
            try:
                move.apply(name, obj, form.cleaned_data, request.user)
            except (InvalidTransition, ValidationError) as exc:
                show_findings(form, exc)
                obj.refresh_from_db()
            else:
                self._after_move(request, obj, move, form.cleaned_data)
                return self.change_page(obj)
        return self.workflow_page(request, [obj], form, move)

    def workflow_page(self, request, objects, form, move, *, action=""):
        """Render the one workflow page: the records concerned, then the move's form.

        With `action`, the page is the second step of a bulk action on `objects`.
        """
        original = objects[0] if len(objects) == 1 and not action else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": original,
            "object_label": self.workflow_label(original) if original else "",
            "objects": objects,
            "summary_template": self.workflow_summary_template,
            "title": f"{move.label}：{self.workflow_label(original)}"
            if original
            else f"{move.label}（{len(objects)} 条）",
            "form": form,
            "button": move.label,
            "help_text": move.help_text,
            "action": action,
        }
        return TemplateResponse(request, "admin/portal/workflow_form.html", context)

    def _move(self, request, obj, name, data):
        move = self.workflow[name]
        try:
            move.apply(name, obj, data, request.user)
        except (InvalidTransition, ValidationError) as exc:
            for message in error_messages(exc):
                self.message_user(request, message, messages.ERROR)
            return False
        self._after_move(request, obj, move, data)
        return True

    def _after_move(self, request, obj, move, data):
        obj.refresh_from_db()  # the transition may have saved a copy it locked
        # Warnings (common misspellings) never block; the clerk sees them with the fix.
        for field in move.public_fields:
            for finding in content_safety.scan_text(data.get(field, ""), field=field):
                self.message_user(
                    request,
                    format_html("内容安全提示：{}", finding_html(finding)),
                    messages.WARNING,
                )
        success = (
            move.success(obj) if move.success else f"{self.workflow_label(obj)}：已{move.label}"
        )
        self.message_user(request, success, messages.SUCCESS)

    # Bulk actions -------------------------------------------------------------------------
    def run_in_bulk(self, request, queryset, name, success, *, data=None, warnings=None):
        """Make the move `name` on each selected record, for an admin action.

        The move's form is asked for once on a page of its own unless `data` is given; records
        whose state refuses the move (the model's transition says so) are reported by name and
        skipped. `success` holds “{}” for
        the count of records moved. `warnings(obj)` returns what the user should check about
        each record moved (what the move's own page would have shown before it); each is shown
        as a warning, from the record as moved, so it should cost no query.
        """
        move = self.workflow[name]
        if data is None and move.form is not None:
            form = move.form(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                return self.workflow_page(
                    request, list(queryset), form, move, action=request.POST.get("action", "")
                )
            data = form.cleaned_data
        done = 0
        for obj in queryset:
            try:
                move.apply(name, obj, data or {}, request.user)
            except (InvalidTransition, ValidationError) as exc:
                errors = "；".join(error_messages(exc))
                self.message_user(
                    request, f"{self.workflow_label(obj)}：{errors}", messages.WARNING
                )
            else:
                done += 1
                for warning in warnings(obj) if warnings else []:
                    self.message_user(request, warning, messages.WARNING)
        if done:
            self.message_user(request, success.format(done), messages.SUCCESS)
        return None


class PrivateAttachmentsAdmin(admin.ModelAdmin):
    """The admin of a case citizens attach files to (portal.uploads.PrivateAttachment).

    Name "citizen_attachments" in the fieldsets and the read-only fields: it lists the files
    with links. Each file is served by `private_attachment_view` only to staff who may see the
    case (the admin's get_queryset keeps its department scope); anyone else gets 404 or 403.
    `private_attachments` is the related name of the files.
    """

    private_attachments = "attachments"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_private_attachment"
        view = self.private_attachment_view
        return [path("<int:pk>/fujian/<int:attachment_pk>/", view, name=name), *super().get_urls()]

    def private_attachment_view(self, request, pk, attachment_pk):
        # Not admin_view: a visitor without a staff session learns nothing, not even a login page.
        if not self.admin_site.has_permission(request):
            raise Http404("没有这个附件")
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        attachment = get_object_or_404(getattr(obj, self.private_attachments), pk=attachment_pk)
        response = attachment_response(attachment)
        add_never_cache_headers(response)
        # An ID copy or a photo is personal data: each download is audited like a page view.
        personal_data.record_view(request, obj, what="下载附件，查看")
        return response

    @admin.display(description="群众上传的附件（不公开）")
    def citizen_attachments(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_private_attachment"
        files = getattr(obj, self.private_attachments).all()
        if not files:
            return "无"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>（{}，{} KB）',
            (
                (reverse(name, args=[obj.pk, f.pk]), str(f), f.type_label, max(f.size // 1024, 1))
                for f in files
            ),
        )


class RevisionListFilter(admin.SimpleListFilter):
    """Published records with an unpublished revision (needs with_open_revision_status())."""

    title = "修改稿"
    parameter_name = "revision"

    def lookups(self, request, model_admin):
        return [("pending", "修改稿待审核"), ("open", "有未发布的修改稿")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(open_revision_status="pending")
        if self.value() == "open":
            return queryset.filter(open_revision_status__isnull=False)
        return queryset


class ConfirmForm(forms.Form):
    """A move that asks for nothing but a second press (放弃修改稿)."""


class RevisionRowsFormSet(BaseInlineFormSet):
    """The rows of a published record's revision_children as its open revision holds them,
    new rows included (ReviewableAdmin): it never saves, its rows go into the revision."""

    def relation(self):
        return self.fk.remote_field.get_accessor_name()

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            # The record's rows as the form's record reads them: the open revision's, if any.
            self._queryset = list(getattr(self.instance, self.relation()).all())
        return self._queryset

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < self.initial_form_count() and form.instance.pk is None:
            form.fields[self.model._meta.pk.name].required = False  # a row the revision adds
        return form

    def revision_rows(self):
        """Return the rows as edited (valid forms): kept, changed and added, not deleted."""
        # The admin's change message reads what a save did: nothing, the rows wait for review.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        rows = []
        for i, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if i >= self.initial_form_count() and not form.has_changed():
                continue  # an empty extra row
            rows.append(form.instance)  # the form's values, set on it by validation
        return rows


def revision_rows_formset(formset):
    """Return the inline's formset class reading and keeping a published record's rows in
    its revision (RevisionRowsFormSet)."""
    return type(f"Revision{formset.__name__}", (RevisionRowsFormSet, formset), {})


class ReviewableAdmin(WorkflowAdmin):
    """The back office of a `portal.publishing.Reviewable` model (catalog items, service guides,
    征求意见).

    Buttons on the change page and one bulk action call the model's transitions; the user gets
    only the moves their permissions (`<app>.submit_<model>`, `<app>.review_<model>`) and the
    record's state allow. Officers edit drafts and returns; once submitted, only reviewers do.
    The buttons save the form first (`save_before_move`).

    A published record is never changed by its form: saving keeps the edit as the record's
    revision (`Reviewable.save_revision`), which the form shows until it is approved, returned
    or dropped; its moves are the `*_revision` ones. The inlines of the model's
    `revision_children` (a guide's materials and steps) edit the revision's copy of those rows
    (`RevisionRowsFormSet`); every other inline (attachments, a consultation's articles) is
    read-only while the record is published. 预览 shows a draft or a revision in the public
    page's template (`preview_template`, `preview_context()`).
    """

    change_form_template = "admin/portal/reviewable_change_form.html"
    object_history_template = "admin/portal/object_history.html"
    object_history_list_template = "admin/portal/object_history_list.html"  # simple-history's
    workflow_summary_template = "admin/portal/revision_summary.html"
    save_before_move = True
    preview_template = None
    actions = ["submit_selected"]
    workflow = {
        "submit": Move(
            "提交审核",
            permission="submit_{model}",
            state="submit",
            success=lambda obj: f"“{obj}”已提交审核",
        ),
        "approve": Move(
            "审核发布",
            run=lambda obj, data, by: obj.approve(by=by, checklist=data),
            form=ChecklistForm,
            permission="review_{model}",
            state="approve",
            when=lambda obj, user: obj.author_id != user.pk,  # nobody publishes their own draft
            help_text="保密审查：请逐项确认后发布。",
            success=lambda obj: f"“{obj}”已发布",
        ),
        "return": Move(
            "退回修改",
            method="return_to_author",
            form=ReasonForm,
            permission="review_{model}",
            state="return_to_author",
            help_text="请写明需要修改的地方。",
            success=lambda obj: f"“{obj}”已退回起草人",
        ),
        "withdraw": Move(
            "撤回",
            form=ReasonForm,
            permission="review_{model}",
            state="withdraw",
            help_text="撤回后前台不再显示，编号和首次发布日期保留。",
            success=lambda obj: f"“{obj}”已撤回，前台不再显示",
        ),
        "revise": Move(
            "重新编辑",
            permission="submit_{model}",
            state="revise",
            success=lambda obj: f"“{obj}”已转为草稿，可重新编辑后送审",
        ),
        # A published record's revision: the same gate as the first publication.
        # Only reviewers edit a published record (has_change_permission), so only they
        # have a revision to submit or drop.
        "submit_revision": Move(
            "提交修改审核",
            permission="review_{model}",
            state="submit_revision",
            success=lambda obj: f"“{obj}”的修改已提交审核；审核发布前前台仍显示原版本",
        ),
        "approve_revision": Move(
            "审核发布修改",
            run=lambda obj, data, by: obj.approve_revision(by=by, checklist=data),
            form=ChecklistForm,
            permission="review_{model}",
            state="approve_revision",
            # Nobody publishes their own correction, however urgent: a second reviewer does.
            when=lambda obj, user: (
                user.pk not in {obj.open_revision().author_id, obj.open_revision().edited_by_id}
            ),
            help_text="请核对下列修改，逐项确认保密审查后发布；发布后前台立即显示修改后的版本。",
            success=lambda obj: f"“{obj}”的修改已发布",
        ),
        "return_revision": Move(
            "退回修改稿",
            form=ReasonForm,
            permission="review_{model}",
            state="return_revision",
            help_text="请写明需要修改的地方。退回后前台仍显示原版本。",
            success=lambda obj: f"“{obj}”的修改稿已退回，前台仍显示原版本",
        ),
        "discard_revision": Move(
            "放弃修改稿",
            form=ConfirmForm,
            permission="review_{model}",
            state="discard_revision",
            help_text="放弃后修改稿作废，前台仍显示已发布的版本。",
            success=lambda obj: f"已放弃“{obj}”的修改稿",
        ),
    }

    # Display -----------------------------------------------------------------------------
    def get_queryset(self, request):
        return super().get_queryset(request).with_open_revision_status()

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), RevisionListFilter]

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        badge = format_html(
            '<span class="status status-{}">{}</span>', obj.status, obj.get_status_display()
        )
        revision = getattr(obj, "open_revision_status", None)
        if revision:
            label = dict(Revision.Status.choices)[revision]
            badge += format_html(' <span class="status status-revision">修改稿{}</span>', label)
        return badge

    @admin.display(description="保密审查")
    def checklist_display(self, obj):
        if not obj.review_checklist:
            return "—"
        return "；".join(
            f"{label}：{'是' if obj.review_checklist.get(key) else '否'}"
            for key, label in REVIEW_CHECKLIST.items()
        )

    # Permissions -------------------------------------------------------------------------
    def _perm(self, request, kind):
        return request.user.has_perm(f"{self.opts.app_label}.{kind}_{self.opts.model_name}")

    def can_review(self, request):
        return self._perm(request, "review")

    def has_submit_permission(self, request):
        return self._perm(request, "submit")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in {obj.Status.DRAFT, obj.Status.RETURNED}:
            return self.can_review(request) and super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A record that was public is a legal record: withdrawn, never deleted.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    # The change form: a published record's edit becomes its revision ------------------------
    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.is_published() and obj.open_revision() is not None:
            # The form shows and edits the revision; the stored row stays the public version.
            obj._revision_links = obj.apply_revision_data(obj.open_revision().data)
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        links = getattr(obj, "_revision_links", None)
        if not links:
            return form

        class RevisionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, ids in links.items():
                    if name in self.fields:
                        self.initial[name] = ids

        return RevisionForm

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or not obj.is_published():
            return inlines
        # The model each of revision_children holds → its related name (one relation a model).
        children = {obj._meta.get_field(name).related_model: name for name in obj.revision_children}
        for inline in inlines:
            relation = children.get(inline.model)
            if relation is not None:
                # Edits the revision's copy of the rows; the public ones stay as approved.
                inline.formset = revision_rows_formset(inline.formset)
                rows = obj.__dict__.get("_revision_rows", {}).get(relation, [])
                if any(row.pk is None for row in rows):
                    inline.show_change_link = False  # a row the revision adds has no page yet
                continue
            # Rows published with the record that no revision carries: kept as approved.
            inline.has_add_permission = lambda request, obj=None: False
            inline.has_change_permission = lambda request, obj=None: False
            inline.has_delete_permission = lambda request, obj=None: False
            inline.max_num = inline.extra = 0
        return inlines

    def save_model(self, request, obj, form, change):
        request._form_saved = True
        if change and obj.is_published():
            # Kept as the revision in save_related(), with the rows edited in the inlines.
            request._revision_links = {
                field.name: form.cleaned_data[field.name]
                for field in obj._meta.many_to_many
                if field.name in form.cleaned_data
            }
            return
        if change and not form.has_changed():
            request._form_saved = False
            return  # a move's button pressed on an unchanged form: no new version to record
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        if not (change and obj.is_published()):
            super().save_related(request, form, formsets, change)
            return
        children = {}
        for formset in formsets:
            if isinstance(formset, RevisionRowsFormSet):
                children[formset.relation()] = formset.revision_rows()
            else:
                self.save_formset(request, form, formset, change=change)  # read-only: no rows
        before = obj.open_revision()
        before = before and before.data
        revision = obj.save_revision(
            by=request.user, m2m=request.__dict__.pop("_revision_links", {}), children=children
        )
        request._revision_saved = revision
        request._form_saved = revision is not None and revision.data != before

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if (
            level == messages.SUCCESS
            and request.__dict__.pop("_form_saved", None) is False
            and ("_workflow" in request.POST or "_preview" in request.POST)
        ):
            request.__dict__.pop("_revision_saved", None)
            return  # a move's button on an unchanged form: nothing was saved, say nothing
        saved = request.__dict__.pop("_revision_saved", False)
        if saved is not False and level == messages.SUCCESS:
            message = (
                "修改已保存为修改稿，尚未发布：前台仍显示已发布的版本。"
                "请按“提交修改审核”，经另一位审核员审核发布后前台才会更新。"
                if saved
                else "内容与已发布的版本相同，没有保存修改稿。"
            )
        super().message_user(request, message, level, *args, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["missing_elements"] = obj.missing_elements()
            extra_context["revision"] = obj.open_revision() if obj.is_published() else None
            if self.may_preview(obj):
                extra_context["preview_url"] = self.preview_url(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            super().response_change(request, obj)  # its message says what was saved
            return redirect(self.preview_url(obj))
        return super().response_change(request, obj)

    # 预览: the draft or revision in the public page's template --------------------------------
    @staticmethod
    def may_preview(obj):
        return not obj.is_published() or obj.open_revision() is not None

    def preview_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk])

    def preview_context(self, request, obj):
        """Return the public template's context for obj (each admin names its object)."""
        return {self.opts.model_name: obj}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        return [path("<int:pk>/preview/", self.preview_view, name=name), *super().get_urls()]

    def preview_view(self, request, pk):
        """Show the record as the public page will: staff only, never cached or indexed."""
        # Not admin_view: a visitor without a staff session learns nothing, not even a login page.
        if not self.admin_site.has_permission(request):
            raise Http404("没有这个页面")
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        revision = obj.open_revision() if obj.is_published() else None
        if revision is not None:
            obj.apply_revision_data(revision.data)
        context = {
            **self.preview_context(request, obj),
            "preview": {
                "what": "修改稿" if revision else obj.get_status_display(),
                "edit_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
                ),
            },
        }
        response = TemplateResponse(request, self.preview_template, context).render()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    # History: each version the public has read ----------------------------------------------
    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context["published_versions"] = obj.published_versions()
        extra_context["base_history_template"] = (
            "simple_history/object_history.html"
            if isinstance(self, SimpleHistoryAdmin)
            else "admin/object_history.html"
        )
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A stored version is read here, never put back: that would bypass the review.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description="提交所选条目审核", permissions=["submit"])
    def submit_selected(self, request, queryset):
        return self.run_in_bulk(request, queryset, "submit", "已提交 {} 条审核")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "head", "phone", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "duties"]
    ordering = ["order", "id"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["name", "position"]
    ordering = ["order", "id"]


class StaffAccountRulesForm:
    """The rules of a staff account's roles (portal.roles): the 三员 separation, a department for
    departmental roles, an e-mail address for roles that receive workflow notices."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is None and "groups" not in self.fields and self.instance.pk:
            groups = self.instance.groups.all()  # one's own roles: shown, not editable
        if groups is None:
            return cleaned
        names = {group.name for group in groups}
        if "groups" in self.fields:
            for error in roles.separation_errors(names):
                self.add_error("groups", ValidationError(error, code="separated_roles"))
        department = cleaned.get("department", self.instance.department)
        email = cleaned.get("email", self.instance.email)
        for field, problems in roles.account_errors(
            names, department=department, email=email
        ).items():
            for message, code in problems:
                if field in self.fields and field not in self.errors:
                    self.add_error(field, ValidationError(message, code=code))
        return cleaned


class StaffChangeForm(StaffAccountRulesForm, UserChangeForm):
    pass


class StaffCreationForm(StaffAccountRulesForm, UserCreationForm):
    """A new staff account: its roles, department and contact, and a first password checked by
    the project's password validators (AUTH_PASSWORD_VALIDATORS). Staff sign in to the admin,
    so the account is a staff account from the start; there is no account without a password."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "department", "email", "phone", "groups"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].required = True
        self.fields["groups"].error_messages["required"] = "请至少选择一个角色"
        self.fields["password1"].error_messages["required"] = "请设置初始密码"
        self.fields["password2"].error_messages["required"] = "请再次输入初始密码"
        self.fields["password1"].label = "初始密码"
        self.fields["password2"].label = "确认初始密码"
        self.fields["password2"].help_text = "再次输入相同的密码。请当面或电话告知本人，"
        self.fields["password2"].help_text += "首次登录后本人可在“修改密码”中更换。"

    def save(self, commit=True):
        self.instance.is_staff = True  # may sign in to the admin
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "department", "role_list", "is_active", "last_login"]
    list_filter = ["department", "groups", "is_active", "is_staff"]
    list_select_related = ["department"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["department__order", "username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "department", "phone", "email")}),
        (
            "角色与权限",
            {"fields": ("is_active", "is_staff", "groups", "is_superuser", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "department",
                    "email",
                    "phone",
                    "groups",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":  # roles are groups: named as the office names them
            kwargs["widget"] = FilteredSelectMultiple("角色", is_stacked=False)
            kwargs["label"] = "角色"
            kwargs["help_text"] = (
                "角色决定能做的工作和能看到的范围（信息员、科室负责人只处理本科室的工作）。"
                "按住 Ctrl 键（Mac 上为 Command 键）可选择多个。"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions; the 安全管理员
        # manages staff through the roles (groups) alone, and not their own roles.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["groups", "is_active", "is_staff"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            from .audit import record

            names = "、".join(group.name for group in form.instance.groups.all()) or "无"
            record(
                AuditEntry.Kind.ACCOUNT_CREATED,
                user=form.instance,
                request=request,
                detail=f"由 {request.user.username} 创建，角色：{names}",
            )


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        ("单位", {"fields": ("bureau_name", "site_name", "org_code", "sponsor", "operator")}),
        ("联系方式", {"fields": ("address", "postcode", "phone", "fax", "email", "office_hours")}),
        (
            "网站标识和备案",
            {
                "description": "检查指标要求页脚具备的网站标识；缺少时 check --deploy 会提示",
                "fields": (
                    "domain",
                    "site_code",
                    "icp_number",
                    "police_number",
                    "government_badge",
                    "government_badge_url",
                ),
            },
        ),
        (
            "依申请公开救济途径",
            {
                "description": "申请超过答复期限未获答复时，申请查询页面向申请人列出的投诉、"
                "复议和诉讼机关",
                "fields": (
                    ("disclosure_authority", "disclosure_authority_contact"),
                    ("review_body", "review_body_contact"),
                    ("court", "court_contact"),
                ),
            },
        ),
    )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


def calendar_preview(year, arrangements):
    """Return what saving a year's holidays would do, day by day, for the confirmation page."""
    rows = workdays.year_rows(arrangements)
    existing = {
        row.date: row
        for row in WorkCalendarDay.objects.filter(date__year=year)
        | WorkCalendarDay.objects.filter(date__in=list(rows))
    }
    labels = dict(WorkCalendarDay.Kind.choices)
    days = []
    for day, (kind, note) in sorted(rows.items()):
        row = existing.get(day)
        if row is None:
            change = "新增"
        elif (row.kind, row.note) == (kind, note):
            change = "不变"
        else:
            change = f"修改（原为：{row.get_kind_display()} {row.note}）"
        days.append(
            {
                "date": day,
                "weekday": "星期" + workdays.WEEKDAYS[day.weekday()],
                "kind": labels[kind],
                "is_workday": kind == WorkCalendarDay.Kind.WORKDAY,
                "note": note,
                "change": change,
            }
        )
    removed = [row for day, row in sorted(existing.items()) if day not in rows and day.year == year]
    digest = hashlib.sha256(repr((year, sorted(rows.items()))).encode()).hexdigest()[:32]
    return {
        "year": year,
        "arrangements": arrangements,
        "days": days,
        "removed": removed,
        "holidays": sum(1 for d in days if not d["is_workday"]),
        "workdays": sum(1 for d in days if d["is_workday"]),
        "digest": digest,
    }


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """工作日历: weekday holidays and 调休 working weekends; other days follow the weekday."""

    list_display = ["date", "weekday", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["note"]
    ordering = ["-date"]
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj):
        return "星期" + "一二三四五六日"[obj.date.weekday()]

    # Any change to the calendar settles the stored 预估 deadlines, in the task worker after
    # the commit, so the save stays fast (portal.workdays.settle_provisional_deadlines).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.settle_after_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.settle_after_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        workdays.settle_after_commit()

    # 按年录入: a year's holidays in one submission (rows, or the State Council's notice parsed
    # into rows), shown day by day for confirmation, then stored in place of the year's rows.
    def get_urls(self):
        view = self.admin_site.admin_view(self.year_view)
        return [path("year/", view, name="portal_workcalendarday_year"), *super().get_urls()]

    def year_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        next_year = timezone.localdate().year + 1
        year_form = CalendarYearForm(data, initial={"year": next_year})
        rows = HolidayRowFormSet(data, prefix="rows") if data else None
        preview = None
        if data is not None and year_form.is_valid():
            year = year_form.cleaned_data["year"]
            if "parse" in data:
                rows = self._parse_notice(year_form, year) or rows
            if rows.is_valid() and not ("parse" in data and year_form.errors):
                arrangements = rows.arrangements()
                problems = workdays.arrangement_errors(arrangements, year)
                if problems:
                    rows._non_form_errors = rows.error_class(problems)
                else:
                    preview = calendar_preview(year, arrangements)
                    if "save" in data and data.get("digest") == preview["digest"]:
                        added, changed, removed = workdays.replace_year(year, arrangements)
                        self.message_user(
                            request,
                            f"{year} 年工作日历已保存：新增 {added} 天，修改 {changed} 天，"
                            f"删除 {removed} 天。预估的期限正按正式日历重新确定。",
                            messages.SUCCESS,
                        )
                        return redirect("admin:portal_workcalendarday_changelist")
                    if "save" in data:
                        self.message_user(
                            request,
                            "放假安排在预览后有改动，请核对下面的预览后再确认保存",
                            messages.WARNING,
                        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "工作日历按年录入",
            "year_form": year_form,
            "rows": rows or HolidayRowFormSet(prefix="rows"),
            "preview": preview,
            "media": self.media + (rows or HolidayRowFormSet(prefix="rows")).media,
        }
        return TemplateResponse(request, "admin/portal/workcalendarday/year_form.html", context)

    @staticmethod
    def _parse_notice(year_form, year):
        """Read the pasted notice into bound rows; its errors go on the notice field."""
        notice = year_form.cleaned_data["notice"]
        if not notice.strip():
            year_form.add_error(
                "notice", ValidationError("请先粘贴通知原文", code="notice_required")
            )
            return None
        arrangements, errors = workdays.parse_holiday_notice(notice, year)
        titled = workdays.notice_year(notice)
        if titled and titled != year:
            errors.insert(0, f"通知是 {titled} 年的放假安排，与所填年度 {year} 年不一致")
        for error in errors:
            year_form.add_error("notice", ValidationError(error, code="notice_unreadable"))
        if errors:
            return None
        data = {"rows-TOTAL_FORMS": len(arrangements) + 1, "rows-INITIAL_FORMS": 0}
        for index, arrangement in enumerate(arrangements):
            data[f"rows-{index}-name"] = arrangement.name
            data[f"rows-{index}-start"] = arrangement.start.isoformat()
            data[f"rows-{index}-end"] = arrangement.end.isoformat()
            data[f"rows-{index}-workdays"] = "、".join(d.isoformat() for d in arrangement.workdays)
        return HolidayRowFormSet(data, prefix="rows")

    def changelist_view(self, request, extra_context=None):
        missing = WorkCalendarDay.objects.missing_next_year()
        if missing:
            self.message_user(
                request,
                f"{missing} 年的工作日历尚未录入：该年的期限将按周末和法定节假日估算并标注为"
                "“预估”。请在国务院办公厅公布放假安排后用“按年录入”一次录入全年的放假日和调休上班日，"
                "录入后预估的期限自动按正式日历重新确定。",
                messages.WARNING,
            )
        years = WorkCalendarDay.objects.order_by().values_list("date__year", flat=True).distinct()
        extra_context = {**(extra_context or {}), "calendar_years": sorted(set(years))}
        return super().changelist_view(request, extra_context=extra_context)


# --------------------------------------------------------------------------------------------
# Content safety (错敏字) and the audit log
# --------------------------------------------------------------------------------------------
class ContentSafetyAdminMixin:
    """Add a read-only 内容安全检查 panel listing the scanner's findings, hit marked in place.

    Add it first in the bases of an admin whose model declares `public_text_fields` (see
    portal.content_safety), and name "content_safety_report" in readonly_fields (and in
    fieldsets, if the admin has them). Blocking findings also stop `submit`/`approve`. For a
    record of the review workflow the panel reads what the gate reads: its text, the rows
    published with it and their attachments (naming the file, sheet and cell or page), and
    offers the 审核员 a link to record why a personal-data hit may be published.
    """

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "content_safety_report"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets is None or obj is None:
            return fieldsets  # the default fieldset already lists every read-only field
        panel = ("内容安全检查", {"fields": ["content_safety_report"]})
        # With findings the panel comes first, where the author lands after a refused submit.
        if self.content_safety_findings(obj):
            return [panel, *fieldsets]
        return [*fieldsets, panel]

    @staticmethod
    def content_safety_findings(obj):
        """Return the findings the gate would see for obj, scanned once per request's object."""
        if not hasattr(obj, "_content_safety_findings"):
            obj._content_safety_findings = (
                content_safety.scan_publication(obj)
                if isinstance(obj, Reviewable)
                else content_safety.scan_object(obj)
            )
        return obj._content_safety_findings

    @admin.display(description="内容安全检查")
    def content_safety_report(self, obj):
        if obj is None or obj.pk is None:
            return "保存后显示检查结果"
        findings = self.content_safety_findings(obj)
        if not findings:
            return format_html('<p class="content-safety-ok">{}</p>', "未发现错敏字和违规内容")
        rows = format_html_join(
            "\n",
            '<li class="content-safety-{}"><strong>{}</strong> {}：{}<mark>{}</mark>{}{}{}</li>',
            (
                (
                    f.severity,
                    f.severity_label,
                    f.place,
                    f.context_parts[0],
                    f.context_parts[1],
                    f.context_parts[2],
                    f"　→ 应为“{f.suggestion}”" if f.suggestion else f"　（{f.note}）",
                    allowance_link(obj, f),
                )
                for f in findings
            ),
        )
        blocking = sum(f.is_blocking for f in findings)
        return format_html(
            "<p>阻断 {} 处，警告 {} 处。阻断项修改前不能提交审核或发布。</p>"
            '<ul class="content-safety">{}</ul>',
            blocking,
            len(findings) - blocking,
            rows,
        )


def allowance_link(obj, finding):
    """Link to record why a personal-data hit may be published (the 审核员's decision)."""
    if not finding.source:
        return ""
    content_type_id, object_id = finding.source
    query = urlencode(
        {
            "content_type": content_type_id,
            "object_id": object_id,
            "object_title": str(obj)[:200],
            "field": finding.field_label or finding.field,
            "location": finding.location,
            "term": finding.term,
            "matched": finding.matched[:200],
            "context": finding.context[:300],
        }
    )
    url = f"{reverse('admin:portal_contentfinding_add')}?{query}"
    return format_html('　<a href="{}">记录公开理由</a>', url)


WORD_LIST_IMPORT_KEY = "portal:word-list-import"


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "kind", "severity", "suggestion", "note", "is_active"]
    list_editable = ["severity", "is_active"]
    list_filter = ["category", "kind", "severity", "is_active"]
    search_fields = ["term", "suggestion", "note"]
    ordering = ["category", "term"]
    readonly_fields = ["updated_at"]
    change_list_template = "admin/portal/sensitiveterm/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/<str:kind>/", wrap(self.export_view), name="portal_sensitiveterm_export"),
            path("import/", wrap(self.import_view), name="portal_sensitiveterm_import"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def export_view(self, request, kind):
        """The word list as the changelist shows it (its filters and search), as XLSX or CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind not in {"xlsx", "csv"}:
            raise Http404("没有这种导出格式")
        terms = self.get_changelist_instance(request).get_queryset(request)
        rows = word_lists.export_rows(terms)
        filename = f"内容安全词库-{timezone.localdate():%Y%m%d}.{kind}"
        if kind == "csv":
            response, writer = exports.csv_response(filename)
            writer.writerows(rows)
            return response
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "内容安全词库"
        for row in rows:
            sheet.append(row)
        return exports.xlsx_response(workbook, filename)

    def import_view(self, request):
        """Upload CSV/XLSX → preview (新增 / 修改 / 不变 / 错误 per row) → confirm → saved."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts}
        context["title"] = "导入内容安全词库"
        if request.method == "POST" and "confirm" in request.POST:
            rows = request.session.pop(WORD_LIST_IMPORT_KEY, None)
            if not rows:
                self.message_user(request, "没有待导入的数据，请重新上传文件", messages.ERROR)
                return redirect("admin:portal_sensitiveterm_import")
            try:
                added, changed, unchanged = word_lists.import_rows(rows)
            except ValidationError as exc:
                context.update(form=WordListImportForm(), errors=exc.messages)
            else:
                self.message_user(
                    request,
                    f"词库导入完成：新增 {added} 条，修改 {changed} 条，不变 {unchanged} 条",
                    messages.SUCCESS,
                )
                return redirect("admin:portal_sensitiveterm_changelist")
        else:
            form = WordListImportForm(request.POST or None, request.FILES or None)
            context["form"] = form
            if request.method == "POST":
                request.session.pop(WORD_LIST_IMPORT_KEY, None)  # a new file replaces the last
            if request.method == "POST" and form.is_valid():
                rows, errors = word_lists.read_rows(form.cleaned_data["file"])
                row_errors = [f"第{r.line}行：{e}" for r in rows for e in r.errors]
                context.update(rows=rows, errors=errors or row_errors)
                context["counts"] = {
                    outcome: sum(r.outcome == outcome for r in rows)
                    for outcome in ["新增", "修改", "不变", "错误"]
                }
                if rows and not row_errors:
                    request.session[WORD_LIST_IMPORT_KEY] = [r.data for r in rows]
        return TemplateResponse(request, "admin/portal/sensitiveterm/import.html", context)


class PersonalDataAllowanceForm(forms.ModelForm):
    """The 审核员 records why a personal-data hit may be published; the hit comes from the
    link in the record's 内容安全检查 panel."""

    class Meta:
        model = ContentFinding
        fields = [
            "content_type",
            "object_id",
            "object_title",
            "field",
            "location",
            "term",
            "matched",
            "context",
            "reason",
        ]
        widgets = {
            "content_type": forms.HiddenInput,
            "object_id": forms.HiddenInput,
            "term": forms.HiddenInput,
            "context": forms.HiddenInput,
            "object_title": forms.TextInput(attrs={"readonly": True, "size": 60}),
            "field": forms.TextInput(attrs={"readonly": True}),
            "location": forms.TextInput(attrs={"readonly": True}),
            "matched": forms.TextInput(attrs={"readonly": True, "size": 40}),
        }

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("请写明确需公开的理由和依据", code="reason_required")
        return reason


class ScannedModelFilter(admin.SimpleListFilter):
    """内容类型 of a finding: only the portal's own models the scanner reads, by their Chinese
    names (Django's content-type filter lists every model, internal ones in English)."""

    title = "内容类型"
    parameter_name = "content_type__id__exact"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*content_safety.public_text_models())
        return sorted(
            (
                (str(content_type.pk), model._meta.verbose_name)
                for model, content_type in types.items()
            ),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(content_type_id=self.value())
        return queryset


@admin.register(ContentFinding)
class ContentFindingAdmin(admin.ModelAdmin):
    list_display = [
        "object_title",
        "content_type",
        "field",
        "marked_context",
        "severity",
        "suggestion",
        "found_at",
        "is_resolved",
    ]
    list_filter = ["is_resolved", "severity", "category", ScannedModelFilter]
    list_select_related = ["content_type", "resolved_by"]
    search_fields = ["object_title", "term", "matched", "context"]
    date_hierarchy = "found_at"
    ordering = ["is_resolved", "-found_at"]
    actions = ["resolve_selected"]
    readonly_fields = [
        "content_type",
        "object_id",
        "object_title",
        "field",
        "term",
        "category",
        "severity",
        "matched",
        "suggestion",
        "line",
        "column",
        "marked_context",
        "found_at",
        "is_resolved",
        "resolved_at",
        "resolved_by",
        "object_link",
    ]
    exclude = ["context", "position"]
    allowance_fields = [
        "content_type",
        "object_id",
        "object_title",
        "field",
        "location",
        "term",
        "matched",
        "context",
        "reason",
    ]

    def has_add_permission(self, request):
        # Adding a row records the 审核员's decision that a personal-data hit may be published
        # (a 公示 required by law, with consent); nothing else is ever added by hand.
        # A permission of the 审核员 and 政务公开办 roles (portal.roles): read from the user's
        # cached permissions, with no query of its own on every admin page.
        return request.user.has_perm("portal.add_contentfinding")

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        return self.allowance_fields if obj is None else super().get_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs.update(form=PersonalDataAllowanceForm, fields=self.allowance_fields, exclude=[])
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.category = SensitiveTerm.Category.PERSONAL_DATA
        obj.severity = SensitiveTerm.Severity.BLOCK
        obj.save()
        obj.resolve(by=request.user, reason=form.cleaned_data["reason"])

    @admin.display(description="上下文")
    def marked_context(self, obj):
        before, hit, after = obj.context.partition(obj.matched)
        if not hit:
            return obj.context
        return format_html("{}<mark>{}</mark>{}", before, hit, after)

    @admin.display(description="原文")
    def object_link(self, obj):
        target = obj.content_object
        if target is None:
            return "（已删除）"
        url = reverse(
            f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[target.pk]
        )
        return format_html('<a href="{}">{}</a>', url, obj.object_title or target)

    @admin.action(description="标记所选结果为已处理", permissions=["change"])
    def resolve_selected(self, request, queryset):
        count = 0
        for finding in queryset.unresolved():
            finding.resolve(by=request.user)
            count += 1
        self.message_user(request, f"已处理 {count} 条检查结果", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit log is written by the system and pruned by prune_audit_log."""

    list_display = ["at", "kind", "username", "user", "ip_address", "detail"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "detail", "ip_address"]
    date_hierarchy = "at"
    ordering = ["-at"]


@admin.register(CitizenNotice)
class CitizenNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the notices sent to citizens (portal.notify) and whether each went out."""

    list_display = ["created_at", "tracking_number", "kind", "channel", "masked_recipient"]
    list_display += ["status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["tracking_number"]
    date_hierarchy = "created_at"
    fields = ["tracking_number", "kind", "channel", "masked_recipient", "subject", "body"]
    fields += ["status", "attempts", "last_error", "created_at", "sent_at"]
    readonly_fields = fields

    @admin.display(description="接收人")
    def masked_recipient(self, obj):
        if obj.channel == CitizenNotice.Channel.SMS:
            return mask_phone(obj.recipient)
        name, _, domain = obj.recipient.partition("@")
        return f"{name[:2]}***@{domain}"


# django-otp's own admin for TOTP devices shows keys and English labels; the office needs only to
# see who enrolled and to remove a lost phone's device.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class SecondFactorAdminMixin:
    """Staff enrol their own second factors; the admin lists them and removes a lost one, each
    removal audited (who removed which, from whose account)."""

    @admin.display(description="工作人员", ordering="user__username")
    def owner(self, obj):
        return f"{obj.user}（{obj.user.username}）"

    @admin.display(description="所在科室")
    def department(self, obj):
        return obj.user.department or "—"

    def has_add_permission(self, request):
        return False  # staff enrol themselves (两步验证 in the top bar)

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._audit_removal(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_removal(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    def _audit_removal(self, request, devices):
        from .audit import record

        for device in devices:
            record(
                AuditEntry.Kind.OTP_RESET,
                user=device.user,
                request=request,
                detail=f"由 {request.user.username} 删除{self.removal_label(device)}",
            )


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(SecondFactorAdminMixin, admin.ModelAdmin):
    """Who has enrolled an authenticator app; deleting a device lets its owner enrol again."""

    # django-otp's field labels are English: every column here has its own Chinese label.
    list_display = ["owner", "department", "device_name", "confirmed_display", "last_used"]
    list_select_related = ["user__department"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["owner", "department", "device_name", "confirmed_display", "last_used"]
    readonly_fields = fields
    actions = ["delete_selected"]

    @admin.display(description="设备名称")
    def device_name(self, obj):
        return obj.name

    @admin.display(description="状态", ordering="confirmed")
    def confirmed_display(self, obj):
        return "已启用" if obj.confirmed else "启用中（未确认）"

    @admin.display(description="最近使用")
    def last_used(self, obj):
        return obj.last_used_at or "—"

    def removal_label(self, device):
        return "两步验证设备"


@admin.register(Passkey)
class PasskeyAdmin(SecondFactorAdminMixin, admin.ModelAdmin):
    """Who has registered passkeys; deleting a lost one. Seen and removed by the staff who see and
    remove authenticator apps (the 两步验证设备 permissions cover both kinds of second factor)."""

    list_display = ["owner", "department", "passkey_name", "created", "last_used"]
    list_select_related = ["user__department"]
    search_fields = ["user__username", "user__full_name", "name"]
    fields = ["owner", "department", "passkey_name", "created", "last_used"]
    readonly_fields = fields
    actions = ["delete_selected"]

    @admin.display(description="名称", ordering="name")
    def passkey_name(self, obj):
        return obj.name

    @admin.display(description="注册时间", ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description="最近使用")
    def last_used(self, obj):
        return obj.last_used_at or "—"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("portal.view_twofactordevice")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("portal.delete_twofactordevice")

    def removal_label(self, passkey):
        return f"通行密钥“{passkey.name}”"


class LockStateFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", "已锁定"), ("no", "未锁定（有失败记录）")]

    def queryset(self, request, queryset):
        limit = settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(pair_failures__gte=limit)
        if self.value() == "no":
            return queryset.filter(pair_failures__lt=limit)
        return queryset


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """登录锁定: accounts locked after repeated failed logins (per account and address), for the
    安全管理员 to lift early, one by one (the button in each row) or several at once (the
    action). Each lift is audited with who lifted whose lockout. Only failures that still count
    (inside AXES_COOLOFF_TIME) are listed; older ones no longer lock anything."""

    list_display = [
        "account",
        "staff_name",
        "address",
        "failures",
        "state",
        "locked_since",
        "unlock_time",
        "unlock_button",
    ]
    list_display_links = None
    list_filter = [LockStateFilter]
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["unlock_selected"]
    fields = ["account", "staff_name", "address", "failures", "state", "locked_since"]
    fields += ["unlock_time", "browser"]
    readonly_fields = fields

    def get_queryset(self, request):
        names = User.objects.filter(username=OuterRef("username")).values("full_name")[:1]
        return (
            super()
            .get_queryset(request)
            .recent()
            .with_pair_figures()
            .annotate(staff_full_name=Subquery(names))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_unlock_permission(self, request):
        return request.user.has_perm("portal.unlock_loginlockout")

    # django-axes' field labels are English: every column here has its own Chinese label.
    @admin.display(description="账号", ordering="username")
    def account(self, obj):
        return obj.username

    @admin.display(description="登录地址", ordering="ip_address")
    def address(self, obj):
        return obj.ip_address or "未知"

    @admin.display(description="浏览器")
    def browser(self, obj):
        return obj.user_agent

    @admin.display(description="姓名")
    def staff_name(self, obj):
        return obj.staff_full_name or "（无此账号）"

    @admin.display(description="失败次数", ordering="pair_failures")
    def failures(self, obj):
        return obj.pair_failures

    @admin.display(description="状态")
    def state(self, obj):
        limit = settings.AXES_FAILURE_LIMIT
        if obj.pair_failures >= limit:
            return format_html('<strong class="lockout-locked">{}</strong>', "已锁定")
        return f"未锁定（再错 {limit - obj.pair_failures} 次锁定）"

    @admin.display(description="锁定时间", ordering="locked_at")
    def locked_since(self, obj):
        return f"{timezone.localtime(obj.locked_at):%m-%d %H:%M}"

    @admin.display(description="自动解除时间")
    def unlock_time(self, obj):
        if obj.pair_failures < settings.AXES_FAILURE_LIMIT:
            return "—"
        return f"{timezone.localtime(obj.unlock_at()):%m-%d %H:%M}"

    @admin.display(description="操作")
    def unlock_button(self, obj):
        if obj.pair_failures < settings.AXES_FAILURE_LIMIT:
            return "—"
        # A button of the changelist's own form (which carries the CSRF token), posted to the
        # row's unlock view: no form nested in the table.
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="unlock" value="{}" '
            'aria-label="解除 {} 的登录锁定">解除锁定</button>',
            reverse("admin:portal_loginlockout_unlock", args=[obj.pk]),
            obj.pk,
            obj.username,
        )

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if not self.has_unlock_permission(request):
            columns = [name for name in columns if name != "unlock_button"]
        return columns

    def get_urls(self):
        view = self.admin_site.admin_view(self.unlock_view)
        return [
            path("<int:pk>/unlock/", view, name="portal_loginlockout_unlock"),
            *super().get_urls(),
        ]

    def unlock_view(self, request, pk):
        if not self.has_unlock_permission(request):
            raise PermissionDenied
        return require_POST(self._unlock_one)(request, pk)

    def _unlock_one(self, request, pk):
        lockout = self.get_queryset(request).filter(pk=pk).first()
        if lockout is None:
            self.message_user(request, "该锁定已解除或已自动失效", messages.INFO)
        else:
            lockout.unlock(by=request.user, request=request)
            self.message_user(
                request, f"已解除 {lockout}的登录锁定，可立即重新登录", messages.SUCCESS
            )
        return redirect("admin:portal_loginlockout_changelist")

    @admin.action(description="解除所选账号的登录锁定", permissions=["unlock"])
    def unlock_selected(self, request, queryset):
        done, seen = [], set()
        for lockout in queryset:
            pair = (lockout.username, lockout.ip_address)
            if pair in seen:
                continue  # one pair may have a record per browser: lifted once
            seen.add(pair)
            lockout.unlock(by=request.user, request=request)
            done.append(str(lockout))
        self.message_user(
            request, f"已解除 {len(done)} 个登录锁定：{'、'.join(done)}", messages.SUCCESS
        )


class UndeliveredReminderFilter(admin.SimpleListFilter):
    """提醒未送达: rows whose reminder or escalation mail did not go out (portal.staff_notices);
    the next run of the sweep tries again."""

    title = "提醒送达"
    parameter_name = "reminder_mail"

    def lookups(self, request, model_admin):
        return [("undelivered", "提醒未送达")]

    def queryset(self, request, queryset):
        if self.value() == "undelivered":
            return staff_notices.with_undelivered_reminders(queryset)
        return queryset


class StaffNoticeReadFilter(admin.SimpleListFilter):
    title = "阅读状态"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", "未读"), ("yes", "已读")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.unread()
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(StaffNotice)
class StaffNoticeAdmin(admin.ModelAdmin):
    """我的通知: each member of staff reads their own notices (portal.staff_notices); opening one
    marks it read and leads to the record. Nobody sees another's notices, nobody edits them."""

    list_display = ["notice_title", "created_at", "read_state", "mail_status"]
    list_filter = [StaffNoticeReadFilter, "mail_status"]
    search_fields = ["title"]
    ordering = ["-created_at", "-pk"]
    actions = ["mark_read"]
    fields = ["title", "body", "record_link", "created_at", "read_at"]
    fields += ["mail_status", "mail_error", "mailed_at", "sending_started_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def _is_staff(self, request):
        from .sites import is_auditor_only

        user = request.user
        # The 审计管理员 reads the audit log and nothing else (三员), and gets no notices.
        return user.is_active and user.is_staff and not is_auditor_only(user)

    def has_module_permission(self, request):
        return self._is_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request) and (obj is None or obj.recipient_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="通知", ordering="title")
    def notice_title(self, obj):
        url = reverse("admin:portal_staffnotice_open", args=[obj.pk])
        css = "notice-unread" if obj.read_at is None else "notice-read"
        return format_html('<a class="{}" href="{}">{}</a>', css, url, obj.title)

    @admin.display(description="状态", ordering="read_at")
    def read_state(self, obj):
        return "已读" if obj.read_at else "未读"

    @admin.display(description="办理")
    def record_link(self, obj):
        if not obj.url:
            return "—"
        return format_html('<a href="{}">打开办理页面</a>', obj.url)

    @admin.action(description="标为已读", permissions=["view"])
    def mark_read(self, request, queryset):
        done = queryset.unread().update(read_at=timezone.now())
        self.message_user(request, f"已将 {done} 条通知标为已读。", messages.SUCCESS)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        notice = self.get_object(request, unquote(object_id))
        if notice is not None and request.method == "GET":
            notice.mark_read()
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_notice),
                name="portal_staffnotice_open",
            ),
            path(
                "read-all/",
                self.admin_site.admin_view(self.read_all),
                name="portal_staffnotice_read_all",
            ),
            *super().get_urls(),
        ]

    def open_notice(self, request, pk):
        """Mark the notice read and go to the record it is about (or to the notice)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        notice = get_object_or_404(self.get_queryset(request), pk=pk)
        notice.mark_read()
        return redirect(notice.url or reverse("admin:portal_staffnotice_change", args=[pk]))

    def read_all(self, request):
        """Mark every notice of the user read (POST only)."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        done = self.get_queryset(request).unread().update(read_at=timezone.now())
        self.message_user(request, f"已将 {done} 条通知标为已读。", messages.SUCCESS)
        return redirect("admin:index")
