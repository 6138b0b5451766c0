"""The back office: the admin site itself, and the site-wide models."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import content_safety
from .exceptions import InvalidTransition, error_messages
from .models import (
    AuditEntry,
    ContentFinding,
    Department,
    Leader,
    SensitiveTerm,
    SiteSettings,
    TwoFactorDevice,
    User,
    WorkCalendarDay,
)
from .publishing import REVIEW_CHECKLIST


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


class WorkflowPagesMixin:
    """The moves of a record's workflow as admin pages of their own: each move in
    `workflow_moves` is served at `<pk>/<move>/` by the admin's `<move>_view` and named
    `<app>_<model>_<move>`."""

    workflow_moves = ()

    def workflow_url_name(self, move):
        return f"{self.opts.app_label}_{self.opts.model_name}_{move}"

    def get_urls(self):
        return [
            path(
                f"<int:pk>/{move}/",
                self.admin_site.admin_view(getattr(self, f"{move}_view")),
                name=self.workflow_url_name(move),
            )
            for move in self.workflow_moves
        ] + super().get_urls()


class WorkflowStepsMixin(WorkflowPagesMixin):
    """Workflow pages offered on the change page: the moves `workflow_actions()` allows this user
    on this record now, as (url, label) in the template's `workflow_actions`."""

    def workflow_actions(self, request, obj):
        """Return (move, label) of the moves this user may make on obj now."""
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = [
                (reverse(f"admin:{self.workflow_url_name(move)}", args=[obj.pk]), label)
                for move, label in self.workflow_actions(request, obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class ChecklistForm(forms.Form):
    """The 保密审查 checklist a reviewer confirms before publication."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_CHECKLIST.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)


class ReviewableAdmin(WorkflowPagesMixin, admin.ModelAdmin):
    """The back office of a `portal.publishing.Reviewable` model (catalog items, service guides).

    Buttons on the change page and one bulk action call the model's transitions; the user gets
    only the moves their permissions (`<app>.submit_<model>`, `<app>.review_<model>`) and the
    record's state allow. Officers edit drafts and returns; once submitted, only reviewers do.
    """

    change_form_template = "admin/portal/reviewable_change_form.html"
    actions = ["submit_selected"]
    withdraw_help = "撤回后前台不再显示，编号和首次发布日期保留。"
    MOVES = [
        # (name, label, needs a form page, permission)
        ("submit", "提交审核", False, "submit"),
        ("approve", "审核发布", True, "review"),
        ("return", "退回修改", True, "review"),
        ("withdraw", "撤回", True, "review"),
        ("revise", "重新编辑", False, "submit"),
    ]

    # Display -----------------------------------------------------------------------------
    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="status status-{}">{}</span>', obj.status, obj.get_status_display()
        )

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

    def can_submit(self, request):
        return self._perm(request, "submit")

    def has_submit_permission(self, request):
        return self.can_submit(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in {obj.Status.DRAFT, obj.Status.RETURNED}:
            return self.can_review(request) and super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A record that was public is a legal record: withdrawn, never deleted.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    # Workflow ----------------------------------------------------------------------------
    @property
    def workflow_moves(self):
        return [move for move, *_ in self.MOVES]

    def workflow_actions(self, request, obj):
        """Return (url, label, needs a form page) of the moves this user may make on obj now."""
        transition = {"return": "return_to_author"}
        actions = []
        for move, label, needs_form, permission in self.MOVES:
            if not self._perm(request, permission) or not obj.can(transition.get(move, move)):
                continue
            if move == "approve" and obj.author_id == request.user.pk:
                continue  # nobody publishes their own draft
            actions.append(
                (reverse(f"admin:{self.workflow_url_name(move)}", args=[obj.pk]), label, needs_form)
            )
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = self.workflow_actions(request, obj)
            extra_context["missing_elements"] = obj.missing_elements()
        return super().change_view(request, object_id, form_url, extra_context)

    def _object_for(self, request, pk, permission):
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self._perm(request, permission):
            raise PermissionDenied
        return obj

    def _run(self, request, obj, move, success):
        try:
            move()
        except (InvalidTransition, ValidationError) as exc:
            for message in error_messages(exc):
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)

    def _post_only(self, request, pk, permission, transition, success):
        obj = self._object_for(request, pk, permission)
        if request.method != "POST":
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", pk)
        return self._run(
            request, obj, lambda: getattr(obj, transition)(by=request.user), success.format(obj=obj)
        )

    def submit_view(self, request, pk):
        return self._post_only(request, pk, "submit", "submit", "“{obj}”已提交审核")

    def revise_view(self, request, pk):
        return self._post_only(
            request, pk, "submit", "revise", "“{obj}”已转为草稿，可重新编辑后送审"
        )

    def approve_view(self, request, pk):
        obj = self._object_for(request, pk, "review")
        form = ChecklistForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                obj,
                lambda: obj.approve(by=request.user, checklist=form.cleaned_data),
                f"“{obj}”已发布",
            )
        return self._form_page(request, obj, form, "审核发布", "保密审查：请逐项确认后发布。")

    def return_view(self, request, pk):
        obj = self._object_for(request, pk, "review")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            return self._run(
                request,
                obj,
                lambda: obj.return_to_author(by=request.user, reason=reason),
                f"“{obj}”已退回起草人",
            )
        return self._form_page(request, obj, form, "退回修改", "请写明需要修改的地方。")

    def withdraw_view(self, request, pk):
        obj = self._object_for(request, pk, "review")
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            return self._run(
                request,
                obj,
                lambda: obj.withdraw(by=request.user, reason=reason),
                f"“{obj}”已撤回，前台不再显示",
            )
        return self._form_page(request, obj, form, "撤回", self.withdraw_help)

    def _form_page(self, request, obj, form, title, help_text):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{title}：{obj}",
            "help_text": help_text,
            "form": form,
            "button": title,
        }
        return TemplateResponse(request, "admin/portal/workflow_form.html", context)

    @admin.action(description="提交所选条目审核", permissions=["submit"])
    def submit_selected(self, request, queryset):
        done = 0
        for obj in queryset:
            try:
                obj.submit(by=request.user)
                done += 1
            except (InvalidTransition, ValidationError) as exc:
                errors = "；".join(error_messages(exc))
                self.message_user(request, f"“{obj}”：{errors}", messages.WARNING)
        if done:
            self.message_user(request, f"已提交 {done} 条审核", messages.SUCCESS)


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions; the office
        # manages staff through the roles (groups) alone.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        ("单位", {"fields": ("bureau_name", "site_name", "org_code")}),
        ("联系方式", {"fields": ("address", "postcode", "phone", "fax", "email", "office_hours")}),
        ("网站备案", {"fields": ("site_code", "icp_number", "police_number")}),
    )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


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

    def changelist_view(self, request, extra_context=None):
        missing = WorkCalendarDay.objects.missing_next_year()
        if missing:
            self.message_user(
                request,
                f"{missing} 年的工作日历尚未录入：该年的答复期限将只按周末计算并标注为“预估”。"
                "请在国务院办公厅公布放假安排后逐日录入放假日和调休上班日。",
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

    Add it first in the bases of an admin whose model registered its public fields with
    `portal.content_safety.register()`, and name "content_safety_report" in readonly_fields (and
    in fieldsets, if the admin has them). Blocking findings also stop `submit`/`approve`.
    """

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "content_safety_report"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets is None or obj is None:
            return fieldsets  # the default fieldset already lists every read-only field
        panel = ("内容安全检查", {"fields": ["content_safety_report"]})
        # With findings the panel comes first, where the author lands after a refused submit.
        if content_safety.scan_object(obj):
            return [panel, *fieldsets]
        return [*fieldsets, panel]

    @admin.display(description="内容安全检查")
    def content_safety_report(self, obj):
        if obj is None or obj.pk is None:
            return "保存后显示检查结果"
        findings = content_safety.scan_object(obj)
        if not findings:
            return format_html('<p class="content-safety-ok">{}</p>', "未发现错敏字和违规内容")
        rows = format_html_join(
            "\n",
            '<li class="content-safety-{}"><strong>{}</strong> {}：{}<mark>{}</mark>{}{}</li>',
            (
                (
                    f.severity,
                    f.severity_label,
                    f.place,
                    f.context_parts[0],
                    f.context_parts[1],
                    f.context_parts[2],
                    f"　→ 应为“{f.suggestion}”" if f.suggestion else f"　（{f.note}）",
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


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(admin.ModelAdmin):
    list_display = ["term", "category", "severity", "suggestion", "note", "is_pattern", "is_active"]
    list_editable = ["severity", "is_active"]
    list_filter = ["category", "severity", "is_active", "is_pattern"]
    search_fields = ["term", "suggestion", "note"]
    ordering = ["category", "term"]
    readonly_fields = ["updated_at"]


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
    list_filter = ["is_resolved", "severity", "category", "content_type"]
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

    def has_add_permission(self, request):
        return False

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
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the system and pruned by prune_audit_log."""

    list_display = ["at", "kind", "username", "user", "ip_address", "detail"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "detail", "ip_address"]
    date_hierarchy = "at"
    ordering = ["-at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own admin for TOTP devices shows keys and English labels; the office needs only to
# see who enrolled and to remove a lost phone's device.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    """Who has enrolled an authenticator app; deleting a device lets its owner enrol again."""

    # django-otp's field labels are English: every column here has its own Chinese label.
    list_display = ["owner", "department", "device_name", "confirmed_display", "last_used"]
    list_select_related = ["user__department"]
    search_fields = ["user__username", "user__full_name"]
    fields = ["owner", "department", "device_name", "confirmed_display", "last_used"]
    readonly_fields = fields
    actions = ["delete_selected"]

    @admin.display(description="工作人员", ordering="user__username")
    def owner(self, obj):
        return f"{obj.user}（{obj.user.username}）"

    @admin.display(description="所在科室")
    def department(self, obj):
        return obj.user.department or "—"

    @admin.display(description="设备名称")
    def device_name(self, obj):
        return obj.name

    @admin.display(description="状态", ordering="confirmed")
    def confirmed_display(self, obj):
        return "已启用" if obj.confirmed else "启用中（未确认）"

    @admin.display(description="最近使用")
    def last_used(self, obj):
        return obj.last_used_at or "—"

    def has_add_permission(self, request):
        return False  # staff enrol themselves (两步验证 in the top bar)

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._audit_reset(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_reset(request, list(queryset.select_related("user")))
        super().delete_queryset(request, queryset)

    @staticmethod
    def _audit_reset(request, devices):
        from .audit import record

        for device in devices:
            record(
                AuditEntry.Kind.OTP_RESET,
                user=device.user,
                request=request,
                detail=f"由 {request.user.username} 删除两步验证设备",
            )
