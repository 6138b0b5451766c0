"""网上评议: the window, one questionnaire per phone, comment review, results and their pages."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import (
    EvaluationResponse,
    EvaluationResponseEvent,
    EvaluationRound,
    hash_evaluation_phone,
)
from complaints.services import submit_evaluation
from portal import roles
from portal.exceptions import InvalidTransition
from tests.captcha import solved_captcha
from tests.complaints.factories import EvaluationRoundFactory, EvaluationSubjectFactory
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

ASPECT_NAMES = ["attitude", "efficiency", "transparency", "integrity"]


@pytest.fixture
def round():
    evaluation = EvaluationRoundFactory()
    EvaluationSubjectFactory(round=evaluation, name="不动产登记窗口（1号）")
    EvaluationSubjectFactory(round=evaluation, name="执法监察支队", kind="department")
    return evaluation


def scores(attitude, efficiency, transparency, integrity):
    return dict(zip(ASPECT_NAMES, [attitude, efficiency, transparency, integrity], strict=True))


def answer(round, phone, per_subject, comment="", now=None):
    """Submit through the service: per_subject maps subject name to a 4-tuple of scores."""
    subjects = {s.name: s for s in round.subjects.all()}
    data = {
        "phone": phone,
        "answers": {subjects[name]: scores(*values) for name, values in per_subject.items()},
        "comment": comment,
    }
    return submit_evaluation(round=round, data=data, ip="192.0.2.1", now=now)


def close(round):
    EvaluationRound.objects.filter(pk=round.pk).update(
        opens_on=timezone.localdate() - timedelta(days=30),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    round.refresh_from_db()


def form_data(round, phone="13812345678", **overrides):
    data = {
        "phone": phone,
        "comment": "",
        "website": "",
        **solved_captcha(),
    }
    first = round.subjects.first()
    for name, value in zip(ASPECT_NAMES, [5, 4, 5, 3], strict=True):
        data[f"s{first.pk}_{name}"] = str(value)
    data.update(overrides)
    return data


# One per phone --------------------------------------------------------------------------------
def test_phone_hash_ignores_formatting():
    assert hash_evaluation_phone("138 1234 5678") == hash_evaluation_phone("+86 138-1234-5678")
    assert hash_evaluation_phone("13812345678") != hash_evaluation_phone("13812345679")


def test_one_submission_per_phone_per_round(round):
    answer(round, "13812345678", {"执法监察支队": (5, 5, 5, 5)})
    with pytest.raises(ValidationError) as error:
        answer(round, "138-1234-5678", {"执法监察支队": (1, 1, 1, 1)})
    assert error.value.code == "already_answered"
    assert round.responses.count() == 1
    other = EvaluationRoundFactory()
    EvaluationSubjectFactory(round=other, name="执法监察支队")
    answer(other, "13812345678", {"执法监察支队": (4, 4, 4, 4)})  # another round is fine


def test_the_database_enforces_one_per_phone(round):
    answer(round, "13812345678", {"执法监察支队": (5, 5, 5, 5)})
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationResponse.objects.create(
            round=round, phone_hash=hash_evaluation_phone("13812345678"), masked_phone="x"
        )


def test_phone_itself_is_not_stored(round):
    response = answer(round, "13812345678", {"执法监察支队": (5, 5, 5, 5)})
    stored = EvaluationResponse.objects.filter(pk=response.pk).values().get()
    assert "13812345678" not in str(stored)
    assert response.masked_phone == "138****5678"


def test_form_refuses_a_phone_that_already_answered(client, round):
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    assert client.post(url, form_data(round)).status_code == 302
    response = client.post(url, form_data(round, phone="138 1234 5678"))
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["phone"][0].code == "already_answered"
    assert round.responses.count() == 1


# The window -----------------------------------------------------------------------------------
@pytest.mark.parametrize("days", [-11, 11])
def test_no_answers_outside_the_window(round, days):
    with pytest.raises(ValidationError) as error:
        answer(
            round,
            "13812345678",
            {"执法监察支队": (5, 5, 5, 5)},
            now=timezone.now() + timedelta(days=days),
        )
    assert error.value.code == "not_open"
    assert not round.responses.exists()


def test_closed_round_shows_no_questionnaire_and_takes_no_post(client, round):
    close(round)
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    page = client.get(url).content.decode()
    assert "提交评议" not in page and "已结束" in page
    assert client.post(url, form_data(round)).status_code == 400
    assert not round.responses.exists()


def test_unpublished_round_is_not_public(client):
    hidden = EvaluationRoundFactory(is_published=False)
    assert client.get(reverse("complaints:evaluation-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("complaints:evaluation-results", args=[hidden.pk])).status_code == 404


# The questionnaire ----------------------------------------------------------------------------
def test_a_subject_needs_all_four_scores(client, round):
    first = round.subjects.first()
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    response = client.post(url, form_data(round, **{f"s{first.pk}_integrity": ""}))
    assert response.status_code == 400
    error = response.context["form"].errors.as_data()[f"s{first.pk}_integrity"][0]
    assert error.code == "incomplete_subject"
    assert not round.responses.exists()


def test_at_least_one_subject_must_be_rated(client, round):
    first = round.subjects.first()
    blank = {f"s{first.pk}_{name}": "" for name in ASPECT_NAMES}
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    response = client.post(url, form_data(round, **blank))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors().as_data()[0].code == "no_answers"


@pytest.mark.parametrize("value", ["0", "6", "abc", "5.5", "-1"])
def test_scores_outside_one_to_five_are_refused(client, round, value):
    first = round.subjects.first()
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    response = client.post(url, form_data(round, **{f"s{first.pk}_attitude": value}))
    assert response.status_code == 400
    assert not round.responses.exists()


def test_answers_are_stored_and_the_comment_waits_for_review(client, round):
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    response = client.post(url, form_data(round, comment="窗口服务很好，电话13905781234。"))
    assert response.status_code == 302
    assert "感谢您参加" in client.get(response.url).content.decode()
    stored = round.responses.get()
    assert stored.comment_status == EvaluationResponse.CommentStatus.PENDING
    assert list(stored.answers.values_list(*ASPECT_NAMES)) == [(5, 4, 5, 3)]


# Results --------------------------------------------------------------------------------------
def test_results_per_subject_average_and_distribution(round):
    answer(
        round, "13800000001", {"不动产登记窗口（1号）": (5, 4, 3, 5), "执法监察支队": (2, 2, 2, 2)}
    )
    answer(round, "13800000002", {"不动产登记窗口（1号）": (4, 4, 5, 5)})
    answer(round, "13800000003", {"不动产登记窗口（1号）": (3, 1, 4, 5)})
    window, squad = round.results()
    assert window["answer_count"] == 3
    attitude = window["aspects"][0]
    assert attitude["label"] == "服务态度"
    assert attitude["average"] == 4.0
    assert attitude["distribution"] == [(5, 1), (4, 1), (3, 1), (2, 0), (1, 0)]
    efficiency = window["aspects"][1]
    assert efficiency["average"] == 3.0
    assert efficiency["distribution"] == [(5, 0), (4, 2), (3, 0), (2, 0), (1, 1)]
    assert [a["average"] for a in window["aspects"]] == [4.0, 3.0, 4.0, 5.0]
    assert window["overall"] == 4.0
    # 12 ratings, of which 9 are 4 or 5.
    assert window["satisfaction_rate"] == 75.0
    assert squad["answer_count"] == 1 and squad["overall"] == 2.0
    assert squad["satisfaction_rate"] == 0.0


def test_subject_without_answers_has_empty_results(round):
    answer(round, "13800000001", {"执法监察支队": (5, 5, 5, 5)})
    window = round.results()[0]
    assert window["answer_count"] == 0 and window["overall"] is None
    assert window["satisfaction_rate"] is None


def test_results_page_only_after_closing(client, round, reviewer):
    response = answer(round, "13800000001", {"执法监察支队": (5, 4, 5, 4)}, comment="态度很好")
    url = reverse("complaints:evaluation-results", args=[round.pk])
    page = client.get(url).content.decode()
    assert "结果将在评议结束后公布" in page and "4.50" not in page
    close(round)
    page = client.get(url).content.decode()
    assert "4.50" in page
    assert "态度很好" not in page  # not reviewed yet
    response.approve_comment(by=reviewer)
    assert "态度很好" in client.get(url).content.decode()


def test_comment_review_masks_and_can_be_withdrawn(round, reviewer):
    response = answer(
        round, "13800000001", {"执法监察支队": (5, 5, 5, 5)}, comment="请回电13905781234"
    )
    response.approve_comment(by=reviewer)
    assert "13905781234" not in response.public_comment
    response.reject_comment(by=reviewer)
    assert not round.responses.public_comments().exists()
    silent = answer(round, "13800000002", {"执法监察支队": (5, 5, 5, 5)})
    with pytest.raises(InvalidTransition, match="没有待审核的意见"):
        silent.approve_comment(by=reviewer)


def test_comment_review_is_logged(round, reviewer):
    """Each review step of a comment is an event row: who, when, which way."""
    response = answer(round, "13800000003", {"执法监察支队": (4, 4, 4, 4)}, comment="窗口很热情")
    response.approve_comment(by=reviewer)
    response.reject_comment(by=reviewer)
    steps = [(e.kind, e.actor) for e in response.events.all()]
    assert steps == [
        (EvaluationResponseEvent.Kind.COMMENT_APPROVED, reviewer),
        (EvaluationResponseEvent.Kind.COMMENT_REJECTED, reviewer),
    ]
    with pytest.raises(InvalidTransition):
        response.reject_comment(by=reviewer)  # already withheld
    assert response.events.count() == 2


@pytest.mark.parametrize("rows", [1, 30])
def test_results_page_queries(client, django_assert_max_num_queries, round, rows, reviewer):
    """Results: round (1), answers aggregated by subject (1), subjects (1), public comments
    (1), response count (1), site settings (1)."""
    for n in range(rows):
        response = answer(round, f"138{n:08d}", {"执法监察支队": (5, 4, 3, 2)}, comment=f"意见{n}")
        response.approve_comment(by=reviewer)
    close(round)
    url = reverse("complaints:evaluation-results", args=[round.pk])
    client.get(url)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_questionnaire_queries(client, django_assert_max_num_queries, rows):
    """Questionnaire: round (1), subjects (1), site settings (1)."""
    evaluation = EvaluationRoundFactory()
    EvaluationSubjectFactory.create_batch(rows, round=evaluation)
    url = reverse("complaints:evaluation-detail", args=[evaluation.pk])
    client.get(url)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


def test_list_queries(client, django_assert_max_num_queries):
    """List: rounds with their response counts (1), site settings (1)."""
    EvaluationRoundFactory.create_batch(5)
    client.get(reverse("complaints:evaluation-list"))
    with django_assert_max_num_queries(2):
        assert client.get(reverse("complaints:evaluation-list")).status_code == 200


def test_rate_limit_per_ip_gives_chinese_429(client, round, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "2/h", "phone": "100/h"}
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    assert client.post(url, form_data(round, phone="13800000001")).status_code == 302
    assert client.post(url, form_data(round, phone="13800000002")).status_code == 302
    response = client.post(url, form_data(round, phone="13800000003"))
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert round.responses.count() == 2


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"phone": ""}, 400),
        ({"phone": "<script>"}, 400),
        ({"comment": "x" * 5000}, 400),
        ({"captcha": ""}, 400),
        ({"s0_attitude": "5", "sx_efficiency": "abc"}, 302),  # unknown fields are ignored
    ],
)
def test_odd_posts_never_fail(client, round, overrides, status):
    url = reverse("complaints:evaluation-detail", args=[round.pk])
    response = client.post(url, form_data(round, **overrides))
    assert response.status_code == status
    assert round.responses.count() == (1 if status == 302 else 0)


def test_results_export_for_leadership(client, round, officer):
    answer(
        round,
        "13800000001",
        {"不动产登记窗口（1号）": (5, 4, 3, 5), "执法监察支队": (2, 2, 2, 2)},
        comment="窗口很好，联系我 13912345678",
    )
    answer(round, "13800000002", {"不动产登记窗口（1号）": (4, 4, 5, 5)})
    answer(round, "13800000003", {"不动产登记窗口（1号）": (3, 1, 4, 5)})
    url = reverse("admin:complaints_evaluationround_results_export", args=[round.pk])

    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(make_staff(roles.LEADERSHIP, username="juzhang"))
    page = client.get(reverse("admin:complaints_evaluationround_results", args=[round.pk]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response["Content-Disposition"].endswith(f'evaluation-{round.pk}-results.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["平均分", "评分分布", "意见建议"]

    averages = [list(row) for row in workbook["平均分"].iter_rows(min_row=2, values_only=True)]
    assert averages[0] == [
        "评议对象",
        "类别",
        "参评人次",
        "服务态度",
        "办事效率",
        "政务公开",
        "廉洁自律",
        "综合平均分",
        "满意率（%）",
    ]
    assert averages[1] == ["不动产登记窗口（1号）", "服务窗口", 3, 4, 3, 4, 5, 4, 75]
    assert averages[2] == ["执法监察支队", "科室", 1, 2, 2, 2, 2, 2, 0]

    distribution = list(workbook["评分分布"].iter_rows(min_row=2, values_only=True))
    # Efficiency of the window: scores 4, 4 and 1.
    assert ("不动产登记窗口（1号）", "办事效率", 0, 2, 0, 0, 1, 3) in distribution
    assert len(distribution) == 8

    [comment] = list(workbook["意见建议"].iter_rows(min_row=2, values_only=True))
    assert comment[1] == "138****0001" and comment[3] == "待审核"
    body = b"".join(response.content.split())
    assert b"13800000001" not in body
