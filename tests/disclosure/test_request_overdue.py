"""依申请公开: an overdue request says so on its page, with the applicant's remedies."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal import workdays
from portal.models import SiteSettings, WorkCalendarDay
from tests.disclosure.request_factories import at, received_request

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def status_page(client, info_request):
    session = client.session
    session["disclosure:request-verified"] = [info_request.tracking_number]
    session.save()
    url = reverse("disclosure:request-status", args=[info_request.tracking_number])
    return client.get(url).content.decode()


def test_overdue_request_names_the_remedies_with_contacts(client):
    site = SiteSettings.load()
    site.disclosure_authority = "江川市人民政府办公室"
    site.disclosure_authority_contact = "电话：0571-87060000"
    site.review_body, site.review_body_contact = "江川市人民政府", "电话：0571-87060100"
    site.court, site.court_contact = "江川市滨江区人民法院", "电话：0571-12368"
    site.save()
    info_request = received_request(date(2025, 9, 26))  # due 30 Oct 2025
    with time_machine.travel(datetime(2025, 11, 3, 9, tzinfo=SHANGHAI), tick=False):
        assert info_request.is_overdue()
        html = status_page(client, info_request)
    # 31 Oct (Fri) and 3 Nov (Mon) are the two working days past the deadline.
    assert "办理中" in html
    assert "已超期（答复期限2025年10月30日，已超过2个工作日）" in html
    assert 'id="remedies"' in html
    for text in (
        "投诉、举报",
        "江川市人民政府办公室",
        "0571-87060000",
        "行政复议",
        "0571-87060100",
        "行政诉讼",
        "江川市滨江区人民法院",
        "0571-12368",
    ):
        assert text in html


def test_on_the_last_day_nothing_is_overdue(client):
    info_request = received_request(date(2025, 9, 26))
    with time_machine.travel(datetime(2025, 10, 30, 17, tzinfo=SHANGHAI), tick=False):
        html = status_page(client, info_request)
    assert "已超期" not in html and 'id="remedies"' not in html


def test_late_reply_says_so_with_both_dates(client, disclosure_office):
    info_request = received_request(date(2025, 9, 26))
    info_request.reply(
        by=disclosure_office,
        reply_type="1",
        legal_basis="《条例》第三十六条",
        text="予以公开。",
        now=at(date(2025, 11, 4)),
    )
    html = status_page(client, info_request)
    assert "超期答复（答复期限2025年10月30日，2025年11月4日答复）" in html
    assert 'id="remedies"' not in html  # answered: the reply letter names the remedies
    on_time = received_request(date(2025, 9, 26))
    on_time.reply(
        by=disclosure_office, reply_type="1", legal_basis="x", text="y", now=at(date(2025, 10, 30))
    )
    assert "超期" not in status_page(client, on_time)


def test_office_edits_the_remedy_contacts_in_the_admin(client, admin_user):
    site = SiteSettings.load()
    client.force_login(admin_user)
    url = reverse("admin:portal_sitesettings_change", args=[site.pk])
    page = client.get(url).content.decode()
    assert "依申请公开救济途径" in page and "政府信息公开工作主管部门" in page
    assert site.review_body == "江川市人民政府"  # demo value filled
    form = client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name not in {"government_badge"}
    }
    data.update(review_body="江川市司法局", review_body_contact="电话：0571-87060200")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    site = SiteSettings.load()
    assert (site.review_body, site.review_body_contact) == ("江川市司法局", "电话：0571-87060200")
