"""Back office of 政民互动: the department queues, the reply workflow, categories, statistics;
征求意见 (drafts, comment review, adoption feedback, XLSX export) and 网上评议 (rounds, comment
review, the results summary for leadership)."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from openpyxl import Workbook

from portal import content_safety
from portal.admin import (
    DepartmentScopedAdmin,
    ReviewableAdmin,
    WorkflowStepsMixin,
    finding_html,
)
from portal.exceptions import InvalidTransition
from portal.exports import csv_response, xlsx_response
from portal.masking import mask_name, mask_personal_data_in_text, mask_phone

from .forms import (
    AdoptionForm,
    ApproveForm,
    AssignForm,
    CommentApproveForm,
    FeedbackForm,
    ReasonForm,
    ReplyForm,
    TransferForm,
)
from .models import (
    ASPECTS,
    ComplaintAgency,
    Consultation,
    ConsultationArticle,
    ConsultationComment,
    ConsultationEvent,
    ConsultationFile,
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationRound,
    EvaluationSubject,
    Message,
    MessageCategory,
    MessageEvent,
    default_closes_on,
    month_bounds,
    recent_months,
)

AMBER_BEFORE = timedelta(hours=6)


def show_findings(form, error):
    """Put each blocking content-safety finding on the form field holding that text."""
    findings = getattr(error, "findings", None)
    if not findings:
        form.add_error(None, error)
        return
    for finding in findings:
        name = {"reply": "text"}.get(finding.field, finding.field)
        field = name if name in form.fields else None
        form.add_error(field, format_html("内容安全检查未通过：{}", finding_html(finding)))


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


class RecordInline(admin.TabularInline):
    """A read-only list of a record's rows (events, answers): legal records, never edited."""

    extra = 0
    can_delete = False
    related = "actor"

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(self.related)


class MessageEventInline(RecordInline):
    model = MessageEvent
    fields = ["at", "kind", "actor", "note"]
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
class MessageAdmin(WorkflowStepsMixin, DepartmentScopedAdmin):
    workflow_moves = ["assign", "reply", "transfer", "close", "approve", "reopen"]
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
            except ValidationError as exc:
                # Blocking 错敏字/spam: shown at the field, the text stays for correction.
                show_findings(form, exc)
                message.refresh_from_db()
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
            # Warnings (common misspellings) never block; the clerk sees them with the fix.
            for finding in content_safety.scan_text(
                data["text"], field="reply", field_label="答复内容"
            ):
                self.message_user(
                    request,
                    format_html("内容安全提示：{}", finding_html(finding)),
                    messages.WARNING,
                )
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
            except ValidationError as exc:
                text = "；".join(exc.messages)
                self.message_user(request, f"{message.tracking_number}：{text}", messages.WARNING)
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
    response, writer = csv_response(f"message-statistics-{month:%Y-%m}.csv")
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


# 征求意见 ----------------------------------------------------------------------------------
class ConsultationArticleInline(admin.TabularInline):
    model = ConsultationArticle
    extra = 0
    fields = ["number", "heading", "text"]
    verbose_name_plural = "条文（可按“第X条”自动拆分，也可逐条录入）"
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }


class ConsultationFileInline(admin.TabularInline):
    model = ConsultationFile
    extra = 0
    fields = ["file", "original_name", "order"]
    verbose_name_plural = "草案原文件（Word、PDF 或 OFD）"


class ConsultationEventInline(RecordInline):
    model = ConsultationEvent
    fields = ["at", "kind", "actor", "note"]
    verbose_name_plural = "流转记录"


class PhaseFilter(admin.SimpleListFilter):
    """预告 / 征集中 / 已结束 (awaiting the feedback) / 已反馈, for published consultations."""

    title = "阶段"
    parameter_name = "phase"

    def lookups(self, request, model_admin):
        return Consultation.Phase.choices

    def queryset(self, request, queryset):
        if self.value() in Consultation.Phase.values:
            return queryset.in_phase(self.value())
        return queryset


