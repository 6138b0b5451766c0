"""Back office of 政民互动: the department queues, the reply workflow, categories, statistics."""

import csv
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from portal.admin import DepartmentScopedAdmin
from portal.exceptions import InvalidTransition

from .forms import ApproveForm, AssignForm, ReasonForm, ReplyForm, TransferForm
from .models import (
    ComplaintAgency,
    Message,
    MessageCategory,
    MessageEvent,
    month_bounds,
    recent_months,
)

AMBER_BEFORE = timedelta(hours=6)


@admin.register(MessageCategory)
class MessageCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["department", "is_active"]
    list_select_related = ["department"]
    search_fields = ["name", "reply_template"]
    ordering = ["order", "id"]


@admin.register(ComplaintAgency)
class ComplaintAgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "address", "office_hours", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "phone"]
    ordering = ["order", "id"]


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = "办理记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


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
class MessageAdmin(DepartmentScopedAdmin):
    list_display = [
        "tracking_number",
        "subject",
        "kind",
        "department",
        "status",
        "received",
        "due",
        "time_left",
        "assignee",
    ]
    list_display_links = ["tracking_number", "subject"]
    list_filter = [OverdueFilter, "status", "kind", "category", "department"]
    list_select_related = ["category", "department", "assignee"]
    search_fields = ["tracking_number", "subject", "body", "reply"]
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
    change_form_template = "admin/complaints/message/change_form.html"
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
        ("答复", {"fields": ("reply", "replied_at", "replied_by", "replied_late")}),
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

    # Permissions -------------------------------------------------------------------------
    def _perm(self, request, codename):
        return request.user.has_perm(f"complaints.{codename}")

    def can_reply(self, request, obj):
        # The department head answers, or the clerk the head assigned the message to.
        return self._perm(request, "reply_message") and (
            self._perm(request, "assign_message") or obj.assignee_id == request.user.pk
        )

    def has_review_permission(self, request):
        return self._perm(request, "review_reply")

    def has_reopen_permission(self, request):
        return self._perm(request, "reopen_message")

    def workflow_actions(self, request, obj):
        """Return (url name, label) of the moves this user may make on obj now."""
        moves = []
        if self._perm(request, "assign_message") and obj.can("assign"):
            moves.append(("assign", "指定承办人"))
        if self.can_reply(request, obj) and obj.can("record_reply"):
            moves.append(("reply", "答复"))
        if self._perm(request, "transfer_message") and obj.can("transfer"):
            moves.append(("transfer", "转办"))
        if self._perm(request, "close_message") and obj.can("close"):
            moves.append(("close", "不予受理"))
        if self.has_review_permission(request) and obj.can("approve"):
            moves.append(("approve", "审核公开"))
        if self.has_reopen_permission(request) and obj.can("reopen"):
            moves.append(("reopen", "重新办理"))
        return moves

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = [
                (reverse(f"admin:complaints_message_{name}", args=[obj.pk]), label)
                for name, label in self.workflow_actions(request, obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["notice"] = Message.objects.visible_to(request.user).deadline_counts()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        moves = ["assign", "reply", "transfer", "close", "approve", "reopen"]
        return [
            path("statistics/", wrap(self.statistics_view), name="complaints_message_statistics"),
            *[
                path(
                    f"<int:pk>/{move}/",
                    wrap(getattr(self, f"{move}_view")),
                    name=f"complaints_message_{move}",
                )
                for move in moves
            ],
            *super().get_urls(),
        ]

    # Workflow views ----------------------------------------------------------------------
    def _workflow(self, request, pk, move, form_class, run, *, initial=None, form_kwargs=None):
        message = get_object_or_404(self.get_queryset(request), pk=pk)
        if move not in dict(self.workflow_actions(request, message)):
            self.message_user(
                request, "您无权执行此操作，或留言当前状态下不能执行此操作", messages.ERROR
            )
            return redirect("admin:complaints_message_change", message.pk)
        form = form_class(
            request.POST if request.method == "POST" else None,
            initial=initial(message) if initial else None,
            **(form_kwargs(message) if form_kwargs else {}),
        )
        if request.method == "POST" and form.is_valid():
            try:
                success = run(message, form.cleaned_data)
            except InvalidTransition as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, success, messages.SUCCESS)
                return redirect("admin:complaints_message_change", message.pk)
        label = dict(self.workflow_actions(request, message)).get(move, move)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": message,
            "title": f"{label}：{message.tracking_number}",
            "form": form,
            "button": label,
        }
        return TemplateResponse(request, "admin/complaints/message/workflow_form.html", context)

    def assign_view(self, request, pk):
        def run(message, data):
            message.assign(by=request.user, to=data["assignee"])
            return f"已指定 {data['assignee']} 承办 {message.tracking_number}"

        return self._workflow(
            request,
            pk,
            "assign",
            AssignForm,
            run,
            form_kwargs=lambda m: {"department": m.department},
        )

    def reply_view(self, request, pk):
        def run(message, data):
            message.record_reply(by=request.user, text=data["text"])
            late = "（已超过答复期限）" if message.replied_late else ""
            return f"{message.tracking_number} 已答复{late}，待审核员审核公开"

        return self._workflow(
            request,
            pk,
            "reply",
            ReplyForm,
            run,
            initial=lambda m: {"text": m.category.reply_template},
        )

    def transfer_view(self, request, pk):
        def run(message, data):
            message.transfer(by=request.user, to=data["department"], reason=data["reason"])
            return f"{message.tracking_number} 已转办至{data['department']}"

        return self._workflow(request, pk, "transfer", TransferForm, run)

    def close_view(self, request, pk):
        def run(message, data):
            message.close(by=request.user, reason=data["reason"])
            return f"{message.tracking_number} 已作不予受理处理"

        return self._workflow(request, pk, "close", ReasonForm, run)

    def reopen_view(self, request, pk):
        def run(message, data):
            message.reopen(by=request.user, reason=data["reason"])
            return f"{message.tracking_number} 已退回承办科室重新办理"

        return self._workflow(request, pk, "reopen", ReasonForm, run)

    def approve_view(self, request, pk):
        def run(message, data):
            message.approve(by=request.user, **data)
            public = (
                "并已在网站公开" if message.is_public() else "（留言人未同意公开，不在网站公开）"
            )
            return f"{message.tracking_number} 审核通过{public}"

        def initial(message):
            message.check_public_text()  # prefill with personal data already masked
            return {
                "public_subject": message.public_subject,
                "public_body": message.public_body,
                "public_reply": message.public_reply,
            }

        return self._workflow(request, pk, "approve", ApproveForm, run, initial=initial)

    # Bulk actions ------------------------------------------------------------------------
    def _bulk(self, request, queryset, move, success):
        done = 0
        for message in queryset:
            try:
                move(message)
                done += 1
            except InvalidTransition as exc:
                self.message_user(request, f"{message.tracking_number}：{exc}", messages.WARNING)
        if done:
            self.message_user(request, success.format(done), messages.SUCCESS)

    @admin.action(description="审核通过所选答复（按留言人意愿公开）", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda message: message.approve(by=request.user),
            "已审核通过 {} 条答复",
        )

    @admin.action(description="退回所选留言重新办理", permissions=["reopen"])
    def reopen_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda message: message.reopen(by=request.user, reason="审核未通过，请重新答复"),
            "已退回 {} 条留言重新办理",
        )

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
            return _statistics_csv(month, total, tables)
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


