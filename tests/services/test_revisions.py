"""Revisions of a published service guide (portal.publishing): the guide page keeps the
approved version until a second person approves the edit, which rebuilds the booklet."""

import re
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.models import GuideQuestion, ServiceGuide, ServiceGuideRevision
from tests.admin_forms import change_form_data
from tests.services.factories import CHECKLIST, ServiceGuideFactory

pytestmark = pytest.mark.django_db


def change_url(guide):
    return reverse("admin:services_serviceguide_change", args=[guide.pk])


def test_edit_of_published_guide_waits_for_a_second_reviewer(client, reviewer, disclosure_office):
    guide = ServiceGuideFactory(published=True, window="5号窗口")
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    data.update(window="6号窗口", _workflow="submit_revision")
    client.post(change_url(guide), data)
    guide.refresh_from_db()
    assert guide.window == "5号窗口"
    assert guide.revisions.get().status == ServiceGuideRevision.Status.PENDING
    page = client.get(reverse("services:guide-detail", args=[guide.pk])).content.decode()
    assert "6号窗口" not in page
    client.force_login(reviewer)
    with mock.patch("services.models.guides.schedule_booklet_rebuild") as rebuild:
        client.post(
            reverse("admin:services_serviceguide_workflow", args=[guide.pk, "approve_revision"]),
            dict.fromkeys(CHECKLIST, "on"),
        )
    guide.refresh_from_db()
    assert guide.window == "6号窗口" and guide.status == ServiceGuide.Status.PUBLISHED
    rebuild.assert_called_once()
    client.logout()
    page = client.get(reverse("services:guide-detail", args=[guide.pk])).content.decode()
    assert "6号窗口" in page


def test_revision_missing_a_key_element_is_refused(disclosure_office):
    guide = ServiceGuideFactory(published=True)
    guide.location = ""
    guide.save_revision(by=disclosure_office)
    with pytest.raises(ValidationError, match="办理地点"):
        ServiceGuide.objects.get(pk=guide.pk).submit_revision(by=disclosure_office)


def test_a_published_guides_rows_are_edited_in_its_revision_but_result_samples_are_not(
    client, disclosure_office
):
    guide = ServiceGuideFactory(published=True)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    for relation in ServiceGuide.revision_children:
        assert f"{relation}-TOTAL_FORMS" in data
    assert "materials-0-name" in data
    assert "result_samples-0-order" not in data  # files: scanned only at publication


def guide_page(client, guide):
    return client.get(reverse("services:guide-detail", args=[guide.pk])).content.decode()


def approve_url(guide):
    return reverse("admin:services_serviceguide_workflow", args=[guide.pk, "approve_revision"])


def form_row(data, relation, name):
    """Return the prefix of the inline row of relation whose name is name (e.g. materials-1)."""
    return next(
        key[: -len("-name")]
        for key, value in data.items()
        if key.startswith(f"{relation}-") and key.endswith("-name") and value == name
    )


