"""Site search: Chinese segmentation, the shared index, and the query.

Every model whose rows the public can search declares `search_rows()` (a classmethod: its public
rows) and `search_document()` (how one row reads in the index), the way it declares
`get_absolute_url()`; saving a row re-indexes it and `manage.py reindex` rebuilds them all. The
text is segmented with jieba (`cut_for_search`, plus the bureau's own dictionary in
`portal/data/search_dict.txt`) and stored space-separated in `search_text`, so the database only
has to match whole words:

- PostgreSQL: a stored generated tsvector column (`SearchEntry.search_vector`, config `simple`,
  title weighted A above the text's B) with a GIN index, ranked by ts_rank;
- SQLite: an FTS5 table over the same two columns (created by the migration), ranked by bm25 with
  the title weighted 10:1.

Both find the entries containing every word of the query, so they return the same hits.
"""

import hashlib
import html
import json
import logging
import re
import time
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import timedelta
from functools import cached_property, lru_cache
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, FloatField, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

USER_DICT = Path(__file__).parent / "data" / "search_dict.txt"
WORD_RE = re.compile(r"[\w]+", re.UNICODE)
SNIPPET_LENGTH = 120


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(USER_DICT))
    return jieba


def normalise(text):
    """Return text in one form: full-width letters and digits folded (NFKC), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def words(text):
    """Return the search words of text: jieba's fine segmentation, punctuation dropped."""
    tokens = _jieba().cut_for_search(normalise(text))
    return [token for token in tokens if WORD_RE.fullmatch(token)]


def segment(text):
    """Return the words of text joined by spaces, as stored in the index."""
    return " ".join(words(text))


def query_groups(query):
    """Return the query as [(word, parts)]: each word of jieba's accurate cut, with the larger
    pieces the index also holds for it (不动产登记 → 不动产, 登记). A row matches a word when it
    holds the word itself or all of its parts, so 土地征收 also finds "征收土地"."""
    jieba = _jieba()
    groups = {}
    for word in jieba.cut(normalise(query)):
        if not WORD_RE.fullmatch(word) or word in groups:
            continue
        pieces = [p for p in jieba.cut_for_search(word) if p != word and WORD_RE.fullmatch(p)]
        # Keep the largest pieces: 不动 and 动产 are inside 不动产.
        parts = [p for p in dict.fromkeys(pieces) if not any(p != q and p in q for q in pieces)]
        groups[word] = parts if len(parts) > 1 else []
    return list(groups.items())[:8]


def query_words(query):
    """Return every word and part of a query, longest first (for highlighting)."""
    terms = {term for word, parts in query_groups(query) for term in [word, *parts]}
    return sorted(terms, key=len, reverse=True)


def plain_text(html_text):
    """Return the readable text of an HTML fragment."""
    text = re.sub(r"<[^>]+>", " ", html_text or "")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def entry_fields(*, kind, title, url, text, published_at, department_id=None, column="", extra=""):
    """Return the stored fields of an index entry for a document."""
    body = plain_text(text)
    return {
        "kind": kind,
        "title": title[:300],
        "url": url,
        "column": column[:60],
        "department_id": department_id,
        "published_at": published_at,
        "body": body[:2000],
        "title_terms": segment(title),
        "search_text": segment(f"{title} {extra} {body}"),
    }


def build_entry(*, key, **document):
    """Return an unsaved SearchEntry (for bulk indexing)."""
    from .models import SearchEntry

    return SearchEntry(key=key, **entry_fields(**document))


def index_document(*, key, **document):
    """Add or refresh one public row in the index."""
    from .models import SearchEntry

    SearchEntry.objects.update_or_create(key=key, defaults=entry_fields(**document))
    index_changed()


def remove_document(key):
    """Drop a row from the index (it was withdrawn or deleted)."""
    from .models import SearchEntry

    SearchEntry.objects.filter(key=key).delete()
    index_changed()


INDEX_VERSION_KEY = "search:index-version"


