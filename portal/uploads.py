"""Safe attachments: checked by content (not by name), size-capped, stored under random names.

Catalog items and service guides keep their files in concrete models inheriting `Attachment`;
the public gets them through `attachment_response()` as downloads with the original name.

Files citizens attach to a 留言 or an application (`PrivateAttachment`, `CitizenFilesField`) are
private: stored under settings.PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, with no URL, and served
only to staff through the case's admin (`portal.admin.PrivateAttachmentsAdmin`).

Every upload also passes settings.UPLOAD_SCAN_HOOK, the dotted path of a deployment's own virus
scanner (a callable taking the uploaded file; it raises ValidationError or returns a reason to
refuse it). Without one, nothing is scanned here.
"""

import logging
import os
import uuid
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

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


def validate_upload(upload, *, extensions=None, max_bytes=None):
    """Refuse a file whose extension is not allowed, whose content does not match it, that is
    too large, or that the deployment's scanner refuses. The message says which, in Chinese.

    `extensions` narrows ALLOWED_TYPES (citizens' files); `max_bytes` lowers the cap."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    allowed_types = {
        ext: kind for ext, kind in ALLOWED_TYPES.items() if extensions is None or ext in extensions
    }
    if extension not in allowed_types:
        allowed = "、".join(sorted({label for _, label in allowed_types.values()}))
        raise ValidationError(
            f"不支持上传“{extension or '无扩展名'}”类型的文件，仅支持：{allowed}", code="file_type"
        )
    limit = max_bytes or max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"文件过大（{upload.size / 1048576:.1f} MB），单个文件不能超过 {limit // 1048576} MB",
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
    scan_upload(upload)


def scan_upload(upload):
    """Pass upload to the deployment's virus scanner (settings.UPLOAD_SCAN_HOOK), if any.

    A scanner that fails refuses the file: an unscanned file is never accepted once a scanner is
    configured."""
    hook = getattr(settings, "UPLOAD_SCAN_HOOK", "")
    if not hook:
        return
    try:
        upload.seek(0)
        reason = import_string(hook)(upload)
    except ValidationError:
        raise
    except Exception:
        logger.exception("The upload scanner %s failed on %s", hook, upload.name)
        raise ValidationError(
            "文件安全检查暂时无法完成，请稍后再试", code="file_scan_failed"
        ) from None
    finally:
        upload.seek(0)
    if reason:
        raise ValidationError(f"文件未通过安全检查：{reason}", code="file_infected")


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


# What citizens may attach: images and PDF/Office files (no archives, which hide what is inside).
CITIZEN_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et"}
)
CITIZEN_MAX_FILES = 3
CITIZEN_MAX_BYTES = 10 * 1024 * 1024


def validate_citizen_upload(upload):
    """Refuse a citizen's file that is not an image or PDF/Office file, or larger than 10 MB."""
    validate_upload(upload, extensions=CITIZEN_EXTENSIONS, max_bytes=CITIZEN_MAX_BYTES)


class PrivateStorage(FileSystemStorage):
    """Files only staff may fetch, through a view: under PRIVATE_MEDIA_ROOT, with no URL."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("群众上传的附件没有公开地址，只能在管理后台下载")


def private_storage():
    return PrivateStorage()


def private_upload_path(instance, filename):
    """Store under a random name in the private storage."""
    extension = os.path.splitext(filename)[1].lower()
    return f"citizen/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class PrivateAttachment(Attachment):
    """A file a citizen attached to a case: private to staff, never public (concrete per app)."""

    file = models.FileField(
        "文件",
        upload_to=private_upload_path,
        storage=private_storage,
        validators=[validate_citizen_upload],
        max_length=200,
    )

    class Meta(Attachment.Meta):
        abstract = True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CitizenFilesField(forms.FileField):
    """A citizen form's optional 附件: up to CITIZEN_MAX_FILES images or PDF/Office files, each
    checked by content; cleaned to a list of uploads."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        labels = "JPG、PNG 图片或 PDF、Word、Excel、WPS 文件"
        kwargs.setdefault("label", "附件（选填）")
        kwargs.setdefault(
            "help_text",
            f"可上传{labels}，最多{CITIZEN_MAX_FILES}个，每个不超过"
            f"{CITIZEN_MAX_BYTES // 1048576} MB。附件仅供工作人员办理使用，不会公开。"
            "如提交未成功，请重新选择附件。",
        )
        super().__init__(required=False, **kwargs)
        self.widget.attrs["accept"] = ",".join(sorted(CITIZEN_EXTENSIONS))

    def clean(self, data, initial=None):
        uploads = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        if len(uploads) > CITIZEN_MAX_FILES:
            raise ValidationError(
                f"最多上传{CITIZEN_MAX_FILES}个附件（您选择了{len(uploads)}个）",
                code="too_many_files",
            )
        errors = []
        for upload in uploads:
            try:
                validate_citizen_upload(upload)
            except ValidationError as error:
                name = os.path.basename(upload.name or "")
                errors += [f"“{name}”：{message}" for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return uploads


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
