"""Capped counts, the cached count of catalog lists, deep pages read by id, quick widgets."""

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.filters import ItemFilter
from disclosure.models import Item
from portal import pagination
from portal.forms import SearchForm
from portal.widgets import QuickSelect, QuickTextInput
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def publish(count, **kwargs):
    author, reviewer = UserFactory(), UserFactory()
    items = []
    for _ in range(count):
        item = ItemFactory(author=author, **kwargs)
        item.submit(by=author)
        item.approve(by=reviewer, checklist=CHECKLIST)
        items.append(item)
    return items


def test_count_is_capped():
    publish(7)
    paginator = pagination.CappedPaginator(Item.objects.public().latest(), 2, cap=5)
    assert paginator.count == 6  # cap + 1: "5+" without counting the rest
    assert paginator.is_capped


def test_deep_pages_read_ids_first_and_give_the_same_rows(monkeypatch, django_assert_num_queries):
    publish(9)
    queryset = Item.objects.public().for_list().latest()
    expected = list(queryset.values_list("pk", flat=True))
    monkeypatch.setattr(pagination, "DEFERRED_JOIN_FROM", 4)
    paginator = pagination.CappedPaginator(queryset, 2)
    assert [item.pk for item in paginator.page(1)] == expected[0:2]  # shallow: one query
    paginator = pagination.CappedPaginator(queryset, 2)
    with django_assert_num_queries(3):  # count, the page's ids, its rows
        page = paginator.page(3)
        rows = list(page)
    assert [item.pk for item in rows] == expected[4:6]
    assert rows[0].department.name  # the rows still come with their joins
    assert [item.pk for item in pagination.CappedPaginator(queryset, 2).page(5)] == expected[8:9]


def test_column_count_is_cached_until_content_changes(client, settings, reviewer):
    settings.LIST_COUNT_CACHE_SECONDS = 600
    first, second = publish(2)
    url = reverse("disclosure:category", args=["tzgg"])
    assert client.get(url).context["page_obj"].paginator.count == 2
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not any("COUNT(*)" in query["sql"] for query in queries.captured_queries)
    second.withdraw(by=reviewer, reason="内容有误")
    assert client.get(url).context["page_obj"].paginator.count == 1  # at once, not in 10 minutes
    publish(3)
    response = client.get(url)
    assert response.context["page_obj"].paginator.count == 4
    assert "共 4 条" in response.content.decode()
    # Filters have counts of their own.
    assert client.get(url, {"validity": "repealed"}).context["page_obj"].paginator.count == 0


def test_column_filter_form_is_cached_until_a_department_changes(client, department, monkeypatch):
    """The unbound filter form's HTML is kept per column; a department's change or a filtered
    request renders it afresh."""
    publish(1, department=department)
    url = reverse("disclosure:category", args=["tzgg"])
    assert f'<option value="{department.pk}">政策法规科</option>' in client.get(url).text
    with monkeypatch.context() as patched:  # the cached HTML is served: the form is not built
        patched.setattr(ItemFilter, "form", property(lambda self: pytest.fail("form built")))
        assert f'<option value="{department.pk}">政策法规科</option>' in client.get(url).text
    department.name = "法规科"
    department.save()
    html = client.get(url).text
    assert "法规科</option>" in html and "政策法规科</option>" not in html
    # A filtered request shows its own choices and never the cached form.
    html = client.get(url, {"department": department.pk, "document_number": '<b>"x'}).text
    assert f'<option value="{department.pk}" selected>法规科</option>' in html
    assert 'value="&lt;b&gt;&quot;x"' in html
    assert f'<option value="{department.pk}">法规科</option>' in client.get(url).text


def django_rendered(bound_field):
    """Render a bound field with Django's own template widget."""
    widget = bound_field.field.widget
    quick = type(widget)
    widget.__class__ = quick.__mro__[1]
    try:
        return bound_field.as_widget()
    finally:
        widget.__class__ = quick


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"department": "1", "year": "2025", "validity": "repealed", "document_number": '<b>"x'},
        {"year": "<script>", "document_number": "〔2026〕12号"},
    ],
)
def test_quick_widgets_render_what_django_renders(data, department, assert_html_equal):
    form = ItemFilter(data, queryset=Item.objects.none()).form
    kinds = {type(field.widget) for field in form.fields.values()}
    assert kinds == {QuickSelect, QuickTextInput}
    for bound_field in form:
        assert_html_equal(bound_field.as_widget(), django_rendered(bound_field))


def test_quick_select_keeps_optgroups_and_escapes_labels(assert_html_equal):
    class Form(forms.Form):
        land = forms.ChoiceField(
            choices=[("", "全部"), ("征收", [("a&b", "<征地>"), ("c", "补偿")])],
            widget=QuickSelect,
        )

    field = Form({"land": "a&b"})["land"]
    html = field.as_widget()
    assert "&lt;征地&gt;" in html and 'value="a&amp;b" selected' in html
    assert_html_equal(html, django_rendered(field))


def test_search_form_uses_quick_widgets():
    form = SearchForm(RequestFactory().get("/").GET, kinds=["政策文件"])
    assert isinstance(form.fields["department"].widget, QuickSelect)


@pytest.fixture
def assert_html_equal():
    from django.test import SimpleTestCase

    case = SimpleTestCase()
    return case.assertHTMLEqual


