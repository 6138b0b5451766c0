"""The oversight back office: freshness board, 任务分解表, targets, 通报, reports, dashboard."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.page import PageMargins

from portal.admin import (
    DepartmentScopedAdmin,
    Move,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    WorkflowAdmin,
)
from portal.exports import csv_response, xlsx_response
from portal.figures import month_start, next_month, parse_month, previous_month
from portal.richtext import sanitize_html

from . import services, tasks, website_report
from .models import (
    Bulletin,
    ColumnFreshness,
    Dashboard,
    FreshnessWarning,
    InspectionFinding,
    OfficerReport,
    ReportingTarget,
    SiteInspection,
    Task,
    TaskAttachment,
    WebsiteReport,
    WebsiteReportEvent,
)


class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """An admin entry that is a read-only report page rather than a list of rows."""

    template = None

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def report_context(self, request):
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.opts.verbose_name,
            **self.report_context(request),
        }
        return TemplateResponse(request, self.template, context)


@admin.register(ColumnFreshness)
class ColumnFreshnessAdmin(ReportAdmin):
    template = "admin/oversight/columnfreshness/board.html"

    def report_context(self, request):
        rows = services.column_freshness()
        return {"rows": rows, "summary": services.freshness_summary(rows)}


@admin.register(Dashboard)
class DashboardAdmin(ReportAdmin):
    template = "admin/oversight/dashboard/dashboard.html"

    def report_context(self, request):
        return services.dashboard_data()


@admin.register(OfficerReport)
class OfficerReportAdmin(ReportAdmin):
    template = "admin/oversight/officerreport/report.html"

    def report_context(self, request):
        month_on = parse_month(request.GET.get("month")) or month_start(timezone.localdate())
        return {
            "month_on": month_on,
            "previous_month": previous_month(month_on),
            "next_month": next_month(month_on),
            "officers": services.officer_figures(month_on),
            "departments": services.department_figures(month_on),
        }


@admin.register(FreshnessWarning)
class FreshnessWarningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["category", "kind", "due_on", "sent_at", "warned_count", "recipient_count"]
    list_filter = ["kind"]
    list_select_related = ["category"]
    date_hierarchy = "sent_at"
    ordering = ["-sent_at"]
    search_fields = ["category__name"]


class TaskAttachmentInline(admin.TabularInline):
    model = TaskAttachment
    extra = 1
    fields = ["file", "original_name", "order"]


class OverdueFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "逾期")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


TABLE_HEADERS = [
    "序号",
    "工作任务",
    "依据",
    "牵头科室",
    "配合科室",
    "责任人",
    "完成时限",
    "进展状态",
    "进展情况",
]


def task_row(number, task, today):
    return [
        number,
        task.title,
        task.basis,
        task.lead_department.name,
        "、".join(d.name for d in task.co_departments.all()),
        str(task.responsible) if task.responsible else "",
        f"{task.due_on:%Y-%m-%d}",
        task.status_label(today=today),
        task.progress,
    ]


@admin.register(Task)
class TaskAdmin(DepartmentScopedAdmin):
    department_field = "lead_department"
    list_display = [
        "order",
        "title",
        "lead_department",
        "responsible",
        "due_on",
        "status_display",
        "year",
    ]
    list_display_links = ["title"]
    list_filter = ["year", OverdueFilter, "status", "lead_department"]
    list_select_related = ["lead_department", "responsible"]
    search_fields = ["title", "basis", "progress"]
    ordering = ["year", "order", "due_on"]
    date_hierarchy = "due_on"
    filter_horizontal = ["co_departments"]
    autocomplete_fields = ["evidence_items"]
    inlines = [TaskAttachmentInline]
    fieldsets = (
        (None, {"fields": ("year", "order", "title", "basis")}),
        ("责任分工", {"fields": ("lead_department", "co_departments", "responsible", "due_on")}),
        ("进展", {"fields": ("status", "completed_on", "progress", "evidence_items")}),
    )

    @admin.display(description="进展状态", ordering="status")
    def status_display(self, obj):
        return obj.status_label()

    def get_readonly_fields(self, request, obj=None):
        # Departments report progress; what the task is and who leads it is the office's call.
        if obj is not None and not request.user.has_perm("oversight.add_task"):
            return ["year", "order", "title", "basis", "lead_department", "due_on"]
        return []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible":
            from django.contrib.auth import get_user_model

            users = get_user_model().objects.filter(is_active=True, is_staff=True)
            if not request.user.spans_departments:
                users = users.filter(department_id=request.user.department_id)
            kwargs["queryset"] = users
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export.xlsx", view(self.export_xlsx), name="oversight_task_xlsx"),
            path("export.csv", view(self.export_csv), name="oversight_task_csv"),
            path("print/", view(self.print_view), name="oversight_task_print"),
            path("publish/", view(self.publish_view), name="oversight_task_publish"),
            *super().get_urls(),
        ]

    def table(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        tasks = self.get_queryset(request).in_year(year).for_table()
        return year, tasks

    def export_xlsx(self, request):
        year, tasks = self.table(request)
        today = timezone.localdate()
        book = Workbook()
        sheet = book.active
        sheet.title = f"{year}年任务分解表"
        sheet.append([f"{year}年政务公开工作任务分解表"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TABLE_HEADERS))
        sheet["A1"].font = Font(size=16, bold=True)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append(TABLE_HEADERS)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for number, task in enumerate(tasks, start=1):
            sheet.append(task_row(number, task, today))
        for column, width in zip("ABCDEFGHI", [6, 36, 24, 14, 20, 10, 12, 10, 40], strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.print_title_rows = "2:2"
        return xlsx_response(book, f"tasks-{year}.xlsx")

    def export_csv(self, request):
        year, tasks = self.table(request)
        today = timezone.localdate()
        response, writer = csv_response(f"tasks-{year}.csv")
        writer.writerow(TABLE_HEADERS)
        for number, task in enumerate(tasks, start=1):
            writer.writerow(task_row(number, task, today))
        return response

    def print_view(self, request):
        year, tasks = self.table(request)
        today = timezone.localdate()
        return TemplateResponse(
            request,
            "admin/oversight/task/print.html",
            {
                "year": year,
                "headers": TABLE_HEADERS,
                "rows": [task_row(n, task, today) for n, task in enumerate(tasks, start=1)],
                "today": today,
            },
        )

    def publish_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            year = int(request.POST.get("year", ""))
            item = services.publish_task_table(year=year, by=request.user)
        except ValueError:
            self.message_user(request, "年度不正确", messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request, f"已将“{item.title}”提交审核（通知公告栏目），审核员审核后在网站发布"
            )
        return HttpResponseRedirect(reverse("admin:oversight_task_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "year": timezone.localdate().year}
        return super().changelist_view(request, extra_context)


@admin.register(ReportingTarget)
class ReportingTargetAdmin(admin.ModelAdmin):
    list_display = ["department", "month_on", "published_target"]
    list_editable = ["published_target"]
    list_filter = ["month_on", "department"]
    list_select_related = ["department"]
    date_hierarchy = "month_on"
    ordering = ["-month_on", "department__order"]


@admin.register(Bulletin)
class BulletinAdmin(WorkflowAdmin):
    list_display = ["title", "month_on", "status", "generated_at", "submitted_at", "item_status"]
    list_filter = ["status"]
    list_select_related = ["item", "created_by"]
    date_hierarchy = "month_on"
    ordering = ["-month_on"]
    search_fields = ["title", "body"]
    fields = ["month_on", "title", "body", "status", "generated_at", "item"]
    readonly_fields = ["status", "generated_at", "item"]
    change_form_template = "admin/oversight/bulletin/change_form.html"
    change_list_template = "admin/oversight/bulletin/change_list.html"
    workflow = {
        "publish": Move(
            "送审发布",
            permission="publish_bulletin",
            state="publish",
            success=lambda bulletin: (
                "通报已作为信息条目提交审核（通知公告栏目），"
                f"审核员审核后在网站发布：{bulletin.item.title}"
            ),
        ),
    }

    @admin.display(description="信息条目状态")
    def item_status(self, obj):
        return obj.item.get_status_display() if obj.item_id else "—"

    @admin.display(description="正文")
    def body_display(self, obj):
        return mark_safe(sanitize_html(obj.body))  # noqa: S308 -- nh3 allow-list only

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status != Bulletin.Status.DRAFT:
            # A sent bulletin is read, not edited: show its text laid out, not its HTML source.
            return [name if name != "body" else "body_display" for name in self.fields]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Bulletin.Status.DRAFT:
            return ["month_on", "title", "body_display", *self.readonly_fields]
        if obj is not None:
            return ["month_on", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.month_on = month_start(obj.month_on)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("generate/", view(self.generate_view), name="oversight_bulletin_generate"),
            path("<int:pk>/print/", view(self.print_view), name="oversight_bulletin_print"),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        month_on = parse_month(request.POST.get("month")) or previous_month(today)
        if month_on >= month_start(today):
            self.message_user(request, "只能生成已结束月份的通报", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:oversight_bulletin_changelist"))
        bulletin = services.generate_bulletin(month_on=month_on, by=request.user)
        if bulletin.status != Bulletin.Status.DRAFT:
            self.message_user(request, "该月通报已送审发布，不能重新生成", messages.WARNING)
        else:
            self.message_user(request, f"已生成“{bulletin.title}”，请核对修改后送审发布")
        return HttpResponseRedirect(reverse("admin:oversight_bulletin_change", args=[bulletin.pk]))

    def print_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        bulletin = get_object_or_404(self.get_queryset(request), pk=pk)
        return TemplateResponse(
            request, "admin/oversight/bulletin/print.html", {"bulletin": bulletin}
        )


# 网站自查 ------------------------------------------------------------------------------------
class InspectionFindingInline(ReadOnlyInline):
    model = InspectionFinding
    fields = ["severity", "indicator", "message", "points", "page_link", "fix_link"]
    verbose_name_plural = "自查问题（先改单项否决，再改扣分项）"

    def get_queryset(self, request):
        return super().get_queryset(request).most_urgent_first()

    @admin.display(description="所在页面")
    def page_link(self, obj):
        if not obj.page_url:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.page_url, obj.page_url
        )

    @admin.display(description="整改入口")
    def fix_link(self, obj):
        if not obj.fix_url:
            return "—"
        return format_html('<a href="{}">去整改</a>', obj.fix_url)


@admin.register(SiteInspection)
class SiteInspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """网站自查: the history of runs, each with its findings, most urgent first."""

    list_display = [
        "started_at",
        "result_display",
        "veto_count",
        "deducted_points",
        "warning_count",
        "page_count",
        "attachment_count",
        "broken_link_count",
        "external_display",
        "started_by",
    ]
    list_select_related = ["started_by"]
    date_hierarchy = "started_at"
    ordering = ["-started_at"]
    search_fields = ["findings__message"]
    fields = [
        "started_at",
        "finished_at",
        "started_by",
        "result_display",
        "veto_count",
        "deducted_points",
        "warning_count",
        "page_count",
        "attachment_count",
        "link_count",
        "broken_link_count",
        "external_display",
        "is_page_limit_reached",
    ]
    readonly_fields = fields
    inlines = [InspectionFindingInline]
    change_list_template = "admin/oversight/siteinspection/change_list.html"

    @admin.display(description="结果")
    def result_display(self, obj):
        return obj.result_label()

    @admin.display(description="外部链接")
    def external_display(self, obj):
        if not obj.external_link_count:
            return "无"
        if not obj.has_checked_external_links:
            return f"{obj.external_link_count}个，未检查（网络不可用）"
        return f"{obj.external_link_count}个，已检查"

    def get_urls(self):
        view = self.admin_site.admin_view(self.run_view)
        return [path("run/", view, name="oversight_siteinspection_run"), *super().get_urls()]

    def run_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("oversight.run_siteinspection"):
            raise PermissionDenied
        result = tasks.inspect_site.enqueue(user_id=request.user.pk)
        if result.is_finished:
            self.message_user(request, "网站自查已完成，请查看最新一次自查结果")
        else:
            self.message_user(request, "已开始网站自查，几分钟后刷新本页查看结果")
        return HttpResponseRedirect(reverse("admin:oversight_siteinspection_changelist"))

    def changelist_view(self, request, extra_context=None):
        latest = SiteInspection.objects.latest_first().first()
        extra_context = {
            **(extra_context or {}),
            "latest": latest,
            "urgent": list(latest.findings.exclude(severity="warning").most_urgent_first()[:10])
            if latest
            else [],
            "can_run": request.user.has_perm("oversight.run_siteinspection"),
        }
        return super().changelist_view(request, extra_context)


# 网站工作年度报表 ------------------------------------------------------------------------------
class WebsiteReportEventInline(ReadOnlyInline):
    model = WebsiteReportEvent
    fields = ["kind", "actor", "at", "note"]
    related = "actor"


@admin.register(WebsiteReport)
class WebsiteReportAdmin(WorkflowAdmin):
    list_display = ["__str__", "status", "generated_at", "submitted_at", "item_status"]
    list_filter = ["status"]
    list_select_related = ["item"]
    ordering = ["-year"]
    search_fields = ["year"]
    readonly_fields = ["year", "status", "generated_at", "item"]
    inlines = [WebsiteReportEventInline]
    change_form_template = "admin/oversight/websitereport/change_form.html"
    change_list_template = "admin/oversight/websitereport/change_list.html"
    workflow = {
        "regenerate": Move(
            "重新计算",
            permission="submit_websitereport",
            state="regenerate",
            success=lambda report: (
                "已按最新数据重新计算各项数据（移动新媒体、创新发展和手填数据不变）"
            ),
        ),
        "submit": Move(
            "送审发布",
            permission="submit_websitereport",
            state="submit",
            success=lambda report: (
                "年度报表已作为信息条目（附PDF）提交审核（公开年报›网站年度报表栏目），"
                f"审核员审核后在网站发布：{report.item.title}"
            ),
        ),
    }

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": ["year", "status", "generated_at", "item"]})]
        fieldsets += [(title, {"fields": names}) for title, names in website_report.SECTIONS]
        fieldsets.append(("移动新媒体和创新发展", {"fields": ["mobile_media", "innovation"]}))
        return fieldsets

    @admin.display(description="信息条目状态")
    def item_status(self, obj):
        return obj.item.get_status_display() if obj.item_id else "—"

    def has_add_permission(self, request):
        return False  # generated from the data: the 生成 button on the list

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != WebsiteReport.Status.DRAFT:
            return [f.name for f in WebsiteReport._meta.fields if f.name != "id"]
        return self.readonly_fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("generate/", view(self.generate_view), name="oversight_websitereport_generate"),
            path("<int:pk>/print/", view(self.print_view), name="oversight_websitereport_print"),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("oversight.submit_websitereport"):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.POST.get("year") or today.year - 1)
        except ValueError:
            year = today.year - 1
        if year >= today.year:
            self.message_user(request, "只能生成已结束年度的报表", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:oversight_websitereport_changelist"))
        report = website_report.generate_website_report(year=year, by=request.user)
        self.message_user(
            request, f"已生成“{report}”，请核对数据、填写移动新媒体和创新发展后送审发布"
        )
        return HttpResponseRedirect(
            reverse("admin:oversight_websitereport_change", args=[report.pk])
        )

    def print_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.GET.get("format") == "pdf":
            return website_report.pdf_response(report)
        return TemplateResponse(
            request, "oversight/website_report_print.html", website_report.context(report)
        )
