"""我的待办 (portal.worklist): each role finds its own work on the admin's landing page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import worklist
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.conftest import make_staff
from tests.disclosure.factories import ItemFactory
from tests.disclosure.request_factories import received_request

pytestmark = pytest.mark.django_db


def sections(user):
    return {group.key: group for group in worklist.worklist(user)}


def titles(group):
    return [entry.title for entry in group.entries]


@pytest.fixture
def desk(officer, department_head, reviewer, other_department):
    """A department's work: a submitted draft, a returned draft, messages in every state."""
    now = timezone.now()
    pending = ItemFactory(author=officer, department=officer.department, title="待审核的公告")
    pending.submit(by=officer)
    returned = ItemFactory(author=officer, department=officer.department, title="被退回的公告")
    returned.submit(by=officer)
    returned.return_to_author(by=reviewer, reason="缺少附件")
    category = MessageCategoryFactory(department=officer.department)
    fresh = MessageFactory(category=category, subject="刚收到的留言")
    due_soon = MessageFactory(
        category=category, subject="快到期的留言", received_at=now - timedelta(hours=20)
    )
    overdue = MessageFactory(
        category=category, subject="已超期的留言", received_at=now - timedelta(hours=30)
    )
    overdue.assign(by=department_head, to=officer)
    replied = MessageFactory(category=category, subject="已答复待审核的留言")
    replied.record_reply(by=department_head, text="您好，已办理。")
    elsewhere = MessageFactory(
        category=MessageCategoryFactory(department=other_department), subject="别的科室的留言"
    )
    return {"fresh": fresh, "due_soon": due_soon, "overdue": overdue, "elsewhere": elsewhere}


def test_officer_sees_what_was_returned_with_the_reason_and_what_is_assigned(officer, desk):
    mine = sections(officer)
    assert set(mine) == {"returned", "answer", "overdue", "due_soon"}
    assert titles(mine["returned"]) == ["被退回的公告"]
    assert "退回理由：缺少附件" in mine["returned"].entries[0].detail
    item_url = mine["returned"].entries[0].url
    assert item_url.startswith("/admin/disclosure/item/") and item_url.endswith("/change/")
    # Only the message assigned to them, not the whole department's.
    assert [e.title.split(" ", 1)[1] for e in mine["answer"].entries] == ["已超期的留言"]
    assert "超时未答复" in mine["overdue"].entries[0].detail
    assert mine["due_soon"].entries == []


def test_department_head_sees_the_departments_open_messages_only(department_head, desk):
    mine = sections(department_head)
    assert set(mine) == {"answer", "overdue", "due_soon"}
    answer = [e.title.split(" ", 1)[1] for e in mine["answer"].entries]
    assert answer == ["已超期的留言", "快到期的留言", "刚收到的留言"]  # by deadline
    assert [e.title.split(" ", 1)[1] for e in mine["overdue"].entries] == ["已超期的留言"]
    assert [e.title.split(" ", 1)[1] for e in mine["due_soon"].entries] == ["快到期的留言"]
    assert mine["answer"].entries[0].url == reverse(
        "admin:complaints_message_change", args=[desk["overdue"].pk]
    )


def test_reviewer_sees_what_waits_for_review(reviewer, desk):
    mine = sections(reviewer)
    assert set(mine) == {"review"}
    assert titles(mine["review"])[0] == "待审核的公告"
    assert [e.title.split(" ", 1)[1] for e in mine["review"].entries[1:]] == ["已答复待审核的留言"]
    assert mine["review"].count == 2


def test_office_sees_requests_and_bureau_wide_overdue(disclosure_office, desk):
    near = received_request(timezone.localdate() - timedelta(days=26))
    mine = sections(disclosure_office)
    assert {"review", "answer", "overdue", "due_soon"} <= set(mine)
    assert near.tracking_number in " ".join(titles(mine["answer"]))
    overdue = " ".join(titles(mine["overdue"]))
    assert "已超期的留言" in overdue
    assert worklist.nav_counts(disclosure_office)["overdue"] >= 1


def test_leadership_sees_overdue_only(leadership, desk):
    mine = sections(leadership)
    assert set(mine) == {"overdue"}
    assert [e.title.split(" ", 1)[1] for e in mine["overdue"].entries] == ["已超期的留言"]


@pytest.mark.parametrize("role", ["系统管理员", "安全管理员", "审计管理员"])
def test_separated_administrators_have_no_workflow_sections(client, role, desk):
    user = make_staff(role, username="sanyuan")
    assert worklist.worklist(user) == []
    client.force_login(user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "我的待办" in page and "没有需要办理" in page


def test_nav_counts(officer, department_head, desk):
    assert worklist.nav_counts(officer) == {"todo": 2, "overdue": 1, "unread": 2}
    assert worklist.nav_counts(department_head) == {"todo": 3, "overdue": 1, "unread": 0}


@pytest.mark.parametrize("rows", [1, 12])
def test_index_page_queries(client, department_head, django_assert_max_num_queries, rows):
    """The head's landing page: session, user, 2 × permissions, groups; one per source (answer,
    overdue, due soon) plus a count for a source with more rows than SHOWN; unread notices;
    site settings (created here: 5 with the savepoints, cached afterwards); the navigation's
    counts (one query for every source); the log of recent actions. Fixed, whatever the rows."""
    category = MessageCategoryFactory(department=department_head.department)
    for n in range(rows):
        MessageFactory(category=category, received_at=timezone.now() - timedelta(hours=n * 3))
    client.force_login(department_head)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "待我办理" in html and "已超期" in html
    if rows > worklist.SHOWN:
        assert "到列表中查看" in html
