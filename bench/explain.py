"""Print the PostgreSQL plans (EXPLAIN ANALYZE) of the hot public queries on the benchmark database.

Run by `make bench` after the measurements; the output is kept in bench/explain.txt.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.db import connection  # noqa: E402

from disclosure.models import Category, Item  # noqa: E402
from portal import search  # noqa: E402
from portal.models import SearchEntry  # noqa: E402
from portal.pagination import COUNT_CAP  # noqa: E402


def explain(title, queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"## {title}\n\n{sql % tuple(repr(p) for p in params)}\n\n{plan}\n")


column = Category.objects.prefetch_related("children").get(slug="tzgg")
listing = Item.objects.public().in_category(column).list_rows().latest()
print(f"# Hot queries on {Item.objects.count()} items ({connection.vendor})\n")
explain("Column list, page 1", listing[:20])
explain(
    "Column list, deep page (400): the page's ids from the index alone (portal.pagination)",
    listing.values_list("pk", flat=True)[7980:8000],
)
explain(
    "Capped count (kept in the cache under the content version)",
    listing[: COUNT_CAP + 1].values("pk"),
)
explain(
    "Item detail: the item with its attachment and 解读 flags (Item.public_page)",
    Item._public_page_rows().filter(pk=listing[0]["pk"]),
)


# The one heavy query of a search: ids and ranks of the newest 1,001 matches, read in steps
# (portal.search.SearchResults): the plan of its first step, then what the whole read took.
for word in ["土地", "不动产登记", "宅基地", "2025", "2017", "矿山地质环境"]:
    results = SearchEntry.objects.search(word)
    cutoff = search.recent_cutoff(results.RECENT_ROWS)
    newest = results._rows.values_list("pk", "rank", "kind").order_by("-published_at", "-pk")
    first_step = newest.filter(published_at__gte=cutoff)[:1001]
    with search._plan(walk=True):
        explain(f"Search, the newest entries: {word}", first_step)
    started = time.perf_counter()
    window = results._read_window()
    took = (time.perf_counter() - started) * 1000
    partial = "; partial (any older matches)" if results.is_partial else ""
    print(f"Search window of {word}: {len(window)} rows in {took:.0f} ms{partial}\n")
