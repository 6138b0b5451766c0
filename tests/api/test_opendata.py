"""开放数据: the bulk files (CSV with BOM, JSON Lines), the task, the command, the downloads and
the data dictionary page."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from api import opendata
from api.schemas import ApprovalResultOut, GuideDetailOut, ItemOut
from api.tasks import build_open_data
from disclosure.models import Category
from tests.api.conftest import API
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_command_builds_every_dataset(public_world):
    call_command("build_open_data", verbosity=0)
    names = {path.name for path in opendata.open_data_dir().iterdir()}
    assert {"items-tzgg.csv", "items-tzgg.jsonl", "guides.csv", "approval-results.jsonl"} <= names
    assert len(names) == 2 * len(opendata.datasets())


def test_csv_opens_in_excel_and_holds_the_api_rows(client, public_world):
    """The researcher's case: the column's CSV, then the same rows through the API's pages."""
    column = Category.objects.get(slug="gfxwj")
    ItemFactory.create_batch(3, published=True, category=column)
    dataset = opendata.datasets()["items-gfxwj"]
    csv_path, jsonl_path = opendata.build_dataset(dataset)
    raw = csv_path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [field.title for field in ItemOut.model_fields.values()]
    assert rows[0][:3] == ["信息ID", "索引号", "标题"]
    csv_ids = [int(row[0]) for row in rows[1:]]
    api_ids, cursor = [], None
    while True:
        page = client.get(
            API + "/items",
            {"column": "gfxwj", "limit": 2, **({"cursor": cursor} if cursor else {})},
        ).json()
        api_ids += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert csv_ids == api_ids and len(api_ids) == 3
    records = [json.loads(line) for line in jsonl_path.read_text().splitlines()]
    assert records == client.get(API + "/items", {"column": "gfxwj"}).json()["items"]


def test_guides_file_has_every_element(public_world):
    csv_path, jsonl_path = opendata.build_dataset(opendata.datasets()["guides"])
    (record,) = [json.loads(line) for line in jsonl_path.read_text().splitlines()]
    assert set(record) == set(GuideDetailOut.model_fields)
    assert record["steps"][0]["name"] == "申请"
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["申请条件"] == "抵押财产为已登记的不动产；抵押人与抵押权人共同申请"
    assert json.loads(cells["办理流程"])[0]["name"] == "申请"
    assert cells["不收费"] == "否"


def test_task_rebuilds_the_files(public_world):
    result = build_open_data.enqueue()
    assert "approval-results" in result.return_value
    lines = (opendata.open_data_dir() / "approval-results.jsonl").read_text().splitlines()
    assert set(json.loads(lines[0])) == set(ApprovalResultOut.model_fields)


def test_download_builds_on_demand(client, public_world):
    response = client.get("/kfsj/approval-results.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()) and "张**".encode() in body
    assert client.get("/kfsj/nothing.csv").status_code == 404
    assert client.get("/kfsj/guides.xlsx").status_code == 404


def test_data_dictionary_page_describes_every_field(client, public_world):
    page = client.get("/kfsj/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "数据字典" in html and "批量下载" in html
    for schema in (ItemOut, GuideDetailOut, ApprovalResultOut):
        for name, field in schema.model_fields.items():
            assert f"<code>{name}</code>" in html and field.title in html
    assert "/kfsj/items-tzgg.csv" in html and "/api/v1/docs" in html


def test_footer_links_the_open_data_page(client, db):
    assert 'href="/kfsj/"' in client.get("/").content.decode()