@admin.register(Consultation)
class ConsultationAdmin(ReviewableAdmin, DepartmentScopedAdmin):
    list_display = [
        "title",
        "department",
        "opens_on",
        "closes_on",
        "status_badge",
        "phase_display",
        "comment_count",
        "pending_count",
    ]
    list_filter = [PhaseFilter, "status", "department", "opens_on"]
    list_select_related = ["department"]
    search_fields = ["title", "draft"]
    date_hierarchy = "opens_on"
    ordering = ["-opens_on", "-pk"]
    inlines = [ConsultationArticleInline, ConsultationFileInline, ConsultationEventInline]
    change_form_template = "admin/complaints/consultation/change_form.html"
    fieldsets = (
        (
            "草案",
            {"fields": ("title", "department", "draft", "explanation")},
        ),
        (
            "征求意见期限",
            {"fields": ("opens_on", "closes_on", "short_period_reason")},
        ),
        ("书面意见联系方式", {"fields": ("contact_address", "contact_email", "contact_phone")}),
        ("正式文件", {"fields": ("final_item",)}),
        (
            "意见与采纳情况",
            {"fields": ("comment_summary", "feedback_summary", "feedback_published_at")},
        ),
        (
            "审核发布",
            {
                "classes": ["collapse"],
                "fields": (
                    "status",
                    "author",
                    "submitted_at",
                    "reviewer",
                    "reviewed_at",
                    "checklist_display",
                    "published_at",
                    "status_reason",
                ),
            },
        ),
    )
    readonly_fields = [
        "comment_summary",
        "feedback_summary",
        "feedback_published_at",
        "status",
        "author",
        "submitted_at",
        "reviewer",
        "reviewed_at",
        "checklist_display",
        "published_at",
        "status_reason",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_comment_counts()
            .annotate(
                pending_comment_count=Count(
                    "comments", filter=Q(comments__status=ConsultationComment.Status.PENDING)
                )
            )
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["notice"] = Consultation.objects.visible_to(request.user).queue_counts()
        return super().changelist_view(request, extra_context)

    def get_changeform_initial_data(self, request):
        today = timezone.localdate()
        return {"opens_on": today, "closes_on": default_closes_on(today)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "final_item":
            # Only a published catalog item can be the final document.
            kwargs["queryset"] = db_field.related_model.objects.published().order_by(
                "-published_at"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else None

    @admin.display(description="阶段")
    def phase_display(self, obj):
        return obj.phase().label if obj.is_published() else "—"

    @admin.display(description="意见数", ordering="comment_count")
    def comment_count(self, obj):
        return obj.comment_count

    @admin.display(description="待审核", ordering="pending_comment_count")
    def pending_count(self, obj):
        return obj.pending_comment_count or "—"

    @admin.display(description="按条文统计的意见")
    def comment_summary(self, obj):
        if obj.pk is None:
            return "—"
        changelist = reverse("admin:complaints_consultationcomment_changelist")
        rows = obj.comments.counts_by_article()
        if not rows:
            return "尚未收到意见"
        body = format_html_join(
            "",
            '<tr><td><a href="{}?consultation__id__exact={}&amp;article={}">{}</a></td>'
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    changelist,
                    obj.pk,
                    row["article_id"] or "none",
                    row["heading"],
                    row["comment_count"],
                    row["pending_count"],
                )
                for row in rows
            ),
        )
        figures = obj.adoption_figures()
        return format_html(
            '<table class="comment-summary"><thead><tr><th>条文</th><th>意见数</th>'
            "<th>待审核</th></tr></thead><tbody>{}</tbody></table>"
            "<p>共 {} 条，采纳 {}、部分采纳 {}、未采纳 {}，不予公开 {}。</p>",
            body,
            figures["received_count"],
            figures["adopted_count"],
            figures["partly_count"],
            figures["not_adopted_count"],
            figures["rejected_count"],
        )

    # Extra moves: split the draft, export comments, publish the feedback -----------------
    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/split/", wrap(self.split_view), name="complaints_consultation_split"),
            path("<int:pk>/export/", wrap(self.export_view), name="complaints_consultation_export"),
            path(
                "<int:pk>/feedback/",
                wrap(self.feedback_view),
                name="complaints_consultation_feedback",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            tools = []
            if self.has_change_permission(request, obj) and not obj.comments.exists():
                tools.append(("split", "按“第X条”拆分条文", True))
            if obj.comments.exists():
                tools.append(("export", "导出意见（XLSX）", False))
            if self.can_publish_feedback(request, obj):
                tools.append(("feedback", "发布采纳情况", False))
            extra_context["consultation_tools"] = [
                (reverse(f"admin:complaints_consultation_{name}", args=[obj.pk]), label, post)
                for name, label, post in tools
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def can_publish_feedback(self, request, obj):
        return (
            request.user.has_perm("complaints.publish_feedback")
            and obj.is_published()
            and obj.is_closed()
            and not obj.has_feedback()
        )

    def split_view(self, request, pk):
        consultation = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, consultation):
            raise PermissionDenied
        try:
            count = consultation.rebuild_articles()
        except InvalidTransition as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"已从草案全文拆分出 {count} 条条文", messages.SUCCESS)
        return redirect("admin:complaints_consultation_change", consultation.pk)

    def export_view(self, request, pk):
        consultation = get_object_or_404(self.get_queryset(request), pk=pk)
        return comments_workbook_response(consultation)

    def feedback_view(self, request, pk):
        consultation = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.can_publish_feedback(request, consultation):
            self.message_user(request, "征求意见结束后，由有权限的人员发布采纳情况", messages.ERROR)
            return redirect("admin:complaints_consultation_change", consultation.pk)
        form = FeedbackForm(request.POST or None, initial={"summary": feedback_draft(consultation)})
        if request.method == "POST" and form.is_valid():
            try:
                consultation.publish_feedback(by=request.user, summary=form.cleaned_data["summary"])
            except InvalidTransition as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request, f"“{consultation}”的意见采纳情况已公开", messages.SUCCESS
                )
                return redirect("admin:complaints_consultation_change", consultation.pk)
        return self._form_page(
            request,
            consultation,
            form,
            "发布采纳情况",
            "发布后，采纳情况说明和每条意见的采纳情况在网站公开，不能再修改。"
            "发布前须审核完全部意见并逐条填写采纳情况。",
        )


