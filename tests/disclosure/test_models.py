import re
import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from disclosure.models import IndexCounter, Item, ItemEvent
from portal.exceptions import InvalidTransition
from portal.models import SiteSettings
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def org_code():
    site = SiteSettings.load()
    site.org_code = "00319356-6"
    site.save()


def events(item):
    return list(item.events.values_list("kind", flat=True))


# Workflow ------------------------------------------------------------------------------------
def test_submit_moves_draft_to_pending_with_event(officer):
    item = ItemFactory(author=officer, department=officer.department)
    when = timezone.now()
    item.submit(by=officer, now=when)
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING
    assert item.submitted_at == when
    event = item.events.get()
    assert (event.kind, event.actor, event.at) == (ItemEvent.Kind.SUBMITTED, officer, when)


def test_submit_refuses_incomplete_item(officer):
    item = ItemFactory(author=officer, summary="", body="")
    with pytest.raises(ValidationError) as excinfo:
        item.submit(by=officer)
    assert excinfo.value.code == "incomplete"
    assert "内容概述" in excinfo.value.messages[0] and "正文或附件" in excinfo.value.messages[0]
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT
    assert not item.events.exists()


def test_approve_publishes_with_index_number_and_system_date(officer, reviewer):
    item = ItemFactory(author=officer)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 24, 16, 0))):
        item.submit(by=officer)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 25, 10, 0))):
        item.approve(by=reviewer, checklist=CHECKLIST)
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.index_number == "00319356-6/2026-00001"
    assert timezone.localtime(item.published_at).date() == date(2026, 11, 25)
    assert item.reviewer == reviewer
    assert item.review_checklist == CHECKLIST
    assert events(item) == ["submitted", "approved"]


def test_index_numbers_count_per_year_and_never_change(officer, reviewer):
    first = ItemFactory(author=officer, published=True)
    second = ItemFactory(author=officer, published=True)
    year = timezone.localdate().year
    assert first.index_number == f"00319356-6/{year}-00001"
    assert second.index_number == f"00319356-6/{year}-00002"
    assert re.fullmatch(r"[0-9A-Z-]+/\d{4}-\d{5}", first.index_number)
    # Withdrawn, revised and republished: the number and first publication date stay.
    published_at = first.published_at
    first.withdraw(by=reviewer, reason="内容需要更正")
    first.revise(by=officer)
    first.category_id = second.category_id
    first.submit(by=officer)
    first.approve(by=reviewer, checklist=CHECKLIST)
    first.refresh_from_db()
    assert first.index_number == f"00319356-6/{year}-00001"
    assert first.published_at == published_at
    assert IndexCounter.objects.get(year=year).last == 2


def test_author_cannot_approve_own_item(officer):
    item = ItemFactory(author=officer)
    item.submit(by=officer)
    with pytest.raises(InvalidTransition, match="自己起草"):
        item.approve(by=officer, checklist=CHECKLIST)
    assert Item.objects.get(pk=item.pk).status == Item.Status.PENDING


def test_approve_requires_full_confidentiality_checklist(officer, reviewer):
    item = ItemFactory(author=officer)
    item.submit(by=officer)
    with pytest.raises(ValidationError) as excinfo:
        item.approve(by=reviewer, checklist={**CHECKLIST, "no_state_secret": False})
    assert excinfo.value.code == "checklist_incomplete"
    assert "不涉及国家秘密" in excinfo.value.messages[0]
    assert Item.objects.get(pk=item.pk).published_at is None


def test_return_requires_reason_and_allows_resubmission(officer, reviewer):
    item = ItemFactory(author=officer)
    item.submit(by=officer)
    with pytest.raises(ValidationError):
        item.return_to_author(by=reviewer, reason="  ")
    item.return_to_author(by=reviewer, reason="文号格式有误")
    assert item.status == Item.Status.RETURNED
    assert item.status_reason == "文号格式有误"
    item.submit(by=officer)
    assert events(item) == ["submitted", "returned", "submitted"]
    assert item.events.get(kind="returned").note == "文号格式有误"


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "approve"),
        ("draft", "return_to_author"),
        ("draft", "withdraw"),
        ("draft", "revise"),
        ("pending", "submit"),
        ("pending", "withdraw"),
        ("published", "submit"),
        ("published", "approve"),
        ("published", "return_to_author"),
        ("published", "revise"),
        ("withdrawn", "withdraw"),
        ("withdrawn", "approve"),
    ],
)
def test_forbidden_moves_raise(officer, reviewer, state, action):
    item = ItemFactory(author=officer)
    if state != "draft":
        item.submit(by=officer)
    if state in {"published", "withdrawn"}:
        item.approve(by=reviewer, checklist=CHECKLIST)
    if state == "withdrawn":
        item.withdraw(by=reviewer, reason="已过时")
    kwargs = {"by": reviewer}
    if action == "approve":
        kwargs["checklist"] = CHECKLIST
    if action in {"return_to_author", "withdraw"}:
        kwargs["reason"] = "理由"
    before = item.events.count()
    with pytest.raises(InvalidTransition):
        getattr(item, action)(**kwargs)
    assert item.events.count() == before
    assert Item.objects.get(pk=item.pk).status == state


