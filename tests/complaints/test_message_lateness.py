"""政民互动: a message past its 24 hours says 超时未答复, a late reply says 超时答复, with dates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.models import Message
from tests.complaints.factories import MessageFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # due 3 Mar 09:30


def status_page(client, message):
    session = client.session
    session["complaints:verified"] = [message.tracking_number]
    session.save()
    url = reverse("complaints:message-status", args=[message.tracking_number])
    return client.get(url).content.decode()


def test_overdue_message_says_so_on_its_status_page(client):
    message = MessageFactory(received_at=RECEIVED)
    assert message.reply_due_at == RECEIVED + timedelta(hours=24)
    assert Message.objects.overdue().get() == message
    html = status_page(client, message)
    assert message.get_status_display() in html
    assert "超时未答复（答复期限2026-03-03 09:30）" in html
    # One minute before its deadline it is not overdue.
    before = RECEIVED + timedelta(hours=23, minutes=59)
    assert message.lateness_note(now=before) == ""


def test_late_reply_is_marked_on_status_list_and_detail(
    client, department_head, reviewer, django_assert_max_num_queries
):
    late = MessageFactory(received_at=RECEIVED, subject="迟到的答复")
    late.record_reply(by=department_head, text="已核实。", now=RECEIVED + timedelta(hours=30))
    late.approve(by=reviewer, now=RECEIVED + timedelta(hours=31))
    on_time = MessageFactory(received_at=RECEIVED, subject="按时的答复")
    on_time.record_reply(by=department_head, text="已核实。", now=RECEIVED + timedelta(hours=20))
    on_time.approve(by=reviewer, now=RECEIVED + timedelta(hours=21))
    note = "超时答复（答复期限2026-03-03 09:30，2026-03-03 15:30答复）"

    assert note in status_page(client, late)
    assert "超时" not in status_page(client, on_time)

    detail = client.get(late.get_absolute_url()).content.decode()
    assert note in detail
    assert "超时" not in client.get(on_time.get_absolute_url()).content.decode()

    with django_assert_max_num_queries(6):
        html = client.get(reverse("complaints:message-list")).content.decode()
    late_row = html[html.index(late.tracking_number) :]
    late_row = late_row[: late_row.index("</tr>")]
    on_time_row = html[html.index(on_time.tracking_number) :]
    on_time_row = on_time_row[: on_time_row.index("</tr>")]
    assert "超时答复" in late_row and "超时答复" not in on_time_row


def test_public_statistics_count_overdue_and_late(
    client, department_head, django_assert_max_num_queries
):
    MessageFactory(received_at=RECEIVED)  # open, overdue
    late = MessageFactory(received_at=RECEIVED)
    late.record_reply(by=department_head, text="已核实。", now=RECEIVED + timedelta(hours=30))
    on_time = MessageFactory(received_at=RECEIVED)
    on_time.record_reply(by=department_head, text="已核实。", now=RECEIVED + timedelta(hours=2))
    assert (
        Message.objects.received_in(RECEIVED, RECEIVED + timedelta(days=1)).figures()["late_count"]
        == 1
    )
    with django_assert_max_num_queries(10):
        html = client.get(reverse("complaints:statistics"), {"month": "2026-03"}).content.decode()
    summary = html[html.index('id="overdue-summary"') :]
    summary = summary[: summary.index("</p>")]
    assert "超时未答复" in summary and ">1</strong> 件" in summary
    assert "超时答复 <strong>1</strong> 件" in summary
    assert '<th scope="col">超时答复</th>' in html
