"""Revisions of a published service guide (portal.publishing): the guide page keeps the
approved version until a second person approves the edit, which rebuilds the booklet."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from services.models import ServiceGuide, ServiceGuideRevision
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


def test_materials_of_a_published_guide_stay_editable_but_result_samples_do_not(
    client, disclosure_office
):
    guide = ServiceGuideFactory(published=True)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(guide), "serviceguide")
    assert "materials-0-name" in data  # scanned on save (content_safety.validate)
    assert "result_samples-0-order" not in data  # files: scanned only at publication


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
