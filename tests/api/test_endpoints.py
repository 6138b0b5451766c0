"""Every endpoint of the open-data API answers with the public data, as the pages show it."""

from datetime import date

import pytest

from disclosure.models import Category
from portal import workdays
from tests.api.conftest import API, PUBLIC_APPLICANT
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_departments_and_columns(client, public_world):
    departments = get(client, "/departments")
    assert public_world["item"].department.name in [d["name"] for d in departments]
    columns = get(client, "/columns")
    slugs = [column["slug"] for column in columns]
    assert "zcwj" in slugs
    policy = next(column for column in columns if column["slug"] == "zcwj")
    assert {"gfxwj", "gz"} <= {child["slug"] for child in policy["children"]}
    column = get(client, "/columns/tzgg")
    assert column["name"] == Category.objects.get(slug="tzgg").name
    assert column["url"] == "/zwgk/lm/tzgg/"


def test_item_list_has_the_catalog_header(client, public_world):
    item = public_world["item"]
    page = get(client, "/items", column="tzgg")
    assert page["next_cursor"] is None
    (row,) = page["items"]
    assert row["id"] == item.pk
    assert row["index_number"] == item.index_number and row["index_number"]
    assert row["document_number"] == "江国土资发〔2026〕12号"
    assert row["written_on"] == item.written_on.isoformat()
    assert row["validity"] == "valid" and row["validity_label"] == "有效"
    assert row["disclosure_type"] == "主动公开"
    assert row["department"] == item.department.name
    assert row["column"] == "tzgg" and row["url"] == f"/zwgk/xxgk/{item.pk}/"


def test_item_filters(client, public_world):
    item = public_world["item"]
    assert get(client, "/items", document_number="〔2026〕12")["items"][0]["id"] == item.pk
    assert get(client, "/items", document_number="〔2019〕")["items"] == []
    assert get(client, "/items", department=item.department_id, column="tzgg")["items"]
    assert get(client, "/items", validity="repealed")["items"] == []
    year = item.published_at.year
    assert get(client, "/items", year=year, column="tzgg")["items"][0]["id"] == item.pk
    since = item.updated_at.isoformat()
    assert [row["id"] for row in get(client, "/items", updated_since=since)["items"]] == [
        public_world["interpretation"].pk,
        item.pk,
    ] or get(client, "/items", updated_since=since)["items"]


def test_item_detail_with_links(client, public_world):
    item = public_world["item"]
    old = ItemFactory(published=True, category=item.category, title="旧公告")
    old.validity, old.replaced_by = "repealed", item
    old.save()
    detail = get(client, f"/items/{old.pk}")
    assert detail["validity_label"] == "已废止"
    assert detail["replacement"] == {
        "id": item.pk,
        "title": item.title,
        "published_at": detail["replacement"]["published_at"],
        "url": item.get_absolute_url(),
    }
    detail = get(client, f"/items/{item.pk}")
    assert [link["id"] for link in detail["interpretations"]] == [public_world["interpretation"].pk]
    assert detail["body"].startswith("<p>") and detail["attachments"] == []
    explained = get(client, f"/items/{public_world['interpretation'].pk}")
    assert [link["id"] for link in explained["interprets"]] == [item.pk]


def test_guides(client, public_world):
    guide = public_world["guide"]
    themes = get(client, "/guide-themes")
    assert guide.theme.slug in [theme["slug"] for theme in themes]
    page = get(client, "/guides", theme=guide.theme.slug)
    assert [row["id"] for row in page["items"]] == [guide.pk]
    detail = get(client, f"/guides/{guide.pk}")
    assert detail["code"] == guide.code and detail["legal_time_limit"] == 30
    assert [step["name"] for step in detail["steps"]] == ["申请", "受理", "审核", "登簿", "发证"]
    material = detail["materials"][0]
    assert material["name"] == "不动产登记申请书" and material["forms"][0]["url"].startswith(
        "/bsfw/bg/"
    )
    assert detail["legal_bases"][0]["article"] == "第四百零二条"
    assert detail["conditions"] == ["抵押财产为已登记的不动产", "抵押人与抵押权人共同申请"]
    assert detail["fee"] == guide.fee_standard
    assert detail["handling_modes"] == "网上办理、窗口办理" and detail["visits"] == 1
    assert detail["result_name"] == guide.result_name and detail["special_procedures"] == []
    step = detail["steps"][1]
    assert step["working_days"] == 1 and step["time_limit"] == "1个工作日"


