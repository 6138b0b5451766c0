from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from complaints.models import Message
from tests.captcha import solved_captcha
from tests.complaints.factories import (
    QUERY_CODE,
    ComplaintAgencyFactory,
    MessageCategoryFactory,
    MessageFactory,
    published,
)
from tests.xss import PAYLOADS, active_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(department):
    return MessageCategoryFactory(name="违法占地举报", department=department)


def form_data(category, **overrides):
    return {
        "kind": "complaint",
        "category": category.pk,
        "subject": "青石村有人违法占用耕地建房",
        "body": "青石村村口有人在基本农田上建房，已经打好地基，请尽快查处。",
        "sender_name": "王秀英",
        "sender_phone": "139 1234 5678",
        "sender_email": "",
        "has_publication_consent": "1",
        "website": "",
        **solved_captcha(),
        **overrides,
    }


def submit(client, category, **overrides):
    return client.post(reverse("complaints:message-create"), form_data(category, **overrides))


# Writing ------------------------------------------------------------------------------------
def test_form_page_renders_with_labels(client, category):
    html = client.get(reverse("complaints:message-create")).content.decode()
    for field, label in [
        ("kind", "留言类型"),
        ("category", "留言类别"),
        ("subject", "标题"),
        ("body", "留言内容"),
        ("sender_name", "姓名"),
        ("sender_phone", "手机号码"),
    ]:
        # Each label names its own input: a screen reader reads it when the field has focus.
        assert f'<label for="id_{field}">{label}' in html
        assert f'id="id_{field}"' in html
    assert "违法占地举报" in html


def test_submission_is_committed_and_receipt_shows_codes_once(client, category):
    response = submit(client, category)
    message = Message.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("complaints:message-receipt", args=[message.tracking_number])
    assert message.sender_phone == "13912345678"
    assert message.department == category.department
    assert message.sender_ip == "127.0.0.1"
    html = client.get(response.url).content.decode()
    assert message.tracking_number in html
    code = html.split('id="query-code">')[1].split("<")[0]
    assert message.check_query_code(code)
    again = client.get(response.url).content.decode()
    assert code not in again
    assert "不再显示" in again


def test_receipt_of_someone_else_is_404(client, category):
    message = MessageFactory()
    assert (
        client.get(
            reverse("complaints:message-receipt", args=[message.tracking_number])
        ).status_code
        == 404
    )


def test_bad_input_keeps_what_was_typed_and_answers_in_chinese(client, category):
    response = submit(client, category, sender_phone="12345", body="短", captcha="WRONG")
    html = response.content.decode()
    assert response.status_code == 200
    assert Message.objects.count() == 0
    assert "请填写正确的11位手机号码" in html
    assert "留言内容过短" in html
    assert "人机验证未完成" in html
    assert "青石村有人违法占用耕地建房" in html  # kept


def test_honeypot_refuses_bots(client, category):
    response = submit(client, category, website="http://spam.example")
    assert response.status_code == 200
    assert Message.objects.count() == 0


def test_citizen_text_is_never_rendered_as_html(client, category):
    submit(client, category, subject="<script>alert(1)</script>", body="<b>粗体</b>留言内容很长")
    message = Message.objects.get()
    session = client.session
    session["complaints:verified"] = [message.tracking_number]
    session.save()
    html = client.get(
        reverse("complaints:message-status", args=[message.tracking_number])
    ).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>粗体</b>" not in html


def test_rate_limit_per_phone_gives_chinese_429(client, category, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "100/h", "phone": "2/h"}
    assert submit(client, category).status_code == 302
    assert submit(client, category).status_code == 302
    response = submit(client, category)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Message.objects.count() == 2


def test_rate_limit_per_ip(client, category, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "2/h", "phone": "100/h"}
    for i in range(2):
        submit(client, category, sender_phone=f"1391234567{i}")
    assert submit(client, category, sender_phone="13700000000").status_code == 429


# Lookup -------------------------------------------------------------------------------------
def lookup(client, number, code):
    return client.post(
        reverse("complaints:message-lookup"), {"tracking_number": number, "query_code": code}
    )


def test_lookup_with_right_code_shows_status_and_unpublished_reply(
    client, department_head, reviewer
):
    message = MessageFactory(has_publication_consent=False)
    message.record_reply(by=department_head, text="经核查，您的登记已办结。")
    message.approve(by=reviewer)  # sent to the sender, not public (no consent)
    response = lookup(client, message.tracking_number.lower(), QUERY_CODE.lower())
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "已办结" in html
    assert "经核查，您的登记已办结。" in html
    assert "评价本次答复" in html


