"""Back office of 政民互动 留言: the department queues, the reply workflow, categories and the
monthly statistics."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from portal.admin import (
    DepartmentScopedAdmin,
    EventInline,
    Move,
    PrivateAttachmentsAdmin,
    ReadOnlyAdminMixin,
    ReasonForm,
    UndeliveredReminderFilter,
    WorkflowAdmin,
    reissue_query_code_move,
)
from portal.figures import month_bounds, recent_months
from portal.personal_data import PersonalDataAdmin

from ..exports import statistics_csv_response
from ..forms import ApproveForm, AssignForm, ReplyForm, TransferForm
from ..models import (
    ComplaintAgency,
    Message,
    MessageCategory,
    MessageEvent,
    ReplyTemplate,
)

AMBER_BEFORE = timedelta(hours=6)


def _masked_public_text(message):
    """Prefill the review form with the public texts, personal data already masked."""
    message.mask_public_text()
    return {
        "public_subject": message.public_subject,
        "public_body": message.public_body,
        "public_reply": message.public_reply,
    }


def _name_warning_messages(message):
    """Tell the reviewer of a bulk approval what the approve page warns of before: names next
    to 同志/先生/女士/您好 left in the message's public version (Message.name_warnings)."""
    warnings = message.name_warnings()
    if not warnings:
        return []
    found = "；".join(f"{label}：{'、'.join(names)}" for label, names in warnings)
    if message.is_public():
        advice = "已在网站公开，请核对；如需删改，请对该留言“重新办理”后重新审核。"
    else:
        advice = "留言人未同意公开，未在网站公开。"
    return [
        f"请核对：留言 {message.tracking_number}（{message.subject}）的公开版本中可能含有"
        f"个人姓名——{found}。{advice}"
    ]


def _reply_template_text(message):
    """Prefill the reply with the template for the message's category and type."""
    template = ReplyTemplate.objects.for_message(category=message.category, kind=message.kind)
    return {"text": template.text if template else ""}


class ReplyTemplateInline(admin.StackedInline):
    model = ReplyTemplate
    fields = ["kind", "text"]
    extra = 0
    verbose_name = "本类别的答复模板"
    verbose_name_plural = "本类别的答复模板（按留言类型；“留言类型”不选的适用于本类别其他类型）"


@admin.register(MessageCategory)
class MessageCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["department", "is_active"]
    list_select_related = ["department"]
    search_fields = ["name", "reply_templates__text"]
    ordering = ["order", "id"]
    inlines = [ReplyTemplateInline]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """答复模板: chosen by category and type, then category, then type, then the generic one."""

    list_display = ["__str__", "category", "kind", "beginning", "updated_at"]
    list_display_links = ["__str__"]
    list_filter = ["kind", "category"]
    list_select_related = ["category"]
    search_fields = ["text", "category__name"]

    @admin.display(description="模板开头")
    def beginning(self, obj):
        return obj.text[:40] + ("…" if len(obj.text) > 40 else "")


@admin.register(ComplaintAgency)
class ComplaintAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "address", "office_hours", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "phone"]
    ordering = ["order", "id"]


class MessageEventInline(EventInline):
    model = MessageEvent
    verbose_name_plural = "办理记录"


class OverdueFilter(admin.SimpleListFilter):
    title = "办理时限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("open", "待答复"), ("overdue", "已超期"), ("escalated", "已督办")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "escalated":
            return queryset.open().filter(escalated_at__isnull=False)
        return queryset