def test_withdraw_takes_item_off_public(officer, reviewer):
    item = ItemFactory(author=officer, published=True)
    assert Item.objects.public().filter(pk=item.pk).exists()
    item.withdraw(by=reviewer, reason="信息已过期")
    assert not Item.objects.public().filter(pk=item.pk).exists()
    assert item.events.last().note == "信息已过期"


def test_non_public_disclosure_types_are_never_public(officer):
    on_request = ItemFactory(author=officer, disclosure_type="on_request", published=True)
    secret = ItemFactory(
        author=officer,
        disclosure_type="not_disclosed",
        non_disclosure_reason="《条例》第十四条：危及国家安全",
        published=True,
    )
    assert on_request.is_published() and secret.is_published()
    assert not Item.objects.public().filter(pk__in=[on_request.pk, secret.pk]).exists()


# Validation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "number", ["江国土资发〔2026〕12号", "国土资规〔2016〕8号", "江政征〔2025〕3号"]
)
def test_document_number_accepts_official_form(number):
    item = ItemFactory.build(document_number=number)
    item.clean()


@pytest.mark.parametrize(
    "number", ["江国土资发[2026]12号", "江国土资发(2026)12号", "2026-12", "江国土资发〔26〕12号"]
)
def test_document_number_rejects_other_brackets(number):
    item = ItemFactory.build(document_number=number)
    with pytest.raises(ValidationError) as excinfo:
        item.clean()
    assert excinfo.value.error_dict["document_number"][0].code == "invalid_document_number"


def test_not_disclosed_needs_reason():
    item = ItemFactory.build(disclosure_type="not_disclosed", non_disclosure_reason="")
    with pytest.raises(ValidationError) as excinfo:
        item.clean()
    assert excinfo.value.error_dict["non_disclosure_reason"][0].code == "reason_required"


def test_written_on_cannot_be_in_future():
    item = ItemFactory.build(written_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as excinfo:
        item.clean()
    assert excinfo.value.error_dict["written_on"][0].code == "future_date"


# Art. 26: late items --------------------------------------------------------------------------
def test_late_items_are_unpublished_ones_older_than_20_working_days(officer):
    today = date(2026, 11, 25)  # a Wednesday
    # 20 working days (weekends skipped) before 2026-11-25 is 2026-10-28.
    on_time = ItemFactory(author=officer, written_on=date(2026, 10, 28))
    late = ItemFactory(author=officer, written_on=date(2026, 10, 27))
    published_late = ItemFactory(author=officer, written_on=date(2026, 10, 1), published=True)
    assert list(Item.objects.late(today=today)) == [late]
    assert on_time not in Item.objects.late(today=today)
    assert published_late not in Item.objects.late(today=today)


# Rich text -------------------------------------------------------------------------------------
def test_body_is_sanitised_on_save(officer):
    item = ItemFactory(author=officer, body='<p onclick="x()">正文<script>alert(1)</script></p>')
    item.refresh_from_db()
    assert item.body == "<p>正文</p>"


# Concurrency ------------------------------------------------------------------------------------
# Skipped before the database is touched: a transactional test flushes it even when it skips.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are only meaningful on PostgreSQL; SQLite serialises writers",
)
@pytest.mark.django_db(transaction=True)
def test_index_numbers_unique_under_concurrent_publication():
    from disclosure.demo import ensure_columns

    ensure_columns()  # an earlier transactional test may have flushed the seeded columns
    site = SiteSettings.load()
    site.org_code = "00319356-6"
    site.save()
    author, reviewer = UserFactory(), UserFactory()
    items = [ItemFactory(author=author) for _ in range(12)]
    for item in items:
        item.submit(by=author)
    barrier = threading.Barrier(len(items))
    errors = []

    def publish(pk):
        try:
            barrier.wait()
            Item.objects.get(pk=pk).approve(by=reviewer, checklist=CHECKLIST)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(item.pk,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Item.objects.values_list("index_number", flat=True))
    assert len(set(numbers)) == len(items)
    year = timezone.localdate().year
    assert sorted(numbers) == [f"00319356-6/{year}-{n:05d}" for n in range(1, len(items) + 1)]
