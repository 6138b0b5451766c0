"""The cache of public pages for anonymous readers, served at the door and stale only where
content changed.

**At the door.** `PageCacheMiddleware` stands right after the security and static-file
middleware. A GET or HEAD without a session, staff or messages cookie is looked up there by its
full address; a page found fresh is answered without the rest of the stack (sessions, CSRF,
authentication, CSP, …): the stored answer already carries the headers those middleware added
when it was rendered (CSP, X-Frame-Options, Vary), SecurityMiddleware adds its own on the way
out as to any answer, and the door adds `ETag`, `Last-Modified` and `Cache-Control` to fresh and
cached pages alike and answers `If-None-Match` / `If-Modified-Since` with 304. A page is stored
only when its view is marked with `@cache_public_page` and, as Django's own cache middleware
does, only a 200 that sets no cookie, is not private, and was made for an anonymous reader;
never a page whose CSP nonce was used (a stored page would replay another answer's nonce, which
the CSP header of the answer that replays it would not name). `X-Cache: hit` or `miss` says
which it was.

**Scoped invalidation.** A page records the scopes it was made from (`depends_on()`, called by
the view or a template tag as it reads): `site` (the column tree, departments, settings: every
page), `column:<id>` (a column's items, for its list, its feed and the homepage blocks showing
it), an object (`disclosure.item:<id>`: the item page), `catalog`, `services`, `sitemap`. Each
scope has a version in the shared cache; the page is stored with the versions it saw and is
fresh while they are unchanged. Apps call `content_changed(*scopes)` from signals when public
content changes: only the pages of those scopes go stale, at once, on every worker (versions are
read from the shared cache with the page itself, one round trip). The versions a page is stored
with are read before it is rendered where the door knows the page's scopes, and a change moves
them again when its transaction commits, so a page rendered from data read before a commit is
never stored as fresh after it. Pages that depend on nothing but their lifetime (site search) are
marked with their own short lifetime instead.

**A worker's own copy.** Each worker also keeps the pages it answered most recently
(`LOCAL_PAGES_BYTES`), each stamped with the site-wide version it was last found fresh at. While
that version has not moved, the copy is answered without asking the shared cache at all: a
round trip to Redis costs a busy machine more than the whole rest of a cached answer, and made
cached pages slower than `/healthz`. Every change moves the site-wide version (after the scopes'
versions), so a copy is checked against the shared cache again, by its scopes, once a change
happened anywhere: a change is seen at once by the worker that made it and within
`VERSION_TTL` by every other worker and host.

`content_version()` is the site-wide version that any change moves on; the other caches (list
counts, the column tree, filter forms, the API) are keyed by it. With several gunicorn workers or
hosts the cache must be shared (REDIS_URL), or a worker would keep its own copy.
"""

import contextvars
import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date

VERSION_KEY = "pagecache:version"
VERSION_TTL = 0.1  # seconds a worker keeps the site-wide version it read
SITE = "site"  # the scope every page depends on
CATALOG = "catalog"
SERVICES = "services"
SITEMAP = "sitemap"
PAGE_KEY = "pagecache:page:{}"
SCOPE_KEY = "pagecache:scope:{}"
KNOWN_PAGES = 50_000  # addresses whose scopes a worker remembers
LOCAL_PAGES_BYTES = 32 * 1024 * 1024  # a worker's own copies of pages (about 2,000 pages)
_known = threading.local()
_page = contextvars.ContextVar("page_being_rendered", default=None)
_scopes_by_key = {}  # this worker's memory of each address's scopes: read-only per entry
_uncached_paths = set()  # paths whose view is not marked: the door does not look them up


def column_scope(column_id):
    """The scope of a column's items (its list, its feed, the homepage blocks that show it)."""
    return f"column:{column_id}"


def object_scope(model, pk):
    """The scope of one row's own page (model: a class, an instance or "app_label.Model")."""
    label = model if isinstance(model, str) else model._meta.label
    return f"{label.lower()}:{pk}"


# Versions --------------------------------------------------------------------------------------
def content_changed(*scopes):
    """Make the cached pages of these scopes stale (no scopes: every page), at once and again
    when the current transaction commits; the site-wide version moves on in any case."""
    _bump(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(scopes))