def test_a_change_to_a_published_guides_rows_waits_for_review_then_is_written(
    client, reviewer, disclosure_office
):
    """The gap left in #18: a published guide's materials and steps changed live on save. Now
    renaming a material, adding a step and dropping a material are one revision: the rows and
    the public page keep the approved version until a second person approves; the form and the
    reviewer's diff show the revision's rows; approval writes them and rebuilds the booklet."""
    guide = ServiceGuideFactory(published=True)
    material = guide.materials.get(name="不动产登记申请书")
    proxy = guide.materials.get(name="授权委托书")
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    data[f"{form_row(data, 'materials', '不动产登记申请书')}-name"] = "不动产登记申请审批表"
    data[f"{form_row(data, 'materials', '授权委托书')}-DELETE"] = "on"
    steps = int(data["steps-TOTAL_FORMS"])
    data.update(
        {
            "steps-TOTAL_FORMS": str(steps + 1),
            f"steps-{steps}-order": "6",
            f"steps-{steps}-name": "归档",
            f"steps-{steps}-actor": "档案人员",
            f"steps-{steps}-working_days": "0",
            f"steps-{steps}-description": "案卷归档",
            "_workflow": "submit_revision",
        }
    )
    client.post(change_url(guide), data)
    revision = guide.revisions.get()
    assert revision.status == ServiceGuideRevision.Status.PENDING
    # Nothing public changed: the rows and the page are as approved.
    material.refresh_from_db()
    assert material.name == "不动产登记申请书"
    assert guide.materials.filter(pk=proxy.pk).exists()
    assert not guide.steps.filter(name="归档").exists()
    page = guide_page(client, guide)
    assert "不动产登记申请书" in page and "授权委托书" in page and "案卷归档" not in page
    # The form shows the revision's rows, the new step included, and not the dropped one.
    form = change_form_data(client, change_url(guide), "serviceguide")
    assert form_row(form, "materials", "不动产登记申请审批表")
    assert form_row(form, "steps", "归档")
    assert "授权委托书" not in form.values()
    # The reviewer's diff names the rows changed.
    changes = {change.label: change for change in revision.changes()}
    assert set(changes) == {"办理材料", "办理流程"}
    assert "不动产登记申请审批表" in changes["办理材料"].new_text()
    assert "授权委托书" in changes["办理材料"].old_text()
    assert "授权委托书" not in changes["办理材料"].new_text()
    assert "归档" in changes["办理流程"].new_text()
    client.force_login(reviewer)
    move = client.get(approve_url(guide)).content.decode()
    assert "<ins>审批表</ins>" in move or "审批表</ins>" in move
    with mock.patch("services.models.guides.schedule_booklet_rebuild") as rebuild:
        client.post(approve_url(guide), dict.fromkeys(CHECKLIST, "on"))
    rebuild.assert_called_once()
    revision.refresh_from_db()
    assert revision.status == ServiceGuideRevision.Status.APPROVED
    material.refresh_from_db()
    assert material.name == "不动产登记申请审批表"
    assert material.forms.count() == 2  # the renamed row is the same row, its files kept
    assert not guide.materials.filter(pk=proxy.pk).exists()
    assert guide.steps.get(name="归档").actor == "档案人员"
    client.logout()
    page = guide_page(client, guide)
    assert "不动产登记申请审批表" in page and "授权委托书" not in page and "案卷归档" in page
    # The history keeps what the rows were.
    history = client_history(client, reviewer, guide)
    assert re.search(r"<del>[^<]*材料名称：授权委托书", history) and "审批表</ins>" in history


def client_history(client, user, guide):
    client.force_login(user)
    url = reverse("admin:services_serviceguide_history", args=[guide.pk])
    return client.get(url).content.decode()


def test_a_revision_that_drops_every_step_is_refused_as_incomplete(client, disclosure_office):
    """Required elements are read from the revision's rows, not the stored ones."""
    guide = ServiceGuideFactory(published=True)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    for index in range(int(data["steps-TOTAL_FORMS"])):
        data[f"steps-{index}-DELETE"] = "on"
    response = client.post(change_url(guide), {**data, "_workflow": "submit_revision"}, follow=True)
    assert "办理流程" in response.content.decode()
    assert guide.revisions.get().status == ServiceGuideRevision.Status.DRAFT
    assert guide.steps.count() == 5


def test_a_blocking_word_in_a_revisions_row_is_refused_at_submit_and_approve(
    disclosure_office, reviewer
):
    """A row that skipped the form's check (a crafted revision) is still scanned at the gate."""
    guide = ServiceGuideFactory(published=True)
    question = GuideQuestion(question="如何办理？", answer="欢迎光临 澳 门 赌 场，注册就送彩金")
    revision = guide.save_revision(by=disclosure_office, children={"questions": [question]})
    assert revision is not None
    with pytest.raises(ValidationError) as error:
        ServiceGuide.objects.get(pk=guide.pk).submit_revision(by=disclosure_office)
    assert error.value.code == "blocked_content"
    ServiceGuideRevision.objects.filter(pk=revision.pk).update(
        status=ServiceGuideRevision.Status.PENDING
    )
    with pytest.raises(ValidationError) as error:
        ServiceGuide.objects.get(pk=guide.pk).approve_revision(by=reviewer, checklist=CHECKLIST)
    assert error.value.code == "blocked_content"
    assert not guide.questions.exists()


