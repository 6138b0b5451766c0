"""Pagination that never counts a whole large table, and reads deep pages from the index.

Counting a million rows on every page view is the slowest part of a list page. Three things keep
a list page's cost independent of the table's size:

- The count is capped: `SELECT COUNT(*) FROM (SELECT ... LIMIT cap+1)` stops after cap+1 rows, so
  its cost is bounded by the cap, not by the table. Beyond the cap the page says "10000+" and asks
  the reader to filter; real readers do not page past 500 pages of 20 items.
- Lists whose content moves the page-cache version (`portal.pagecache.content_changed`, i.e. the
  catalog and the service guides) may keep that count in the cache (`count_cache=True`): it is
  keyed by the query and the content version, so a publication or withdrawal changes it at once.
  This is not the page cache: the rows are read from the database on every view. A caller that
  knows what decides the count passes it as the key (`count_cache="column:12:year=2025"`), which
  saves compiling the SQL to name it.
- Only the pages inside the cap are offered: a capped list has cap // per_page pages (500 of 20
  rows), its page links end in "…" and it has no 尾页, since its last page is neither known nor
  reachable. A list under the cap knows its last page and offers 尾页.
- Deep pages (from row DEFERRED_JOIN_FROM on) first read the 20 ids of the page, which an index
  holding the sort key and the id answers without touching the table, then those 20 rows; an
  OFFSET over full rows would read every skipped row from the table.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000
DEFERRED_JOIN_FROM = 1_000
WINDOW = 2  # page numbers shown on each side of the current one: 1 … 4 5 [6] 7 8 … 120


class CappedPage(Page):
    """A page that knows which page links to offer around itself."""

    refused = ""  # the page number asked for when another page had to be shown (see paginate)

    def window(self, on_each_side=WINDOW):
        """Return the page numbers to link, None where a run of pages is left out (…).

        The first page is always there; the last only when it is known (the count was not capped).
        """
        last = self.paginator.num_pages
        low, high = max(1, self.number - on_each_side), min(last, self.number + on_each_side)
        numbers = list(range(low, high + 1))
        if low > 2:
            numbers[:0] = [1, None]
        elif low == 2:
            numbers.insert(0, 1)
        if self.paginator.is_capped:
            numbers.append(None)  # more rows follow, past the pages that can be reached
        elif high < last - 1:
            numbers += [None, last]
        elif high == last - 1:
            numbers.append(last)
        return numbers

    @property
    def has_known_last(self):
        """Whether the last page is known, so that 尾页 can be offered."""
        return not self.paginator.is_capped


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap=COUNT_CAP, count_cache=False, **kwargs):
        self.cap = cap
        self.count_cache = count_cache
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "query"):  # a list, or the window of a site search
            return min(len(self.object_list), self.cap + 1)
        capped = self.object_list[: self.cap + 1]
        seconds = settings.LIST_COUNT_CACHE_SECONDS
        if not (self.count_cache and seconds):
            return capped.count()
        from .pagecache import content_version

        if isinstance(self.count_cache, str):
            name = self.count_cache
        else:
            sql, params = capped.query.sql_with_params()
            name = f"{sql}\x00{params!r}"
        digest = hashlib.sha256(name.encode()).hexdigest()
        key = f"listcount:{content_version()}:{digest}"
        count = cache.get(key)
        if count is None:
            count = capped.count()
            cache.set(key, count, seconds)
        return count

    @property
    def is_capped(self):
        """Whether there are more rows than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        """The pages that can be reached: past the cap, only those wholly inside it."""
        if self.is_capped:
            return max(1, self.cap // self.per_page)
        return super().num_pages

    def _get_page(self, object_list, number, paginator):
        """Return the page; a deep one reads its ids from the index first."""
        query = getattr(object_list, "query", None)
        if query is not None and query.low_mark >= DEFERRED_JOIN_FROM:
            page_ids = self.object_list.values_list("pk", flat=True)
            ids = list(page_ids[query.low_mark : query.high_mark])
            object_list = list(self.object_list.filter(pk__in=ids))
        return CappedPage(object_list, number, paginator)


def paginate(request, queryset, per_page=20, cap=COUNT_CAP, *, count_cache=False):
    """Return the requested page of queryset.

    A page number that is not a number gives the first page, one past the end the last page that
    can be reached; either way page.refused says which number was asked for, and the pagination
    include tells the reader why another page is shown.

    count_cache: False, True (the count is cached under its SQL) or a string naming the count.
    """
    paginator = CappedPaginator(queryset, per_page, cap=cap, count_cache=count_cache)
    asked = (request.GET.get("page") or "").strip()
    try:
        page = paginator.page(asked or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages if int(asked) > 1 else 1)
    else:
        return page
    page.refused = asked[:12]
    return page