@admin.register(Message)
class MessageAdmin(
    PersonalDataAdmin, PrivateAttachmentsAdmin, WorkflowAdmin, DepartmentScopedAdmin
):
    # What the queue is worked by comes first: with the navigation open on a 1280-pixel screen the
    # list shows about six columns before it scrolls sideways.
    list_display = [
        "tracking_number",
        "subject",
        "time_left",
        "status",
        "kind",
        "department",
        "received",
        "due",
        "assignee",
    ]
    list_display_links = ["tracking_number", "subject"]
    list_filter = [OverdueFilter, UndeliveredReminderFilter, "status", "kind", "category"]
    list_filter += ["department"]
    list_select_related = ["category", "department", "assignee"]
    search_fields = ["tracking_number", "subject", "body", "reply"]
    hashed_search_fields = {"sender_phone_hash": "phone"}
    date_hierarchy = "received_at"
    # The queue: messages waiting for a reply first, most urgent on top; then the answered ones.
    ordering = [
        Case(When(status=Message.Status.RECEIVED, then=Value(0)), default=Value(1)).asc(),
        "reply_due_at",
        "pk",
    ]
    list_per_page = 50
    inlines = [MessageEventInline]
    actions = ["approve_selected", "reopen_selected"]
    change_list_template = "admin/complaints/message/change_list.html"
    fieldsets = (
        (
            "留言",
            {
                "fields": (
                    "tracking_number",
                    "kind",
                    "category",
                    "subject",
                    "body",
                    "citizen_attachments",
                    "has_publication_consent",
                )
            },
        ),
        ("留言人（不公开）", {"fields": ("sender_name", "sender_phone", "sender_email")}),
        (
            "办理",
            {
                "fields": (
                    "status",
                    "department",
                    "assignee",
                    "received_at",
                    "reply_due_at",
                    "reminded_at",
                    "escalated_at",
                    "status_reason",
                )
            },
        ),
        ("答复", {"fields": ("reply", "replied_at", "replied_by", "is_replied_late")}),
        (
            "审核与公开",
            {
                "classes": ["collapse"],
                "fields": (
                    "reviewed_by",
                    "reviewed_at",
                    "published_at",
                    "public_subject",
                    "public_body",
                    "public_reply",
                ),
            },
        ),
        ("评价", {"classes": ["collapse"], "fields": ("rating", "rating_comment", "rated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Nothing of a legal record is edited in place: every change is a workflow step.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff_queue()

    def has_add_permission(self, request):
        return False  # messages come from citizens only

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public() else None

    def has_delete_permission(self, request, obj=None):
        return False  # legal records

    @admin.display(description="受理时间", ordering="received_at")
    def received(self, obj):
        return timezone.localtime(obj.received_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="答复期限", ordering="reply_due_at")
    def due(self, obj):
        return timezone.localtime(obj.reply_due_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="剩余时间", ordering="reply_due_at")
    def time_left(self, obj):
        if not obj.is_open():
            return "—"
        left = obj.time_left()
        if left < timedelta(0):
            css, text = "deadline-overdue", f"已超期 {_duration(-left)}"
        elif left <= AMBER_BEFORE:
            css, text = "deadline-soon", f"剩 {_duration(left)}"
        else:
            css, text = "deadline-ok", f"剩 {_duration(left)}"
        return format_html('<span class="deadline {}">{}</span>', css, text)

    # Workflow ----------------------------------------------------------------------------
    def workflow_label(self, obj):
        return obj.tracking_number

    def has_review_permission(self, request):
        return request.user.has_perm("complaints.review_reply")

    def has_reopen_permission(self, request):
        return request.user.has_perm("complaints.reopen_message")

    workflow_summary_template = "admin/complaints/message/workflow_summary.html"
    workflow = {
        "assign": Move(
            "指定承办人",
            run=lambda message, data, by: message.assign(by=by, to=data["assignee"]),
            form=AssignForm,
            permission="assign_message",
            state="assign",
            form_kwargs=lambda message: {"department": message.department},
            success=lambda message: f"已指定 {message.assignee} 承办 {message.tracking_number}",
        ),
        "reply": Move(
            "答复",
            method="record_reply",
            form=ReplyForm,
            permission="reply_message",
            state="record_reply",
            # The department head answers, or the clerk the head assigned the message to.
            when=lambda message, user: (
                user.has_perm("complaints.assign_message") or message.assignee_id == user.pk
            ),
            initial=_reply_template_text,
            public_fields=("text",),
            success=lambda message: (
                f"{message.tracking_number} 已答复"
                + ("（已超过答复期限）" if message.is_replied_late else "")
                + "，待审核员审核后发送给留言人"
            ),
        ),
        "transfer": Move(
            "转办",
            run=lambda message, data, by: message.transfer(
                by=by, to=data["department"], reason=data["reason"]
            ),
            form=TransferForm,
            permission="transfer_message",
            state="transfer",
            success=lambda message: f"{message.tracking_number} 已转办至{message.department}",
        ),
        "close": Move(
            "不予受理",
            form=ReasonForm,
            permission="close_message",
            state="close",
            success=lambda message: f"{message.tracking_number} 已作不予受理处理",
        ),
        "approve": Move(
            "审核公开",
            form=ApproveForm,
            permission="review_reply",
            state="approve",
            initial=lambda message: _masked_public_text(message),
            help_text="审核通过后，答复即发送给留言人（查询页面和短信/邮件通知）；留言人同意公开的，"
            "同时在网站公开下面的公开版本。留言人姓名、手机号码和身份证号码已自动隐去，"
            "其他个人信息请在公开版本中删改。",
            public_fields=("public_subject", "public_body", "public_reply"),
            success=lambda message: (
                f"{message.tracking_number} 审核通过，答复已发送给留言人"
                + (
                    "，并已在网站公开"
                    if message.is_public()
                    else "；留言人未同意公开，不在网站公开"
                )
            ),
        ),
        "reopen": Move(
            "重新办理",
            form=ReasonForm,
            permission="reopen_message",
            state="reopen",
            success=lambda message: f"{message.tracking_number} 已退回承办科室重新办理",
        ),
        # The office, after checking who asks (the sender lost the 查询码).
        "reissue_query_code": reissue_query_code_move("reissue_query_code"),
    }

    @admin.action(description="审核通过所选答复并发送（按留言人意愿公开）", permissions=["review"])
    def approve_selected(self, request, queryset):
        return self.run_in_bulk(
            request,
            queryset,
            "approve",
            "已审核通过 {} 条答复",
            data={},
            warnings=_name_warning_messages,
        )

    @admin.action(description="退回所选留言重新办理", permissions=["reopen"])
    def reopen_selected(self, request, queryset):
        return self.run_in_bulk(
            request,
            queryset,
            "reopen",
            "已退回 {} 条留言重新办理",
            data={"reason": "审核未通过，请重新答复"},
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["notice"] = Message.objects.visible_to(request.user).deadline_counts()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        statistics = self.admin_site.admin_view(self.statistics_view)
        return [
            path("statistics/", statistics, name="complaints_message_statistics"),
            *super().get_urls(),
        ]

    # Statistics --------------------------------------------------------------------------
    def statistics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        months = recent_months(timezone.localdate())
        chosen = request.GET.get("month", "")
        month = next((m for m in months if f"{m:%Y-%m}" == chosen), months[0])
        received = Message.objects.received_in(*month_bounds(month))
        tables = [
            ("按留言类型", received.figures_by("kind")),
            ("按留言类别", received.figures_by("category")),
            ("按承办科室", received.figures_by("department")),
        ]
        total = received.figures()
        if request.GET.get("format") == "csv":
            return statistics_csv_response(month, total, tables)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"留言统计（{month:%Y年%m月}）",
            "month": month,
            "months": months,
            "total": total,
            "tables": tables,
        }
        return TemplateResponse(request, "admin/complaints/message/statistics.html", context)


def _duration(value):
    hours, rest = divmod(int(value.total_seconds()), 3600)
    if hours >= 24:
        return f"{hours // 24}天{hours % 24}小时"
    return f"{hours}小时{rest // 60}分"


@admin.register(MessageEvent)
class MessageEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only log: reminders and escalations are the admin notices of the desk."""

    list_display = ["at", "kind", "message", "actor", "note"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    list_select_related = ["message", "actor"]
    search_fields = ["message__tracking_number", "note"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
