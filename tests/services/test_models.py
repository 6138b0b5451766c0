from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal import workdays
from portal.exceptions import InvalidTransition
from services.models import ApprovalResult, ServiceGuide, ServiceGuideEvent, ServiceWindow
from tests.services.factories import (
    CHECKLIST,
    ApprovalResultFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
)

pytestmark = pytest.mark.django_db


# Completeness --------------------------------------------------------------------------------
def test_complete_guide_misses_nothing():
    assert ServiceGuideFactory().missing_elements() == []


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("conditions", "申请条件"),
        ("implementing_body", "实施主体"),
        ("location", "办理地点"),
        ("window", "窗口号"),
        ("office_hours", "办理时间"),
        ("inquiry_phone", "咨询电话"),
        ("complaint_phone", "监督投诉电话"),
        ("online_url", "网上办理地址"),
        ("code", "事项编码"),
    ],
)
def test_each_missing_text_element_is_named(field, label):
    guide = ServiceGuideFactory(**{field: ""})
    assert label in guide.missing_elements()


@pytest.mark.parametrize("field", ["legal_time_limit", "promised_time_limit"])
def test_missing_time_limits_are_named(field):
    guide = ServiceGuideFactory(**{field: None})
    assert {"legal_time_limit": "法定时限", "promised_time_limit": "承诺时限"}[field] in (
        guide.missing_elements()
    )


def test_missing_related_elements_are_named():
    guide = ServiceGuideFactory(complete=False)
    assert {"设定依据", "办理材料", "办理流程"} <= set(guide.missing_elements())


def test_fee_is_required_unless_free():
    guide = ServiceGuideFactory(fee_standard="", fee_basis="")
    assert "收费标准（或勾选不收费）" in guide.missing_elements()
    assert "收费依据" in guide.missing_elements()
    free = ServiceGuideFactory(fee_standard="", fee_basis="", is_free=True)
    assert free.missing_elements() == []


def test_free_guide_cannot_also_state_a_fee():
    guide = ServiceGuideFactory.build(is_free=True)
    with pytest.raises(ValidationError) as error:
        guide.clean()
    assert error.value.error_dict["is_free"][0].code == "free"


def test_officer_cannot_submit_a_guide_without_fee_standard(officer):
    guide = ServiceGuideFactory(fee_standard="", author=officer, department=officer.department)
    with pytest.raises(ValidationError) as error:
        guide.submit(by=officer)
    assert error.value.code == "incomplete"
    assert "收费标准" in error.value.messages[0]
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.DRAFT


def test_guide_emptied_during_review_cannot_be_approved(reviewer):
    guide = ServiceGuideFactory()
    guide.submit(by=guide.author)
    guide.steps.all().delete()
    with pytest.raises(ValidationError, match="办理流程"):
        guide.approve(by=reviewer, checklist=CHECKLIST)


def test_promise_may_not_exceed_legal_limit():
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceGuideFactory(legal_time_limit=5, promised_time_limit=10, complete=False)


# Workflow through the shared transitions -------------------------------------------------------
def test_submit_approve_withdraw_revise_record_events(reviewer, django_capture_on_commit_callbacks):
    guide = ServiceGuideFactory()
    guide.submit(by=guide.author)
    assert guide.status == ServiceGuide.Status.PENDING and guide.submitted_at
    with django_capture_on_commit_callbacks() as callbacks:
        guide.approve(by=reviewer, checklist=CHECKLIST)
    rebuilds = [c for c in callbacks if "schedule_booklet_rebuild" in c.__qualname__]
    assert len(rebuilds) == 1  # the booklet rebuild waits for the commit
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.PUBLISHED and guide.published_at
    assert guide.reviewer == reviewer
    with django_capture_on_commit_callbacks() as callbacks:
        guide.withdraw(by=reviewer, reason="事项已调整")
    assert len([c for c in callbacks if "schedule_booklet_rebuild" in c.__qualname__]) == 1
    guide.revise(by=guide.author)
    kinds = list(ServiceGuideEvent.objects.filter(guide=guide).values_list("kind", flat=True))
    assert kinds == ["submitted", "approved", "withdrawn", "revised"]


def test_author_cannot_approve_own_guide():
    guide = ServiceGuideFactory()
    guide.submit(by=guide.author)
    with pytest.raises(InvalidTransition):
        guide.approve(by=guide.author, checklist=CHECKLIST)


