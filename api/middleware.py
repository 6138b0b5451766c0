"""The edge of the open-data API (/api/v1/): rate limit, cache, validators, JSON errors.

For every request under /api/v1/, in this order:

1. a rate limit per IP address (settings.API_RATE, django-ratelimit's counters in the shared
   cache; the same REMOTE_ADDR key as the public forms): over it, 429 with Retry-After;
2. answers of the catalog and the guides, whose changes move the content version
   (portal.pagecache), are cached under that version and the full path, like the public pages;
3. every 200 answer carries an ETag (a digest of its body) and, where the view set it,
   Last-Modified; a GET whose If-None-Match / If-Modified-Since still holds gets 304;
4. a path no endpoint answers gets a JSON 404, and an unexpected error a JSON 500, both with a
   Chinese `detail`, never the HTML error pages.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from portal.audit import client_ip
from portal.pagecache import content_version

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"
# Answers that only change when the content version moves on (catalog, guides, departments).
VERSIONED_PREFIXES = tuple(
    API_PREFIX + name for name in ("columns", "items", "guides", "guide-themes", "departments")
)


def error_response(status, detail, **headers):
    """Return the API's error body: {"detail": "<Chinese message>"}."""
    return JsonResponse(
        {"detail": detail},
        status=status,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )


def _client_address(group, request):
    """The visitor's address as the public forms' limits see it (portal.audit.client_ip)."""
    return client_ip(request) or "unknown"


def rate_limited(request):
    """Return a 429 answer if this IP address is over settings.API_RATE, else None."""
    rate = settings.API_RATE
    if not rate:
        return None
    usage = get_usage(
        request, group="api", key=_client_address, rate=rate, method=ALL, increment=True
    )
    if not usage or not usage["should_limit"]:
        return None
    wait = max(int(usage["time_left"]), 1)
    return error_response(
        429,
        f"请求过于频繁（每个IP地址限 {rate.replace('/', ' 次/')}），请 {wait} 秒后再试",
        **{"Retry-After": str(wait)},
    )


class OpenDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limited = rate_limited(request)
        if limited is not None:
            return limited
        if request.method != "GET":
            return self._answer(request)
        key = self._cache_key(request)
        response = cache.get(key) if key else None
        if response is None:
            response = self._answer(request)
            if response.status_code == 200 and not response.streaming:
                set_response_etag(response)
                patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
                if key:
                    cache.set(key, response, settings.API_CACHE_SECONDS)
        if response.status_code != 200:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    def _answer(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return error_response(404, "没有这个接口，请查看接口文档 /api/v1/docs")
        return response

    @staticmethod
    def _cache_key(request):
        if not settings.API_CACHE_SECONDS or not request.path.startswith(VERSIONED_PREFIXES):
            return None
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"api:{content_version()}:{path}"

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return error_response(404, "没有这个接口，请查看接口文档 /api/v1/docs")
        logger.exception("open-data API error at %s", request.path)
        return error_response(500, "服务器内部错误，请稍后再试")
