"""Back office of 征求意见 and 网上评议: scoping, review and adoption actions, export, feedback,
the results summary for leadership."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Consultation, ConsultationComment, EvaluationRound
from portal import roles
from tests.complaints.factories import (
    ConsultationCommentFactory,
    ConsultationFactory,
    EvaluationRoundFactory,
    EvaluationSubjectFactory,
    published_consultation,
)
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:complaints_consultationcomment_changelist")
Adoption = ConsultationComment.Adoption


def close_period(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=11),
    )
    consultation.refresh_from_db()


@pytest.fixture
def consultation(department):
    return published_consultation(department=department)


def test_comments_are_scoped_to_the_department(client, officer, consultation, other_department):
    ConsultationCommentFactory(consultation=consultation, body="本科室草案的意见")
    elsewhere = published_consultation(department=other_department)
    ConsultationCommentFactory(consultation=elsewhere, body="别的科室草案的意见")
    client.force_login(officer)
    html = client.get(COMMENTS).content.decode()
    assert "本科室草案的意见" in html and "别的科室草案的意见" not in html
    other = ConsultationCommentFactory(consultation=elsewhere)
    url = reverse("admin:complaints_consultationcomment_change", args=[other.pk])
    assert client.get(url).status_code in {302, 404}


def test_change_page_groups_comments_by_article(client, disclosure_office, consultation):
    third = consultation.articles.get(number=3)
    ConsultationCommentFactory.create_batch(2, consultation=consultation, article=third)
    ConsultationCommentFactory(consultation=consultation)
    client.force_login(disclosure_office)
    url = reverse("admin:complaints_consultation_change", args=[consultation.pk])
    html = client.get(url).content.decode()
    assert "对草案整体的意见" in html and "第三条" in html
    assert f"article={third.pk}" in html
    assert "共 3 条" in html
    response = client.get(
        f"{COMMENTS}?consultation__id__exact={consultation.pk}&article={third.pk}"
    )
    assert len(response.context["cl"].result_list) == 2


def test_reviewer_approves_selected_comments(client, reviewer, consultation):
    comments = ConsultationCommentFactory.create_batch(2, consultation=consultation)
    client.force_login(reviewer)
    client.post(
        COMMENTS,
        {"action": "approve_selected", "_selected_action": [c.pk for c in comments]},
    )
    assert consultation.comments.public().count() == 2


def test_officer_cannot_approve_comments(client, officer, consultation):
    comment = ConsultationCommentFactory(consultation=consultation)
    client.force_login(officer)
    client.post(COMMENTS, {"action": "approve_selected", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == ConsultationComment.Status.PENDING


def test_group_adoption_asks_for_a_reason_then_records_it(
    client, reviewer, department_head, consultation
):
    comments = ConsultationCommentFactory.create_batch(3, consultation=consultation)
    for comment in comments:
        comment.approve(by=reviewer)
    close_period(consultation)
    client.force_login(department_head)
    selected = {"action": "decide_selected", "_selected_action": [c.pk for c in comments[:2]]}
    page = client.post(COMMENTS, selected)
    assert page.status_code == 200 and "填写采纳情况" in page.content.decode()
    missing = client.post(COMMENTS, {**selected, "apply": "1", "adoption": "partly", "reason": ""})
    assert "必须说明理由" in missing.content.decode()
    client.post(
        COMMENTS, {**selected, "apply": "1", "adoption": "partly", "reason": "合并研究，部分吸收"}
    )
    decided = consultation.comments.filter(adoption=Adoption.PARTLY)
    assert set(decided.values_list("pk", flat=True)) == {comments[0].pk, comments[1].pk}
    assert decided.first().decided_by == department_head


def test_one_comment_decision_through_its_page(client, reviewer, department_head, consultation):
    comment = ConsultationCommentFactory(consultation=consultation)
    comment.approve(by=reviewer)
    close_period(consultation)
    client.force_login(department_head)
    url = reverse("admin:complaints_consultationcomment_workflow", args=[comment.pk, "decide"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"adoption": "not_adopted", "reason": "上位法已有规定"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.adoption, comment.adoption_reason) == (Adoption.NOT_ADOPTED, "上位法已有规定")


def test_export_is_an_xlsx_with_masked_personal_data(client, disclosure_office, consultation):
    third = consultation.articles.get(number=3)
    ConsultationCommentFactory(consultation=consultation, article=third, body="第三条的意见")
    ConsultationCommentFactory(consultation=consultation, body="整体意见")
    client.force_login(disclosure_office)
    response = client.get(reverse("admin:complaints_consultation_export", args=[consultation.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    summary = [tuple(row) for row in workbook["按条文统计"].iter_rows(values_only=True)]
    assert summary == [("条文", "意见数", "待审核"), ("对草案整体的意见", 1, 1), ("第三条", 1, 1)]
    rows = list(workbook["全部意见"].iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "针对条文", "意见内容", "意见人", "联系电话")
    assert [row[1:5] for row in rows[1:]] == [
        ("草案整体", "整体意见", "张**", "138****5678"),
        ("第三条", "第三条的意见", "张**", "138****5678"),
    ]


def test_feedback_is_published_from_the_admin(client, reviewer, department_head, consultation):
    comment = ConsultationCommentFactory(consultation=consultation)
    comment.approve(by=reviewer)
    close_period(consultation)
    comment.record_adoption(by=department_head, adoption=Adoption.ADOPTED)
    client.force_login(department_head)
    url = reverse("admin:complaints_consultation_workflow", args=[consultation.pk, "feedback"])
    page = client.get(url).content.decode()
    assert "共收到意见1条" in page and "采纳1条" in page  # the draft summary
    assert client.post(url, {"summary": ""}).status_code == 200
    consultation.refresh_from_db()
    assert not consultation.has_feedback()
    client.post(url, {"summary": "共收到意见1条，采纳1条。"})
    consultation.refresh_from_db()
    assert consultation.has_feedback()


def test_feedback_button_is_refused_while_open(client, department_head, consultation):
    client.force_login(department_head)
    url = reverse("admin:complaints_consultation_workflow", args=[consultation.pk, "feedback"])
    response = client.post(url, {"summary": "提前发布"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert not consultation.has_feedback()


def test_split_button_builds_articles(client, officer, department):
    consultation = ConsultationFactory(department=department, author=officer)
    client.force_login(officer)
    client.post(reverse("admin:complaints_consultation_workflow", args=[consultation.pk, "split"]))
    assert consultation.articles.count() == 5


def test_results_summary_is_for_leadership_even_while_running(client, officer):
    evaluation = EvaluationRoundFactory()
    EvaluationSubjectFactory(round=evaluation, name="执法监察支队")
    url = reverse("admin:complaints_evaluationround_results", args=[evaluation.pk])
    leader = make_staff(roles.LEADERSHIP, username="juzhang")
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    assert "执法监察支队" in response.content.decode()
    client.force_login(officer)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["change", "export", "feedback", "split"])
def test_another_departments_consultation_is_closed(
    client, department_head, other_department, name
):
    elsewhere = published_consultation(department=other_department, title="乙科内部草案")
    ConsultationCommentFactory(consultation=elsewhere, body="乙科内部意见")
    client.force_login(department_head)
    if name in {"feedback", "split"}:  # workflow moves
        url = reverse("admin:complaints_consultation_workflow", args=[elsewhere.pk, name])
    else:
        url = reverse(f"admin:complaints_consultation_{name}", args=[elsewhere.pk])
    response = client.post(url) if name == "split" else client.get(url)
    assert response.status_code in {302, 403, 404}
    assert "乙科内部" not in response.content.decode()
    assert elsewhere.articles.count() == 5


def consultation_form(department, **overrides):
    today = timezone.localdate()
    data = {
        "title": "江川市闲置土地处置办法（征求意见稿）",
        "department": str(department.pk),
        "draft": "<p>第一条 为处置闲置土地，制定本办法。</p><p>第二条 本办法自发布之日起施行。</p>",
        "explanation": "<p>依据《闲置土地处置办法》起草。</p>",
        "opens_on": f"{today:%Y-%m-%d}",
        "closes_on": f"{today + timedelta(days=29):%Y-%m-%d}",
        "short_period_reason": "",
        "contact_address": "江川市滨江区府前路88号",
        "contact_email": "tdly@jiangchuan.gov.cn",
        "contact_phone": "0571-87061231",
        "final_item": "",
    }
    for prefix in ["articles", "files", "events"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_officer_drafts_a_consultation_with_articles_inline(client, officer, department):
    client.force_login(officer)
    add = reverse("admin:complaints_consultation_add")
    initial = client.get(add).context["adminform"].form.initial
    assert initial["closes_on"] - initial["opens_on"] == timedelta(days=29)
    data = consultation_form(
        department,
        **{
            "articles-TOTAL_FORMS": "1",
            "articles-0-number": "1",
            "articles-0-heading": "第一条",
            "articles-0-text": "为处置闲置土地，制定本办法。",
        },
    )
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    consultation = Consultation.objects.get()
    assert consultation.author == officer and consultation.status == Consultation.Status.DRAFT
    assert list(consultation.articles.values_list("heading", flat=True)) == ["第一条"]
    consultation.submit(by=officer)


def test_short_period_without_reason_is_a_field_error_in_the_admin(client, officer, department):
    client.force_login(officer)
    today = timezone.localdate()
    data = consultation_form(department, closes_on=f"{today + timedelta(days=9):%Y-%m-%d}")
    response = client.post(reverse("admin:complaints_consultation_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert errors["short_period_reason"][0].code == "reason_required"
    assert not Consultation.objects.exists()


def test_office_sets_up_an_evaluation_round_with_subjects(client, disclosure_office, department):
    client.force_login(disclosure_office)
    today = timezone.localdate()
    data = {
        "title": "2027年上半年窗口服务网上评议",
        "description": "请对窗口服务打分。",
        "opens_on": f"{today:%Y-%m-%d}",
        "closes_on": f"{today + timedelta(days=30):%Y-%m-%d}",
        "is_published": "on",
        "subjects-TOTAL_FORMS": "2",
        "subjects-INITIAL_FORMS": "0",
        "subjects-0-order": "1",
        "subjects-0-kind": "window",
        "subjects-0-name": "不动产登记窗口（1—4号）",
        "subjects-0-department": str(department.pk),
        "subjects-1-order": "2",
        "subjects-1-kind": "department",
        "subjects-1-name": "政策法规科",
        "subjects-1-department": str(department.pk),
    }
    response = client.post(reverse("admin:complaints_evaluationround_add"), data)
    assert response.status_code == 302
    evaluation = EvaluationRound.objects.get()
    assert evaluation.is_open()
    assert list(evaluation.subjects.values_list("name", flat=True)) == [
        "不动产登记窗口（1—4号）",
        "政策法规科",
    ]


def test_list_filters_consultations_awaiting_feedback(client, disclosure_office, consultation):
    waiting = published_consultation(title="待发布采纳情况的草案")
    close_period(waiting)
    client.force_login(disclosure_office)
    url = reverse("admin:complaints_consultation_changelist")
    response = client.get(url + "?phase=closed")
    assert [c.pk for c in response.context["cl"].result_list] == [waiting.pk]
    assert client.get(url + "?phase=<bad>").status_code == 200


def test_list_warns_of_closed_consultations_without_feedback_and_pending_comments(
    client,
    disclosure_office,
    officer,
    consultation,
    other_department,
    django_assert_max_num_queries,
):
    waiting = published_consultation(
        title="待发布采纳情况的草案", department=consultation.department
    )
    close_period(waiting)
    ConsultationCommentFactory.create_batch(2, consultation=consultation)
    ConsultationCommentFactory(consultation=waiting, status=ConsultationComment.Status.APPROVED)
    elsewhere = published_consultation(title="其他科室的草案", department=other_department)
    close_period(elsewhere)
    ConsultationCommentFactory(consultation=elsewhere)
    url = reverse("admin:complaints_consultation_changelist")

    client.force_login(disclosure_office)
    client.get(url)  # the first request also creates the site settings row
    # Session, user, roles, the notice (one query), 2 permission, departments, 2 counts, site
    # settings, the page, the date hierarchy and filter options.
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert "有 2 项征求意见已结束，尚未发布意见采纳情况。" in html
    assert "有 3 条公众意见待审核。" in html

    # A department sees its own queue only.
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "有 1 项征求意见已结束" in html and "有 2 条公众意见待审核。" in html

    # Published feedback and reviewed comments end the warnings.
    ConsultationComment.objects.update(status=ConsultationComment.Status.APPROVED)
    Consultation.objects.update(feedback_published_at=timezone.now(), feedback_summary="已反馈")
    html = client.get(url).content.decode()
    assert "尚未发布意见采纳情况" not in html and "待审核。" not in html
