"""False positives: the demo bureau's items, guides, messages and consultations (realistic
official text) have no blocking finding, and the warnings left on them are few and real."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from complaints.models import Consultation, Message
from disclosure.models import Item
from portal import content_safety
from services.models import ServiceGuide

pytestmark = pytest.mark.django_db

# Warnings the demo may keep: the scanner must stay quiet on what an editor writes every day.
WARNINGS_ALLOWED = 10


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for this module and roll it back after (as test_demo_data does)."""
    folder = tmp_path_factory.mktemp("demo-content-safety")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=folder / "media", DEMO_ACCOUNTS_FILE=folder / "demo-accounts.txt"
        ),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        yield folder
        transaction.set_rollback(True)


def demo_findings():
    """Return (record, finding) for every finding on the demo's public records, read as the
    gate reads them (items and guides with their rows and attachments)."""
    found = []
    for item in Item.objects.all():
        found += [(item, f) for f in content_safety.scan_publication(item)]
    for guide in ServiceGuide.objects.all():
        found += [(guide, f) for f in content_safety.scan_publication(guide)]
    for model in (Message, Consultation):
        for row in model.objects.all():
            found += [(row, f) for f in content_safety.scan_object(row)]
    return found


def test_demo_has_no_blocking_finding_and_few_warnings(demo, settings, capsys):
    settings.MEDIA_ROOT = demo / "media"
    findings = demo_findings()
    blocking = [(str(row), f.describe()) for row, f in findings if f.is_blocking]
    warnings = [(str(row), f.describe()) for row, f in findings if not f.is_blocking]
    with capsys.disabled():
        print(f"\n演示数据内容安全检查：阻断 {len(blocking)} 处，警告 {len(warnings)} 处")
        for row, text in warnings:
            print(f"  警告：{row}：{text}")
    assert not blocking, blocking
    assert len(warnings) <= WARNINGS_ALLOWED
