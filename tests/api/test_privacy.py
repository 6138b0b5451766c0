"""Nothing private is reachable through the API or the bulk files: no draft, pending, withdrawn
or 依申请公开 item, no information request, no message without consent or review, no comment
without review, no unpublished guide, consultation, round or report, and no unmasked name, phone
number or ID number anywhere."""

import json

import pytest
from django.core.management import call_command

from api import opendata
from portal.masking import ID_NUMBER_IN_TEXT, MOBILE_IN_TEXT
from tests.api.conftest import (
    API,
    PRIVATE_TEXT,
    PUBLIC_APPLICANT,
    PUBLIC_PHONE,
    PUBLIC_SENDER,
    SECRETS,
)

pytestmark = pytest.mark.django_db

LISTS = [
    "/departments",
    "/columns",
    "/items?limit=100",
    "/items?column=tzgg&limit=100",
    "/guide-themes",
    "/guides?limit=100",
    "/approval-results?limit=100",
    "/message-categories",
    "/messages?limit=100",
    "/message-statistics",
    "/consultations?limit=100",
    "/evaluations",
    "/annual-reports",
    "/datasets",
]
SEARCHES = ["草稿", "审核", "撤回", "依申请公开", "秘密材料", "留言", "意见", "办事指南", "评议"]


def readable(response):
    """Return the answer's text with any \\u escapes decoded, as a reader would see it."""
    text = response.content.decode()
    return text + json.dumps(response.json(), ensure_ascii=False)


def assert_nothing_private(text):
    for marker in [*PRIVATE_TEXT.values(), *SECRETS.values(), PUBLIC_SENDER, PUBLIC_APPLICANT]:
        assert marker not in text, marker
    assert PUBLIC_PHONE not in text
    assert not MOBILE_IN_TEXT.search(text), MOBILE_IN_TEXT.search(text)
    assert not ID_NUMBER_IN_TEXT.search(text), ID_NUMBER_IN_TEXT.search(text)


def test_no_private_row_or_personal_data_anywhere(client, public_world, private_world):
    answers = []
    for path in LISTS:
        response = client.get(API + path)
        assert response.status_code == 200, path
        answers.append(readable(response))
    for query in SEARCHES:
        response = client.get(API + "/search", {"q": query})
        assert response.status_code == 200
        answers.append(readable(response))
    # The public rows' own pages.
    public = public_world
    for path in [
        f"/items/{public['item'].pk}",
        f"/guides/{public['guide'].pk}",
        f"/approval-results/{public['result'].tracking_number}",
        f"/messages/{public['message'].tracking_number}",
        f"/consultations/{public['consultation'].pk}",
        f"/evaluations/{public['round'].pk}",
        "/annual-reports/2025",
    ]:
        response = client.get(API + path)
        assert response.status_code == 200, path
        answers.append(readable(response))
    text = "\n".join(answers)
    assert public["item"].title in text and "张**" in text  # the crawl did read the public rows
    assert_nothing_private(text)


def test_private_rows_have_no_detail(client, public_world, private_world):
    rows = private_world
    for path in [
        *(f"/items/{rows[name].pk}" for name in ["draft", "pending", "withdrawn", "on_request"]),
        f"/guides/{rows['draft_guide'].pk}",
        f"/guides/{rows['withdrawn_guide'].pk}",
        f"/messages/{rows['unconsented'].tracking_number}",
        f"/messages/{rows['unapproved'].tracking_number}",
        f"/consultations/{rows['draft_consultation'].pk}",
        f"/evaluations/{rows['hidden_round'].pk}",
        f"/evaluations/{rows['open_round'].pk}",  # results only once closed
        "/annual-reports/2024",
    ]:
        response = client.get(API + path)
        assert response.status_code == 404, path
        assert_nothing_private(readable(response))


def test_information_requests_have_no_endpoint(client, private_world):
    info_request = private_world["request"]
    schema = client.get(API + "/openapi.json").content.decode()
    assert "ysqgk" not in schema and "information-request" not in schema
    for path in [f"/requests/{info_request.tracking_number}", "/information-requests"]:
        assert client.get(API + path).status_code == 404


def test_bulk_files_hold_nothing_private(public_world, private_world):
    call_command("build_open_data", verbosity=0)
    texts = [path.read_text(encoding="utf-8") for path in opendata.open_data_dir().iterdir()]
    text = "\n".join(texts)
    assert public_world["item"].title in text and public_world["guide"].name in text
    assert "张**" in text
    assert_nothing_private(text)
    for line in (opendata.open_data_dir() / "approval-results.jsonl").read_text().splitlines():
        assert json.loads(line)["applicant"] == "张**"
