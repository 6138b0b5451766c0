"""Site search: segmentation, the same hits on SQLite and PostgreSQL, highlighting, filters."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import Category
from portal import search
from portal.models import SearchEntry
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(department, other_department):
    zcwj = Category.objects.get(slug="gfxwj")
    return {
        "zhengshou": ItemFactory(
            title="关于2026年度第三批次城市建设用地征收土地的公告",
            department=department,
            document_number="江政征〔2026〕3号",
            summary="征地公告。",
            body="<p>根据《中华人民共和国土地管理法》，现将征收土地有关事项公告如下。</p>",
            published=True,
        ),
        "budongchan": ItemFactory(
            title="江川市不动产登记中心关于调整窗口办公时间的公告",
            department=other_department,
            summary="窗口时间调整。",
            body="<p>不动产登记窗口自12月1日起延长办公时间。</p>",
            published=True,
        ),
        "guifan": ItemFactory(
            title="江川市国土资源局关于规范农村宅基地审批管理的通知",
            category=zcwj,
            document_number="江国土资规〔2025〕12号",
            department=department,
            summary="宅基地审批。",
            body="<p>为规范宅基地审批，依法保护农民合法权益，推进政府信息公开。</p>",
            published=True,
        ),
        "draft": ItemFactory(title="尚未发布的征收土地草稿", summary="草稿。"),
    }


def hits(query, **filters):
    return {entry.title for entry in SearchEntry.objects.search(query, **filters)}


def test_segmentation_uses_bureau_dictionary():
    assert "不动产登记" in search.words("办理不动产登记需要哪些材料")
    assert "国有建设用地使用权" in search.words("国有建设用地使用权首次登记")
    assert search.words("〔2026〕12号") == ["2026", "12", "号"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("土地", {"zhengshou"}),
        ("征收", {"zhengshou"}),
        ("不动产登记", {"budongchan"}),
        ("公开", {"guifan"}),
        ("宅基地 审批", {"guifan"}),
        ("〔2025〕12号", {"guifan"}),
        ("〔2026〕", {"zhengshou"}),
        ("公告", {"zhengshou", "budongchan"}),
        ("ＡＢＣ矿业", set()),
        ("完全不存在的词语", set()),
    ],
)
def test_same_hits_on_every_backend(corpus, query, expected):
    """These cases run on SQLite and, in CI, on PostgreSQL: the hits must be the same."""
    assert hits(query) == {corpus[key].title for key in expected}


def test_drafts_and_withdrawn_items_are_not_found(corpus, reviewer):
    assert corpus["draft"].title not in hits("征收")
    corpus["zhengshou"].withdraw(by=reviewer, reason="公告有误")
    assert hits("征收") == set()


def test_title_ranks_above_body(department):
    in_body = ItemFactory(
        title="关于调整办公时间的通知", body="<p>涉及耕地保护工作安排。</p>", published=True
    )
    in_title = ItemFactory(title="耕地保护工作要点", body="<p>全年工作安排。</p>", published=True)
    ranked = [entry.title for entry in SearchEntry.objects.search("耕地保护")]
    assert ranked == [in_title.title, in_body.title]


def test_filters_by_department_and_year(corpus, department):
    assert hits("公告", department=department) == {corpus["zhengshou"].title}
    assert hits("公告", year=2001) == set()


def test_search_page_highlights_and_escapes(client, corpus):
    response = client.get(reverse("search"), {"q": "征收"})
    html = response.content.decode()
    assert "<mark>征收</mark>" in html
    assert "找到 1 条" in html


def test_script_query_is_shown_as_text(client, corpus):
    html = client.get(reverse("search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_results_offers_help(client, corpus):
    html = client.get(reverse("search"), {"q": "火星移民"}).content.decode()
    assert "没有找到与“火星移民”相关的结果" in html
    assert "换用其他关键词" in html


def test_single_character_asks_for_more(client, corpus):
    html = client.get(reverse("search"), {"q": "地"}).content.decode()
    assert "请输入两个字以上的关键词" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "土地", "year": "abc"},
        {"q": "土地", "department": "x"},
        {"q": "土地", "kind": "<b>"},
        {"q": "土地", "page": "9999"},
        {"q": "x" * 500},
        {"q": "'\" & | ! :*"},
    ],
)
def test_bad_input_never_500(client, corpus, params):
    assert client.get(reverse("search"), params).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_search_query_count(client, django_assert_max_num_queries, rows):
    """Search: departments for the filter, capped count, one page of entries with department."""
    for n in range(rows):
        ItemFactory(title=f"土地征收公告第{n}号", published=True)
    client.get(reverse("search"), {"q": "土地"})
    with django_assert_max_num_queries(4):
        response = client.get(reverse("search"), {"q": "土地"})
    assert len(response.context["page_obj"]) == min(rows, 20)


def test_reindex_command_rebuilds_the_index(corpus):
    from io import StringIO

    from django.core.management import call_command

    SearchEntry.objects.all().delete()
    assert hits("征收") == set()
    out = StringIO()
    call_command("reindex", stdout=out)
    assert hits("征收") == {corpus["zhengshou"].title}
    assert SearchEntry.objects.count() == 3


@pytest.mark.parametrize(
    "recent_rows, walk_rows, sort_matches, partial",
    [
        (10**6, 0, 0, False),  # a small index: one query
        (1, 10**6, 0, False),  # the newest entry, then a walk along the dates
        (1, 0, 10**6, False),  # the newest entry, then the older matches sorted
        (1, 0, -1, True),  # the newest entry, then any older matches (the bounded answer)
    ],
)
def test_every_way_of_reading_the_window_gives_the_same_hits(
    corpus, monkeypatch, recent_rows, walk_rows, sort_matches, partial
):
    """The window is read in steps chosen from what the newest entries show (portal.search)."""
    monkeypatch.setattr(search.SearchResults, "RECENT_ROWS", recent_rows)
    monkeypatch.setattr(search.SearchResults, "WALK_ROWS", walk_rows)
    monkeypatch.setattr(search.SearchResults, "SORT_MATCHES", sort_matches)
    older = ItemFactory(title="关于2019年度土地征收的公告", published=True)
    SearchEntry.objects.filter(key=f"disclosure.item:{older.pk}").update(
        published_at=corpus["zhengshou"].published_at - timedelta(days=3000)
    )
    results = SearchEntry.objects.search("公告", order="date")
    titles = [entry.title for entry in results]
    assert set(titles) == {corpus["budongchan"].title, corpus["zhengshou"].title, older.title}
    if not partial:  # exact: newest first
        assert titles == [corpus["budongchan"].title, corpus["zhengshou"].title, older.title]
    assert results.is_partial is (partial and connection.vendor == "postgresql")
    assert hits("宅基地") == {corpus["guifan"].title}


def test_the_window_is_kept_for_the_next_pages_of_a_search(corpus, settings):
    settings.SEARCH_PAGE_CACHE_SECONDS = 30
    assert len(SearchEntry.objects.search("公告")) == 2
    ItemFactory(title="另一份公告", published=True)  # indexed: moves the index version on
    with CaptureQueriesContext(connection) as queries:
        results = SearchEntry.objects.search("公告")
        assert len(results) == 3
    again = SearchEntry.objects.search("公告")
    with CaptureQueriesContext(connection) as kept:
        assert len(again) == 3  # the window read above, from the cache
    assert len(queries) >= 1 and len(kept) == 0


def test_window_is_capped_and_pages_read_their_own_rows(corpus, monkeypatch):
    monkeypatch.setattr(search.SearchResults, "WINDOW", 1)
    results = SearchEntry.objects.search("公告")
    assert len(results) == 2  # the window and one more, so that the page can say "1+"
    assert [entry.title for entry in results[1:2]] and results[0].department is not None


def test_published_messages_join_the_search_with_their_public_text_only(client, department):
    from complaints.models import Message
    from portal import roles
    from tests.complaints.factories import MessageFactory
    from tests.conftest import make_staff

    replier = make_staff(roles.OFFICER, department)
    reviewer = make_staff(roles.REVIEWER)
    message = MessageFactory(subject="宅基地翻建审批需要哪些材料", sender_name="王秀英")
    hidden = MessageFactory(subject="宅基地确权进度", has_publication_consent=False)
    for row in (message, hidden):
        row.record_reply(by=replier, text="请携带身份证和宅基地使用权证到窗口办理。")
    hidden.approve(by=reviewer)
    assert not SearchEntry.objects.filter(kind="政民互动").exists()  # approved, not published
    message.approve(
        by=reviewer,
        public_subject="宅基地翻建审批需要哪些材料",
        public_body="村民王**询问宅基地翻建审批材料。",
        public_reply="请携带身份证和宅基地使用权证到窗口办理。",
    )
    entry = SearchEntry.objects.get(kind="政民互动")
    assert entry.url == message.get_absolute_url() and entry.department_id == message.department_id
    assert "王秀英" not in entry.body + entry.search_text  # only the reviewed public text
    html = client.get(reverse("search"), {"q": "宅基地", "kind": "政民互动"}).content.decode()
    assert "<mark>宅基地</mark>" in html and message.get_absolute_url() in html
    assert Message.objects.public().count() == 1


def test_highlight_marks_the_longest_term_where_several_start():
    terms = search.query_words("宅基地")
    assert str(search.highlight("宅基地审批", terms)) == "<mark>宅基地</mark>审批"
    terms = search.query_words("不动产登记")
    assert str(search.highlight("办理不动产登记", terms)) == "办理<mark>不动产登记</mark>"


def test_guides_and_documents_rank_above_daily_approval_rows_with_the_same_words():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    search.index_document(
        key="services.serviceguide:1",
        kind="办事指南",
        title="宅基地使用权及房屋所有权首次登记办事指南",
        url="/bszn/1/",
        text="申请条件",
        published_at=now - timedelta(days=300),
    )
    for n in range(3):
        search.index_document(
            key=f"services.approvalresult:{n}",
            kind="办件公示",
            title=f"宅基地使用权及房屋所有权首次登记（受理编号 BDC2026112{n}-0001）",
            url=f"/bjgs/?number={n}",
            text="申请人：王**；状态：办结",
            published_at=now - timedelta(days=n),
        )
    results = SearchEntry.objects.search("宅基地")
    assert results[0].kind == "办事指南"
    by_date = SearchEntry.objects.search("宅基地", order="date")
    assert [entry.kind for entry in by_date[:4]][-1] == "办事指南"  # the oldest, by date


def test_every_searchable_model_is_found_through_its_own_declaration():
    """search_rows() and search_document() on the model are all it takes to be in the search."""
    assert [model._meta.label for model in search.searchable_models()] == [
        "complaints.Consultation",
        "complaints.Message",
        "disclosure.Item",
        "services.ApprovalResult",
        "services.ServiceGuide",
    ]


def test_saving_guides_results_and_consultations_updates_the_index(reviewer):
    from tests.complaints.factories import published_consultation
    from tests.services.factories import ApprovalResultFactory

    result = ApprovalResultFactory(result="准予登记")
    guide = result.guide
    consultation = published_consultation(title="江川市耕地保护办法（征求意见稿）")
    keys = set(SearchEntry.objects.values_list("key", flat=True))
    assert {search.document_key(row) for row in (result, guide, consultation)} <= keys
    assert SearchEntry.objects.get(key=search.document_key(guide)).title == f"{guide.name}办事指南"

    guide.withdraw(by=reviewer, reason="事项调整")
    assert not SearchEntry.objects.filter(key=search.document_key(guide)).exists()
    result.delete()
    assert not SearchEntry.objects.filter(key=search.document_key(result)).exists()


def test_a_guide_is_dated_in_search_by_its_last_revision():
    """按发布时间: a guide revised today sorts with today's documents, not with its first
    publication (the demo's guides all carried the load date and came first)."""
    from portal.search import document_key, index_row
    from tests.services.factories import ServiceGuideFactory

    guide = ServiceGuideFactory(published=True)
    first = guide.published_at - timedelta(days=400)
    type(guide).objects.filter(pk=guide.pk).update(published_at=first)
    guide.refresh_from_db()
    index_row(guide)
    entry = SearchEntry.objects.get(key=document_key(guide))
    assert entry.published_at == guide.reviewed_at != first


def test_a_partial_window_is_said_on_the_page(client, corpus, monkeypatch):
    monkeypatch.setattr(search.SearchResults, "_read_window", _partial_window)
    html = client.get(reverse("search"), {"q": "公告"}).content.decode()
    assert "以下是其中一部分，未必是最新的" in html
    monkeypatch.undo()
    assert "未必是最新的" not in client.get(reverse("search"), {"q": "征收"}).content.decode()


def _partial_window(results):
    results.is_partial = True
    return list(results.window())
