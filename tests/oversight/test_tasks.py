"""任务分解表: overdue rule on fixed dates, department scoping, exports and the print page."""

import csv
import io
from datetime import date

import pytest
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import load_workbook

from oversight.models import Task
from tests.oversight.factories import TaskFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_overdue_is_unfinished_past_due():
    late = TaskFactory(due_on=date(2026, 6, 29), status=Task.Status.IN_PROGRESS)
    due_today = TaskFactory(due_on=TODAY)
    TaskFactory(due_on=date(2026, 1, 1), status=Task.Status.DONE, completed_on=date(2026, 1, 2))
    assert list(Task.objects.overdue(today=TODAY)) == [late]
    assert late.is_overdue(today=TODAY) and not due_today.is_overdue(today=TODAY)
    assert late.status_label(today=TODAY) == "逾期"
    assert due_today.status_label(today=TODAY) == "未开始"
    assert Task.objects.overdue(today=date(2026, 7, 1)).count() == 2


def test_done_task_needs_completion_date():
    task = TaskFactory.build(status=Task.Status.DONE, completed_on=None)
    with pytest.raises(Exception) as excinfo:
        task.full_clean()
    assert "完成日期" in str(excinfo.value)
    with pytest.raises(IntegrityError):
        TaskFactory(status=Task.Status.DONE, completed_on=None)


def test_department_user_updates_own_task_only(client, officer, other_department):
    own = TaskFactory(lead_department=officer.department, title="加强政策解读")
    other = TaskFactory(lead_department=other_department, title="推进征地信息公开")
    client.force_login(officer)
    listing = client.get(reverse("admin:oversight_task_changelist")).content.decode()
    assert "加强政策解读" in listing and "推进征地信息公开" not in listing
    assert client.get(reverse("admin:oversight_task_change", args=[other.pk])).status_code == 302
    url = reverse("admin:oversight_task_change", args=[own.pk])
    response = client.post(
        url,
        {
            "co_departments": [],
            "status": "in_progress",
            "completed_on": "",
            "progress": "已完成3篇政策解读",
            "evidence_items": [],
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    own.refresh_from_db()
    assert (own.status, own.progress) == ("in_progress", "已完成3篇政策解读")
    assert own.title == "加强政策解读"  # what the task is stays the office's call


def test_department_user_cannot_add_tasks(client, officer):
    client.force_login(officer)
    assert client.get(reverse("admin:oversight_task_add")).status_code == 403


def test_overdue_filter_for_leadership(client, leadership):
    TaskFactory(title="做好年报编制", due_on=date(2020, 3, 31))
    TaskFactory(title="规范依申请公开办理")
    client.force_login(leadership)
    html = client.get(reverse("admin:oversight_task_changelist") + "?overdue=yes").content.decode()
    assert "做好年报编制" in html and "规范依申请公开办理" not in html
    assert "逾期" in html


@pytest.fixture
def table(department, other_department):
    first = TaskFactory(
        year=2026,
        order=1,
        title="加强政策解读",
        lead_department=department,
        due_on=date(2026, 3, 31),
        status=Task.Status.DONE,
        completed_on=date(2026, 3, 30),
    )
    first.co_departments.add(other_department)
    TaskFactory(year=2026, order=2, title="推进征地信息公开", lead_department=other_department)
    TaskFactory(year=2025, title="去年的任务", lead_department=department)


def test_export_xlsx(client, disclosure_office, table):
    client.force_login(disclosure_office)
    response = client.get(reverse("admin:oversight_task_xlsx") + "?year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2026年政务公开工作任务分解表"
    assert [c.value for c in sheet[2]][:4] == ["序号", "工作任务", "依据", "牵头科室"]
    assert [c.value for c in sheet[3]][1:8] == [
        "加强政策解读",
        "《2026年政务公开工作要点》",
        "政策法规科",
        "规划科",
        None,
        "2026-03-31",
        "已完成",
    ]
    assert sheet.max_row == 4
    assert sheet.page_setup.orientation == "landscape"


def test_export_csv(client, disclosure_office, table):
    client.force_login(disclosure_office)
    response = client.get(reverse("admin:oversight_task_csv") + "?year=2026")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "工作任务"
    assert [row[1] for row in rows[1:]] == ["加强政策解读", "推进征地信息公开"]


def test_exports_are_scoped_to_the_department(client, officer, table):
    client.force_login(officer)
    response = client.get(reverse("admin:oversight_task_csv") + "?year=2026")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["加强政策解读"]


@pytest.mark.parametrize("rows", [1, 30])
def test_print_page(client, disclosure_office, department, rows, django_assert_max_num_queries):
    """Print: session, user, 2 permission lookups, roles, tasks with departments and responsible,
    co-departments, site settings (+ created once: savepoint, insert, release)."""
    for n in range(rows):
        TaskFactory(year=2026, order=n, lead_department=department)
    client.force_login(disclosure_office)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("admin:oversight_task_print") + "?year=2026")
    html = response.content.decode()
    assert "size: A4 landscape" in html
    assert html.count("<tr>") == rows + 1


def test_publish_task_table_submits_a_catalog_item(client, disclosure_office, table):
    from disclosure.models import Item

    client.force_login(disclosure_office)
    response = client.post(reverse("admin:oversight_task_publish"), {"year": "2026"})
    assert response.status_code == 302
    item = Item.objects.get(title__endswith="2026年政务公开工作任务分解表")
    assert item.status == Item.Status.PENDING and item.author == disclosure_office
    assert item.category.slug == "tzgg"
    assert "<td>加强政策解读</td>" in item.body and "推进征地信息公开" in item.body
    assert "去年的任务" not in item.body


def test_publish_task_table_refused_for_departments_and_empty_years(
    client, officer, disclosure_office, table
):
    from disclosure.models import Item

    client.force_login(officer)
    assert client.post(reverse("admin:oversight_task_publish"), {"year": "2026"}).status_code == 403
    client.force_login(disclosure_office)
    client.post(reverse("admin:oversight_task_publish"), {"year": "2030"})
    assert not Item.objects.filter(title__contains="任务分解表").exists()


def test_officer_attaches_evidence(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.oversight.factories import publish_item

    task = TaskFactory(lead_department=officer.department, title="加强政策解读")
    evidence = publish_item(at=task.updated_at, category="zcjd", author=officer)
    client.force_login(officer)
    pdf = SimpleUploadedFile("解读材料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    fake = SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00 not a pdf")
    url = reverse("admin:oversight_task_change", args=[task.pk])
    form = {
        "co_departments": [],
        "status": "done",
        "completed_on": "2026-03-30",
        "progress": "已发布政策解读",
        "evidence_items": [evidence.pk],
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-original_name": "",
        "attachments-0-order": "0",
    }
    response = client.post(url, {**form, "attachments-0-file": fake})
    assert response.status_code == 200
    assert "文件内容与扩展名" in response.content.decode()
    response = client.post(url, {**form, "attachments-0-file": pdf})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.attachments.get().original_name == "解读材料.pdf"
    assert list(task.evidence_items.all()) == [evidence]
    assert task.status_label() == "已完成"
