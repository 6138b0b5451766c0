"""The page chrome (portal.chrome): the header and footer are rendered once per worker and
content version, yet each page still gets its own navigation mark, search words and address,
and a settings change shows at once."""

import re

import pytest
from django.urls import reverse

from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


def current_entries(html):
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


@pytest.mark.parametrize(
    "url, entry",
    [
        ("/", "首页"),
        ("/zwgk/", "政务公开"),
        ("/bsfw/", "办事服务"),
        ("/zmhd/", "政民互动"),
        ("/jggk/", "机构概况"),
        ("/search/?q=土地", None),
    ],
)
def test_each_section_marks_its_own_navigation_entry(client, url, entry):
    client.get("/")  # the home page's header is remembered first
    html = client.get(url, follow=True).content.decode()
    assert current_entries(html) == ([entry] if entry else [])


def test_search_words_stay_on_their_own_page(client):
    words = "土地<script>alert(1)</script>"
    html = client.get(reverse("search"), {"q": words}).content.decode()
    assert 'value="土地&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html
    # The next reader, without words, gets the empty box (the remembered header).
    html = client.get(reverse("search")).content.decode()
    assert re.search(r'<input id="header-q"[^>]* value="">', html)


def test_footer_names_each_pages_own_address(client):
    first = client.get("/zwgk/lm/tzgg/").content.decode()
    second = client.get("/wzdt/").content.decode()
    assert "page=/zwgk/lm/tzgg/" in first and "page=/wzdt/" not in first
    assert "page=/wzdt/" in second and "page=/zwgk/lm/tzgg/" not in second
    with_query = client.get("/zwgk/lm/tzgg/?x=1").content.decode()
    assert "page=/zwgk/lm/tzgg/&" not in with_query and 'page=/zwgk/lm/tzgg/"' in with_query
    # An address a visitor typed is percent-encoded, never pasted in raw.
    odd = client.get('/zwgk/lm/通知"><script>x</script>/').content.decode()
    assert "page=/zwgk/lm/%E9%80%9A%E7%9F%A5%22%3E%3Cscript%3Ex%3C/script%3E/" in odd
    assert "<script>x</script>" not in odd


def test_a_settings_change_reaches_the_header_and_footer_at_once(client):
    before = client.get("/").content.decode()
    settings_row = SiteSettings.load()
    assert settings_row.site_name in before
    settings_row.site_name = "江川市自然资源和规划局门户网站"
    settings_row.phone = "0571-87654321"
    settings_row.save()
    after = client.get("/zwgk/").content.decode()
    assert '<span class="brand-name">江川市自然资源和规划局门户网站</span>' in after
    assert "联系电话：0571-87654321" in after


def test_chrome_is_not_rendered_again_for_each_page(client):
    """The remembered chrome is not rendered again for the next pages."""
    client.get("/zwgk/lm/tzgg/")
    from portal import chrome

    calls = []
    original = chrome._render
    chrome._render = lambda *args, **kwargs: calls.append(args) or original(*args, **kwargs)
    try:
        client.get("/zwgk/lm/tzgg/")
        client.get("/zwgk/lm/zcwj/")
    finally:
        chrome._render = original
    assert calls == []


def test_pk_url_is_reverse(settings):
    from django.urls import NoReverseMatch, reverse, set_script_prefix

    from portal.addresses import pk_url

    for name in ("disclosure:item-detail", "services:guide-detail"):
        for pk in (1, 42, 1000364):
            assert pk_url(name, pk) == reverse(name, args=[pk])
    set_script_prefix("/portal/")
    try:
        assert pk_url("disclosure:item-detail", 7) == "/portal/zwgk/xxgk/7/"
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        pk_url("home", 1)


def test_day_filter_is_the_local_date():
    from datetime import UTC, datetime

    from django.template import Context, Template

    # 16:30 UTC on 31 December is already 1 January in Beijing.
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    rendered = Template('{% load portal_tags %}{{ m|day }}|{{ m|date:"Y-m-d" }}').render(
        Context({"m": moment})
    )
    assert rendered == "2027-01-01|2027-01-01"
    assert Template("{% load portal_tags %}{{ m|day }}").render(Context({"m": None})) == ""
