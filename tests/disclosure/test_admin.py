import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import Category, Item
from tests.disclosure.factories import CHECKLIST, ItemFactory

pytestmark = pytest.mark.django_db


def item_form(department, **overrides):
    data = {
        "title": "关于开展2026年度土地变更调查工作的通知",
        "category": Category.objects.get(slug="tzgg").pk,
        "department": department.pk,
        "written_on": "2026-11-20",
        "document_number": "江国土资发〔2026〕15号",
        "keywords": "土地 调查",
        "summary": "部署2026年度土地变更调查工作。",
        "source": "办公室",
        "disclosure_type": "proactive",
        "non_disclosure_reason": "",
        "disclosure_method": "政府网站",
        "validity": "valid",
        "body": "<p>各有关单位：现将有关事项通知如下。</p>",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-original_name": "",
        "attachments-0-order": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_officer_drafts_with_attachment_and_submits(client, officer):
    client.force_login(officer)
    data = item_form(officer.department)
    data["attachments-0-file"] = SimpleUploadedFile("调查方案.pdf", b"%PDF-1.4 content")
    response = client.post(reverse("admin:disclosure_item_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get()
    assert item.author == officer
    assert item.status == Item.Status.DRAFT
    assert item.attachments.get().original_name == "调查方案.pdf"
    change = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert "提交审核" in change and "审核发布" not in change
    client.post(reverse("admin:disclosure_item_workflow", args=[item.pk, "submit"]))
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING


def test_renamed_html_attachment_is_refused_in_admin(client, officer):
    client.force_login(officer)
    data = item_form(officer.department)
    data["attachments-0-file"] = SimpleUploadedFile("通知.pdf", b"<html><body>x</body></html>")
    response = client.post(reverse("admin:disclosure_item_add"), data)
    assert response.status_code == 200
    assert "文件内容与扩展名“.pdf”不符" in response.content.decode()
    assert not Item.objects.exists()


def test_bad_document_number_is_reported_on_the_field(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("admin:disclosure_item_add"),
        item_form(officer.department, document_number="江国土资发[2026]15号"),
    )
    assert response.status_code == 200
    assert "文号格式应为" in response.content.decode()


def test_officer_cannot_publish(client, officer):
    item = ItemFactory(author=officer, department=officer.department)
    item.submit(by=officer)
    client.force_login(officer)
    assert (
        client.get(reverse("admin:disclosure_item_workflow", args=[item.pk, "approve"])).status_code
        == 403
    )
    response = client.post(
        reverse("admin:disclosure_item_workflow", args=[item.pk, "approve"]), CHECKLIST
    )
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).status == Item.Status.PENDING


def test_reviewer_approves_with_checklist(client, officer, reviewer):
    item = ItemFactory(author=officer, department=officer.department)
    item.submit(by=officer)
    client.force_login(reviewer)
    change = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).content.decode()
    assert "审核发布" in change and "退回修改" in change
    url = reverse("admin:disclosure_item_workflow", args=[item.pk, "approve"])
    page = client.get(url).content.decode()
    assert "不涉及国家秘密" in page
    client.post(url, {"no_state_secret": "on"})  # incomplete checklist
    assert Item.objects.get(pk=item.pk).status == Item.Status.PENDING
    client.post(url, dict.fromkeys(CHECKLIST, "on"))
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert item.reviewer == reviewer
    assert item.index_number


def test_reviewer_returns_and_withdraws_with_reason(client, officer, reviewer):
    item = ItemFactory(author=officer, department=officer.department)
    item.submit(by=officer)
    client.force_login(reviewer)
    client.post(
        reverse("admin:disclosure_item_workflow", args=[item.pk, "return"]), {"reason": "缺少附件"}
    )
    item.refresh_from_db()
    assert (item.status, item.status_reason) == (Item.Status.RETURNED, "缺少附件")
    item.submit(by=officer)
    item.approve(by=reviewer, checklist=CHECKLIST)
    client.post(
        reverse("admin:disclosure_item_workflow", args=[item.pk, "withdraw"]),
        {"reason": "内容过时"},
    )
    item.refresh_from_db()
    assert item.status == Item.Status.WITHDRAWN


def test_officer_sees_only_own_department(client, officer, other_department):
    own = ItemFactory(author=officer, department=officer.department, title="本科室草稿")
    foreign = ItemFactory(department=other_department, title="其他科室草稿")
    client.force_login(officer)
    changelist = client.get(reverse("admin:disclosure_item_changelist")).content.decode()
    assert own.title in changelist and foreign.title not in changelist
    assert client.get(reverse("admin:disclosure_item_change", args=[foreign.pk])).status_code == 302
    assert (
        client.post(
            reverse("admin:disclosure_item_workflow", args=[foreign.pk, "submit"])
        ).status_code
        == 404
    )
    # The department choice offers only the officer's own department.
    add = client.get(reverse("admin:disclosure_item_add")).content.decode()
    assert other_department.name not in add


def test_officer_cannot_edit_or_delete_published_item(client, officer, reviewer):
    item = ItemFactory(author=officer, department=officer.department, published=True)
    client.force_login(officer)
    response = client.post(
        reverse("admin:disclosure_item_change", args=[item.pk]),
        item_form(officer.department, title="擅自修改"),
    )
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).title != "擅自修改"
    assert (
        client.post(
            reverse("admin:disclosure_item_delete", args=[item.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("rows", [1, 30])
def test_item_changelist_query_count(client, reviewer, django_assert_max_num_queries, rows):
    """Changelist: session, user, permissions (2), roles, column and department filter choices,
    two counts, settings check, the page with column/department, date hierarchy (2)."""
    for _ in range(rows):
        ItemFactory()
    client.force_login(reviewer)
    client.get(reverse("admin:disclosure_item_changelist"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("admin:disclosure_item_changelist")).status_code == 200


def test_late_filter_lists_items_unpublished_after_20_working_days(client, reviewer):
    from datetime import timedelta

    from django.utils import timezone

    late = ItemFactory(
        title="成文两个月仍未发布", written_on=timezone.localdate() - timedelta(days=60)
    )
    fresh = ItemFactory(title="刚刚成文的草稿")
    client.force_login(reviewer)
    html = client.get(reverse("admin:disclosure_item_changelist"), {"late": "yes"}).content.decode()
    assert late.title in html and fresh.title not in html
