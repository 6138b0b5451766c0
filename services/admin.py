"""Back office of 办事服务: themes, guides with their review workflow, results and the hall plan."""

from dataclasses import replace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import DepartmentScopedAdmin, EventInline, ReviewableAdmin
from services.forms import ResultImportForm
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    ResultSample,
    ServiceGuide,
    ServiceGuideEvent,
    ServiceTheme,
    ServiceWindow,
    SpecialProcedure,
)
from services.models.guides import schedule_booklet_rebuild
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_published():
            # A correction to a public guide reaches the booklet too.
            schedule_booklet_rebuild()


class MaterialFormInline(admin.TabularInline):
    model = MaterialForm
    extra = 1
    fields = ["kind", "file", "original_name", "order", "size"]
    readonly_fields = ["size"]


@admin.register(GuideMaterial)
class GuideMaterialAdmin(DepartmentScopedAdmin):
    """A material's page: where its blank form and filled sample are uploaded."""

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
            kwargs["queryset"] = ServiceGuide.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Department comes from the guide; skip DepartmentScopedAdmin's stamping.
        admin.ModelAdmin.save_model(self, request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.guide.is_published():
            schedule_booklet_rebuild()


# 办件公示 -----------------------------------------------------------------------------------
class ApprovalResultForm(forms.ModelForm):
    class Meta:
        model = ApprovalResult
        fields = [
            "tracking_number",
            "guide",
            "applicant_kind",
            "applicant_name",
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
