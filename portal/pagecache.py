"""A short cache of public pages for anonymous readers, emptied whenever published content changes.

Pages are keyed by their full path and a content version. Apps call `content_changed()` (from a
signal: signals are for caches) when a published row is saved or deleted; the version moves on and
every cached page is stale at once. The worker that made the change sees it on its next request;
the others read the version from the shared cache at most VERSION_TTL seconds later (it is kept in
the worker between reads, which saves a cache round trip on every page). With several gunicorn
workers or hosts the cache must be shared (REDIS_URL), or a worker would keep its own copy.
"""

import hashlib
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "pagecache:version"
VERSION_TTL = 1.0  # seconds a worker keeps the version it read
_known = threading.local()


def content_changed():
    """Make every cached public page stale."""
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = time.time_ns() // 1000  # the key was evicted: never reuse an old number
        cache.set(VERSION_KEY, version, None)
    _remember(version)


def _remember(version):
    _known.version, _known.read_at = version, time.monotonic()


def forget_version():
    """Read the version from the cache next time (after the cache was cleared, in tests)."""
    _known.__dict__.clear()


def content_version():
    """Return the current content version (moved on by content_changed)."""
    version = getattr(_known, "version", None)
    if version is None or time.monotonic() - _known.read_at > VERSION_TTL:
        version = cache.get_or_set(VERSION_KEY, time.time_ns() // 1000, None)
        _remember(version)
    return version


def cache_public_page(view):
    """Serve GETs from anonymous readers from the cache (settings.PUBLIC_PAGE_CACHE_SECONDS)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        version = content_version()
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"pagecache:{version}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, seconds)
        return response

    return wrapped
