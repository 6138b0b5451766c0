"""The admin in Chinese where Django and the libraries leave English: the date picker's weekdays,
the rich-text editor's menus and dialogs, the content-type filter of the scanner's findings."""

import json
import re

import pytest
from django.urls import reverse

from portal.richtext import EDITOR_LABELS

pytestmark = pytest.mark.django_db


def catalog(client):
    text = client.get(reverse("admin:jsi18n")).content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", text, re.S).group(1))


def test_the_admin_catalogue_has_chinese_weekdays_and_editor_labels(client, disclosure_office):
    client.force_login(disclosure_office)
    found = catalog(client)
    letters = [
        found[f"one letter {day}\x04{letter}"]
        for day, letter in [
            ("Sunday", "S"),
            ("Monday", "M"),
            ("Tuesday", "T"),
            ("Wednesday", "W"),
            ("Thursday", "T"),
            ("Friday", "F"),
            ("Saturday", "S"),
        ]
    ]
    assert "".join(letters) == "日一二三四五六"
    assert found["January"] == "一月" and found["Today"] == "今天"  # Django's own, kept
    assert found["Insert Table"] == "插入表格" and found["bold"] == "加粗"
    assert all(found[key] == value for key, value in EDITOR_LABELS.items())


def test_every_editor_string_has_a_chinese_label():
    """Each string django-prose-editor's bundle passes to gettext is in EDITOR_LABELS."""
    from pathlib import Path

    import django_prose_editor

    bundle = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    source = bundle.read_text()
    name = re.search(r"(\w+)=window\.gettext\|\|", source).group(1)
    asked = set(re.findall(rf'\b{name}\("([^"]+)"\)', source))
    assert asked and not asked - set(EDITOR_LABELS)
    menu = set(re.findall(r'material\("[a-z_]+","([^"]+)"\)', source))
    assert not menu - set(EDITOR_LABELS)


def test_the_editor_menu_script_is_on_admin_pages(client, disclosure_office):
    client.force_login(disclosure_office)
    page = client.get(reverse("admin:disclosure_item_add")).text
    assert "js/prose_editor_zh.js" in page and reverse("admin:jsi18n") in page


def test_the_findings_filter_lists_only_portal_models_in_chinese(client, disclosure_office):
    client.force_login(disclosure_office)
    page = client.get(reverse("admin:portal_contentfinding_changelist"))
    assert page.status_code == 200
    filters = page.text.split('id="changelist-filter"')[1]
    assert "信息条目" in filters and "办事指南" in filters
    for internal in ["access attempt", "content type", "TOTP", "Task Result", "permission"]:
        assert internal not in filters, internal
    assert page.context and client.get(
        reverse("admin:portal_contentfinding_changelist"), {"content_type__id__exact": "x"}
    ).status_code in {200, 302}
