from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Message
from tests.complaints.factories import (
    MessageCategoryFactory,
    MessageFactory,
    ReplyTemplateFactory,
    published,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_message_changelist")


def url(move, message):
    return reverse("admin:complaints_message_workflow", args=[message.pk, move])


@pytest.fixture
def category(department):
    return MessageCategoryFactory(name="不动产登记办理进度", department=department)


@pytest.mark.parametrize("rows", [1, 30])
def test_queue_queries(client, department_head, category, django_assert_max_num_queries, rows):
    """Queue: session, user, groups/permissions, counts for the notice and paginator, one page of
    messages with category, department and assignee, filter choices. Independent of rows."""
    MessageFactory.create_batch(rows, category=category)
    client.force_login(department_head)
    client.get(QUEUE)
    with django_assert_max_num_queries(16):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


def test_queue_is_scoped_sorted_by_deadline_and_coloured(
    client, department_head, category, other_department
):
    now = timezone.now()
    soon = MessageFactory(
        category=category, subject="快到期", received_at=now - timedelta(hours=20)
    )
    overdue = MessageFactory(
        category=category, subject="已超期", received_at=now - timedelta(hours=30)
    )
    fresh = MessageFactory(category=category, subject="新留言", received_at=now)
    MessageFactory(category__department=other_department, subject="别的科室")
    client.force_login(department_head)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert [m.pk for m in response.context["cl"].result_list] == [overdue.pk, soon.pk, fresh.pk]
    assert "别的科室" not in html
    assert "deadline-overdue" in html and "deadline-soon" in html and "deadline-ok" in html
    assert "剩 23小时" in html or "剩 24小时" in html
    assert "有 1 条留言已超过答复期限" in html
    assert "有 1 条留言已过答复时限的75%" in html


def test_other_department_message_is_not_reachable_for_head(
    client, department_head, other_department
):
    """Django's admin answers a row outside get_queryset() with a redirect and "不存在"."""
    message = MessageFactory(category__department=other_department)
    client.force_login(department_head)
    response = client.get(reverse("admin:complaints_message_change", args=[message.pk]))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    response = client.post(url("reply", message), {"text": "越权答复"})
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED


def test_head_replies_from_the_category_template(client, department_head, category):
    ReplyTemplateFactory(category=category)
    message = MessageFactory(category=category)
    client.force_login(department_head)
    change = client.get(
        reverse("admin:complaints_message_change", args=[message.pk])
    ).content.decode()
    assert url("reply", message) in change
    assert url("approve", message) not in change  # heads do not approve
    assert url("transfer", message) not in change  # only the office transfers
    form = client.get(url("reply", message)).content.decode()
    assert "您反映的问题已收悉" in form  # the category's template
    response = client.post(
        url("reply", message), {"text": "您的不动产登记已办结，请携带身份证领证。"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.REPLIED
    assert message.replied_by == department_head


def test_reply_get_does_not_change_anything(client, department_head, category):
    message = MessageFactory(category=category)
    client.force_login(department_head)
    client.get(url("reply", message))
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED


def test_reply_needs_text(client, department_head, category):
    message = MessageFactory(category=category)
    client.force_login(department_head)
    response = client.post(url("reply", message), {"text": ""})
    assert "请填写答复内容" in response.content.decode()


def test_officer_replies_only_when_assigned(client, department_head, officer, category):
    message = MessageFactory(category=category)
    client.force_login(officer)
    client.post(url("reply", message), {"text": "未指定也想答复"})
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    client.force_login(department_head)
    client.post(url("assign", message), {"assignee": officer.pk})
    message.refresh_from_db()
    assert message.assignee == officer
    client.force_login(officer)
    client.post(url("reply", message), {"text": "承办人答复"})
    message.refresh_from_db()
    assert message.replied_by == officer


def test_office_transfers_with_reason(client, disclosure_office, category, other_department):
    message = MessageFactory(category=category)
    client.force_login(disclosure_office)
    response = client.post(
        url("transfer", message), {"department": other_department.pk, "reason": ""}
    )
    assert "请填写理由" in response.content.decode()
    client.post(
        url("transfer", message), {"department": other_department.pk, "reason": "属规划科职责"}
    )
    message.refresh_from_db()
    assert message.department == other_department
    assert message.events.get(kind="transferred").actor == disclosure_office


def test_head_cannot_transfer(client, department_head, category, other_department):
    message = MessageFactory(category=category)
    client.force_login(department_head)
    client.post(url("transfer", message), {"department": other_department.pk, "reason": "想转走"})
    message.refresh_from_db()
    assert message.department == category.department


def test_reviewer_approves_masked_public_version(client, department_head, reviewer, category):
    message = MessageFactory(category=category, body="我的手机13812345678，请回电。")
    message.record_reply(by=department_head, text="已电话联系。")
    client.force_login(reviewer)
    form = client.get(url("approve", message)).content.decode()
    assert (
        "138****5678" in form
        and "13812345678"
        not in form.split("留言内容：")[-1].split("</form>")[0].split("公开留言内容")[-1]
    )
    client.post(
        url("approve", message),
        {
            "public_subject": "咨询登记",
            "public_body": "我的手机13812345678。",
            "public_reply": "已电话联系。",
        },
    )
    message.refresh_from_db()
    assert message.is_public()
    assert message.public_body == "我的手机138****5678。"


def test_bulk_approve_and_reopen_call_the_transitions(client, department_head, reviewer, category):
    replied = MessageFactory(category=category)
    replied.record_reply(by=department_head, text="答复")
    still_open = MessageFactory(category=category)
    client.force_login(reviewer)
    response = client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [replied.pk, still_open.pk]},
        follow=True,
    )
    replied.refresh_from_db()
    assert replied.status == Message.Status.APPROVED
    assert "已审核通过 1 条答复" in response.content.decode()
    assert "不能执行此操作" in response.content.decode()
    client.post(QUEUE, {"action": "reopen_selected", "_selected_action": [replied.pk]})
    replied.refresh_from_db()
    assert replied.status == Message.Status.RECEIVED


def bulk_approve(client, messages):
    return client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [m.pk for m in messages]},
        follow=True,
    )


