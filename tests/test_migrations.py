from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_no_missing_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


def test_validity_date_backfill_takes_the_local_day_of_the_last_edit():
    """disclosure 0005 dates documents already repealed by their last edit, in Beijing time."""
    from datetime import UTC, date, datetime
    from importlib import import_module

    from django.apps import apps

    from disclosure.models import Item
    from tests.disclosure.factories import ItemFactory

    backfill = import_module("disclosure.migrations.0005_item_validity_changed_on").backfill
    repealed = ItemFactory(validity=Item.Validity.REPEALED)
    valid = ItemFactory()
    late_evening_utc = datetime(2024, 12, 31, 17, 30, tzinfo=UTC)  # 2025-01-01 01:30 in Beijing
    Item.objects.filter(pk__in=[repealed.pk, valid.pk]).update(
        updated_at=late_evening_utc, validity_changed_on=None
    )
    backfill(apps, None)
    repealed.refresh_from_db()
    valid.refresh_from_db()
    assert repealed.validity_changed_on == date(2025, 1, 1)
    assert valid.validity_changed_on is None