def _bump(scopes):
    # The scopes first: a worker that sees the new site-wide version then checks its own copies
    # against scope versions that have already moved.
    for scope in set(scopes) or {SITE}:
        key = SCOPE_KEY.format(scope)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh_number(), None)
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = _fresh_number()  # the key was evicted: never reuse an old number
        cache.set(VERSION_KEY, version, None)
    _remember(version)


def _fresh_number():
    return time.time_ns() // 1000


def _remember(version):
    _known.version, _known.read_at = version, time.monotonic()


def forget_version():
    """Read the versions from the cache next time (after the cache was cleared, in tests)."""
    _known.__dict__.clear()
    _scopes_by_key.clear()
    _uncached_paths.clear()
    _local_pages.clear()
    _per_version.clear()


_per_version = {}  # {key: (content version, value)}: this worker's, read-only once stored


def per_version(key, make):
    """Return make()'s value, made once per worker while the content version stands.

    For what every public page reads and only a content change alters (the column tree, the
    departments, the site settings, the page chrome): a dictionary lookup instead of a query or
    a render, and at most VERSION_TTL stale on other workers, as a cached page is. key: a small
    fixed set per caller (this memory is not bounded otherwise); the value is shared by
    concurrent requests and must not be changed."""
    version = content_version()
    found = _per_version.get(key)
    if found is not None and found[0] == version:
        return found[1]
    value = make()
    _per_version[key] = (version, value)
    return value


def content_version():
    """Return the site-wide content version (moved on by every content_changed)."""
    version = getattr(_known, "version", None)
    if version is None or time.monotonic() - _known.read_at > VERSION_TTL:
        version = cache.get_or_set(VERSION_KEY, _fresh_number(), None)
        _remember(version)
    return version


def scope_versions(scopes, found=None):
    """Return {scope: version} read from the shared cache (found: values already read, by key).

    A scope never seen gets a new number, so a page stored before its version was evicted can
    never look fresh again."""
    found = found if found is not None else cache.get_many([SCOPE_KEY.format(s) for s in scopes])
    versions = {}
    for scope in scopes:
        key = SCOPE_KEY.format(scope)
        if key not in found:
            cache.add(key, _fresh_number(), None)
            found[key] = cache.get(key)
        versions[scope] = found[key]
    return versions


# What a page is made of ------------------------------------------------------------------------
class Page:
    """The page being rendered behind the door: its lifetime and its scopes."""

    def __init__(self, versions=None):
        self.seconds = 0
        self.scopes = {SITE}
        self.versions = versions or {}  # read before rendering, where the door knew the scopes


def depends_on(*scopes):
    """Record that the page being rendered shows content of these scopes."""
    page = _page.get()
    if page is not None:
        page.scopes.update(scopes)


