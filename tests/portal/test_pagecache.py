"""The page cache's content version, and the Redis cache backend (against the real Redis)."""

import os

import pytest
from django.core.cache import cache

from portal import pagecache
from portal.cache import PortalRedisCache


def test_a_worker_keeps_the_version_briefly_and_sees_its_own_changes_at_once(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    first = pagecache.content_version()
    cache.set(pagecache.VERSION_KEY, first + 5, None)  # another worker published something
    assert pagecache.content_version() == first  # read less than a second ago
    clock[0] += pagecache.VERSION_TTL + 0.1
    assert pagecache.content_version() == first + 5  # seen within the second
    pagecache.content_changed()  # this worker publishes: its next page is fresh at once
    assert pagecache.content_version() == first + 6


def test_an_evicted_version_is_never_an_old_number():
    pagecache.content_changed()
    old = pagecache.content_version()
    cache.delete(pagecache.VERSION_KEY)
    pagecache.content_changed()
    assert pagecache.content_version() > old


@pytest.fixture
def redis_cache():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    backend = PortalRedisCache(url, {"KEY_PREFIX": "portal-test"})
    try:
        backend.set("probe", 1, 5)
    except Exception as error:  # noqa: BLE001 -- any connection error means no Redis here
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not running: {error}")
    yield backend
    backend.clear()


def test_redis_cache_shares_one_client_per_pool(redis_cache):
    client = redis_cache._cache.get_client(write=False)
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("页面", {"html": "<p>征收土地公告</p>"}, 30)
    assert redis_cache.get("页面") == {"html": "<p>征收土地公告</p>"}
    redis_cache.set("版本", 1, None)
    assert redis_cache.incr("版本") == 2
    assert redis_cache.get_many(["页面", "版本"]) == {
        "页面": {"html": "<p>征收土地公告</p>"},
        "版本": 2,
    }
