import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.models import Department, SiteSettings, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts_file(settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.txt"
    return settings.DEMO_ACCOUNTS_FILE


def test_load_demo_creates_bureau_and_an_account_per_role(accounts_file):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert SiteSettings.load().bureau_name == "江川市国土资源局"
    assert Department.objects.filter(name="地籍与不动产登记科").exists()
    lines = accounts_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6  # one per role, and two department heads
    for line in lines:
        username, password, _ = line.split("\t")
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.is_staff
        assert user.groups.count() == 1
        assert password in out.getvalue()  # printed once
    users = [User.objects.get(username=line.split("\t")[0]) for line in lines]
    assert {user.groups.get().name for user in users} == {
        "信息员",
        "审核员",
        "科室负责人",
        "政务公开办",
        "局领导",
    }
    heads = [user for user in users if user.groups.get().name == "科室负责人"]
    assert len({head.department_id for head in heads}) == 2


def test_load_demo_is_idempotent(accounts_file):
    call_command("load_demo", stdout=StringIO())
    first = accounts_file.read_text(encoding="utf-8")
    counts = (Department.objects.count(), User.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert accounts_file.read_text(encoding="utf-8") == first
    assert (Department.objects.count(), User.objects.count()) == counts
    assert "演示账号未变" in out.getvalue()


def test_load_demo_resets_a_password_that_no_longer_matches(accounts_file):
    call_command("load_demo", stdout=StringIO())
    user = User.objects.get(username="xinxiyuan")
    user.set_password("changed-by-someone-1")
    user.save()
    call_command("load_demo", stdout=StringIO())
    password = dict(
        line.split("\t")[:2] for line in accounts_file.read_text(encoding="utf-8").splitlines()
    )["xinxiyuan"]
    user.refresh_from_db()
    assert user.check_password(password)


def run_manage(tmp_path, *args):
    """Run manage.py as a shell would, without a key and with debug off (on a scratch SQLite)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "DJANGO_SECRET_KEY"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migration_check_runs_without_a_key_and_nothing_else_does(tmp_path):
    result = run_manage(tmp_path, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    refused = run_manage(tmp_path, "check")
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in refused.stderr


def test_check_deploy_is_clean():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
        },
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "EMAIL_HOST": "smtp.example.gov.cn",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7#kq!2v" * 8,
        "DJANGO_ALLOWED_HOSTS": "gtj.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_missing_secret_key_is_an_error_without_debug():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_warns_about_a_non_utf8_database(monkeypatch):
    from django.db import connection

    from portal.checks import check_database_encoding

    class FakeCursor:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def execute(self, sql):
            pass

        def fetchone(self):
            return ("LATIN1", "C")

    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(connection, "cursor", lambda: FakeCursor())
    warnings = check_database_encoding(None)
    assert [w.id for w in warnings] == ["portal.W001"]
    assert "UTF-8" in warnings[0].msg


def test_deploy_check_passes_on_the_test_database():
    from portal.checks import check_database_encoding

    # SQLite is always UTF-8; the PostgreSQL test database is created UTF-8 by the server.
    assert check_database_encoding(None) == []