def cache_public_page(view=None, *, lifetime="PUBLIC_PAGE_CACHE_SECONDS", scopes=()):
    """Mark a view's pages for the door's cache, for the number of seconds of the setting named
    by lifetime. Scopes (static, or added by the view with depends_on) say what makes it stale."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            page = _page.get()
            if page is not None:
                page.seconds = getattr(settings, lifetime)
                page.scopes.update(scopes)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


# The door --------------------------------------------------------------------------------------
class PageCacheMiddleware:
    """Answer anonymous GET/HEAD requests for cached public pages before the rest of the stack,
    and store the pages marked with @cache_public_page on their way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.page_key(request)
        if key is None:
            return self.get_response(request)
        entry, versions = self.lookup(key)
        if entry is not None:
            return self.conditional(request, self.cached_response(entry), entry)
        page = Page(versions)
        token = _page.set(page)
        try:
            response = self.get_response(request)
        finally:
            _page.reset(token)
        if not page.seconds:
            _remember_path(request.path)  # /healthz, forms, the API: never looked up again
        elif request.method == "GET" and self.may_store(request, response):
            entry = self.store(key, page, response)
            return self.conditional(request, response, entry)
        return response

    @staticmethod
    def page_key(request):
        """Return the cache key of an anonymous GET/HEAD, or None when the door must not answer."""
        if not settings.PUBLIC_PAGE_CACHE_SECONDS or request.method not in {"GET", "HEAD"}:
            return None
        from .middleware import ACTIVITY_COOKIE

        private = {settings.SESSION_COOKIE_NAME, ACTIVITY_COOKIE, "messages"}
        if private & request.COOKIES.keys() or request.path in _uncached_paths:
            return None
        try:
            address = request.build_absolute_uri()
        except DisallowedHost:
            return None  # the stack answers it (400)
        return PAGE_KEY.format(hashlib.sha256(address.encode()).hexdigest())

    @staticmethod
    def lookup(key):
        """Return (entry, versions): the stored page if it is fresh, and the current versions of
        its scopes (or {} when they were not read: this worker's copy was fresh, or this worker
        does not know the page's scopes yet)."""
        version = content_version()  # before the scopes: a copy is never stamped too new
        entry = _local_pages.get(key, version)
        if entry is not None:
            return entry, {}
        scopes = _scopes_by_key.get(key)
        if scopes is None:
            entry = cache.get(key)
            if entry is None:
                return None, {}
            scopes = entry["scopes"]
            versions = scope_versions(scopes)
            _remember_scopes(key, scopes)
        else:
            found = cache.get_many([key, *(SCOPE_KEY.format(s) for s in scopes)])
            entry = found.pop(key, None)
            versions = scope_versions(scopes, found)
        if entry is not None and entry["versions"] == versions:
            _local_pages.put(key, entry, version)
            return entry, versions
        return None, versions

    @staticmethod
    def may_store(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get(
            "Cache-Control", ""
        ):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        return not getattr(request, "_csp_nonce", None)  # LazyNonce: true once it was used

    @staticmethod
    def store(key, page, response):
        scopes = tuple(sorted(page.scopes))
        versions = dict(page.versions)
        missing = [scope for scope in scopes if scope not in versions]
        if missing:
            versions.update(scope_versions(missing))
        versions = {scope: versions[scope] for scope in scopes}
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        now = time.time()
        set_response_etag(response)
        response["Last-Modified"] = http_date(now)
        patch_cache_control(response, max_age=0, must_revalidate=True)
        entry = {
            "scopes": scopes,
            "versions": versions,
            "content": response.content,
            "headers": list(response.headers.items()),
            "etag": response["ETag"],
            "modified": int(now),
            "expires": now + page.seconds,
        }
        cache.set(key, entry, page.seconds)
        _remember_scopes(key, scopes)
        response["X-Cache"] = "miss"
        return entry

    @staticmethod
    def cached_response(entry):
        response = HttpResponse(entry["content"], headers=entry["headers"])
        response["X-Cache"] = "hit"
        return response

    @staticmethod
    def conditional(request, response, entry):
        """Answer If-None-Match / If-Modified-Since with 304 (Django's rules)."""
        if "HTTP_IF_NONE_MATCH" not in request.META and (
            "HTTP_IF_MODIFIED_SINCE" not in request.META
        ):
            return response  # nothing to compare: the common case, answered at once
        return get_conditional_response(
            request,
            etag=entry.get("etag") or response["ETag"],
            last_modified=entry["modified"],
            response=response,
        )


class _LocalPages:
    """A worker's own copies of the pages it answered, the least recently used dropped first
    beyond `LOCAL_PAGES_BYTES`; a copy is answered only while the site-wide version it is stamped
    with is the current one, and never past the page's lifetime."""

    def __init__(self, budget):
        self.budget = budget
        self.size = 0
        self.copies = OrderedDict()  # key: (entry, site-wide version)
        self.lock = threading.Lock()  # threaded servers (runserver, gthread) share the worker

    def get(self, key, version):
        with self.lock:
            copy = self.copies.get(key)
            if copy is None or copy[1] != version or copy[0].get("expires", 0) <= time.time():
                return None
            self.copies.move_to_end(key)
            return copy[0]

    def put(self, key, entry, version):
        size = len(entry["content"])
        if size > self.budget // 8:
            return  # an unusually large page: kept in the shared cache only
        with self.lock:
            previous = self.copies.pop(key, None)
            if previous is not None:
                self.size -= len(previous[0]["content"])
            self.copies[key] = (entry, version)
            self.size += size
            while self.size > self.budget:
                _key, (dropped, _version) = self.copies.popitem(last=False)
                self.size -= len(dropped["content"])

    def clear(self):
        with self.lock:
            self.copies.clear()
            self.size = 0


_local_pages = _LocalPages(LOCAL_PAGES_BYTES)


def _remember_path(path):
    if len(_uncached_paths) >= KNOWN_PAGES:
        _uncached_paths.clear()
    _uncached_paths.add(path)


def _remember_scopes(key, scopes):
    if len(_scopes_by_key) >= KNOWN_PAGES:
        _scopes_by_key.clear()
    _scopes_by_key[key] = scopes
