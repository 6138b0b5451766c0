"""The content-safety word lists (内容安全词库, `SensitiveTerm`) in and out of spreadsheets.

Export writes the columns below with their Chinese labels (CSV or XLSX, `portal.exports`);
import reads the same columns back, matches each row to an entry by 类别 + 词条, and says per row
whether it adds, changes (which fields), leaves unchanged or cannot take it (and why). Entries
missing from the file are left as they are: an import adds and changes, it never deletes.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from . import content_safety
from .exports import read_table
from .models import SensitiveTerm

MAX_IMPORT_ROWS = 10000
ACTIVE_LABELS = {"是": True, "否": False, "启用": True, "停用": False, "1": True, "0": False}
# (field, column title); 词条 and 类别 identify an entry and must be in the file.
COLUMNS = [
    ("term", "词条"),
    ("category", "类别"),
    ("kind", "匹配方式"),
    ("severity", "级别"),
    ("suggestion", "正确写法"),
    ("note", "说明"),
    ("is_active", "启用"),
]
REQUIRED_COLUMNS = ["词条", "类别"]
CHOICES = {
    "category": SensitiveTerm.Category,
    "kind": SensitiveTerm.Kind,
    "severity": SensitiveTerm.Severity,
}


def export_rows(terms):
    """Yield the header, then one row of Chinese cells per entry."""
    yield [title for _name, title in COLUMNS]
    for term in terms:
        yield [
            term.term,
            term.get_category_display(),
            term.get_kind_display(),
            term.get_severity_display(),
            term.suggestion,
            term.note,
            "是" if term.is_active else "否",
        ]


def _display(name, value):
    if name == "is_active":
        return "是" if value else "否"
    if name in CHOICES:
        return CHOICES[name](value).label
    return value or "（空）"


@dataclass
class TermRow:
    """One data row of an import file and what importing it would do."""

    line: int
    data: dict
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # "级别：警告→阻断"
    instance: SensitiveTerm | None = None
    is_new: bool = False

    @property
    def outcome(self):
        if self.errors:
            return "错误"
        if self.is_new:
            return "新增"
        return "修改" if self.changes else "不变"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_file(upload):
    """Return (row dicts, file-level errors) of an uploaded CSV/XLSX word list."""
    try:
        table = read_table(upload)
    except ValidationError as exc:
        return [], exc.messages
    table = [row for row in table if any(_cell(cell) for cell in row)]
    if not table:
        return [], ["文件中没有数据"]
    header = [_cell(cell) for cell in table[0]]
    missing = [title for title in REQUIRED_COLUMNS if title not in header]
    if missing:
        return [], ["缺少列：" + "、".join(missing) + "（第一行应为列标题，与导出的文件相同）"]
    if len(table) - 1 > MAX_IMPORT_ROWS:
        return [], [f"一次最多导入 {MAX_IMPORT_ROWS} 行，请分批导入"]
    positions = {name: header.index(title) for name, title in COLUMNS if title in header}
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        cells = list(cells) + [None] * (len(header) - len(cells))
        rows.append({"line": line, **{name: _cell(cells[i]) for name, i in positions.items()}})
    return rows, []


def check_rows(rows):
    """Match row dicts to the word list; return [TermRow] with each row's outcome."""
    by_label = {name: {c.label: c.value for c in choices} for name, choices in CHOICES.items()}
    values = {name: {c.value for c in choices} for name, choices in CHOICES.items()}
    existing = {(t.category, t.term): t for t in SensitiveTerm.objects.all()}
    seen, checked = {}, []
    for data in rows:
        row = TermRow(line=data["line"], data=data)
        cleaned = {}
        for name, choices in CHOICES.items():
            text = data.get(name, "")
            if not text:
                continue
            value = by_label[name].get(text, text if text in values[name] else None)
            if value is None:
                options = "、".join(c.label for c in choices)
                row.errors.append(f"{dict(COLUMNS)[name]}“{text}”无效，应为：{options}")
            cleaned[name] = value
        if data.get("is_active"):
            if data["is_active"] not in ACTIVE_LABELS:
                row.errors.append(f"启用“{data['is_active']}”无效，应为：是 或 否")
            cleaned["is_active"] = ACTIVE_LABELS.get(data["is_active"])
        term = data.get("term", "")
        if not term:
            row.errors.append("词条不能为空")
        if not data.get("category"):
            row.errors.append("类别不能为空")
        key = (cleaned.get("category"), term)
        if term and key[0] and key in seen:
            row.errors.append(f"与第{seen[key]}行重复（同一类别下的同一词条）")
        seen.setdefault(key, row.line)
        if not row.errors:
            _apply(row, existing.get(key), term, cleaned)
        checked.append(row)
    return checked


def _apply(row, current, term, cleaned):
    """Set the row's instance to the entry as it would be after the import, noting changes."""
    instance = current or SensitiveTerm(term=term, category=cleaned["category"])
    row.is_new = current is None
    for name in ("suggestion", "note"):
        if name in row.data:
            cleaned[name] = row.data[name]
    for name, value in cleaned.items():
        if value is None or name == "category":
            continue
        before = getattr(instance, name)
        if before != value:
            if not row.is_new:
                title = dict(COLUMNS)[name]
                row.changes.append(f"{title}：{_display(name, before)}→{_display(name, value)}")
            setattr(instance, name, value)
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            title = dict(COLUMNS).get(name, "")
            row.errors.extend(f"{title}：{m}" if title else m for m in messages)
    row.instance = instance


def read_rows(upload):
    """Read and check an uploaded file for the preview; return (rows, file-level errors)."""
    rows, errors = parse_file(upload)
    return (check_rows(rows), []) if not errors else ([], errors)


@transaction.atomic
def import_rows(rows):
    """Add and change the entries of previewed row dicts, all or nothing.

    Return (added, changed, unchanged); raise ValidationError listing the rows' errors if the
    word list changed since the preview so that a row no longer fits.
    """
    checked = check_rows(rows)
    errors = [f"第{row.line}行：{e}" for row in checked for e in row.errors]
    if errors:
        raise ValidationError(errors, code="import_errors")
    new = [row.instance for row in checked if row.is_new]
    changed = [row.instance for row in checked if not row.is_new and row.changes]
    SensitiveTerm.objects.bulk_create(new)
    fields = ["kind", "severity", "suggestion", "note", "is_active", "updated_at"]
    for instance in changed:
        instance.updated_at = instance._meta.get_field("updated_at").pre_save(instance, False)
    SensitiveTerm.objects.bulk_update(changed, fields)
    # Bulk writes send no signals: tell the scanner's cache the list changed.
    content_safety.word_list_changed()
    return len(new), len(changed), len(checked) - len(new) - len(changed)
