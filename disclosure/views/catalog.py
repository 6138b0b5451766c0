"""Public pages of the 政务公开 catalog. Only published 主动公开 items are ever shown."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from disclosure.filters import ItemFilter
from disclosure.models import Category, Item, ItemAttachment
from portal.pagecache import cache_public_page, column_scope, depends_on, object_scope
from portal.pagination import paginate
from portal.uploads import attachment_response

# Columns shown with their newest items on the 政务公开 landing page, in this order.
LANDING_COLUMNS = ["tzgg", "zcwj", "zcjd", "tdzs", "tdgy", "xzxk", "xzcf", "zwdt"]


@cache_public_page
def index(request):
    columns = Category.objects.public_by_slug()
    depends_on(*(column_scope(columns[slug].pk) for slug in LANDING_COLUMNS if slug in columns))
    sections = [
        (columns[slug], Item.public_rows().in_category(columns[slug])[:6])
        for slug in LANDING_COLUMNS
        if slug in columns
    ]
    return render(request, "disclosure/index.html", {"sections": sections})


@cache_public_page
def catalog(request):
    """公开目录: the column tree."""
    roots = Category.objects.visible().roots().prefetch_related("children")
    return render(request, "disclosure/catalog.html", {"roots": roots})


@cache_public_page
def standard_catalog(request):
    """标准目录: every column with the attributes of the 基层政务公开标准目录, as one table."""
    roots = Category.objects.visible().roots().prefetch_related("children")
    return render(request, "disclosure/standard_catalog.html", {"roots": roots})


@cache_public_page
def guide(request):
    """公开指南: the newest published guide text plus the bureau's contacts."""
    column = get_object_or_404(Category, slug="gkzn")
    depends_on(column_scope(column.pk))
    item = Item.objects.public().filter(category=column).for_detail().latest().first()
    return render(request, "disclosure/guide.html", {"item": item, "column": column})


@cache_public_page
def category(request, slug):
    column = Category.objects.public_by_slug().get(slug)
    if column is None:
        raise Http404("没有这个栏目")
    depends_on(column_scope(column.pk))
    items = Item.public_rows().in_category(column)
    filtering = ItemFilter.filters_asked(request.GET)
    if filtering:
        filterset = ItemFilter(request.GET, queryset=items)
        listed = filterset.qs
    else:
        # The empty form is drawn once per worker (column_head): made only when it is.
        filterset = SimpleLazyObject(lambda: ItemFilter(queryset=items))
        listed = items
    query = request.GET.copy()
    query.pop("page", None)
    query_string = query.urlencode()
    page = paginate(request, listed, count_cache=f"column:{column.pk}:{query_string}")
    context = {
        "column": column,
        "children": [child for child in column.children.all() if child.is_visible],
        "filter": filterset,
        "filtering": filtering,
        "page_obj": page,
        "query_string": query_string,
    }
    return render(request, "disclosure/item_list.html", context)


@cache_public_page
def item_detail(request, pk, *, printable=False):
    depends_on(object_scope(Item, pk))
    try:
        item = Item.public_page(pk)
    except Item.DoesNotExist:
        raise Http404("没有这条信息") from None
    template = "disclosure/item_print.html" if printable else "disclosure/item_detail.html"
    return render(request, template, {"item": item})


def attachment(request, pk):
    file = get_object_or_404(ItemAttachment.objects.filter(item__in=Item.objects.public()), pk=pk)
    return attachment_response(file)
