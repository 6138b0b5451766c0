"""Back office of 办事服务: themes, guides with their review workflow, results and the hall plan."""

from dataclasses import replace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import (
    DepartmentScopedAdmin,
    EventInline,
    Move,
    ReadOnlyAdminMixin,
    ReasonForm,
    ReviewableAdmin,
    UndeliveredReminderFilter,
    WorkflowAdmin,
)
from portal.workdays import working_days_between
from services.forms import ResultImportForm
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    RectificationCase,
    RectificationEvent,
    ResultSample,
    ServiceGuide,
    ServiceGuideEvent,
    ServiceRating,
    ServiceTheme,
    ServiceWindow,
    SpecialProcedure,
)
from services.services import import_approval_results, read_result_rows

IMPORT_SESSION_KEY = "services:result-import"


@admin.register(ServiceTheme)
class ServiceThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description", "order", "is_visible"]
    list_editable = ["order", "is_visible"]
    search_fields = ["name", "slug"]
    ordering = ["order", "id"]


# Guides ------------------------------------------------------------------------------------
class LegalBasisInline(admin.StackedInline):
    model = LegalBasis
    extra = 0
    fields = [("law", "article", "order"), "text"]


class GuideMaterialInline(admin.TabularInline):
    model = GuideMaterial
    extra = 0
    fields = ["order", "name", "original", "copies", "medium", "is_required", "condition", "note"]
    show_change_link = True  # the material's page takes the blank form and the filled sample


class GuideStepInline(admin.TabularInline):
    model = GuideStep
    extra = 0
    fields = ["order", "name", "actor", "working_days", "description"]


class SpecialProcedureInline(admin.TabularInline):
    model = SpecialProcedure
    extra = 0
    fields = ["order", "kind", "name", "working_days", "description"]


class ResultSampleInline(admin.TabularInline):
    model = ResultSample
    extra = 0
    fields = ["file", "original_name", "order", "size"]
    readonly_fields = ["size"]


class GuideQuestionInline(admin.StackedInline):
    model = GuideQuestion
    extra = 0
    fields = [("question", "order"), "answer"]


class ServiceGuideEventInline(EventInline):
    model = ServiceGuideEvent
    verbose_name_plural = "流转记录"


@admin.register(ServiceGuide)
class ServiceGuideAdmin(ReviewableAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "theme",
        "department",
        "status_badge",
        "missing_display",
        "promised_time_limit",
        "updated_at",
    ]
    list_filter = ["status", "theme", "department", "kind", "is_free"]
    list_select_related = ["theme", "department"]
    search_fields = ["name", "code"]
    date_hierarchy = "updated_at"
    ordering = ["theme__order", "initial", "name"]
    inlines = [
        LegalBasisInline,
        GuideMaterialInline,
        GuideStepInline,
        SpecialProcedureInline,
        ResultSampleInline,
        GuideQuestionInline,
        ServiceGuideEventInline,
    ]
    readonly_fields = [
        "status",
        "missing_display",
        "inconsistencies_display",
        "published_at",
        "updated_at",
        "author",
        "reviewer",
        "reviewed_at",
        "status_reason",
        "checklist_display",
    ]
    fieldsets = (
        (
            "事项",
            {
                "fields": (
                    "name",
                    "code",
                    "kind",
                    "theme",
                    "initial",
                    "implementing_body",
                    "decision_body",
                    "department",
                    "approval_quantity",
                )
            },
        ),
        ("简版指南", {"fields": ("summary",)}),
        ("申请条件", {"fields": ("conditions", "rights_obligations")}),
        (
            "办理",
            {
                "fields": (
                    ("handles_online", "handles_window", "handles_post"),
                    "intake_channels",
                    "location",
                    "window",
                    "office_hours",
                    "online_url",
                    "visits",
                )
            },
        ),
        (
            "时限（工作日）",
            {"fields": ("legal_time_limit", "promised_time_limit", "no_special_procedures")},
        ),
        ("审批结果", {"fields": ("result_name", "result_delivery")}),
        ("收费", {"fields": ("is_free", "fee_standard", "fee_basis")}),
        ("咨询与监督", {"fields": ("inquiry_phone", "complaint_phone")}),
        (
            "发布状态",
            {
                "fields": (
                    "status",
                    "missing_display",
                    "inconsistencies_display",
                    "published_at",
                    "updated_at",
                    "author",
                    "reviewer",
                    "reviewed_at",
                    "checklist_display",
                    "status_reason",
                )
            },
        ),
    )
    change_form_template = "admin/services/serviceguide/change_form.html"
    workflow = {
        **ReviewableAdmin.workflow,
        "withdraw": replace(
            ReviewableAdmin.workflow["withdraw"],
            help_text="撤回后前台、自助终端和服务指南汇编不再显示该指南。",
        ),
    }

    preview_template = "services/guide_detail.html"

    def preview_context(self, request, obj):
        return {"guide": obj}

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else None

    def get_queryset(self, request):
        # The 缺少的要素 column reads annotated flags instead of three queries per row.
        return super().get_queryset(request).with_element_flags()

    @admin.display(description="缺少的要素")
    def missing_display(self, obj):
        missing = obj.missing_elements() if obj.pk else ["（保存后检查）"]
        return "、".join(missing) if missing else "要素齐全"

    @admin.display(description="前后不一致")
    def inconsistencies_display(self, obj):
        if not obj.pk:
            return "（保存后检查）"
        return "；".join(obj.inconsistencies()) or "无"


