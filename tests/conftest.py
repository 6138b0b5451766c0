"""Shared fixtures: one staff user per role, and a temporary MEDIA_ROOT for every test.

`TEST_TODAY="2027-01-04 09:30"` runs the suite on another day (the clock starts there and ticks):
deadlines, months and years are where date-dependent tests break, so try the first of a month,
the first working day of a year and a December day before a change lands.
"""

import os

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from portal import roles
from tests.portal.factories import DepartmentFactory, UserFactory


def pytest_configure(config):
    today = os.environ.get("TEST_TODAY")
    if today:
        config._test_today = time_machine.travel(f"{today} +0800", tick=True)
        config._test_today.start()


def pytest_unconfigure(config):
    if getattr(config, "_test_today", None):
        config._test_today.stop()


def pytest_report_header(config):
    if os.environ.get("TEST_TODAY"):
        return f"TEST_TODAY: the clock starts at {os.environ['TEST_TODAY']} (Asia/Shanghai)"


@pytest.fixture(autouse=True)
def keep_the_test_connection(request):
    """Keep a test's database connection open across the requests it makes in-process.

    Django's test Client disconnects close_old_connections around each request; the schema fuzzer
    (WSGI) and the self-inspection's walk close their responses themselves, and on PostgreSQL the
    signal would then close the connection inside the test's transaction ("Cannot open a new
    connection in an atomic block"). Browser tests keep the live server's own behaviour.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    # Demo loaders write the accounts file: never the developer's own (.demo-accounts.txt).
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.txt"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    from portal.pagecache import forget_version

    cache.clear()
    forget_version()
    yield
    cache.clear()
    forget_version()


def make_staff(role, department=None, **kwargs):
    user = UserFactory(department=department or DepartmentFactory(), is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def department(db):
    return DepartmentFactory(name="政策法规科", code="zcfg")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(name="规划科", code="ghk")


@pytest.fixture
def officer(department):
    return make_staff(roles.OFFICER, department, username="officer", full_name="刘晓梅")


@pytest.fixture
def reviewer(db):
    return make_staff(roles.REVIEWER, username="reviewer", full_name="黄志强")


@pytest.fixture
def department_head(department):
    return make_staff(roles.DEPARTMENT_HEAD, department, username="head", full_name="李明")


@pytest.fixture
def disclosure_office(db):
    return make_staff(roles.DISCLOSURE_OFFICE, username="office", full_name="何静")


@pytest.fixture
def leadership(db):
    return make_staff(roles.LEADERSHIP, username="leader", full_name="马德华")
