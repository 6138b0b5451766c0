"""Monthly 通报: generated from the month's figures, edited, printed, sent through the catalog."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Category, Item, ItemEvent
from oversight import services
from oversight.models import Bulletin
from portal import roles
from portal.exceptions import InvalidTransition
from tests.conftest import make_staff
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.oversight.factories import ReportingTargetFactory, publish_item

pytestmark = pytest.mark.django_db

JUNE = date(2026, 6, 1)


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


@pytest.fixture
def june(department, other_department, reviewer):
    liu = make_staff(roles.OFFICER, department, username="liu", full_name="刘晓梅")
    for day in (3, 4, 5):
        publish_item(at=at(date(2026, 6, day)), category="zwdt", author=liu, reviewer=reviewer)
    item = ItemFactory(author=liu, department=department, written_on=date(2026, 6, 1))
    item.submit(by=liu, now=at(date(2026, 6, 8)))
    item.return_to_author(by=reviewer, reason="文号格式不规范", now=at(date(2026, 6, 9)))
    ReportingTargetFactory(department=department, month_on=JUNE, published_target=2)
    ReportingTargetFactory(department=other_department, month_on=JUNE, published_target=3)
    return liu


def test_generated_text_has_the_months_figures(june, disclosure_office):
    bulletin = services.generate_bulletin(month_on=date(2026, 6, 15), by=disclosure_office)
    assert bulletin.month_on == JUNE
    assert bulletin.title == "关于2026年6月份政务公开工作情况的通报"
    assert "本月全局共审核发布政府信息3条" in bulletin.body
    assert "<td>政务动态</td><td>3</td>" in bulletin.body
    assert "文号格式不规范" in bulletin.body
    assert "通知公告" in bulletin.body  # empty column listed as stale at month end
    assert "政策法规科信息报送任务完成较好" in bulletin.body
    assert "规划科未完成本月信息报送任务" in bulletin.body
    assert bulletin.status == Bulletin.Status.DRAFT


def test_regenerating_updates_the_draft(june, disclosure_office):
    first = services.generate_bulletin(month_on=JUNE, by=disclosure_office)
    again = services.generate_bulletin(month_on=JUNE, by=disclosure_office)
    assert first.pk == again.pk and Bulletin.objects.count() == 1


def test_publish_submits_a_catalog_item_for_review(june, disclosure_office, reviewer):
    bulletin = services.generate_bulletin(month_on=JUNE, by=disclosure_office)
    bulletin.body = "<p>各科室：</p><p>修改后的通报正文。</p><script>alert(1)</script>"
    bulletin.save()
    item = bulletin.publish(by=disclosure_office)
    item.refresh_from_db()
    assert item.category == Category.objects.get(slug="tzgg")
    assert item.status == Item.Status.PENDING  # a reviewer still has to approve it
    assert item.author == disclosure_office
    assert "修改后的通报正文" in item.body and "<script>" not in item.body
    assert ItemEvent.objects.filter(item=item, kind="submitted", actor=disclosure_office).exists()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SUBMITTED and bulletin.item == item
    with pytest.raises(InvalidTransition):
        bulletin.publish(by=disclosure_office)
    with pytest.raises(Exception):  # noqa: B017 - the author may not approve their own item
        item.approve(by=disclosure_office, checklist=CHECKLIST)
    item.approve(by=reviewer, checklist=CHECKLIST)
    assert item.is_public()


def test_publish_needs_a_department(june, disclosure_office):
    bulletin = services.generate_bulletin(month_on=JUNE, by=disclosure_office)
    disclosure_office.department = None
    before = Item.objects.count()
    with pytest.raises(ValidationError):
        bulletin.publish(by=disclosure_office)
    assert Item.objects.count() == before


def test_admin_generate_edit_print_publish(client, june, disclosure_office):
    client.force_login(disclosure_office)
    response = client.post(reverse("admin:oversight_bulletin_generate"), {"month": "2026-06"})
    bulletin = Bulletin.objects.get()
    change_url = reverse("admin:oversight_bulletin_change", args=[bulletin.pk])
    assert response.url == change_url
    page = client.get(change_url).content.decode()
    assert "送审发布" in page
    response = client.post(
        change_url, {"title": bulletin.title, "body": "<p>6月通报（已修改）</p>"}
    )
    assert response.status_code == 302
    printed = client.get(reverse("admin:oversight_bulletin_print", args=[bulletin.pk]))
    assert "6月通报（已修改）" in printed.content.decode()
    response = client.post(
        reverse("admin:oversight_bulletin_workflow", args=[bulletin.pk, "publish"])
    )
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.item.status == Item.Status.PENDING
    assert bulletin.item.body == "<p>6月通报（已修改）</p>"
    # Once sent, the text is shown laid out (read-only), not as HTML source.
    page = client.get(change_url).content.decode()
    assert "<p>6月通报（已修改）</p>" in page and "&lt;p&gt;" not in page


def test_cannot_generate_current_month(client, disclosure_office):
    client.force_login(disclosure_office)
    month = timezone.localdate().strftime("%Y-%m")
    client.post(reverse("admin:oversight_bulletin_generate"), {"month": month})
    assert not Bulletin.objects.exists()


def test_leadership_cannot_publish(client, june, disclosure_office, leadership):
    bulletin = services.generate_bulletin(month_on=JUNE, by=disclosure_office)
    client.force_login(leadership)
    response = client.post(
        reverse("admin:oversight_bulletin_workflow", args=[bulletin.pk, "publish"])
    )
    assert response.status_code == 403
    assert client.get(
        reverse("admin:oversight_bulletin_workflow", args=[bulletin.pk, "publish"])
    ).status_code in {403, 405}