def feedback_draft(consultation):
    """Return a first draft of the 采纳情况 summary, with the counts filled in."""
    figures = consultation.adoption_figures()
    return (
        f"{consultation.opens_on:%Y年%m月%d日}至{consultation.closes_on:%Y年%m月%d日}，"
        f"我局就《{consultation.title}》公开征求社会意见，共收到意见{figures['received_count']}条。"
        f"经认真研究，采纳{figures['adopted_count']}条，部分采纳{figures['partly_count']}条，"
        f"未采纳{figures['not_adopted_count']}条。主要意见采纳情况如下：\n"
    )


XLSX_HEADER = [
    "序号",
    "针对条文",
    "意见内容",
    "意见人",
    "联系电话",
    "提交时间",
    "审核状态",
    "采纳情况",
    "采纳情况说明",
]


def comments_workbook_response(consultation):
    """Return the comments of a consultation as an XLSX file: a summary sheet and every comment.

    Names and phone numbers are masked: exports leave the admin and get passed around.
    """
    workbook = Workbook()
    summary = workbook.active
    summary.title = "按条文统计"
    summary.append(["条文", "意见数", "待审核"])
    for row in consultation.comments.counts_by_article():
        summary.append([row["heading"], row["comment_count"], row["pending_count"]])
    sheet = workbook.create_sheet("全部意见")
    sheet.append(XLSX_HEADER)
    comments = consultation.comments.select_related("article").order_by(
        F("article__number").asc(nulls_first=True), "submitted_at", "pk"
    )
    for number, comment in enumerate(comments, start=1):
        sheet.append(
            [
                number,
                comment.target_label(),
                comment.body,
                mask_name(comment.sender_name),
                mask_phone(comment.sender_phone),
                timezone.localtime(comment.submitted_at).strftime("%Y-%m-%d %H:%M"),
                comment.get_status_display(),
                comment.get_adoption_display(),
                comment.adoption_reason,
            ]
        )
    for column, width in zip("ABCDEFGHI", [6, 12, 60, 10, 14, 18, 10, 10, 40], strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, f"consultation-{consultation.pk}-comments.xlsx")


