"""依申请公开 back office: the office's queue, registration, workflow steps, letters, the report."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portal.exceptions import InvalidTransition, error_messages
from portal.masking import mask_name, mask_phone
from portal.models import Department, WorkCalendarDay

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
    InformationRequest,
    InformationRequestAttachment,
    InformationRequestEvent,
    LetterTemplate,
    RequestAppeal,
    RequestLetter,
)
from ..services import render_letter_pdf, submit_annual_report_item

# action -> (button label, form, call, permission)
WORKFLOW = {
    "confirm_receipt": (
        "确认收到",
        ConfirmReceiptForm,
        lambda r, d, by: r.confirm_receipt(by=by),
        "handle",
    ),
    "request_correction": (
        "告知补正",
        CorrectionForm,
        lambda r, d, by: r.request_correction(
            by=by, items=d["items"], period_days=d["period_days"]
        ),
        "handle",
    ),
    "record_correction": (
        "收到补正",
        CorrectedForm,
        lambda r, d, by: r.record_correction(by=by, corrected_on=d["corrected_on"], note=d["note"]),
        "handle",
    ),
    "lapse_correction": (
        "逾期未补正（视为撤回）",
        LapseForm,
        lambda r, d, by: r.lapse_correction(by=by),
        "handle",
    ),
    "request_third_party_opinion": (
        "征求第三方意见",
        ThirdPartyOpinionRequestForm,
        lambda r, d, by: r.request_third_party_opinion(by=by, third_party=d["third_party"]),
        "handle",
    ),
    "record_third_party_opinion": (
        "记录第三方意见",
        ThirdPartyOpinionForm,
        lambda r, d, by: r.record_third_party_opinion(by=by, opinion=d["opinion"]),
        "handle",
    ),
    "extend": (
        "批准延期",
        ExtensionForm,
        lambda r, d, by: r.extend(by=by, days=d["days"], reason=d["reason"]),
        "approve_extension",
    ),
    "reply": (
        "答复",
        ReplyForm,
        lambda r, d, by: r.reply(
            by=by, reply_type=d["reply_type"], legal_basis=d["legal_basis"], text=d["text"]
        ),
        "handle",
    ),
    "withdraw": (
        "申请人撤回",
        StaffWithdrawForm,
        lambda r, d, by: r.withdraw(by=by, reason=d["reason"]),
        "handle",
    ),
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


class EventInline(admin.TabularInline):
    model = InformationRequestEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "办理记录"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LetterInline(admin.TabularInline):
    model = RequestLetter
    fields = ["title", "issued_on", "issued_by", "links"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "文书"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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
class InformationRequestAdmin(admin.ModelAdmin):
    change_form_template = "admin/disclosure/informationrequest/change_form.html"
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
        "status",
        "applicant_type",
        "channel",
        "reply_type",
        "department",
    ]
    list_select_related = ["registered_by", "department"]
    search_fields = ["tracking_number", "=applicant_name", "=phone", "description"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at"]
    inlines = [AttachmentInline, AppealInline, LetterInline, EventInline]
    readonly_fields = [
        "tracking_number",
        "status",
        "applicant_type",
        "applicant_name",
        "id_type",
        "id_number",
        "credit_code",
        "legal_representative",
        "contact_name",
        "phone",
        "email",
        "address",
        "postcode",
        "description",
        "purpose",
        "delivery_form",
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
        ("所需信息", {"fields": ("description", "purpose", "delivery_form", "department")}),
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        actions = []
        if obj is not None:
            actions = [
                (
                    reverse("admin:disclosure_informationrequest_workflow", args=[obj.pk, name]),
                    label,
                )
                for name, (label, _, _, permission) in WORKFLOW.items()
                if obj.can(name) and self._may(request, permission)
            ]
        extra_context = {**(extra_context or {}), "workflow_actions": actions}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

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

    def _may(self, request, permission):
        if permission == "approve_extension":
            return request.user.has_perm("disclosure.approve_extension")
        return request.user.has_perm("disclosure.handle_informationrequest")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/do/<str:action>/",
                wrap(self.workflow_view),
                name="disclosure_informationrequest_workflow",
            ),
            path(
                "<int:pk>/letter/<int:letter_pk>/",
                wrap(self.letter_view),
                name="disclosure_informationrequest_letter",
            ),
            *super().get_urls(),
        ]

    def workflow_view(self, request, pk, action):
        if action not in WORKFLOW:
            raise Http404("没有这个操作")
        label, form_class, call, permission = WORKFLOW[action]
        if not self._may(request, permission):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                call(obj, form.cleaned_data, request.user)
            except InvalidTransition as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{obj.tracking_number}：已{label}。", messages.SUCCESS)
                return redirect("admin:disclosure_informationrequest_change", obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "form": form,
            "button": label,
            "title": f"{label}：{obj.tracking_number}",
        }
        return TemplateResponse(
            request, "admin/disclosure/informationrequest/workflow_form.html", context
        )

    def letter_view(self, request, pk, letter_pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=pk)
        letter = get_object_or_404(obj.letters.all(), pk=letter_pk)
        if request.GET.get("format") == "pdf":
            return pdf_response(letter)
        return TemplateResponse(
            request, "disclosure/letters/letter.html", {"letter": letter, "info_request": obj}
        )


def pdf_response(letter):
    response = HttpResponse(render_letter_pdf(letter), content_type="application/pdf")
    filename = f"{letter.request.tracking_number}-{letter.get_kind_display()}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


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


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["year", "report_links", "status", "published_at", "item_status", "updated_at"]
    list_select_related = ["published_by", "item"]
    ordering = ["-year"]
    readonly_fields = ["published_at", "published_by", "updated_at", "item_link"]
    change_form_template = "admin/disclosure/annualreport/change_form.html"
    actions = ["publish_selected"]

    @admin.display(description="状态")
    def status(self, obj):
        return obj.get_status_display()

    @admin.action(description="在网站上发布所选年度报告", permissions=["publish"])
    def publish_selected(self, request, queryset):
        for report in queryset:
            try:
                report.publish(by=request.user)
            except InvalidTransition as exc:
                self.message_user(request, f"{report}：{exc}", messages.WARNING)
            else:
                self.message_user(request, f"已发布{report}。", messages.SUCCESS)

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
            path(
                "<int:pk>/catalog/",
                wrap(self.submit_item_view),
                name="disclosure_annualreport_submit_item",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.GET.get("format") == "pdf":
            response = HttpResponse(
                annual_report.render_pdf(report), content_type="application/pdf"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="annual-report-{report.year}.pdf"'
            )
            return response
        context = annual_report.context(report)
        return TemplateResponse(request, "disclosure/annual_report_print.html", context)

    def submit_item_view(self, request, pk):
        """Send the report to the 公开年报 column as an item for review (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_publish_permission(request):
            raise PermissionDenied
        report = get_object_or_404(self.get_queryset(request), pk=pk)
        try:
            item = submit_annual_report_item(report=report, by=request.user)
        except (InvalidTransition, ValidationError) as exc:
            self.message_user(request, " ".join(error_messages(exc)), messages.ERROR)
        else:
            self.message_user(
                request,
                f"已将{report}作为信息条目提交审核（公开年报栏目，附PDF），"
                f"审核员审核后在网站发布：{item.title}",
                messages.SUCCESS,
            )
        return redirect("admin:disclosure_annualreport_change", pk)
