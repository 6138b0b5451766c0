"""依申请公开 public pages: apply, receipt, lookup, status, letters, files, withdraw."""

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from disclosure.models import InformationRequest, InformationRequestAttachment
from portal import workdays
from portal.models import WorkCalendarDay
from tests.captcha import solved_captcha
from tests.disclosure.request_factories import (
    VALID_CREDIT_CODE,
    at,
    online_request,
    organisation_data,
    person_data,
    received_request,
)

pytestmark = pytest.mark.django_db

FORM = reverse("disclosure:request-form")
LOOKUP = reverse("disclosure:request-lookup")


@pytest.fixture(autouse=True)
def calendar(db):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2024, 2031))


def post_form(client, **data):
    return client.post(FORM, {**person_data(), **solved_captcha(), **data})


def unlock(client, info_request, code):
    return client.post(
        LOOKUP, {"tracking_number": info_request.tracking_number, "query_code": code}
    )


def test_form_page_in_chinese(client):
    html = client.get(FORM).content.decode()
    assert "政府信息公开申请" in html
    assert '<label for="id_credit_code">统一社会信用代码' in html and 'id="id_credit_code"' in html
    trail = re.search(r'<nav class="breadcrumbs" aria-label="当前位置">(.*?)</nav>', html, re.S)[1]
    assert f'<a href="{reverse("disclosure:index")}">政务公开</a>' in trail
    assert trail.rstrip().endswith('<span aria-current="page">依申请公开</span>')


def test_apply_online_then_receipt_shows_code_once(client):
    response = post_form(client)
    info_request = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "disclosure:request-receipt", args=[info_request.tracking_number]
    )
    html = client.get(response["Location"]).content.decode()
    assert info_request.tracking_number in html and "查询码只显示这一次" in html
    assert "查询码只显示这一次" not in client.get(response["Location"]).content.decode()
    assert info_request.status == InformationRequest.Status.SUBMITTED
    assert info_request.submitter_ip == "127.0.0.1"
    assert info_request.events.get().kind == "submitted"


def test_organisation_application(client):
    data = organisation_data(applicant_type="legal_service", credit_code=VALID_CREDIT_CODE.lower())
    assert post_form(client, **data).status_code == 302
    info_request = InformationRequest.objects.get()
    assert info_request.credit_code == VALID_CREDIT_CODE
    assert info_request.applicant_type == "legal_service" and info_request.id_number == ""


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"credit_code": "91330200MA2AB1C2DK"}, "credit_code", "校验位不正确"),
        ({"credit_code": ""}, "credit_code", "请填写统一社会信用代码"),
        ({"legal_representative": ""}, "legal_representative", "请填写法定代表人或负责人"),
        ({"phone": "12345"}, "phone", "请填写正确的手机号码或固定电话"),
        ({"delivery_form": "email", "email": ""}, "email", "请填写电子邮箱"),
        ({"description": ""}, "description", "请填写所需信息的内容描述"),
    ],
)
def test_organisation_errors_are_chinese_and_input_kept(client, data, field, message):
    response = post_form(client, **{**organisation_data(), **data})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert "江川市宏远置业有限公司" in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_person_needs_a_valid_id_number(client):
    response = post_form(client, id_number="330200198506123214")
    assert "校验位不正确" in " ".join(response.context["form"].errors["id_number"])
    response = post_form(client, id_type="", id_number="")
    assert set(response.context["form"].errors) == {"id_type", "id_number"}


def test_honeypot_and_captcha(client):
    assert post_form(client, website="http://spam.example").status_code == 200
    response = client.post(FORM, {**person_data(), "captcha": ""})
    assert "人机验证未完成" in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_rate_limit_per_phone(client, settings):
    settings.PUBLIC_FORM_RATES = {"ip": "100/h", "phone": "2/h"}
    for _ in range(2):
        assert post_form(client).status_code == 302
    assert post_form(client).status_code == 429
    assert InformationRequest.objects.count() == 2


def test_lookup_needs_the_right_code(client):
    info_request, code = online_request(date(2025, 3, 3))
    status_url = reverse("disclosure:request-status", args=[info_request.tracking_number])
    assert client.get(status_url)["Location"] == LOOKUP
    response = unlock(client, info_request, "AAAAAAAA")
    assert "申请编号或查询码不正确" in response.content.decode()
    response = client.post(LOOKUP, {"tracking_number": "YSQ2099-9999", "query_code": code})
    assert "申请编号或查询码不正确" in response.content.decode()
    assert unlock(client, info_request, code.lower())["Location"] == status_url