def evaluation_workbook_response(round):
    """Return a round's results as an XLSX file: averages per subject, the score distribution of
    each subject and aspect, and every comment (phone numbers masked, review status given)."""
    results = round.results()
    workbook = Workbook()
    averages = workbook.active
    averages.title = "平均分"
    averages.append(
        [f"{round.title}（{round.opens_on:%Y年%m月%d日}至{round.closes_on:%Y年%m月%d日}）"]
    )
    labels = [label for _, label, _ in ASPECTS]
    averages.append(["评议对象", "类别", "参评人次", *labels, "综合平均分", "满意率（%）"])
    for row in results:
        averages.append(
            [
                row["subject"].name,
                row["subject"].get_kind_display(),
                row["answer_count"],
                *[aspect["average"] for aspect in row["aspects"]],
                row["overall"],
                row["satisfaction_rate"],
            ]
        )
    distribution = workbook.create_sheet("评分分布")
    distribution.append(["评议对象", "评议内容", "5分", "4分", "3分", "2分", "1分", "平均分"])
    for row in results:
        for aspect in row["aspects"]:
            distribution.append(
                [
                    row["subject"].name,
                    aspect["label"],
                    *[count for _, count in aspect["distribution"]],
                    aspect["average"],
                ]
            )
    comments = workbook.create_sheet("意见建议")
    comments.append(["提交时间", "手机号码", "意见建议", "审核状态"])
    for response in round.responses.exclude(comment="").order_by("submitted_at", "pk"):
        comments.append(
            [
                timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                response.masked_phone,
                response.comment,
                response.get_comment_status_display(),
            ]
        )
    for sheet, widths in [
        (averages, {"A": 30, "B": 10}),
        (distribution, {"A": 30, "B": 12}),
        (comments, {"A": 18, "B": 14, "C": 60, "D": 10}),
    ]:
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
    return xlsx_response(workbook, f"evaluation-{round.pk}-results.xlsx")


