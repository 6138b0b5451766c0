"""政民互动: published messages and their statistics, consultations, evaluation results."""

from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from api.errors import ERRORS, filter_rows
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from api.routers.catalog import MAX_ID, TEXT
from api.schemas import (
    ConsultationDetailOut,
    ConsultationPage,
    EvaluationResultOut,
    EvaluationRoundOut,
    MessageOut,
    MessagePage,
    StatisticsOut,
)
from complaints.filters import MessageFilter
from complaints.models import Consultation, EvaluationRound, Message, MessageCategory
from portal.figures import local_bounds, month_bounds, next_month, parse_month, recent_months

router = Router(tags=["政民互动"])

MESSAGE_ORDER = ("-received_at", "-pk")  # as the 留言选登 page lists them
CONSULTATION_ORDER = ("-opens_on", "-pk")  # as the 征求意见 page lists them


class MessageFilters(Schema):
    kind: Literal["inquiry", "suggestion", "complaint", "site_error"] | None = Field(
        None, description="留言类型"
    )
    category: int | None = Field(
        None, ge=1, le=MAX_ID, description="留言类别ID，见 /message-categories"
    )
    department: int | None = Field(None, ge=1, le=MAX_ID, description="答复部门的科室ID")
    year: int | None = Field(None, ge=2000, le=2100, description="受理年份（近8年）")
    q: str | None = Field(None, max_length=50, pattern=TEXT, description="标题或内容包含的文字")
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–100")


class ConsultationFilters(Schema):
    phase: Literal["upcoming", "open", "closed", "feedback"] | None = Field(
        None, description="阶段：预告、征集中、已结束、已反馈"
    )
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–100")


class CategoryOut(Schema):
    id: int = Field(title="类别ID")
    name: str = Field(title="类别名称")


@router.get(
    "/message-categories",
    response={200: list[CategoryOut], **ERRORS},
    summary="留言类别",
)
def message_category_list(request):
    return MessageCategory.objects.order_by("name")


@router.get(
    "/messages",
    response={200: MessagePage, **ERRORS},
    summary="留言选登列表",
    description="留言人同意公开、经审核公开的留言和答复（只有审核后的公开文本，个人信息已遮盖），"
    "受理时间新的在前，与网站留言选登页相同。",
)
def message_list(request, filters: Query[MessageFilters]):
    messages = filter_rows(
        MessageFilter,
        {
            "kind": filters.kind,
            "category": filters.category,
            "department": filters.department,
            "year": filters.year,
            "q": filters.q,
        },
        Message.objects.public().for_public_list(),
    )
    rows, next_cursor = keyset_page(
        messages, ordering=MESSAGE_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/messages/{tracking_number}",
    response={200: MessageOut, **ERRORS},
    summary="一条公开的留言",
)
def message_detail(request, tracking_number: str = Path(..., max_length=20, pattern=TEXT)):
    return get_object_or_404(
        Message.objects.public().for_public_list(), tracking_number=tracking_number
    )


@router.get(
    "/message-statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="留言办理情况统计",
    description="某月收到的全部留言的答复率、按时答复率、满意率，按类型、类别、部门分列，"
    "以及近12个月逐月数字（与网站统计页相同）。",
)
def statistics(
    request,
    month: str | None = Query(
        None, pattern=r"^\d{4}-\d{2}$", description="统计月份 YYYY-MM，近12个月之一；默认本月"
    ),
):
    months = recent_months(timezone.localdate())
    chosen = parse_month(month) if month else months[0]
    if chosen not in months:
        raise Http404("只提供近12个月的统计")
    received = Message.objects.received_in(*month_bounds(chosen))
    return {
        "month": f"{chosen:%Y-%m}",
        "total": received.figures(),
        "by_kind": received.figures_by("kind"),
        "by_category": received.figures_by("category"),
        "by_department": received.figures_by("department"),
        "monthly": Message.objects.received_in(
            *local_bounds(months[-1], next_month(months[0]))
        ).monthly_figures(),
    }


@router.get(
    "/consultations",
    response={200: ConsultationPage, **ERRORS},
    summary="征求意见列表",
    description="已发布的征求意见，开始日期新的在前。",
)
def consultation_list(request, filters: Query[ConsultationFilters]):
    consultations = Consultation.objects.public().for_public_list()
    if filters.phase:
        consultations = consultations.in_phase(filters.phase)
    rows, next_cursor = keyset_page(
        consultations, ordering=CONSULTATION_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationDetailOut, **ERRORS},
    summary="征求意见详情",
    description="草案逐条条文、经审核公开的意见；发布采纳情况后还有每条意见的采纳情况和统计。",
)
def consultation_detail(request, consultation_id: int = Path(..., ge=1, le=MAX_ID)):
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("department", "final_item"),
        pk=consultation_id,
    )
    return consultation


@router.get(
    "/evaluations",
    response={200: list[EvaluationRoundOut], **ERRORS},
    summary="网上评议（已结束）",
    description="已结束的网上评议；结果在评议结束后公开。",
)
def evaluation_list(request):
    return EvaluationRound.objects.closed().order_by("-closes_on", "-pk")


@router.get(
    "/evaluations/{round_id}",
    response={200: EvaluationResultOut, **ERRORS},
    summary="网上评议结果",
    description="各评议对象的平均分、满意率、评分分布，和经审核公开的意见建议。",
)
def evaluation_results(request, round_id: int = Path(..., ge=1, le=MAX_ID)):
    return get_object_or_404(EvaluationRound.objects.closed(), pk=round_id)
