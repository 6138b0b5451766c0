"""Back office of 征求意见: drafts, comment review and the adoption feedback."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from portal.admin import (
    DepartmentScopedAdmin,
    EventInline,
    Move,
    ReadOnlyAdminMixin,
    ReasonForm,
    ReviewableAdmin,
    WorkflowAdmin,
)
from portal.masking import mask_name, mask_personal_data_in_text
from portal.personal_data import PersonalDataAdmin

from ..exports import comments_workbook_response
from ..forms import AdoptionForm, CommentApproveForm, FeedbackForm
from ..models import (
    Consultation,
    ConsultationArticle,
    ConsultationComment,
    ConsultationEvent,
    ConsultationFile,
    default_closes_on,
)
from ..views import consultation_context


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


class ConsultationEventInline(EventInline):
    model = ConsultationEvent
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

    preview_template = "complaints/consultation_detail.html"

    def preview_context(self, request, obj):
        context = consultation_context(obj, None)
        revision = obj.open_revision() if obj.is_published() else None
        if revision is not None and obj.revision_changes_articles(revision):
            # The articles as approval will split them (such a revision has no comments yet).
            context["articles"] = obj.split_draft()
        return context

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

    # Moves beyond review: split the draft, publish the feedback; the comments' export ----
    workflow = {
        **ReviewableAdmin.workflow,
        "split": Move(
            "按“第X条”拆分条文",
            run=lambda consultation, data, by: consultation.rebuild_articles(),
            permission="change_consultation",
            when=lambda consultation, user: (
                _may_edit(consultation, user) and not consultation.comments.exists()
            ),
            success=lambda consultation: (
                f"已从草案全文拆分出 {consultation.articles.count()} 条条文"
            ),
        ),
        "feedback": Move(
            "发布采纳情况",
            method="publish_feedback",
            form=FeedbackForm,
            permission="publish_feedback",
            when=lambda consultation, user: (
                consultation.is_published()
                and consultation.is_closed()
                and not consultation.has_feedback()
            ),
            initial=lambda consultation: {"summary": feedback_draft(consultation)},
            public_fields=("summary",),
            help_text="发布后，采纳情况说明和每条意见的采纳情况在网站公开，不能再修改。"
            "发布前须审核完全部意见并逐条填写采纳情况。",
            success=lambda consultation: f"“{consultation}”的意见采纳情况已公开",
        ),
    }

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("<int:pk>/export/", export, name="complaints_consultation_export"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.comments.exists():
            extra_context["export_url"] = reverse(
                "admin:complaints_consultation_export", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def export_view(self, request, pk):
        consultation = get_object_or_404(self.get_queryset(request), pk=pk)
        return comments_workbook_response(consultation)


def _may_edit(consultation, user):
    """Drafts and returns are edited by their department; later states by reviewers only."""
    return consultation.status in {
        Consultation.Status.DRAFT,
        Consultation.Status.RETURNED,
    } or user.has_perm("complaints.review_consultation")


def feedback_draft(consultation):
    """Return a first draft of the 采纳情况 summary, with the counts filled in."""
    figures = consultation.adoption_figures()
    return (
        f"{consultation.opens_on:%Y年%m月%d日}至{consultation.closes_on:%Y年%m月%d日}，"
        f"我局就《{consultation.title}》公开征求社会意见，共收到意见{figures['received_count']}条。"
        f"经认真研究，采纳{figures['adopted_count']}条，部分采纳{figures['partly_count']}条，"
        f"未采纳{figures['not_adopted_count']}条。主要意见采纳情况如下：\n"
    )


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
class ConsultationCommentAdmin(
    PersonalDataAdmin, ReadOnlyAdminMixin, WorkflowAdmin, DepartmentScopedAdmin
):
    """Comments come from citizens only; every change is a review or decision move."""

    department_field = "consultation__department"
    list_display = [
        "submitted",
        "consultation_title",
        "target",
        "excerpt",
        "sender",
        "status",
        "adoption",
    ]
    list_display_links = ["submitted", "excerpt"]
    list_filter = ["status", "adoption", "consultation", ArticleFilter]
    list_select_related = ["consultation", "article"]
    search_fields = ["public_body", "adoption_reason"]
    hashed_search_fields = {"sender_phone_hash": "phone"}
    date_hierarchy = "submitted_at"
    ordering = ["consultation", "article__number", "submitted_at", "pk"]
    list_per_page = 100
    actions = ["approve_selected", "reject_selected", "decide_selected"]
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

    # The list masks the commenter; the full name and phone are on the (audited) change page.
    @admin.display(description="姓名")
    def sender(self, obj):
        return mask_name(obj.sender_name)

    def workflow_label(self, obj):
        return f"意见 {obj.pk}"

    workflow_summary_template = "admin/complaints/consultationcomment/workflow_summary.html"
    workflow = {
        "approve": Move(
            "审核公开",
            form=CommentApproveForm,
            permission="review_consultationcomment",
            state="approve",
            initial=lambda comment: {"public_body": mask_personal_data_in_text(comment.body)},
            public_fields=("public_body",),
            help_text="公开内容已自动隐去身份证号和电话号码。",
            success=lambda comment: "审核公开：已完成",
        ),
        "reject": Move(
            "不予公开",
            form=ReasonForm,
            permission="review_consultationcomment",
            state="reject",
            help_text="不予公开的意见不计入采纳情况统计，理由仅内部可见。",
            success=lambda comment: "不予公开：已完成",
        ),
        "decide": Move(
            "填写采纳情况",
            method="record_adoption",
            form=AdoptionForm,
            permission="decide_consultationcomment",
            state="record_adoption",
            when=lambda comment, user: (
                comment.consultation.is_closed() and not comment.consultation.has_feedback()
            ),
            help_text="征求意见结束后，逐条或按组填写采纳情况；部分采纳和未采纳须说明理由。"
            "按组填写时，所选意见记录相同的采纳情况和理由。",
            success=lambda comment: "填写采纳情况：已完成",
        ),
    }

    # Bulk actions: the same moves on a group of comments ---------------------------------
    @admin.action(description="审核公开所选意见（自动隐去电话、身份证号）", permissions=["review"])
    def approve_selected(self, request, queryset):
        return self.run_in_bulk(request, queryset, "approve", "已公开 {} 条意见", data={})

    @admin.action(description="所选意见不予公开", permissions=["review"])
    def reject_selected(self, request, queryset):
        return self.run_in_bulk(request, queryset, "reject", "已将 {} 条意见设为不予公开")

    @admin.action(description="为所选意见填写采纳情况（按组）", permissions=["decide"])
    def decide_selected(self, request, queryset):
        return self.run_in_bulk(
            request,
            queryset.select_related("consultation", "article"),
            "decide",
            "已为 {} 条意见填写采纳情况",
        )
