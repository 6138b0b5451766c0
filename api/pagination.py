"""Keyset (cursor) pagination: a page is "the rows after this one", never an OFFSET.

A list is ordered by a few fields ending with the primary key, so the order is total. The cursor
is the last row's values of those fields, base64-encoded JSON; the next page reads the rows that
come after it in that order, which an index on the same fields answers by seeking, however deep
the page. Nothing counts the table: one row more than the page is read to know whether another
page follows.
"""

import base64
import binascii
import json
from datetime import date, datetime

from django.db import models
from django.db.models import Q
from ninja.errors import HttpError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InvalidCursor(HttpError):
    def __init__(self):
        super().__init__(422, "翻页游标（cursor）无效，请使用上一页返回的 next_cursor")


def _encode(values):
    raw = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor, fields):
    """Return the cursor's values converted to the Python types of fields, or raise."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidCursor() from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise InvalidCursor()
    try:
        return [_to_python(field, value) for field, value in zip(fields, values, strict=True)]
    except (TypeError, ValueError, OverflowError):
        raise InvalidCursor() from None


def _to_python(field, value):
    if isinstance(field, models.DateTimeField):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive datetime")
        return moment
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.IntegerField | models.AutoField):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**63 - 1:
            raise ValueError("not an integer")
        return value
    if not isinstance(value, str) or "\x00" in value or len(value) > 300:
        raise ValueError("not a string a database accepts")
    return value


def _to_json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _after(ordering, values):
    """Return the filter "comes after values in ordering": (a, b, c) > (va, vb, vc)."""
    condition = Q()
    equal = Q()
    for name, value in zip(ordering, values, strict=True):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        condition |= equal & Q(**{f"{field}__{lookup}": value})
        equal &= Q(**{field: value})
    return condition


def keyset_page(queryset, *, ordering, cursor=None, limit=DEFAULT_LIMIT):
    """Return (rows, next_cursor) of the page of queryset after cursor, in ordering.

    ordering names concrete fields of the model (e.g. ("-published_at", "-pk")) and must end with
    the primary key. next_cursor is None on the last page.
    """
    model = queryset.model
    names = [name.lstrip("-") for name in ordering]
    fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]
    rows = queryset.order_by(*ordering)
    if cursor:
        rows = rows.filter(_after(ordering, _decode(cursor, fields)))
    page = list(rows[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    last = page[-1]
    return page, _encode([_to_json(getattr(last, name)) for name in names])