def test_lookup_errors_are_generic(client):
    message = MessageFactory()
    wrong_code = lookup(client, message.tracking_number, "WRONGCODE").content.decode()
    wrong_number = lookup(client, "ZMHD20000101-9999", QUERY_CODE).content.decode()
    for html in (wrong_code, wrong_number):
        assert "受理编号或查询码不正确" in html
    missing = lookup(client, "", "").content.decode()
    assert "请填写受理编号" in missing and "请填写查询码" in missing


@pytest.mark.parametrize("rows", [1, 30])
def test_status_page_queries(client, django_assert_max_num_queries, rows, department_head):
    """Status: session, the message with category and department, its events (any number)."""
    message = MessageFactory()
    for _ in range(rows):
        message.events.create(kind="routed", note="分送")
    message.record_reply(by=department_head, text="答复")
    url = reverse("complaints:message-status", args=[message.tracking_number])
    lookup(client, message.tracking_number, QUERY_CODE)
    client.get(url)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_index_queries(client, django_assert_max_num_queries, rows, department_head, reviewer):
    """Landing: this month's figures (one aggregate), latest replies, agencies, open
    consultations with their department, open evaluation rounds."""
    ComplaintAgencyFactory.create_batch(rows)
    for _ in range(min(rows, 10)):
        published(MessageFactory(), replier=department_head, reviewer=reviewer)
    client.get(reverse("complaints:index"))
    with django_assert_max_num_queries(5):
        assert client.get(reverse("complaints:index")).status_code == 200


def test_status_page_needs_a_lookup_first(client):
    message = MessageFactory()
    url = reverse("complaints:message-status", args=[message.tracking_number])
    assert client.get(url).url == reverse("complaints:message-lookup")


def test_lookup_is_rate_limited(client, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "3/h", "phone": "3/h"}
    message = MessageFactory()
    for _ in range(3):
        lookup(client, message.tracking_number, "WRONG")
    assert lookup(client, message.tracking_number, QUERY_CODE).status_code == 429


def test_closed_message_shows_reason_to_sender(client, department_head):
    message = MessageFactory()
    message.close(by=department_head, reason="重复留言，请查看此前答复")
    html = client.get(lookup(client, message.tracking_number, QUERY_CODE).url).content.decode()
    assert "不予受理" in html and "重复留言，请查看此前答复" in html


# Rating -------------------------------------------------------------------------------------
def test_sender_rates_once(client, department_head, reviewer):
    message = MessageFactory()
    message.record_reply(by=department_head, text="答复")
    message.approve(by=reviewer)
    lookup(client, message.tracking_number, QUERY_CODE)
    url = reverse("complaints:message-rate", args=[message.tracking_number])
    assert client.post(url, {"rating": "satisfied", "comment": "很及时"}).status_code == 302
    message.refresh_from_db()
    assert message.rating == "satisfied" and message.rating_comment == "很及时"
    assert client.post(url, {"rating": "unsatisfied", "comment": "改主意"}).status_code == 400
    message.refresh_from_db()
    assert message.rating == "satisfied"


def test_unsatisfied_needs_a_reason_and_reopens(client, department_head, reviewer):
    message = MessageFactory()
    message.record_reply(by=department_head, text="答复")
    message.approve(by=reviewer)
    lookup(client, message.tracking_number, QUERY_CODE)
    url = reverse("complaints:message-rate", args=[message.tracking_number])
    response = client.post(url, {"rating": "unsatisfied", "comment": ""})
    assert "请写明原因" in response.content.decode()
    client.post(url, {"rating": "unsatisfied", "comment": "没有回答补偿标准"})
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED


def test_rating_without_lookup_is_refused(client, department_head, reviewer):
    message = MessageFactory()
    message.record_reply(by=department_head, text="答复")
    message.approve(by=reviewer)
    url = reverse("complaints:message-rate", args=[message.tracking_number])
    assert client.post(url, {"rating": "satisfied"}).status_code == 302
    message.refresh_from_db()
    assert message.rating == ""


