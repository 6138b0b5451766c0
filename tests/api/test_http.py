"""The edge of the API: ETag and 304, Last-Modified, the versioned cache, 429, CORS."""

import pytest

from tests.api.conftest import API
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_etag_and_304(client, public_item):
    first = client.get(API + "/items")
    assert first.status_code == 200 and first["ETag"]
    assert "public" in first["Cache-Control"]
    again = client.get(API + "/items", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    other = client.get(API + "/items", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_last_modified_and_if_modified_since(client, public_item):
    detail = client.get(f"{API}/items/{public_item.pk}")
    assert detail["Last-Modified"]
    again = client.get(
        f"{API}/items/{public_item.pk}", headers={"If-Modified-Since": detail["Last-Modified"]}
    )
    assert again.status_code == 304


def test_etag_changes_when_content_does(client, settings, public_item):
    """Cached answers are keyed by the content version: a publication shows at once."""
    settings.API_CACHE_SECONDS = 60
    first = client.get(API + "/items")
    assert client.get(API + "/items")["ETag"] == first["ETag"]  # from the cache
    ItemFactory(published=True, category=public_item.category)
    second = client.get(API + "/items", headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200 and len(second.json()["items"]) == 2


def test_rate_limit_per_ip_with_retry_after(client, settings, db):
    settings.API_RATE = "3/m"
    for _ in range(3):
        assert client.get(API + "/columns").status_code == 200
    limited = client.get(API + "/columns")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "请求过于频繁" in limited.json()["detail"]
    other_ip = client.get(API + "/columns", REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 200


def test_cors_for_get_only(client, db):
    response = client.get(API + "/columns", headers={"Origin": "https://data.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        API + "/columns",
        headers={
            "Origin": "https://data.example.org",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    page = client.get("/", headers={"Origin": "https://data.example.org"})
    assert "Access-Control-Allow-Origin" not in page  # only the API


def test_api_pages_are_session_free(client, db):
    response = client.get(API + "/columns")
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
