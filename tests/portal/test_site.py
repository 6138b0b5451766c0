"""The public site as a whole: homepage content, organisation pages, site map, link crawl."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from disclosure.models import Category, ItemAttachment
from portal.models import Leader, SiteSettings
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_home_shows_headlines_with_photo_notices_and_campaigns(client):
    from django.core.files.base import ContentFile

    news = ItemFactory(
        title="市国土资源局召开2026年度党风廉政建设工作会议",
        category=Category.objects.get(slug="zwdt"),
        published=True,
    )
    ItemAttachment.objects.create(item=news, file=ContentFile(PNG, name="photo.png"))
    notice = ItemFactory(title="关于2026年国庆节期间不动产登记窗口安排的通知", published=True)
    Category.objects.create(
        slug="tdr",
        name="全国土地日",
        description="每年6月25日",
        parent=Category.objects.get(slug="xchd"),
    )
    html = client.get(reverse("home")).content.decode()
    assert news.title in html
    assert 'loading="lazy"' in html and "/media/attachments/" in html
    assert notice.title in html
    assert "专题专栏" in html and "全国土地日" in html
    assert "依申请公开" in html and "公开年报" in html


def test_home_query_budget_does_not_grow(client, django_assert_max_num_queries):
    """Home: headlines (column, items, photos), notices (column+children, items), policy
    documents (column+children, items), campaigns, message figures and replies."""
    for _ in range(25):
        ItemFactory(published=True)
        ItemFactory(category=Category.objects.get(slug="zwdt"), published=True)
    client.get(reverse("home"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("home")).status_code == 200


def test_organisation_shows_leaders_in_order(client):
    Leader.objects.create(name="李红梅", position="副局长", duties="分管规划科。", order=20)
    Leader.objects.create(name="张建华", position="局长", duties="主持全面工作。", order=10)
    Leader.objects.create(name="离任领导", position="副局长", duties="—", is_active=False)
    html = client.get(reverse("organisation")).content.decode()
    assert html.index("张建华") < html.index("李红梅")
    assert "离任领导" not in html
    assert "主持全面工作。" in html


def test_site_map_lists_columns_and_sections(client):
    html = client.get(reverse("site-map")).content.decode()
    for text in [
        "政务公开",
        "办事服务",
        "政民互动",
        "机构概况",
        "规范性文件",
        "征地公告",
        "无障碍说明",
    ]:
        assert text in html


def test_every_page_has_correction_link_with_its_address(client):
    html = client.get(reverse("site-map")).content.decode()
    assert "网站纠错" in html
    assert "kind=site_error&amp;page=/wzdt/" in html


def test_accessibility_page(client):
    SiteSettings.load()
    html = client.get(reverse("accessibility")).content.decode()
    assert "适老化模式" in html and "跳到主要内容" in html


def test_crawl_from_home_two_levels_finds_no_broken_link(client, settings, tmp_path):
    """Follow every internal link of the demo site from the homepage, two levels deep."""
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "accounts.txt"
    call_command("load_demo", stdout=StringIO())
    seen, frontier, failures = set(), ["/"], []
    for _ in range(3):  # the homepage, its links, and their links
        next_frontier = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code >= 400:
                failures.append((url, response.status_code))
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)', response.content.decode()):
                href = href.replace("&amp;", "&")
                if not href.startswith(("/admin/", "/static/", "/media/")) and href not in seen:
                    next_frontier.append(href)
        frontier = next_frontier
    assert len(seen) > 40
    assert failures == []


def test_correction_link_opens_the_message_form_filled_in(client):
    response = client.get(
        reverse("complaints:message-create"), {"kind": "site_error", "page": "/zwgk/lm/tzgg/"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="site_error" selected' in html or 'value="site_error" checked' in html
    assert "出错的页面：http://testserver/zwgk/lm/tzgg/" in html


def test_correction_link_ignores_foreign_addresses(client):
    html = client.get(
        reverse("complaints:message-create"), {"kind": "site_error", "page": "//evil.example/x"}
    ).content.decode()
    assert "evil.example" not in html
