"""Staff-typed names (tasks, departments) never become active content in printed pages."""

from datetime import date

import pytest
from django.urls import reverse

from oversight import services
from tests.oversight.factories import ReportingTargetFactory, TaskFactory
from tests.portal.factories import DepartmentFactory
from tests.xss import PAYLOADS, active_content

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_task_print_page_is_inert(client, disclosure_office, payload):
    department = DepartmentFactory(name=payload[:60], code="xss")
    TaskFactory(year=2026, title=payload[:200], basis=payload[:200], lead_department=department)
    client.force_login(disclosure_office)
    html = client.get(reverse("admin:oversight_task_print") + "?year=2026").content.decode()
    assert active_content(html, allowed_tags={"style", "meta"}) == []


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_bulletin_print_page_is_inert(client, disclosure_office, payload):
    department = DepartmentFactory(name=payload[:60], code="xss")
    ReportingTargetFactory(department=department, month_on=date(2026, 6, 1))
    bulletin = services.generate_bulletin(month_on=date(2026, 6, 1), by=disclosure_office)
    client.force_login(disclosure_office)
    url = reverse("admin:oversight_bulletin_print", args=[bulletin.pk])
    html = client.get(url).content.decode()
    assert active_content(html, allowed_tags={"style", "meta"}) == []