CSV_HEADER = [
    "分组",
    "名称",
    "收到",
    "已答复",
    "答复率(%)",
    "按时答复",
    "按时答复率(%)",
    "平均答复用时(小时)",
    "最长答复用时(小时)",
    "评价数",
    "满意率(%)",
]


def _hours(value):
    return "" if value is None else round(value.total_seconds() / 3600, 1)


def _csv_row(group, label, row):
    return [
        group,
        label,
        row["received_count"],
        row["replied_count"],
        "" if row["reply_rate"] is None else row["reply_rate"],
        row["on_time_count"],
        "" if row["on_time_rate"] is None else row["on_time_rate"],
        _hours(row["average_reply_time"]),
        _hours(row["longest_reply_time"]),
        row["rated_count"],
        "" if row["satisfaction_rate"] is None else row["satisfaction_rate"],
    ]


def _statistics_csv(month, total, tables):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="message-statistics-{month:%Y-%m}.csv"'
    response.write("\ufeff")  # BOM: Excel opens UTF-8 Chinese correctly
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerow(_csv_row("合计", f"{month:%Y年%m月}", total))
    for group, rows in tables:
        for row in rows:
            writer.writerow(_csv_row(group, row["label"], row))
    return response


def _duration(value):
    hours, rest = divmod(int(value.total_seconds()), 3600)
    if hours >= 24:
        return f"{hours // 24}天{hours % 24}小时"
    return f"{hours}小时{rest // 60}分"


@admin.register(MessageEvent)
class MessageEventAdmin(admin.ModelAdmin):
    """Read-only log: reminders and escalations are the admin notices of the desk."""

    list_display = ["at", "kind", "message", "actor", "note"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    list_select_related = ["message", "actor"]
    search_fields = ["message__tracking_number", "note"]
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