class ArticleFilter(admin.SimpleListFilter):
    """The articles of the consultation chosen in the other filter, plus 草案整体."""

    title = "针对条文"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        consultation = request.GET.get("consultation__id__exact", "")
        if not consultation.isdigit():
            return [("none", "草案整体")]
        articles = ConsultationArticle.objects.filter(consultation_id=consultation)
        return [("none", "草案整体"), *((str(a.pk), a.heading) for a in articles)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(article__isnull=True)
        if value and value.isdigit():
            return queryset.filter(article_id=value)
        return queryset


@admin.register(ConsultationComment)
class ConsultationCommentAdmin(WorkflowStepsMixin, DepartmentScopedAdmin):
    workflow_moves = ["approve", "reject", "decide"]
    department_field = "consultation__department"
    list_display = [
        "submitted",
        "consultation_title",
        "target",
        "excerpt",
        "sender_name",
        "status",
        "adoption",
    ]
    list_display_links = ["submitted", "excerpt"]
    list_filter = ["status", "adoption", "consultation", ArticleFilter]
    list_select_related = ["consultation", "article"]
    search_fields = ["body", "sender_name", "adoption_reason"]
    date_hierarchy = "submitted_at"
    ordering = ["consultation", "article__number", "submitted_at", "pk"]
    list_per_page = 100
    actions = ["approve_selected", "reject_selected", "decide_selected"]
    change_form_template = "admin/complaints/message/change_form.html"
    fields = [
        "consultation",
        "article",
        "body",
        "sender_name",
        "sender_phone",
        "submitted_at",
        "status",
        "public_body",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
        "adoption",
        "adoption_reason",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # comments come from citizens only

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every change is a review or decision step below

    def has_review_permission(self, request):
        return request.user.has_perm("complaints.review_consultationcomment")

    def has_decide_permission(self, request):
        return request.user.has_perm("complaints.decide_consultationcomment")

    @admin.display(description="提交时间", ordering="submitted_at")
    def submitted(self, obj):
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="征求意见", ordering="consultation")
    def consultation_title(self, obj):
        title = obj.consultation.title
        return title if len(title) <= 16 else title[:16] + "…"

    @admin.display(description="针对", ordering="article__number")
    def target(self, obj):
        return obj.target_label()

    @admin.display(description="意见内容")
    def excerpt(self, obj):
        return obj.body if len(obj.body) <= 40 else obj.body[:40] + "…"

    def workflow_actions(self, request, obj):
        moves = []
        if self.has_review_permission(request) and obj.status != obj.Status.APPROVED:
            moves.append(("approve", "审核公开"))
        if self.has_review_permission(request) and obj.status != obj.Status.REJECTED:
            moves.append(("reject", "不予公开"))
        if (
            self.has_decide_permission(request)
            and obj.status == obj.Status.APPROVED
            and obj.consultation.is_closed()
            and not obj.consultation.has_feedback()
        ):
            moves.append(("decide", "填写采纳情况"))
        return moves

    def _step(self, request, pk, move, form_class, run, *, initial=None, help_text=""):
        comment = get_object_or_404(self.get_queryset(request), pk=pk)
        labels = dict(self.workflow_actions(request, comment))
        if move not in labels:
            self.message_user(
                request, "您无权执行此操作，或意见当前状态下不能执行此操作", messages.ERROR
            )
            return redirect("admin:complaints_consultationcomment_change", comment.pk)
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                run(comment, form.cleaned_data)
            except InvalidTransition as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"{labels[move]}：已完成", messages.SUCCESS)
                return redirect("admin:complaints_consultationcomment_change", comment.pk)
        return self._form_page(request, [comment], form, labels[move], help_text)

    def _form_page(self, request, comments, form, button, help_text, *, action=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{button}（{len(comments)} 条意见）",
            "comments": comments,
            "form": form,
            "button": button,
            "help_text": help_text,
            "action": action,
        }
        return TemplateResponse(
            request, "admin/complaints/consultationcomment/workflow_form.html", context
        )

    def approve_view(self, request, pk):
        comment = get_object_or_404(self.get_queryset(request), pk=pk)
        return self._step(
            request,
            pk,
            "approve",
            CommentApproveForm,
            lambda c, data: c.approve(by=request.user, public_body=data["public_body"]),
            initial={"public_body": mask_personal_data_in_text(comment.body)},
            help_text="公开内容已自动隐去身份证号和电话号码。",
        )

    def reject_view(self, request, pk):
        return self._step(
            request,
            pk,
            "reject",
            ReasonForm,
            lambda c, data: c.reject(by=request.user, reason=data["reason"]),
            help_text="不予公开的意见不计入采纳情况统计，理由仅内部可见。",
        )

    def decide_view(self, request, pk):
        return self._step(
            request,
            pk,
            "decide",
            AdoptionForm,
            lambda c, data: c.record_adoption(
                by=request.user, adoption=data["adoption"], reason=data["reason"]
            ),
            help_text="征求意见结束后，逐条或按组填写采纳情况；部分采纳和未采纳须说明理由。",
        )

    # Bulk actions: the same transitions on a group of comments ---------------------------
    def _bulk(self, request, queryset, run, success):
        done = 0
        for comment in queryset.select_related("consultation", "article"):
            try:
                run(comment)
                done += 1
            except InvalidTransition as exc:
                self.message_user(request, f"“{comment}”：{exc}", messages.WARNING)
        if done:
            self.message_user(request, success.format(done), messages.SUCCESS)

    @admin.action(description="审核公开所选意见（自动隐去电话、身份证号）", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, lambda c: c.approve(by=request.user), "已公开 {} 条意见")

    @admin.action(description="所选意见不予公开", permissions=["review"])
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._bulk(
                request,
                queryset,
                lambda c: c.reject(by=request.user, reason=reason),
                "已将 {} 条意见设为不予公开",
            )
            return None
        return self._form_page(
            request, list(queryset), form, "不予公开", "", action="reject_selected"
        )

    @admin.action(description="为所选意见填写采纳情况（按组）", permissions=["decide"])
    def decide_selected(self, request, queryset):
        form = AdoptionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            self._bulk(
                request,
                queryset,
                lambda c: c.record_adoption(
                    by=request.user, adoption=data["adoption"], reason=data["reason"]
                ),
                "已为 {} 条意见填写采纳情况",
            )
            return None
        return self._form_page(
            request,
            list(queryset.select_related("article")),
            form,
            "填写采纳情况",
            "所选意见将记录相同的采纳情况和理由（适用于内容相近的一组意见）。",
            action="decide_selected",
        )


