"""Files citizens attach to a 留言 or an application: checked by content, private to staff."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Message, MessageAttachment
from disclosure.models import InformationRequest, SupportingDocument
from portal import uploads
from portal.models import AuditEntry
from tests.captcha import solved_captcha
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.disclosure.request_factories import person_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def png(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def refuse_everything(upload):
    return "检出病毒 Eicar-Test-Signature"


def broken_scanner(upload):
    raise ConnectionError("scanner down")


# The field ------------------------------------------------------------------------------------
def test_an_executable_named_pdf_is_refused():
    field = uploads.CitizenFilesField()
    with pytest.raises(ValidationError) as error:
        field.clean([SimpleUploadedFile("身份证.pdf", EXE)])
    assert "“身份证.pdf”" in error.value.messages[0]
    assert "内容与扩展名" in error.value.messages[0]


def test_archives_are_not_taken_from_citizens():
    with pytest.raises(ValidationError, match="不支持上传"):
        uploads.CitizenFilesField().clean([SimpleUploadedFile("材料.zip", b"PK\x03\x04" + PNG)])


def test_an_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "CITIZEN_MAX_BYTES", 1024)
    big = SimpleUploadedFile("大图.png", PNG + b"\x00" * 2048)
    with pytest.raises(ValidationError, match="文件过大"):
        uploads.CitizenFilesField().clean([big])


def test_too_many_files_are_refused():
    files = [png(f"照片{i}.png") for i in range(uploads.CITIZEN_MAX_FILES + 1)]
    with pytest.raises(ValidationError, match=f"最多上传{uploads.CITIZEN_MAX_FILES}个附件"):
        uploads.CitizenFilesField().clean(files)
    assert len(uploads.CitizenFilesField().clean(files[:-1])) == uploads.CITIZEN_MAX_FILES


def test_the_deployments_scanner_refuses_and_a_failing_scanner_refuses_too(settings):
    settings.UPLOAD_SCAN_HOOK = "tests.portal.test_citizen_attachments.refuse_everything"
    with pytest.raises(ValidationError, match="未通过安全检查：检出病毒"):
        uploads.CitizenFilesField().clean([png()])
    settings.UPLOAD_SCAN_HOOK = "tests.portal.test_citizen_attachments.broken_scanner"
    with pytest.raises(ValidationError, match="暂时无法完成"):
        uploads.CitizenFilesField().clean([png()])
    settings.UPLOAD_SCAN_HOOK = ""
    assert uploads.CitizenFilesField().clean([png()])


# The forms ------------------------------------------------------------------------------------
@pytest.fixture
def category(department):
    return MessageCategoryFactory(name="违法用地", department=department)


def message_data(category, **overrides):
    return {
        "kind": "complaint",
        "category": category.pk,
        "subject": "青石村有人违法占用耕地建房",
        "body": "青石村村口有人在基本农田上建房，已经打好地基，请尽快查处。",
        "sender_name": "王秀英",
        "sender_phone": "13912345678",
        "sender_email": "",
        "has_publication_consent": "0",
        "website": "",
        **solved_captcha(),
        **overrides,
    }


def test_message_form_offers_the_file_input_with_its_hint(client):
    html = client.get(reverse("complaints:message-create")).text
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="attachments"' in html and "multiple" in html
    assert f"最多{uploads.CITIZEN_MAX_FILES}个" in html and "不会公开" in html


def test_a_message_keeps_its_photo_in_private_storage(client, category, settings):
    response = client.post(
        reverse("complaints:message-create"),
        message_data(category, attachments=[png(), SimpleUploadedFile("说明.pdf", PDF)]),
    )
    assert response.status_code == 302
    message = Message.objects.get()
    names = sorted(a.original_name for a in message.attachments.all())
    assert names == ["现场照片.png", "说明.pdf"]
    stored = message.attachments.first().file
    assert stored.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        stored.url  # noqa: B018 -- no public address exists


def test_a_refused_file_is_a_field_error_and_the_text_stays(client, category):
    response = client.post(
        reverse("complaints:message-create"),
        message_data(category, attachments=[SimpleUploadedFile("照片.pdf", EXE)]),
    )
    assert response.status_code == 200
    html = response.text
    assert "内容与扩展名" in html and "id_attachments_errors" in html
    assert "青石村有人违法占用耕地建房" in html and "王秀英" in html
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()


def test_an_application_keeps_its_supporting_documents(client):
    data = {**person_data(), **solved_captcha(), "website": ""}
    data["attachments"] = [SimpleUploadedFile("身份证复印件.pdf", PDF)]
    response = client.post(reverse("disclosure:request-form"), data)
    assert response.status_code == 302, response.text
    info_request = InformationRequest.objects.get()
    assert [d.original_name for d in info_request.supporting_documents.all()] == [
        "身份证复印件.pdf"
    ]


# Who gets the files ---------------------------------------------------------------------------
@pytest.fixture
def message_with_photo(department):
    message = MessageFactory(category__department=department)
    return message, MessageAttachment.objects.create(message=message, file=png())


def file_url(message, attachment):
    return reverse("admin:complaints_message_private_attachment", args=[message.pk, attachment.pk])


def test_the_departments_staff_get_the_file(client, message_with_photo, department_head, officer):
    message, attachment = message_with_photo
    for user in (department_head, officer):
        client.force_login(user)
        response = client.get(file_url(message, attachment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
    change = client.get(reverse("admin:complaints_message_change", args=[message.pk]))
    assert file_url(message, attachment) in change.text and "现场照片.png" in change.text
    # Each download is in the audit log (who, which case; never the file's name).
    downloads = AuditEntry.objects.filter(detail__startswith="下载附件")
    assert downloads.count() == 2
    assert message.tracking_number in downloads.first().detail
    assert "现场照片" not in downloads.first().detail


def test_nobody_else_gets_the_file(client, message_with_photo, other_department):
    from tests.conftest import make_staff

    message, attachment = message_with_photo
    assert client.get(file_url(message, attachment)).status_code == 404  # anonymous
    client.force_login(make_staff("科室负责人", other_department, username="other-head"))
    assert client.get(file_url(message, attachment)).status_code == 404
    # An attachment of another message, through this message's address.
    other = MessageFactory()
    other_file = MessageAttachment.objects.create(message=other, file=png())
    client.force_login(make_staff("科室负责人", message.department, username="own-head"))
    wrong = reverse("admin:complaints_message_private_attachment", args=[message.pk, other_file.pk])
    assert client.get(wrong).status_code == 404


def test_application_documents_only_for_the_office(client, disclosure_office, department_head):
    info_request = InformationRequest.objects.create(
        tracking_number="YSQ2026-0001",
        query_code_hash="x",
        **person_data(),
    )
    document = SupportingDocument.objects.create(
        request=info_request, file=SimpleUploadedFile("授权委托书.pdf", PDF)
    )
    url = reverse(
        "admin:disclosure_informationrequest_private_attachment",
        args=[info_request.pk, document.pk],
    )
    assert client.get(url).status_code == 404
    client.force_login(department_head)
    assert client.get(url).status_code in {403, 404}
    client.force_login(disclosure_office)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    change = client.get(
        reverse("admin:disclosure_informationrequest_change", args=[info_request.pk])
    )
    assert "授权委托书.pdf" in change.text


def test_published_message_page_shows_no_attachment(client, message_with_photo, officer, reviewer):
    from tests.complaints.factories import published

    message, attachment = message_with_photo
    published(message, replier=officer, reviewer=reviewer)
    html = client.get(message.get_absolute_url()).text
    assert message.public_subject in html
    assert "现场照片" not in html and "fujian" not in html