# Public list and detail ---------------------------------------------------------------------
@pytest.mark.parametrize("rows", [1, 30])
def test_message_list_queries(
    client, django_assert_max_num_queries, rows, department_head, reviewer
):
    """List: site settings (cached after the first view), count, one page of rows with
    category and department, the filter form's two choice lists (category, department)."""
    for _ in range(rows):
        published(MessageFactory(), replier=department_head, reviewer=reviewer)
    client.get(reverse("complaints:message-list"))
    with django_assert_max_num_queries(5):
        response = client.get(reverse("complaints:message-list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == rows


def test_message_list_shows_only_approved_with_consent(client, department_head, reviewer):
    shown = published(
        MessageFactory(subject="宅基地审批"), replier=department_head, reviewer=reviewer
    )
    MessageFactory(subject="尚未答复的留言")
    replied = MessageFactory(subject="已答复未审核")
    replied.record_reply(by=department_head, text="答复")
    published(
        MessageFactory(subject="不同意公开", has_publication_consent=False),
        replier=department_head,
        reviewer=reviewer,
    )
    html = client.get(reverse("complaints:message-list")).content.decode()
    assert "宅基地审批" in html and shown.tracking_number in html
    for hidden in ["尚未答复的留言", "已答复未审核", "不同意公开"]:
        assert hidden not in html
    assert shown.department.name in html


def test_message_list_filters_and_search(client, department_head, reviewer):
    a = published(
        MessageFactory(subject="征地补偿标准", kind="inquiry"),
        replier=department_head,
        reviewer=reviewer,
    )
    b = published(
        MessageFactory(subject="采矿噪音扰民", kind="complaint"),
        replier=department_head,
        reviewer=reviewer,
    )
    url = reverse("complaints:message-list")
    by_kind = client.get(url, {"kind": "complaint"}).content.decode()
    assert "采矿噪音扰民" in by_kind and "征地补偿标准" not in by_kind
    by_q = client.get(url, {"q": "征地"}).content.decode()
    assert "征地补偿标准" in by_q and "采矿噪音扰民" not in by_q
    by_category = client.get(url, {"category": a.category.pk}).content.decode()
    assert "征地补偿标准" in by_category and "采矿噪音扰民" not in by_category
    by_year = client.get(url, {"year": timezone.localdate().year}).content.decode()
    assert "采矿噪音扰民" in by_year
    assert client.get(url, {"year": "abc", "page": "zz", "category": "x"}).status_code == 200
    assert b


@pytest.mark.parametrize("rows", [1, 30])
def test_message_detail_queries_and_masking(
    client, django_assert_max_num_queries, rows, department_head, reviewer
):
    """Detail: site settings (cached), the message with category and department."""
    messages = [
        published(
            MessageFactory(body="我的电话是13812345678，身份证330102198001011234。"),
            replier=department_head,
            reviewer=reviewer,
        )
        for _ in range(rows)
    ]
    url = messages[-1].get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(1):
        html = client.get(url).content.decode()
    assert "张**" in html
    for secret in ["张建华", "13812345678", "330102198001011234", "zhang@example.com"]:
        assert secret not in html


def test_unpublished_detail_is_404(client):
    message = MessageFactory()
    assert client.get(message.get_absolute_url()).status_code == 404


# Landing, statistics, home ------------------------------------------------------------------
def test_index_shows_figures_latest_and_agency(client, department_head, reviewer):
    ComplaintAgencyFactory(name="江川市国土资源局信访科")
    published(
        MessageFactory(subject="不动产登记办理进度"), replier=department_head, reviewer=reviewer
    )
    html = client.get(reverse("complaints:index")).content.decode()
    assert "本月留言办理情况" in html
    assert "不动产登记办理进度" in html
    assert "江川市国土资源局信访科" in html
    assert "100%" in html  # reply rate this month


@time_machine.travel("2026-11-18 15:00 +0800", tick=False)
def test_statistics_page_counts_in_the_database(
    client, department_head, reviewer, django_assert_max_num_queries
):
    """Mid-month: the page counts this month, and at 00:30 on the 1st "three hours ago" was in
    the month before."""
    now = timezone.now()
    on_time = MessageFactory(received_at=now - timedelta(hours=3), kind="complaint")
    on_time.record_reply(by=department_head, text="答复", now=now - timedelta(hours=1))
    on_time.approve(by=reviewer, now=now - timedelta(minutes=30))
    on_time.rate(rating="satisfied")
    late = MessageFactory(received_at=now - timedelta(hours=3), kind="inquiry")
    late.reply_due_at = now - timedelta(hours=2)
    late.save(update_fields=["reply_due_at"])
    late.record_reply(by=department_head, text="答复", now=now)
    MessageFactory(received_at=now - timedelta(hours=1))
    client.get(reverse("complaints:statistics"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("complaints:statistics"))
    total = response.context["total"]
    assert total["received_count"] == 3
    assert total["replied_count"] == 2
    assert total["on_time_count"] == 1
    assert total["reply_rate"] == 66.7
    assert total["satisfaction_rate"] == 100.0
    assert total["longest_reply_time"] == timedelta(hours=3)
    assert total["average_reply_time"] == timedelta(hours=2.5)
    kinds = {row["label"]: row for row in response.context["by_kind"]}
    assert kinds["投诉"]["on_time_count"] == 1 and kinds["咨询"]["on_time_count"] == 0
    assert "按答复部门" in response.content.decode()


def test_latest_replies_are_newest_reply_first(client, department_head, reviewer):
    """最新答复 on the homepage and 政民互动: by reply time, not by when the question came."""
    now = timezone.now()
    asked_first = MessageFactory(subject="较早的提问", received_at=now - timedelta(days=3))
    asked_later = MessageFactory(subject="较晚的提问", received_at=now - timedelta(days=2))
    asked_later.record_reply(
        by=department_head, text="先答复", now=now - timedelta(days=1, hours=20)
    )
    asked_first.record_reply(by=department_head, text="后答复", now=now - timedelta(hours=5))
    for message in (asked_first, asked_later):
        message.approve(by=reviewer)
    for url in (reverse("home"), reverse("complaints:index")):
        html = client.get(url).content.decode()
        assert html.index("较早的提问") < html.index("较晚的提问"), url


@pytest.mark.parametrize(
    ("rule", "promise", "other"),
    [("natural", "24小时", "1个工作日"), ("working", "1个工作日", "24小时")],
)
def test_every_page_promises_the_reply_time_of_the_rule(client, category, rule, promise, other):
    """The form, the landing page's guide and figures, the statistics and the home page all say
    the time limit of MESSAGE_REPLY_RULE (complaints.models.reply_time_limit)."""
    with override_settings(MESSAGE_REPLY_RULE=rule):
        pages = {
            "form": client.get(reverse("complaints:message-create")),
            "index": client.get(reverse("complaints:index")),
            "statistics": client.get(reverse("complaints:statistics")),
            "home": client.get(reverse("home")),
        }
    texts = {
        "form": f"本局在受理后{promise}内答复",
        "index": f"本局对每一条留言在{promise}内答复",
        "statistics": f"（受理后{promise}）",
        "home": f"咨询、建议、投诉，{promise}内答复",
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert texts[name] in html, name
        assert f"{other}内" not in html and f"受理后{other}" not in html, name
    assert f"<dt>{promise}内答复</dt>" in pages["index"].content.decode()
    assert f'<th scope="col">{promise}内答复</th>' in pages["statistics"].content.decode()


def test_statistics_rejects_odd_months(client):
    assert client.get(reverse("complaints:statistics"), {"month": "1900-13"}).status_code == 200


def test_home_shows_figures_and_latest_replies(client, department_head, reviewer):
    published(MessageFactory(subject="宅基地审批流程"), replier=department_head, reviewer=reviewer)
    html = client.get(reverse("home")).content.decode()
    assert "留言办理情况" in html
    assert "宅基地审批流程" in html
    # A new message clears the cached block.
    MessageFactory()
    html = client.get(reverse("home")).content.decode()
    assert "<dd>2<small>条</small></dd>" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_stays_inert_on_every_page(client, payload, department_head, reviewer):
    """Subject, question, name, reply and rating comment render as text, never as markup."""
    message = MessageFactory(subject=payload[:100], body=payload, sender_name=payload[:30])
    message.record_reply(by=department_head, text=payload)
    message.approve(by=reviewer)
    message.rate(rating="fair", comment=payload)
    lookup(client, message.tracking_number, QUERY_CODE)
    pages = [
        message.get_absolute_url(),
        reverse("complaints:message-list"),
        reverse("complaints:index"),
        reverse("complaints:message-status", args=[message.tracking_number]),
        reverse("home"),
    ]
    for url in pages:
        body = client.get(url).content.decode().split("<body", 1)[1]
        assert active_content(body, allowed_tags={"form", "input"}) == [], url
    # The admin has scripts and icons of its own: compare with the page of a plain message.
    plain = published(
        MessageFactory(subject="普通留言"), replier=department_head, reviewer=reviewer
    )
    plain.rate(rating="fair", comment="普通评价")
    client.force_login(reviewer)  # bureau-wide: sees every department's messages

    def admin_findings(obj):
        change = client.get(reverse("admin:complaints_message_change", args=[obj.pk]))
        assert change.status_code == 200
        return sorted(active_content(change.content.decode().split("<body", 1)[1]))

    assert admin_findings(message) == admin_findings(plain)
