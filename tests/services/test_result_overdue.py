"""办件公示: a result past its 承诺办结日期 says 已超期 everywhere the public sees it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import ApprovalResult
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return ServiceGuideFactory(published=True, name="不动产抵押权登记")


@pytest.fixture
def late_and_on_time(guide):
    today = timezone.localdate()
    overdue = ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC-LATE-0001",
        accepted_on=today - timedelta(days=30),
        promised_on=today - timedelta(days=2),
        status=ApprovalResult.Status.PROCESSING,
    )
    finished_late = ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC-DONE-0002",
        accepted_on=today - timedelta(days=30),
        promised_on=today - timedelta(days=5),
        completed_on=today - timedelta(days=1),
        status=ApprovalResult.Status.COMPLETED,
        result="准予登记",
    )
    on_time = ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC-OK-0003",
        accepted_on=today - timedelta(days=1),
        promised_on=today + timedelta(days=5),
    )
    returned = ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC-RET-0004",
        accepted_on=today - timedelta(days=30),
        promised_on=today - timedelta(days=2),
        status=ApprovalResult.Status.RETURNED,
    )
    return overdue, finished_late, on_time, returned


def test_overdue_and_completed_late_rules(late_and_on_time):
    overdue, finished_late, on_time, returned = late_and_on_time
    assert list(ApprovalResult.objects.overdue()) == [overdue]
    assert list(ApprovalResult.objects.completed_late()) == [finished_late]
    assert overdue.is_overdue() and not on_time.is_overdue() and not returned.is_overdue()
    assert not finished_late.is_overdue() and finished_late.is_completed_late()
    # On its promised day it is not overdue yet.
    assert not overdue.is_overdue(today=overdue.promised_on)
    assert ApprovalResult.objects.overdue(today=overdue.promised_on).count() == 0
    promised = f"{overdue.promised_on:%Y-%m-%d}"
    assert overdue.lateness_note() == f"已超期（承诺{promised}前办结）"
    assert "超期办结" in finished_late.lateness_note()
    assert on_time.lateness_note() == "" and returned.lateness_note() == ""


def _late_row(html, number):
    start = html.index(number)
    return html[start : html.index("</tr>", start)]


def test_list_lookup_kiosk_say_overdue(client, late_and_on_time):
    overdue, finished_late, on_time, _ = late_and_on_time
    promised = f"{overdue.promised_on:%Y-%m-%d}"
    html = client.get(reverse("services:result-list")).content.decode()
    assert f"已超期（承诺{promised}前办结）" in _late_row(html, overdue.tracking_number)
    done = f"{finished_late.completed_on:%Y-%m-%d}办结"
    assert "超期办结" in _late_row(html, finished_late.tracking_number)
    assert done in _late_row(html, finished_late.tracking_number)
    assert "超期" not in _late_row(html, on_time.tracking_number)

    lookup = reverse("services:result-lookup")
    html = client.get(lookup, {"number": overdue.tracking_number}).content.decode()
    assert "已超期" in html and promised in html
    html = client.get(lookup, {"number": on_time.tracking_number}).content.decode()
    assert "已超期" not in html

    html = client.get(reverse("services:kiosk-results")).content.decode()
    assert "已超期" in _late_row(html, overdue.tracking_number)
    assert "超期" not in _late_row(html, on_time.tracking_number)


def test_feed_and_screen_say_overdue(client, late_and_on_time):
    overdue, finished_late, on_time, _ = late_and_on_time
    feed = client.get(reverse("services:result-feed")).content.decode()
    assert f"{overdue.guide.name}（办理中，已超期）" in feed
    assert f"已超期（承诺{overdue.promised_on:%Y-%m-%d}前办结）" in feed
    assert "超期办结" in feed

    rows = {
        row["number"]: row for row in client.get(reverse("services:screen-data")).json()["results"]
    }
    assert rows[overdue.tracking_number]["lateness"].startswith("已超期")
    assert rows[finished_late.tracking_number]["lateness"].startswith("超期办结")
    assert rows[on_time.tracking_number]["lateness"] == ""


def test_on_its_promised_day_nothing_is_said(client, guide):
    today = timezone.localdate()
    ApprovalResultFactory(guide=guide, tracking_number="BDC-TODAY-1", promised_on=today)
    html = client.get(reverse("services:result-list")).content.decode()
    assert "已超期" not in html