def index_changed():
    """Make the kept search windows stale: the index gained, changed or lost rows."""
    try:
        cache.incr(INDEX_VERSION_KEY)
    except ValueError:
        cache.set(INDEX_VERSION_KEY, time.time_ns() // 1000, None)  # never an old number


def index_version():
    """Return the version of the index that index_changed() moves on."""
    return cache.get_or_set(INDEX_VERSION_KEY, time.time_ns() // 1000, None)


def match(queryset, query):
    """Return queryset narrowed to entries containing every word of query, with a `rank`.

    Two characters and up work as words (公开, 土地); a query with no word matches nothing.
    """
    groups = query_groups(query)
    if not groups:
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        def quote(term):
            return "'{}'".format(term.replace("'", "''"))

        tsquery = SearchQuery(
            " & ".join(
                f"({quote(word)} | ({' & '.join(map(quote, parts))}))" if parts else quote(word)
                for word, parts in groups
            ),
            config="simple",
            search_type="raw",
        )
        # Rank on the small title vector only: ranking the whole text of tens of thousands of
        # matches means reading every one of them, which is what makes a search slow.
        # F(): a plain name would be wrapped in to_tsvector(title_vector::text) per row.
        return queryset.filter(search_vector=tsquery).annotate(
            rank=SearchRank(F("title_vector"), tsquery)
        )
    from django.db.models.expressions import RawSQL

    def quote_fts(term):
        return '"{}"'.format(term.replace('"', '""'))

    fts = " AND ".join(
        f"({quote_fts(word)} OR ({' AND '.join(map(quote_fts, parts))}))"
        if parts
        else quote_fts(word)
        for word, parts in groups
    )
    matching = RawSQL(
        "SELECT rowid FROM portal_searchentry_fts WHERE portal_searchentry_fts MATCH %s", [fts]
    )
    # bm25 is lower for better matches; negate it so that both backends sort rank descending.
    rank = RawSQL(
        "SELECT -bm25(portal_searchentry_fts, 10.0, 1.0) FROM portal_searchentry_fts "
        "WHERE portal_searchentry_fts MATCH %s AND rowid = portal_searchentry.id",
        [fts],
    )
    return queryset.filter(id__in=matching).annotate(rank=rank)


# A guide or a document answers a citizen's question better than one of the hundreds of daily
# 办件公示 rows that share its title words (宅基地 → the guide, not last week's approvals).
KIND_WEIGHTS = {"办事指南": 1.5, "政府信息": 1.2, "政民互动": 1.0, "办件公示": 0.5}


class SearchResults(Sequence):
    """The hits of a search: the newest WINDOW matching entries, best (or newest) first.

    One query reads the id and rank of the window; a page then reads its own 20 rows. A word such
    as 土地 matches hundreds of thousands of rows, and ranking or counting all of them would read
    every one: like search engines, the site ranks within the newest matches and says "1000+"
    beyond them. One row past the window is read so that the page can say so.

    How the window is read is chosen from what the newest entries show, not from the planner's
    estimate (which takes the words of 矿山地质环境 for independent, so a fifth of the index for a
    few rows, and knows nothing of a word such as 2017 that only old entries hold):

    1. the newest RECENT_ROWS entries are read along the date index, each tested against the
       words (on PostgreSQL some 20 µs an entry: its word vector is stored out of line);
    2. if the window is not full, the share of matches found there says how far a walk would go:
       up to WALK_ROWS more entries, it walks on along the date index;
    3. otherwise the older matches come from the GIN index and are sorted, which costs their
       number: when the planner expects at most SORT_MATCHES of them (its estimate is good for
       one word), within TIMEOUT_MS on PostgreSQL;
    4. failing that, the window is filled with any older matches (bounded: the GIN index stops
       at the rows needed, no sort), and `is_partial` says so.

    Every step is exact but the last, whose hits are still matches, only not the newest. The
    window is kept in the cache (cache_key, SEARCH_PAGE_CACHE_SECONDS, under the index version)
    so that the next pages of a search, and the same search again, do not read it again.
    """

    WINDOW = 1000
    RECENT_ROWS = 1000
    WALK_ROWS = 6000
    SORT_MATCHES = 8000
    TIMEOUT_MS = 150

    def __init__(self, rows, *, order="relevance", cache_key=None):
        self._rows = rows
        self._order = order
        self._cache_key = cache_key
        self.is_partial = False

    def window(self):
        """Return the query of the window: id, rank and kind of the newest WINDOW + 1 matches."""
        rows = self._rows.order_by(F("published_at").desc(), F("pk").desc())
        return rows.values_list("pk", "rank", "kind")[: self.WINDOW + 1]

    def _cached_window(self):
        from django.conf import settings

        seconds = settings.SEARCH_PAGE_CACHE_SECONDS
        if self._cache_key is None or not seconds:
            return self._read_window()
        digest = hashlib.sha256(self._cache_key.encode()).hexdigest()
        key = f"search:window:{index_version()}:{digest}"
        stored = cache.get(key)
        if stored is None:
            stored = {"rows": self._read_window(), "partial": self.is_partial}
            cache.set(key, stored, seconds)
        self.is_partial = stored["partial"]
        return list(stored["rows"])

    def _estimated_rows(self, rows):
        """Return the planner's estimate of the number of rows of a query (PostgreSQL)."""
        sql, params = rows.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return plan[0]["Plan"]["Plan Rows"]

    def _read_window(self):
        limit = self.WINDOW + 1
        cutoff = recent_cutoff(self.RECENT_ROWS)
        if cutoff is None:  # a small index: one query reads it all
            return list(self.window())
        rows = self._rows.values_list("pk", "rank", "kind")
        newest = [F("published_at").desc(), F("pk").desc()]
        with _plan(walk=True):
            found = list(rows.filter(published_at__gte=cutoff).order_by(*newest)[:limit])
        need = limit - len(found)
        if not need:
            return found
        older = rows.filter(published_at__lt=cutoff)
        if found and need * self.RECENT_ROWS / len(found) <= self.WALK_ROWS:
            try:
                with _plan(walk=True, timeout_ms=self.TIMEOUT_MS):
                    return found + list(older.order_by(*newest)[:need])
            except DatabaseError:
                pass  # the matches thinned out: the GIN index below
        # An order no index gives, so that the planner takes the GIN matches and sorts them.
        by_date = ExpressionWrapper(
            F("published_at") + Value(timedelta(0)), output_field=DateTimeField()
        )
        if connection.vendor != "postgresql" or self._estimated_rows(older) <= self.SORT_MATCHES:
            try:
                with _plan(timeout_ms=self.TIMEOUT_MS):
                    return found + list(older.order_by(by_date.desc(), F("pk").desc())[:need])
            except DatabaseError:
                pass
        self.is_partial = True
        with _plan(gin=True):
            return found + list(older.order_by()[:need])

    @cached_property
    def _ids(self):
        if self._rows.query.is_empty():  # a query of punctuation only: no word, no hit
            return []
        window = self._cached_window()
        if self._order != "date":
            # Stable: equal ranks stay newest first.
            window.sort(key=lambda row: -row[1] * KIND_WEIGHTS.get(row[2], 1.0))
        return [pk for pk, _rank, _kind in window]

    def __len__(self):
        return len(self._ids)

    def count(self):
        return len(self)

    def __getitem__(self, index):
        from .models import SearchEntry

        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self._ids[index]
        entries = SearchEntry.objects.filter(pk__in=ids).select_related("department")
        by_id = {entry.pk: entry for entry in entries}
        return [by_id[pk] for pk in ids if pk in by_id]


RECENT_CUTOFF_KEY = "search:recent-cutoff:{}:{}"


def recent_cutoff(rows):
    """Return the publication time of the rows-th newest index entry, or None when the index
    holds fewer (read from the date index alone; kept while the content version stands)."""
    from .models import SearchEntry

    key = RECENT_CUTOFF_KEY.format(rows, index_version())
    found = cache.get(key)
    if found is None:
        dates = SearchEntry.objects.order_by("-published_at").values_list("published_at", flat=True)
        found = {"at": next(iter(dates[rows : rows + 1]), None)}
        cache.set(key, found, 300)
    return found["at"]


@contextmanager
def _plan(*, walk=False, gin=False, timeout_ms=None):
    """On PostgreSQL, read the next query along the date index (walk), from the GIN index alone
    (gin), and/or give up after timeout_ms (a DatabaseError, its transaction rolled back)."""
    if connection.vendor != "postgresql":
        yield
        return
    options = []
    if walk:
        options.append(("enable_bitmapscan", "off"))
    if gin:
        options += [("enable_indexscan", "off"), ("enable_seqscan", "off")]
    if timeout_ms:
        options.append(("statement_timeout", str(timeout_ms)))
    with transaction.atomic():
        if options:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(options)),
                    [value for option in options for value in option],
                )
        yield