def test_status_shows_dates_notices_reply_and_masks(client, disclosure_office):
    info_request = received_request(date(2025, 9, 26))
    info_request.request_correction(
        by=disclosure_office, items="请写明地块编号", now=at(date(2025, 9, 29))
    )
    info_request.record_correction(
        by=disclosure_office, corrected_on=date(2025, 10, 9), now=at(date(2025, 10, 9))
    )
    info_request.extend(
        by=disclosure_office, days=10, reason="需调取档案", now=at(date(2025, 10, 20))
    )
    info_request.reply(
        by=disclosure_office,
        reply_type="2",
        legal_basis="《条例》第三十七条",
        text="部分公开，个人信息已作区分处理。",
        now=at(date(2025, 11, 10)),
    )
    InformationRequestAttachment.objects.create(
        request=info_request,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf"),
        original_name="补偿方案.pdf",
    )
    session = client.session
    session["disclosure:request-verified"] = [info_request.tracking_number]
    session.save()
    url = reverse("disclosure:request-status", args=[info_request.tracking_number])
    html = client.get(url).content.decode()
    assert "已答复" in html and "部分公开" in html
    # 9 Oct + 20 working days (11 Oct, a Saturday, worked) = 5 Nov; + 10 extension = 19 Nov.
    assert "2025年11月19日" in html
    assert "告知补正" in html and "延长答复期限" in html and "收到补正" in html
    assert "政府信息公开申请补正通知书" in html and "政府信息公开申请延期答复告知书" in html
    assert "张**" in html and "张建华" not in html
    assert "13812345678" not in html and "330200198506123213" not in html
    assert "到期提醒" not in html
    letter = info_request.letters.get(kind="reply")
    letter_url = reverse(
        "disclosure:request-letter", args=[info_request.tracking_number, letter.pk]
    )
    assert "依据：《条例》第三十七条" in client.get(letter_url).content.decode()
    pdf = client.get(letter_url, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    file = info_request.attachments.get()
    download = client.get(
        reverse("disclosure:request-attachment", args=[info_request.tracking_number, file.pk])
    )
    assert download.status_code == 200


def test_other_visitors_get_neither_letters_nor_files(client, disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    info_request.reply(by=disclosure_office, reply_type="1", legal_basis="x", text="y")
    letter = info_request.letters.get()
    url = reverse("disclosure:request-letter", args=[info_request.tracking_number, letter.pk])
    assert client.get(url)["Location"] == LOOKUP


def test_third_party_letter_is_not_shown_to_the_applicant(client, disclosure_office):
    info_request = received_request(date(2025, 3, 3))
    info_request.request_third_party_opinion(
        by=disclosure_office, third_party="某公司", now=at(date(2025, 3, 5))
    )
    session = client.session
    session["disclosure:request-verified"] = [info_request.tracking_number]
    session.save()
    letter = info_request.letters.get()
    url = reverse("disclosure:request-letter", args=[info_request.tracking_number, letter.pk])
    assert client.get(url).status_code == 404


def test_applicant_withdraws(client):
    info_request, code = online_request(date(2025, 3, 3))
    unlock(client, info_request, code)
    url = reverse("disclosure:request-withdraw", args=[info_request.tracking_number])
    assert client.post(url, {"reason": ""}).status_code == 400  # not confirmed
    client.post(url, {"reason": "已自行查到", "confirm": "on"})
    info_request.refresh_from_db()
    assert info_request.status == InformationRequest.Status.WITHDRAWN


@pytest.mark.parametrize("events", [1, 10])
def test_status_page_queries(client, disclosure_office, django_assert_max_num_queries, events):
    """Session, request, events, letters, attachments, site settings (+ save of the session)."""
    info_request = received_request(date(2025, 3, 3))
    for _ in range(events):
        info_request.events.create(kind="received", note="记录")
    session = client.session
    session["disclosure:request-verified"] = [info_request.tracking_number]
    session.save()
    client.get(reverse("disclosure:request-status", args=[info_request.tracking_number]))
    with django_assert_max_num_queries(7):
        client.get(reverse("disclosure:request-status", args=[info_request.tracking_number]))


def test_form_page_queries(client, django_assert_max_num_queries):
    """The site settings (cached after the first request)."""
    client.get(FORM)
    with django_assert_max_num_queries(2):
        assert client.get(FORM).status_code == 200