def replied(category, replier, text, **kwargs):
    message = MessageFactory(category=category, **kwargs)
    message.record_reply(by=replier, text=text)
    return message


def test_bulk_approve_warns_of_names_message_by_message(
    client, department_head, reviewer, category
):
    named = replied(
        category,
        department_head,
        "王建国同志您好！经核查，您的不动产转移登记已于今日登簿。",
        subject="登记进度",
    )
    private = replied(
        category,
        department_head,
        "您好！请联系我局李先生办理。",
        has_publication_consent=False,
    )
    clean = replied(category, department_head, "您好！经核查，您的登记已于今日登簿。")
    client.force_login(reviewer)
    response = bulk_approve(client, [named, private, clean])
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("success", "已审核通过 3 条答复") in shown
    warnings = [text for level, text in shown if level == "warning"]
    assert warnings == [
        f"请核对：留言 {named.tracking_number}（登记进度）的公开版本中可能含有个人姓名——"
        "公开答复内容：王建国同志。已在网站公开，请核对；如需删改，请对该留言“重新办理”后重新审核。",
        f"请核对：留言 {private.tracking_number}（{private.subject}）的公开版本中可能含有"
        "个人姓名——公开答复内容：李先生。留言人未同意公开，未在网站公开。",
    ]
    assert not any(clean.tracking_number in text for text in warnings)
    for message in (named, private, clean):
        message.refresh_from_db()
        assert message.status == Message.Status.APPROVED  # a warning, not a block


def test_bulk_name_warnings_cost_no_query(client, department_head, reviewer, category):
    client.force_login(reviewer)
    counts = []
    for text in ["王建国同志您好！您的登记已登簿。", "您好！您的登记已登簿。"]:
        batch = [replied(category, department_head, text) for _ in range(2)]
        with CaptureQueriesContext(connection) as queries:
            bulk_approve(client, batch)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_head_closes_as_not_accepted(client, department_head, category):
    message = MessageFactory(category=category)
    client.force_login(department_head)
    client.post(url("close", message), {"reason": "重复留言"})
    message.refresh_from_db()
    assert message.status == Message.Status.CLOSED and message.status_reason == "重复留言"


def test_leadership_views_but_has_no_buttons(client, leadership, category):
    message = MessageFactory(category=category)
    client.force_login(leadership)
    html = client.get(
        reverse("admin:complaints_message_change", args=[message.pk])
    ).content.decode()
    assert message.tracking_number in html
    for move in ["reply", "approve", "transfer", "close", "reopen", "assign"]:
        assert url(move, message) not in html


def test_statistics_page_and_csv(client, leadership, department_head, reviewer, category):
    published(MessageFactory(category=category), replier=department_head, reviewer=reviewer)
    client.force_login(leadership)
    stats = reverse("admin:complaints_message_statistics")
    html = client.get(stats).content.decode()
    assert "按承办科室" in html and category.department.name in html
    response = client.get(stats, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "答复率(%)" in text and "不动产登记办理进度" in text


def test_nobody_adds_or_deletes_messages(client, disclosure_office, category):
    message = MessageFactory(category=category)
    client.force_login(disclosure_office)
    assert client.get(reverse("admin:complaints_message_add")).status_code == 403
    assert (
        client.get(reverse("admin:complaints_message_delete", args=[message.pk])).status_code == 403
    )


def test_view_on_site_only_for_public_messages(client, department_head, reviewer, category):
    message = MessageFactory(category=category)
    client.force_login(department_head)
    change = reverse("admin:complaints_message_change", args=[message.pk])
    assert message.get_absolute_url() not in client.get(change).content.decode()
    published(message, replier=department_head, reviewer=reviewer)
    assert "在站点上查看" in client.get(change).content.decode()
