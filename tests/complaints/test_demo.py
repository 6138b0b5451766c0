"""The demo messages read like a real bureau's: varied subjects, replies by the departments."""

from io import StringIO

import pytest
from django.core.management import call_command

from complaints.models import Message
from portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "accounts.txt"
    call_command("load_demo", stdout=StringIO())


def test_no_subject_repeats_among_the_newest_messages(demo):
    newest = list(Message.objects.order_by("-received_at").values_list("subject", flat=True)[:10])
    assert len(newest) == 10
    assert len(set(newest)) == 10
    public = list(Message.objects.public().for_public_list().values_list("subject", flat=True)[:6])
    assert len(set(public)) == len(public) == 6


def test_each_demo_department_head_answers_own_department(demo):
    for username in ("kezhang", "tdkezhang"):
        head = User.objects.get(username=username)
        replied = Message.objects.filter(replied_by=head)
        assert replied.exists()
        assert set(replied.values_list("department", flat=True)) == {head.department_id}
