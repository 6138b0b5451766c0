import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

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
    """Column list, warm: the capped count (1; kept under the content version in production,
    LIST_COUNT_CACHE_SECONDS) and the page of items with their department (1); the column tree,
    the settings, the page chrome and the empty filter form are remembered."""
    author, reviewer = UserFactory(), UserFactory()
    for _ in range(rows):
        item = ItemFactory(author=author)
        item.submit(by=author)
        item.approve(by=reviewer, checklist=CHECKLIST)
    client.get(reverse("disclosure:category", args=["tzgg"]))
    with django_assert_max_num_queries(2):
        response = client.get(reverse("disclosure:category", args=["tzgg"]))
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(rows, 20)


def test_item_without_attachments_or_links_is_one_query(client, django_assert_max_num_queries):
    """The item and whether it has attachments or 解读 links, in one query; its column and
    department are remembered."""
    document = ItemFactory(published=True)
    client.get(reverse("disclosure:item-detail", args=[document.pk]))
    with django_assert_max_num_queries(1):
        response = client.get(reverse("disclosure:item-detail", args=[document.pk]))
    html = response.content.decode()
    assert document.title in html and document.department.name in html
    assert document.category.name in html
    assert "附件" not in html and "相关解读" not in html


@pytest.mark.parametrize("rows", [1, 30])
def test_item_detail_query_count(client, django_assert_max_num_queries, rows):
    """Detail: the item with its flags (1); attachments, interpretations (one each, only as
    the flags say); the interpreted documents are not read, there are none."""
    document = ItemFactory(published=True)
    readings = []
    for n in range(rows):
        reading = ItemFactory(title=f"解读{n}", published=True)
        reading.interprets.add(document)
        readings.append(reading)
        ItemAttachment.objects.create(item=document, file=ContentFile(b"%PDF-1.4 x", name="a.pdf"))
    hidden = ItemFactory(title="未发布的解读")
    hidden.interprets.add(document)
    client.get(reverse("disclosure:item-detail", args=[document.pk]))
    with django_assert_max_num_queries(3):
        response = client.get(reverse("disclosure:item-detail", args=[document.pk]))
    html = response.content.decode()
    assert html.count("download>") == rows
    assert all(reading.title in html for reading in readings)
    assert hidden.title not in html
    # The reading's own page links back to the document it explains.
    html = client.get(reverse("disclosure:item-detail", args=[readings[0].pk])).content.decode()
    assert "解读的文件" in html and f'href="/zwgk/xxgk/{document.pk}/"' in html


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


def test_attachment_whose_file_is_lost_answers_404_not_500(client):
    """A row whose file is gone (a restore without media) is a missing page for the citizen."""
    file = ItemAttachment.objects.create(
        item=ItemFactory(published=True),
        file=ContentFile(b"%PDF-1.4 test", name="upload.pdf"),
        original_name="征地补偿安置方案.pdf",
    )
    file.file.storage.delete(file.file.name)
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


# 标准目录 and the page meta tags of 《政府网站网页设计规范》 ---------------------------------
def meta(html, name):
    """Return the content of the page's <meta name=…>, or None."""
    import re

    found = re.search(rf'<meta name="{name}" content="([^"]*)">', html)
    return found[1] if found else None


def test_column_page_shows_its_standard_attributes_and_column_meta(client):
    html = client.get(reverse("disclosure:category", args=["zdgg"])).content.decode()
    assert "本栏目公开标准" in html
    for text in ["公开依据", "《中华人民共和国土地管理法》第四十七条", "公开时限", "15个工作日内"]:
        assert text in html
    assert "市人民政府（市国土资源局承办）" in html and "公开层级" in html
    assert f'href="{reverse("disclosure:standard-catalog")}"' in html
    assert meta(html, "ColumnName") == "征地公告"
    assert meta(html, "ColumnDescription") == "征收土地公告"
    assert meta(html, "ColumnKeywords") == "征收土地公告"
    assert meta(html, "ColumnType") == "信息公开目录"
    assert meta(html, "SiteName") and meta(html, "SiteIDCode") is not None
    assert meta(html, "ArticleTitle") is None


def test_news_column_is_typed_as_news():
    assert Category.objects.get(slug="zwdt").get_column_type_display() == "政务动态"
    assert Category.objects.get(slug="jgzn").get_column_type_display() == "概况类"


def test_item_page_has_article_meta(client):
    item = ItemFactory(
        title="关于江川市2026年度国有建设用地供应计划的公告",
        keywords="供应计划 建设用地",
        summary="2026年度国有建设用地供应计划。",
        source="江川市国土资源局土地利用科",
        published=True,
    )
    html = client.get(reverse("disclosure:item-detail", args=[item.pk])).content.decode()
    assert meta(html, "ArticleTitle") == item.title
    assert meta(html, "PubDate") == timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M")
    assert meta(html, "ContentSource") == "江川市国土资源局土地利用科"
    assert meta(html, "Keywords") == "供应计划 建设用地"
    assert meta(html, "Description") == "2026年度国有建设用地供应计划。"
    assert meta(html, "ColumnName") == "通知公告"
    assert meta(html, "ColumnType") == "政务动态"


