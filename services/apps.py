from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "办事服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import content_safety, search

        from . import signals  # noqa: F401
        from .models import (
            ApprovalResult,
            GuideMaterial,
            GuideQuestion,
            GuideStep,
            LegalBasis,
            ServiceGuide,
        )

        # The guide's own fields are scanned before submit/approve (portal.content_safety's
        # default for workflow models). Its materials, steps, questions and legal bases, and the
        # 办件公示 results, are checked when saved (their clean()) and rescanned by scan_content.
        for model in [GuideMaterial, GuideStep, GuideQuestion, LegalBasis]:
            content_safety.register(
                model,
                fields=content_safety.default_text_fields(model),
                published=lambda rows: rows.filter(guide__status="published"),
            )
        content_safety.register(ApprovalResult, fields=["result"], published=lambda rows: rows)

        # Published guides and the 办件公示 (applicants masked) join the site search.
        search.register(
            ServiceGuide,
            public_rows=lambda: ServiceGuide.objects.published().select_related("theme"),
            document=guide_document,
        )
        search.register(
            ApprovalResult,
            public_rows=lambda: ApprovalResult.objects.select_related("guide"),
            document=result_document,
        )


def guide_document(guide):
    """How a guide reads in the site search index."""
    return {
        "kind": "办事指南",
        "title": f"{guide.name}办事指南",
        "url": guide.get_absolute_url(),
        "text": f"{guide.conditions} {guide.location} {guide.fee_summary()}",
        "published_at": guide.published_at,
        "department_id": guide.department_id,
        "column": guide.theme.name,
        "extra": f"{guide.code} {guide.get_kind_display()}",
    }


def result_document(result):
    """How a result reads in the search index: the applicant only as the public may see it."""
    from datetime import datetime, time
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils import timezone

    accepted_at = timezone.make_aware(datetime.combine(result.accepted_on, time(9)))
    return {
        "kind": "办件公示",
        "title": f"{result.guide.name}（受理编号 {result.tracking_number}）",
        "url": reverse("services:result-lookup")
        + "?"
        + urlencode({"number": result.tracking_number}),
        "text": f"申请人：{result.public_applicant}；状态：{result.get_status_display()}；"
        f"{result.result}",
        "published_at": accepted_at,
        "column": "办件公示",
        "extra": result.tracking_number,
    }
