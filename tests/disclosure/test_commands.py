"""manage.py generate_items: realistic published items with their search entries."""

import pytest
from django.core.management import CommandError, call_command

from disclosure.models import Item
from portal.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_generate_items_makes_public_numbered_searchable_items(department, capsys):
    call_command("generate_items", "--count", "30", "--batch-size", "12")
    items = Item.objects.public()
    assert items.count() == 30
    assert all(item.index_number and item.published_at for item in items)
    assert len({item.index_number for item in items}) == 30
    assert SearchEntry.objects.filter(key__startswith="disclosure.item:").count() == 30
    assert len(SearchEntry.objects.search("土地")) > 0
    assert "完成：共 30 条信息。" in capsys.readouterr().out


def test_generate_items_needs_a_positive_count():
    with pytest.raises(CommandError):
        call_command("generate_items", "--count", "0")
