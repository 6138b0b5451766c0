"""站内搜索: the same index, form and limits as the /search/ page."""

from typing import Literal

from django.core.paginator import EmptyPage
from ninja import Field, Query, Router, Schema

from api.errors import ERRORS, InvalidParameters
from api.routers.catalog import MAX_ID, TEXT
from api.schemas import SearchOut
from portal import search as site_search
from portal.forms import SearchForm
from portal.models import SearchEntry
from portal.pagination import CappedPaginator
from portal.views import SEARCH_COUNT_CAP

router = Router(tags=["站内搜索"])

PER_PAGE = 20  # as the search page


class SearchParams(Schema):
    q: str = Field(..., max_length=60, pattern=TEXT, description="关键词，至少两个字，如 土地征收")
    kind: Literal["政府信息", "办事指南", "办件公示", "政民互动"] | None = Field(
        None, description="类型"
    )
    department: int | None = Field(None, ge=1, le=MAX_ID, description="发布机构的科室ID")
    year: int | None = Field(None, ge=2000, le=2100, description="发布年份（近12年）")
    order: Literal["relevance", "date"] | None = Field(
        None, description="relevance 按相关度（默认）、date 按发布时间"
    )
    page: int = Field(1, ge=1, le=SEARCH_COUNT_CAP // PER_PAGE, description="页码，1–50")


@router.get(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="站内搜索",
    description="在政府信息、办事指南、办件公示和公开的留言中搜索，结果与网站搜索页相同；"
    "命中很多时只在最新的1000条中排序。",
)
def search(request, params: Query[SearchParams]):
    data = {name: value for name, value in params.dict().items() if value is not None}
    form = SearchForm(data, kinds=SearchEntry.KINDS)
    if not form.is_valid():
        raise InvalidParameters(form.errors)
    query = form.cleaned_data["q"]
    if not query:
        raise InvalidParameters({"q": ["请输入关键词"]})
    entries = SearchEntry.objects.search(
        query,
        kind=form.cleaned_data["kind"],
        department=form.cleaned_data["department"],
        year=form.cleaned_data["year"],
        order=form.cleaned_data["order"] or "relevance",
    )
    paginator = CappedPaginator(entries, PER_PAGE, cap=SEARCH_COUNT_CAP)
    try:
        page = paginator.page(params.page)
    except EmptyPage:
        hits, has_next = [], False
    else:
        hits, has_next = list(page.object_list), page.has_next()
    terms = site_search.query_words(query)
    return {
        "query": query,
        "page": params.page,
        "has_next": has_next,
        "is_capped": paginator.is_capped,
        "results": [
            {
                "kind": entry.kind,
                "title": entry.title,
                "title_html": site_search.highlight(entry.title, terms),
                "snippet_html": site_search.highlight(
                    entry.body, terms, length=site_search.SNIPPET_LENGTH
                ),
                "column": entry.column,
                "department": entry.department.name if entry.department_id else None,
                "published_at": entry.published_at,
                "url": entry.url,
            }
            for entry in hits
        ],
    }
