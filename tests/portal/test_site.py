"""The public site as a whole: homepage content, organisation pages, site map (the link crawl
of the demo site is in test_demo_data.py)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

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


# Site identity (国办秘函〔2019〕19号: the footer's elements) -------------------------------
@pytest.fixture
def identified_site():
    from django.core.files.base import ContentFile

    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.sponsor, site.operator = "江川市国土资源局", "江川市国土资源局办公室"
    site.domain = "gtj.jiangchuan.gov.cn"
    site.site_code = "3302000012"
    site.icp_number = "浙ICP备05012345号-1"
    site.police_number = "浙公网安备 33020002000123号"
    site.phone, site.email = "0571-87061234", "gtj@jiangchuan.example.gov.cn"
    site.government_badge = ContentFile(PNG, name="badge.png")
    site.government_badge_url = "https://bszs.conac.cn/sitename?method=show&id=ABC"
    site.save()
    return site


def test_footer_shows_every_identity_element_with_its_link(client, identified_site):
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert "主办单位：江川市国土资源局" in footer and "承办单位：江川市国土资源局办公室" in footer
    assert "网站标识码：3302000012" in footer
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">浙ICP备05012345号-1</a>' in footer
    # The 公安备案 link opens this site's record, not the registry's home page.
    assert (
        'href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33020002000123"'
        in footer
    )
    assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=ABC"' in footer
    assert f'src="{identified_site.government_badge.url}" alt="党政机关网站标识"' in footer
    assert (
        'href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?siteCode=3302000012"'
        in footer
    )
    assert ">我为政府网站找错</a>" in footer
    assert "0571-87061234" in footer and "gtj@jiangchuan.example.gov.cn" in footer


def test_footer_shows_no_badge_until_the_office_uploads_it(client):
    site = SiteSettings.load()
    site.government_badge_url = "https://bszs.conac.cn/sitename?method=show&id=ABC"
    site.save()
    html = client.get(reverse("home")).content.decode()
    assert "党政机关网站标识" not in html
    assert "我为政府网站找错" not in html  # no 网站标识码, no entry to the national platform


def test_footer_follows_a_settings_change_on_cached_pages(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    site = SiteSettings.load()
    client.get(reverse("home"))
    site.operator = "江川市大数据中心"
    site.save()
    assert "承办单位：江川市大数据中心" in client.get(reverse("home")).content.decode()


def test_badge_upload_is_checked_by_content():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    site = SiteSettings.load()
    site.government_badge = SimpleUploadedFile("badge.png", b"<html>not an image</html>")
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "government_badge" in error.value.error_dict
    site.government_badge = SimpleUploadedFile("badge.pdf", b"%PDF-1.4 a document")
    with pytest.raises(ValidationError):
        site.full_clean()


def test_deploy_check_names_the_missing_identity_elements(settings):
    from portal.checks import check_site_identity

    settings.DEBUG = False
    site = SiteSettings.load()
    site.site_code = ""
    site.save()
    (warning,) = check_site_identity(None)
    assert warning.id == "portal.W002"
    for label in ["承办单位", "网站标识码", "党政机关网站标识", "公安机关备案号"]:
        assert label in warning.msg
    settings.DEBUG = True
    assert check_site_identity(None) == []


def test_deploy_check_is_quiet_when_every_element_is_there(settings, identified_site):
    from portal.checks import check_site_identity

    settings.DEBUG = False
    assert identified_site.missing_identity_elements() == []
    assert check_site_identity(None) == []


# Page meta tags (《政府网站网页设计规范》) ----------------------------------------------------
def meta(html, name):
    found = re.search(rf'<meta name="{name}" content="([^"]*)">', html)
    return found[1] if found else None


def test_every_page_names_the_site_its_domain_and_code(client, identified_site):
    for url in [reverse("home"), reverse("site-map"), reverse("search"), reverse("organisation")]:
        html = client.get(url).content.decode()
        assert meta(html, "SiteName") == "江川市国土资源局", url
        assert meta(html, "SiteDomain") == "gtj.jiangchuan.gov.cn", url
        assert meta(html, "SiteIDCode") == "3302000012", url
        assert meta(html, "ColumnName") is None and meta(html, "ArticleTitle") is None, url


def test_site_domain_falls_back_to_the_host_asked_for(client):
    assert meta(client.get(reverse("home")).content.decode(), "SiteDomain") == "testserver"


@pytest.mark.parametrize(
    ("url_name", "column_name", "column_type"),
    [
        ("disclosure:index", "政务公开", "信息公开目录"),
        ("disclosure:catalog", "政府信息公开目录", "信息公开目录"),
        ("services:index", "办事服务", "办事服务"),
        ("services:result-list", "办件公示", "办事服务"),
        ("complaints:index", "政民互动", "互动交流"),
        ("complaints:message-list", "留言选登", "互动交流"),
        ("complaints:consultation-list", "征求意见", "互动交流"),
        ("complaints:evaluation-list", "网上评议", "互动交流"),
        ("complaints:statistics", "留言统计", "互动交流"),
        ("oversight:index", "政务公开工作", "信息公开目录"),
    ],
)
def test_section_pages_carry_column_meta(client, url_name, column_name, column_type):
    html = client.get(reverse(url_name)).content.decode()
    assert meta(html, "ColumnName") == column_name
    assert meta(html, "ColumnType") == column_type
    assert meta(html, "ColumnDescription") and meta(html, "ColumnKeywords")


def test_guide_theme_and_guide_pages_carry_column_and_article_meta(client):
    from tests.services.factories import ServiceGuideFactory

    guide = ServiceGuideFactory(published=True)
    html = client.get(guide.theme.get_absolute_url()).content.decode()
    assert meta(html, "ColumnName") == guide.theme.name
    assert meta(html, "ColumnType") == "办事服务"
    html = client.get(guide.get_absolute_url()).content.decode()
    assert meta(html, "ArticleTitle") == f"{guide.name}办事指南"
    assert meta(html, "PubDate") == timezone.localtime(guide.published_at).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert meta(html, "ContentSource") == guide.department.name
    assert meta(html, "ColumnName") == guide.theme.name


def test_published_message_and_consultation_carry_article_meta(client):
    from tests.complaints.factories import MessageFactory, published, published_consultation
    from tests.portal.factories import UserFactory

    message = published(MessageFactory(), replier=UserFactory(), reviewer=UserFactory())
    html = client.get(message.get_absolute_url()).content.decode()
    assert meta(html, "ArticleTitle") == message.public_subject
    assert meta(html, "ContentSource") == message.department.name
    assert meta(html, "PubDate") == timezone.localtime(message.published_at).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert meta(html, "ColumnName") == "留言选登"
    consultation = published_consultation()
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert meta(html, "ArticleTitle") == consultation.title
    assert meta(html, "ContentSource") == consultation.department.name
    assert meta(html, "ColumnName") == "征求意见"


# 网站地图: generated from the sitemap sections, the column tree and the themes -----------------
def site_map_links(client):
    html = client.get(reverse("site-map")).content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    return [href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)"', main)]


def test_site_map_links_every_column_theme_guide_and_section_page(client):
    from services.models import ServiceTheme
    from tests.services.factories import ServiceGuideFactory

    guide = ServiceGuideFactory(published=True)
    links = site_map_links(client)
    for column in Category.objects.visible():
        assert column.get_absolute_url() in links, column.slug
    for theme in ServiceTheme.objects.visible():
        assert theme.get_absolute_url() in links
    assert guide.get_absolute_url() in links
    for url_name in [
        "disclosure:standard-catalog",
        "complaints:consultation-list",
        "complaints:evaluation-list",
        "complaints:message-create",
        "services:result-list",
        "oversight:index",
        "accessibility",
    ]:
        assert reverse(url_name) in links, url_name


def test_every_link_on_the_site_map_answers(client):
    from tests.services.factories import ServiceGuideFactory

    ServiceGuideFactory(published=True)
    links = set(site_map_links(client))
    assert len(links) > 50
    for href in links:
        assert client.get(href).status_code == 200, href


# Routes without arguments that are not pages to browse: feeds, downloads, machine answers,
# the lobby devices, and pages reached from another (a receipt, a form's follow-up).
NOT_IN_SITE_MAP = {
    "disclosure:feed",
    "services:booklet",
    "services:result-export",
    "services:result-feed",
    "services:kiosk",
    "services:kiosk-windows",
    "services:kiosk-results",
    "services:kiosk-news",
    "services:kiosk-rate",
    "services:screen",
    "services:screen-data",
}


def test_site_map_has_every_page_of_the_public_sections(client):
    """A page added to an app without its sitemap section fails here: the map is not typed."""
    from django.urls import get_resolver

    links = set(site_map_links(client))
    resolver = get_resolver()
    missing = []
    for namespace in ["disclosure", "services", "complaints", "oversight"]:
        for pattern in resolver.namespace_dict[namespace][1].url_patterns:
            name = f"{namespace}:{pattern.name}"
            if pattern.pattern.converters or pattern.default_args or name in NOT_IN_SITE_MAP:
                continue
            if reverse(name) not in links:
                missing.append(name)
    assert missing == []