def test_a_blocking_word_typed_into_a_row_is_refused_on_the_field(client, disclosure_office):
    guide = ServiceGuideFactory(published=True)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    row = form_row(data, "steps", "受理")
    data[f"{row}-description"] = "欢迎光临 澳 门 赌 场"
    response = client.post(change_url(guide), data)
    assert response.status_code == 200  # the form again, with the row's error
    assert not guide.revisions.exists()


def test_preview_shows_the_revisions_rows(client, disclosure_office):
    guide = ServiceGuideFactory(published=True)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    data[f"{form_row(data, 'steps', '登簿')}-name"] = "登记簿记载"
    client.post(change_url(guide), data)
    preview = reverse("admin:services_serviceguide_preview", args=[guide.pk])
    html = client.get(preview).content.decode()
    assert "登记簿记载" in html and "预览" in html
    client.logout()
    assert "登记簿记载" not in guide_page(client, guide)


def test_a_published_guides_material_page_is_read_only(client, disclosure_office):
    guide = ServiceGuideFactory(published=True)
    material = guide.materials.first()
    url = reverse("admin:services_guidematerial_change", args=[material.pk])
    client.force_login(disclosure_office)
    data = change_form_data(client, url, "guidematerial")
    assert "name" not in data
    client.post(url, {**data, "name": "改名", "guide": str(guide.pk)})
    material.refresh_from_db()
    assert material.name != "改名"


def test_a_published_guides_material_forms_wait_for_review(client, disclosure_office):
    """The material's own page offers no upload while its guide is public: a file reaches the
    public page only through a submission the scanner reads."""
    from services.models import MaterialForm

    guide = ServiceGuideFactory(published=True)
    material = guide.materials.first()
    url = reverse("admin:services_guidematerial_change", args=[material.pk])
    client.force_login(disclosure_office)
    data = change_form_data(client, url, "guidematerial")
    assert not [name for name in data if name.endswith("-0-kind")]
    draft = ServiceGuideFactory()
    draft_material = draft.materials.first()
    draft_url = reverse("admin:services_guidematerial_change", args=[draft_material.pk])
    assert [
        name
        for name in change_form_data(client, draft_url, "guidematerial")
        if name.endswith("-0-kind")
    ]
    # A crafted post with a new file is ignored: the inline takes no rows while the guide is public.
    before = MaterialForm.objects.filter(material=material).count()
    upload = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 blank form", "application/pdf")
    post = {**data, "forms-TOTAL_FORMS": "1", "forms-INITIAL_FORMS": "0", "forms-0-kind": "blank"}
    client.post(url, {**post, "forms-0-file": upload, "forms-0-order": "1"})
    assert MaterialForm.objects.filter(material=material).count() == before


def test_line_ends_posted_by_a_browser_are_no_change(disclosure_office):
    """A textarea posts CRLF: saving the guide's form unchanged makes no 修改稿."""
    guide = ServiceGuideFactory(published=True, conditions="抵押财产为已登记的不动产\n共同申请")
    guide.conditions = "抵押财产为已登记的不动产\r\n共同申请"
    assert guide.save_revision(by=disclosure_office) is None
    guide.conditions = "抵押财产为已登记的不动产\r\n由双方共同申请"
    revision = guide.save_revision(by=disclosure_office)
    assert [change.label for change in revision.changes()] == ["申请条件"]
    assert revision.data["conditions"] == "抵押财产为已登记的不动产\n由双方共同申请"
