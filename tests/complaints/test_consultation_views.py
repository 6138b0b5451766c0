"""征求意见 public pages: list, draft with articles and comments, the comment form, feedback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Consultation, ConsultationComment
from portal.models import SensitiveTerm
from tests.captcha import solved_captcha
from tests.complaints.factories import (
    ConsultationCommentFactory,
    ConsultationFactory,
    published_consultation,
)
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db

Adoption = ConsultationComment.Adoption


def form_data(**overrides):
    return {
        "article": "",
        "body": "建议明确储备土地入库前的确权时限，避免久储不用。",
        "sender_name": "王秀英",
        "sender_phone": "139 1234 5678",
        "website": "",
        **solved_captcha(),
        **overrides,
    }


def post_comment(client, consultation, **overrides):
    url = reverse("complaints:consultation-comment", args=[consultation.pk])
    return client.post(url, form_data(**overrides))


def close_period(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=11),
    )
    consultation.refresh_from_db()


def test_citizen_comments_on_an_article_and_it_shows_after_review(client, reviewer):
    consultation = published_consultation()
    third = consultation.articles.get(number=3)
    detail = client.get(reverse("complaints:consultation-detail", args=[consultation.pk]))
    assert "对第三条提意见" in detail.content.decode()

    response = post_comment(client, consultation, article=third.pk)
    assert response.status_code == 302
    assert response.url == reverse("complaints:consultation-comment-done", args=[consultation.pk])
    done = client.get(response.url).content.decode()
    assert "审核后" in done and "第三条" in done
    comment = ConsultationComment.objects.get()
    assert (comment.article, comment.sender_phone) == (third, "13912345678")

    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "建议明确储备土地入库前的确权时限" not in page  # not reviewed yet

    comment.approve(by=reviewer)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "建议明确储备土地入库前的确权时限" in page
    assert "王**" in page and "139****5678" in page
    assert "王秀英" not in page and "13912345678" not in page


def test_no_comment_after_closing_with_a_chinese_message(client):
    consultation = published_consultation()
    close_period(consultation)
    detail = client.get(consultation.get_absolute_url()).content.decode()
    assert "提交意见" not in detail and "意见征集已于" in detail
    response = post_comment(client, consultation)
    assert response.status_code == 400
    assert not ConsultationComment.objects.exists()


def test_no_comment_before_opening(client):
    today = timezone.localdate()
    consultation = published_consultation(
        opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=40)
    )
    assert "将于" in client.get(consultation.get_absolute_url()).content.decode()
    assert post_comment(client, consultation).status_code == 400
    assert not ConsultationComment.objects.exists()


def test_bad_input_is_answered_field_by_field_and_kept(client):
    consultation = published_consultation()
    other = published_consultation()
    response = post_comment(
        client,
        consultation,
        article=other.articles.first().pk,
        body="短",
        sender_name="",
        sender_phone="12345",
        captcha="WRONG",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()
    assert errors["article"][0].code == "invalid_choice"
    assert errors["body"][0].code == "body_too_short"
    assert errors["sender_name"][0].code == "required"
    assert errors["sender_phone"][0].code == "invalid_phone"
    assert "captcha" in errors
    assert 'value="12345"' in response.content.decode()
    assert not ConsultationComment.objects.exists()


def test_blocking_words_stop_the_comment_with_a_field_error(client):
    SensitiveTerm.objects.create(
        term="澳门赌场平台",
        category=SensitiveTerm.Category.SPAM,
        severity=SensitiveTerm.Severity.BLOCK,
    )
    consultation = published_consultation()
    response = post_comment(client, consultation, body="欢迎光临澳 门-赌 场平台，注册就送！")
    assert response.status_code == 400
    error = response.context["form"].errors.as_data()["body"][0]
    assert error.code == "blocked_content"
    assert "不允许发布" in error.messages[0]
    assert not ConsultationComment.objects.exists()


def test_honeypot_refuses_bots(client):
    consultation = published_consultation()
    assert post_comment(client, consultation, website="http://spam.example").status_code == 400
    assert not ConsultationComment.objects.exists()


@pytest.mark.parametrize(
    "query", ["?article=abc", "?article=99999999", "?article=-1", "?article=" + "9" * 30]
)
def test_odd_article_parameters_never_fail(client, query):
    consultation = published_consultation()
    url = consultation.get_absolute_url() + query
    assert client.get(url).status_code == 200


def test_unpublished_consultation_is_not_public(client):
    draft = ConsultationFactory()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get(reverse("complaints:consultation-list")).content.decode()


def test_short_period_reason_is_shown(client):
    today = timezone.localdate()
    consultation = published_consultation(
        opens_on=today, closes_on=today + timedelta(days=14), short_period_reason="上级要求限期出台"
    )
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "期限少于30日的理由" in page and "上级要求限期出台" in page


def test_list_filters_by_phase_and_ignores_unknown_phases(client):
    open_one = published_consultation(title="开放中的草案")
    closed_one = published_consultation(title="已结束的草案")
    close_period(closed_one)
    page = client.get(reverse("complaints:consultation-list") + "?phase=open").content.decode()
    assert open_one.title in page and closed_one.title not in page
    page = client.get(reverse("complaints:consultation-list") + "?phase=<x>").content.decode()
    assert open_one.title in page and closed_one.title in page


def test_feedback_page_shows_counts_and_replies_after_publication(
    client, reviewer, department_head
):
    consultation = published_consultation()
    third = consultation.articles.get(number=3)
    comments = ConsultationCommentFactory.create_batch(3, consultation=consultation, article=third)
    for comment in comments:
        comment.approve(by=reviewer)
    feedback_url = consultation.get_feedback_url()
    assert client.get(feedback_url).status_code == 404
    close_period(consultation)
    decisions = [
        (Adoption.ADOPTED, ""),
        (Adoption.PARTLY, "部分采纳：确权时限写入实施细则"),
        (Adoption.NOT_ADOPTED, "上位法已有规定"),
    ]
    for comment, (adoption, reason) in zip(comments, decisions, strict=True):
        comment.record_adoption(by=department_head, adoption=adoption, reason=reason)
    consultation.publish_feedback(by=department_head, summary="共收到意见3条，已逐条研究。")

    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "已反馈" in page and "共收到意见3条" in page
    assert "部分采纳：确权时限写入实施细则" in page
    assert feedback_url in page
    feedback = client.get(feedback_url)
    assert feedback.context["figures"]["partly_count"] == 1
    text = feedback.content.decode()
    assert "上位法已有规定" in text and "张**" in text and "13812345678" not in text


def test_final_document_links_both_ways(client):
    item = ItemFactory(published=True, title="江川市土地储备管理办法")
    assert "征求意见稿" not in client.get(item.get_absolute_url()).content.decode()
    consultation = published_consultation(final_item=item)  # the cached map moves on
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in page
    item_page = client.get(item.get_absolute_url()).content.decode()
    assert consultation.get_absolute_url() in item_page


@pytest.mark.parametrize("rows", [1, 30])
def test_detail_queries(client, django_assert_max_num_queries, rows, reviewer):
    """Draft page: consultation with department and final item (1), articles (1), public
    comments with their article (1), files (1), the form's article choices (1), session (≤2)."""
    consultation = published_consultation()
    articles = list(consultation.articles.all())
    for n in range(rows):
        comment = ConsultationCommentFactory(
            consultation=consultation, article=articles[n % len(articles)]
        )
        comment.approve(by=reviewer)
    url = consultation.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="comment"') == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_list_queries(client, django_assert_max_num_queries, rows):
    """List: count (1), page of consultations with department and comment counts (1)."""
    for _ in range(rows):
        published_consultation()
    client.get(reverse("complaints:consultation-list"))
    with django_assert_max_num_queries(3):
        assert client.get(reverse("complaints:consultation-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_feedback_queries(client, django_assert_max_num_queries, rows, reviewer, department_head):
    """Feedback: consultation (1), figures (1), site settings (1), public comments with their
    article (1)."""
    consultation = published_consultation()
    comments = ConsultationCommentFactory.create_batch(rows, consultation=consultation)
    for comment in comments:
        comment.approve(by=reviewer)
    close_period(consultation)
    for comment in comments:
        comment.record_adoption(by=department_head, adoption=Adoption.ADOPTED)
    consultation.publish_feedback(by=department_head, summary="全部采纳。")
    client.get(consultation.get_feedback_url())
    with django_assert_max_num_queries(4):
        assert client.get(consultation.get_feedback_url()).status_code == 200


def test_draft_file_downloads_only_for_public_consultations(client):
    from django.core.files.base import ContentFile

    consultation = published_consultation()
    file = consultation.files.create(file=ContentFile(b"%PDF-1.4 draft", name="草案.pdf"))
    response = client.get(file.get_absolute_url())
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    hidden = ConsultationFactory()
    other = hidden.files.create(file=ContentFile(b"%PDF-1.4 x", name="x.pdf"))
    assert client.get(other.get_absolute_url()).status_code == 404


def test_published_consultation_is_found_by_the_site_search(client):
    consultation = published_consultation(title="江川市土地储备管理办法（征求意见稿）")
    ConsultationFactory(title="尚未发布的草案土地储备")
    response = client.get(reverse("search") + "?q=土地储备")
    page = response.content.decode()
    assert consultation.get_absolute_url() in page
    assert "尚未发布的草案" not in page


def test_rate_limit_per_phone_gives_chinese_429(client, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "100/h", "phone": "2/h"}
    consultation = published_consultation()
    assert post_comment(client, consultation).status_code == 302
    assert post_comment(client, consultation).status_code == 302
    response = post_comment(client, consultation)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert consultation.comments.count() == 2


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"article": "<script>", "body": "x" * 5000},
        {"article": "1' OR '1'='1", "sender_phone": "\x00"},
        {"body": "<script>alert(1)</script>正常的意见内容", "sender_name": "<b>张</b>"},
        {"captcha": ""},
    ],
)
def test_odd_posts_never_fail(client, payload, reviewer):
    consultation = published_consultation()
    url = reverse("complaints:consultation-comment", args=[consultation.pk])
    data = form_data(**payload) if payload else {}
    response = client.post(url, data)
    assert response.status_code in {302, 400}
    for comment in consultation.comments.all():
        comment.approve(by=reviewer)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<b>张</b>" not in page
