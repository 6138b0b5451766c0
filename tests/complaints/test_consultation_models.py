"""征求意见: articles from the draft, the period rule, phases, comments, adoption and feedback."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints.models import (
    Consultation,
    ConsultationComment,
    ConsultationEvent,
    default_closes_on,
    split_articles,
)
from complaints.services import submit_comment
from portal.exceptions import InvalidTransition
from tests.complaints.factories import (
    ConsultationCommentFactory,
    ConsultationFactory,
    published_consultation,
)

pytestmark = pytest.mark.django_db

Adoption = ConsultationComment.Adoption


def comment_data(**overrides):
    return {
        "article": None,
        "body": "建议明确储备土地入库前的确权时限。",
        "sender_name": "张建华",
        "sender_phone": "13812345678",
        **overrides,
    }


def closed(consultation):
    """Move a consultation's period into the past (the dates are data, not workflow state)."""
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=11),
    )
    consultation.refresh_from_db()
    return consultation


# Articles -----------------------------------------------------------------------------------
def test_split_articles_follows_article_headings_and_keeps_later_paragraphs():
    html = (
        "<p>某某办法</p><p>第一章 总则</p><p>第一条 目的。</p><p>第二条 范围。</p>"
        "<p>第二款内容。</p><p>第二章 附则</p><p>第十二条 施行日期。</p>"
    )
    assert split_articles(html) == [
        ("第一条", "目的。"),
        ("第二条", "范围。\n第二款内容。"),
        ("第十二条", "施行日期。"),
    ]


def test_split_articles_falls_back_to_paragraphs():
    assert split_articles("<p>一、总体要求</p><p>二、主要任务</p>") == [
        ("第1段", "一、总体要求"),
        ("第2段", "二、主要任务"),
    ]


def test_rebuild_articles_numbers_them_and_is_refused_once_comments_exist():
    consultation = published_consultation()
    headings = list(consultation.articles.values_list("number", "heading"))
    assert headings == [(1, "第一条"), (2, "第二条"), (3, "第三条"), (4, "第四条"), (5, "第五条")]
    assert (
        consultation.articles.get(number=3).text
        == "土地储备实行计划管理，年度计划报市人民政府批准。\n储备计划应当向社会公开。"
    )
    ConsultationCommentFactory(consultation=consultation)
    with pytest.raises(InvalidTransition, match="已有公众意见"):
        consultation.rebuild_articles()


def test_publication_needs_articles():
    consultation = ConsultationFactory()
    with pytest.raises(ValidationError, match="条文"):
        consultation.submit(by=consultation.author)


# Period ---------------------------------------------------------------------------------------
def test_default_period_is_thirty_days_both_ends_included():
    opens_on = timezone.localdate()
    consultation = ConsultationFactory.build(
        opens_on=opens_on, closes_on=default_closes_on(opens_on)
    )
    assert consultation.period_days() == 30
    assert not consultation.is_short_period()


def test_shorter_period_needs_a_reason():
    today = timezone.localdate()
    consultation = ConsultationFactory(opens_on=today, closes_on=today + timedelta(days=19))
    with pytest.raises(ValidationError) as error:
        consultation.clean()
    assert error.value.error_dict["short_period_reason"][0].code == "reason_required"
    consultation.short_period_reason = "上级部署要求年底前出台"
    consultation.clean()


def test_closing_before_opening_is_refused_by_the_database():
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(opens_on=today, closes_on=today - timedelta(days=1))


# Phases -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("opens", "closes", "phase"),
    [(3, 40, "upcoming"), (-5, 24, "open"), (0, 0, "open"), (-40, -1, "closed")],
)
def test_phase_follows_the_dates_and_the_queryset_agrees(opens, closes, phase):
    today = timezone.localdate()
    consultation = published_consultation(
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
        short_period_reason="测试",
    )
    assert consultation.phase() == phase
    for other in Consultation.Phase.values:
        expected = other == phase
        assert Consultation.objects.in_phase(other).filter(pk=consultation.pk).exists() is expected
    assert Consultation.objects.open().filter(pk=consultation.pk).exists() is (phase == "open")