class MaterialFormInline(admin.TabularInline):
    """A material's blank form and filled sample. Files are read by the scanner only when the
    guide is submitted and approved, so while the guide is public they wait, as its result
    samples do, for its next withdrawal and review: never a file live without the scan."""

    model = MaterialForm
    extra = 1
    fields = ["kind", "file", "original_name", "order", "size"]
    readonly_fields = ["size"]

    def _guide_is_public(self, obj):
        return obj is not None and obj.guide.is_published()

    def has_add_permission(self, request, obj=None):
        return not self._guide_is_public(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._guide_is_public(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._guide_is_public(obj) and super().has_delete_permission(request, obj)


@admin.register(GuideMaterial)
class GuideMaterialAdmin(DepartmentScopedAdmin):
    """A material's page: where its blank form and filled sample are uploaded. While the guide
    is public the page is read-only: its rows change only through the guide's revision."""

    department_field = "guide__department"
    list_display = ["name", "guide", "original", "copies", "medium", "is_required"]
    list_filter = ["is_required", "medium", "guide__theme"]
    list_select_related = ["guide"]
    search_fields = ["name", "guide__name"]
    ordering = ["guide__name", "order"]
    fields = ["guide", "name", "original", "copies", "medium", "is_required", "condition", "note"]
    inlines = [MaterialFormInline]

    def get_model_perms(self, request):
        # Reached from the guide's materials table, not from the admin index.
        return {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "guide":
            kwargs["queryset"] = ServiceGuide.objects.visible_to(request.user).exclude(
                status=ServiceGuide.Status.PUBLISHED
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.guide.is_published():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.guide.is_published():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Department comes from the guide; skip DepartmentScopedAdmin's stamping.
        admin.ModelAdmin.save_model(self, request, obj, form, change)


# 办件公示 -----------------------------------------------------------------------------------
class ApprovalResultForm(forms.ModelForm):
    class Meta:
        model = ApprovalResult
        fields = [
            "tracking_number",
            "guide",
            "applicant_kind",
            "applicant_name",
            "phone_last4",
            "accepted_on",
            "status",
            "completed_on",
            "result",
        ]


@admin.register(ApprovalResult)
class ApprovalResultAdmin(DepartmentScopedAdmin, SimpleHistoryAdmin):
    department_field = "guide__department"
    form = ApprovalResultForm
    list_display = [
        "tracking_number",
        "guide",
        "applicant_name",
        "applicant_kind",
        "accepted_on",
        "promised_on",
        "status",
        "completed_on",
        "updated_at",
    ]
    list_filter = [
        "status",
        "applicant_kind",
        "guide__theme",
        # Only guides with results the user sees (another department's drafts stay hidden).
        ("guide", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["guide"]
    search_fields = ["tracking_number", "applicant_name", "guide__name"]
    date_hierarchy = "accepted_on"
    ordering = ["-accepted_on", "-pk"]
    readonly_fields = ["promised_on", "created_at", "updated_at"]
    change_list_template = "admin/services/approvalresult/change_list.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "guide":
            kwargs["queryset"] = ServiceGuide.objects.visible_to(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Published results are a public record; mistakes are corrected, not deleted.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="services_approvalresult_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload CSV/XLSX → preview with row errors → confirm → one transaction."""
        if not request.user.has_perm("services.import_approvalresult"):
            raise PermissionDenied
        guides = ServiceGuide.objects.visible_to(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "导入办件结果",
        }
        if request.method == "POST" and "confirm" in request.POST:
            rows = request.session.pop(IMPORT_SESSION_KEY, None)
            if not rows:
                self.message_user(request, "没有待导入的数据，请重新上传文件", messages.ERROR)
                return redirect("admin:services_approvalresult_import")
            try:
                created, updated = import_approval_results(rows=rows, guides=guides)
            except ValidationError as exc:
                context.update(form=ResultImportForm(), errors=exc.messages)
                return TemplateResponse(
                    request, "admin/services/approvalresult/import.html", context
                )
            self.message_user(
                request, f"导入完成：新增 {created} 条，更新 {updated} 条", messages.SUCCESS
            )
            return redirect("admin:services_approvalresult_changelist")
        form = ResultImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            rows, errors = read_result_rows(form.cleaned_data["file"], guides=guides)
            context.update(rows=rows, errors=errors)
            if not errors:
                request.session[IMPORT_SESSION_KEY] = [row.as_session() for row in rows]
        context["form"] = form
        return TemplateResponse(request, "admin/services/approvalresult/import.html", context)


# 窗口布局 -----------------------------------------------------------------------------------
@admin.register(ServiceWindow)
class ServiceWindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "row", "column", "width", "is_active"]
    list_editable = ["row", "column", "width", "is_active"]
    list_filter = ["is_active", "themes"]
    search_fields = ["name", "handles"]
    ordering = ["row", "column", "number"]
    filter_horizontal = ["themes"]
    change_list_template = "admin/services/servicewindow/change_list.html"

    def changelist_view(self, request, extra_context=None):
        from services.models.hall import HALL_COLUMNS

        extra_context = {
            **(extra_context or {}),
            "windows": ServiceWindow.objects.active(),
            "hall_columns": HALL_COLUMNS,
        }
        return super().changelist_view(request, extra_context=extra_context)


# 好差评 and 差评整改 -----------------------------------------------------------------------------
@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdminMixin, DepartmentScopedAdmin):
    """Citizens' ratings: read only (a rating is the citizen's, never edited by staff)."""

    list_display = ["rated_at", "channel", "subject_label", "department", "level", "is_excluded"]
    list_filter = ["channel", "level", "is_excluded", "department"]
    list_select_related = ["result", "guide", "window", "department"]
    search_fields = ["result__tracking_number", "guide__name", "comment"]
    date_hierarchy = "rated_at"
    readonly_fields = [
        "channel",
        "result",
        "guide",
        "window",
        "department",
        "level",
        "efficiency",
        "attitude",
        "guide_accuracy",
        "convenience",
        "comment",
        "rated_at",
        "is_excluded",
    ]

    @admin.display(description="评价对象")
    def subject_label(self, obj):
        return obj.subject_label()


class VisitForm(forms.Form):
    contact_method = forms.ChoiceField(
        label="回访方式",
        choices=RectificationCase.ContactMethod.choices,
        error_messages={"required": "请选择回访方式"},
    )
    visit_outcome = forms.CharField(
        label="回访情况",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "请填写回访情况"},
    )


class RectifyForm(forms.Form):
    rectification = forms.CharField(
        label="整改答复",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text="申请人凭受理编号和电话后四位查询评价时可见，请勿写入他人个人信息",
        error_messages={"required": "请填写整改答复"},
    )


class AppealReviewForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="复核结论",
        choices=[("1", "申诉成立：误评或恶意评价，不计入统计"), ("0", "申诉不成立：继续整改")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择复核结论"},
    )
    note = forms.CharField(
        label="复核意见",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "请填写复核意见"},
    )


class RectificationEventInline(EventInline):
    model = RectificationEvent
    verbose_name_plural = "整改记录"


@admin.register(RectificationCase)
class RectificationCaseAdmin(WorkflowAdmin, DepartmentScopedAdmin):
    """差评整改: 回访, 整改 or 申诉, and the 政务公开办's 申诉复核; every step is an event."""

    list_display = [
        "__str__",
        "department",
        "rating_level",
        "status",
        "opened_on",
        "due_on",
        "deadline_display",
    ]
    list_filter = ["status", UndeliveredReminderFilter, "department", "rectified_late"]
    list_select_related = ["rating", "department"]
    ordering = ["due_on", "pk"]
    inlines = [RectificationEventInline]
    readonly_fields = [
        "rating_display",
        "department",
        "status",
        "opened_on",
        "due_on",
        "is_due_provisional",
        "contacted_at",
        "contact_method",
        "visit_outcome",
        "rectification",
        "rectified_at",
        "rectified_late",
        "appeal_reason",
        "review_note",
        "reviewed_by",
        "reminded_at",
        "escalated_at",
    ]
    fields = readonly_fields
    workflow = {
        "record_visit": Move(
            "记录回访",
            form=VisitForm,
            permission="change_rectificationcase",
            state="record_visit",
            help_text="写明何时、以何种方式联系了评价人，评价人反映的情况。",
        ),
        "rectify": Move(
            "整改完成",
            form=RectifyForm,
            permission="change_rectificationcase",
            state="rectify",
            help_text="整改答复将向评价人公开（凭受理编号和电话后四位查询）。",
        ),
        "appeal": Move(
            "申诉复核",
            form=ReasonForm,
            permission="change_rectificationcase",
            state="appeal",
            help_text="认为属于误评或恶意评价的，写明理由，由政务公开办复核；复核期间整改时限照常计算。",
        ),
        "review_appeal": Move(
            "复核申诉",
            form=AppealReviewForm,
            permission="review_rectificationcase",
            state="review_appeal",
        ),
    }

    def has_add_permission(self, request):
        return False  # a case is opened by a 差评, never by hand

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="评价")
    def rating_level(self, obj):
        return obj.rating.get_level_display()

    @admin.display(description="差评内容")
    def rating_display(self, obj):
        rating = obj.rating
        comment = rating.comment or "（未填写评价内容）"
        return (
            f"{rating.get_channel_display()} · {rating.subject_label()} · "
            f"{rating.get_level_display()}：{comment}"
        )

    @admin.display(description="剩余")
    def deadline_display(self, obj):
        if obj.status not in RectificationCase.OPEN:
            return "—"
        if obj.is_overdue():
            return "已超期"
        return f"{working_days_between(timezone.localdate(), obj.due_on)}个工作日"
