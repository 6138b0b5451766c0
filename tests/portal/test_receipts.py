"""The receipt shown once and the cases a session has unlocked (portal/receipts.py)."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory

from complaints.models import Message
from disclosure.models import InformationRequest
from portal import receipts


@pytest.fixture
def request_with_session(rf: RequestFactory):
    request = rf.get("/")
    request.session = SessionStore()
    return request


@pytest.mark.django_db
def test_the_query_code_is_shown_on_the_first_view_only(request_with_session):
    message = Message(tracking_number="ZMHD20261125-0007")
    receipts.store_receipt(request_with_session, message, "ABCD2345")
    assert receipts.pop_receipt(request_with_session, Message, message.tracking_number) == (
        "ABCD2345"
    )
    assert receipts.pop_receipt(request_with_session, Message, message.tracking_number) is None
    assert receipts.is_unlocked(request_with_session, Message, message.tracking_number)


@pytest.mark.django_db
def test_a_receipt_opens_only_the_number_this_session_submitted(request_with_session):
    receipts.store_receipt(
        request_with_session, Message(tracking_number="ZMHD20261125-0007"), "ABCD2345"
    )
    with pytest.raises(Http404):
        receipts.pop_receipt(request_with_session, Message, "ZMHD20261125-0008")
    with pytest.raises(Http404):
        receipts.pop_receipt(request_with_session, InformationRequest, "ZMHD20261125-0007")
    assert not receipts.is_unlocked(request_with_session, Message, "ZMHD20261125-0008")


def test_each_kind_of_case_is_unlocked_on_its_own(request_with_session):
    receipts.remember_unlocked(request_with_session, Message, "YSQ2026-0001")
    assert receipts.is_unlocked(request_with_session, Message, "YSQ2026-0001")
    assert not receipts.is_unlocked(request_with_session, InformationRequest, "YSQ2026-0001")


def test_the_session_remembers_the_latest_cases(request_with_session):
    numbers = [f"YSQ2026-{n:04d}" for n in range(1, receipts.UNLOCKED_LIMIT + 2)]
    for number in numbers:
        receipts.remember_unlocked(request_with_session, InformationRequest, number)
    receipts.remember_unlocked(request_with_session, InformationRequest, numbers[1])
    assert not receipts.is_unlocked(request_with_session, InformationRequest, numbers[0])
    assert all(
        receipts.is_unlocked(request_with_session, InformationRequest, number)
        for number in numbers[1:]
    )


class Refused(Exception):
    pass


@pytest.mark.django_db
def test_the_receipt_is_saved_in_the_record_s_transaction(request_with_session):
    """A failure before the commit keeps neither the record nor its receipt; after it, the
    session is already saved, so SessionMiddleware has nothing left to write."""
    message = Message(tracking_number="ZMHD20261125-0007")
    with pytest.raises(Refused), transaction.atomic():
        receipts.store_receipt(request_with_session, message, "ABCD2345")
        raise Refused
    assert not Session.objects.exists()
    request_with_session.session = SessionStore()  # the citizen's next try
    with transaction.atomic():
        receipts.store_receipt(request_with_session, message, "ABCD2345")
    assert not request_with_session.session.modified
    saved = SessionStore(session_key=request_with_session.session.session_key)
    assert saved["complaints:receipt"]["query_code"] == "ABCD2345"


@pytest.mark.django_db
def test_the_receipt_redirect_carries_the_session_cookie(request_with_session):
    receipts.store_receipt(request_with_session, Message(tracking_number="ZMHD20261125-0007"), "X")
    response = receipts.receipt_redirect(
        request_with_session, "complaints:message-receipt", "ZMHD20261125-0007"
    )
    assert response.status_code == 302 and response["Location"].endswith("ZMHD20261125-0007/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == request_with_session.session.session_key
    assert cookie["httponly"] and cookie["max-age"] == settings.SESSION_COOKIE_AGE
