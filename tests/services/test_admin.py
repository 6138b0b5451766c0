import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from services.models import ApprovalResult, ServiceGuide
from tests.services.factories import CHECKLIST, ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

HEADER = "受理编号,事项编码,申请人,申请人类型,受理日期,状态,办结日期,办理结果\n"


def csv_file(text, name="results.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode("utf-8"), content_type="text/csv")


# Guides --------------------------------------------------------------------------------------
def test_officer_sees_missing_elements_and_cannot_submit(client, officer):
    guide = ServiceGuideFactory(
        fee_standard="", fee_basis="", author=officer, department=officer.department
    )
    client.force_login(officer)
    html = client.get(reverse("admin:services_serviceguide_change", args=[guide.pk])).content
    html = html.decode()
    assert "以下要素尚未填写" in html and "收费标准（或勾选不收费）" in html
    assert "审核发布" not in html
    response = client.post(
        reverse("admin:services_serviceguide_workflow", args=[guide.pk, "submit"]), follow=True
    )
    assert "收费标准" in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.DRAFT


def test_officer_submits_reviewer_publishes(client, officer, reviewer):
    guide = ServiceGuideFactory(author=officer, department=officer.department)
    client.force_login(officer)
    client.post(reverse("admin:services_serviceguide_workflow", args=[guide.pk, "submit"]))
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.PENDING
    # The officer has no review permission.
    assert (
        client.get(
            reverse("admin:services_serviceguide_workflow", args=[guide.pk, "approve"])
        ).status_code
        == 403
    )
    client.force_login(reviewer)
    url = reverse("admin:services_serviceguide_workflow", args=[guide.pk, "approve"])
    response = client.post(url, {**dict.fromkeys(CHECKLIST, "on")}, follow=True)
    assert "已发布" in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == ServiceGuide.Status.PUBLISHED


def test_officer_sees_only_own_department_guides(client, officer, other_department):
    own = ServiceGuideFactory(department=officer.department)
    other = ServiceGuideFactory(department=other_department)
    client.force_login(officer)
    html = client.get(reverse("admin:services_serviceguide_changelist")).content.decode()
    assert own.name in html and other.name not in html
    assert client.get(
        reverse("admin:services_serviceguide_change", args=[other.pk])
    ).status_code in {302, 404}


def test_officer_creates_a_guide_in_admin(client, officer):
    client.force_login(officer)
    data = {
        "name": "临时用地审批",
        "code": "330217002002",
        "kind": "licence",
        "theme": ServiceGuide._meta.get_field("theme").related_model.objects.get(slug="jsyd").pk,
        "initial": "L",
        "implementing_body": "江川市国土资源局",
        "department": officer.department_id,
        "conditions": "建设项目施工需要临时使用土地",
        "location": "江川市行政服务中心",
        "window": "8号窗口",
        "office_hours": "工作日",
        "legal_time_limit": "20",
        "promised_time_limit": "10",
        "is_free": "on",
        "inquiry_phone": "0571-87061251",
        "complaint_phone": "0571-87061299",
        "online_url": "https://zwfw.jiangchuan.example.gov.cn/bs/330217002002",
        "decision_body": "江川市国土资源局",
        "approval_quantity": "无数量限制",
        "intake_channels": "窗口接收纸质材料",
        "handles_window": "on",
        "result_name": "临时用地批准文件",
        "result_delivery": "窗口领取",
        "rights_obligations": "义务：如实提交材料",
        "visits": "1",
        "summary": "到8号窗口办理临时用地审批。",
        "no_special_procedures": "on",
    }
    prefixes = ["legal_bases", "materials", "steps", "special_procedures", "result_samples"]
    for prefix in [*prefixes, "questions", "events"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "legal_bases-TOTAL_FORMS": "1",
            "legal_bases-0-law": "《中华人民共和国土地管理法》",
            "legal_bases-0-article": "第五十七条",
            "legal_bases-0-text": "临时使用土地期限一般不超过二年。",
            "legal_bases-0-order": "1",
        }
    )
    response = client.post(reverse("admin:services_serviceguide_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    guide = ServiceGuide.objects.get(code="330217002002")
    assert guide.author == officer and guide.status == ServiceGuide.Status.DRAFT
    assert guide.missing_elements() == ["办理材料", "办理流程", "审批结果样本"]


# Results import ------------------------------------------------------------------------------
@pytest.fixture
def guide(officer):
    return ServiceGuideFactory(
        published=True, code="330217001003", department=officer.department, author=officer
    )


def test_import_preview_then_confirm(client, officer, guide):
    client.force_login(officer)
    url = reverse("admin:services_approvalresult_import")
    upload = csv_file(
        "BDC20261120-0001,330217001003,张建国,个人,2026-11-20,受理,,\n"
        "BDC20261118-0002,330217001003,江川市滨江置业有限公司,单位,2026/11/18,办结,2026-11-20,准予登记\n"
    )
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert "预览：共 2 行" in html and "确认导入" in html
    assert ApprovalResult.objects.count() == 0  # nothing saved before confirmation
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "新增 2 条" in response.content.decode()
    done = ApprovalResult.objects.get(tracking_number="BDC20261118-0002")
    assert done.status == "completed" and done.applicant_kind == "organisation"


def test_import_reports_row_errors_in_chinese_and_saves_nothing(client, officer, guide):
    client.force_login(officer)
    upload = csv_file(
        "BDC20261120-0001,330217001003,张建国,个人,2026-11-20,受理,,\n"
        "BDC20261120-0002,999999999999,李秀英,个人,2026-11-20,受理,,\n"
        "BDC20261120-0003,330217001003,王伟,市民,2026-11-31,已办,,\n"
        "BDC20261120-0001,330217001003,赵敏,个人,2026-11-20,办结,,\n"
    )
    html = client.post(
        reverse("admin:services_approvalresult_import"), {"file": upload}
    ).content.decode()
    assert "未导入任何数据" in html
    assert "第3行：事项编码“999999999999”不存在或不属于您的科室" in html
    assert "第4行：日期“2026-11-31”无效" in html
    assert "第4行：申请人类型“市民”无效" in html
    assert "第4行：状态“已办”无效" in html
    assert "第5行：受理编号“BDC20261120-0001”与第2行重复" in html
    assert "确认导入" not in html
    assert ApprovalResult.objects.count() == 0


def test_import_is_all_or_nothing_when_data_changes_after_preview(client, officer, guide):
    client.force_login(officer)
    url = reverse("admin:services_approvalresult_import")
    client.post(
        url,
        {
            "file": csv_file(
                "BDC20261120-0001,330217001003,张建国,个人,2026-11-20,受理,,\n"
                "BDC20261120-0002,330217001003,李秀英,个人,2026-11-20,受理,,\n"
            )
        },
    )
    # Meanwhile somebody finishes the second application in the admin.
    ApprovalResultFactory(
        tracking_number="BDC20261120-0002",
        guide=guide,
        status="completed",
        completed_on=date(2026, 11, 21),
        accepted_on=date(2026, 11, 20),
    )
    html = client.post(url, {"confirm": "1"}).content.decode()
    assert "第3行" in html and "不能改为" in html
    assert not ApprovalResult.objects.filter(tracking_number="BDC20261120-0001").exists()


def test_import_updates_status_of_existing_rows_from_xlsx(client, officer, guide):
    ApprovalResultFactory(
        tracking_number="BDC20261120-0009", guide=guide, accepted_on=date(2026, 11, 20)
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["BDC20261120-0009", "330217001003", "张建国", "个人", "2026-11-20", "办理中", None, None]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("results.xlsx", buffer.getvalue())
    client.force_login(officer)
    url = reverse("admin:services_approvalresult_import")
    assert "更新" in client.post(url, {"file": upload}).content.decode()
    client.post(url, {"confirm": "1"})
    assert ApprovalResult.objects.get(tracking_number="BDC20261120-0009").status == "processing"


def test_import_refuses_other_files(client, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile("results.txt", b"hello")
    html = client.post(
        reverse("admin:services_approvalresult_import"), {"file": upload}
    ).content.decode()
    assert "只支持 CSV 或 XLSX 文件" in html


def test_import_missing_columns(client, officer, guide):
    client.force_login(officer)
    upload = SimpleUploadedFile("r.csv", "受理编号,申请人\nA1,张三\n".encode())
    html = client.post(
        reverse("admin:services_approvalresult_import"), {"file": upload}
    ).content.decode()
    assert "缺少列：事项编码、申请人类型、受理日期、状态" in html


def test_leadership_cannot_import(client, leadership):
    client.force_login(leadership)
    assert client.get(reverse("admin:services_approvalresult_import")).status_code == 403


def test_result_entered_in_admin_gets_promised_date(client, officer, guide):
    client.force_login(officer)
    response = client.post(
        reverse("admin:services_approvalresult_add"),
        {
            "tracking_number": "BDC20261125-0100",
            "guide": guide.pk,
            "applicant_kind": "person",
            "applicant_name": "陈丽华",
            "accepted_on": "2026-11-20",
            "status": "accepted",
            "completed_on": "",
            "result": "",
        },
    )
    assert response.status_code == 302
    result = ApprovalResult.objects.get(tracking_number="BDC20261125-0100")
    assert result.promised_on is not None
    assert result.history.first().history_user == officer


def test_window_plan_is_shown_in_admin(client, disclosure_office):
    from tests.services.factories import ServiceWindowFactory

    ServiceWindowFactory(number=7, name="规划许可")
    client.force_login(disclosure_office)
    html = client.get(reverse("admin:services_servicewindow_changelist")).content.decode()
    assert "大厅平面图预览" in html and "规划许可" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_guide_changelist_queries(client, disclosure_office, django_assert_max_num_queries, rows):
    """Guide list: session, user, groups/permissions, count, page with element flags, filters."""
    ServiceGuideFactory.create_batch(rows, complete=False)
    client.force_login(disclosure_office)
    url = reverse("admin:services_serviceguide_changelist")
    client.get(url)
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert html.count("设定依据、办理材料、办理流程") == rows
