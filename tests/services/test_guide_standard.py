"""The elements of the 基层政务公开标准目录 in the completeness gate, and the consistency checks
that stop a guide contradicting itself before publication."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from services.models import GuideStep, MaterialForm, ServiceGuide, SpecialProcedure
from services.models.guides import working_days_label
from tests.portal.factories import UserFactory
from tests.services.factories import CHECKLIST, ServiceGuideFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("decision_body", "决定机构"),
        ("approval_quantity", "审批数量"),
        ("intake_channels", "申请接收方式"),
        ("result_name", "审批结果"),
        ("result_delivery", "结果送达"),
        ("rights_obligations", "申请人权利和义务"),
        ("summary", "简版指南"),
    ],
)
def test_each_standard_text_element_is_in_the_gate(field, label):
    guide = ServiceGuideFactory(**{field: ""})
    assert guide.missing_elements() == [label]
    with pytest.raises(ValidationError) as error:
        guide.submit(by=guide.author)
    assert error.value.code == "incomplete" and label in error.value.messages[0]


def test_handling_mode_visits_sample_and_special_procedures_are_in_the_gate():
    guide = ServiceGuideFactory(
        handles_online=False, handles_window=False, visits=None, no_special_procedures=False
    )
    guide.result_samples.all().delete()
    assert guide.missing_elements() == [
        "办理方式",
        "审批结果样本",
        "特殊环节（或勾选无特殊环节）",
        "到现场次数",
    ]
    SpecialProcedure.objects.create(guide=guide, kind="hearing", name="听证", working_days=10)
    assert "特殊环节（或勾选无特殊环节）" not in guide.missing_elements()


def test_admin_list_flags_read_the_same_gate():
    guide = ServiceGuideFactory(no_special_procedures=False)
    guide.result_samples.all().delete()
    annotated = ServiceGuide.objects.with_element_flags().get(pk=guide.pk)
    assert annotated.missing_elements() == guide.missing_elements()
    assert "审批结果样本" in annotated.missing_elements()


# Consistency ----------------------------------------------------------------------------------
def test_steps_longer_than_the_promise_block_submission():
    guide = ServiceGuideFactory(promised_time_limit=3)  # five steps of one working day
    assert guide.missing_elements() == []
    assert guide.inconsistencies() == [
        "办理流程：各环节时限合计5个工作日，超过承诺时限3个工作日（特殊环节不计入）"
    ]
    with pytest.raises(ValidationError) as error:
        guide.submit(by=guide.author)
    assert error.value.code == "inconsistent"
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.DRAFT


def test_special_procedures_do_not_count_in_the_promise(reviewer):
    guide = ServiceGuideFactory(promised_time_limit=5, no_special_procedures=False)
    SpecialProcedure.objects.create(
        guide=guide, kind="expert_review", name="专家评审", working_days=15
    )
    assert guide.inconsistencies() == []
    guide.submit(by=guide.author)
    guide.approve(by=reviewer, checklist=CHECKLIST)
    assert guide.is_published()


def test_untimed_steps_count_as_nothing():
    guide = ServiceGuideFactory(promised_time_limit=4)
    GuideStep.objects.filter(guide=guide, name="申请").update(working_days=None)
    assert guide.inconsistencies() == []


def test_a_material_form_needs_its_sample_and_the_other_way_round():
    guide = ServiceGuideFactory()
    material = guide.materials.first()
    material.forms.filter(kind=MaterialForm.Kind.SAMPLE).delete()
    assert guide.inconsistencies() == [f"办理材料“{material.name}”：有空白表格但缺少示例样表"]
    material.forms.update(kind=MaterialForm.Kind.SAMPLE)
    assert guide.inconsistencies() == [f"办理材料“{material.name}”：有示例样表但缺少空白表格"]


def test_online_link_is_checked_against_the_service_hosts(settings):
    guide = ServiceGuideFactory(online_url="http://zwfw.jiangchuan.example.gov.cn/bs/1")
    assert guide.inconsistencies() == ["网上办理地址：必须是 https 开头的政务服务网地址"]
    settings.SERVICE_ONLINE_HOSTS = ["zwfw.jiangchuan.example.gov.cn"]
    guide.online_url = "https://www.example.com/bs/1"
    assert guide.inconsistencies() == [
        "网上办理地址：“www.example.com”不是本地政务服务网（zwfw.jiangchuan.example.gov.cn）的地址"
    ]
    guide.online_url = "https://zwfw.jiangchuan.example.gov.cn/bs/330217001003"
    assert guide.inconsistencies() == []


def test_online_handling_needs_a_link_and_zero_visits_needs_online():
    guide = ServiceGuideFactory(online_url="", handles_online=True)
    assert "网上办理地址：已选网上办理，请填写办理页面地址" in guide.inconsistencies()
    guide = ServiceGuideFactory(handles_online=False, visits=0)
    assert guide.inconsistencies() == ["到现场次数：0次即全程网办，请勾选网上办理或改为实际次数"]


def test_zero_time_limit_reads_immediate():
    assert working_days_label(0) == "即办件"
    assert working_days_label(3) == "3个工作日"
    assert working_days_label(None) == "—"
    step = GuideStep(working_days=0)
    assert step.time_limit == "即时办结"


def test_same_day_guide_page_says_immediate(client):
    guide = ServiceGuideFactory(promised_time_limit=0, published=False)
    GuideStep.objects.filter(guide=guide).update(working_days=0)
    guide.submit(by=guide.author)
    guide.approve(by=UserFactory(), checklist=CHECKLIST)
    html = client.get(reverse("services:guide-detail", args=[guide.pk])).content.decode()
    assert "即办件" in html
    assert not re.search(r"(?<!\d)0\s*个工作日", html)


def test_special_procedures_are_shown_as_outside_the_promise(client, reviewer):
    guide = ServiceGuideFactory(no_special_procedures=False)
    SpecialProcedure.objects.create(
        guide=guide, kind="notice", name="批前公示", working_days=7, description="网站公示"
    )
    guide.submit(by=guide.author)
    guide.approve(by=reviewer, checklist=CHECKLIST)
    for name in ["services:guide-detail", "services:kiosk-guide"]:
        html = client.get(reverse(name, args=[guide.pk])).content.decode()
        assert "批前公示" in html and "7个工作日（不计入承诺时限）" in html, name
    sample = guide.result_samples.get()
    response = client.get(reverse("services:result-sample-download", args=[sample.pk]))
    assert response.status_code == 200


def test_search_document_carries_the_new_elements():
    guide = ServiceGuideFactory(result_name="采矿许可证", summary="全程网办")
    text = guide.search_document()["text"]
    assert "采矿许可证" in text and "全程网办" in text and "最多跑一次" in text


def test_draft_result_sample_is_not_downloadable(client):
    guide = ServiceGuideFactory()
    sample = guide.result_samples.get()
    response = client.get(reverse("services:result-sample-download", args=[sample.pk]))
    assert response.status_code == 404
