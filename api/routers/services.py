"""办事服务: service guides with every element, and the 办件公示."""

from typing import Literal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from ninja import Field, Path, Query, Router, Schema

from api.errors import ERRORS, filter_rows
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from api.routers.catalog import MAX_ID, SLUG, TEXT
from api.schemas import (
    ApprovalResultOut,
    ApprovalResultPage,
    GuideDetailOut,
    GuidePage,
    IsoDate,
    ThemeOut,
)
from services.filters import ApprovalResultFilter
from services.models import ApprovalResult, ServiceGuide, ServiceTheme

router = Router(tags=["办事服务"])

GUIDE_ORDER = ("initial", "name", "pk")  # A–Z, as the 办事服务 pages list them
RESULT_ORDER = ("-accepted_on", "-pk")  # newest first, as the 办件公示 page lists them


class GuideFilters(Schema):
    theme: str | None = Field(
        None, max_length=30, pattern=SLUG, description="办事主题代码，见 /guide-themes"
    )
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–100")


class ResultFilters(Schema):
    number: str | None = Field(
        None, max_length=40, pattern=TEXT, description="受理编号（包含即可）"
    )
    theme: int | None = Field(None, ge=1, le=MAX_ID, description="办事主题ID，见 /guide-themes")
    status: Literal["accepted", "processing", "completed", "refused", "returned"] | None = Field(
        None, description="状态"
    )
    accepted_from: IsoDate | None = Field(None, description="受理日期从（含）")
    accepted_to: IsoDate | None = Field(None, description="受理日期至（含）")
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–100")


@router.get(
    "/guide-themes",
    response={200: list[ThemeOut], **ERRORS},
    summary="办事主题",
)
def theme_list(request):
    return ServiceTheme.objects.visible()


@router.get(
    "/guides",
    response={200: GuidePage, **ERRORS},
    summary="办事指南列表",
    description="已发布的办事指南，按事项名称首字母排序。",
)
def guide_list(request, filters: Query[GuideFilters]):
    guides = ServiceGuide.objects.public().for_list()
    if filters.theme:
        theme = ServiceTheme.objects.visible().filter(slug=filters.theme).first()
        if theme is None:
            raise Http404("没有这个办事主题")
        guides = guides.filter(theme=theme)
    rows, next_cursor = keyset_page(
        guides, ordering=GUIDE_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/guides/{guide_id}",
    response={200: GuideDetailOut, **ERRORS},
    summary="办事指南详情",
    description="事项的全部要素：设定依据、申请条件、办理材料（含表格下载）、办理流程、"
    "时限、收费、地点、电话和常见问题。",
)
def guide_detail(request, response: HttpResponse, guide_id: int = Path(..., ge=1, le=MAX_ID)):
    guide = get_object_or_404(ServiceGuide.objects.public().for_detail(), pk=guide_id)
    response["Last-Modified"] = http_date(guide.updated_at.timestamp())
    return guide


@router.get(
    "/approval-results",
    response={200: ApprovalResultPage, **ERRORS},
    summary="办件公示列表",
    description="全部办件，受理日期新的在前，与网站办件公示页的筛选和顺序相同；"
    "个人申请人只显示姓氏。",
)
def result_list(request, filters: Query[ResultFilters]):
    results = filter_rows(
        ApprovalResultFilter,
        {
            "number": filters.number,
            "theme": filters.theme,
            "status": filters.status,
            "accepted_from": filters.accepted_from,
            "accepted_to": filters.accepted_to,
        },
        ApprovalResult.objects.for_list(),
    )
    rows, next_cursor = keyset_page(
        results, ordering=RESULT_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/approval-results/{tracking_number}",
    response={200: ApprovalResultOut, **ERRORS},
    summary="按受理编号查询办件",
)
def result_detail(request, tracking_number: str = Path(..., max_length=40, pattern=TEXT)):
    result = (
        ApprovalResult.objects.for_list().filter(tracking_number__iexact=tracking_number).first()
    )
    if result is None:
        raise Http404("没有这个受理编号的办件")
    return result
