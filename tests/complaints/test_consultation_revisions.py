"""Revisions of a published 征求意见 notice (its articles after a change of the draft), and its
预览."""

import pytest
from django.urls import reverse

from complaints.models import Consultation, ConsultationRevision
from portal.exceptions import InvalidTransition
from tests.admin_forms import change_form_data
from tests.complaints.factories import (
    DRAFT,
    ConsultationCommentFactory,
    ConsultationFactory,
    published_consultation,
)
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


# A published draft's articles after an approved revision --------------------------------------
# Article 4 reworded; the title line above the articles retitled (no article changes).
REWORDED = DRAFT.replace("入库前完成确权登记。", "入库前完成确权登记和地籍调查。")
RETITLED = DRAFT.replace("（征求意见稿）</p>", "（征求意见稿·修订）</p>")


def revise(consultation, by, **values):
    """Keep values as the published consultation's revision, as its change form does."""
    edited = Consultation.objects.get(pk=consultation.pk)
    for name, value in values.items():
        setattr(edited, name, value)
    return edited.save_revision(by=by)


def fresh(consultation):
    return Consultation.objects.get(pk=consultation.pk)


def articles(consultation):
    return list(consultation.articles.values_list("pk", "heading", "text"))


def test_approved_revision_of_the_draft_splits_its_articles_again(
    client, disclosure_office, reviewer
):
    consultation = published_consultation()
    revise(consultation, disclosure_office, draft=REWORDED + "<p>第六条 附则另行规定。</p>")
    fresh(consultation).submit_revision(by=disclosure_office)
    fresh(consultation).approve_revision(by=reviewer, checklist=CHECKLIST)
    rows = [(heading, text) for _, heading, text in articles(consultation)]
    assert len(rows) == 6
    assert rows[3] == ("第四条", "储备土地应当在入库前完成确权登记和地籍调查。")
    assert rows[5] == ("第六条", "附则另行规定。")
    html = client.get(reverse("complaints:consultation-detail", args=[consultation.pk]))
    assert "确权登记和地籍调查" in html.content.decode()


def test_revision_outside_the_articles_keeps_them(disclosure_office, reviewer):
    consultation = published_consultation()
    before = articles(consultation)
    revise(consultation, disclosure_office, draft=RETITLED)
    fresh(consultation).submit_revision(by=disclosure_office)
    fresh(consultation).approve_revision(by=reviewer, checklist=CHECKLIST)
    assert "征求意见稿·修订" in fresh(consultation).draft
    assert articles(consultation) == before  # the same rows, not rebuilt


def test_articles_commented_on_cannot_change_at_submit(disclosure_office):
    consultation = published_consultation()
    article = consultation.articles.get(number=4)
    ConsultationCommentFactory(consultation=consultation, article=article)
    revise(consultation, disclosure_office, draft=REWORDED)
    with pytest.raises(InvalidTransition, match="已收到公众意见，征求意见稿正文（条文）不能再修改"):
        fresh(consultation).submit_revision(by=disclosure_office)
    assert consultation.revisions.get().status == ConsultationRevision.Status.DRAFT


def test_articles_commented_on_cannot_change_at_approval(disclosure_office, reviewer):
    consultation = published_consultation()
    before = articles(consultation)
    revise(consultation, disclosure_office, draft=REWORDED)
    fresh(consultation).submit_revision(by=disclosure_office)
    # A citizen comments on article 4 while the revision waits for the reviewer.
    comment = ConsultationCommentFactory(
        consultation=consultation, article=consultation.articles.get(number=4)
    )
    with pytest.raises(InvalidTransition, match="请撤回本次征求意见，另行发布新的征求意见"):
        fresh(consultation).approve_revision(by=reviewer, checklist=CHECKLIST)
    assert fresh(consultation).draft == DRAFT
    assert articles(consultation) == before
    assert consultation.revisions.get().status == ConsultationRevision.Status.PENDING
    comment.refresh_from_db()
    assert comment.article.text == "储备土地应当在入库前完成确权登记。"


def test_other_changes_pass_once_commented(disclosure_office, reviewer):
    consultation = published_consultation()
    before = articles(consultation)
    ConsultationCommentFactory(consultation=consultation, article=consultation.articles.first())
    revise(consultation, disclosure_office, draft=RETITLED, contact_phone="0571-87061222")
    fresh(consultation).submit_revision(by=disclosure_office)
    fresh(consultation).approve_revision(by=reviewer, checklist=CHECKLIST)
    consultation.refresh_from_db()
    assert consultation.contact_phone == "0571-87061222"
    assert articles(consultation) == before


def test_reviewer_sees_why_the_revision_is_refused(client, disclosure_office, reviewer):
    consultation = published_consultation()
    revise(consultation, disclosure_office, draft=REWORDED)
    fresh(consultation).submit_revision(by=disclosure_office)
    ConsultationCommentFactory(consultation=consultation)  # on the draft as a whole
    client.force_login(reviewer)
    url = reverse(
        "admin:complaints_consultation_workflow", args=[consultation.pk, "approve_revision"]
    )
    response = client.post(url, CHECKLIST)
    assert response.status_code == 200
    assert "征求意见稿正文（条文）不能再修改" in response.content.decode()
    assert fresh(consultation).draft == DRAFT


def test_preview_of_a_revision_shows_the_articles_it_will_make(client, disclosure_office):
    consultation = published_consultation()
    revise(consultation, disclosure_office, draft=REWORDED + "<p>第六条 附则另行规定。</p>")
    client.force_login(disclosure_office)
    url = reverse("admin:complaints_consultation_preview", args=[consultation.pk])
    html = client.get(url).content.decode()
    assert "预览，未发布" in html
    assert "确权登记和地籍调查" in html and "附则另行规定" in html
    assert 'id="article-6"' in html
    # The public page keeps the published articles.
    client.logout()
    public = client.get(reverse("complaints:consultation-detail", args=[consultation.pk]))
    assert "确权登记和地籍调查" not in public.content.decode()
