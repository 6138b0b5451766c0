"""Revisions of a published service guide (portal.publishing): the guide page keeps the
approved version until a second person approves the edit, which rebuilds the booklet."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
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
