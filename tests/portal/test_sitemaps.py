"""/sitemap.xml (an index of paged sections), /robots.txt and /favicon.ico."""

import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from disclosure.sitemaps import ItemSitemap
from portal.urls import SITEMAPS
from tests.complaints.factories import (
    EvaluationRoundFactory,
    MessageFactory,
    published,
    published_consultation,
)
from tests.disclosure.factories import ItemFactory
from tests.portal.factories import UserFactory
from tests.services.factories import ServiceGuideFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(response, root):
    """Parse a sitemap answer with the stdlib parser and check the protocol's shape."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    tree = ET.fromstring(response.content)  # noqa: S314 - our own answer, the stdlib parser is the point
    assert tree.tag == f"{NS}{root}"
    return tree


def index_locations(client):
    tree = parse(client.get(reverse("sitemap")), "sitemapindex")
    entries = tree.findall(f"{NS}sitemap")
    assert entries and all(entry.find(f"{NS}loc") is not None for entry in entries)
    return [entry.find(f"{NS}loc").text for entry in entries]


def page_urls(client, location):
    """Return [(path, lastmod)] of one sitemap page, checking each <url>'s shape."""
    parts = urlsplit(location)
    tree = parse(
        client.get(parts.path, dict([parts.query.split("=")]) if parts.query else {}), "urlset"
    )
    urls = []
    for url in tree.findall(f"{NS}url"):
        assert {child.tag for child in url} <= {
            f"{NS}{t}" for t in ("loc", "lastmod", "changefreq")
        }
        loc = url.find(f"{NS}loc").text
        assert loc.startswith("http://testserver/")
        lastmod = url.find(f"{NS}lastmod")
        if lastmod is not None:
            date.fromisoformat(lastmod.text)  # W3C date
        urls.append((urlsplit(loc).path, lastmod is not None))
    return urls


@pytest.fixture
def public_rows(reviewer):
    """One public row of every kind the sitemap lists, and rows that must stay out of it."""
    rows = {
        "item": ItemFactory(published=True),
        "draft": ItemFactory(title="草稿中的通知"),
        "guide": ServiceGuideFactory(published=True),
        "message": published(MessageFactory(), replier=UserFactory(), reviewer=UserFactory()),
        "private_message": MessageFactory(tracking_number="ZMHD20260101-9999"),
        "consultation": published_consultation(),
        "evaluation": EvaluationRoundFactory(),
        "hidden_evaluation": EvaluationRoundFactory(is_published=False),
    }
    withdrawn = ItemFactory(title="已撤回的通知", published=True)
    withdrawn.withdraw(by=reviewer, reason="发布有误")
    rows["withdrawn"] = withdrawn
    return rows


def test_index_lists_every_section_and_every_location_answers(client, public_rows):
    locations = index_locations(client)
    sections = {urlsplit(loc).path for loc in locations}
    assert sections == {reverse("sitemap-section", args=[name]) for name in SITEMAPS}
    paths = [path for loc in locations for path, _ in page_urls(client, loc)]
    assert len(paths) == len(set(paths))
    for path in paths:
        assert client.get(path).status_code == 200, path
    for name in ["item", "guide", "message", "consultation", "evaluation"]:
        assert public_rows[name].get_absolute_url() in paths, name
    for name in ["draft", "withdrawn", "private_message", "hidden_evaluation"]:
        assert public_rows[name].get_absolute_url() not in paths, name
    for url_name in [
        "home",
        "site-map",
        "disclosure:standard-catalog",
        "complaints:evaluation-list",
    ]:
        assert reverse(url_name) in paths
    assert reverse("disclosure:category", args=["tzgg"]) in paths
    assert public_rows["guide"].theme.get_absolute_url() in paths


def test_items_carry_their_last_change(client, public_rows):
    urls = dict(page_urls(client, reverse("sitemap-section", args=["items"])))
    assert urls[public_rows["item"].get_absolute_url()] is True


def test_sections_are_paged_by_id_range(client, monkeypatch):
    monkeypatch.setattr(ItemSitemap, "limit", 2)
    items = [ItemFactory(published=True) for _ in range(5)]
    section = reverse("sitemap-section", args=["items"])
    pages = [loc for loc in index_locations(client) if urlsplit(loc).path == section]
    highest = max(item.pk for item in items)
    assert len(pages) == -(-highest // 2)  # one page per 2 ids up to the highest public one
    listed = [path for loc in pages for path, _ in page_urls(client, loc)]
    assert listed == [item.get_absolute_url() for item in items]
    assert client.get(section, {"p": len(pages) + 1}).status_code == 404
    assert client.get(section, {"p": "abc"}).status_code == 404
    assert client.get(section, {"p": "0"}).status_code == 404
    assert client.get(reverse("sitemap-section", args=["nothing"])).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_index_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    """Index: the highest id of each of the 10 row sections (10, with the 网站年度报表), the latest
    change of the 4 that have one (4); no count, whatever the number of rows; site settings come
    from the cache."""
    for _ in range(rows):
        ItemFactory(published=True)
    client.get(reverse("home"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("sitemap")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_page_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    """One page: its rows by id range (1); no count, no offset."""
    for _ in range(rows):
        ItemFactory(published=True)
    client.get(reverse("home"))
    with django_assert_max_num_queries(1):
        response = client.get(reverse("sitemap-section", args=["items"]))
    assert response.content.count(b"<url>") == rows


def test_sitemap_is_cached_until_content_changes(client, settings, django_assert_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    item = ItemFactory(published=True)
    section = reverse("sitemap-section", args=["items"])
    client.get(reverse("sitemap"))
    client.get(section)
    with django_assert_num_queries(0):
        assert client.get(reverse("sitemap")).status_code == 200
        assert client.get(section).status_code == 200
    newer = ItemFactory(published=True)  # publishing moves the content version on
    html = client.get(section).content.decode()
    assert newer.get_absolute_url() in html and item.get_absolute_url() in html


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines and "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_is_linked_and_served_at_its_usual_address(client):
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
