"""Query budgets of the API's lists and details: the same for 1 row and for 30."""

import pytest

from disclosure.models import Category
from tests.api.conftest import API
from tests.complaints.factories import MessageFactory, published
from tests.disclosure.factories import ItemFactory
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_answer_cache(settings):
    settings.API_CACHE_SECONDS = 0  # count the queries of the answer, not of the cache


@pytest.mark.parametrize("rows", [1, 30])
def test_item_list_queries(client, django_assert_max_num_queries, rows):
    """Column tree (cached after the first call), departments of the filter, the page of items
    with column and department, attachments, interpretations, interpreted documents."""
    ItemFactory.create_batch(rows, published=True, category=Category.objects.get(slug="tzgg"))
    client.get(API + "/items", {"column": "tzgg"})
    with django_assert_max_num_queries(5):
        response = client.get(API + "/items", {"column": "tzgg", "department": 1, "limit": 30})
        assert response.status_code in (200, 422)
    with django_assert_max_num_queries(4):
        assert len(client.get(API + "/items", {"limit": 30}).json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_item_detail_queries(client, django_assert_max_num_queries, rows):
    """The item with column, parent, department and replacement; attachments; interpretations;
    interpreted documents: however many interpretations it has."""
    item = ItemFactory(published=True)
    for _ in range(rows):
        ItemFactory(published=True, category=Category.objects.get(slug="zcjd")).interprets.add(item)
    with django_assert_max_num_queries(4):
        detail = client.get(f"{API}/items/{item.pk}").json()
    assert len(detail["interpretations"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_guide_queries(client, django_assert_max_num_queries, rows):
    """List: one query. Detail: the guide with theme and department, legal bases, materials,
    their forms, steps, questions, special procedures, result samples."""
    guides = ServiceGuideFactory.create_batch(rows, published=True)
    with django_assert_max_num_queries(1):
        assert len(client.get(API + "/guides", {"limit": 30}).json()["items"]) == rows
    with django_assert_max_num_queries(8):
        assert client.get(f"{API}/guides/{guides[0].pk}").status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_result_and_message_list_queries(
    client, django_assert_max_num_queries, rows, officer, reviewer
):
    """Each list is one query: results with their guide, messages with category and department."""
    guide = ServiceGuideFactory(published=True)
    ApprovalResultFactory.create_batch(rows, guide=guide)
    for _ in range(rows):
        published(MessageFactory(), replier=officer, reviewer=reviewer)
    with django_assert_max_num_queries(1):
        assert len(client.get(API + "/approval-results", {"limit": 30}).json()["items"]) == rows
    with django_assert_max_num_queries(1):
        assert len(client.get(API + "/messages", {"limit": 30}).json()["items"]) == rows
