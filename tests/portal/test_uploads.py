import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import validate_upload


def zipped(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


OK = {
    "通知.pdf": b"%PDF-1.7\n...",
    "表格.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20,
    "表格.wps": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20,
    "申请表.docx": zipped(["[Content_Types].xml", "word/document.xml"]),
    "清单.xlsx": zipped(["[Content_Types].xml", "xl/workbook.xml"]),
    "公文.ofd": zipped(["OFD.xml", "Doc_0/Document.xml"]),
    "材料.zip": zipped(["a.txt"]),
    "照片.jpg": b"\xff\xd8\xff\xe0" + b"\0" * 20,
    "截图.PNG": b"\x89PNG\r\n\x1a\n" + b"\0" * 20,
}


@pytest.mark.parametrize(("name", "content"), OK.items())
def test_real_files_are_accepted(name, content):
    validate_upload(SimpleUploadedFile(name, content))


def test_html_renamed_pdf_is_refused_with_clear_message():
    upload = SimpleUploadedFile("通知.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload)
    assert excinfo.value.code == "file_content_mismatch"
    assert "文件内容与扩展名“.pdf”不符" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("页面.html", b"<html></html>", "file_type"),
        ("图.svg", b"<svg onload=alert(1)>", "file_type"),
        ("程序.exe", b"MZ\x90\x00", "file_type"),
        ("无扩展名", b"%PDF-1.4", "file_type"),
        ("假的.docx", zipped(["a.txt"]), "file_content_mismatch"),
        ("假的.jpg", b"\x89PNG\r\n\x1a\n", "file_content_mismatch"),
        ("空.pdf", b"", "file_empty"),
    ],
)
def test_bad_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile(name, content))
    assert excinfo.value.code == code


def test_size_cap(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 2048))
    assert excinfo.value.code == "file_too_large"
    assert "不能超过" in excinfo.value.messages[0]
