"""portal.transitions: the state check on the locked row, the event row, the once-only stamp."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Message, MessageEvent
from portal.exceptions import InvalidTransition
from tests.complaints.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_begin_reads_the_state_from_the_row_not_the_copy(department_head):
    """A second clerk holding a stale copy sees the first one's move and is refused."""
    message = MessageFactory(category__department=department_head.department)
    stale = Message.objects.get(pk=message.pk)
    message.close(by=department_head, reason="重复留言")
    assert stale.status == Message.Status.RECEIVED  # the copy still says open
    with pytest.raises(InvalidTransition):
        stale.record_reply(by=department_head, text="您好，已办结。")
    assert stale.status == Message.Status.CLOSED  # re-read under the lock
    assert not stale.events.filter(kind=MessageEvent.Kind.REPLIED).exists()


def test_stamp_happens_once_and_is_logged():
    message = MessageFactory(received_at=timezone.now() - timedelta(hours=20))
    now = timezone.now()
    assert message.mark_reminded(now=now) is True
    assert message.mark_reminded(now=now + timedelta(minutes=5)) is False  # another worker
    message.refresh_from_db()
    assert message.reminded_at == now
    assert message.events.filter(kind=MessageEvent.Kind.REMINDED).count() == 1


def test_stamp_skips_a_record_no_longer_open(department_head):
    message = MessageFactory(category__department=department_head.department)
    message.close(by=department_head, reason="重复留言")
    assert message.mark_escalated(now=timezone.now()) is False
    assert not message.events.filter(kind=MessageEvent.Kind.ESCALATED).exists()
