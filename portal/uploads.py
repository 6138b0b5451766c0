"""Safe attachments: checked by content (not by name), size-capped, stored under random names.

Catalog items and service guides keep their files in concrete models inheriting `Attachment`;
the public gets them through `attachment_response()` as downloads with the original name.
"""

import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone

# extension -> (kind, label). The kind is what the file's first bytes must show.
ALLOWED_TYPES = {
    ".pdf": ("pdf", "PDF"),
    ".doc": ("ole", "Word"),
    ".xls": ("ole", "Excel"),
    ".wps": ("ole", "WPS 文字"),
    ".et": ("ole", "WPS 表格"),
    ".docx": ("ooxml", "Word"),
    ".xlsx": ("ooxml", "Excel"),
    ".ofd": ("ofd", "OFD 版式文件"),
    ".zip": ("zip", "ZIP 压缩包"),
    ".jpg": ("jpeg", "JPG 图片"),
    ".jpeg": ("jpeg", "JPG 图片"),
    ".png": ("png", "PNG 图片"),
}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png"}
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "ole": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "zip": [b"PK\x03\x04"],
    "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG\r\n\x1a\n"],
}


def max_upload_bytes():
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def detect_kind(head, fileobj):
    """Return the kind of file the content shows, or None."""
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            if kind != "zip":
                return kind
            try:
                fileobj.seek(0)
                names = set(zipfile.ZipFile(fileobj).namelist())
            except (zipfile.BadZipFile, OSError, ValueError):
                return None
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "OFD.xml" in names:
                return "ofd"
            return "zip"
    return None


def validate_upload(upload):
    """Refuse a file whose extension is not allowed, whose content does not match it, or that is
    too large. The message says which, in Chinese."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES:
        allowed = "、".join(sorted({label for _, label in ALLOWED_TYPES.values()}))
        raise ValidationError(
            f"不支持上传“{extension or '无扩展名'}”类型的文件，仅支持：{allowed}", code="file_type"
        )
    if upload.size > max_upload_bytes():
        raise ValidationError(
            f"文件过大（{upload.size / 1048576:.1f} MB），单个文件不能超过 "
            f"{max_upload_bytes() // 1048576} MB",
            code="file_too_large",
        )
    if upload.size == 0:
        raise ValidationError("文件是空的，请重新选择", code="file_empty")
    upload.seek(0)
    head = upload.read(16)
    kind = detect_kind(head, upload)
    upload.seek(0)
    expected = ALLOWED_TYPES[extension][0]
    if kind != expected:
        raise ValidationError(
            f"文件内容与扩展名“{extension}”不符（例如把网页或程序改名为 {extension}），"
            "请上传真实的文件",
            code="file_content_mismatch",
        )


def random_upload_path(instance, filename):
    """Store under a random name; the original name is kept in the row, never in the path."""
    extension = os.path.splitext(filename)[1].lower()
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A file attached to a published record (concrete tables per app)."""

    file = models.FileField(
        "文件", upload_to=random_upload_path, validators=[validate_upload], max_length=200
    )
    original_name = models.CharField("文件名", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.original_name or os.path.basename(self.file.name)

    def save(self, *args, **kwargs):
        upload = self.file.file if self.file and not self.file._committed else None
        if upload is not None:
            if not self.original_name:
                self.original_name = os.path.basename(upload.name)[:200]
            self.size = upload.size
        super().save(*args, **kwargs)

    @property
    def extension(self):
        return os.path.splitext(self.file.name)[1].lower()

    @property
    def type_label(self):
        return ALLOWED_TYPES.get(self.extension, ("", "文件"))[1]

    def is_image(self):
        return self.extension in IMAGE_EXTENSIONS


def attachment_response(attachment):
    """Serve an attachment as a download with its original file name."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # A row whose file was lost (a restore without media): a missing page, not an error.
        raise Http404("附件文件不存在") from None
    response = FileResponse(handle, as_attachment=True, filename=str(attachment))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