def test_department_options_come_from_the_cache_and_follow_changes(
    department, django_assert_num_queries
):
    def options():
        form = ItemFilter(None, queryset=Item.objects.none()).form
        return str(form["department"])

    assert "政策法规科" in options()
    with django_assert_num_queries(0):
        html = options()
    assert '<option value="" selected>全部</option>' in html
    department.name = "法规与政策研究科"
    department.save()
    assert "法规与政策研究科" in options() and "政策法规科" not in options()


def test_a_department_filter_still_validates_against_the_database(department, other_department):
    other_department.is_active = False
    other_department.save()
    form = ItemFilter({"department": str(department.pk)}, queryset=Item.objects.none()).form
    assert form.is_valid() and form.cleaned_data["department"] == department
    form = ItemFilter({"department": str(other_department.pk)}, queryset=Item.objects.none()).form
    assert not form.is_valid() and "department" in form.errors


# Page links: 首页, 尾页, the numbers around the current page, 跳转 -------------------------------


def page_of(rows, number, per_page=10, cap=pagination.COUNT_CAP):
    return pagination.CappedPaginator(list(range(rows)), per_page, cap=cap).page(number)


@pytest.mark.parametrize(
    ("number", "window"),
    [
        (1, [1, 2, 3, None, 120]),
        (3, [1, 2, 3, 4, 5, None, 120]),
        (4, [1, 2, 3, 4, 5, 6, None, 120]),
        (6, [1, None, 4, 5, 6, 7, 8, None, 120]),
        (117, [1, None, 115, 116, 117, 118, 119, 120]),
        (120, [1, None, 118, 119, 120]),
    ],
)
def test_window_shows_first_last_and_neighbours(number, window):
    page = page_of(1200, number)
    assert page.window() == window
    assert page.has_known_last


def test_window_of_a_short_list_has_no_gaps():
    assert page_of(25, 2).window() == [1, 2, 3]
    assert page_of(5, 1).window() == [1]


def test_capped_list_offers_only_the_pages_inside_the_cap_and_no_last_page():
    page = page_of(5000, 10, per_page=10, cap=100)
    assert page.paginator.count == 101  # counted no further than cap + 1
    assert page.paginator.num_pages == 10  # 100 rows of 10: the pages wholly inside the cap
    assert page.window() == [1, None, 8, 9, 10, None]  # "…" at the end, not a last number
    assert not page.has_known_last and not page.has_next()
    assert list(page) == list(range(90, 100))


def test_capped_count_of_a_queryset_stops_at_the_cap():
    publish(7)
    paginator = pagination.CappedPaginator(Item.objects.public().latest(), 2, cap=5)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.num_pages == 2
    (count,) = queries.captured_queries
    assert "COUNT(*)" in count["sql"] and "LIMIT 6" in count["sql"]


@pytest.mark.parametrize(
    ("asked", "number", "refused"),
    [("2", 2, ""), ("", 1, ""), ("99", 3, "99"), ("abc", 1, "abc"), ("0", 1, "0"), ("-4", 1, "-4")],
)
def test_paginate_clamps_a_page_out_of_range_and_says_so(asked, number, refused):
    page = pagination.paginate(RequestFactory().get("/", {"page": asked}), list(range(50)))
    assert (page.number, page.refused) == (number, refused)


def render_pagination(page, query_string=""):
    from django.template.loader import render_to_string

    return render_to_string(
        "includes/pagination.html", {"page_obj": page, "query_string": query_string}
    )


def test_pagination_links_keep_the_filters_and_mark_the_current_page():
    html = render_pagination(page_of(1200, 6), "year=2025&department=3")
    assert '<nav class="pagination" aria-label="分页">' in html
    assert 'href="?year=2025&amp;department=3&amp;page=1">首页</a>' in html
    assert 'href="?year=2025&amp;department=3&amp;page=120">尾页</a>' in html
    assert 'page=5" rel="prev">上一页' in html and 'page=7" rel="next">下一页' in html
    assert 'aria-current="page" aria-label="第 6 页">6</a>' in html
    assert html.count('class="page-gap"') == 2
    # 跳转: a GET form that keeps the filters, bounded to the pages there are.
    assert '<input type="hidden" name="year" value="2025">' in html
    assert '<input type="hidden" name="department" value="3">' in html
    assert 'name="page" min="1" max="120"' in html
    assert "共 120 页" in html


def test_pagination_of_the_first_and_last_page():
    first = render_pagination(page_of(1200, 1))
    assert "首页" not in first and "上一页" not in first and "尾页" in first
    last = render_pagination(page_of(1200, 120))
    assert "首页" in last and "下一页" not in last and "尾页" not in last


def test_pagination_of_a_capped_list_has_no_last_page():
    html = render_pagination(page_of(5000, 3, cap=100))
    assert "尾页" not in html and "下一页" in html
    assert "前 10 页" in html and 'max="10"' in html


def test_pagination_explains_a_refused_page_number():
    request = RequestFactory().get("/", {"page": "9999"})
    html = render_pagination(pagination.paginate(request, list(range(50))))
    assert "没有第 9999 页（共 3 页），现显示第 3 页。" in html
    request = RequestFactory().get("/", {"page": "9999"})
    html = render_pagination(pagination.paginate(request, list(range(20_000)), cap=1000))
    assert "没有第 9999 页（最多可翻到第 50 页" in html
    assert "现显示第 50 页" in html


def test_column_list_answers_a_page_out_of_range_with_its_last_page(client):
    publish(3)
    response = client.get(reverse("disclosure:category", args=["tzgg"]), {"page": "7"})
    assert response.status_code == 200
    assert "没有第 7 页（共 1 页），现显示第 1 页。" in response.text
