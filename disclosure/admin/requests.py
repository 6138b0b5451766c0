"""依申请公开 back office: the office's queue, registration, workflow steps, letters, the report."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from portal.admin import (
    EventInline,
    Move,
    PrivateAttachmentsAdmin,
    ReadOnlyInline,
    UndeliveredReminderFilter,
    WorkflowAdmin,
    reissue_query_code_move,
)
from portal.masking import mask_name, mask_phone
from portal.models import Department, WorkCalendarDay
from portal.personal_data import PersonalDataAdmin, record_view

from .. import annual_report
from ..forms import (
    ConfirmReceiptForm,
    CorrectedForm,
    CorrectionForm,
    ExtensionForm,
    LapseForm,
    RegisterRequestForm,
    ReplyForm,
    StaffWithdrawForm,
    ThirdPartyOpinionForm,
    ThirdPartyOpinionRequestForm,
)
from ..models import (
    AnnualReport,
    AnnualReportEvent,
    InformationRequest,
    InformationRequestAttachment,
    InformationRequestEvent,
    Item,
    LetterTemplate,
    RequestAppeal,
    RequestLetter,
)
from ..services import render_letter_pdf, submit_annual_report_item

# The office's moves on an application: each calls the InformationRequest transition of its name
# with the form's fields as arguments.
HANDLE = "handle_informationrequest"
WORKFLOW = {
    "confirm_receipt": Move(
        "确认收到", form=ConfirmReceiptForm, permission=HANDLE, state="confirm_receipt"
    ),
    "request_correction": Move(
        "告知补正", form=CorrectionForm, permission=HANDLE, state="request_correction"
    ),
    "record_correction": Move(
        "收到补正", form=CorrectedForm, permission=HANDLE, state="record_correction"
    ),
    "lapse_correction": Move(
        "逾期未补正（视为撤回）", form=LapseForm, permission=HANDLE, state="lapse_correction"
    ),
    "request_third_party_opinion": Move(
        "征求第三方意见",
        form=ThirdPartyOpinionRequestForm,
        permission=HANDLE,
        state="request_third_party_opinion",
    ),
    "record_third_party_opinion": Move(
        "记录第三方意见",
        form=ThirdPartyOpinionForm,
        permission=HANDLE,
        state="record_third_party_opinion",
    ),
    "extend": Move("批准延期", form=ExtensionForm, permission="approve_extension", state="extend"),
    "reply": Move("答复", form=ReplyForm, permission=HANDLE, state="reply"),
    "withdraw": Move("申请人撤回", form=StaffWithdrawForm, permission=HANDLE, state="withdraw"),
    # After checking who asks (the applicant lost the 查询码); in any state.
    "reissue_query_code": reissue_query_code_move(HANDLE),
}


class DeadlineFilter(admin.SimpleListFilter):
    title = "期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "已超期"),
            ("near", "5个工作日内到期"),
            ("unconfirmed", "待确认收到"),
            ("lapsed", "补正期限已过"),
            ("pending", "全部未办结"),
        ]

    def queryset(self, request, queryset):
        return {
            "overdue": queryset.overdue,
            "near": queryset.near_deadline,
            "unconfirmed": queryset.awaiting_confirmation,
            "lapsed": queryset.correction_lapsed,
            "pending": queryset.pending,
        }.get(self.value(), queryset.all)()


class EventInline(EventInline):
    model = InformationRequestEvent
    verbose_name_plural = "办理记录"


class LetterInline(ReadOnlyInline):
    model = RequestLetter
    fields = ["title", "issued_on", "issued_by", "links"]
    related = "issued_by"
    verbose_name_plural = "文书"

    @admin.display(description="打印 / 下载")
    def links(self, obj):
        view = reverse("admin:disclosure_informationrequest_letter", args=[obj.request_id, obj.pk])
        return format_html(
            '<a href="{}" target="_blank">打印</a> · <a href="{}?format=pdf">PDF</a>', view, view
        )


class AttachmentInline(admin.TabularInline):
    model = InformationRequestAttachment
    fields = ["file", "original_name", "order"]
    extra = 0
    verbose_name_plural = "答复附件（向申请人提供的政府信息）"


class AppealInline(admin.TabularInline):
    model = RequestAppeal
    fields = ["kind", "filed_on", "authority", "case_number", "outcome", "decided_on"]
    extra = 0


@admin.register(InformationRequest)
class InformationRequestAdmin(PersonalDataAdmin, PrivateAttachmentsAdmin, WorkflowAdmin):
    private_attachments = "supporting_documents"
    workflow = WORKFLOW
    workflow_summary_template = "admin/disclosure/informationrequest/workflow_summary.html"
    # The deadline and the state first (they are what the office works by); the rest may scroll.
    list_display = [
        "tracking_number",
        "masked_applicant",
        "deadline",
        "status",
        "received_on",
        "applicant_type",
        "channel",
        "reply_type",
    ]
    list_filter = [
        DeadlineFilter,
        UndeliveredReminderFilter,
        "status",
        "applicant_type",
        "channel",
        "reply_type",
        "department",
    ]
    list_select_related = ["registered_by", "department"]
    search_fields = ["tracking_number", "description"]
    hashed_search_fields = {"applicant_name_hash": "text", "phone_hash": "phone"}
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at"]
    inlines = [AttachmentInline, AppealInline, LetterInline, EventInline]
    readonly_fields = [
        "tracking_number",
        "status",
        *InformationRequest.APPLICANT_FIELDS,
        "channel",
        "submitted_at",
        "registered_by",
        "received_on",
        "clock_started_on",
        "due_on",
        "due_explanation",
        "is_due_provisional",
        "correction_requested_on",
        "correction_items",
        "correction_due_on",
        "corrected_on",
        "third_party",
        "third_party_asked_on",
        "third_party_due_on",
        "third_party_answered_on",
        "third_party_opinion",
        "extension_days",
        "extension_reason",
        "extension_approved_by",
        "extended_at",
        "reply_type",
        "legal_basis",
        "reply_text",
        "replied_at",
        "replied_by",
        "is_replied_late",
        "closed_on",
        "citizen_attachments",
    ]
    fieldsets = (
        (
            "申请",
            {"fields": ("tracking_number", "status", "channel", "submitted_at", "registered_by")},
        ),
        (
            "申请人",
            {
                "fields": (
                    "applicant_type",
                    "applicant_name",
                    ("id_type", "id_number"),
                    ("credit_code", "legal_representative", "contact_name"),
                    ("phone", "email"),
                    ("address", "postcode"),
                )
            },
        ),
        (
            "所需信息",
            {
                "fields": (
                    "description",
                    "purpose",
                    "citizen_attachments",
                    "delivery_form",
                    "department",
                )
            },
        ),
        (
            "答复期限",
            {
                "fields": (
                    ("received_on", "clock_started_on"),
                    ("due_on", "is_due_provisional"),
                    "due_explanation",
                )
            },
        ),
        (
            "补正",
            {
                "classes": ("collapse",),
                "fields": (
                    ("correction_requested_on", "correction_due_on", "corrected_on"),
                    "correction_items",
                ),
            },
        ),
        (
            "征求第三方意见",
            {
                "classes": ("collapse",),
                "fields": (
                    "third_party",
                    ("third_party_asked_on", "third_party_due_on", "third_party_answered_on"),
                    "third_party_opinion",
                ),
            },
        ),
        (
            "延期",
            {
                "classes": ("collapse",),
                "fields": (
                    ("extension_days", "extension_approved_by", "extended_at"),
                    "extension_reason",
                ),
            },
        ),
        (
            "答复",
            {
                "fields": (
                    ("reply_type", "closed_on"),
                    "legal_basis",
                    "reply_text",
                    ("replied_at", "replied_by", "is_replied_late"),
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff_queue().visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="申请人")
    def masked_applicant(self, obj):
        if obj.is_organisation():
            return obj.applicant_name
        return f"{mask_name(obj.applicant_name)}（{mask_phone(obj.phone)}）"

    @admin.display(description="答复期限", ordering="due_on")
    def deadline(self, obj):
        if obj.due_on is None:
            return "—"
        today = timezone.localdate()
        label = f"{obj.due_on:%Y-%m-%d}" + ("（预估）" if obj.is_due_provisional else "")
        if obj.is_overdue(today=today):
            return format_html('<span class="deadline deadline-overdue">{} 已超期</span>', label)
        if obj.is_near_deadline(today=today):
            return format_html('<span class="deadline deadline-soon">{} 将到期</span>', label)
        return label

    def has_delete_permission(self, request, obj=None):
        return False  # a legal record

    def workflow_label(self, obj):
        return obj.tracking_number

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        missing = WorkCalendarDay.objects.missing_next_year(today=today)
        if missing:
            self.message_user(
                request,
                f"{missing} 年的工作日历尚未录入，跨入该年的答复期限只能按周末预估。"
                "请在“门户与系统设置 › 工作日历”录入放假和调休安排。",
                messages.WARNING,
            )
        extra_context = {
            **(extra_context or {}),
            "overdue_count": InformationRequest.objects.overdue(today=today).count(),
            "near_count": InformationRequest.objects.near_deadline(today=today).count(),
            "unconfirmed_count": InformationRequest.objects.awaiting_confirmation().count(),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """Register an application received in person, by post or by fax."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegisterRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            submission = form.register(by=request.user)
            self.message_user(
                request,
                f"已登记申请 {submission.info_request.tracking_number}，"
                f"查询码：{submission.query_code}"
                "（只显示这一次，请抄写在受理回执上交给申请人）。",
                messages.SUCCESS,
            )
            return redirect(
                "admin:disclosure_informationrequest_change", submission.info_request.pk
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "登记当面、信函或传真申请",
        }
        return TemplateResponse(
            request, "admin/disclosure/informationrequest/register_form.html", context
        )

    def get_urls(self):
        letter = self.admin_site.admin_view(self.letter_view)
        return [
            path(
                "<int:pk>/letter/<int:letter_pk>/",
                letter,
                name="disclosure_informationrequest_letter",
            ),
            *super().get_urls(),
        ]

    def letter_view(self, request, pk, letter_pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        letter = get_object_or_404(obj.letters.all(), pk=letter_pk)
        record_view(request, obj, what="查看文书：")
        if request.GET.get("format") == "pdf":
            return pdf_response(letter)
        return TemplateResponse(
            request, "disclosure/letters/letter.html", {"letter": letter, "info_request": obj}
        )


def pdf_response(letter):
    filename = f"{letter.request.tracking_number}-{letter.get_kind_display()}.pdf"
    return HttpResponse(
        render_letter_pdf(letter),
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "title", "updated_at"]
    ordering = ["kind"]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The kind of an existing template is fixed: the workflow looks it up by kind.
        return [*self.readonly_fields, "kind"] if obj else self.readonly_fields


@admin.register(RequestAppeal)
class RequestAppealAdmin(admin.ModelAdmin):
    list_display = [
        "case_number",
        "kind",
        "request",
        "filed_on",
        "authority",
        "outcome",
        "decided_on",
    ]
    list_filter = ["kind", "outcome"]
    list_select_related = ["request"]
    search_fields = ["case_number", "authority", "request__tracking_number"]
    date_hierarchy = "filed_on"
    ordering = ["-filed_on"]
    raw_id_fields = ["request"]

    def get_queryset(self, request):
        # Appeals follow their request: bureau-wide roles only.
        requests = InformationRequest.objects.visible_to(request.user)
        return super().get_queryset(request).filter(request__in=requests)


def _item_may_be_submitted(report):
    """The report's catalog item is new, or back with the office (draft, returned, withdrawn)."""
    return report.item_id is None or report.item.status in {
        Item.Status.DRAFT,
        Item.Status.RETURNED,
        Item.Status.WITHDRAWN,
    }


class AnnualReportEventInline(EventInline):
    model = AnnualReportEvent
    verbose_name_plural = "发布记录"


@admin.register(AnnualReport)
class AnnualReportAdmin(WorkflowAdmin):
    list_display = ["year", "report_links", "status", "published_at", "item_status", "updated_at"]
    list_select_related = ["published_by", "item"]
    ordering = ["-year"]
    readonly_fields = ["published_at", "published_by", "updated_at", "item_link"]
    change_form_template = "admin/disclosure/annualreport/change_form.html"
    actions = ["publish_selected"]
    inlines = [AnnualReportEventInline]

    @admin.display(description="状态")
    def status(self, obj):
        return obj.get_status_display()

    workflow = {
        "publish": Move(
            "在网站上发布",
            method="publish",
            permission="publish_annualreport",
            when=lambda report, user: not report.is_published(),
            success=lambda report: f"已发布{report}。",
        ),
        "submit_item": Move(
            "送公开年报栏目审核",
            run=lambda report, data, by: submit_annual_report_item(report=report, by=by),
            permission="publish_annualreport",
            when=lambda report, user: _item_may_be_submitted(report),
            success=lambda report: (
                f"已将{report}作为信息条目提交审核（公开年报栏目，附PDF），"
                f"审核员审核后在网站发布：{report.item.title}"
            ),
        ),
    }

    @admin.action(description="在网站上发布所选年度报告", permissions=["publish"])
    def publish_selected(self, request, queryset):
        return self.run_in_bulk(request, queryset, "publish", "已发布 {} 份年度报告")

    def has_publish_permission(self, request):
        return request.user.has_perm("disclosure.publish_annualreport")

    fieldsets = (
        (None, {"fields": ("year",)}),
        ("一、总体情况", {"fields": ("overview",)}),
        (
            "二、主动公开政府信息情况（无法从目录统计的数字）",
            {"fields": ("permits_count", "penalties_count", "enforcement_count", "fees_amount")},
        ),
        ("五、六", {"fields": ("problems", "other_matters")}),
        ("发布", {"fields": ("published_at", "published_by", "updated_at", "item_link")}),
    )

    def view_on_site(self, obj):
        # An unpublished report has no public page yet: no link to a 404.
        return obj.get_absolute_url() if obj.is_published() else None

    @admin.display(description="公开年报栏目")
    def item_status(self, obj):
        return obj.item.get_status_display() if obj.item_id else "—"

    @admin.display(description="公开年报栏目信息条目")
    def item_link(self, obj):
        if not obj.item_id:
            return "尚未送“公开年报”栏目"
        return format_html(
            '<a href="{}">{}</a>（{}）',
            reverse("admin:disclosure_item_change", args=[obj.item_id]),
            obj.item.title,
            obj.item.get_status_display(),
        )

    @admin.display(description="报告")
    def report_links(self, obj):
        view = reverse("admin:disclosure_annualreport_preview", args=[obj.pk])
        return format_html('<a href="{}">查看</a> · <a href="{}?format=pdf">PDF</a>', view, view)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="disclosure_annualreport_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.GET.get("format") == "pdf":
            return HttpResponse(
                annual_report.render_pdf(report),
                content_type="application/pdf",
                headers={
                    "Content-Disposition": content_disposition_header(
                        True, f"annual-report-{report.year}.pdf"
                    )
                },
            )
        context = annual_report.context(report)
        return TemplateResponse(request, "disclosure/annual_report_print.html", context)
