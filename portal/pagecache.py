"""A short cache of public pages for anonymous readers, emptied whenever published content changes.

Pages are keyed by their full path and a content version. Apps call `content_changed()` (from a
signal: signals are for caches) when a published row is saved or deleted; the version moves on and
every cached page is stale at once, so a change shows on the next request. With several gunicorn
workers or hosts the cache must be shared (REDIS_URL), or a worker would keep its own copy.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "pagecache:version"


def content_changed():
    """Make every cached public page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cache_public_page(view):
    """Serve GETs from anonymous readers from the cache (settings.PUBLIC_PAGE_CACHE_SECONDS)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not seconds or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        version = cache.get_or_set(VERSION_KEY, 1, None)
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
