import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


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
        # A production deployment has a shared cache and the admin's networks (W003, W004).
        "CACHE_URL": "redis://127.0.0.1:6379/9",
        "ADMIN_ALLOWED_NETWORKS": "10.20.0.0/16,192.168.8.0/24",
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