def test_unpublished_consultation_takes_no_comments():
    consultation = ConsultationFactory()
    consultation.rebuild_articles()
    assert not consultation.is_open()
    with pytest.raises(ValidationError, match="不在意见征集期内"):
        submit_comment(consultation=consultation, data=comment_data(), ip=None)


# Comments inside and outside the window -------------------------------------------------------
def test_comment_inside_the_window_waits_for_review():
    consultation = published_consultation()
    article = consultation.articles.get(number=3)
    comment = submit_comment(
        consultation=consultation, data=comment_data(article=article), ip="192.0.2.1"
    )
    assert comment.status == ConsultationComment.Status.PENDING
    assert not consultation.comments.public().exists()


@pytest.mark.parametrize("day", ["before", "after"])
def test_no_comment_outside_the_window(day):
    consultation = published_consultation()
    moment = {
        "before": timezone.now() - timedelta(days=6),
        "after": timezone.now() + timedelta(days=30),
    }[day]
    with pytest.raises(ValidationError) as error:
        submit_comment(consultation=consultation, data=comment_data(), ip=None, now=moment)
    assert error.value.code == "not_open"
    assert not consultation.comments.exists()


def test_comment_on_another_drafts_article_is_refused():
    consultation, other = published_consultation(), published_consultation()
    with pytest.raises(ValidationError, match="不属于本草案"):
        submit_comment(
            consultation=consultation,
            data=comment_data(article=other.articles.first()),
            ip=None,
        )


def test_approval_masks_personal_data_in_the_public_text(reviewer):
    comment = ConsultationCommentFactory(
        consultation=published_consultation(),
        body="我的电话13905781234，身份证330102198001011234，请联系。",
    )
    comment.approve(by=reviewer)
    assert comment.is_public()
    assert "13905781234" not in comment.public_body
    assert "330102198001011234" not in comment.public_body
    assert "139****1234" in comment.public_body


def test_rejecting_needs_a_reason_and_takes_the_comment_off(reviewer):
    comment = ConsultationCommentFactory(consultation=published_consultation())
    comment.approve(by=reviewer)
    with pytest.raises(InvalidTransition, match="理由"):
        comment.reject(by=reviewer, reason=" ")
    comment.reject(by=reviewer, reason="广告")
    assert not ConsultationComment.objects.public().filter(pk=comment.pk).exists()


# Adoption and feedback ----------------------------------------------------------------------
def test_adoption_is_recorded_only_after_closing(reviewer, department_head):
    consultation = published_consultation()
    comment = ConsultationCommentFactory(consultation=consultation)
    comment.approve(by=reviewer)
    with pytest.raises(InvalidTransition, match="结束后"):
        comment.record_adoption(by=department_head, adoption=Adoption.ADOPTED)
    closed(consultation)
    comment.refresh_from_db()
    with pytest.raises(InvalidTransition, match="理由"):
        comment.record_adoption(by=department_head, adoption=Adoption.PARTLY, reason="")
    comment.record_adoption(by=department_head, adoption=Adoption.PARTLY, reason="已部分吸收")
    comment.refresh_from_db()
    assert (comment.adoption, comment.decided_by) == (Adoption.PARTLY, department_head)
    assert comment.decided_at is not None


def test_pending_comment_gets_no_adoption_until_reviewed(department_head):
    consultation = closed(published_consultation())
    comment = ConsultationCommentFactory(consultation=consultation)
    with pytest.raises(InvalidTransition):
        comment.record_adoption(by=department_head, adoption=Adoption.ADOPTED)


def test_partial_adoption_without_reason_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationCommentFactory(adoption=Adoption.NOT_ADOPTED, adoption_reason="")


