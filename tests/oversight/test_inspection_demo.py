"""The demo bureau passes its own self-inspection: 0 veto items, and a score."""

import pytest
from django.core.management import call_command

from oversight import inspection
from oversight.models import WebsiteReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.txt"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_demo_has_no_veto_item_and_its_last_years_website_report(demo, client):
    run = inspection.run_inspection()
    vetoes = list(run.findings.vetoes().values_list("message", flat=True))
    assert run.veto_count == 0, vetoes
    assert run.score > 0
    assert run.page_count > 100 and run.broken_link_count == 0
    print(f"demo: {run.result_label()} pages={run.page_count} attachments={run.attachment_count}")
    for finding in run.findings.most_urgent_first():
        print(" ", finding)
    report = WebsiteReport.objects.published().get()
    assert report.published_count > 0
    assert client.get(report.get_absolute_url()).status_code == 200
