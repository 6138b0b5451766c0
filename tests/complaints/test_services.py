import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from complaints.models import Message
from complaints.services import submit_message
from tests.complaints.factories import MessageCategoryFactory

SUBMISSIONS = 200


# Skipped before the database is touched: a transactional test flushes it even when it skips.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers with one database lock; run on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_submissions_keep_every_message_with_unique_numbers():
    """Threads submit at once; the per-day counter row (select_for_update) serialises numbering."""
    category = MessageCategoryFactory(name="征地补偿标准")
    barrier = threading.Barrier(SUBMISSIONS, timeout=60)

    def submit(i):
        try:
            barrier.wait()
            data = {
                "kind": Message.Kind.INQUIRY,
                "category": category,
                "subject": f"征地补偿标准咨询{i}",
                "body": "请问集体土地征收的补偿标准是多少？",
                "sender_name": "李四",
                "sender_phone": f"139{i:08d}",
                "has_publication_consent": False,
            }
            return submit_message(data=data, ip="10.0.0.1").message.tracking_number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        numbers = list(pool.map(submit, range(SUBMISSIONS)))

    assert len(set(numbers)) == SUBMISSIONS
    assert Message.objects.count() == SUBMISSIONS
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert serials == list(range(1, SUBMISSIONS + 1))