def test_assessed_land_columns_exist_with_update_rules():
    """The columns a land bureau is assessed on, each with its freshness rule (update_days)."""
    expected = {
        "gyjh": ("土地供应计划", "tdgy"),
        "hbxy": ("划拨和协议出让结果", "tdgy"),
        "xztd": ("闲置土地", "tdgy"),
        "djbd": ("基准地价与标定地价", "tdgy"),
        "zdygg": ("征收土地预公告", "tdzs"),
        "ysfa": ("一书四方案", "tdzs"),
        "kqcr": ("矿业权出让公示", "kczy"),
        "kqzr": ("矿业权转让公示", "kczy"),
        "dzzh": ("地质灾害防治", None),
    }
    for slug, (name, parent) in expected.items():
        column = Category.objects.select_related("parent").get(slug=slug)
        assert column.name == name
        assert (column.parent.slug if column.parent else None) == parent
        assert column.update_days
        assert column.disclosure_basis and column.disclosure_time_limit


def test_every_seeded_column_carries_the_standard_attributes():
    for column in Category.objects.all():
        labels = [label for label, _ in column.standard_attributes()]
        assert labels == [
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ], column.slug


def test_standard_catalog_page_is_one_table_of_every_visible_column(client):
    Category.objects.filter(slug="rsxx").update(is_visible=False)
    response = client.get(reverse("disclosure:standard-catalog"))
    html = response.content.decode()
    assert response.status_code == 200
    for column in Category.objects.visible():
        assert f'href="{column.get_absolute_url()}"' in html
    assert reverse("disclosure:category", args=["rsxx"]) not in html
    assert html.count('<th scope="row">') == Category.objects.visible().count()
    assert "《闲置土地处置办法》（国土资源部令第53号）第二十一条" in html
    assert meta(html, "ColumnName") == "标准目录"


def test_landing_page_links_the_standard_catalog(client):
    html = client.get(reverse("disclosure:index")).content.decode()
    assert f'href="{reverse("disclosure:standard-catalog")}"' in html
    assert meta(html, "ColumnType") == "信息公开目录"


@pytest.mark.parametrize("extra", [0, 10])
def test_standard_catalog_query_count(client, django_assert_max_num_queries, extra):
    """标准目录: the top-level columns (1) and their sub-columns (1), however many there are."""
    parent = Category.objects.get(slug="tdgy")
    for n in range(extra):
        Category.objects.create(slug=f"extra{n}", name=f"子栏目{n}", parent=parent)
    client.get(reverse("disclosure:standard-catalog"))  # site settings into the cache
    with django_assert_max_num_queries(2):
        assert client.get(reverse("disclosure:standard-catalog")).status_code == 200


def test_standard_catalog_cells_name_their_attribute_for_the_phone_layout(client):
    """On a phone each column is a card whose lines say which attribute they are."""
    html = client.get(reverse("disclosure:standard-catalog")).content.decode()
    for label in [
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "公开方式",
        "公开层级",
    ]:
        assert f'<td data-label="{label}">' in html


def test_year_filter_offers_only_years_with_items(client):
    """The 年份 choices are the years the column's public items were published in, newest
    first; a year without items is never offered, and a chosen year filters the list."""
    from datetime import datetime

    for year in (2023, 2025):
        item = ItemFactory(published=True)
        published_at = timezone.make_aware(datetime(year, 6, 1, 10))
        Item.objects.filter(pk=item.pk).update(published_at=published_at)
    ItemFactory()  # a draft: its year (this year) is not offered
    page = client.get(reverse("disclosure:category", args=["tzgg"])).content.decode()
    select = page[page.index('name="year"') : page.index("</select>", page.index('name="year"'))]
    assert '<option value="2025">2025年</option>' in select
    assert select.index("2025") < select.index("2023")
    assert str(timezone.localdate().year) not in select and "2024" not in select
    response = client.get(reverse("disclosure:category", args=["tzgg"]), {"year": "2023"})
    assert len(response.context["page_obj"]) == 1
    response = client.get(reverse("disclosure:category", args=["tzgg"]), {"year": "2024"})
    assert response.status_code == 200 and "year" in response.context["filter"].form.errors


def test_column_head_is_remembered_but_a_readers_filters_are_their_own(client, column):
    """The head of an unfiltered column page is rendered once per worker and content version;
    a filtered page shows the reader's own choices and errors; a department's new name shows
    in the remembered form at once."""
    from portal.models import Department

    ItemFactory(published=True)
    url = reverse("disclosure:category", args=["tzgg"])
    first = client.get(url).content.decode()
    assert first.count('class="filter-form"') == 1
    filtered = client.get(url, {"year": "1999"}).content.decode()
    assert 'filter-fold" open' in filtered and "errorlist" in filtered
    again = client.get(url, {"page": "1"}).content.decode()
    assert "errorlist" not in again and 'filter-fold" open' not in again
    department = Department.objects.first()
    department.name = "不动产登记中心（更名）"
    department.save()
    assert "不动产登记中心（更名）" in client.get(url).content.decode()


def test_remembered_column_head_builds_no_filter_set(client, monkeypatch):
    """With the head remembered, an unfiltered page never builds the filter set (it was built
    on every page just to ask whether it was bound)."""
    from disclosure import filters

    ItemFactory(published=True)
    url = reverse("disclosure:category", args=["tzgg"])
    client.get(url)
    built = []
    original = filters.ItemFilter.__init__
    monkeypatch.setattr(
        filters.ItemFilter,
        "__init__",
        lambda self, *args, **kwargs: built.append(args) or original(self, *args, **kwargs),
    )
    assert 'class="filter-form"' in client.get(url).content.decode()
    assert client.get(url, {"page": "1"}).status_code == 200
    assert built == []
    client.get(url, {"year": "2026"})
    assert len(built) == 1
