"""Staff notices: recipients by role and department, sent only after commit, failures logged."""

import logging
import socket

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction

from portal import roles
from portal.notices import mail_on_commit, staff_emails
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_recipients_are_active_staff_of_the_roles_and_department():
    land, survey = DepartmentFactory(), DepartmentFactory()
    head, officer = (
        Group.objects.get(name=roles.DEPARTMENT_HEAD),
        Group.objects.get(name=roles.OFFICER),
    )
    UserFactory(email="head@land.gov.cn", department=land).groups.add(head)
    UserFactory(email="officer@land.gov.cn", department=land).groups.add(officer)
    UserFactory(email="officer@survey.gov.cn", department=survey).groups.add(officer)
    UserFactory(email="gone@land.gov.cn", department=land, is_active=False).groups.add(officer)
    UserFactory(email="", department=land).groups.add(officer)
    both = UserFactory(email="both@land.gov.cn", department=land)
    both.groups.add(head, officer)

    assert staff_emails(roles=[roles.DEPARTMENT_HEAD, roles.OFFICER], department_id=land.pk) == [
        "both@land.gov.cn",
        "head@land.gov.cn",
        "officer@land.gov.cn",
    ]
    assert staff_emails(roles=roles.OFFICER) == [
        "both@land.gov.cn",
        "officer@land.gov.cn",
        "officer@survey.gov.cn",
    ]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            mail_on_commit("【提醒】未提交", "正文", ["a@example.gov.cn"])
            raise RuntimeError
        mail_on_commit("【提醒】已提交\n", "正文", ["a@example.gov.cn"])
    assert [m.subject for m in mail.outbox] == ["【提醒】已提交"]


def test_a_mail_server_that_refuses_is_logged_not_raised(
    settings, caplog, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a port nobody listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }
    with (
        caplog.at_level(logging.ERROR, logger="portal.notices"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        mail_on_commit("【提醒】留言即将超期", "正文", ["a@example.gov.cn"])
    assert "【提醒】留言即将超期" in caplog.text
    assert "could not be mailed" in caplog.text
