"""Markup that makes the public pages work on a phone and in 适老化 mode (the looks: browser tests).

- A list's filters sit in one <details class="filter-fold"> whose summary is 筛选: folded on a phone
  without any script, open when the filters were refused so the reader sees why.
- An item's 信息目录 folds behind 发布机构, 发布日期 and 文号.
- 适老化 is set from a script in <head> that is not deferred, before the body is painted.
"""

import re

import pytest
from django.urls import reverse

from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "column": reverse("disclosure:category", args=["tzgg"]),
    "messages": reverse("complaints:message-list"),
    "results": reverse("services:result-list"),
    "search": reverse("search") + "?q=土地",
}


def fold(html):
    """Return the filter fold's opening tag and its content."""
    match = re.search(r'(<details class="[^"]*filter-fold"[^>]*>)(.*?)</details>', html, re.S)
    assert match, "no filter fold"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("name", LISTS)
def test_list_filters_fold_behind_one_button(client, name):
    html = client.get(LISTS[name]).text
    assert html.count("filter-fold") == 1
    tag, content = fold(html)
    assert "open" not in tag  # folded unless the CSS of a wide screen shows it
    assert content.lstrip().startswith("<summary>筛选</summary>")
    assert 'name="department"' in content or 'name="status"' in content  # the filters inside


@pytest.mark.parametrize(
    ("name", "refused"),
    [("column", "year=1800"), ("messages", "year=1800"), ("results", "status=x")],
)
def test_refused_filters_are_shown_unfolded(client, name, refused):
    html = client.get(LISTS[name] + "?" + refused).text
    tag, content = fold(html)
    assert " open" in tag
    assert 'class="errorlist"' in content


def test_item_page_shows_three_facts_and_folds_its_catalog_header(client):
    item = ItemFactory(
        title="关于开展土地变更调查的通知", document_number="市国土资发〔2026〕12号", published=True
    )
    html = client.get(reverse("disclosure:item-detail", args=[item.pk])).text
    facts = re.search(r'<dl class="item-facts">(.*?)</dl>', html, re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>", facts) == ["发布机构", "发布日期", "文号"]
    assert "市国土资发〔2026〕12号" in facts and item.department.name in facts
    catalog = re.search(
        r'<details class="phone-fold item-catalog">(.*?)</details>', html, re.S
    ).group(1)
    assert "<summary>信息目录" in catalog
    assert "索引号" in catalog and item.index_number in catalog
    assert html.index('item-catalog"') < html.index('<h1 class="article-title">')


def test_item_without_document_number_shows_two_facts(client):
    item = ItemFactory(document_number="", published=True)
    html = client.get(reverse("disclosure:item-detail", args=[item.pk])).text
    facts = re.search(r'<dl class="item-facts">(.*?)</dl>', html, re.S).group(1)
    assert re.findall(r"<dt>(.*?)</dt>", facts) == ["发布机构", "发布日期"]


@pytest.mark.parametrize("url", ["/", LISTS["column"]])
def test_elder_mode_script_runs_before_the_body(client, url):
    html = client.get(url).text
    head = html[: html.index("</head>")]
    (elder,) = re.findall(r"<script [^>]*elder[^>]*></script>", head)
    assert "defer" not in elder and "async" not in elder
    assert re.search(r'<script src="[^"]*site[^"]*\.js" defer>', head)