# 网上评议 ----------------------------------------------------------------------------------
class EvaluationSubjectInline(admin.TabularInline):
    model = EvaluationSubject
    extra = 0
    fields = ["order", "kind", "name", "department"]


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on", "is_published", "responses", "results_link"]
    list_filter = ["is_published", "opens_on"]
    search_fields = ["title", "description"]
    date_hierarchy = "opens_on"
    ordering = ["-opens_on", "-pk"]
    inlines = [EvaluationSubjectInline]
    fields = ["title", "description", "opens_on", "closes_on", "is_published"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_count=Count("responses"))

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.responses.exists():
            return False  # the answers are the record of the round
        return super().has_delete_permission(request, obj)

    @admin.display(description="答卷数", ordering="response_count")
    def responses(self, obj):
        return obj.response_count

    @admin.display(description="结果汇总")
    def results_link(self, obj):
        url = reverse("admin:complaints_evaluationround_results", args=[obj.pk])
        return format_html('<a href="{}">查看</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:pk>/results/",
                self.admin_site.admin_view(self.results_view),
                name="complaints_evaluationround_results",
            ),
            path(
                "<int:pk>/results.xlsx",
                self.admin_site.admin_view(self.results_export_view),
                name="complaints_evaluationround_results_export",
            ),
            *super().get_urls(),
        ]

    def _round_for_results(self, request, pk):
        if not request.user.has_perm("complaints.view_evaluation_results"):
            raise PermissionDenied
        return get_object_or_404(EvaluationRound, pk=pk)

    def results_export_view(self, request, pk):
        """The same summary as an XLSX workbook, for the leadership report."""
        return evaluation_workbook_response(self._round_for_results(request, pk))

    def results_view(self, request, pk):
        """The summary report for leadership: available while the round is still running."""
        round = self._round_for_results(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": round,
            "title": f"评议结果汇总：{round}",
            "round": round,
            "results": round.results(),
            "response_count": round.responses.count(),
            "pending_count": round.responses.with_pending_comment().count(),
            "comments": round.responses.exclude(comment="").order_by("-submitted_at")[:100],
        }
        return TemplateResponse(request, "admin/complaints/evaluationround/results.html", context)


class EvaluationAnswerInline(RecordInline):
    model = EvaluationAnswer
    fields = ["subject", "attitude", "efficiency", "transparency", "integrity"]
    related = "subject"


@admin.register(EvaluationResponse)
class EvaluationResponseAdmin(admin.ModelAdmin):
    list_display = ["submitted_at", "round", "masked_phone", "comment_excerpt", "comment_status"]
    list_filter = ["comment_status", "round"]
    list_select_related = ["round"]
    search_fields = ["comment"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-pk"]
    inlines = [EvaluationAnswerInline]
    actions = ["approve_comments", "reject_comments"]
    fields = [
        "round",
        "masked_phone",
        "submitted_at",
        "comment",
        "comment_status",
        "public_comment",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request):
        return request.user.has_perm("complaints.review_evaluationresponse")

    @admin.display(description="意见建议")
    def comment_excerpt(self, obj):
        return obj.comment[:40] or "—"

    def _bulk(self, request, queryset, run, success):
        done = 0
        for response in queryset:
            try:
                run(response)
                done += 1
            except InvalidTransition as exc:
                self.message_user(request, f"{response}：{exc}", messages.WARNING)
        if done:
            self.message_user(request, success.format(done), messages.SUCCESS)

    @admin.action(description="公开所选答卷的意见建议", permissions=["review"])
    def approve_comments(self, request, queryset):
        self._bulk(
            request, queryset, lambda r: r.approve_comment(by=request.user), "已公开 {} 条意见"
        )

    @admin.action(description="所选答卷的意见建议不予公开", permissions=["review"])
    def reject_comments(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda r: r.reject_comment(by=request.user),
            "已将 {} 条意见设为不予公开",
        )
