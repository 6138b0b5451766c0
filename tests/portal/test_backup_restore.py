"""Backups that restore: pg_dump -Fc of a database with rows of every kind, pg_restore
--no-owner into a fresh database, and every table's rows found there (README: 备份与恢复).

PostgreSQL only: on SQLite it is skipped with the reason; CI's PostgreSQL run (DATABASE_URL, see
.ci/run) runs it, and there a missing pg_dump fails the test instead of skipping it.
"""

import subprocess
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from complaints.models import ConsultationComment, Message
from disclosure.models import InformationRequest
from portal.audit import record
from portal.models import AuditEntry
from tests.complaints.factories import ConsultationCommentFactory, MessageFactory
from tests.disclosure.factories import CategoryFactory, ItemFactory
from tests.disclosure.request_factories import person_data, received_request
from tests.oversight.factories import TaskFactory
from tests.portal.factories import UserFactory
from tests.postgres_tools import client_env, pg_program
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump/pg_restore need PostgreSQL: run with DATABASE_URL=postgres://… (CI does)",
    ),
    pytest.mark.django_db(transaction=True),  # committed rows, so that pg_dump sees them
]

PHONE = "13900001111"
ID_NUMBER = "110101199003074514"


def programs():
    """pg_dump, pg_restore, createdb and dropdb at least as new as the server."""
    server_major = connection.pg_version // 10000
    found = {name: pg_program(name, at_least=server_major) for name in PROGRAM_NAMES}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} (PostgreSQL ≥ {server_major}) not found: "
            "apt-get install postgresql-client (.ci/run does)"
        )
    return found


PROGRAM_NAMES = ("pg_dump", "pg_restore", "createdb", "dropdb")


def run(args, env):
    subprocess.run(
        [str(arg) for arg in args], env=env, check=True, capture_output=True, timeout=120
    )


def table_counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


@contextmanager
def restored_database(settings_dict, name):
    """A cursor on the restored database (psycopg directly: the test's connections stay its own)."""
    params = {"dbname": name, "host": settings_dict.get("HOST") or "127.0.0.1"}
    params["port"] = settings_dict.get("PORT") or 5432
    params["user"] = settings_dict.get("USER") or None
    params["password"] = settings_dict.get("PASSWORD") or None
    with psycopg.connect(**params) as conn, conn.cursor() as cursor:
        yield cursor


def fetch(cursor, model, pk, *fields):
    columns = ", ".join(model._meta.get_field(field).column for field in fields)
    table = model._meta.db_table
    cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
    return dict(zip(fields, cursor.fetchone(), strict=True))


def decrypted(model, row):
    """The row's values as the model reads them (EncryptedCharField.from_db_value decrypts)."""
    return {
        name: model._meta.get_field(name).from_db_value(value, None, connection)
        for name, value in row.items()
    }


def test_a_dump_restores_into_a_fresh_database_with_every_row(tmp_path):
    bin = programs()
    officer = UserFactory(username="officer")
    message = MessageFactory(sender_phone=PHONE, sender_name="李晓红")
    info_request = received_request(data=person_data(id_number=ID_NUMBER, phone="13700002222"))
    comment = ConsultationCommentFactory(sender_phone="13600003333")
    # Its own column: seeded columns are gone after an earlier transactional test's flush.
    ItemFactory(category=CategoryFactory(slug="backup-test"))
    ServiceGuideFactory()
    ApprovalResultFactory()
    TaskFactory()
    entry = record(AuditEntry.Kind.LOGIN, user=officer, detail="备份测试")

    source = connection.settings_dict
    env = client_env(source)
    dump = tmp_path / "portal.dump"
    run([bin["pg_dump"], "-Fc", "--no-owner", "-f", dump, "-d", source["NAME"]], env)
    target = f"portal_restore_{uuid.uuid4().hex[:12]}"
    run([bin["createdb"], "-T", "template0", target], env)
    try:
        run([bin["pg_restore"], "--no-owner", "--exit-on-error", "-d", target, dump], env)
        tables = connection.introspection.table_names()
        with connection.cursor() as cursor:
            expected = table_counts(cursor, tables)
        with restored_database(source, target) as cursor:
            restored = table_counts(cursor, tables)
            message_row = fetch(cursor, Message, message.pk, "sender_phone", "sender_name")
            request_row = fetch(cursor, InformationRequest, info_request.pk, "id_number")
            comment_row = fetch(cursor, ConsultationComment, comment.pk, "sender_phone")
            entry_row = fetch(cursor, AuditEntry, entry.pk, "hash")
        assert restored == expected
        assert expected["complaints_message"] == 1 and expected["portal_auditentry"] >= 1
        assert sum(expected.values()) > 20
        # Personal data are stored encrypted and come back readable through the models' fields
        # with the same keys (kept apart from the dump); the audit chain's hash is intact.
        assert PHONE not in message_row["sender_phone"]
        assert decrypted(Message, message_row) == {"sender_phone": PHONE, "sender_name": "李晓红"}
        assert decrypted(InformationRequest, request_row) == {"id_number": ID_NUMBER}
        assert decrypted(ConsultationComment, comment_row) == {"sender_phone": "13600003333"}
        assert entry_row == {"hash": entry.hash}
        dumped = dump.read_bytes()
        assert PHONE.encode() not in dumped and ID_NUMBER.encode() not in dumped
    finally:
        run([bin["dropdb"], "--if-exists", "--force", target], env)
