"""Pagination that never counts a whole large table.

Counting a million rows on every page view is the slowest part of a list page. The count is capped:
`SELECT COUNT(*) FROM (SELECT ... LIMIT cap+1)` stops after cap+1 rows, so its cost is bounded by
the cap, not by the table. Beyond the cap the page says "10000+" and asks the reader to filter; real
readers do not page past 500 pages of 20 items.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap=COUNT_CAP, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        return self.object_list[: self.cap + 1].count()

    @property
    def is_capped(self):
        """Whether there are more rows than were counted."""
        return self.count > self.cap


def paginate(request, queryset, per_page=20, cap=COUNT_CAP):
    """Return the requested page of queryset; a bad or too large page number gives the last page."""
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
