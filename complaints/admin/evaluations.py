"""Back office of 网上评议: rounds, comment review and the results summary for leadership."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from portal.admin import EventInline, Move, ReadOnlyAdminMixin, ReadOnlyInline, WorkflowAdmin

from ..exports import evaluation_workbook_response
from ..models import (
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationResponseEvent,
    EvaluationRound,
    EvaluationSubject,
)


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


class EvaluationAnswerInline(ReadOnlyInline):
    model = EvaluationAnswer
    fields = ["subject", "attitude", "efficiency", "transparency", "integrity"]
    related = "subject"


class EvaluationResponseEventInline(EventInline):
    model = EvaluationResponseEvent
    verbose_name_plural = "审核记录"


@admin.register(EvaluationResponse)
class EvaluationResponseAdmin(ReadOnlyAdminMixin, WorkflowAdmin):
    list_display = ["submitted_at", "round", "masked_phone", "comment_excerpt", "comment_status"]
    list_filter = ["comment_status", "round"]
    list_select_related = ["round"]
    search_fields = ["comment"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-pk"]
    inlines = [EvaluationAnswerInline, EvaluationResponseEventInline]
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
    workflow = {
        "approve_comment": Move(
            "公开意见建议",
            permission="review_evaluationresponse",
            state="approve_comment",
        ),
        "reject_comment": Move(
            "意见建议不予公开",
            permission="review_evaluationresponse",
            state="reject_comment",
        ),
    }

    def has_review_permission(self, request):
        return request.user.has_perm("complaints.review_evaluationresponse")

    @admin.display(description="意见建议")
    def comment_excerpt(self, obj):
        return obj.comment[:40] or "—"

    @admin.action(description="公开所选答卷的意见建议", permissions=["review"])
    def approve_comments(self, request, queryset):
        return self.run_in_bulk(request, queryset, "approve_comment", "已公开 {} 条意见")

    @admin.action(description="所选答卷的意见建议不予公开", permissions=["review"])
    def reject_comments(self, request, queryset):
        return self.run_in_bulk(request, queryset, "reject_comment", "已将 {} 条意见设为不予公开")
