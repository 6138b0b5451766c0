"""Orchestration of 办事服务 with files and the outside world: result imports, the forms ZIP, link
checks, and the news the lobby screens borrow from the catalog."""

import io
import os
import re
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.exports import read_table
from services.models import ApprovalResult, MaterialForm, ServiceGuide

MAX_IMPORT_ROWS = 5000
# Column title in the file -> field. The first title of each field is the one the template shows.
IMPORT_COLUMNS = {
    "受理编号": "tracking_number",
    "事项编码": "guide_code",
    "申请人": "applicant_name",
    "申请人类型": "applicant_kind",
    "受理日期": "accepted_on",
    "状态": "status",
    "办结日期": "completed_on",
    "办理结果": "result",
    "结果": "result",
}
REQUIRED_COLUMNS = ["受理编号", "事项编码", "申请人", "申请人类型", "受理日期", "状态"]
KIND_LABELS = {
    "个人": ApprovalResult.ApplicantKind.PERSON,
    "自然人": ApprovalResult.ApplicantKind.PERSON,
    "单位": ApprovalResult.ApplicantKind.ORGANISATION,
    "企业": ApprovalResult.ApplicantKind.ORGANISATION,
    "法人": ApprovalResult.ApplicantKind.ORGANISATION,
    "法人或其他组织": ApprovalResult.ApplicantKind.ORGANISATION,
}
STATUS_LABELS = {label: value for value, label in ApprovalResult.Status.choices}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class ResultRow:
    """One data row of an import file: what it says and the result it would create or update."""

    line: int
    data: dict
    instance: ApprovalResult | None = None
    is_new: bool = True
    errors: list = field(default_factory=list)

    def as_session(self):
        return {"line": self.line, **self.data}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    """Return (iso date or "", error or None) for a cell."""
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    text = _text(value)
    if not text:
        return "", None
    match = DATE_RE.match(text)
    if match:
        try:
            return date(*(int(part) for part in match.groups())).isoformat(), None
        except ValueError:
            pass
    return "", f"日期“{text}”无效，请写成 2026-11-25 的格式"


