"""Tried as a new user would: an 信息员 pastes a hacked page's betting run, a misspelling and a
near-miss of the bureau's name into a draft, attaches an Excel roster with ID numbers and presses
提交审核. The submission is refused; the change page marks the whole run, names the attachment's
cell and suggests the corrections; the 审核员 can record why a roster may be published."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from disclosure.models import Item
from portal import content_safety
from portal.models import ContentFinding, SiteSettings
from tests.disclosure.test_admin import item_form

pytestmark = pytest.mark.django_db

RUN = "澳门新葡京官网 xpj8888.vip 首存送38元彩金，加微信 am8888 领取"
BODY = (
    "<p>江川市国土资局关于做好2026年度耕地保护工作的通知</p>"
    "<p>各科室要认真布署今年的耕地保护工作。</p>"
    f"<p>{RUN}</p>"
)


def roster():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "补偿名册"
    sheet.append(["户主", "身份证号码", "补偿金额（元）"])
    sheet.append(["张三", "110101199003074514", 120000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("征地补偿名册.xlsx", buffer.getvalue())


@pytest.fixture
def bureau(db):
    settings_row = SiteSettings.load()
    settings_row.bureau_name = "江川市国土资源局"
    settings_row.save()


def draft_with_everything_wrong(client, officer):
    client.force_login(officer)
    data = item_form(officer.department, body=BODY)
    data["attachments-0-file"] = roster()
    response = client.post(reverse("admin:disclosure_item_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Item.objects.get()


def test_officer_submission_is_refused_and_the_panel_shows_run_cell_and_fixes(
    client, officer, bureau
):
    item = draft_with_everything_wrong(client, officer)

    response = client.post(
        reverse("admin:disclosure_item_workflow", args=[item.pk, "submit"]), follow=True
    )

    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT
    page = response.text
    assert "内容安全检查未通过" in page
    assert f"<mark>{RUN}</mark>" in page  # the whole run, from the brand to the bait
    assert "附件“征地补偿名册.xlsx” 工作表“补偿名册”单元格B2" in page
    assert "<mark>110101199003074514</mark>" in page
    assert "<mark>江川市国土资局</mark>" in page and "应为“江川市国土资源局”" in page
    assert "<mark>布署</mark>" in page and "应为“部署”" in page
    assert "记录公开理由" in page


def test_reviewer_records_why_the_roster_is_published_and_it_no_longer_blocks(
    client, officer, reviewer, bureau
):
    item = draft_with_everything_wrong(client, officer)
    Item.objects.filter(pk=item.pk).update(body="<p>现将征地补偿情况公示如下。</p>")
    item.refresh_from_db()
    finding = next(
        f for f in content_safety.scan_publication(item) if f.category == "personal_data"
    )
    content_type_id, object_id = finding.source
    client.force_login(reviewer)
    add = reverse("admin:portal_contentfinding_add")
    initial = {
        "content_type": content_type_id,
        "object_id": object_id,
        "object_title": str(item),
        "field": finding.field_label,
        "location": finding.location,
        "term": finding.term,
        "matched": finding.matched,
        "context": finding.context,
    }
    assert client.get(add, initial).status_code == 200
    assert client.post(add, {**initial, "reason": " "}).status_code == 200  # a reason is required

    response = client.post(
        add, {**initial, "reason": "依《土地管理法实施条例》第三十一条公示，经本人同意"}
    )

    assert response.status_code == 302
    allowed = ContentFinding.objects.allowed().get()
    assert allowed.resolved_by == reviewer and allowed.location == "工作表“补偿名册”单元格B2"
    assert not [f for f in content_safety.scan_publication(item) if f.is_blocking]
    item.submit(by=officer)
    assert item.status == Item.Status.PENDING


def test_an_officer_cannot_record_a_reason(client, officer):
    client.force_login(officer)
    assert client.get(reverse("admin:portal_contentfinding_add")).status_code == 403
