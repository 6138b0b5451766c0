"""The demo bureau reads like a real one: no title or subject twice in a list, every demo
department head answers their own department's messages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from complaints.models import Message
from disclosure.models import Item
from portal.models import User

pytestmark = pytest.mark.django_db


def test_demo_data_reads_like_a_real_bureau(settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "accounts.txt"
    call_command("load_demo", stdout=StringIO())

    # A bureau does not issue the same title twice.
    repeated = Item.objects.values("title").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(repeated) == []

    # Lists of messages do not show the same subject in a row.
    newest = list(Message.objects.order_by("-received_at").values_list("subject", flat=True)[:10])
    assert len(set(newest)) == len(newest) == 10
    public = list(Message.objects.public().latest_replies().values_list("subject", flat=True)[:6])
    assert len(set(public)) == len(public) == 6

    # Each demo 科室负责人 answers the messages of their own department only.
    for username in ("kezhang", "tdkezhang"):
        head = User.objects.get(username=username)
        replied = Message.objects.filter(replied_by=head)
        assert replied.exists()
        assert set(replied.values_list("department", flat=True)) == {head.department_id}
