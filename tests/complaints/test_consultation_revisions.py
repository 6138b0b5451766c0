"""Revisions of a published 征求意见 notice, and its 预览."""

import pytest
from django.urls import reverse

from complaints.models import Consultation, ConsultationRevision
from tests.admin_forms import change_form_data
from tests.complaints.factories import ConsultationFactory, published_consultation
from tests.disclosure.factories import CHECKLIST

pytestmark = pytest.mark.django_db


def change_url(consultation):
    return reverse("admin:complaints_consultation_change", args=[consultation.pk])


def test_edit_of_published_consultation_waits_for_review(client, disclosure_office, reviewer):
    consultation = published_consultation(contact_phone="0571-87061211")
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(consultation), "consultation")
    client.post(change_url(consultation), {**data, "contact_phone": "0571-87061222"})
    consultation.refresh_from_db()
    assert consultation.contact_phone == "0571-87061211"
    public = reverse("complaints:consultation-detail", args=[consultation.pk])
    assert "0571-87061222" not in client.get(public).content.decode()
    Consultation.objects.get(pk=consultation.pk).submit_revision(by=disclosure_office)
    Consultation.objects.get(pk=consultation.pk).approve_revision(by=reviewer, checklist=CHECKLIST)
    consultation.refresh_from_db()
    assert consultation.contact_phone == "0571-87061222"
    assert consultation.revisions.get().status == ConsultationRevision.Status.APPROVED
    assert "0571-87061222" in client.get(public).content.decode()
    history = reverse("admin:complaints_consultation_history", args=[consultation.pk])
    html = client.get(history).content.decode()
    assert "第2版" in html and "联系电话" in html
    assert "0571-870612<del>11</del>" in html and "0571-870612<ins>22</ins>" in html


def test_preview_of_a_draft_consultation(client, officer):
    consultation = ConsultationFactory(author=officer, department=officer.department)
    consultation.rebuild_articles()
    url = reverse("admin:complaints_consultation_preview", args=[consultation.pk])
    assert client.get(url).status_code == 404
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "预览，未发布" in html and consultation.title in html
