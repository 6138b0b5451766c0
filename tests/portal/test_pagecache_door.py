"""The page cache at the door (portal.pagecache.PageCacheMiddleware): who gets cached pages,
which headers they carry, 304s, and which pages a publication makes stale."""

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import Category
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Vary",
    "Cache-Control",
    "Content-Type",
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    settings.LIST_COUNT_CACHE_SECONDS = 60


def column_url(slug):
    return reverse("disclosure:category", args=[slug])


def test_a_cached_page_is_served_without_a_query(client, django_assert_num_queries):
    item = ItemFactory(published=True)
    first = client.get(column_url("tzgg"))
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = client.get(column_url("tzgg"))
    assert again["X-Cache"] == "hit"
    assert item.title in again.content.decode()
    assert again.content == first.content


def test_a_cached_page_carries_the_same_headers_as_a_fresh_one(client):
    ItemFactory(published=True)
    fresh = client.get(column_url("tzgg"))
    cached = client.get(column_url("tzgg"))
    assert (fresh["X-Cache"], cached["X-Cache"]) == ("miss", "hit")
    assert set(fresh.headers) == set(cached.headers)
    for name in SECURITY_HEADERS:
        assert cached[name] == fresh[name], name
    assert "script-src 'self'" in cached["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"
    assert cached["ETag"] == fresh["ETag"] and cached["Last-Modified"] == fresh["Last-Modified"]
    assert "max-age=0" in cached["Cache-Control"]


def test_conditional_requests_get_304_from_fresh_and_cached_pages(client):
    ItemFactory(published=True)
    fresh = client.get(column_url("tzgg"))
    etag, modified = fresh["ETag"], fresh["Last-Modified"]
    assert client.get(column_url("tzgg"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(column_url("tzgg"), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(column_url("tzgg"), HTTP_IF_NONE_MATCH='"other"').status_code == 200
    client.cookies.clear()
    cold = client.get(reverse("disclosure:item-detail", args=[ItemFactory(published=True).pk]))
    assert cold["X-Cache"] == "miss"
    again = client.get(cold.wsgi_request.path, HTTP_IF_NONE_MATCH=cold["ETag"])
    assert again.status_code == 304 and again["ETag"] == cold["ETag"]


def test_head_is_answered_from_the_cache(client):
    client.get(column_url("tzgg"))
    assert client.head(column_url("tzgg"))["X-Cache"] == "hit"


def test_staff_never_get_a_cached_page_nor_store_theirs(client, officer):
    item = ItemFactory(published=True)
    url = reverse("disclosure:item-detail", args=[item.pk])
    client.force_login(officer)
    staff_page = client.get(url)
    assert "X-Cache" not in staff_page  # not stored
    client.logout()
    client.cookies.clear()
    assert client.get(url)["X-Cache"] == "miss"  # the staff page was not in the cache
    assert client.get(url)["X-Cache"] == "hit"
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) > 0 and "X-Cache" not in response  # rendered for them, not cached


def test_a_session_or_messages_cookie_skips_the_door(client):
    url = column_url("tzgg")
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    for name in [django_settings.SESSION_COOKIE_NAME, "staff_activity", "messages"]:
        client.cookies.clear()
        client.cookies[name] = "something"
        assert "X-Cache" not in client.get(url), name


def test_a_post_is_never_answered_from_nor_stored_in_the_cache(client):
    client = client.__class__(enforce_csrf_checks=True)
    url = reverse("search")
    client.cookies[django_settings.CSRF_COOKIE_NAME] = "x" * 32
    assert client.post(url, {"q": "土地"}).status_code == 403  # no token: CSRF still checked
    first = client.get(url)
    assert first["X-Cache"] == "miss"  # the POST stored nothing
    assert client.get(url)["X-Cache"] == "hit"  # a CSRF cookie alone is no private data
    assert "X-Cache" not in client.post(url, {"q": "土地"})


@pytest.mark.urls("tests.portal.pagecache_urls")
def test_a_page_with_a_csrf_token_is_never_stored(client):
    first = client.get("/test-pages/form/")
    assert django_settings.CSRF_COOKIE_NAME in first.cookies
    again = client.get("/test-pages/form/")
    assert "X-Cache" not in again
    client.get("/test-pages/plain/")
    assert client.get("/test-pages/plain/")["X-Cache"] == "hit"


@pytest.mark.urls("tests.portal.pagecache_urls")
def test_a_page_that_uses_its_csp_nonce_is_never_stored(client):
    """A stored copy would carry another answer's nonce: the replayed script would be blocked."""
    nonces = []
    for _ in range(2):
        response = client.get("/test-pages/nonce/")
        assert "X-Cache" not in response
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_publication_makes_its_pages_fresh_and_leaves_other_columns_cached(
    client, django_assert_num_queries
):
    notice = ItemFactory(published=True, title="关于国土空间规划公示的通知")
    policy = ItemFactory(
        published=True,
        category=Category.objects.get(slug="zcwj"),
        title="江川市耕地保护办法",
        department=notice.department,
    )
    newer = ItemFactory(title="关于征收集体土地的预公告", department=notice.department)
    author, reviewer = UserFactory(), UserFactory()  # users (and their departments) first
    own = [
        column_url("tzgg"),
        reverse("disclosure:category-feed", args=["tzgg"]),
        reverse("disclosure:feed"),
        reverse("home"),
        reverse("sitemap-section", args=["items"]),
    ]
    unrelated = [column_url("zcwj"), reverse("disclosure:item-detail", args=[policy.pk])]
    for url in [*own, *unrelated]:
        assert client.get(url).status_code == 200
        assert client.get(url)["X-Cache"] == "hit", url

    newer.submit(by=author)
    newer.approve(by=reviewer, checklist=CHECKLIST)
    for url in own:
        response = client.get(url)
        assert response["X-Cache"] == "miss", url
        assert newer.get_absolute_url() in response.content.decode(), url
    with django_assert_num_queries(0):
        for url in unrelated:
            assert client.get(url)["X-Cache"] == "hit", url

    item_url = reverse("disclosure:item-detail", args=[notice.pk])
    client.get(item_url)
    notice.title = "关于国土空间规划公示的通知（更正）"
    notice.save()
    assert "（更正）" in client.get(item_url).content.decode()
    assert "（更正）" in client.get(column_url("tzgg")).content.decode()
    assert client.get(column_url("zcwj"))["X-Cache"] == "hit"


def test_a_withdrawal_shows_at_once_and_draft_edits_stale_nothing(client, reviewer):
    item = ItemFactory(published=True, title="关于土地储备计划的公告")
    draft = ItemFactory(title="草稿", department=item.department)
    url = column_url("tzgg")
    client.get(url)
    draft.title = "草稿（修改）"
    draft.save()
    assert client.get(url)["X-Cache"] == "hit"
    item.withdraw(by=reviewer, reason="内容有误")
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert item.title not in response.content.decode()
    assert client.get(item.get_absolute_url()).status_code == 404


def test_search_pages_keep_their_own_lifetime(client, settings):
    settings.SEARCH_PAGE_CACHE_SECONDS = 30
    item, author, reviewer = ItemFactory(title="关于土地征收的公告"), UserFactory(), UserFactory()
    url = reverse("search") + "?q=土地"
    client.get(url)
    item.submit(by=author)
    item.approve(by=reviewer, checklist=CHECKLIST)
    assert client.get(url)["X-Cache"] == "hit"  # not made stale by a publication
    settings.SEARCH_PAGE_CACHE_SECONDS = 0
    client.cookies.clear()
    assert "X-Cache" not in client.get(reverse("search") + "?q=征收")


def test_column_rows_read_as_values_show_department_and_validity(client):
    """Item.objects.list_rows(): the row's department name and 有效性 label, no model rows."""
    from disclosure.models import Item

    item = ItemFactory(published=True, title="江川市土地储备管理办法")
    Item.objects.filter(pk=item.pk).update(validity=Item.Validity.REPEALED)
    html = client.get(column_url("tzgg")).content.decode()
    row = html[html.index(item.title) :].split("</tr>")[0]
    assert '<span class="badge badge-repealed">已废止</span>' in row
    assert re.search(rf'<td class="col-dept"[^>]*>{item.department.name}</td>', row)


def test_a_workers_own_copy_needs_no_round_trip_until_a_change_anywhere(client, monkeypatch):
    """Answered from the worker's copy while the site-wide version stands; another worker's
    publication (the shared versions moved, this worker told nothing) is seen within
    VERSION_TTL, and only the pages of the changed scope are rendered again."""
    from django.core.cache import cache

    from disclosure.models import Item
    from portal import pagecache

    clock = [5000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock[0])
    notice = ItemFactory(published=True, title="关于土地储备计划的公告")
    policy = ItemFactory(published=True, category=Category.objects.get(slug="zcwj"))
    urls = [column_url("tzgg"), column_url("zcwj")]
    for url in urls:
        assert client.get(url)["X-Cache"] == "miss"
        assert client.get(url)["X-Cache"] == "hit"  # checked against the shared versions

    def no_round_trip(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    with monkeypatch.context() as patched:
        for name in ["get", "get_many", "get_or_set"]:
            patched.setattr(cache, name, no_round_trip)
        for url in urls:
            assert client.get(url)["X-Cache"] == "hit"

    # Another worker retitles the notice: it moves the shared versions, not this worker's.
    Item.objects.filter(pk=notice.pk).update(title="关于土地储备计划的公告（更正）")
    for scope in notice.cache_scopes():
        cache.incr(pagecache.SCOPE_KEY.format(scope))
    cache.incr(pagecache.VERSION_KEY)
    assert client.get(urls[0])["X-Cache"] == "hit"  # within VERSION_TTL of the last read
    clock[0] += pagecache.VERSION_TTL + 0.01
    fresh = client.get(urls[0])
    assert fresh["X-Cache"] == "miss" and "（更正）" in fresh.content.decode()
    assert client.get(urls[1])["X-Cache"] == "hit"  # the other column's page stays cached
    assert policy.title in client.get(urls[1]).content.decode()


def test_a_workers_copies_keep_to_their_budget_and_lifetime(monkeypatch):
    from portal import pagecache

    copies = pagecache._LocalPages(budget=8000)
    now = pagecache.time.time()
    for number in range(9):
        entry = {"content": b"x" * 900, "expires": now + 60}
        copies.put(f"page{number}", entry, version=7)
    assert copies.get("page0", 7) is None  # the least recently used, dropped for page8
    assert copies.get("page8", 7) is not None
    assert copies.get("page8", 8) is None  # the site-wide version moved on
    copies.put("old", {"content": b"x", "expires": now - 1}, version=7)
    assert copies.get("old", 7) is None  # past the page's lifetime
    copies.put("huge", {"content": b"x" * 1001, "expires": now + 60}, version=7)
    assert copies.get("huge", 7) is None  # more than an eighth of the budget: not kept
    assert copies.size <= 8000
