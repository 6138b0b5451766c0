"""The tamper-evident audit log: hash chain, verification, prune anchor, append-only on PostgreSQL.

The PostgreSQL tests run when DATABASE_URL points to PostgreSQL (CI's second run); on SQLite they
are skipped with the reason, and the chain tests run on both.
"""

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from portal import audit_chain
from portal.audit import record
from portal.models import AuditAnchor, AuditEntry
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="append-only trigger and advisory lock: PostgreSQL only (set DATABASE_URL)",
)


def verify():
    """Run verify_audit_log; return (exit ok, output)."""
    out = StringIO()
    try:
        call_command("verify_audit_log", stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue()


def tamper(sql, params=()):
    """Change the table behind the application's back, as a database superuser could: on
    PostgreSQL with the append-only trigger switched off for this transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE portal_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE portal_auditentry ENABLE TRIGGER USER")


def test_each_entry_hashes_the_previous_hash_and_its_canonical_fields():
    user = UserFactory(username="officer")
    first = record(AuditEntry.Kind.LOGIN, user=user, detail="第一条")
    second = record(AuditEntry.Kind.LOGOUT, username="某人")
    first.refresh_from_db()
    second.refresh_from_db()
    fields = {
        "at": first.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "detail": "第一条",
        "id": first.pk,
        "ip_address": "",
        "kind": "login",
        "user_id": user.pk,
        "username": "officer",
    }
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert first.hash == hashlib.sha256(f"|{payload}".encode()).hexdigest()
    assert second.hash == audit_chain.row_hash(first.hash, second)
    assert second.pk > first.pk


def test_the_canonical_time_is_utc_whatever_the_zone_it_was_given_in():
    shanghai = datetime(2026, 12, 7, 18, 0, 0, 123456, tzinfo=timezone.get_current_timezone())
    text = audit_chain.canonical(
        id=7, at=shanghai, kind="login", user_id=None, username="a", ip_address=None, detail=""
    )
    assert '"at":"2026-12-07T10:00:00.123456Z"' in text
    assert '"user_id":null' in text


def test_a_clean_chain_reports_the_count_and_its_head():
    for n in range(3):
        record(AuditEntry.Kind.LOGIN, username=f"user{n}")
    head = AuditEntry.objects.order_by("-pk").first()
    ok, output = verify()
    assert ok
    assert "共 3 条记录" in output
    assert f"第 {head.pk} 条" in output and head.hash in output


def test_a_changed_row_is_the_first_broken_link():
    entries = [record(AuditEntry.Kind.LOGIN, username=f"user{n}") for n in range(4)]
    changed = entries[1]
    tamper("UPDATE portal_auditentry SET detail = %s WHERE id = %s", ["改过", changed.pk])
    ok, output = verify()
    assert not ok
    assert f"第 {changed.pk} 条记录" in output
    assert timezone.localtime(changed.at).strftime("%Y-%m-%d %H:%M:%S") in output
    assert "此前 1 条校验通过" in output


def test_a_removed_row_breaks_the_link_of_the_row_after_it():
    entries = [record(AuditEntry.Kind.LOGIN, username=f"user{n}") for n in range(4)]
    tamper("DELETE FROM portal_auditentry WHERE id = %s", [entries[2].pk])
    ok, output = verify()
    assert not ok
    assert f"第 {entries[3].pk} 条记录" in output


def test_a_recomputed_hash_does_not_hide_a_change_from_the_next_row():
    entries = [record(AuditEntry.Kind.LOGIN, username=f"user{n}") for n in range(3)]
    forged = entries[1]
    forged.detail = "伪造"
    forged_hash = audit_chain.row_hash(entries[0].hash, forged)
    tamper(
        "UPDATE portal_auditentry SET detail = %s, hash = %s WHERE id = %s",
        ["伪造", forged_hash, forged.pk],
    )
    ok, output = verify()
    assert not ok
    assert f"第 {entries[2].pk} 条记录" in output


def test_an_entry_is_never_saved_twice():
    entry = record(AuditEntry.Kind.LOGIN, username="a")
    entry.detail = "改"
    with pytest.raises(ValueError, match="只能追加"):
        entry.save()


def test_prune_keeps_the_chain_verifiable_from_its_anchor():
    now = timezone.now()
    old = [
        AuditEntry.objects.create(kind="login", username=f"old{n}", at=now - timedelta(days=200))
        for n in range(3)
    ]
    kept = [AuditEntry.objects.create(kind="login", username=f"new{n}") for n in range(2)]
    out = StringIO()
    call_command("prune_audit_log", stdout=out)
    assert "已删除 3 条" in out.getvalue()
    assert list(AuditEntry.objects.order_by("pk")) == kept
    anchor = AuditAnchor.objects.get()
    assert (anchor.last_id, anchor.last_hash, anchor.count) == (old[-1].pk, old[-1].hash, 3)
    record(AuditEntry.Kind.LOGIN, username="after")
    ok, output = verify()
    assert ok, output
    assert "共 3 条记录" in output
    # The anchor is where verification starts: a changed first kept row is still found.
    tamper("UPDATE portal_auditentry SET username = 'x' WHERE id = %s", [kept[0].pk])
    ok, output = verify()
    assert not ok and f"第 {kept[0].pk} 条记录" in output


def test_after_everything_is_pruned_the_next_entry_chains_to_the_anchor():
    now = timezone.now()
    last = AuditEntry.objects.create(kind="login", username="old", at=now - timedelta(days=400))
    assert AuditEntry.objects.prune() == 1
    entry = record(AuditEntry.Kind.LOGIN, username="new")
    assert entry.pk > last.pk
    assert entry.hash == audit_chain.row_hash(last.hash, entry)
    assert verify()[0]


def test_nothing_to_prune_leaves_no_anchor():
    record(AuditEntry.Kind.LOGIN, username="recent")
    assert AuditEntry.objects.prune() == 0
    assert not AuditAnchor.objects.exists()


def test_deleting_an_account_keeps_its_entries_and_the_chain():
    user = UserFactory(username="leaver")
    entry = record(AuditEntry.Kind.LOGIN, user=user)
    user_id = user.pk
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.user_id == user_id and entry.username == "leaver"
    assert verify()[0]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger refuses blanking")
def test_the_data_migration_fills_the_hashes_of_existing_rows():
    import importlib

    migration = importlib.import_module("portal.migrations.0018_audit_hash_chain")
    entries = [record(AuditEntry.Kind.LOGIN, username=f"user{n}") for n in range(3)]
    AuditEntry.objects.update(hash="")
    assert not verify()[0]
    migration.fill_hashes(apps, SimpleNamespace(connection=connection))
    assert verify()[0]
    assert AuditEntry.objects.get(pk=entries[2].pk).hash == entries[2].hash


@on_postgresql
def test_postgresql_refuses_update_and_delete():
    entry = record(AuditEntry.Kind.LOGIN, username="a")
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(detail="改"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
            attempt()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


@on_postgresql
def test_postgresql_refuses_deleting_old_rows_outside_the_prune():
    old = AuditEntry.objects.create(
        kind="login", username="old", at=timezone.now() - timedelta(days=400)
    )
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditEntry.objects.filter(pk=old.pk).delete()
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditAnchor.objects.create(last_id=1, last_hash="0" * 64, count=1).delete()


@on_postgresql
def test_postgresql_prune_function_refuses_a_recent_cutoff():
    record(AuditEntry.Kind.LOGIN, username="a")
    with (
        pytest.raises(DatabaseError, match="180"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT portal_prune_audit(10)")
    assert AuditEntry.objects.count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_concurrent_writers_keep_one_chain():
    writers, per_writer = 4, 10
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait(timeout=10)
            for i in range(per_writer):
                record(AuditEntry.Kind.LOGIN, username=f"w{n}-{i}")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert AuditEntry.objects.count() == writers * per_writer
    count, broken = AuditEntry.objects.verify_chain()
    assert broken is None and count == writers * per_writer