def highlight(text, terms, *, length=None):
    """Return text escaped, cut around the first hit when length is given, terms in <mark>."""
    text = text or ""
    folded = normalise(text)
    if length and len(text) > length:
        first = min((folded.find(t) for t in terms if t in folded), default=0)
        start = max(first - length // 3, 0)
        text = ("…" if start else "") + text[start : start + length] + "…"
        folded = normalise(text)
    spans = []
    for term in terms:
        for found in re.finditer(re.escape(term), folded):
            spans.append((found.start(), found.end()))
    spans.sort(key=lambda span: (span[0], -span[1]))  # the longest term where several start
    out, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece of text above is escaped


# The searchable models: each declares search_rows() and search_document() -------------------
def searchable_models():
    """Return every model with a search_document(), in a stable order (proxies left out).

    Such a model also has the classmethod search_rows(): its public rows, loaded for
    search_document(), which returns the fields of index_document() for one row.
    """
    from django.apps import apps

    return sorted(
        (
            model
            for model in apps.get_models()
            if hasattr(model, "search_document") and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


def document_key(row):
    return f"{row._meta.label_lower}:{row.pk}"


def index_row(row):
    """Index row if it is public, otherwise make sure it is not in the index."""
    if type(row).search_rows().filter(pk=row.pk).exists():
        index_document(key=document_key(row), **row.search_document())
    else:
        remove_document(document_key(row))


def connect_signals():
    """Keep the index current: saving a searchable row re-indexes it (or drops it when it is no
    longer public); deleting one drops it. Called once, from PortalConfig.ready()."""
    from django.db.models.signals import post_delete, post_save

    for model in searchable_models():
        label = model._meta.label
        post_save.connect(_on_save, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"search-del-{label}")


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index_row(instance)


def _on_delete(sender, instance, **kwargs):
    remove_document(document_key(instance))