def parse_result_file(upload):
    """Return (row dicts, file-level errors) of an uploaded CSV/XLSX of results."""
    try:
        table = read_table(upload)
    except ValidationError as exc:
        return [], exc.messages
    table = [row for row in table if any(_text(cell) for cell in row)]
    if not table:
        return [], ["文件中没有数据"]
    header = [_text(cell) for cell in table[0]]
    missing = [title for title in REQUIRED_COLUMNS if title not in header]
    if missing:
        return [], ["缺少列：" + "、".join(missing) + "（第一行应为列标题）"]
    if len(table) - 1 > MAX_IMPORT_ROWS:
        return [], [f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入"]
    positions = {
        IMPORT_COLUMNS[title]: index
        for index, title in enumerate(header)
        if title in IMPORT_COLUMNS
    }
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        data, errors = {}, []
        for name, index in positions.items():
            value = cells[index]
            if name in {"accepted_on", "completed_on"}:
                data[name], error = _date(value)
                if error:
                    errors.append(error)
            else:
                data[name] = _text(value)
        data.setdefault("result", "")
        data.setdefault("completed_on", "")
        data["parse_errors"] = errors
        data["line"] = number
        rows.append(data)
    return rows, []


def validate_result_rows(rows, *, guides):
    """Turn row dicts into unsaved results; return (ResultRow list, Chinese error lines)."""
    guides_by_code = {
        guide.code: guide for guide in guides.filter(code__in={r["guide_code"] for r in rows})
    }
    existing = {
        result.tracking_number: result
        for result in ApprovalResult.objects.filter(
            tracking_number__in={r["tracking_number"] for r in rows}
        )
    }
    seen, parsed, errors = {}, [], []
    for data in rows:
        line = data.get("line", 0)
        row = ResultRow(line=line, data={k: v for k, v in data.items() if k not in {"line"}})
        row.data["parse_errors"] = []
        row.errors = list(data.get("parse_errors", []))
        number = data["tracking_number"]
        if not number:
            row.errors.append("受理编号不能为空")
        elif number in seen:
            row.errors.append(f"受理编号“{number}”与第{seen[number]}行重复")
        else:
            seen[number] = line
        guide = guides_by_code.get(data["guide_code"])
        if guide is None:
            row.errors.append(
                f"事项编码“{data['guide_code']}”不存在或不属于您的科室"
                if data["guide_code"]
                else "事项编码不能为空"
            )
        kind = KIND_LABELS.get(data["applicant_kind"])
        if kind is None:
            row.errors.append(f"申请人类型“{data['applicant_kind']}”无效，应为：个人 或 单位")
        status = STATUS_LABELS.get(data["status"])
        if status is None:
            row.errors.append(f"状态“{data['status']}”无效，应为：" + "、".join(STATUS_LABELS))
        if not data["accepted_on"] and not data.get("parse_errors"):
            row.errors.append("受理日期不能为空")
        if not row.errors:
            instance = existing.get(number) or ApprovalResult(tracking_number=number)
            row.is_new = instance.pk is None
            if not row.is_new and instance.guide_id != guide.pk:
                row.errors.append("该受理编号已录入为其他事项，不能改为本事项")
            instance.guide = guide
            instance.applicant_kind = kind
            instance.applicant_name = data["applicant_name"]
            instance.accepted_on = date.fromisoformat(data["accepted_on"])
            instance.status = status
            instance.completed_on = (
                date.fromisoformat(data["completed_on"]) if data["completed_on"] else None
            )
            instance.result = data["result"]
            try:
                instance.full_clean(validate_unique=row.is_new)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    label = (
                        ApprovalResult._meta.get_field(name).verbose_name
                        if name != "__all__"
                        else ""
                    )
                    row.errors.extend(f"{label}：{m}" if label else m for m in messages)
            row.instance = instance
        errors.extend(f"第{line}行：{message}" for message in row.errors)
        parsed.append(row)
    return parsed, errors


def read_result_rows(upload, *, guides):
    """Read and check an uploaded file for the preview; return (rows, error lines)."""
    rows, errors = parse_result_file(upload)
    if errors:
        return [], errors
    return validate_result_rows(rows, guides=guides)


@transaction.atomic
def import_approval_results(*, rows: list[dict], guides) -> tuple[int, int]:
    """Create or update every previewed result in one transaction; any error saves nothing."""
    parsed, errors = validate_result_rows(rows, guides=guides)
    if errors:
        raise ValidationError(errors, code="import_errors")
    created = updated = 0
    for row in parsed:
        row.instance.save()
        if row.is_new:
            created += 1
        else:
            updated += 1
    return created, updated


# Forms ZIP -----------------------------------------------------------------------------------
def build_forms_zip(guide: ServiceGuide) -> bytes:
    """Return a ZIP of every form of the guide's materials, under their original names."""
    buffer = io.BytesIO()
    used = set()
    files = MaterialForm.objects.filter(material__guide=guide).order_by(
        "material__order", "material_id", "kind", "order", "pk"
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for form in files:
            if not form.file:
                continue
            name = str(form)
            stem, extension = os.path.splitext(name)
            counter = 2
            while name in used:
                name = f"{stem}（{counter}）{extension}"
                counter += 1
            used.add(name)
            try:
                with form.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                continue  # reported by check_form_links; the other forms are still useful
    return buffer.getvalue()


# Link check ----------------------------------------------------------------------------------
def check_url(url, *, timeout=5):
    """Return None if the URL answers with a success or redirect, else the problem in Chinese."""
    if not url.lower().startswith(("http://", "https://")):
        return "不是 http(s) 地址"
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, method="HEAD", headers={"User-Agent": "portal-linkcheck"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if response.status >= 400:
                return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        if exc.code == 405:  # some servers refuse HEAD; GET decides
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                    return None if response.status < 400 else f"HTTP {response.status}"
            except (urllib.error.URLError, OSError, ValueError) as inner:
                return f"无法访问（{inner}）"
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"无法访问（{getattr(exc, 'reason', exc)}）"
    return None


def find_broken_links(*, timeout=5, check_online=True):
    """Return (guide, what, target, problem) for each missing form file and dead 网上办理 link."""
    broken = []
    forms = MaterialForm.objects.select_related("material__guide").order_by(
        "material__guide__name", "material__order", "pk"
    )
    for form in forms:
        if not form.file or not form.file.storage.exists(form.file.name):
            broken.append(
                (form.material.guide, f"表格“{form}”", form.file.name or "（无文件）", "文件不存在")
            )
    if check_online:
        for guide in ServiceGuide.objects.exclude(online_url="").exclude(
            status=ServiceGuide.Status.WITHDRAWN
        ):
            problem = check_url(guide.online_url, timeout=timeout)
            if problem:
                broken.append((guide, "网上办理地址", guide.online_url, problem))
    return broken


# News from the catalog, for the lobby screens ------------------------------------------------
def latest_news(*, count=6):
    """Return the newest public catalog items, or [] when the catalog is not installed.

    Read through the app registry: 办事服务 does not import the 政务公开 app (STYLE.md §2).
    """
    try:
        item_model = apps.get_model("disclosure", "Item")
    except LookupError:
        return []
    public = getattr(item_model.objects, "public", None)
    if public is None:
        return []
    return list(
        public().order_by("-published_at", "-pk").only("pk", "title", "published_at")[:count]
    )


def send_rectification_reminders(*, now: datetime | None = None) -> dict:
    """Remind the department of a 差评 整改 five working days before its deadline and escalate to
    局领导 and the 政务公开办 when it has passed, once each (stamped like the message desk's
    sweep); then mail every reminder still undelivered (portal.staff_notices)."""
    from portal import staff_notices
    from services.models import RectificationCase

    now = now or timezone.now()
    today = timezone.localdate(now)
    reminded = escalated = 0
    cases = RectificationCase.objects.select_related("rating", "department")
    for case in cases.due_for_reminder(today=today):
        with transaction.atomic():
            if case.mark_reminded(now=now):  # the staff notices come with the event
                reminded += 1
    for case in cases.due_for_escalation(today=today):
        with transaction.atomic():
            if case.mark_escalated(now=now):
                escalated += 1
    mail = staff_notices.deliver_due_reminders(RectificationCase)
    return {"reminded": reminded, "escalated": escalated, "mail": mail}
