"""Personal data at rest: encrypted columns, keyed hashes, rotation, retention, audited views."""

import base64
import os
import subprocess
import sys
from datetime import date, timedelta
from importlib import import_module
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from complaints.models import ConsultationComment, EvaluationResponse, Message
from complaints.models.evaluation import hash_evaluation_phone
from disclosure.models import InformationRequest, LetterTemplate, RequestLetter
from portal import crypto
from portal.models import AuditEntry
from portal.personal_data import ERASED, retention_cutoff
from services.models import ApprovalResult
from tests.complaints.factories import (
    ConsultationCommentFactory,
    EvaluationRoundFactory,
    MessageFactory,
)
from tests.disclosure.request_factories import VALID_ID_NUMBER, person_data, received_request
from tests.services.factories import ApprovalResultFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
OLD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def raw_rows(model):
    """Return every stored cell of the model's table as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return [cell for row in cursor.fetchall() for cell in row]


def raw_value(obj, field):
    column = obj._meta.get_field(field).column
    table, pk = obj._meta.db_table, obj._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk} = %s", [obj.pk])  # noqa: S608
        return cursor.fetchone()[0]


# The cipher ------------------------------------------------------------------------------------
def test_round_trip_with_a_fresh_nonce_each_time():
    first, second = crypto.encrypt("张建华"), crypto.encrypt("张建华")
    assert first.startswith("v1:test1:") and first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "张建华"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_a_changed_byte_is_refused():
    stored = crypto.encrypt(PHONE)
    tag, key_id, payload = stored.split(":", 2)
    blob = bytearray(base64.b64decode(payload))
    blob[15] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{tag}:{key_id}:{base64.b64encode(bytes(blob)).decode()}")
    same_key_twice = {"a": OLD_KEY, "b": OLD_KEY}
    with override_settings(PII_KEYS=same_key_twice, PII_KEY_ID="a"):  # the key id is sealed too
        moved = crypto.encrypt(PHONE).replace("v1:a:", "v1:b:")
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(moved)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(PHONE)


@pytest.mark.skipif(not crypto.SM4GCM.is_available(), reason="this OpenSSL has no SM4")
def test_sm4_can_be_configured_and_old_values_still_read():
    before = crypto.encrypt(PHONE)
    with override_settings(PII_CIPHER="portal.crypto.SM4GCM"):
        stored = crypto.encrypt(PHONE)
        assert stored.startswith("sm4:test1:")
        assert crypto.decrypt(stored) == crypto.decrypt(before) == PHONE


def test_production_without_keys_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PII_")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0"})
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PII_KEYS and PII_HASH_KEY must be set" in result.stderr
    hook = subprocess.run(  # the migration check of a commit hook needs no keys
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # (whether the migrations are complete is tests/test_migrations.py's business)
    assert "Traceback" not in hook.stderr and "PII_KEYS" not in hook.stderr, hook.stderr


def test_unusable_keys_are_reported_at_start():
    assert crypto.check_pii_keys() == []
    with override_settings(PII_KEYS={"short": base64.b64encode(b"x" * 8).decode()}):
        assert [e.id for e in crypto.check_pii_keys()] == ["portal.E010"]
    with override_settings(PII_HASH_KEY="not base64!"):
        assert "PII_HASH_KEY" in crypto.check_pii_keys()[0].msg


# Nothing plain in the tables -------------------------------------------------------------------
def test_raw_columns_hold_no_plain_id_number_or_phone(officer):
    received_request(data=person_data())
    MessageFactory(sender_phone=PHONE)
    ConsultationCommentFactory(sender_phone=PHONE, body=f"建议公开补偿标准，电话{PHONE}可联系我。")
    round = EvaluationRoundFactory()
    EvaluationResponse.objects.create(
        round=round, phone_hash=hash_evaluation_phone(PHONE), masked_phone="138****5678"
    )
    ApprovalResultFactory()
    models = [InformationRequest, Message, ConsultationComment, EvaluationResponse, ApprovalResult]
    for model in models:
        cells = " ".join(str(cell) for cell in raw_rows(model))
        assert cells, model
        for secret in (PHONE, VALID_ID_NUMBER, "zhang@example.com", "江南大道", "张建华"):
            assert secret not in cells, (model, secret)
    letter = RequestLetter.issue(
        InformationRequest.objects.get(), LetterTemplate.Kind.REPLY, by=officer, now=timezone.now()
    )
    assert "张建华" in letter.body and "张建华" not in raw_value(letter, "body")
    # ... and the application reads them back.
    info_request = InformationRequest.objects.get()
    assert (info_request.phone, info_request.id_number) == (PHONE, VALID_ID_NUMBER)
    assert Message.objects.get().sender_phone == PHONE


def test_encrypted_columns_refuse_lookups_that_cannot_work():
    MessageFactory()
    with pytest.raises(FieldError):
        list(Message.objects.filter(sender_phone=PHONE))
    with pytest.raises(FieldError):
        list(Message.objects.filter(sender_name__contains="张"))
    assert Message.objects.filter(sender_email="").count() == 0  # emptiness still compares


# Keyed hashes ----------------------------------------------------------------------------------
def test_keyed_hash_finds_the_row_and_needs_its_own_key():
    message = MessageFactory(sender_phone="138 1234 5678")
    assert message.sender_phone_hash == crypto.keyed_hash("+86 138-1234-5678", "phone")
    found = Message.objects.filter(sender_phone_hash=crypto.keyed_hash(PHONE, "phone"))
    assert list(found) == [message]
    with override_settings(PII_HASH_KEY=NEW_KEY):
        assert crypto.keyed_hash(PHONE, "phone") != message.sender_phone_hash


def test_one_questionnaire_per_phone_still_holds_through_the_keyed_hash():
    from complaints.services import submit_evaluation
    from tests.complaints.factories import EvaluationSubjectFactory

    round = EvaluationRoundFactory(
        opens_on=timezone.localdate() - timedelta(days=1),
        closes_on=timezone.localdate() + timedelta(days=1),
        is_published=True,
    )
    EvaluationSubjectFactory(round=round)
    submit_evaluation(round=round, data={"phone": PHONE, "answers": {}}, ip=None)
    with pytest.raises(Exception) as error:
        submit_evaluation(round=round, data={"phone": "+86 138 1234 5678", "answers": {}}, ip=None)
    assert getattr(error.value, "code", "") == "already_answered"
    assert round.responses.get().phone_hash == crypto.keyed_hash(PHONE, "phone")


def test_admin_search_finds_an_applicant_by_exact_name_or_phone(client, disclosure_office):
    wanted = received_request(data=person_data())
    received_request(data=person_data(applicant_name="李四", phone="13900001111"))
    client.force_login(disclosure_office)
    url = reverse("admin:disclosure_informationrequest_changelist")
    for term in ("张建华", "138-1234-5678"):
        page = client.get(url, {"q": term})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == [wanted]


# Rotation --------------------------------------------------------------------------------------
def test_rotation_re_encrypts_everything_and_old_keys_read_until_then():
    with override_settings(PII_KEYS={"old": OLD_KEY}, PII_KEY_ID="old"):
        messages = [MessageFactory(sender_name=f"张{n}") for n in range(3)]
        comment = ConsultationCommentFactory()
    keys = {"old": OLD_KEY, "new": NEW_KEY}
    with override_settings(PII_KEYS=keys, PII_KEY_ID="new"):
        assert raw_value(messages[0], "sender_phone").startswith("v1:old:")
        assert Message.objects.get(pk=messages[0].pk).sender_phone == PHONE  # old key reads
        out = StringIO()
        call_command("rotate_pii_key", batch_size=2, stdout=out)
        assert "3/3" in out.getvalue()
        for message in messages:
            for field in ("sender_name", "sender_phone", "sender_email"):
                assert raw_value(message, field).startswith("v1:new:")
        assert raw_value(comment, "sender_phone").startswith("v1:new:")
        again = StringIO()
        call_command("rotate_pii_key", stdout=again)  # nothing left: idempotent
        assert "complaints.Message（留言）：0 行" in again.getvalue()
    with override_settings(PII_KEYS={"new": NEW_KEY}, PII_KEY_ID="new"):  # old key retired
        assert [m.sender_name for m in Message.objects.order_by("pk")] == ["张0", "张1", "张2"]


# Retention -------------------------------------------------------------------------------------
def test_retention_erases_old_closed_cases_only_and_keeps_them(disclosure_office, settings):
    settings.PII_RETENTION_YEARS = 3
    now = timezone.now()
    long_ago = now - timedelta(days=4 * 366)
    old_request = received_request(received_on=timezone.localdate(long_ago))
    old_request.withdraw(
        by=disclosure_office, reason="申请人撤回", now=long_ago + timedelta(days=1)
    )
    recent_request = received_request(received_on=timezone.localdate(now))
    recent_request.withdraw(by=disclosure_office, reason="申请人撤回", now=now)
    old_message = MessageFactory(received_at=long_ago)
    old_message.close(by=disclosure_office, reason="重复留言", now=long_ago)
    open_old_message = MessageFactory(received_at=long_ago)  # still unanswered: kept

    out = StringIO()
    call_command("erase_old_personal_data", stdout=out)

    old_request.refresh_from_db()
    assert (old_request.applicant_name, old_request.phone) == (ERASED, ERASED)
    assert (old_request.id_number, old_request.email, old_request.phone_hash) == ("", "", "")
    assert old_request.status == InformationRequest.Status.WITHDRAWN  # the case stays
    recent_request.refresh_from_db()
    assert recent_request.phone == "13812345678"
    old_message.refresh_from_db()
    assert (old_message.sender_name, old_message.sender_email) == (ERASED, "")
    assert old_message.status == Message.Status.CLOSED and old_message.subject
    open_old_message.refresh_from_db()
    assert open_old_message.sender_phone == PHONE
    assert Message.objects.count() == 2 and InformationRequest.objects.count() == 2
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSONAL_DATA_ERASED)
    assert "依申请公开 1 件" in entry.detail and "留言 1 件" in entry.detail
    assert "依申请公开：删除 1 件" in out.getvalue()
    call_command("erase_old_personal_data", stdout=StringIO())  # a second run finds nothing
    latest = AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSONAL_DATA_ERASED).first()
    assert "依申请公开 0 件" in latest.detail and "留言 0 件" in latest.detail


def test_retention_cutoff_counts_years_back(settings):
    settings.PII_RETENTION_YEARS = 5
    now = timezone.make_aware(timezone.datetime(2028, 2, 29, 12))
    assert retention_cutoff(now=now).date() == date(2023, 2, 28)


# The data migration ----------------------------------------------------------------------------
def test_data_migration_encrypts_existing_plain_rows_and_reverses():
    message = MessageFactory()
    table = Message._meta.db_table
    with connection.cursor() as cursor:  # a row as it was before the migration
        cursor.execute(
            f"UPDATE {table} SET sender_name = %s, sender_phone = %s, sender_phone_hash = ''"  # noqa: S608
            " WHERE id = %s",
            ["张建华", PHONE, message.pk],
        )
    migration = import_module("complaints.migrations.0008_encrypt_personal_data").Migration
    encrypt_messages = migration.operations[-2]
    editor = SimpleNamespace(connection=connection)
    encrypt_messages.code(apps, editor)
    assert raw_value(message, "sender_phone").startswith("v1:test1:")
    message.refresh_from_db()
    assert (message.sender_name, message.sender_phone) == ("张建华", PHONE)
    assert message.sender_phone_hash == crypto.keyed_hash(PHONE, "phone")
    encrypt_messages.code(apps, editor)  # run twice: still one layer of encryption
    message.refresh_from_db()
    assert message.sender_phone == PHONE
    encrypt_messages.reverse_code(apps, editor)
    assert raw_value(message, "sender_phone") == PHONE


# Audited views ---------------------------------------------------------------------------------
def test_opening_a_case_with_personal_data_is_audited(client, disclosure_office):
    info_request = received_request(data=person_data())
    client.force_login(disclosure_office)
    url = reverse("admin:disclosure_informationrequest_change", args=[info_request.pk])
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSONAL_DATA_VIEWED)
    assert entry.user == disclosure_office
    assert info_request.tracking_number in entry.detail
    assert PHONE not in entry.detail and "张建华" not in entry.detail
    client.get(reverse("admin:disclosure_informationrequest_changelist"))
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSONAL_DATA_VIEWED).count() == 1


def test_opening_a_message_is_audited(client, department_head):
    message = MessageFactory(category__department=department_head.department)
    client.force_login(department_head)
    url = reverse("admin:complaints_message_change", args=[message.pk])
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSONAL_DATA_VIEWED)
    assert entry.user == department_head and message.tracking_number in entry.detail


def test_comment_list_masks_the_commenter_and_the_change_page_is_audited(admin_client):
    comment = ConsultationCommentFactory(sender_name="张建华")
    listing = admin_client.get(reverse("admin:complaints_consultationcomment_changelist"))
    assert listing.status_code == 200
    assert "张**" in listing.content.decode() and "张建华" not in listing.content.decode()
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.PERSONAL_DATA_VIEWED).exists()
    url = reverse("admin:complaints_consultationcomment_change", args=[comment.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and PHONE in page.content.decode()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.PERSONAL_DATA_VIEWED)
    assert f"#{comment.pk}" in entry.detail


def test_retention_deletes_the_files_the_citizen_attached(
    disclosure_office, settings, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.models import MessageAttachment

    settings.PII_RETENTION_YEARS = 3
    long_ago = timezone.now() - timedelta(days=4 * 366)
    old_message = MessageFactory(received_at=long_ago)
    old_message.close(by=disclosure_office, reason="重复留言", now=long_ago)
    photo = MessageAttachment.objects.create(
        message=old_message,
        file=SimpleUploadedFile("身份证复印件.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    )
    storage, name = photo.file.storage, photo.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_old_personal_data", stdout=StringIO())
    assert not MessageAttachment.objects.filter(pk=photo.pk).exists()
    assert not storage.exists(name)
    old_message.refresh_from_db()
    assert old_message.status == Message.Status.CLOSED  # the case stays