def test_approve_needs_the_whole_checklist(reviewer):
    guide = ServiceGuideFactory()
    guide.submit(by=guide.author)
    with pytest.raises(ValidationError) as error:
        guide.approve(by=reviewer, checklist={**CHECKLIST, "no_state_secret": False})
    assert error.value.code == "checklist_incomplete"


@pytest.mark.parametrize("move", ["approve", "return_to_author", "withdraw", "revise"])
def test_forbidden_moves_from_draft(move, reviewer):
    guide = ServiceGuideFactory()
    kwargs = {"approve": {"checklist": CHECKLIST}, "return_to_author": {"reason": "x"}}
    kwargs["withdraw"] = {"reason": "x"}
    with pytest.raises(InvalidTransition):
        getattr(guide, move)(by=reviewer, **kwargs.get(move, {}))


def test_guide_history_is_kept():
    guide = ServiceGuideFactory()
    guide.fee_standard = "住宅类 80 元/件"
    guide.save()
    assert guide.history.count() == 2


def test_published_queryset_and_popularity():
    hot = ServiceGuideFactory(published=True, name="不动产抵押权登记")
    cold = ServiceGuideFactory(published=True, name="采矿权延续登记", initial="C")
    ServiceGuideFactory(name="草稿事项")
    ApprovalResultFactory.create_batch(3, guide=hot)
    assert list(ServiceGuide.objects.published().popular()) == [hot, cold]


# Approval results ------------------------------------------------------------------------------
def test_promised_date_is_stored_in_working_days_when_accepted():
    guide = ServiceGuideFactory(published=True, promised_time_limit=5)
    result = ApprovalResultFactory(guide=guide, accepted_on=date(2026, 11, 20))  # a Friday
    assert result.promised_on == workdays.add_working_days(date(2026, 11, 20), 5).value
    assert result.promised_on == date(2026, 11, 27)
    guide.promised_time_limit = 1
    guide.save()
    result.save()
    assert result.promised_on == date(2026, 11, 27)  # never recomputed


def test_person_applicant_is_masked_organisation_is_not():
    person = ApprovalResultFactory(applicant_name="张建国")
    company = ApprovalResultFactory(
        guide=person.guide, applicant_name="江川市滨江置业有限公司", applicant_kind="organisation"
    )
    assert person.public_applicant == "张**"
    assert company.public_applicant == "江川市滨江置业有限公司"


def test_finished_result_needs_completion_date():
    result = ApprovalResultFactory.build(
        guide=ServiceGuideFactory(published=True), status="completed"
    )
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.error_dict["completed_on"][0].code == "completed_on_required"


def test_finished_result_does_not_reopen():
    result = ApprovalResultFactory(status="completed", completed_on=date.today())
    result = ApprovalResult.objects.get(pk=result.pk)
    result.status, result.completed_on = "processing", None
    with pytest.raises(ValidationError) as error:
        result.full_clean()
    assert error.value.error_dict["status"][0].code == "invalid_status_change"


def test_completion_before_acceptance_is_refused_by_the_database():
    result = ApprovalResultFactory(accepted_on=date(2026, 11, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalResult.objects.filter(pk=result.pk).update(
            status="completed", completed_on=date(2026, 11, 1)
        )


def test_result_changes_are_kept_in_history():
    result = ApprovalResultFactory()
    result.status = "processing"
    result.save()
    assert [h.status for h in result.history.order_by("history_id")] == ["accepted", "processing"]


def test_results_of_the_day():
    today = date(2026, 11, 25)
    guide = ServiceGuideFactory(published=True)
    accepted_today = ApprovalResultFactory(guide=guide, accepted_on=today)
    old = ApprovalResultFactory(guide=guide, accepted_on=date(2026, 10, 8))
    ApprovalResult.objects.filter(pk=old.pk).update(updated_at="2026-10-09T10:00:00+08:00")
    assert list(ApprovalResult.objects.of_day(today=today)) == [accepted_today]


# Hall plan -------------------------------------------------------------------------------------
def test_window_must_stay_inside_the_plan():
    window = ServiceWindowFactory.build(number=99, column=6, width=2)
    with pytest.raises(ValidationError):
        window.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceWindow.objects.create(number=98, name="x", handles="x", column=6, width=2)


def test_window_grid_style():
    window = ServiceWindowFactory.build(row=2, column=3, width=2)
    assert window.grid_style() == "grid-row: 2; grid-column: 3 / span 2;"
