"""开放数据: the bulk downloads, one CSV and one JSON Lines file per data set.

A data set is a named public QuerySet and the API schema of its rows: the catalog items of each
column (with its sub-columns, as the column page), the service guides with every element, and
the 办件公示. A row in a file is exactly the row the API returns (api.schemas), so a file and
the API's pages hold the same data; the data dictionary page lists the same schemas' fields.

Files are written under MEDIA_ROOT/<settings.OPEN_DATA_DIR>/, each to a temporary file first and
then renamed, so that a download never sees half a file. The task api.tasks.build_open_data
rebuilds them daily (cron: `manage.py build_open_data --enqueue`); a download of a file not built
yet builds that one on demand. Rows are read in keyset batches (api.pagination), never by OFFSET.
"""

import csv
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from .pagination import keyset_page
from .schemas import ApprovalResultOut, GuideDetailOut, ItemOut

BATCH = 1000
FORMATS = ("csv", "jsonl")


@dataclass(frozen=True)
class Dataset:
    """One data set of the bulk downloads."""

    name: str  # file name without extension
    title: str  # Chinese name on the 开放数据 page
    schema: type  # the API schema of one row
    rows: object  # callable returning the QuerySet of its rows
    ordering: tuple  # the order of the rows (ends with the primary key)

    def path(self, format):
        return open_data_dir() / f"{self.name}.{format}"

    def generated_at(self, format):
        """Return when the file was last built, or None if it does not exist yet."""
        path = self.path(format)
        if not path.exists():
            return None
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())


def open_data_dir():
    return Path(settings.MEDIA_ROOT) / settings.OPEN_DATA_DIR


def _column_rows(column):
    from disclosure.models import Item

    return lambda: Item.objects.public().in_category(column).for_detail()


def _guide_rows():
    from services.models import ServiceGuide

    return ServiceGuide.objects.public().for_detail()


def _result_rows():
    from services.models import ApprovalResult

    return ApprovalResult.objects.for_list()


def datasets():
    """Return the data sets, by name: every visible column, the guides, the 办件公示."""
    from disclosure.models import Category

    found = {}
    for column in Category.objects.public_by_slug().values():
        name = f"items-{column.slug}"
        found[name] = Dataset(
            name=name,
            title=f"政府信息：{column}",
            schema=ItemOut,
            rows=_column_rows(column),
            ordering=("-published_at", "-pk"),
        )
    found["guides"] = Dataset(
        name="guides",
        title="办事指南（含全部要素）",
        schema=GuideDetailOut,
        rows=_guide_rows,
        ordering=("initial", "name", "pk"),
    )
    found["approval-results"] = Dataset(
        name="approval-results",
        title="办件公示（个人申请人已遮盖）",
        schema=ApprovalResultOut,
        rows=_result_rows,
        ordering=("-accepted_on", "-pk"),
    )
    return found


def iter_records(dataset):
    """Yield the rows of dataset as the API returns them (dicts of JSON-ready values)."""
    queryset = dataset.rows()
    cursor = None
    while True:
        rows, cursor = keyset_page(queryset, ordering=dataset.ordering, cursor=cursor, limit=BATCH)
        for row in rows:
            # Through the API's own encoder, so that a file holds the values the API returns.
            data = dataset.schema.model_validate(row).model_dump()
            yield json.loads(json.dumps(data, cls=NinjaJSONEncoder))
        if cursor is None:
            return


def csv_cell(value):
    """Return a value as one spreadsheet cell: lists of text joined, nested data as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "；".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_atomically(target, write):
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def build_dataset(dataset):
    """Write dataset's CSV (UTF-8 with the BOM Excel needs, Chinese headers) and JSON Lines."""
    fields = list(dataset.schema.model_fields)
    headers = [dataset.schema.model_fields[name].title or name for name in fields]

    def write_csv(out):
        out.write("\ufeff")  # as portal.exports.csv_response: Excel reads UTF-8 only with it
        writer = csv.writer(out)
        writer.writerow(headers)
        for record in iter_records(dataset):
            writer.writerow([csv_cell(record[name]) for name in fields])

    def write_jsonl(out):
        for record in iter_records(dataset):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    _write_atomically(dataset.path("csv"), write_csv)
    _write_atomically(dataset.path("jsonl"), write_jsonl)
    return [dataset.path(format) for format in FORMATS]


def build_all():
    """Rebuild every data set; remove files of data sets that no longer exist (a hidden column).

    Return the names built.
    """
    found = datasets()
    for dataset in found.values():
        build_dataset(dataset)
    wanted = {dataset.path(format).name for dataset in found.values() for format in FORMATS}
    directory = open_data_dir()
    if directory.exists():
        for path in directory.iterdir():
            if path.is_file() and path.name not in wanted:
                path.unlink()
    return sorted(found)


def dictionary():
    """Return the data dictionary: for each row schema, its fields' key, name, type, meaning."""
    entries = []
    for title, schema in [
        ("政府信息（items-*）", ItemOut),
        ("办事指南（guides）", GuideDetailOut),
        ("办件公示（approval-results）", ApprovalResultOut),
    ]:
        entries.append((title, schema_fields(schema)))
    return entries


def schema_fields(schema):
    """Return [(key, Chinese name, type, description)] of a schema's fields."""
    properties = schema.model_json_schema()["properties"]
    return [
        (name, field.title or name, type_label(properties[name]), field.description or "")
        for name, field in schema.model_fields.items()
    ]


TYPE_LABELS = {
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "array": "列表",
    "object": "对象",
}
STRING_FORMATS = {"date": "日期（YYYY-MM-DD）", "date-time": "日期时间（ISO 8601）"}


def type_label(property):
    """Return the Chinese name of a JSON schema property's type (and whether it may be empty)."""
    options = property.get("anyOf", [property])
    nullable = any(option.get("type") == "null" for option in options)
    labels = []
    for option in options:
        kind = option.get("type")
        if kind == "null":
            continue
        if kind == "string" or kind is None and "format" in option:
            labels.append(STRING_FORMATS.get(option.get("format"), "文本"))
        elif kind is None:
            labels.append("对象")
        else:
            labels.append(TYPE_LABELS.get(kind, kind))
    label = "或".join(dict.fromkeys(labels)) or "对象"
    return f"{label}，可为空" if nullable else label
