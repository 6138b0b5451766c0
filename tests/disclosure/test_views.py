import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from disclosure.models import Category, Item, ItemAttachment
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def column():
    return Category.objects.get(slug="tzgg")


def test_column_page_lists_public_items_only(client, column, reviewer):
    public = ItemFactory(title="关于开展2026年度土地变更调查工作的通知", published=True)
    draft = ItemFactory(title="草稿中的通知")
    withdrawn = ItemFactory(title="已撤回的通知", published=True)
    withdrawn.withdraw(by=reviewer, reason="发布有误")
    on_request = ItemFactory(title="依申请公开的材料", disclosure_type="on_request", published=True)
    html = client.get(reverse("disclosure:category", args=["tzgg"])).content.decode()
    assert public.title in html
    for hidden in (draft, withdrawn, on_request):
        assert hidden.title not in html


def test_parent_column_shows_items_of_sub_columns(client):
    item = ItemFactory(
        title="江川市国土资源局关于印发临时用地管理办法的通知",
        category=Category.objects.get(slug="gfxwj"),
        published=True,
    )
    html = client.get(reverse("disclosure:category", args=["zcwj"])).content.decode()
    assert item.title in html
    assert "规范性文件" in html  # sub-column link


@pytest.mark.parametrize("state", ["draft", "pending", "withdrawn", "on_request", "not_disclosed"])
def test_non_public_items_answer_404(client, reviewer, state):
    kwargs = {}
    if state == "on_request":
        kwargs = {"disclosure_type": "on_request"}
    if state == "not_disclosed":
        kwargs = {"disclosure_type": "not_disclosed", "non_disclosure_reason": "第十四条"}
    item = ItemFactory(published=state in {"withdrawn", "on_request", "not_disclosed"}, **kwargs)
    if state == "pending":
        item.submit(by=item.author)
    if state == "withdrawn":
        item.withdraw(by=reviewer, reason="过期")
    assert client.get(reverse("disclosure:item-detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("disclosure:item-print", args=[item.pk])).status_code == 404


def test_item_detail_shows_catalog_header(client):
    item = ItemFactory(
        title="江川市国土资源局关于规范农村宅基地审批管理的通知",
        document_number="江国土资规〔2026〕3号",
        keywords="宅基地 审批",
        published=True,
    )
    html = client.get(reverse("disclosure:item-detail", args=[item.pk])).content.decode()
    for text in [
        item.index_number,
        "江国土资规〔2026〕3号",
        item.department.name,
        "宅基地 审批",
        "有效",
        "主题分类",
        "成文日期",
        "发布日期",
        "内容概述",
    ]:
        assert text in html


def test_repealed_item_shows_banner_with_replacement(client):
    new = ItemFactory(title="新的管理办法", published=True)
    old = ItemFactory(title="旧的管理办法", published=True)
    old.validity, old.replaced_by = Item.Validity.REPEALED, new
    old.save()
    html = client.get(reverse("disclosure:item-detail", args=[old.pk])).content.decode()
    assert "本文件已废止" in html
    assert reverse("disclosure:item-detail", args=[new.pk]) in html


def test_interpretation_links_both_ways(client):
    document = ItemFactory(title="临时用地管理办法", published=True)
    reading = ItemFactory(
        title="《临时用地管理办法》政策解读",
        category=Category.objects.get(slug="zcjd"),
        published=True,
    )
    reading.interprets.add(document)
    document_html = client.get(reverse("disclosure:item-detail", args=[document.pk])).content
    reading_html = client.get(reverse("disclosure:item-detail", args=[reading.pk])).content
    assert "《临时用地管理办法》政策解读" in document_html.decode()
    assert "临时用地管理办法" in reading_html.decode()


def test_filters_by_year_department_validity_and_document_number(client, column):
    wanted = ItemFactory(document_number="江国土资发〔2025〕7号", published=True)
    other = ItemFactory(document_number="江国土资发〔2024〕9号", published=True)
    url = reverse("disclosure:category", args=["tzgg"])
    html = client.get(url, {"document_number": "〔2025〕"}).content.decode()
    assert wanted.title in html and other.title not in html
    html = client.get(url, {"department": other.department.pk}).content.decode()
    assert other.title in html and wanted.title not in html
    html = client.get(url, {"validity": "repealed"}).content.decode()
    assert "没有符合条件的信息" in html


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"department": "x"},
        {"page": "999"},
        {"page": "-1"},
        {"document_number": "<script>" * 20},
    ],
)
def test_bad_filter_input_never_500(client, query):
    ItemFactory(published=True)
    response = client.get(reverse("disclosure:category", args=["tzgg"]), query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_column_list_query_count(client, django_assert_max_num_queries, rows):
    """Column list: column, sub-columns, capped count, page of items with column and department;
    the department filter's choices (1); site settings come from the cache."""
    author, reviewer = UserFactory(), UserFactory()
    for _ in range(rows):
        item = ItemFactory(author=author)
        item.submit(by=author)
        item.approve(by=reviewer, checklist=CHECKLIST)
    client.get(reverse("disclosure:category", args=["tzgg"]))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("disclosure:category", args=["tzgg"]))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_item_detail_query_count(client, django_assert_max_num_queries, rows):
    """Detail: item with column, parent column, department, replacement (1); attachments,
    interpretations, interpreted documents (3); the consultations it concludes come from the
    cache."""
    document = ItemFactory(published=True)
    for n in range(rows):
        reading = ItemFactory(title=f"解读{n}", published=True)
        reading.interprets.add(document)
        ItemAttachment.objects.create(item=document, file=ContentFile(b"%PDF-1.4 x", name="a.pdf"))
    client.get(reverse("disclosure:item-detail", args=[document.pk]))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("disclosure:item-detail", args=[document.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_landing_query_count(client, django_assert_max_num_queries, rows):
    """Landing: columns (1) and one query per featured column (8), whatever the item count."""
    for _ in range(rows):
        ItemFactory(published=True)
    client.get(reverse("disclosure:index"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("disclosure:index")).status_code == 200


def test_attachment_downloads_with_original_name_only_when_public(client, reviewer):
    item = ItemFactory(published=True)
    file = ItemAttachment.objects.create(
        item=item,
        file=ContentFile(b"%PDF-1.4 test", name="upload.pdf"),
        original_name="征地补偿安置方案.pdf",
    )
    assert "征地补偿安置方案" not in file.file.name  # stored under a random name
    response = client.get(reverse("disclosure:attachment", args=[file.pk]))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert "%E5%BE%81%E5%9C%B0" in response["Content-Disposition"]  # 征地, RFC 5987 encoded
    item.withdraw(by=reviewer, reason="过期")
    assert client.get(reverse("disclosure:attachment", args=[file.pk])).status_code == 404


def test_rss_feeds(client):
    item = ItemFactory(title="关于2026年国庆节期间不动产登记窗口安排的通知", published=True)
    ItemFactory(title="草稿不应出现在订阅中")
    for url in [reverse("disclosure:feed"), reverse("disclosure:category-feed", args=["tzgg"])]:
        response = client.get(url)
        body = response.content.decode()
        assert response["Content-Type"].startswith("application/rss+xml")
        assert item.title in body and "草稿不应出现在订阅中" not in body
        assert item.index_number in body


def test_guide_page_shows_guide_text_and_contacts(client):
    from portal.models import SiteSettings

    site = SiteSettings.load()
    site.phone = "0571-87061234"
    site.save()
    ItemFactory(
        title="政府信息公开指南",
        category=Category.objects.get(slug="gkzn"),
        body="<p>本局主动公开的范围如下。</p>",
        published=True,
    )
    html = client.get(reverse("disclosure:guide")).content.decode()
    assert "本局主动公开的范围如下。" in html
    assert "0571-87061234" in html


def test_catalog_page_lists_column_tree(client):
    html = client.get(reverse("disclosure:catalog")).content.decode()
    for name in ["政策文件", "规范性文件", "土地征收", "征地公告", "重大决策", "公开年报"]:
        assert name in html


def test_public_pages_are_cached_for_anonymous_readers_until_content_changes(
    client, settings, reviewer, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    item = ItemFactory(title="关于开展土地变更调查工作的通知", published=True)
    url = reverse("disclosure:category", args=["tzgg"])
    assert item.title in client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert item.title in client.get(url).content.decode()
    item.withdraw(by=reviewer, reason="内容有误")
    assert item.title not in client.get(url).content.decode()  # shows at once


def test_staff_never_get_cached_pages(client, settings, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    ItemFactory(published=True)
    url = reverse("disclosure:category", args=["tzgg"])
    client.get(url)  # an anonymous reader fills the cache
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 0
