"""Revisions of a published catalog item: the public version stays until a second person
approves the edit; the scanner and the 保密审查 gate it; the history keeps both versions.
Also: the workflow buttons save the form first, and 预览."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disclosure.models import Item, ItemRevision
from portal import roles
from portal.exceptions import InvalidTransition
from tests.admin_forms import change_form_data
from tests.conftest import make_staff
from tests.disclosure.factories import CHECKLIST, ItemFactory

pytestmark = pytest.mark.django_db

GAMBLING = "欢迎光临 澳 门 赌 场，注册就送彩金"
CHECKED = dict.fromkeys(CHECKLIST, "on")


def change_url(item):
    return reverse("admin:disclosure_item_change", args=[item.pk])


def move_url(item, name):
    return reverse("admin:disclosure_item_workflow", args=[item.pk, name])


def public_page(client, item):
    return client.get(reverse("disclosure:item-detail", args=[item.pk])).content.decode()


@pytest.fixture
def item(officer):
    return ItemFactory(
        author=officer, department=officer.department, published=True, summary="征收土地的位置。"
    )


def test_edit_of_published_item_stays_off_public_page_until_a_second_person_approves(
    client, item, disclosure_office, reviewer
):
    assert "征收土地的位置。" in public_page(client, item)
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(item), "item")
    data["summary"] = "征收土地的位置和面积。"
    response = client.post(change_url(item), data, follow=True)
    assert "修改已保存为修改稿，尚未发布" in response.content.decode()
    item.refresh_from_db()
    assert item.summary == "征收土地的位置。"  # the stored row is the public version
    revision = item.revisions.get()
    assert (revision.status, revision.author) == (ItemRevision.Status.DRAFT, disclosure_office)
    client.logout()
    assert "征收土地的位置和面积。" not in public_page(client, item)

    # The form shows the revision, with what it changes; submitting keeps the public version.
    client.force_login(disclosure_office)
    html = client.get(change_url(item)).content.decode()
    assert "征收土地的位置和面积。" in html and "未发布的修改稿" in html
    assert "<ins>和面积</ins>" in html
    client.post(change_url(item), {**data, "_workflow": "submit_revision"})
    revision.refresh_from_db()
    assert revision.status == ItemRevision.Status.PENDING
    client.logout()
    assert "征收土地的位置和面积。" not in public_page(client, item)

    client.force_login(reviewer)
    page = client.get(move_url(item, "approve_revision")).content.decode()
    assert "<del>" not in page and "<ins>和面积</ins>" in page  # the reviewer sees the change
    client.post(move_url(item, "approve_revision"), CHECKED)
    item.refresh_from_db()
    revision.refresh_from_db()
    assert item.summary == "征收土地的位置和面积。"
    assert (revision.status, revision.reviewer) == (ItemRevision.Status.APPROVED, reviewer)
    assert revision.previous == {"summary": "征收土地的位置。"}
    assert item.index_number and item.status == Item.Status.PUBLISHED
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["rev_submit", "rev_approve"]
    client.logout()
    assert "征收土地的位置和面积。" in public_page(client, item)  # the cached page went stale


def test_blocking_word_in_revision_is_refused_at_submit_and_at_approve(
    item, disclosure_office, reviewer
):
    item.summary = GAMBLING
    revision = item.save_revision(by=disclosure_office)
    item = Item.objects.get(pk=item.pk)
    with pytest.raises(ValidationError) as error:
        item.submit_revision(by=disclosure_office)
    assert error.value.code == "blocked_content"
    revision.refresh_from_db()
    assert revision.status == ItemRevision.Status.DRAFT
    # Even a revision that reached review some other way is scanned again at approval.
    ItemRevision.objects.filter(pk=revision.pk).update(status=ItemRevision.Status.PENDING)
    with pytest.raises(ValidationError) as error:
        item.approve_revision(by=reviewer, checklist=CHECKLIST)
    assert error.value.code == "blocked_content"
    item.refresh_from_db()
    assert item.summary != GAMBLING


def test_blocking_word_is_shown_on_the_field_when_submitting_from_the_form(
    client, item, disclosure_office
):
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(item), "item")
    response = client.post(
        change_url(item), {**data, "summary": GAMBLING, "_workflow": "submit_revision"}, follow=True
    )
    html = response.content.decode()
    assert "内容安全检查未通过" in html
    assert item.revisions.get().status == ItemRevision.Status.DRAFT  # saved, not submitted
    assert GAMBLING in html  # what was typed is kept for correction
    item.refresh_from_db()
    assert item.summary != GAMBLING


def test_author_of_a_revision_cannot_approve_it(client, item, reviewer, disclosure_office):
    item.title = "更正后的标题"
    item.save_revision(by=reviewer)
    item = Item.objects.get(pk=item.pk)
    item.submit_revision(by=reviewer)
    with pytest.raises(InvalidTransition, match="不能审核发布自己修改的内容"):
        item.approve_revision(by=reviewer, checklist=CHECKLIST)
    client.force_login(reviewer)
    assert "审核发布修改" not in client.get(change_url(item)).content.decode()
    client.post(move_url(item, "approve_revision"), CHECKED)
    item.refresh_from_db()
    assert item.title != "更正后的标题"
    # Whoever last edited it cannot approve it either.
    item.title = "再次更正的标题"
    item.save_revision(by=disclosure_office)
    with pytest.raises(InvalidTransition):
        Item.objects.get(pk=item.pk).approve_revision(by=disclosure_office, checklist=CHECKLIST)


def test_returned_revision_keeps_the_public_version_and_shows_the_reason_on_top(
    client, item, disclosure_office, reviewer
):
    item.summary = "征收土地的位置（更正）。"
    item.save_revision(by=disclosure_office)
    Item.objects.get(pk=item.pk).submit_revision(by=disclosure_office)
    client.force_login(reviewer)
    client.post(move_url(item, "return_revision"), {"reason": "更正依据不足，请附文件"})
    item.refresh_from_db()
    assert item.summary == "征收土地的位置。"
    assert item.revisions.get().status == ItemRevision.Status.RETURNED
    client.force_login(disclosure_office)
    html = client.get(change_url(item)).content.decode()
    reason = html.index("更正依据不足，请附文件")
    assert reason < html.index('name="title"')  # above the form's fields, not at the bottom
    assert "修改稿已退回" in html


def test_history_shows_both_published_versions(client, item, disclosure_office, reviewer):
    item.summary = "征收土地的位置和面积。"
    item.save_revision(by=disclosure_office)
    Item.objects.get(pk=item.pk).submit_revision(by=disclosure_office)
    Item.objects.get(pk=item.pk).approve_revision(by=reviewer, checklist=CHECKLIST)
    client.force_login(reviewer)
    html = client.get(reverse("admin:disclosure_item_history", args=[item.pk])).content.decode()
    assert "第1版" in html and "首次发布" in html and "第2版" in html
    assert "内容概述" in html
    assert "征收土地的位置" in html and "<ins>和面积</ins>" in html
    assert disclosure_office.full_name in html and reviewer.full_name in html


def test_withdrawal_drops_the_open_revision(item, disclosure_office, reviewer):
    item.title = "未发布的修改"
    item.save_revision(by=disclosure_office)
    item = Item.objects.get(pk=item.pk)
    item.withdraw(by=reviewer, reason="内容过时")
    assert item.revisions.get().status == ItemRevision.Status.DISCARDED
    assert item.open_revision() is None


def test_unchanged_save_of_published_item_makes_no_revision(client, item, disclosure_office):
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(item), "item")
    response = client.post(change_url(item), data, follow=True)
    assert "没有保存修改稿" in response.content.decode()
    assert not item.revisions.exists()


def test_attachments_of_a_published_item_are_read_only(client, item, disclosure_office):
    client.force_login(disclosure_office)
    data = change_form_data(client, change_url(item), "item")
    assert "attachments-0-file" not in data and "attachments-TOTAL_FORMS" in data
    html = client.get(change_url(item)).content.decode()
    assert 'name="attachments-0-file"' not in html


def test_bulk_submit_does_not_touch_published_items(client, item, disclosure_office):
    client.force_login(disclosure_office)
    client.post(
        reverse("admin:disclosure_item_changelist"),
        {"action": "submit_selected", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED


def test_reverting_to_a_stored_version_is_refused(client, item, disclosure_office):
    version = item.history.earliest()
    client.force_login(disclosure_office)
    url = reverse("admin:disclosure_item_simple_history", args=[item.pk, version.history_id])
    assert client.post(url, {"title": "旧版本"}).status_code == 403


# 提交审核 saves the form first -----------------------------------------------------------------
def test_submit_with_unsaved_edits_saves_them_first(client, officer):
    item = ItemFactory(author=officer, department=officer.department)
    client.force_login(officer)
    data = change_form_data(client, change_url(item), "item")
    html = client.get(change_url(item)).content.decode()
    assert 'form="item_form" name="_workflow" value="submit"' in html
    data.update(summary="刚刚补写的内容概述。", _workflow="submit")
    client.post(change_url(item), data)
    item.refresh_from_db()
    assert item.summary == "刚刚补写的内容概述。"
    assert item.status == Item.Status.PENDING


def test_submit_with_an_invalid_form_shows_the_errors_and_does_not_submit(client, officer):
    item = ItemFactory(author=officer, department=officer.department)
    client.force_login(officer)
    data = change_form_data(client, change_url(item), "item")
    data.update(document_number="江国土资发[2026]15号", summary="新的概述", _workflow="submit")
    response = client.post(change_url(item), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "文号格式应为" in html and "未执行“提交审核”" in html
    assert "新的概述" in html
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT and item.summary != "新的概述"


def test_a_move_with_a_page_saves_first_then_opens_its_page(client, officer, reviewer):
    item = ItemFactory(author=officer, department=officer.department)
    item.submit(by=officer)
    client.force_login(reviewer)
    data = change_form_data(client, change_url(item), "item")
    data.update(title="审核员顺手改正的标题", _workflow="approve")
    response = client.post(change_url(item), data)
    assert response.url == move_url(item, "approve")
    item.refresh_from_db()
    assert item.title == "审核员顺手改正的标题" and item.status == Item.Status.PENDING


# 预览 -------------------------------------------------------------------------------------------
def test_preview_shows_the_draft_to_staff_only(client, officer, other_department):
    item = ItemFactory(author=officer, department=officer.department, summary="草稿里的概述")
    url = reverse("admin:disclosure_item_preview", args=[item.pk])
    assert client.get(url).status_code == 404  # anonymous: nothing, not even a login page
    client.force_login(officer)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "预览，未发布" in html and item.title in html and "草稿里的概述" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # Staff of another department do not see it either.
    stranger = make_staff(roles.OFFICER, other_department, username="stranger")
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_preview_of_a_revision_shows_the_pending_text(client, item, disclosure_office):
    item.summary = "修改稿里的概述"
    item.save_revision(by=disclosure_office)
    client.force_login(disclosure_office)
    html = client.get(change_url(item)).content.decode()
    assert "预览" in html
    data = change_form_data(client, change_url(item), "item")
    response = client.post(change_url(item), {**data, "_preview": "1"}, follow=True)
    html = response.content.decode()
    assert "预览，未发布" in html and "修改稿里的概述" in html
    client.logout()
    assert "修改稿里的概述" not in public_page(client, item)


def test_preview_queries(client, officer, django_assert_max_num_queries):
    """Preview: session, user, permissions, the item, its revision lookup, the public page's
    own reads (settings, column, attachments, links, consultations)."""
    item = ItemFactory(author=officer, department=officer.department)
    client.force_login(officer)
    url = reverse("admin:disclosure_item_preview", args=[item.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_saving_an_unchanged_revision_keeps_its_editor(item, disclosure_office, reviewer):
    """A reviewer pressing 审核发布修改 saves the form first: that must not make them its editor."""
    item.summary = "修改后的概述"
    revision = item.save_revision(by=disclosure_office)
    again = Item.objects.get(pk=item.pk)
    again.apply_revision_data(revision.data)
    again.save_revision(by=reviewer)
    revision.refresh_from_db()
    assert revision.edited_by == disclosure_office


def test_officer_gets_no_revision_buttons_on_a_published_item(client, item, officer):
    client.force_login(officer)
    html = client.get(change_url(item)).content.decode()
    assert "提交修改审核" not in html and "放弃修改稿" not in html
    assert client.post(move_url(item, "submit_revision")).status_code == 403


@pytest.mark.parametrize("corrections", [1, 3])
def test_history_and_change_page_queries(
    client, item, disclosure_office, reviewer, django_assert_max_num_queries, corrections
):
    """History: session, user, permissions, roles, the item (twice: scope check and page), its
    approvals, its approved revisions, simple-history's versions (count and page) and their
    users. Change page with an open revision: the admin's own reads, the revision (once per
    get_object), the stored row to compare, the content-safety scan. Neither grows with the
    number of published versions."""
    for n in range(corrections):
        item.summary = f"第{n}次更正的概述"
        item.save_revision(by=disclosure_office)
        Item.objects.get(pk=item.pk).submit_revision(by=disclosure_office)
        Item.objects.get(pk=item.pk).approve_revision(by=reviewer, checklist=CHECKLIST)
    item = Item.objects.get(pk=item.pk)
    item.summary = "未发布的更正"
    item.save_revision(by=disclosure_office)
    client.force_login(reviewer)
    history = reverse("admin:disclosure_item_history", args=[item.pk])
    client.get(history)
    with django_assert_max_num_queries(16):
        assert client.get(history).status_code == 200
    client.get(change_url(item))
    with django_assert_max_num_queries(42):
        assert client.get(change_url(item)).status_code == 200


def test_changelist_marks_and_filters_items_with_a_revision_waiting(
    client, item, disclosure_office, reviewer
):
    other = ItemFactory(published=True, title="没有修改稿的公告")
    item.summary = "待审核的更正"
    item.save_revision(by=disclosure_office)
    Item.objects.get(pk=item.pk).submit_revision(by=disclosure_office)
    client.force_login(reviewer)
    url = reverse("admin:disclosure_item_changelist")
    html = client.get(url, {"revision": "pending"}).content.decode()
    assert item.title in html and other.title not in html
    assert "修改稿待审核" in html