def test_approval_results_masked_as_on_the_site(client, public_world):
    result = public_world["result"]
    page = get(client, "/approval-results")
    (row,) = page["items"]
    assert row["applicant"] == result.public_applicant == "张**"
    assert PUBLIC_APPLICANT not in str(page)
    assert row["status_label"] == "受理" and row["guide_name"] == result.guide.name
    assert get(client, "/approval-results", number=result.tracking_number[-4:])["items"]
    assert get(client, "/approval-results", status="completed")["items"] == []
    one = get(client, f"/approval-results/{result.tracking_number.lower()}")
    assert one["tracking_number"] == result.tracking_number


def test_messages_and_statistics(client, public_world):
    message = public_world["message"]
    page = get(client, "/messages")
    (row,) = page["items"]
    assert row["tracking_number"] == message.tracking_number
    assert row["sender"] == "张**" and "138****5678" in row["body"]
    assert row["reply"] == message.public_reply and row["department"] == message.department.name
    assert get(client, f"/messages/{message.tracking_number}")["subject"] == message.public_subject
    assert get(client, "/messages", q="登记进度")["items"]
    assert get(client, "/message-categories")
    statistics = get(client, "/message-statistics")
    assert statistics["total"]["received_count"] == 1
    assert statistics["total"]["replied_count"] == 1
    assert statistics["total"]["reply_rate"] == 100
    assert statistics["by_kind"][0]["label"] == "咨询"
    assert len(statistics["monthly"]) == 1


def test_consultations(client, public_world):
    consultation = public_world["consultation"]
    page = get(client, "/consultations")
    assert [row["id"] for row in page["items"]] == [consultation.pk]
    assert get(client, "/consultations", phase="open")["items"]
    assert get(client, "/consultations", phase="feedback")["items"] == []
    detail = get(client, f"/consultations/{consultation.pk}")
    assert [article["heading"] for article in detail["articles"]][:2] == ["第一条", "第二条"]
    (comment,) = detail["general_comments"]
    assert comment["sender"] == "张**" and "138****5678" in comment["body"]
    assert comment["adoption"] == "" and detail["feedback"] is None


def test_evaluations(client, public_world):
    round = public_world["round"]
    assert [row["id"] for row in get(client, "/evaluations")] == [round.pk]
    results = get(client, f"/evaluations/{round.pk}")
    assert results["response_count"] == 1
    (subject,) = results["results"]
    assert subject["answer_count"] == 1 and subject["overall"] == 4.75
    assert subject["aspects"][0]["distribution"][0] == {"score": 5, "count": 1}
    assert results["comments"] == [
        {
            "phone": "138****5678",
            "submitted_at": results["comments"][0]["submitted_at"],
            "comment": "服务很好",
        }
    ]


def test_annual_reports(client, public_world):
    assert [row["year"] for row in get(client, "/annual-reports")] == [2025]
    report = get(client, "/annual-reports/2025")
    assert report["overview"] == "总体平稳。"
    assert report["section_two"]["permits_count"] == 12
    three = report["section_three"]
    assert three["columns"][0] == "自然人" and three["is_balanced"] is True
    assert three["results"][0]["code"] == "1" and len(three["results"][0]["cells"]) == 7
    assert len(report["section_four"]["cells"]) == 15


def test_search_uses_the_site_index(client, public_world):
    result = get(client, "/search", q="征收土地")
    assert result["query"] == "征收土地" and result["page"] == 1
    assert public_world["item"].get_absolute_url() in [hit["url"] for hit in result["results"]]
    assert "<mark>" in result["results"][0]["title_html"]
    guides = get(client, "/search", q="首次登记", kind="办事指南")
    assert [hit["kind"] for hit in guides["results"]] == ["办事指南"]


