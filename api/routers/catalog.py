"""政务公开目录: departments, the column tree, catalog items."""

from typing import Literal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from ninja import Field, Path, Query, Router, Schema

from api.errors import ERRORS, filter_rows
from api.filters import ItemApiFilter
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from api.schemas import ColumnOut, DepartmentOut, IsoDateTime, ItemDetailOut, ItemPage
from disclosure.models import Category, Item
from portal.models import Department

router = Router(tags=["政务公开目录"])

# Newest first, as the column pages list them; the id makes the order total for the cursor.
ITEM_ORDER = ("-published_at", "-pk")
MAX_ID = 2**62
SLUG = r"^[-a-zA-Z0-9_]+$"
TEXT = r"^[^\x00]*$"


class ItemFilters(Schema):
    column: str | None = Field(
        None, max_length=40, pattern=SLUG, description="栏目代码（含其下级栏目），见 /columns"
    )
    department: int | None = Field(
        None, ge=1, le=MAX_ID, description="发布机构的科室ID，见 /departments"
    )
    year: int | None = Field(None, ge=2000, le=2100, description="发布年份（近12年）")
    validity: Literal["valid", "amended", "repealed", "expired"] | None = Field(
        None, description="有效性：valid 有效、amended 已修改、repealed 已废止、expired 已失效"
    )
    document_number: str | None = Field(
        None, max_length=60, pattern=TEXT, description="文号（包含即可），如 〔2026〕12号"
    )
    updated_since: IsoDateTime | None = Field(
        None,
        description="只要此时间以后新发布或修改过的信息（ISO 8601，如 2026-01-01T00:00:00+08:00）",
    )
    cursor: str | None = Field(None, max_length=400, description="上一页返回的 next_cursor")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数，1–100")


@router.get(
    "/departments",
    response={200: list[DepartmentOut], **ERRORS},
    summary="科室列表",
    description="在用的科室，按排序；其 id 用于信息和留言的 department 筛选。",
)
def department_list(request):
    return Department.objects.active()


@router.get(
    "/columns",
    response={200: list[ColumnOut], **ERRORS},
    summary="栏目树",
    description="政务公开目录的一级栏目及其下级栏目（只含前台显示的栏目）。",
)
def column_list(request):
    return [column for column in Category.objects.public_by_slug().values() if not column.parent_id]


@router.get(
    "/columns/{slug}",
    response={200: ColumnOut, **ERRORS},
    summary="一个栏目",
)
def column_detail(request, slug: str = Path(..., max_length=40, pattern=SLUG)):
    column = Category.objects.public_by_slug().get(slug)
    if column is None:
        raise Http404("没有这个栏目")
    return column


@router.get(
    "/items",
    response={200: ItemPage, **ERRORS},
    summary="信息条目列表",
    description=(
        "已发布的主动公开信息，发布日期新的在前，与网站栏目页的筛选和顺序相同。"
        "按游标翻页：把返回的 next_cursor 作为 cursor 参数请求下一页；不提供总数。"
    ),
)
def item_list(request, filters: Query[ItemFilters]):
    items = Item.objects.public().for_detail()
    if filters.column:
        column = Category.objects.public_by_slug().get(filters.column)
        if column is None:
            raise Http404("没有这个栏目")
        items = items.in_category(column)
    items = filter_rows(
        ItemApiFilter,
        {
            "department": filters.department,
            "year": filters.year,
            "validity": filters.validity,
            "document_number": filters.document_number,
            "updated_since": filters.updated_since.isoformat() if filters.updated_since else None,
        },
        items,
    )
    rows, next_cursor = keyset_page(
        items, ordering=ITEM_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {"items": rows, "next_cursor": next_cursor}


@router.get(
    "/items/{item_id}",
    response={200: ItemDetailOut, **ERRORS},
    summary="信息条目详情",
    description="目录头信息、正文、附件下载路径、政策解读的双向链接和替代文件。",
)
def item_detail(request, response: HttpResponse, item_id: int = Path(..., ge=1, le=MAX_ID)):
    item = get_object_or_404(Item.objects.public().for_detail(), pk=item_id)
    response["Last-Modified"] = http_date(item.updated_at.timestamp())
    return item
