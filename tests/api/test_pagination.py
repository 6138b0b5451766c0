"""Cursor pagination: the same rows as the HTML lists, page after page, without OFFSET or counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.pagination import keyset_page
from disclosure.models import Category, Item
from tests.api.conftest import API
from tests.disclosure.factories import ItemFactory
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db


def pages(client, path, **params):
    """Return the ids (or numbers) of every page of an API list, following next_cursor."""
    key = params.pop("key", "id")
    rows, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = client.get(API + path, query).json()
        rows.append([row[key] for row in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return rows


def test_item_pages_are_the_column_pages(client):
    column = Category.objects.get(slug="tzgg")
    ItemFactory.create_batch(45, published=True, category=column)
    api_pages = pages(client, "/items", column="tzgg", limit=20)
    html_pages = [
        [
            row["pk"]
            for row in client.get(column.get_absolute_url(), {"page": n}).context["page_obj"]
        ]
        for n in (1, 2, 3)
    ]
    assert api_pages == html_pages
    assert [len(page) for page in api_pages] == [20, 20, 5]


def test_approval_result_pages_are_the_result_pages(client):
    guide = ServiceGuideFactory(published=True)
    ApprovalResultFactory.create_batch(25, guide=guide)
    api_pages = pages(client, "/approval-results", key="tracking_number", limit=20)
    html = client.get("/bsfw/bjgs/", {"page": 2}).context["page_obj"]
    assert api_pages[1] == [result.tracking_number for result in html]


def test_guide_pages_follow_the_alphabet(client):
    for name, initial in [
        ("采矿权延续登记", "C"),
        ("不动产抵押权登记", "B"),
        ("土地复垦方案审查", "T"),
    ]:
        ServiceGuideFactory(published=True, name=name, initial=initial)
    assert pages(client, "/guides", key="initial", limit=1) == [["B"], ["C"], ["T"]]


def test_no_offset_and_no_count_on_deep_pages(client):
    column = Category.objects.get(slug="tzgg")
    ItemFactory.create_batch(5, published=True, category=column)
    first = client.get(API + "/items", {"limit": 2}).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(API + "/items", {"limit": 2, "cursor": first["next_cursor"]})
    assert second.status_code == 200
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert "OFFSET" not in sql.replace("LIMIT 3 OFFSET 0", "") and "COUNT(" not in sql


def test_ties_in_the_sort_key_are_ordered_by_id(db):
    column = Category.objects.get(slug="tzgg")
    items = ItemFactory.create_batch(3, published=True, category=column)
    Item.objects.filter(pk__in=[item.pk for item in items]).update(
        published_at=items[0].published_at
    )
    rows = Item.objects.public()
    first, cursor = keyset_page(rows, ordering=("-published_at", "-pk"), limit=2)
    second, end = keyset_page(rows, ordering=("-published_at", "-pk"), cursor=cursor, limit=2)
    assert [row.pk for row in first + second] == sorted((item.pk for item in items), reverse=True)
    assert end is None


@pytest.mark.parametrize(
    "cursor", ["!!", "bm90IGpzb24", "WzFd", "WyJ4IiwiMSJd", "WyIyMDI2LTAxLTAxIiwxXQ"]
)
def test_bad_cursors_are_422(client, db, cursor):
    response = client.get(API + "/items", {"cursor": cursor})
    assert response.status_code == 422
    assert "游标" in response.json()["detail"]