def build_decided(consultation, reviewer, head, decisions):
    """Comments with the given decisions (None: rejected as unrelated)."""
    comments = []
    for _ in decisions:
        comment = ConsultationCommentFactory(consultation=consultation)
        comment.approve(by=reviewer)
        comments.append(comment)
    closed(consultation)
    for comment, decision in zip(comments, decisions, strict=True):
        if decision is None:
            comment.reject(by=reviewer, reason="与草案无关")
        else:
            comment.record_adoption(by=head, adoption=decision, reason="理由")
    return comments


def test_adoption_figures_count_each_decision(reviewer, department_head):
    consultation = published_consultation()
    decisions = [Adoption.ADOPTED] * 3 + [Adoption.PARTLY] * 2 + [Adoption.NOT_ADOPTED, None]
    build_decided(consultation, reviewer, department_head, decisions)
    assert consultation.adoption_figures() == {
        "received_count": 7,
        "public_count": 6,
        "considered_count": 6,
        "rejected_count": 1,
        "adopted_count": 3,
        "partly_count": 2,
        "not_adopted_count": 1,
    }


def test_feedback_needs_closing_review_and_every_decision(reviewer, department_head):
    consultation = published_consultation()
    comment = ConsultationCommentFactory(consultation=consultation)
    with pytest.raises(InvalidTransition, match="尚未结束"):
        consultation.publish_feedback(by=department_head, summary="说明")
    closed(consultation)
    with pytest.raises(InvalidTransition, match="未审核"):
        consultation.publish_feedback(by=department_head, summary="说明")
    comment.approve(by=reviewer)
    with pytest.raises(InvalidTransition, match="未填写采纳情况"):
        consultation.publish_feedback(by=department_head, summary="说明")
    comment.record_adoption(by=department_head, adoption=Adoption.ADOPTED)
    with pytest.raises(InvalidTransition, match="采纳情况说明"):
        consultation.publish_feedback(by=department_head, summary="  ")
    consultation.publish_feedback(by=department_head, summary="共收到意见1条，采纳1条。")
    consultation.refresh_from_db()
    assert consultation.phase() == Consultation.Phase.FEEDBACK
    assert consultation.feedback_published_by == department_head
    event = consultation.events.last()
    assert (event.kind, event.actor) == (ConsultationEvent.Kind.FEEDBACK, department_head)
    with pytest.raises(InvalidTransition, match="已经发布"):
        consultation.publish_feedback(by=department_head, summary="再次")
    with pytest.raises(InvalidTransition, match="不能再修改"):
        comment.record_adoption(by=department_head, adoption=Adoption.NOT_ADOPTED, reason="改")


def test_counts_by_article_put_the_whole_draft_first(reviewer):
    consultation = published_consultation()
    third = consultation.articles.get(number=3)
    ConsultationCommentFactory.create_batch(3, consultation=consultation, article=third)
    ConsultationCommentFactory(consultation=consultation)
    rows = consultation.comments.counts_by_article()
    assert [(r["heading"], r["comment_count"], r["pending_count"]) for r in rows] == [
        ("对草案整体的意见", 1, 1),
        ("第三条", 3, 3),
    ]


def test_every_comment_step_is_an_event_of_the_consultation(reviewer, department_head):
    consultation = published_consultation()
    comment = ConsultationCommentFactory(
        consultation=consultation, article=consultation.articles.get(number=3)
    )
    comment.approve(by=reviewer)
    closed(consultation)
    comment.record_adoption(by=department_head, adoption=Adoption.PARTLY, reason="部分吸收")
    other = ConsultationCommentFactory(consultation=consultation)
    other.reject(by=reviewer, reason="广告")
    steps = list(
        consultation.events.filter(kind__in=["c_approved", "adoption", "c_rejected"]).values_list(
            "kind", "actor", "note"
        )
    )
    assert steps == [
        ("c_approved", reviewer.pk, f"意见#{comment.pk}（第三条）"),
        ("adoption", department_head.pk, f"意见#{comment.pk}（第三条）：部分采纳，部分吸收"),
        ("c_rejected", reviewer.pk, f"意见#{other.pk}（草案整体）：广告"),
    ]