def test_search_refuses_one_character(client, db):
    response = client.get(API + "/search", {"q": "地"})
    assert response.status_code == 422
    assert "两个字" in response.json()["detail"]


def test_working_days(client, db):
    national_day = get(client, "/workdays/is-working-day", date="2025-10-01")
    assert national_day["is_working_day"] is False and "国庆" in national_day["explanation"]
    makeup = get(client, "/workdays/is-working-day", date="2025-09-28")  # a Sunday, 调休上班
    assert makeup["is_working_day"] is True and "星期日" in makeup["explanation"]
    expected = workdays.add_working_days(date(2025, 9, 26), 20)  # the 依申请公开 deadline
    added = get(client, "/workdays/add", start="2025-09-26", days=20)
    assert added["result"] == expected.value.isoformat() and added["is_provisional"] is False
    assert added["explanation"] == expected.explain() and "跳过法定节假日" in added["explanation"]
    assert {"date": "2025-10-01", "note": "国庆节"} in added["skipped_holidays"]
    assert {"date": "2025-09-28", "note": "国庆节调休上班"} in added["counted_weekends"]
    between = get(client, "/workdays/between", start="2025-09-26", end=added["result"])
    assert between["working_days"] == 20
    far = get(client, "/workdays/add", start="2099-12-20", days=5)
    assert far["is_provisional"] is True and "预估" in far["explanation"]
    assert get(client, "/workdays/is-working-day", date="2099-06-01")["is_provisional"] is True


def test_datasets_list(client, public_world):
    datasets = get(client, "/datasets")
    names = {(row["name"], row["format"]) for row in datasets}
    assert {("items-tzgg", "csv"), ("guides", "jsonl"), ("approval-results", "csv")} <= names
    assert all(row["url"].startswith("/kfsj/") for row in datasets)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/items/999999", 404, "没有找到"),
        ("/columns/nope", 404, "没有这个栏目"),
        ("/items?column=nope", 404, "没有这个栏目"),
        ("/no-such-endpoint", 404, "没有这个接口"),
        ("/items?year=abc", 422, "应为整数"),
        ("/items?year=1999", 422, "year"),
        ("/items?cursor=not-a-cursor", 422, "游标"),
        ("/items?limit=1000", 422, "limit"),
        ("/items?department=999999", 422, "department"),
        ("/workdays/add?start=2025-01-01", 422, "必须填写"),
        ("/workdays/between?start=2025-01-01&end=2045-01-01", 422, "相隔"),
        ("/message-statistics?month=2001-01", 404, "近12个月"),
    ],
)
def test_errors_are_json_in_chinese(client, db, path, status, words):
    response = client.get(API + path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["detail"]


def test_writes_are_not_allowed(client, db):
    response = client.post(API + "/items", {"title": "x"})
    assert response.status_code == 405


def test_docs_page_and_schema_are_chinese(client, db):
    schema = get(client, "/openapi.json")
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "政务公开开放数据接口"
    tags = {tag["name"] for tag in schema["tags"]}
    assert {"政务公开目录", "办事服务", "政民互动", "工作日"} <= tags
    item = schema["components"]["schemas"]["ItemOut"]["properties"]
    assert item["index_number"]["title"] == "索引号"
    docs = client.get(API + "/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert 'lang="zh-CN"' in html and "接口文档" in html and "cdn" not in html.lower()


def test_year_filter_matches_the_column_page(client, public_world):
    """The researcher's case: all of a year's 规范性文件, the same through page and API."""
    column = Category.objects.get(slug="gfxwj")
    items = [ItemFactory(published=True, category=column) for _ in range(3)]
    year = date.today().year
    api_ids = [row["id"] for row in get(client, "/items", column="gfxwj", year=year)["items"]]
    page = client.get(column.get_absolute_url(), {"year": year})
    # The column page reads its rows as values (Item.objects.list_rows()).
    assert api_ids == [row["pk"] for row in page.context["page_obj"].object_list]
    assert sorted(api_ids) == sorted(item.pk for item in items)
